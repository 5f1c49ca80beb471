"""SQL the loader generates from the contract: read + validate + cast in one pass, then keep each row's latest view.

Identifiers in the SQL come only from etl/contract.py; every value from the input (file lists, header names, code
lists, bounds, authority codes) is bound as a $parameter.
"""

from __future__ import annotations

from etl.contract import (
    ALL_FILES,
    ALL_TEAMS,
    DATE_FORMATS,
    DATETIME_FORMATS,
    MAX_LENGTH,
    RESERVED_SUFFIX,
    UNALLOCATED,
    UNPRINTABLE_RE2,
    Column,
    SourceFile,
)

_TOO_LONG = (f"an identifier (CHILD, SW_ID) longer than {MAX_LENGTH['id']} characters, or a TEAM name longer than "
             f"{MAX_LENGTH['text']}")
_UNPRINTABLE = ("an identifier or text value holding a control character (a NUL byte, a tab, a line break inside "
                "quotes), an invisible format character (a bidi override such as U+202E, a zero-width space) or a "
                "line separator")

# Why a row is rejected, in the order the docs list them (the keys are the `reason` values in rejected_rows).
REASONS: dict[str, str] = {
    "missing required value": "a column that must have a value is empty (in legal.csv: neither PLO_DECISION_DATE "
                              "nor PROCEEDINGS_ISSUED_DATE has one)",
    "value too long": _TOO_LONG,
    "unprintable character": _UNPRINTABLE,
    "unparseable date": "not a date in an accepted format, or a year outside 1900-2100 (a two-digit year, say)",
    "code not in list": "a coded column holds a value that is not in its code list",
    "not a number": "a number column holds something that is not a number (a whole number for integer columns)",
    "number out of range": "a number is below or above the column's allowed range",
    "end before start": "an end date (or time) is before its start date, e.g. DEC before DECOM; a plan action "
                        "completed (or due) before it was raised; a PLO letter or meeting before the PLO decision; "
                        "a final order before proceedings were issued; a strategy meeting before the missing "
                        "episode it names began",
    "date after the load date": "an event dated after the day of the load (a date typed into the future)",
    "date after the collection year": "an SSDA903 event dated after 31 March of its return's collection year",
    "before date of birth": "an event dated before the child's date of birth (header.csv DOB; in Annex A, a start "
                            "of care before the row's Date of Birth)",
    "episode starts at 18 or over": "an episode that starts on or after the child's 18th birthday (DfE validator)",
    "unknown child": "CHILD is not in any accepted header.csv row of that authority (any year)",
    "unknown missing episode": "a return interview whose CHILD and MIS_START match no accepted missing episode",
    "date after the snapshot date": "an Annex A row whose start of care is after the workbook's snapshot date",
    "child listed twice": "an Annex A child on two rows that are both in care at the snapshot date: the earlier row "
                          "is rejected, the later kept",
}

# Rules that keep the row but are listed (load_warnings), with what was done: the value blanked, the row kept as
# it is, or (overlapping episodes) the episode treated as ending when the next one starts.
WARNINGS: dict[str, str] = {
    "missing required value": "a value the DfE requires is empty in a column no measure depends on (blanked)",
    "value too long": "a descriptive value (UPN, HOME_POST, PL_POST, URN, a visit's SW_ID) longer than its column's "
                      "limit (blanked)",
    "unprintable character": "a descriptive value holding a control, invisible format or separator character "
                             "(blanked)",
    "reserved team name": f"a TEAM named '{ALL_TEAMS}' (the authority total's name) or '{UNALLOCATED}' (children "
                          f"with no allocated worker), in any case: stored with '{RESERVED_SUFFIX.strip()}' added "
                          f"('{UNALLOCATED}{RESERVED_SUFFIX}'), so it neither merges with those rows nor drops out of "
                          "the total (renamed)",
    "unparseable date": "an optional or descriptive date that cannot be read (blanked)",
    "code not in list": "a descriptive code that is not in its code list (blanked; the rest of the row is kept)",
    "not a number": "a descriptive number that cannot be read (blanked)",
    "number out of range": "a descriptive number outside its range (blanked)",
    "date after the load date": "an end or descriptive date after the day of the load (blanked: still open)",
    "date after the collection year": "an end date after 31 March of the return's year (blanked: open at 31 March)",
    "REC without DEC": "a reason for ceasing on an episode with no DEC (blanked: the episode is open)",
    "DEC without REC": "an episode that ceased with no reason for ceasing (kept)",
    "PLO_LETTER_DATE without PLO_DECISION_DATE": "a letter before proceedings with no PLO decision date (kept; no "
                                                 "days from decision to letter)",
    "PLO_MEETING_DATE without PLO_DECISION_DATE": "a pre-proceedings meeting with no PLO decision date (kept; no days "
                                                  "from decision to meeting)",
    "FINAL_ORDER_DATE without PROCEEDINGS_ISSUED_DATE": "a final order with no date the proceedings were issued "
                                                        "(kept; no duration)",
    "event after 18th birthday": "a review, visit, missing episode or other event after the child turned 18 (kept)",
    "overlapping episodes": "an episode still open when the child's next episode started (DfE validator error): "
                            "the later DECOM wins, so it is treated as ending on that day",
    "date after the snapshot date": "an Annex A date after the workbook's snapshot date (blanked: a date ceased after "
                                    "it means still in care then)",
    "before date of birth": "an Annex A visit, review, health assessment, dental check or placement start before the "
                            "row's Date of Birth (blanked)",
}
ACTIONS = ("reject", "blank", "keep", "rename")

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
    if col.reserved:
        return f"case when {_reserved(col, params)} then {raw} || $reserved_suffix else {raw} end"
    if col.kind == "int":
        return f"case when regexp_full_match({raw}, '[+-]?[0-9]+') then try_cast({raw} as bigint) end"
    if col.kind == "number":
        return f"case when isfinite(try_cast({raw} as double)) then try_cast({raw} as double) end"
    return raw  # id, text


def _reserved(col: Column, params: dict) -> str:
    """Condition: the raw value of `col` is one of its reserved names (any case)."""
    params[f"reserved_{col.name}"] = [name.lower() for name in col.reserved]
    params["reserved_suffix"] = RESERVED_SUFFIX
    # list_position, not IN: IN becomes a join, which would lose the row order
    return f"list_position($reserved_{col.name}, lower({_raw(col.name)})) is not null"


def _date_action(col: Column) -> str:
    """What a date rule does to `col`: reject the row for a date the row is about, else blank the value."""
    return "reject" if not col.nullable and col.on_error == "reject" else "blank"


def _checks(spec: SourceFile, params: dict) -> list[tuple[str, str, str, str]]:
    """(condition, column, reason, action) for every single-row rule on `spec`, over raw:X and typed X columns.

    action: "reject" keeps the row out; "blank" empties the column (a value nothing depends on) with a warning.
    """
    checks = []
    for col in spec.columns:
        raw, typed = _raw(col.name), _q(col.name)
        bad = col.on_error  # what a malformed value does
        if not col.nullable:
            checks.append((f"{raw} is null", col.name, "missing required value", bad))
        if col.limit:
            params[f"max_{col.name}"] = col.limit
            params["unprintable"] = UNPRINTABLE_RE2
            checks.append((f"length({raw}) > $max_{col.name}", col.name, "value too long", bad))
            checks.append((f"regexp_matches({raw}, $unprintable)", col.name, "unprintable character", bad))
        if col.reserved:
            checks.append((_reserved(col, params), col.name, "reserved team name", "rename"))
        if col.kind in ("date", "datetime"):
            checks.append((f"{raw} is not null and {typed} is null", col.name, "unparseable date", bad))
            params["load_date"] = params.get("load_date")
            if not col.future_ok:
                checks.append((f"{typed}::date > $load_date::date", col.name, "date after the load date",
                               _date_action(col)))
            if col.after_year:
                checks.append((f"{typed}::date > year_end", col.name, "date after the collection year",
                               col.after_year))
        elif col.kind in ("int", "number"):
            checks.append((f"{raw} is not null and {typed} is null", col.name, "not a number", bad))
        elif col.kind == "code":
            params[f"codes_{col.name}"] = list(col.codes)
            # list_position, not list_contains/IN: those become a join, which would lose the row order.
            checks.append((f"{typed} is not null and list_position($codes_{col.name}, {typed}) is null", col.name,
                           "code not in list", bad))
        if col.low is not None or col.high is not None:
            bounds = []
            if col.low is not None:
                params[f"low_{col.name}"] = col.low
                bounds.append(f"{typed} < $low_{col.name}")
            if col.high is not None:
                params[f"high_{col.name}"] = col.high
                bounds.append(f"{typed} > $high_{col.name}")
            checks.append((f"{typed} is not null and ({' or '.join(bounds)})", col.name, "number out of range", bad))
    for start, end in spec.date_order:
        checks.append((f"{_q(end)}::timestamp < {_q(start)}::timestamp", end, "end before start", "reject"))
    if spec.one_of:
        # judged on the values as read (before any blanking), like every other reject rule
        empty = " and ".join(f"{_raw(name)} is null" for name in spec.one_of)
        checks.append((empty, spec.one_of[0], "missing required value", "reject"))
    return checks


def shown_value_sql(value: str) -> str:
    """`value` as rejected_rows and load_warnings show it: unprintable characters as <U+XXXX>, at most 200 characters.

    A bidi override or a NUL must not reorder or cut the Data quality page, and a 1 MB field must not be stored
    twice. Binds $unprintable.
    """
    escaped = (f"array_to_string(list_transform(string_split(left({value}, 200), ''), lambda c: case when "
               f"regexp_matches(c, $unprintable) then '<U+' || lpad(upper(hex(unicode(c))), 4, '0') || '>' else c "
               f"end), '')")
    return (f"case when length({value}) > 200 or regexp_matches({value}, $unprintable) then {escaped} || "
            f"case when length({value}) > 200 then '... (' || length({value}) || ' characters)' else '' end "
            f"else {value} end")


def _needs_checks(spec: SourceFile) -> list[tuple[str, str, str, str]]:
    """(condition, column, reason, action) for "X given without Y" rules, judged after blanking."""
    return [(f"{_q(col)} is not null and {_q(other)} is null", col, f"{col} without {other}", action)
            for col, other, action in spec.needs]


def _items(checks: list[tuple[str, str, str, str]]) -> str:
    """A list expression of {column_name, value, reason, action} for the checks that hold (nulls dropped)."""
    items = ", ".join(
        f"case when {cond} then {{'column_name': '{column}', 'value': {_raw(column)}, 'reason': '{reason}', "
        f"'action': '{action}'}} end"
        for cond, column, reason, action in checks
    )
    return f"[p for p in [{items}] if p is not null]"


def staging_sql(spec: SourceFile, header: tuple[str, ...] | None, params: dict,
                year_ends: list | None = None) -> str:
    """A select over read_csv($files) of one header layout: file_id, typed contract columns, problems, warnings.

    `problems` is null for a row that may go in, else a list of {column_name, value, reason, action}; `warnings`
    lists the rules the row breaks that only blank a value or are noted. Blanked values are null in the typed
    columns. header=None gives the same columns with no rows (a file kind that is absent everywhere).
    `year_ends` (one per file of the group, SSDA903 only) is 31 March of each file's collection year. Rows keep
    file order (rowid = order): the query is a plain scan.
    """
    params.setdefault("load_date", None)
    if header is None:
        raws = ", ".join(f"null::varchar as {_raw(c.name)}" for c in spec.columns)
        source = f"(select 0 as file_id, null::date as year_end, {raws}) where false"
    else:
        params["columns"] = {name: "VARCHAR" for name in header}
        params["year_ends"] = list(year_ends) if year_ends else None
        raws = ", ".join(
            f"nullif(trim({_q(c.name)}), '') as {_raw(c.name)}" if c.name in header
            else f"null::varchar as {_raw(c.name)}"
            for c in spec.columns
        )
        # sql: identifiers: column expressions from the contract and CSV_OPTIONS; files, offsets and dates bound
        source = (f"(select file_index + $offset as file_id, ($year_ends::date[])[(file_index + 1)::bigint] as year_end, "
                  f"{raws} from read_csv($files, {CSV_OPTIONS}))")
    typed = ", ".join(f"{_typed(c, params)} as {_q(c.name)}" for c in spec.columns)
    # each rule's condition is worked out once per row (flags), then read by the problem list, the warning list and
    # the blanking of its column
    conditions = _checks(spec, params)
    flags = "".join(f", {cond} as {_q(f'chk:{i}')}" for i, (cond, _, _, _) in enumerate(conditions))
    checks = [(_q(f"chk:{i}"), column, reason, action) for i, (_, column, reason, action) in enumerate(conditions)]
    rejects = [c for c in checks if c[3] == "reject"]
    blanks = [c for c in checks if c[3] != "reject"]
    needs = _needs_checks(spec)
    raw_cols = ", ".join(_raw(c.name) for c in spec.columns)

    def blanked(col: Column, rules: list[tuple[str, str, str, str]]) -> str:
        conds = [cond for cond, column, _, action in rules if column == col.name and action == "blank"]
        return f"case when {' or '.join(f'({c})' for c in conds)} then null else {_q(col.name)} end" if conds \
            else _q(col.name)

    first = ", ".join(f"{blanked(c, blanks)} as {_q(c.name)}" for c in spec.columns)
    second = ", ".join(f"{blanked(c, needs)} as {_q(c.name)}" for c in spec.columns)
    any_reject = " or ".join(f"({cond})" for cond, _, _, _ in rejects) or "false"
    any_blank = " or ".join(f"({cond})" for cond, _, _, _ in blanks) or "false"
    any_need = " or ".join(f"({cond})" for cond, _, _, _ in needs) or "false"
    # sql: identifiers: column names and rule conditions from etl/contract.py; code lists and dates bound as params
    return f"""
with raw as (
    select * from {source}
),
typed as (
    select file_id, year_end, {raw_cols}, {typed}
    from raw
),
flagged as (
    select *{flags}
    from typed
),
judged as (
    select
        *,
        case when {any_reject} then {_items(rejects)} end as problems,
        case when {any_blank} then {_items(blanks) if blanks else '[]'} end as first_warnings
    from flagged
),
blanked as (
    select file_id, {raw_cols}, problems, first_warnings, {first}
    from judged
),
final as (
    select
        file_id,
        {second},
        problems,
        case when problems is null and (first_warnings is not null or {any_need})
             then list_concat(coalesce(first_warnings, []), {_items(needs) if needs else '[]'}) end as warnings
    from blanked
)
select * from final
"""


def _valid_sql(spec: SourceFile, stage: str, match_missing: str | None) -> str:
    """Staged rows that break no rule, with their authority, return year and version (later return, later line).

    Valid: no problems, CHILD known in dim_child of the same authority with no rule about its child broken
    (child_issues) and, for return interviews, a matching kept missing episode (`match_missing` names that table).
    Every row sharing a key is valid or not alike.
    """
    conds = ["s.problems is null"]
    if spec.child_column:
        # the child is known and the row breaks none of its child's rules (child_issues_sql, built per kind)
        # sql: identifiers: a temp table name
        conds.append(f"not exists (select 1 from {CHILD_ISSUES} as i where i.rid = s.rowid and i.action = 'reject')")
    if match_missing:
        # sql: identifiers: a temp table name
        conds.append(f"exists (select 1 from {match_missing} as m where m.la_code = f.la_code "
                     f"and m.\"CHILD\" = s.\"CHILD\" and m.\"MIS_START\" = s.\"MIS_START\")")
    # sql: identifiers: temp table names and conditions written here
    return f"""
    select s.rowid as rid, s.* exclude (problems, warnings), f.la_code, f.return_year,
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
    # sql: identifiers: key column names from the contract
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
    # sql: identifiers: temp table names and SQL written here
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
    # sql: identifiers: a temp table name
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


CHILD_ISSUES = "child_issues"  # temp table of the rows (of the kind being loaded) whose child breaks a rule


def child_issues_sql(spec: SourceFile, stage: str) -> str:
    """Create CHILD_ISSUES: (file_id, rid, line, column_name, value, reason, action) for each staged row whose child
    breaks a rule, in one join with dim_child.

    'unknown child' (CHILD in no accepted header row of the authority: rejected, whatever else is wrong); for rows
    otherwise good, on the event date (spec.event_date): 'before date of birth' (rejected: nothing happens to a child
    before birth), 'episode starts at 18 or over' (rejected, DfE validator) or, for any other event, 'event after 18th
    birthday' (kept with a warning: the measures only count children looked after at the time).
    """
    child = _q(spec.child_column or "CHILD")
    day = f"s.{_q(spec.event_date)}::date" if spec.event_date else "null::date"
    adult = "episode starts at 18 or over" if spec.name == "episodes" else "event after 18th birthday"
    event = spec.event_date or ""
    # sql: identifiers: column names, temp table names and reason words from the contract and this module
    return f"""
create or replace temp table {CHILD_ISSUES} as
with staged as (
    select s.file_id, s.rowid as rid, s.{child} as child, s.problems is null as clean, {day} as day, f.la_code
    from {stage} as s
    join load_files as f using (file_id)
    where s.{child} is not null
),
matched as (
    select st.*, c.child is not null as known, c.dob
    from staged as st
    left join dim_child as c on c.la_code = st.la_code and c.child = st.child
),
judged as (
    select
        *,
        case
            when not known then 'unknown child'
            when clean and day < dob then 'before date of birth'
            when clean and day >= (dob + interval 18 year)::date then '{adult}'
        end as reason
    from matched
),
final as (
    select
        j.file_id, j.rid, j.rid - st.first_rid + 2 as line,
        case when j.reason = 'unknown child' then '{spec.child_column}' else '{event}' end as column_name,
        case when j.reason = 'unknown child' then j.child else strftime(j.day, '%Y-%m-%d') end as value,
        j.reason,
        case when j.reason = 'event after 18th birthday' then 'keep' else 'reject' end as action
    from judged as j
    join load_stats as st using (file_id)
    where j.reason is not null
)
select * from final
"""


def child_issue_entries_sql(action: str) -> str:
    """The CHILD_ISSUES entries with this action, as load_rejects rows ("reject") or load_warnings_tmp rows."""
    if action not in ("reject", "keep"):
        raise ValueError(f"action is 'reject' or 'keep', not {action!r}")
    extra = ", action" if action != "reject" else ""
    # sql: identifiers: a temp table name; the action is 'reject' or 'keep' (refused otherwise)
    return (f"select file_id, line, column_name, value, reason{extra} from {CHILD_ISSUES} "
            f"where action = '{action}' order by file_id, line")


def warning_rows_sql(stage: str) -> str:
    """Warning entries for every blank-or-keep rule a staged row (not rejected) breaks."""
    # sql: identifiers: a temp table name
    return f"""
insert into load_warnings_tmp
with flagged as (
    select file_id, rowid as rid, unnest(warnings) as p
    from {stage}
    where warnings is not null and len(warnings) > 0
),
final as (
    select b.file_id, b.rid - st.first_rid + 2 as line, b.p.column_name, b.p.value, b.p.reason, b.p.action
    from flagged as b
    join load_stats as st using (file_id)
)
select * from final
"""


def overlap_warnings_sql(kept: str) -> str:
    """Warning entries for kept episodes still open when the child's next episode began (the later DECOM wins).

    `kept` holds the episodes going into the warehouse with rid and file_id; value names the next episode.
    """
    # sql: identifiers: a temp table name
    return f"""
insert into load_warnings_tmp
with ordered as (
    select
        file_id, rid, "DEC",
        lead("DECOM") over w as next_decom,
        lead(file_id) over w as next_file_id,
        lead(rid) over w as next_rid
    from {kept}
    window w as (partition by la_code, "CHILD" order by "DECOM")
),
final as (
    select
        o.file_id,
        o.rid - st.first_rid + 2 as line,
        'DEC',
        coalesce(strftime(o."DEC", '%Y-%m-%d'), '(open)') || '; next episode starts '
            || strftime(o.next_decom, '%Y-%m-%d') || ' (' || nf.rel || ' line ' || (o.next_rid - nst.first_rid + 2)
            || ')',
        'overlapping episodes',
        'ended early'
    from ordered as o
    join load_stats as st using (file_id)
    join load_stats as nst on nst.file_id = o.next_file_id
    join load_files as nf on nf.file_id = o.next_file_id
    where o.next_decom is not null and (o."DEC" is null or o."DEC" > o.next_decom)
)
select * from final
"""


def unmatched_interview_rejects_sql(stage: str, keep_missing: str) -> str:
    """Rejected-row entries for good return interviews (known child) that match no kept missing episode."""
    # sql: identifiers: temp table names
    return f"""
insert into load_rejects
with staged as (
    select s.file_id, s.rowid as rid, s."CHILD", s."MIS_START", f.la_code
    from {stage} as s
    join load_files as f using (file_id)
    where s.problems is null
      and not exists (select 1 from {CHILD_ISSUES} as i where i.rid = s.rowid and i.action = 'reject')
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
    # sql: identifiers: table and column names from the contract and the schema
    return f"insert into {table} ({', '.join(cols)}) select {', '.join(exprs)} from {keep}"
