"""`python -m etl load`: read source folders with DuckDB, validate and cast in SQL, and swap the new warehouse in.

The warehouse is rebuilt into a new file next to the target (other authorities' data copied from the old one) and
moved over it with os.replace, so a reader never sees a half-built warehouse and a failed load changes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.contract import ALL_FILES, UNPRINTABLE_RE2
from etl.load_annex_a import AnnexList, Checked, insert_lists, read_annex
from etl.load_lock import remove_leftovers, warehouse_lock
from etl.load_sources import FileRef, LoadError, Source, scan_sources, sha256_file, shown_text
from etl.load_sql import (
    CHILD_ISSUES,
    CSV_OPTIONS,
    REASONS,
    WARNINGS,
    child_issue_entries_sql,
    child_issues_sql,
    insert_sql,
    keep_sql,
    overlap_warnings_sql,
    problem_rejects_sql,
    shown_value_sql,
    staging_sql,
    superseded_sql,
    unmatched_interview_rejects_sql,
    warning_rows_sql,
)
from etl.load_tables import (
    copy_other_authorities,
    fill_source_coverage,
    finish_dimensions,
    insert_missing,
    table_columns,
)
from etl.warehouse import build_derived, copy_for_update, create_schema, remove_authorities
from lens import config

__all__ = ["LoadError", "LoadReport", "load", "load_cli"]

MEMORY_LIMIT = "1GB"  # DuckDB's buffer limit (it spills to disk beyond it): peak RSS stays well under 2 GiB

# Where each file kind lands (return_interviews is merged into fact_missing).
TARGETS: dict[str, str] = {
    "header": "dim_child",
    "episodes": "fact_episode",
    "reviews": "fact_review",
    "oc2": "fact_oc2",
    "sw_episodes": "fact_allocation",
    "visits": "fact_visit",
    "health_assessments": "fact_health_assessment",
    "workforce": "fact_worker_spell",
    "establishment": "fact_establishment",
    "plan_actions": "fact_plan_action",
    "supervisions": "fact_supervision",
    "legal": "fact_legal",
    "strategy_meetings": "fact_strategy_meeting",
    "return_home_plans": "fact_return_home_plan",
}
# header first (children must be known), missing before its return interviews.
ORDER = ("header", "episodes", "reviews", "oc2", "sw_episodes", "missing", "return_interviews", "visits",
         "health_assessments", "workforce", "establishment", "plan_actions", "supervisions", "legal",
         "strategy_meetings", "return_home_plans")
SPECS = {f.name: f for f in ALL_FILES}

Progress = Callable[[float, str], None]


@dataclass
class FileResult:
    """What happened to one file in a load (one load_log row)."""

    la_code: str
    source: str
    file: str
    status: str  # loaded | empty (a header and no rows) | missing | ignored (ssda903/ folder that is not a year)
    sha256: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duration_s: float = 0.0


@dataclass
class LoadReport:
    """The outcome of a load: counts for the summary line and the app's first-start message."""

    load_id: str
    db: Path
    authorities: list[tuple[str, str]]
    files: list[FileResult] = field(default_factory=list)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    warnings_by_rule: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    found_in: dict[str, int] = field(default_factory=dict)  # folder given -> authority folders loaded from inside it
    leftovers: list[str] = field(default_factory=list)  # files of an interrupted load removed before this one
    notes: list[str] = field(default_factory=list)  # file-level findings that did not stop the load

    @property
    def files_loaded(self) -> int:
        return sum(f.status in ("loaded", "empty") for f in self.files)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def missing(self) -> list[str]:
        """Absent contract files as 'LA_CODE path/relative/to/source'."""
        return self.with_status("missing")

    def with_status(self, status: str) -> list[str]:
        """Files of one load_log status as 'LA_CODE path/relative/to/source'."""
        return [f"{f.la_code} {f.file}" for f in self.files if f.status == status]

    def summary(self) -> str:
        """A few lines for the terminal."""
        names = ", ".join(f"{code} {name}" for code, name in self.authorities[:3])
        if len(self.authorities) > 3:
            names += f" and {len(self.authorities) - 3:,} more"
        lines = [
            f"Loaded {len(self.authorities)} authorit{'y' if len(self.authorities) == 1 else 'ies'} ({names}) "
            f"into {self.db} in {self.duration_s:.1f} s (load {self.load_id})",
            *(f"  sources: {n:,} authority folder{'' if n == 1 else 's'} found inside {folder}"
              for folder, n in self.found_in.items()),
            f"  files: {self.files_loaded:,} read, {len(self.missing):,} missing",
            f"  rows: {self.rows_read:,} read, {self.rows_loaded:,} loaded, {self.rows_rejected:,} rejected, "
            f"{self.rows_read - self.rows_loaded - self.rows_rejected:,} superseded by a later view",
        ]
        if self.rejected_by_reason:
            reasons = ", ".join(f"{reason} {n:,}" for reason, n in self.rejected_by_reason.items())
            lines.append(f"  rejected by reason: {reasons} (see table rejected_rows)")
        if self.warnings_by_rule:
            rules = ", ".join(f"{rule} {n:,}" for rule, n in self.warnings_by_rule.items())
            lines.append(f"  kept with a warning: {rules} (see table load_warnings and the Data quality page)")
        for status, why in (("missing", "missing"),
                            ("empty", "empty (a header line and no rows: check the export)"),
                            ("ignored", "ignored (not a collection year: name year folders ssda903/YYYY)")):
            files = self.with_status(status)
            if files:
                shown = "; ".join(files[:8]) + (f"; ... and {len(files) - 8} more" if len(files) > 8 else "")
                lines.append(f"  {why}: {shown}")
        lines.extend(f"  {note}" for note in self.notes)
        if self.leftovers:
            lines.append(f"  removed {len(self.leftovers):,} file{'' if len(self.leftovers) == 1 else 's'} an "
                         f"interrupted load left: {', '.join(self.leftovers[:4])}"
                         + (" ..." if len(self.leftovers) > 4 else ""))
        return "\n".join(lines)


def new_load_id(at: datetime) -> str:
    """A load id that sorts by time (the latest load of an authority has the greatest id)."""
    return f"{at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}"


def _group_by_header(refs: list[FileRef]) -> list[list[FileRef]]:
    """Files of one kind grouped by identical header, so each group is one read_csv call with fixed columns."""
    groups: dict[tuple[str, ...], list[FileRef]] = {}
    for ref in refs:
        groups.setdefault(ref.header, []).append(ref)
    return list(groups.values())


def _duckdb_reason(exc: duckdb.Error) -> str:
    """The useful head of a DuckDB CSV error (line, original line, what was expected), without the option dump."""
    head = re.split(r"Possible (?:fixes|Solution)", str(exc))[0].split("\n  file = ")[0]
    # the original line may be 1 MB long or hold a NUL or a bidi override: cut and escaped, the message is one line
    text = "; ".join(shown_text(line.strip(), 120) for line in head.splitlines() if line.strip())
    return text.removeprefix("Invalid Input Error: ")


def _unreadable(con: duckdb.DuckDBPyConnection, group: list[FileRef], exc: duckdb.Error) -> LoadError:
    """Find which file of a failed multi-file read is at fault, for an error message that names it."""
    for ref in group:
        try:
            # sql: identifiers: CSV_OPTIONS, written here; the files and columns bound
            con.execute(f"select count(*) from read_csv($files, {CSV_OPTIONS})",
                        {"files": [str(ref.path)], "columns": dict.fromkeys(ref.header, "VARCHAR")}).fetchall()
        except duckdb.Error as inner:
            return LoadError(f"{ref.path}: cannot be read: {_duckdb_reason(inner)}")
    return LoadError(f"{group[0].path.parent}: cannot be read: {_duckdb_reason(exc)}")


def _check_order_preserving(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> None:
    """Line numbers come from row order, which DuckDB keeps only through scans and projections: refuse otherwise."""
    # sql: identifiers: the staging SQL from the contract; its values bound
    plan = " ".join(str(v) for row in con.execute(f"explain {sql}", params).fetchall() for v in row)
    plan = plan.upper().replace("_", " ")
    breakers = [op for op in ("JOIN", "WINDOW", "GROUP BY", "AGGREGATE", "ORDER BY", "UNION") if op in plan]
    if breakers:
        raise RuntimeError(f"the staging query is not a plain scan ({', '.join(breakers)} in its plan): "
                           "line numbers of rejected rows would be wrong")


def _year_end(ref: FileRef) -> dt.date | None:
    """31 March closing the collection year of an SSDA903 file (None for extracts)."""
    return dt.date(ref.return_year, 3, 31) if ref.return_year else None


def _stage(con: duckdb.DuckDBPyConnection, name: str, refs: list[FileRef], load_date: dt.date) -> str:
    """Read, validate and cast every file of one kind into temp table stage_<name>; returns its name."""
    spec = SPECS[name]
    stage = f"stage_{name}"
    params: dict = {"load_date": load_date}
    # sql: identifiers: temp table names (stage_<kind>) and staging SQL from the contract; values bound
    con.execute(f"create or replace temp table {stage} as {staging_sql(spec, None, params)}", params)
    for group in _group_by_header(refs):
        params = {"files": [str(r.path) for r in group], "offset": group[0].file_id, "load_date": load_date}
        sql = staging_sql(spec, group[0].header, params, [_year_end(r) for r in group])
        _check_order_preserving(con, sql, params)
        try:
            # sql: identifiers: a temp table name and staging SQL from the contract; files and dates bound
            con.execute(f"insert into {stage} {sql}", params)
        except duckdb.Error as exc:
            raise _unreadable(con, group, exc) from exc
    # sql: identifiers: a temp table name
    con.execute(f"insert into load_stats select file_id, min(rowid), count(*) from {stage} group by file_id")
    con.execute(problem_rejects_sql(stage))
    con.execute(warning_rows_sql(stage))
    if spec.child_column:
        con.execute(child_issues_sql(spec, stage))
        # sql: identifiers: SQL from etl/load_sql.py (temp table names, the action 'reject' or 'keep')
        con.execute(f"insert into load_rejects {child_issue_entries_sql('reject')}")
        con.execute(f"insert into load_warnings_tmp {child_issue_entries_sql('keep')}")  # sql: identifiers: as above
    return stage


def _superseded(con: duckdb.DuckDBPyConnection, name: str, stage: str, match_missing: str | None = None) -> str:
    """Create superseded_<name> (rid, file_id of valid rows a later view replaces); returns its name."""
    table = f"superseded_{name}"
    # sql: identifiers: temp table names and SQL from the contract
    con.execute(f"create or replace temp table {table} as {superseded_sql(SPECS[name], stage, match_missing)}")
    # sql: identifiers: a temp table name
    con.execute(f"insert into load_superseded select file_id, count(*) from {table} group by file_id")
    return table


def _assign_file_ids(sources: list[Source]) -> dict[str, list[FileRef]]:
    """File refs per kind, numbered so each header group of a kind has consecutive ids (file_index + offset)."""
    by_kind: dict[str, list[FileRef]] = {name: [] for name in ORDER}
    for source in sources:
        for ref in source.files:
            by_kind[ref.spec.name].append(ref)
    next_id = 0
    for name in ORDER:
        for group in _group_by_header(by_kind[name]):
            for ref in group:
                ref.file_id = next_id
                next_id += 1
    return by_kind


def _load_kind(con: duckdb.DuckDBPyConnection, name: str, refs: list[FileRef], load_date: dt.date) -> None:
    """Stage, reject, de-duplicate and insert one kind of file (missing episodes wait for their interviews)."""
    spec = SPECS[name]
    stage = _stage(con, name, refs, load_date)
    match = "keep_missing" if name == "return_interviews" else None
    if match:
        con.execute(unmatched_interview_rejects_sql(stage, match))
    superseded = _superseded(con, name, stage, match)
    kept = f"({keep_sql(spec, stage, superseded, match)})"
    if name == "episodes":
        # overlaps are judged on the episodes that go in (a later return's view replaces an earlier one)
        # sql: identifiers: SQL from etl/load_sql.py
        con.execute(f"create temp table keep_episodes as {kept}")
        con.execute(overlap_warnings_sql("keep_episodes"))
        kept = "keep_episodes"
    if name in TARGETS:
        table = TARGETS[name]
        con.execute(insert_sql(spec, kept, table, table_columns(con, table)))
    else:
        # sql: identifiers: temp table names (keep_<kind>) and SQL from etl/load_sql.py
        con.execute(f"create temp table keep_{name} as {kept}")
    if name == "return_interviews":
        insert_missing(con, "keep_missing", "keep_return_interviews")
        con.execute("drop table keep_missing")
        con.execute("drop table keep_return_interviews")
    # sql: identifiers: temp table names
    con.execute(f"drop table {stage}")
    con.execute(f"drop table {superseded}")  # sql: identifiers: temp table names
    con.execute(f"drop table if exists {CHILD_ISSUES}")  # sql: identifiers: a temp table name
    if name == "episodes":
        con.execute("drop table keep_episodes")


def _build(con: duckdb.DuckDBPyConnection, sources: list[Source], old_db: Path, load_id: str, loaded_at: datetime,
           hashes: Future[dict[Path, str]], say: Progress, in_place: bool = False
           ) -> tuple[list[FileResult], dict[str, int], dict[str, int]]:
    """Fill an empty warehouse connection: schema, other authorities, the sources' facts, load_log, derived."""
    create_schema(con)
    codes = [s.la_code for s in sources]
    if in_place:  # con is a copy of the old warehouse: only these authorities' rows are replaced
        say(0.02, "replacing these authorities in a copy of the existing warehouse")
        remove_authorities(con, codes)
    elif old_db.exists():
        say(0.02, "copying other authorities from the existing warehouse")
        copy_other_authorities(con, old_db, codes)
    by_kind = _assign_file_ids(sources)
    all_refs = [ref for name in ORDER for ref in by_kind[name]]
    lists = [a for s in sources for a in s.annex if a.sheet is not None]
    for i, found in enumerate(lists):  # numbered after the CSV files
        found.file_id = len(all_refs) + i
    con.register("files_frame", pd.DataFrame({
        "file_id": [r.file_id for r in all_refs] + [a.file_id for a in lists],
        "la_code": [r.la_code for r in all_refs] + [a.la_code for a in lists],
        "rel": [r.rel for r in all_refs] + [a.rel for a in lists],
        "return_year": pd.array([r.return_year for r in all_refs] + [None] * len(lists), dtype="Int32"),
        "kind": [r.spec.name for r in all_refs] + [a.spec.name for a in lists],
    }))
    con.execute("create temp table load_files as select file_id::integer as file_id, la_code::varchar as la_code, "
                "rel::varchar as rel, return_year::integer as return_year, kind::varchar as kind from files_frame")
    con.unregister("files_frame")
    con.execute("create temp table load_stats (file_id integer, first_rid bigint, rows_read bigint)")
    con.execute("create temp table load_rejects (file_id integer, line bigint, column_name varchar, "
                "value varchar, reason varchar)")
    con.execute("create temp table load_superseded (file_id integer, n bigint)")
    con.execute("create temp table load_warnings_tmp (file_id integer, line bigint, column_name varchar, "
                "value varchar, rule varchar, action varchar)")
    total_bytes = sum(r.size for r in all_refs) or 1
    done_bytes = 0
    seconds: dict[str, float] = {}
    for name in ORDER:
        refs = by_kind[name]
        started = time.perf_counter()
        say(0.05 + 0.8 * done_bytes / total_bytes, f"reading {name} ({len(refs):,} files)")
        _load_kind(con, name, refs, loaded_at.date())
        seconds[name] = time.perf_counter() - started
        done_bytes += sum(r.size for r in refs)
    say(0.855, "checking the Annex A lists")
    checked = insert_lists(con, lists)
    say(0.86, "building worker, team and authority dimensions")
    finish_dimensions(con, codes)
    fill_source_coverage(con, codes, loaded_at.date())
    con.executemany("insert into dim_authority values ($1, $2, $3, $4, $5)",
                    [[s.la_code, s.la_name, str(s.path.resolve()), loaded_at, s.synthetic] for s in sources])
    results = _file_results(con, sources, by_kind, seconds, hashes.result(), checked)
    _write_log(con, results, load_id, loaded_at)
    shown = {"load_id": load_id, "unprintable": UNPRINTABLE_RE2}
    # sql: identifiers: shown_value_sql(): a column name in an expression written in etl/load_sql.py; values bound
    con.execute(f"insert into rejected_rows select $load_id, f.la_code, f.rel, r.line, r.column_name, "
                f"{shown_value_sql('r.value')}, r.reason "
                "from load_rejects as r join load_files as f using (file_id) order by f.la_code, f.rel, r.line", shown)
    # sql: identifiers: shown_value_sql(): a column name in an expression written in etl/load_sql.py; values bound
    con.execute(f"insert into load_warnings select $load_id, f.la_code, f.rel, w.line, w.column_name, "
                f"{shown_value_sql('w.value')}, w.rule, "
                "case w.action when 'blank' then 'blanked' when 'keep' then 'kept' when 'rename' then 'renamed' "
                "else w.action end "
                "from load_warnings_tmp as w join load_files as f using (file_id) order by f.la_code, f.rel, w.line",
                shown)
    by_reason = dict(con.execute("select reason, count(*) from load_rejects group by reason").fetchall())
    by_rule = dict(con.execute("select rule, count(*) from load_warnings_tmp group by rule").fetchall())
    say(0.9, "building placements and month-end snapshots")
    con.execute("set preserve_insertion_order = false")  # row order mattered only for line numbers; saves memory
    build_derived(con, codes if in_place else None)
    return results, {r: by_reason[r] for r in REASONS if r in by_reason}, {
        r: by_rule[r] for r in WARNINGS if r in by_rule}


def _file_results(con: duckdb.DuckDBPyConnection, sources: list[Source], by_kind: dict[str, list[FileRef]],
                  seconds: dict[str, float], hashes: dict[Path, str], checked: dict[int, Checked]
                  ) -> list[FileResult]:
    """One FileResult per present and per missing file; a kind's read time is shared out by file size.

    A row read is rejected, superseded by a later view of its key, or loaded.
    """
    read = dict(con.execute("select file_id, rows_read from load_stats").fetchall())
    rejected = dict(con.execute("select file_id, count(distinct line) from load_rejects group by all").fetchall())
    superseded = dict(con.execute("select file_id, sum(n) from load_superseded group by all").fetchall())
    kind_bytes = {name: sum(r.size for r in refs) or 1 for name, refs in by_kind.items()}
    results = []
    for source in sources:
        results.append(FileResult(source.la_code, str(source.path), "authority.toml", "loaded",
                                  hashes[source.path / "authority.toml"]))
        for ref in source.files:
            results.append(FileResult(
                la_code=ref.la_code, source=ref.source, file=ref.rel, sha256=hashes[ref.path],
                status="loaded" if read.get(ref.file_id, 0) else "empty",
                rows_read=read.get(ref.file_id, 0),
                rows_loaded=read.get(ref.file_id, 0) - rejected.get(ref.file_id, 0) - superseded.get(ref.file_id, 0),
                rows_rejected=rejected.get(ref.file_id, 0),
                duration_s=round(seconds[ref.spec.name] * ref.size / kind_bytes[ref.spec.name], 6),
            ))
        results.extend(FileResult(source.la_code, str(source.path), rel, "missing") for rel in source.missing)
        results.extend(_annex_result(found, hashes, checked) for found in source.annex)
        results.extend(FileResult(source.la_code, str(source.path), rel, "ignored") for rel in source.ignored)
    return results


def _annex_result(found: AnnexList, hashes: dict[Path, str], checked: dict[int, Checked]) -> FileResult:
    """The load_log row of an Annex A list: missing (no such sheet), empty (a header and no rows) or loaded."""
    if found.sheet is None:
        return FileResult(found.la_code, found.source, found.rel, "missing", hashes[found.path])
    c = checked[found.file_id]
    rejected = len({r[0] for r in c.rejects})
    return FileResult(found.la_code, found.source, found.rel, "loaded" if c.rows_read else "empty",
                      hashes[found.path], c.rows_read, len(c.kept), rejected)


def _annex_notes(sources: list[Source]) -> list[str]:
    """A line for each Annex A workbook without a list Practice Lens reads (the load goes on without it)."""
    return [f"{found.path}: no sheet {found.spec.sheet} ({found.spec.label}; its sheets: "
            f"{', '.join(found.sheets) or 'none'}): name that list's sheet '{found.spec.sheet}'"
            for s in sources for found in s.annex if found.sheet is None]


def _write_log(con: duckdb.DuckDBPyConnection, results: list[FileResult], load_id: str, loaded_at: datetime) -> None:
    """Append this load's rows to load_log."""
    con.register("log_frame", pd.DataFrame([r.__dict__ for r in results]))
    con.execute("insert into load_log select $load_id, $loaded_at, la_code, source, file, status, sha256, "
                "case when read then rows_read end, case when read then rows_loaded end, "
                "case when read then rows_rejected end, case when read then duration_s end "
                "from (select *, status in ('loaded', 'empty') as read from log_frame)",
                {"load_id": load_id, "loaded_at": loaded_at})
    con.unregister("log_frame")


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)


def load(sources: list[Path], db: Path, progress: Progress | None = None, *,
         memory_limit: str = MEMORY_LIMIT, lock_timeout: float | None = None) -> LoadReport:
    """Load source folders into the warehouse at `db`, replacing those authorities' data; LoadError if input is bad.

    One load writes a warehouse at a time (`<db>.lock`): another waits up to `lock_timeout` seconds (default: the
    load_lock_timeout setting), then LoadError.
    """
    started = time.perf_counter()
    say: Progress = progress or (lambda fraction, message: None)
    say(0.0, "checking source folders")
    scanned = scan_sources([Path(s) for s in sources])
    for s in scanned:
        s.annex = read_annex(s.path, s.la_code, dt.date.today())
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with warehouse_lock(db, config.load_lock_timeout() if lock_timeout is None else lock_timeout):
        leftovers = remove_leftovers(db)
        report = _build_and_swap(scanned, db, memory_limit, say)
    report.leftovers = leftovers
    report.duration_s = time.perf_counter() - started
    say(1.0, "done")
    return report


def _build_and_swap(scanned: list[Source], db: Path, memory_limit: str, say: Progress) -> LoadReport:
    """Build the new warehouse in a temporary file and swap it in (the caller holds the warehouse's lock)."""
    # local time, to the microsecond, so two loads never tie; taken under the lock, so the load that replaced the
    # warehouse last has the greatest load_id
    loaded_at = datetime.now()
    load_id = new_load_id(loaded_at)
    tmp = db.with_name(f"{db.name}.tmp-{load_id}")
    paths = [s.path / "authority.toml" for s in scanned] + [r.path for s in scanned for r in s.files] + list(
        dict.fromkeys(a.path for s in scanned for a in s.annex))
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashes = pool.submit(lambda: {p: sha256_file(p) for p in paths})
        try:
            in_place = copy_for_update(db, tmp, [s.la_code for s in scanned])
            con = duckdb.connect(str(tmp), config={"memory_limit": memory_limit})
            try:
                con.execute("set enable_progress_bar = false")
                results, by_reason, by_rule = _build(con, scanned, db, load_id, loaded_at, hashes, say, in_place)
                say(0.97, "writing the warehouse file")
                con.execute("checkpoint")
            finally:
                con.close()
            Path(f"{db}.wal").unlink(missing_ok=True)  # a stale log of the old file must not replay onto the new one
            os.replace(tmp, db)
        except BaseException:
            _remove(tmp)
            raise
    return LoadReport(load_id=load_id, db=db, authorities=[(s.la_code, s.la_name) for s in scanned],
                      files=results, rejected_by_reason=by_reason, warnings_by_rule=by_rule,
                      found_in=dict(Counter(str(s.found_in) for s in scanned if s.found_in is not None)),
                      notes=_annex_notes(scanned))


def _terminal_progress() -> Progress:
    """A one-line progress display on an interactive terminal (silent when output is piped)."""
    tty = sys.stderr.isatty()

    def show(fraction: float, message: str) -> None:
        if tty:
            end = "\n" if fraction >= 1 else ""
            print(f"\r[{fraction:4.0%}] {message:<70}", end=end, file=sys.stderr, flush=True)

    return show


def load_cli(args: argparse.Namespace) -> int:
    """Entry point for `python -m etl load SOURCE [SOURCE ...] --db PATH`."""
    try:
        report = load([Path(s) for s in args.sources], Path(args.db), progress=_terminal_progress())
    except LoadError as exc:
        print(f"\nload failed: {exc}\nThe warehouse was not changed.", file=sys.stderr)
        return 1
    print(report.summary())
    return 0
