"""The audit log: every view or download of child-level data (who, when, page or export, filters, how many children).

A small SQLite file outside the warehouse (the companion file beside it unless PRACTICE_LENS_AUDIT_DB says otherwise),
because a load swaps the warehouse file and must not lose the log. Rows are only ever appended. Several app replicas
each keep their own file on their own disk (SQLite's locking is not safe over a network share); `export` merges them.

    python -m lens.audit export --out FILE.csv [--store PATH ...] [--since YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import socket
import sqlite3
import sys
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd

from lens import cli, config

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,     -- ISO 8601 UTC time of the view or download
    who       TEXT NOT NULL,     -- the email claim of the signed-in person ('demo' without sign-in)
    name      TEXT NOT NULL,     -- their name claim
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,     -- 'view' (a list drawn on a page) or 'download'
    page      TEXT NOT NULL,     -- the page's URL path, e.g. 'visits'
    measure   TEXT NOT NULL,     -- the list, e.g. 'visits_overdue_list'
    format    TEXT NOT NULL,     -- '' for a view; 'csv' or 'xlsx' for a download
    filters   TEXT NOT NULL,     -- JSON: authority, team asked for, teams shown, date or period
    children  INTEGER NOT NULL,  -- how many children the list named
    rows      INTEGER NOT NULL,  -- how many rows (an episode list may name a child twice)
    host      TEXT NOT NULL      -- the app replica that served it
)
"""
COLUMNS = ("id", "at", "who", "name", "role", "action", "page", "measure", "format", "filters", "children", "rows",
           "host")
ACTIONS = ("view", "download")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: a spreadsheet would run these as formulas


class AuditUnavailable(Exception):
    """The audit log cannot be written: child-level data is then not shown (no view goes unrecorded)."""


def _text(value: Any) -> str:
    """JSON for the filters column: dates as ISO text, sets and tuples as sorted lists."""
    def default(v: Any) -> Any:
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, set | frozenset):
            return sorted(v)
        return str(v)
    return json.dumps(value, default=default, sort_keys=True)


class AuditLog:
    """The audit rows in one SQLite file (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10)
        con.execute(SCHEMA)
        return con

    def record(self, *, who: str, name: str, role: str, action: str, page: str, measure: str,
               filters: Mapping[str, Any], children: int, rows: int, fmt: str = "",
               when: dt.datetime | None = None) -> None:
        """Append one row; AuditUnavailable when the file cannot be written (the caller then shows nothing)."""
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}")
        row = ((when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"), who, name, role, action, page,
               measure, fmt, _text(dict(filters)), int(children), int(rows), socket.gethostname())
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as con, con:
                con.execute("INSERT INTO audit (at, who, name, role, action, page, measure, format, filters, children, "
                            "rows, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        except (OSError, sqlite3.Error) as exc:
            raise AuditUnavailable(f"the audit log {self.path} cannot be written: {exc}") from exc

    def entries(self, limit: int | None = None, since: dt.date | None = None) -> pd.DataFrame:
        """Rows newest first (all columns), from `since` on; an empty frame when the file does not exist yet."""
        if not self.path.is_file():
            return pd.DataFrame(columns=list(COLUMNS))
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)) as con:
            if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone():
                return pd.DataFrame(columns=list(COLUMNS))  # a companion file with only the rebase log so far
        sql = "SELECT * FROM audit WHERE (? IS NULL OR at >= ?) ORDER BY at DESC, id DESC LIMIT ?"
        start = since.isoformat() if since else None
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)) as con:
            return pd.read_sql_query(sql, con, params=(start, start, -1 if limit is None else int(limit)))


FILTER_WORDS = {"la_codes": "authority", "team": "team asked for", "teams_shown": "teams shown", "as_of": "as at",
                "from_month": "from", "to_month": "to", "child": "child"}


def filters_text(raw: str) -> str:
    """The filters of a logged view in words ('authority Z99000001 · as at 2018-03-31 · teams shown all'); the JSON as
    stored stays in the export."""
    try:
        found = json.loads(raw)
    except (TypeError, ValueError):
        return str(raw)
    if not isinstance(found, dict):
        return str(raw)
    parts = []
    for key, value in found.items():
        if value is None:
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{FILTER_WORDS.get(key, key.replace('_', ' '))} {shown}")
    return " · ".join(parts)


def store_path() -> Path:
    """The audit file the app writes: the audit_db setting, else the companion file beside the warehouse."""
    configured = config.get("audit_db")
    return Path(configured) if configured else config.companion_db()


def merged(stores: list[Path], since: dt.date | None = None) -> pd.DataFrame:
    """Every row of several replicas' files, oldest first (id is per file, so host and id together name a row)."""
    frames = [AuditLog(p).entries(since=since) for p in stores]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(frames, ignore_index=True).sort_values(["at", "host", "id"], kind="stable").reset_index(drop=True)


def csv_text(df: pd.DataFrame) -> str:
    """CSV of the audit rows; text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in df[list(COLUMNS)].itertuples(index=False):
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """`python -m lens.audit export`: write the audit rows to CSV; one-line errors, exit 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m lens.audit", description="Export the audit log of views and "
                                     "downloads of child-level data.")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write every row (oldest first) to a CSV file")
    export.add_argument("--out", required=True, help="CSV file to write ('-' for standard output)")
    export.add_argument("--store", action="append", type=Path,
                        help=f"audit file (repeat to merge several replicas' files; default {store_path()})")
    export.add_argument("--since", help="only rows from this date, YYYY-MM-DD")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage and the error
        return 2 if exc.code else 0
    try:
        since = dt.date.fromisoformat(args.since) if args.since else None
    except ValueError:
        print(f"audit export: --since must be a date YYYY-MM-DD, not {args.since!r}", file=sys.stderr)
        return 2
    stores = args.store or [store_path()]
    missing = [p for p in stores if not p.is_file()]
    if missing:
        print(f"audit export: no audit log at {missing[0]} (nothing has been viewed yet, or the path is wrong)",
              file=sys.stderr)
        return 2
    try:
        text = csv_text(merged(stores, since))
    except (sqlite3.Error, pd.errors.DatabaseError) as exc:
        print(f"audit export: {stores[0]} is not a readable audit log: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"audit export: folder {out.parent} does not exist", file=sys.stderr)
        return 2
    out.write_text(text, encoding="utf-8")
    print(f"{len(text.splitlines()) - 1:,} rows written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    cli.run(main)
