"""The one cached read-only warehouse connection and cached measure results (the ETL is the only writer); each run
draws from one warehouse file (a load swapped in mid-run draws the page again)."""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

import queries
from lens import access as rules
from lens import commentary, config, disclosure, early_warning
from lens.access import NotAllowed
from lens.audit import AuditLog, AuditUnavailable, store_path
from lens.commentary import Note
from lens.rebase_log import RebaseLog
from queries import coverage


class WarehouseChanged(Exception):
    """A load swapped the warehouse file in while this run was drawing the page from the previous one."""


def db_version(path: Path) -> str:
    """Which warehouse file is at `path` now (path, inode, modification time; '' when there is none): a load swaps a
    new file in, so caches keyed on this refresh themselves."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ""
    return f"{path}|{stat.st_ino}|{stat.st_mtime_ns}"


@st.cache_resource(show_spinner=False, max_entries=1, on_release=lambda con: con.close())
def _connection(path: str, version: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=True)
    if db_version(Path(path)) != version:  # swapped while it opened: it may hold the next file, not this version
        con.close()
        raise WarehouseChanged(path)
    return con


_opened: dict[str, str] = {}
PINNED = "_warehouse_version"


def begin_run() -> None:
    """Pin the warehouse file this run draws from (app.py, before anything is read): every figure on the page then
    comes from the same load, and a load swapped in mid-run makes the page draw again from the new one, whole."""
    st.session_state[PINNED] = db_version(config.db_path())


def _version() -> str:
    """This run's warehouse version (the current file's when no run pinned one, e.g. outside the app)."""
    return st.session_state.get(PINNED) or db_version(config.db_path())


def _open(version: str) -> duckdb.DuckDBPyConnection:
    """The shared read-only connection to this version of the warehouse; WarehouseChanged when a newer file has
    replaced it.

    DuckDB would hand back the old, still-open database for the same path, so the old connection is closed before
    the new file is opened (a run still drawing from the old one then draws again).
    """
    path = config.db_path()
    if version != db_version(path):
        raise WarehouseChanged(str(path))
    if _opened.get("version") not in (None, version):
        _connection.clear()
    _opened["version"] = version
    return _connection(str(path), version)


def connection() -> duckdb.DuckDBPyConnection:
    """The shared read-only connection to the warehouse this run draws from."""
    return _read(_open, _version())


def _read(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a reader; when the warehouse was swapped under this run, start the run again from the new file."""
    try:
        return fn(*args)
    except (WarehouseChanged, duckdb.ConnectionException):
        st.session_state.pop(PINNED, None)
        st.rerun()


@st.cache_data(show_spinner=False, max_entries=512)
def _run(name: str, version: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    cur = _open(version).cursor()
    try:
        return queries.run(name, cur, **dict(params))
    finally:
        cur.close()


def _frozen(params: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def measure(name: str, **params: Any) -> pd.DataFrame:
    """A measure's result for these filters, through the registry, cached per warehouse version.

    A child-level list (or one child's history) goes through the rules of the person signed in (see child_list);
    NotAllowed when refused.
    """
    if queries.get(name).shape in queries.CHILD_SHAPES:
        return child_list(name, params)
    version = _version()
    if (name in BOARD_PROTECTED or queries.get(name).shape == "series") and board_mode():  # no series fails open
        return _read(_board, name, version, _frozen(params)).copy()
    df = _read(_run, name, version, _frozen(params)).copy()
    if name in VALUE_COLUMNS and len(df):
        from ui import access

        if board_mode():  # a value copied from a rejected row can be a child's id or date of birth
            df[VALUE_COLUMNS[name]] = HIDDEN_IN_BOARD_MODE
        elif not access.current().sees_all_children:  # a value in the file can name a child of any team
            df[VALUE_COLUMNS[name]] = SHOWN_TO_ANALYSTS
    return df


SHOWN_TO_ANALYSTS = "(shown to analysts)"
HIDDEN_IN_BOARD_MODE = "(hidden in board mode)"
VALUE_COLUMNS = {"dq_warnings": "value", "dq_rejected_by_reason": "example_value"}  # values copied from a file's row
BOARD_PROTECTED = {*disclosure.RULES, "overview"}


def board_mode() -> bool:
    """Whether this run is in board mode, failing closed: a board role always; anyone else as the filters say, and
    board mode until the filters are chosen."""
    from ui import access, filters

    if access.current().board_only:
        return True
    chosen = filters.current()
    return chosen is None or chosen.board


def _wider(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """What is read to protect a selection: every team (secondary suppression weighs them against each other),
    except for the 'All teams' rows alone (only ever hidden for their own counts); for the Overview, 12 more months
    (a change from a hidden month is hidden too)."""
    wider = dict(params)
    if "team" in wider and wider["team"] != disclosure.ALL_TEAMS:
        wider["team"] = None
    if name == "overview" and wider.get("from_month") is not None:
        wider["from_month"] = (pd.Timestamp(wider["from_month"]) - pd.DateOffset(months=12)).date()
    return wider


@st.cache_data(show_spinner=False, max_entries=256)
def _board(name: str, version: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    """A measure as board mode shows it (lens/disclosure.py), for the selection asked for."""
    asked = dict(params)
    df = _run(name, version, _frozen(_wider(name, asked))).copy()
    df = disclosure.protect_overview(df) if name == "overview" else disclosure.protect(name, df)
    if asked.get("team") is not None and "team" in df:
        df = df[df["team"] == asked["team"]]
    if name == "overview" and asked.get("from_month") is not None:
        df = df[pd.to_datetime(df["month_end"]) >= pd.Timestamp(asked["from_month"]).to_period("M").to_timestamp()]
    return df.reset_index(drop=True)


def child_list(name: str, params: dict[str, Any]) -> pd.DataFrame:
    """A list of children for the person signed in, whatever the URL says: refused to a board role and in board mode,
    narrowed to a manager's own teams, and recorded in the audit log before it is returned (not shown if it cannot be
    recorded). The teams a manager's list was narrowed to are in `df.attrs['teams_shown']`."""
    from ui import access, audit, filters

    me = access.current()
    chosen = filters.current()
    if me.sees_children and chosen is not None and chosen.board:
        raise NotAllowed("Board mode shows no child-level data.")
    team, keep = rules.list_scope(me, params.get("team"))
    df = rules.narrow(_read(_run, name, _version(), _frozen({**params, "team": team})).copy(), keep)
    if keep is not None:
        df.attrs["teams_shown"] = sorted(keep)
    try:
        audit.record_view(me, name, audit.filters_of(params, keep), df)
    except AuditUnavailable as exc:
        raise NotAllowed(f"The list is not shown because its view cannot be recorded: {exc}.") from exc
    return df


def list_download(name: str, params: dict[str, Any], df: pd.DataFrame) -> Callable[[str], pd.DataFrame]:
    """What a list's CSV/Excel buttons get instead of the table: a function of the format that applies the same rule
    again and records the download when it is clicked (ui/audit.py)."""
    from ui import access, audit

    return audit.download_rows(access.current(), name, params, df)


def audit_entries(limit: int | None = None) -> pd.DataFrame:
    """The latest rows of the audit log, for analysts and admins only (NotAllowed for anyone else)."""
    from ui import access

    if not access.current().sees_all_children:
        raise NotAllowed("Only analysts and admins read the audit log.")
    return AuditLog(store_path()).entries(limit=limit)


@st.cache_data(show_spinner=False, max_entries=256)
def _availability(name: str, version: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    cur = _open(version).cursor()
    try:
        return queries.availability(name, cur, **dict(params))
    finally:
        cur.close()


def availability(name: str, **params: Any) -> pd.DataFrame:
    """Whether a measure's sources cover a month, per authority (la_code, status, status_note), cached."""
    return _read(_availability, name, _version(), _frozen(params)).copy()


@st.cache_data(show_spinner=False, max_entries=256)
def _stand_in(name: str, version: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    cur = _open(version).cursor()
    try:
        return queries.stand_in_rows(name, cur, **dict(params))
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def _month_notes(version: str, la_code: str, month: dt.date, sources: tuple[str, ...]) -> dict[str, str]:
    cur = _open(version).cursor()
    try:
        return coverage.month_notes(cur, la_code, month, sources)
    finally:
        cur.close()


def stand_in(name: str, **params: Any) -> pd.DataFrame:
    """Rows of a measure's stand-in (the Annex A snapshot) for months its own sources do not cover, cached; in board
    mode as the disclosure policy shows them."""
    df = _read(_stand_in, name, _version(), _frozen(params)).copy()
    return disclosure.protect(name, df) if board_mode() and len(df) else df


def month_notes(la_code: str, month: dt.date, sources: tuple[str, ...]) -> dict[str, str]:
    """Which of these source files do not cover the month for the authority, and why (cached)."""
    return dict(_read(_month_notes, _version(), la_code, month, sources))


def authorities() -> pd.DataFrame:
    """Authorities in the warehouse (la_code, la_name)."""
    return measure("filter_authorities")


def ensure_warehouse() -> None:
    """On a fresh clone there is no warehouse: generate the sample authority and load it, with a progress bar."""
    path = config.db_path()
    if path.exists():
        return
    from etl.generate import generate
    from etl.load import load

    st.title("Practice Lens")
    st.info("First start: building a sample authority (synthetic data, no real children) so you can explore. "
            "This takes under a minute and happens once.")
    bar = st.progress(0.0, text="Generating the sample authority's source files…")
    sample_dir = Path(config.get("sample_dir"))
    sources = generate(sample_dir, seed=int(config.get("sample_seed")), annex_a=config.sample_annex_a())
    bar.progress(0.4, text="Loading the sources into the warehouse…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(1.0, 0.4 + 0.6 * fraction), text=message)

    path.parent.mkdir(parents=True, exist_ok=True)
    load(list(sources), path, progress=progress)
    bar.progress(1.0, text="Ready.")
    st.cache_data.clear()
    st.session_state.pop(PINNED, None)
    st.rerun()


@st.cache_data(show_spinner=False, max_entries=4)
def _out_of_date(version: str) -> list[str]:
    """The derived tables this warehouse file lacks or holds with other columns (checked once per file)."""
    from etl.warehouse import out_of_date

    cur = _open(version).cursor()
    try:
        return out_of_date(cur)
    finally:
        cur.close()


def stop_if_out_of_date(sample: bool) -> None:
    """A warehouse loaded by an earlier version (tables or columns this version reads missing) shows who can fix it
    and how, instead of pages that fail; `sample`: it holds generated authorities only."""
    stale = _read(_out_of_date, _version())
    if not stale:
        return
    path = config.db_path()
    st.title("Practice Lens")
    st.subheader("The warehouse needs loading again")
    st.markdown("It was loaded by an earlier version of Practice Lens, and this version reads tables or columns it "
                "does not have yet, so nothing is shown until it is loaded again. Whoever runs Practice Lens can "
                "fix it by loading the source folders again:")
    st.code(f"python -m etl load <source folders> --db {shlex.quote(str(path))}", language="bash")
    if sample:
        st.caption("This warehouse holds generated sample data only: deleting the file and restarting the app "
                   "also builds it afresh.")
    st.caption(f"Out of date: {', '.join(stale)}.")
    st.stop()


def board_pack(la_code: str, month: dt.date) -> bytes:
    """The board pack PDF, made when its button is clicked, from the warehouse file there then (its own connection:
    the page's may have been closed by a newer load since the page was drawn)."""
    from reports.board_pack import board_pack_pdf

    con = queries.connect(config.db_path())
    try:
        return board_pack_pdf(con, la_code, month)
    finally:
        con.close()


def today() -> dt.date:
    """Today's date (a seam for tests)."""
    return dt.date.today()


def rebase_months(la_code: str, team: str | None, measures: list[str]) -> dict[str, list[dt.date]]:
    """Months people recorded to recalculate SPC limits from, per measure (the companion file beside the warehouse)."""
    return early_warning.rebase_months(config.companion_db(), la_code, team, measures)


def rebase_log() -> RebaseLog:
    """The rebase log for writing (creates the companion file beside the warehouse on first use)."""
    return RebaseLog(config.companion_db())


def rebase_entries(measure: str, la_code: str, team: str) -> list[dict[str, str]]:
    """Who recalculated this chart's limits from which month, and why ([] when nothing is recorded)."""
    path = config.companion_db()
    return RebaseLog(path).entries(measure, la_code, team) if path.is_file() else []


def commentary_notes(la_code: str, month: dt.date, measures: list[str] | None = None) -> dict[str, Note]:
    """The latest commentary per measure for an authority and month (none when nothing is written yet)."""
    return commentary.read(config.companion_db(), la_code, month, measures)


def commentary_store() -> commentary.Commentary:
    """The commentary store for writing (creates the companion file beside the warehouse on first use)."""
    return commentary.Commentary(config.companion_db())
