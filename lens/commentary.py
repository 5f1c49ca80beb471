"""The performance team's words beside a number: what happened, what is being done, by whom, by when.

Kept in the companion SQLite file beside the warehouse (never inside it: every load swaps the warehouse), one entry
per measure, authority and month with its author and time; a later entry for the same month replaces the shown one
but the earlier stays in the file. Plain text only, length-limited; shown with st.text and written to exports as
text, never rendered as Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

MAX_CHARS = {"what": 10_000, "action": 5_000, "owner": 120, "due": 40, "author": 120}

SCHEMA = """
CREATE TABLE IF NOT EXISTS commentary (
    measure  TEXT NOT NULL,
    la_code  TEXT NOT NULL,
    month    TEXT NOT NULL,  -- 'YYYY-MM'
    what     TEXT NOT NULL,  -- what happened
    action   TEXT NOT NULL,  -- what is being done
    owner    TEXT NOT NULL,  -- by whom
    due      TEXT NOT NULL,  -- by when (as written)
    author   TEXT NOT NULL,
    written  TEXT NOT NULL   -- ISO 8601 time the entry was made
)
"""
COLUMNS = ("measure", "la_code", "month", "what", "action", "owner", "due", "author", "written")


@dataclass(frozen=True)
class Note:
    """One commentary entry."""

    measure: str
    la_code: str
    month: str
    what: str
    action: str
    owner: str
    due: str
    author: str
    written: str


def _clean(value: Any, field: str, required: bool) -> str:
    """Plain text, trimmed, without control characters (newlines kept), and no longer than the field allows."""
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()
    if required and not text:
        raise ValueError(f"commentary needs {field}")
    if len(text) > MAX_CHARS[field]:
        raise ValueError(f"{field} is {len(text):,} characters; at most {MAX_CHARS[field]:,}")
    return text


class Commentary:
    """The commentary entries in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute(SCHEMA)

    def add(self, measure: str, la_code: str, month: Any, what: str, action: str = "", owner: str = "",
            due: str = "", author: str = "", when: dt.datetime | None = None) -> Note:
        """Record a note for (measure, authority, month); refuses an empty 'what' or author and over-long text."""
        note = Note(measure, la_code, pd.Timestamp(month).strftime("%Y-%m"), _clean(what, "what", True),
                    _clean(action, "action", False), _clean(owner, "owner", False), _clean(due, "due", False),
                    _clean(author, "author", True), (when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"))
        with closing(sqlite3.connect(self.path)) as con, con:
            # sql: identifiers: one ? placeholder per column; every value bound
            con.execute(f"INSERT INTO commentary VALUES ({', '.join('?' * len(COLUMNS))})",
                        tuple(getattr(note, c) for c in COLUMNS))
        return note

    def latest(self, la_code: str, month: Any, measures: list[str] | None = None) -> dict[str, Note]:
        """The latest note per measure for an authority and month."""
        key = pd.Timestamp(month).strftime("%Y-%m")
        with closing(sqlite3.connect(self.path)) as con:
            rows = con.execute("SELECT * FROM commentary WHERE la_code = ? AND month = ? ORDER BY written, rowid",
                               (la_code, key)).fetchall()
        found = {r[0]: Note(*r) for r in rows}  # later rows replace earlier ones
        return {m: n for m, n in found.items() if measures is None or m in measures}


def read(path: str | Path, la_code: str, month: Any, measures: list[str] | None = None) -> dict[str, Note]:
    """The latest notes without creating the file (readers never write; no file means no notes)."""
    if not Path(path).exists():
        return {}
    return Commentary(path).latest(la_code, month, measures)


def as_frame(notes: dict[str, Note]) -> pd.DataFrame:
    """Notes as a table (for exports: every value a plain string)."""
    return pd.DataFrame([{c: getattr(n, c) for c in COLUMNS} for n in notes.values()], columns=list(COLUMNS))
