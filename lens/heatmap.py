"""Performance on a page: every headline measure for every team in one grid, each cell coloured by how it stands
(RAG against the target, or the early-warning signal) and carrying its value, for a meeting to scan in one look."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lens import disclosure, early_warning

ALL_TEAMS = "All teams"
RAG_KEYS = ("red", "amber", "green", "grey")
SIGNAL_KEYS = ("concern", "improvement", "common cause", "no signal")


def hidden_cell_words() -> str:
    """What a board-mode cell's '<5' and 'Hidden' mean (a '<5' in a column of percentages reads as 'under 5%')."""
    return (f"'{disclosure.SUPPRESSED}': the figure rests on {disclosure.small_words()} (not a percentage under "
            f"{disclosure.threshold()}); '{disclosure.HIDDEN.capitalize()}': {disclosure.secondary_words()}.")


def performance_grid(ov: pd.DataFrame, month: dt.date, colour_by: str = "rag", board: bool = False) -> pd.DataFrame:
    """One row per headline measure and team at `month` (the authority first, then teams by name) from the overview
    measure's rows for every team: measure, title, theme, unit, team, value, text, key (what the cell is coloured by:
    a RAG colour, or the SPC signal over the months in `ov`) and status. A month with no data reads 'No data'; in
    board mode `ov` is the Overview as the disclosure policy shows it (lens/disclosure.protect_overview): a hidden
    cell reads '<5' (or 'Hidden', so another cannot be worked out), has no value and is grey. Staff figures (FTE,
    agency rate) are not child data and are shown."""
    if colour_by not in ("rag", "signal"):
        raise ValueError("colour_by is 'rag' or 'signal'")
    at = ov[pd.to_datetime(ov["month_end"]) == pd.Timestamp(month)].copy()
    small = disclosure.hidden_mask(at) if board else pd.Series(False, index=at.index)
    why = at["hidden_why"] if "hidden_why" in at else pd.Series(disclosure.SMALL, index=at.index)
    at["value"] = pd.to_numeric(at["value"], errors="coerce").where(~small)
    at["text"] = [("No data" if s == "no data" else disclosure.shown_value(v, w if sm else None, u))
                  for s, sm, w, v, u in zip(at["status"], small, why, at["value"], at["unit"], strict=True)]
    if colour_by == "rag":
        at["key"] = at["rag"].where(~small, "grey")
    else:
        found = {(s.measure, team): s for team, part in ov.groupby("team")
                 for s in early_warning.signals(part, board=board)}
        at["key"] = [_signal_key(found.get((m, t))) if not sm else "no signal"
                     for m, t, sm in zip(at["measure"], at["team"], small, strict=True)]
    teams = [ALL_TEAMS] + sorted(set(at["team"]) - {ALL_TEAMS})
    at["team"] = pd.Categorical(at["team"], categories=teams, ordered=True)
    at["suppressed"] = small
    out = at.sort_values(["team", "measure"])[["measure", "title", "theme", "unit", "team", "value", "text", "key",
                                              "status", "suppressed"]]
    out["team"] = out["team"].astype(str)
    return out.reset_index(drop=True)


def _signal_key(signal: early_warning.MeasureSignal | None) -> str:
    """The cell's signal: concern or improvement when the last month is a special cause, else common cause."""
    if signal is None or not signal.result.enough_points:
        return "no signal"
    kind = str(signal.result.variation or "")
    return "concern" if kind.startswith("concern") else "improvement" if kind.startswith("improvement") else \
        "common cause"
