"""SQL the loader generates from the contract: read + validate + cast in one pass, then keep each row's latest view.

Identifiers in the SQL come only from etl/contract.py; every value from the input (file lists, header names, code
lists, bounds, authority codes) is bound as a $parameter.
"""

from __future__ import annotations

from etl.contract import ALL_FILES, DATE_FORMATS, DATETIME_FORMATS, Column, SourceFile

# Why a row is rejected, in the order the docs list them (the keys are the `reason` values in rejected_rows).
REASONS: dict[str, str] = {
    "missing required value": "a column that must have a value is empty",
    "unparseable date": "not a date in an accepted format, or a year outside 1900-2100 (a two-digit year, say)",
    "code not in list": "a coded column holds a value that is not in its code list",
    "not a number": "a number column holds something that is not a number (a whole number for integer columns)",
    "number out of range": "a number is below or above the column's allowed range",
    "end before start": "an end date (or time) is before its start date, e.g. DEC before DECOM",
    "unknown child": "CHILD is not in any accepted header.csv row of that authority (any year)",
    "unknown missing episode": "a return interview whose CHILD and MIS_START match no accepted missing episode",
}

CSV_OPTIONS = "header = true, auto_detect = false, columns = $columns, delim = ',', quote = '\"', escape = '\"'"

# Target column names that are not simply the lower-cased contract column name.
RENAMES: dict[tuple[str, str], str] = {
    ("reviews", "review_date"): "REVIEW",
    ("missing", "missing_type"): "MISSING",
}

# Contract kind of every column, per file name.
FILES_KIND: dict[str, dict[str, str]] = {f.name: {c.name: c.kind for c in f.columns} for f in ALL_FILES}

# Files whose facts are per return (the same key in two years is two rows).
PER_YEAR = frozenset({"oc2"})


def _q(name: str) -> str:
    """Quote a contract identifier (contract names are plain upper-case words)."""
    return '"' + name.replace('"', '""') + '"'


def _raw(name: str) -> str:
    return _q("raw:" + name)


def _typed(col: Column, params: dict) -> str:
    """Expression turning the trimmed text of `col` into its contract type (null when it cannot)."""
    raw = _raw(col.name)
    if col.kind == "code":
        return f"upper({raw})"
    if col.kind in ("date", "datetime"):
        fmt = "$date_formats" if col.kind == "date" else "$datetime_formats"
        params["date_formats" if col.kind == "date" else "datetime_formats"] = list(
            DATE_FORMATS if col.kind == "date" else DATETIME_FORMATS)
        cast = "date" if col.kind == "date" else "timestamp"
        parsed = f"try_strptime({raw}, {fmt})"
        return f"case when year({parsed}) between 1900 and 2100 then {parsed}::{cast} end"
    if col.kind == "int":
        return f"case when regexp_full_match({raw}, '[+-]?[0-9]+') then try_cast({raw} as bigint) end"
    if col.kind == "number":
        return f"case when isfinite(try_cast({raw} as double)) then try_cast({raw} as double) end"
    return raw  # id, text


def _checks(spec: SourceFile, params: dict) -> list[tuple[str, str, str]]:
    """(condition, column, reason) for every rule on a row of `spec`, in terms of raw:X and typed X columns."""
    checks = []
    for col in spec.columns:
        raw, typed = _raw(col.name), _q(col.name)
        if not col.nullable:
            checks.append((f"{raw} is null", col.name, "missing required value"))
        if col.kind in ("date", "datetime"):
            checks.append((f"{raw} is not null and {typed} is null", col.name, "unparseable date"))
        elif col.kind in ("int", "number"):
            checks.append((f"{raw} is not null and {typed} is null", col.name, "not a number"))
        elif col.kind == "code":
            params[f"codes_{col.name}"] = list(col.codes)
            # list_position, not list_contains/IN: those become a join, which would lose the row order.
            checks.append((f"{typed} is not null and list_position($codes_{col.name}, {typed}) is null", col.name,
                           "code not in list"))
        if col.low is not None or col.high is not None:
            bounds = []
            if col.low is not None:
                params[f"low_{col.name}"] = col.low
                bounds.append(f"{typed} < $low_{col.name}")
            if col.high is not None:
                params[f"high_{col.name}"] = col.high
                bounds.append(f"{typed} > $high_{col.name}")
            checks.append((f"{typed} is not null and ({' or '.join(bounds)})", col.name, "number out of range"))
    for start, end in spec.date_order:
        checks.append((f"{_q(end)}::timestamp < {_q(start)}::timestamp", end, "end before start"))
    return checks


def staging_sql(spec: SourceFile, header: tuple[str, ...] | None, params: dict) -> str:
    """A select over read_csv($files) of one header layout: file_id, typed contract columns and `problems`.

    `problems` is null for a good row, else a list of {column_name, value, reason}. header=None gives the
    same columns with no rows (a file kind that is absent everywhere). Rows keep file order (rowid = order).
    """
    if header is None:
        raws = ", ".join(f"null::varchar as {_raw(c.name)}" for c in spec.columns)
        source = f"(select 0 as file_id, {raws}) where false"
    else:
        params["columns"] = {name: "VARCHAR" for name in header}
        raws = ", ".join(
            f"nullif(trim({_q(c.name)}), '') as {_raw(c.name)}" if c.name in header
            else f"null::varchar as {_raw(c.name)}"
            for c in spec.columns
        )
        source = (f"(select file_index + $offset as file_id, {raws} "
                  f"from read_csv($files, {CSV_OPTIONS}))")
    typed = ", ".join(f"{_typed(c, params)} as {_q(c.name)}" for c in spec.columns)
    checks = _checks(spec, params)
    any_problem = " or ".join(f"({cond})" for cond, _, _ in checks)
    items = ", ".join(
        f"case when {cond} then {{'column_name': '{column}', 'value': {_raw(column)}, 'reason': '{reason}'}} end"
        for cond, column, reason in checks
    )
    columns = ", ".join(_q(c.name) for c in spec.columns)
    return f"""
with raw as (
    select * from {source}
),
typed as (
    select file_id, {', '.join(_raw(c.name) for c in spec.columns)}, {typed}
    from raw
),
final as (
    select
        file_id,
        {columns},
        case when {any_problem}
             then [p for p in [{items}] if p is not null] end as problems
    from typed
)
select * from final
"""


def _valid_sql(spec: SourceFile, stage: str, match_missing: str | None) -> str:
    """Staged rows that break no rule, with their authority, return year and version (later return, later line).

    Valid: no problems, CHILD known in dim_child of the same authority and, for return interviews, a matching
    kept missing episode (`match_missing` names that table). Every row sharing a key is valid or not alike.
    """
    conds = ["s.problems is null"]
    if spec.child_column:
        conds.append(f"exists (select 1 from dim_child as c where c.la_code = f.la_code "
                     f"and c.child = s.{_q(spec.child_column)})")
    if match_missing:
        conds.append(f"exists (select 1 from {match_missing} as m where m.la_code = f.la_code "
                     f"and m.\"CHILD\" = s.\"CHILD\" and m.\"MIS_START\" = s.\"MIS_START\")")
    return f"""
    select s.rowid as rid, s.* exclude (problems), f.la_code, f.return_year,
           (coalesce(f.return_year, 0)::bigint << 40) + s.rowid as version
    from {stage} as s
    join load_files as f using (file_id)
    where {' and '.join(conds)}"""


def _key(spec: SourceFile) -> list[str]:
    return ["la_code", *(_q(k) for k in spec.key)] + (["return_year"] if spec.name in PER_YEAR else [])


def superseded_sql(spec: SourceFile, stage: str, match_missing: str | None = None) -> str:
    """Valid rows whose key has a later view (a later return, or a later line of the same file): rid, file_id.

    Only keys seen more than once are windowed, so the usual case (few repeats) costs one grouped count.
    """
    key = ", ".join(_key(spec))
    return f"""
with valid as ({_valid_sql(spec, stage, match_missing)}
),
repeated as (
    select {key} from valid group by all having count(*) > 1
),
final as (
    select v.rid, v.file_id
    from valid as v
    semi join repeated using ({key})
    qualify v.version < max(v.version) over (partition by {', '.join('v.' + k for k in _key(spec))})
)
select * from final
"""


def keep_sql(spec: SourceFile, stage: str, superseded: str, match_missing: str | None = None) -> str:
    """The rows of a staged file kind that go into the warehouse: valid and not superseded by a later view."""
    return f"""
with valid as ({_valid_sql(spec, stage, match_missing)}
),
final as (
    select * exclude (version)
    from valid
    anti join {superseded} using (rid)
)
select * from final
"""


def problem_rejects_sql(stage: str) -> str:
    """Rejected-row entries for every rule a staged row breaks (line = position in its file + 2)."""
    return f"""
insert into load_rejects
with bad as (
    select file_id, rowid as rid, unnest(problems) as p
    from {stage}
    where problems is not null
),
final as (
    select b.file_id, b.rid - st.first_rid + 2 as line, b.p.column_name, b.p.value, b.p.reason
    from bad as b
    join load_stats as st using (file_id)
)
select * from final
"""


def unknown_child_rejects_sql(spec: SourceFile, stage: str) -> str:
    """Rejected-row entries for rows whose child is in no accepted header row of their authority."""
    child = _q(spec.child_column or "CHILD")
    return f"""
insert into load_rejects
with staged as (
    select s.file_id, s.rowid as rid, s.{child} as child, f.la_code
    from {stage} as s
    join load_files as f using (file_id)
    where s.{child} is not null
),
final as (
    select st.file_id, s.rid - st.first_rid + 2 as line, '{spec.child_column}', s.child, 'unknown child'
    from staged as s
    join load_stats as st using (file_id)
    where not exists (select 1 from dim_child as c where c.la_code = s.la_code and c.child = s.child)
)
select * from final
"""


def unmatched_interview_rejects_sql(stage: str, keep_missing: str) -> str:
    """Rejected-row entries for good return interviews (known child) that match no kept missing episode."""
    return f"""
insert into load_rejects
with staged as (
    select s.file_id, s.rowid as rid, s."CHILD", s."MIS_START", f.la_code
    from {stage} as s
    join load_files as f using (file_id)
    where s.problems is null
      and exists (select 1 from dim_child as c where c.la_code = f.la_code and c.child = s."CHILD")
),
final as (
    select st.file_id, s.rid - st.first_rid + 2 as line, 'MIS_START', strftime(s."MIS_START", '%Y-%m-%d'),
           'unknown missing episode'
    from staged as s
    join load_stats as st using (file_id)
    where not exists (select 1 from {keep_missing} as m where m.la_code = s.la_code
                      and m."CHILD" = s."CHILD" and m."MIS_START" = s."MIS_START")
)
select * from final
"""


def insert_sql(spec: SourceFile, keep: str, table: str, target: dict[str, str]) -> str:
    """Insert a file kind's kept rows into its warehouse table, casting codes to the table's types."""
    names = set(spec.column_names)
    cols, exprs = [], []
    for col, col_type in target.items():
        if col in ("la_code", "return_year"):
            cols.append(col)
            exprs.append(col)
            continue
        src = RENAMES.get((spec.name, col), col.upper())
        if src not in names:
            continue
        cols.append(col)
        if col_type == "BOOLEAN":
            exprs.append(f"{_q(src)} in ('1', 'Y')")
        elif col_type in ("INTEGER", "BIGINT") and FILES_KIND[spec.name].get(src) == "code":
            exprs.append(f"{_q(src)}::integer")
        else:
            exprs.append(_q(src))
    return f"insert into {table} ({', '.join(cols)}) select {', '.join(exprs)} from {keep}"
