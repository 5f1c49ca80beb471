"""Who recalculated an SPC chart's limits from which month, and why: limits move only when a person says so.

A small SQLite file (stdlib sqlite3, path passed in) beside the warehouse, never inside it: the ETL swaps the
warehouse on every load and must not lose people's decisions. Everything is stored and returned as plain text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd

SCHEMA = """
CREATE TABLE IF NOT EXISTS rebase (
    measure  TEXT NOT NULL,
    la_code  TEXT NOT NULL,
    team     TEXT NOT NULL,
    month    TEXT NOT NULL,  -- 'YYYY-MM', the first month of the new limits
    reason   TEXT NOT NULL,
    who      TEXT NOT NULL,
    recorded TEXT NOT NULL   -- ISO 8601 time the entry was made
)
"""
ALL_TEAMS = "All teams"


def _text(value: Any, what: str) -> str:
    """A non-empty single string, stripped; refuses anything else."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a rebase needs a {what}")
    return value.strip()


class RebaseLog:
    """The rebase entries in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute(SCHEMA)

    def add(self, measure: str, la_code: str, team: str, month: Any, reason: str, who: str,
            when: dt.datetime | None = None) -> None:
        """Record that limits for (measure, la_code, team) restart at `month`; refuses an empty reason or name."""
        row = (_text(measure, "measure"), _text(la_code, "la_code"), _text(team, "team"),
               pd.Timestamp(month).strftime("%Y-%m"), _text(reason, "reason"), _text(who, "person's name"),
               (when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"))
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute("INSERT INTO rebase VALUES (?, ?, ?, ?, ?, ?, ?)", row)

    def for_measure(self, measure: str, la_code: str, team: str = ALL_TEAMS) -> list[dt.date]:
        """The months (as month-end dates, oldest first, each once) to pass to lens.spc.spc(rebase=...)."""
        with closing(sqlite3.connect(self.path)) as con:
            rows = con.execute("SELECT DISTINCT month FROM rebase WHERE measure = ? AND la_code = ? AND team = ? "
                               "ORDER BY month", (measure, la_code, team)).fetchall()
        return [pd.Period(m, freq="M").end_time.date() for (m,) in rows]

    def entries(self, measure: str, la_code: str, team: str = ALL_TEAMS) -> list[dict[str, str]]:
        """Every entry for one chart, oldest month first, for showing who rebased it and why."""
        with closing(sqlite3.connect(self.path)) as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT * FROM rebase WHERE measure = ? AND la_code = ? AND team = ? "
                               "ORDER BY month, recorded", (measure, la_code, team)).fetchall()
        return [dict(r) for r in rows]
