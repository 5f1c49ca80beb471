"""The one cached read-only warehouse connection and cached measure results (the ETL is the only writer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

import queries
from lens import commentary, config, early_warning
from lens.commentary import Note
from lens.rebase_log import RebaseLog


def db_version(path: Path) -> float:
    """The warehouse file's mtime: a new load swaps the file, so caches keyed on this refresh themselves."""
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner=False, max_entries=1, on_release=lambda con: con.close())
def _connection(path: str, version: float) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


_opened: dict[str, float] = {}


def connection() -> duckdb.DuckDBPyConnection:
    """The shared read-only connection for the current warehouse file.

    A load swaps a new file in; DuckDB would hand back the old, still-open database for the same path, so the
    old connection is closed first and the new file opened.
    """
    path = config.db_path()
    version = db_version(path)
    if _opened.get("version") not in (None, version) or _opened.get("path") not in (None, str(path)):
        _connection.clear()
    _opened.update(path=str(path), version=version)
    return _connection(str(path), version)


@st.cache_data(show_spinner=False, max_entries=512)
def _run(name: str, version: float, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    cur = connection().cursor()
    try:
        return queries.run(name, cur, **dict(params))
    finally:
        cur.close()


def measure(name: str, **params: Any) -> pd.DataFrame:
    """A measure's result for these filters, through the registry, cached per warehouse version."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _run(name, db_version(config.db_path()), frozen).copy()


@st.cache_data(show_spinner=False, max_entries=256)
def _availability(name: str, version: float, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    cur = connection().cursor()
    try:
        return queries.availability(name, cur, **dict(params))
    finally:
        cur.close()


def availability(name: str, **params: Any) -> pd.DataFrame:
    """Whether a measure's sources cover a month, per authority (la_code, status, status_note), cached."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _availability(name, db_version(config.db_path()), frozen).copy()


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
    sources = generate(sample_dir, seed=int(config.get("sample_seed")))
    bar.progress(0.4, text="Loading the sources into the warehouse…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(1.0, 0.4 + 0.6 * fraction), text=message)

    path.parent.mkdir(parents=True, exist_ok=True)
    load(list(sources), path, progress=progress)
    bar.progress(1.0, text="Ready.")
    st.cache_data.clear()
    st.rerun()


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
