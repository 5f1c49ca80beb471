"""Early warning for every measure: SPC on a measure's 'ok' months with its polarity, target and recorded rebases,
so the theme pages, the Overview, the board pack and the CLI all read the same signals.

Only 'ok' months go into SPC. A 'partial' month (the measure looks back further than the data go) and a 'no data'
month (no source covers it) are gaps: they break runs and stay out of the limits, never zero. In board mode a month
whose value rests on a count under 5 is a gap too, so neither a point nor the average or the limits can give its
value away (with 23 months shown, the average of 24 would).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lens.disclosure import hidden_mask
from lens.formatting import is_missing, month_label
from lens.rebase_log import ALL_TEAMS, RebaseLog
from lens.spc import SpcResult, spc, summary_sentence

OK, PARTIAL, NO_DATA, SUPPRESSED_MONTH = "ok", "partial", "no data", "suppressed"
CONCERN = ("concern_high", "concern_low")
KIND_WORDS = {"improvement": "improvement", "concern": "concern", "neutral": "unusual"}
# what the Overview and the board pack say a measure's variation is, in a word
VARIATION_WORDS = {"common_cause": "common cause", "improvement_high": "improvement", "improvement_low": "improvement",
                   "concern_high": "concern", "concern_low": "concern", "neutral_high": "unusually high",
                   "neutral_low": "unusually low"}
SPC_COLUMNS = ("mean", "upl", "lpl", "provisional", "rule", "point_type", "variation", "assurance", "signal_since")


def polarity_of(higher_is_better: bool | None) -> str:
    """The SPC polarity of a measure from its higher_is_better flag (None = neutral)."""
    if is_missing(higher_is_better):
        return "neutral"
    return "higher is better" if bool(higher_is_better) else "lower is better"


def _months(rows: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(rows["month_end"])


def left_out(rows: pd.DataFrame, board: bool = False) -> dict[str, list[dt.date]]:
    """Months of one series kept out of SPC, by why: 'partial', 'no data' and, in board mode, 'suppressed'."""
    out: dict[str, list[dt.date]] = {PARTIAL: [], NO_DATA: [], SUPPRESSED_MONTH: []}
    if rows.empty:
        return out
    status = rows["status"] if "status" in rows else pd.Series(OK, index=rows.index)
    months = _months(rows).dt.date
    for why in (PARTIAL, NO_DATA):
        out[why] = sorted(months[status.eq(why)])
    if board:
        small = _small(rows) & status.eq(OK)
        out[SUPPRESSED_MONTH] = sorted(months[small])
    return out


def _small(rows: pd.DataFrame) -> pd.Series:
    """Rows board mode hides (lens/disclosure.py: a protected frame's `suppressed` column)."""
    return hidden_mask(rows)


def spc_values(rows: pd.DataFrame, board: bool = False) -> pd.Series:
    """A series' values by month end for SPC: 'ok' months only (and no suppressed month in board mode); others NaN."""
    if rows.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([]))
    keep = rows["status"].eq(OK) if "status" in rows else pd.Series(True, index=rows.index)
    if board:
        keep &= ~_small(rows)
    values = pd.to_numeric(rows["value"], errors="coerce").astype("float64").where(keep)
    return pd.Series(values.to_numpy(), index=pd.DatetimeIndex(_months(rows))).sort_index()


def measure_spc(rows: pd.DataFrame, polarity: str, target: float | None = None, rebase: Iterable[Any] = (),
                board: bool = False) -> SpcResult:
    """SPC for one series (one authority and team: month_end, value, status[, numerator, denominator])."""
    return spc(spc_values(rows, board), polarity, target, rebase=list(rebase))


def left_out_note(rows: pd.DataFrame, board: bool = False) -> str:
    """One sentence saying which months SPC left out and why ('' when none was)."""
    from queries.coverage import spans_text  # one way of writing month spans, shared with the data notes

    gone = left_out(rows, board)
    parts = []
    if gone[PARTIAL]:
        parts.append(f"{spans_text(gone[PARTIAL])} (partial: the measure looks back further than the data go)")
    if gone[NO_DATA]:
        parts.append(f"{spans_text(gone[NO_DATA])} (no data)")
    if gone[SUPPRESSED_MONTH]:
        parts.append(f"{spans_text(gone[SUPPRESSED_MONTH])} (hidden in board mode: fewer than 5 children, or a "
                     "figure that would let such a number be worked out)")
    if not parts:
        return ""
    return ("Left out of the average, the limits and the runs, as gaps (never as zero): " + "; ".join(parts) + ".")


def signal_words(result: SpcResult, capital: bool = False) -> str:
    """'concern since Nov 2017, 4 months', 'common cause', 'run chart only' or 'no early warning: no month with full
    data', for a list of measures."""
    if result.n_points == 0:  # every month shown has no data or only partial data: nothing to set limits from
        text = "no early warning: no month with full data"
    elif not result.enough_points:
        text = "run chart only (too few months for limits)"
    elif result.variation == "common_cause":
        text = "common cause (no significant change)"
    else:
        kind = result.variation.rpartition("_")[0]
        months = "1 month" if result.signal_points == 1 else f"{result.signal_points} months"
        what = VARIATION_WORDS[result.variation] if kind == "neutral" else KIND_WORDS[kind]
        text = f"{what} since {month_label(result.signal_since)}, {months}"
    return text[:1].upper() + text[1:] if capital else text


def signal_headline(title: str, result: SpcResult) -> str:
    """'Reviews in time: concern since Nov 2017, 4 months': a measure and its ongoing signal in one line."""
    return f"{title}: {signal_words(result)}"


def is_concern(result: SpcResult) -> bool:
    """True when the latest month is a special cause of concern."""
    return result.variation in CONCERN


@dataclass(frozen=True)
class MeasureSignal:
    """One measure's SPC with what every view shows of it."""

    measure: str
    title: str
    unit: str
    result: SpcResult
    sentence: str  # summary_sentence: 'Concern since Jan 2017 (15 months): ...; will hit and miss the target ...'
    headline: str  # signal_headline: 'Social worker changes: concern since Jan 2017, 15 months'
    note: str  # left_out_note

    @property
    def concern(self) -> bool:
        return is_concern(self.result)


def measure_signal(measure: str, title: str, unit: str, rows: pd.DataFrame, polarity: str,
                   target: float | None = None, rebase: Iterable[Any] = (), board: bool = False) -> MeasureSignal:
    """SPC and its words for one measure's series."""
    result = measure_spc(rows, polarity, target, rebase, board)
    return MeasureSignal(measure, title, unit, result, summary_sentence(result, unit), signal_headline(title, result),
                         left_out_note(rows, board))


def signals(series: pd.DataFrame, polarities: Mapping[str, str] | None = None,
            targets: Mapping[str, float | None] | None = None, rebases: Mapping[str, Iterable[Any]] | None = None,
            board: bool = False) -> list[MeasureSignal]:
    """One MeasureSignal per measure of a stacked frame (measure, title, unit, month_end, value, status, ...) for one
    authority and team, in the frame's order of measures: what the Overview and the board pack show. Polarity and
    target default to the frame's own higher_is_better and target columns (as the overview measure has them)."""
    out = []
    for name, rows in series.groupby("measure", sort=False):
        title = str(rows["title"].iloc[0]) if "title" in rows else str(name)
        unit = str(rows["unit"].iloc[0]) if "unit" in rows else ""
        polarity = polarities[name] if polarities is not None else polarity_of(rows["higher_is_better"].iloc[0])
        target = targets.get(name) if targets is not None else rows["target"].iloc[0] if "target" in rows else None
        out.append(measure_signal(str(name), title, unit, rows.sort_values("month_end"), polarity,
                                  None if is_missing(target) else float(target), (rebases or {}).get(name, ()),
                                  board))
    return out


def team_signals(rows: pd.DataFrame, measure: str, title: str, unit: str, polarity: str,
                 target: float | None = None, rebases: Mapping[str, Iterable[Any]] | None = None,
                 board: bool = False) -> dict[str, MeasureSignal]:
    """One measure's SPC for each team in `rows` (team, month_end, value, status, ...): concerns first, then by name."""
    found = {str(team): measure_signal(measure, title, unit, part.sort_values("month_end"), polarity, target,
                                       (rebases or {}).get(str(team), ()), board)
             for team, part in rows.groupby("team", sort=True)}
    return dict(sorted(found.items(), key=lambda item: (not item[1].concern, item[0])))


def icon_table(found: list[MeasureSignal]) -> pd.DataFrame:
    """The icons per measure (measure, title, variation, assurance, signal_since, signal_points, concern, signal,
    early_warning, sentence, note): special causes of concern first, the longest-running first; the rest in the order
    given."""
    rows = [{"measure": s.measure, "title": s.title, "variation": s.result.variation,
             "assurance": s.result.assurance, "signal_since": s.result.signal_since,
             "signal_points": s.result.signal_points, "concern": s.concern, "signal": s.headline,
             "early_warning": signal_words(s.result, capital=True), "sentence": s.sentence, "note": s.note}
            for s in found]
    table = pd.DataFrame(rows, columns=["measure", "title", "variation", "assurance", "signal_since", "signal_points",
                                        "concern", "signal", "early_warning", "sentence", "note"])
    order = table.assign(_other=~table["concern"].astype(bool),
                         _run=-table["signal_points"].where(table["concern"].astype(bool), 0))
    return order.sort_values(["_other", "_run"], kind="stable").drop(columns=["_other", "_run"]).reset_index(drop=True)


def concern_first(tiles: pd.DataFrame, concern: Iterable[str], then: list[str]) -> pd.DataFrame:
    """Tiles (a frame with a `measure` column) with special causes of concern first, then by the columns `then`."""
    flagged = set(concern)
    return tiles.assign(_concern=~tiles["measure"].isin(flagged)).sort_values(
        ["_concern", *then], kind="stable").drop(columns="_concern")


RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}


def order_tiles(latest: pd.DataFrame, concern: Iterable[str] = ()) -> pd.DataFrame:
    """The Overview's order: special causes of concern first, then what got worse since last month, then red before
    amber before green; measures with no data for the month last."""
    missing = latest["status"].eq(NO_DATA).map({True: 1, False: 0})
    worse = latest["direction_last_month"].eq("worse").map({True: 0, False: 1})
    flagged = latest["measure"].isin(set(concern)).map({True: 0, False: 1})
    keys = {"_m": missing, "_c": flagged, "_w": worse, "_r": latest["rag"].map(RAG_ORDER)}
    return latest.assign(**keys).sort_values([*keys, "measure"], kind="stable").drop(columns=list(keys))


def rebase_months(path: str | Path, la_code: str, team: str | None = None,
                  measures: Iterable[str] = ()) -> dict[str, list[dt.date]]:
    """Recorded rebase months per measure for one authority and team; {} when nothing has been recorded yet.

    Reading never creates the file (a read-only deployment, or a test, leaves no file behind).
    """
    if not Path(path).is_file():
        return {}
    log = RebaseLog(path)
    team = team or ALL_TEAMS
    found = {m: log.for_measure(m, la_code, team) for m in measures}
    return {m: months for m, months in found.items() if months}


def with_spc(df: pd.DataFrame, polarity: str, target: float | None = None,
             rebases: Callable[[str, str], Iterable[Any]] | None = None,
             by: Iterable[str] = ("la_code", "team")) -> pd.DataFrame:
    """A series frame with SPC columns per row (mean, upl, lpl, provisional, rule, point_type) and per series
    (variation, assurance, signal_since: the icons as at its last 'ok' month), each series by `by` on its own."""
    keys = [k for k in by if k in df]
    parts = []
    for key, rows in (df.groupby(keys, sort=False, dropna=False) if keys else [((), df)]):
        key = key if isinstance(key, tuple) else (key,)
        named = dict(zip(keys, key, strict=True))
        rebase = rebases(named.get("la_code", ""), named.get("team", ALL_TEAMS)) if rebases else ()
        result = measure_spc(rows, polarity, target, rebase)
        points = result.points.set_index("month")
        at = pd.DatetimeIndex(pd.to_datetime(rows["month_end"])).to_period("M").to_timestamp(how="end").normalize()
        found = points.reindex(at)
        part = rows.copy()
        for col in ("mean", "upl", "lpl", "provisional", "rule", "point_type"):
            part[col] = found[col].to_numpy()
        part["provisional"] = part["provisional"].where(part["mean"].notna())
        part["variation"] = result.variation
        part["assurance"] = result.assurance
        part["signal_since"] = pd.Timestamp(result.signal_since) if result.signal_since is not None else pd.NaT
        parts.append(part)
    if not parts:
        return df.assign(**{c: pd.Series(dtype=object) for c in SPC_COLUMNS})
    out = pd.concat(parts).loc[df.index]
    out["signal_since"] = pd.to_datetime(out["signal_since"])
    return out
