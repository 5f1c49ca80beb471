"""Statistical process control (XmR charts) for Early warning, so a page says 'concern' only when the data do.

Follows NHS England's Making Data Count and NHSRplotthedots (ptd_spc_standard, ptd_calculate_point_type,
ptd_calculate_assurance_type), with these choices, also written up in docs/early-warning.md:

- Limits: mean ± 2.66 × mean moving range; near limits (two sigma) at mean ± (2/3) × 2.66 × mean moving range.
  With `screen_outliers` (NHSRplotthedots' default; the Excel tool does not screen) moving ranges at or above
  3.267 × the mean moving range are dropped and the mean moving range taken again, once.
- A month with no data (NaN, or absent from the index) is a gap: it never counts as zero, no moving range
  bridges it (as NHSRplotthedots, whose diff() gives NA either side of a missing value), and it breaks trends,
  shifts and 2-of-3 windows.
- `fix_after_n_points` counts observed months from the start of each segment; `rebase` months start new segments,
  each with its own limits and its own rules (nothing runs across a rebase); rebases are never automatic.
- Fewer than `min_points` (default 12: NHSRplotthedots warns below 12) observed points in a segment's baseline:
  no limits and no rules for that segment, a plain run chart. Fewer than `baseline_points` (default 20):
  limits are provisional.
- Rules, first that fires names the point (NHSRplotthedots' precedence): outside the process limits; a trend of
  `trend_length` points all rising or all falling (equal neighbours break it; every point of the run is flagged,
  a point shared by a rising and a falling run takes the later run's direction); two of three consecutive points
  beyond the same near limit, all three on that side of the mean (only the points beyond it are flagged); a shift
  of `shift_length` points on one side of the mean (a point exactly on the mean breaks it).
- 2-of-3 reading: by default (`two_of_three="mdc"`) a point beyond the process limit also counts as beyond two
  sigma, as Making Data Count's tools do since their November 2023 change (NHSRplotthedots issue #194);
  `two_of_three="ptd"` counts only points between two and three sigma, as NHSRplotthedots 0.2 does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lens.formatting import fmt_value, is_missing, month_label

LIMIT = 2.66  # 3 sigma for an XmR chart: 3 / d2 with d2 = 1.128
NEAR = LIMIT * 2 / 3  # 2 sigma
SCREEN = 3.267  # upper range limit: D4 for n = 2

POLARITIES = ("higher is better", "lower is better", "neutral")
RULES = ("outside_limits", "trend", "two_of_three", "shift")
TWO_OF_THREE_READINGS = ("mdc", "ptd")
POINT_TYPES = ("improvement", "concern", "neutral", "common cause")
VARIATION_ICONS = ("common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
                   "neutral_high", "neutral_low")
ASSURANCE_ICONS = ("pass", "fail", "inconsistent")
COLUMNS = ("month", "value", "segment", "has_limits", "provisional", "mean", "upl", "lpl", "near_upper",
           "near_lower", "outside_limits", "trend", "trend_direction", "two_of_three", "shift", "special_cause",
           "rule", "direction", "point_type")


@dataclass(frozen=True)
class SpcResult:
    """Per-point SPC frame (columns in COLUMNS, one row per calendar month) plus what a page or report shows."""

    points: pd.DataFrame
    polarity: str
    target: float | None
    variation: str | None  # icon name from VARIATION_ICONS for the last observed point; None without limits
    assurance: str | None  # 'pass', 'fail', 'inconsistent'; None without a target, limits or polarity
    signal_since: pd.Timestamp | None  # month end of the first point of the ongoing signal, if the last is one
    signal_points: int  # points in that ongoing signal (0 when none)
    n_points: int  # observed (non-missing) points
    enough_points: bool  # the last observed point's segment has limits
    provisional: bool  # ... and they rest on fewer than baseline_points points
    last_month: pd.Timestamp | None  # month end of the last observed point
    segment_start: pd.Timestamp | None  # month end of the first month of that point's segment (after a rebase)
    segment_points: int  # observed points in that segment
    min_points: int = 12


def _monthly(values: pd.Series) -> pd.Series:
    """The values as floats on a complete monthly PeriodIndex from first to last month; absent months are NaN."""
    s = pd.Series(values, copy=True)
    idx = s.index
    if isinstance(idx, pd.PeriodIndex):
        periods = idx.asfreq("M")
    else:
        periods = pd.DatetimeIndex(pd.to_datetime(idx)).to_period("M")
    if periods.has_duplicates:
        raise ValueError("values has more than one value for a month")
    s = pd.Series(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan), index=periods)
    s = s.sort_index()
    if len(s):
        s = s.reindex(pd.period_range(s.index[0], s.index[-1], freq="M"))
    return s


def _run_lengths(keys: np.ndarray) -> np.ndarray:
    """Length of the run of equal non-zero keys each position belongs to (0 where the key is 0)."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=int)
    starts = np.r_[0, np.flatnonzero(np.diff(keys) != 0) + 1]
    lengths = np.diff(np.r_[starts, n])
    out = np.repeat(lengths, lengths)
    out[keys == 0] = 0
    return out


def _limits(y: np.ndarray, fix_after_n_points: int | None, screen_outliers: bool,
            min_points: int) -> tuple[float, float, int]:
    """(mean, mean moving range, baseline size) for one segment; NaNs when the baseline is too short."""
    observed = np.flatnonzero(~np.isnan(y))
    if fix_after_n_points is not None and len(observed) > fix_after_n_points:
        y = y[: observed[fix_after_n_points - 1] + 1]
    n_base = int(np.count_nonzero(~np.isnan(y)))
    mr = np.abs(np.diff(y))
    mr = mr[~np.isnan(mr)]  # a moving range only between two consecutive observed months
    if n_base < min_points or mr.size == 0:
        return math.nan, math.nan, n_base
    amr = float(mr.mean())
    if screen_outliers and amr > 0:  # (a flat series, amr 0, is not screened: that would leave no ranges)
        amr = float(mr[mr < SCREEN * amr].mean())  # never empty: the smallest range is below the mean
    return float(np.nanmean(y)), amr, n_base


def _rules(y: np.ndarray, mean: float, amr: float, trend_length: int, shift_length: int,
           two_of_three: str) -> dict[str, np.ndarray]:
    """The four special-cause rules on one segment with limits."""
    n = len(y)
    observed = ~np.isnan(y)
    upl, lpl = mean + LIMIT * amr, mean - LIMIT * amr
    nu, nl = mean + NEAR * amr, mean - NEAR * amr
    with np.errstate(invalid="ignore"):
        side = np.where(observed, np.sign(y - mean), 0).astype(int)
        outside = observed & ((y > upl) | (y < lpl))
        beyond = np.where(y > nu, 1, np.where(y < nl, -1, 0))
        step = np.sign(np.diff(y))
    if two_of_three == "ptd":
        beyond[outside] = 0
    # trend: runs of equal non-zero steps; a gap (NaN step) or a tie (0) breaks them
    step = np.where(np.isnan(step), 0, step).astype(int)
    qualifying = np.where(_run_lengths(step) >= trend_length - 1, step, 0)
    right, left = np.r_[qualifying, 0], np.r_[0, qualifying]
    trend_direction = np.where(right != 0, right, left)
    # two of three: a window of three consecutive months all on one side with two or more beyond its near limit
    two = np.zeros(n, dtype=bool)
    if n >= 3:
        s0 = side[:-2]
        same = (s0 != 0) & (side[1:-1] == s0) & (side[2:] == s0)
        count = (beyond[:-2] == s0).astype(int) + (beyond[1:-1] == s0) + (beyond[2:] == s0)
        window = same & (count >= 2)
        in_window = np.zeros(n, dtype=bool)
        for k in range(3):
            in_window[k:n - 2 + k] |= window
        two = in_window & (beyond != 0)
    shift = _run_lengths(side) >= shift_length
    return {"outside_limits": outside, "trend": trend_direction != 0, "trend_direction": trend_direction,
            "two_of_three": two, "shift": shift, "side": side}


def _check(polarity: str, fix_after_n_points: int | None, min_points: int, trend_length: int, shift_length: int,
           two_of_three: str) -> None:
    """Refuse settings that would silently give no limits or no rules."""
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
    if two_of_three not in TWO_OF_THREE_READINGS:
        raise ValueError(f"two_of_three must be one of {TWO_OF_THREE_READINGS}")
    if min_points < 2:
        raise ValueError("min_points must be at least 2 (limits need a moving range)")
    if fix_after_n_points is not None and fix_after_n_points < min_points:
        raise ValueError("fix_after_n_points below min_points would never give limits")
    if trend_length < 2 or shift_length < 2:
        raise ValueError("trend_length and shift_length must be at least 2")


def spc(values: pd.Series, polarity: str, target: float | None = None, *, rebase: Iterable[Any] = (),
        fix_after_n_points: int | None = None, screen_outliers: bool = True, min_points: int = 12,
        baseline_points: int = 20, trend_length: int = 7, shift_length: int = 7,
        two_of_three: str = "mdc") -> SpcResult:
    """Limits, signals and icons for a monthly series (index: month ends, any date in the month, or periods)."""
    _check(polarity, fix_after_n_points, min_points, trend_length, shift_length, two_of_three)
    target = None if is_missing(target) else float(target)
    s = _monthly(values)
    months = s.index
    y = s.to_numpy()
    n = len(y)
    segment = np.zeros(n, dtype=int)
    for start in {pd.Timestamp(m).to_period("M") for m in rebase}:
        segment += np.asarray(months >= start, dtype=int)
    segment = np.unique(segment, return_inverse=True)[1].reshape(-1)  # 0, 1, ... within the months shown

    cols: dict[str, np.ndarray] = {
        "mean": np.full(n, np.nan), "amr": np.full(n, np.nan), "provisional": np.zeros(n, dtype=bool),
        "outside_limits": np.zeros(n, dtype=bool), "trend": np.zeros(n, dtype=bool),
        "trend_direction": np.zeros(n, dtype=int), "two_of_three": np.zeros(n, dtype=bool),
        "shift": np.zeros(n, dtype=bool), "side": np.zeros(n, dtype=int),
    }
    for g in np.unique(segment):
        where = np.flatnonzero(segment == g)
        part = y[where]
        mean, amr, n_base = _limits(part, fix_after_n_points, screen_outliers, min_points)
        if math.isnan(amr):
            continue
        cols["mean"][where], cols["amr"][where] = mean, amr
        cols["provisional"][where] = n_base < baseline_points
        for key, arr in _rules(part, mean, amr, trend_length, shift_length, two_of_three).items():
            cols[key][where] = arr

    amr, mean, side = cols["amr"], cols["mean"], cols["side"]
    fired = [cols["outside_limits"], cols["trend"], cols["two_of_three"], cols["shift"]]
    special = np.logical_or.reduce(fired)
    direction = np.select(fired, [side, cols["trend_direction"], side, side], default=0).astype(int)
    sign = {"higher is better": 1, "lower is better": -1, "neutral": 0}[polarity]
    kind = np.select([direction == 0, sign == 0, direction * sign > 0], ["common cause", "neutral", "improvement"],
                     default="concern").astype(object)
    has_limits = ~np.isnan(mean)
    kind[~has_limits | np.isnan(y)] = None
    rule = np.select(fired, RULES, default="").astype(object)
    rule[~special] = None
    out = {
        "month": months.asfreq("D", how="end").to_timestamp(), "value": y, "segment": segment,
        "has_limits": has_limits, "provisional": cols["provisional"], "mean": mean,
        "upl": mean + LIMIT * amr, "lpl": mean - LIMIT * amr, "near_upper": mean + NEAR * amr,
        "near_lower": mean - NEAR * amr, "outside_limits": cols["outside_limits"], "trend": cols["trend"],
        "trend_direction": cols["trend_direction"], "two_of_three": cols["two_of_three"], "shift": cols["shift"],
        "special_cause": special, "rule": rule, "direction": direction, "point_type": kind,
    }
    return _summarise(out, polarity, target, min_points)


def _summarise(out: dict[str, Any], polarity: str, target: float | None, min_points: int) -> SpcResult:
    """The per-point frame plus icons, the ongoing signal and counts, from the per-point arrays."""
    # rule and point_type stay object with None, not pandas 3's inferred str dtype with NaN
    as_object = {key: pd.Series(out[key], dtype=object) for key in ("rule", "point_type")}
    df = pd.DataFrame({**out, **as_object}, columns=list(COLUMNS))
    y, seg, kind, direction = out["value"], out["segment"], out["point_type"], out["direction"]
    observed = np.flatnonzero(~np.isnan(y))
    if not len(observed):
        return SpcResult(df, polarity, target, None, None, None, 0, 0, False, False, None, None, 0, min_points)
    last = int(observed[-1])
    in_segment = seg == seg[last]
    enough = bool(out["has_limits"][last])
    variation = assurance = since = None
    run = 0
    if enough:
        if kind[last] == "common cause":
            variation = "common_cause"
        else:
            variation = f"{kind[last]}_{'high' if direction[last] > 0 else 'low'}"
            first = last
            while first > 0 and seg[first - 1] == seg[last] and kind[first - 1] == kind[last] \
                    and direction[first - 1] == direction[last]:
                first -= 1  # a gap (point_type None) or a rebase ends the run
            since, run = df["month"].iat[first], last - first + 1
        if target is not None and polarity != "neutral":
            higher = polarity == "higher is better"
            if target > out["upl"][last]:
                assurance = "fail" if higher else "pass"
            elif target < out["lpl"][last]:
                assurance = "pass" if higher else "fail"
            else:
                assurance = "inconsistent"
    return SpcResult(df, polarity, target, variation, assurance, since, run, len(observed), enough,
                     bool(enough and out["provisional"][last]), df["month"].iat[last],
                     df["month"].iat[int(np.argmax(in_segment))], int(np.count_nonzero(in_segment & ~np.isnan(y))),
                     min_points)


def _run_back(df: pd.DataFrame, last: int, same: pd.Series) -> int:
    """How many consecutive rows ending at `last` satisfy `same`."""
    flags = same.to_numpy()[: last + 1][::-1]
    return int(len(flags) if flags.all() else np.argmin(flags))


def _in_a_row(k: int) -> str:
    return "1 point" if k == 1 else f"{k} points in a row"


def _reason(df: pd.DataFrame, last: int) -> str:
    """Why the last observed point is special cause, in words."""
    row = df.iloc[last]
    seg = df["segment"] == row["segment"]
    up = row["direction"] > 0
    if row["rule"] == "outside_limits":
        k = _run_back(df, last, seg & df["outside_limits"] & (df["value"] > df["mean"]).eq(up))
        return f"{_in_a_row(k)} {'above the upper' if up else 'below the lower'} process limit"
    if row["rule"] == "trend":
        k = _run_back(df, last, seg & df["trend"] & (df["trend_direction"] == row["trend_direction"]))
        return f"{k} points in a row {'rising' if row['trend_direction'] > 0 else 'falling'}"
    if row["rule"] == "two_of_three":
        return f"2 of 3 points close to the {'upper' if up else 'lower'} process limit"
    k = _run_back(df, last, seg & df["shift"] & (df["value"] > df["mean"]).eq(up))
    return f"{k} points in a row {'above' if up else 'below'} the average"


ASSURANCE_WORDS = {"pass": "will reliably meet", "fail": "will not reliably meet", "inconsistent": "will hit and miss"}
SIGNAL_WORDS = {"improvement": "Improvement", "concern": "Concern", "neutral_high": "Unusually high",
                "neutral_low": "Unusually low"}


def summary_sentence(result: SpcResult, unit: str = "") -> str:
    """One line for a page or report: 'Concern since Nov 2017 (4 months): 7 points in a row below the average'."""
    if result.n_points == 0:
        return "No data"
    if not result.enough_points:
        since = f" since limits were recalculated from {month_label(result.segment_start)}" \
            if result.segment_start != result.points["month"].iat[0] else ""
        return (f"Run chart only: too few points for limits ({result.segment_points} of {result.min_points} "
                f"needed{since})")
    df = result.points
    if result.variation == "common_cause":
        text = "No significant change"
    else:
        last = int(np.flatnonzero(df["month"].to_numpy() == np.datetime64(result.last_month))[0])
        key = result.variation if result.variation.startswith("neutral") else result.variation.split("_")[0]
        months = "1 month" if result.signal_points == 1 else f"{result.signal_points} months"
        text = f"{SIGNAL_WORDS[key]} since {month_label(result.signal_since)} ({months}): {_reason(df, last)}"
    if result.assurance:
        text += f"; {ASSURANCE_WORDS[result.assurance]} the target of {fmt_value(result.target, unit)}"
    if result.provisional:
        text += " (provisional limits)"
    return text
