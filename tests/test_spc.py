"""SPC for Early warning: limits, the four rules, point types, icons, signal start, sentences, rebase log and chart,
on hand-made monthly vectors whose expected values are worked out in the comments."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lens.charts import BLUE, GREY, ORANGE
from lens.rebase_log import RebaseLog
from lens.spc import spc, summary_sentence
from lens.spc_chart import RUN_CHART_TEXT, assurance_icon_svg, spc_figure, variation_icon_svg

HIGHER, LOWER, NEUTRAL = "higher is better", "lower is better", "neutral"
# A stable baseline used with fix_after_n_points=12: mean 10, every moving range 2, so
# limits 10 ± 2.66 × 2 = 4.68 / 15.32 and near limits 10 ± (2/3)(5.32) = 6.4533 / 13.5467.
BASE = [9, 11] * 6


def series(values, start: str = "2017-01-31") -> pd.Series:
    """Values on consecutive month ends from `start`."""
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="ME"), dtype=float)


def fixed(tail, polarity: str = HIGHER, **kw):
    """BASE then `tail`, limits fixed on BASE (mean 10, limits 4.68 / 15.32, near 6.4533 / 13.5467)."""
    return spc(series(BASE + list(tail)), polarity, fix_after_n_points=12, **kw)


def flags(result, column: str) -> list[int]:
    """Positions where a boolean column is true."""
    return np.flatnonzero(result.points[column].to_numpy()).tolist()


# --- limits --------------------------------------------------------------------------------------------------

def test_deviations_vignette_vector_with_and_without_screening():
    # NHSRplotthedots "Deviations from Excel defaults": sum 35 over 18 points -> mean 1.944;
    # moving ranges: fifteen 1s, 8 and 9 -> mean 32/17 = 1.882; 3.267 x 1.882 = 6.15 screens 8 and 9 -> mean MR 1.
    y = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    screened = spc(series(y), HIGHER).points.iloc[0]
    assert round(screened["mean"], 2) == 1.94
    assert (round(screened["lpl"], 2), round(screened["upl"], 2)) == (-0.72, 4.60)
    excel = spc(series(y), HIGHER, screen_outliers=False).points.iloc[0]
    assert round(excel["mean"], 2) == 1.94
    assert (round(excel["lpl"], 2), round(excel["upl"], 2)) == (-3.06, 6.95)
    # either way only the 10 is special cause, and with higher is better it is an improvement
    assert flags(spc(series(y), HIGHER), "special_cause") == [4]
    assert spc(series(y), HIGHER).points["point_type"].iat[4] == "improvement"


def test_fifteen_point_vector_only_the_twelfth_point_is_special_cause():
    # sum 1150 / 15 = 76.67; moving ranges sum 103 / 14 = 7.357 (23 < 3.267 x 7.357 = 24.04: none screened);
    # limits 76.67 -/+ 19.57 = 57.10 / 96.24; 54 is below the lower limit; nothing else fires.
    y = [89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86]
    r = spc(series(y), HIGHER)
    first = r.points.iloc[0]
    assert round(first["mean"], 2) == 76.67
    assert (round(first["lpl"], 2), round(first["upl"], 2)) == (57.10, 96.24)
    assert flags(r, "special_cause") == [11]
    assert r.points["rule"].iat[11] == "outside_limits"
    assert r.points["point_type"].iat[11] == "concern"
    assert r.variation == "common_cause"


def test_moving_range_outlier_is_screened_only_when_asked():
    # 5,6 x5 then 15, 6: moving ranges nine 1s and two 9s -> mean 27/11 = 2.4545; 9 >= 3.267 x 2.4545 = 8.02,
    # so screening leaves nine 1s -> mean MR 1. Mean 76/12 = 6.3333.
    y = [5, 6] * 5 + [15, 6]
    on = spc(series(y), HIGHER).points.iloc[0]
    assert on["mean"] == pytest.approx(76 / 12)
    assert on["upl"] == pytest.approx(76 / 12 + 2.66)
    assert on["lpl"] == pytest.approx(76 / 12 - 2.66)
    assert on["near_upper"] == pytest.approx(76 / 12 + 2.66 * 2 / 3)
    off = spc(series(y), HIGHER, screen_outliers=False).points.iloc[0]
    assert off["upl"] == pytest.approx(76 / 12 + 2.66 * 27 / 11)
    assert off["lpl"] == pytest.approx(76 / 12 - 2.66 * 27 / 11)


def test_limits_fixed_after_n_points_are_extended():
    # fixed on the first 12 (mean 10, MR 2); the later 30s change nothing and sit outside the limits
    r = fixed([30, 30])
    assert r.points["mean"].tolist() == [10.0] * 14
    assert r.points["upl"].round(2).tolist() == [15.32] * 14
    assert flags(r, "outside_limits") == [12, 13]
    # computed on all points instead: mean 180/14, and 30, 30 add moving ranges 19 and 0
    assert spc(series(BASE + [30, 30]), HIGHER).points["mean"].iat[0] == pytest.approx(180 / 14)


# --- rules -----------------------------------------------------------------------------------------------------

def test_a_point_exactly_on_the_mean_breaks_a_shift():
    # sum 140 over 14 -> mean exactly 10; MRs sum 16 / 13 -> limits 10 -/+ 3.27, near 10 -/+ 2.18:
    # no point outside or near. The first seven are all below 10: a shift (concern, higher is better).
    # The last seven are above except the 10 on the mean, which breaks them into 3 + 3: no shift.
    y = [8, 9, 8, 9, 8, 9, 9, 12, 11, 12, 10, 12, 11, 12]
    r = spc(series(y), HIGHER)
    assert r.points["mean"].iat[0] == 10.0
    assert flags(r, "shift") == [0, 1, 2, 3, 4, 5, 6]
    assert flags(r, "special_cause") == [0, 1, 2, 3, 4, 5, 6]
    assert r.points["point_type"].iloc[:7].tolist() == ["concern"] * 7
    assert r.points["direction"].iat[10] == 0
    # the same with the 10 nudged to 10.5 (now above the new mean 140.5/14): the last seven are a shift
    y[10] = 10.5
    assert flags(spc(series(y), HIGHER), "shift") == list(range(14))


def test_shift_length_is_a_parameter():
    # 8 then six 12s: BASE ends on 11 (above), so 11 + six 12s = seven above; with shift_length 8 that is too short
    assert flags(fixed([12] * 6), "shift") == list(range(11, 18))
    assert flags(fixed([12] * 6, shift_length=8), "shift") == []


def test_trend_of_seven_flags_every_point_and_a_tie_breaks_it():
    # 4,3,4,3,4 then 2,1..7,3 (NHSRplotthedots' own example c(2, 1:7, 3)): six rises in a row from the 1
    # (position 6) to the 7 (position 12) -> those seven points are a rising trend
    rising = [4, 3, 4, 3, 4, 2, 1, 2, 3, 4, 5, 6, 7, 3]
    r = spc(series(rising), HIGHER)
    assert flags(r, "trend") == [6, 7, 8, 9, 10, 11, 12]
    assert set(r.points["trend_direction"].iloc[6:13]) == {1}
    # a tie inside (1,2,3,3,4,5,6,7): rises 2 then 4, never 6 in a row -> no trend
    tied = [4, 3, 4, 3, 4, 2, 1, 2, 3, 3, 4, 5, 6, 7, 3]
    assert flags(spc(series(tied), HIGHER), "trend") == []
    # trend_length is a parameter: after the tie 3,4,5,6,7 (positions 9-13) is five points, before it 1,2,3 is
    # three: nothing with 6, a trend of five with 5
    assert flags(spc(series(tied), HIGHER, trend_length=6), "trend") == []
    assert flags(spc(series(tied), HIGHER, trend_length=5), "trend") == [9, 10, 11, 12, 13]


def test_falling_trend_and_a_peak_shared_by_two_trends_takes_the_later_direction():
    # 1..7..1: six rises then six falls; every point is in a trend; the 7 at the top belongs to both and,
    # as in NHSRplotthedots, takes the direction of the run to its right (falling)
    y = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    r = spc(series(y), HIGHER)
    assert flags(r, "trend") == list(range(13))
    assert r.points["trend_direction"].tolist() == [1] * 6 + [-1] * 7


def test_a_trend_that_crosses_the_mean_is_coloured_by_its_direction():
    # sum 140 / 14 -> mean 10; MRs 2,2,2,2,2,4,1,1,1,1,1,1,3 = 23/13 = 1.769 -> limits 10 -/+ 4.71,
    # near 10 -/+ 3.137 (13 < 13.137 and 7 > 6.863: not beyond). 7..13 (positions 6-12) rise six times:
    # a trend, so 7, 8 and 9 (below the mean) are improvements too, not concerns.
    y = [9, 11, 9, 11, 9, 11, 7, 8, 9, 10, 11, 12, 13, 10]
    r = spc(series(y), HIGHER)
    assert flags(r, "special_cause") == [6, 7, 8, 9, 10, 11, 12]
    assert set(r.points["rule"].iloc[6:13]) == {"trend"}
    assert r.points["point_type"].iloc[6:13].tolist() == ["improvement"] * 7
    assert spc(series(y), LOWER).points["point_type"].iloc[6:13].tolist() == ["concern"] * 7
    assert spc(series(y), NEUTRAL).points["point_type"].iloc[6:13].tolist() == ["neutral"] * 7


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    # near upper 13.5467: 14, 12, 14 are all above the mean with two beyond -> the two 14s are flagged
    r = fixed([14, 12, 14, 9, 11])
    assert flags(r, "two_of_three") == [12, 14]
    assert r.points["point_type"].iloc[12:15].tolist() == ["improvement", "common cause", "improvement"]
    assert r.points["rule"].iat[12] == "two_of_three"


def test_two_of_three_with_the_third_point_on_the_other_side_is_not_a_signal():
    # 14, 9, 14: the 9 is below the mean, so no window of three is all on one side
    assert flags(fixed([14, 9, 14, 9, 11]), "two_of_three") == []
    # 9, 14, 14, 9: the two beyond are next to each other but every window holds a point below the mean
    assert flags(fixed([9, 14, 14, 9]), "two_of_three") == []
    # whereas after BASE's last 11 (above the mean, not beyond) the window (11, 14, 14) is all on one side
    assert flags(fixed([14, 14, 9, 11]), "two_of_three") == [12, 13]


def test_two_of_three_reading_mdc_counts_points_beyond_the_process_limit():
    # 16 is outside (> 15.32), 14 is between two and three sigma, 11 above the mean. Making Data Count's reading
    # counts 16 as beyond two sigma too: the window (16, 14, 11) has two -> 14 is special cause.
    # NHSRplotthedots' reading counts only 14 -> 14 stays common cause. 16 is outside the limits either way.
    mdc = fixed([16, 14, 11, 9])
    assert flags(mdc, "two_of_three") == [12, 13]
    assert mdc.points["rule"].iloc[12:14].tolist() == ["outside_limits", "two_of_three"]
    ptd = fixed([16, 14, 11, 9], two_of_three="ptd")
    assert flags(ptd, "two_of_three") == []
    assert ptd.points["point_type"].iloc[12:14].tolist() == ["improvement", "common cause"]


def test_rules_fire_in_order_of_precedence():
    # 3 (outside, low) then six 8s: seven below the mean (a shift); the 3 is named by the first rule
    r = fixed([3, 8, 8, 8, 8, 8, 8])
    assert flags(r, "shift") == list(range(12, 19))
    assert r.points["rule"].iloc[12:19].tolist() == ["outside_limits"] + ["shift"] * 6


# --- gaps, short series, rebase ----------------------------------------------------------------------------------

def test_a_month_with_no_data_breaks_a_run_and_never_counts_as_zero():
    # seven 8s below the mean would be a shift; a missing month after the third splits them 3 + 4
    assert flags(fixed([8] * 7), "shift") == list(range(12, 19))
    r = fixed([8, 8, 8, np.nan, 8, 8, 8, 8])
    assert flags(r, "shift") == []
    assert r.points["point_type"].iat[15] is None
    assert math.isnan(r.points["value"].iat[15])
    # a missing month inside a trend breaks it too
    assert flags(spc(series([4, 3, 4, 3, 4, 2, 1, 2, 3, np.nan, 4, 5, 6, 7]), HIGHER), "trend") == []


def test_moving_ranges_do_not_bridge_a_missing_month():
    # 12 observed values summing 124 -> mean 10.333 (13 with the gap as zero would be wrong);
    # moving ranges 2,2,2 | gap | 6,2,2,2,2,2,2 = 24 / 10 = 2.4 (bridging 11 -> 15 would add a 4)
    y = [9, 11, 9, 11, np.nan, 15, 9, 11, 9, 11, 9, 11, 9]
    row = spc(series(y), HIGHER).points.iloc[0]
    assert row["mean"] == pytest.approx(124 / 12)
    assert row["upl"] - row["mean"] == pytest.approx(2.66 * 2.4)
    # a month absent from the index is the same as a NaN month, and appears in the frame as a gap
    absent = series(y).dropna()
    r = spc(absent, HIGHER)
    assert len(r.points) == 13
    assert r.points["month"].iat[4] == pd.Timestamp("2017-05-31")
    assert r.points["upl"].iat[0] == pytest.approx(row["upl"])


def test_fewer_than_the_minimum_points_gives_a_run_chart_and_short_baselines_are_provisional():
    few = spc(series(BASE[:11]), HIGHER, target=12)
    assert not few.enough_points and few.n_points == 11
    assert few.points["mean"].isna().all() and not few.points["has_limits"].any()
    assert few.points["point_type"].isna().all()
    assert (few.variation, few.assurance, few.signal_since) == (None, None, None)
    assert summary_sentence(few) == "Run chart only: too few points for limits (11 of 12 needed)"
    twelve = spc(series(BASE), HIGHER)
    assert twelve.enough_points and twelve.provisional and twelve.points["provisional"].all()
    twenty = spc(series(BASE + BASE[:8]), HIGHER)
    assert twenty.enough_points and not twenty.provisional
    # limits fixed on 12 points rest on a 12-point baseline however long the series: still provisional
    assert spc(series(BASE * 3), HIGHER, fix_after_n_points=12).provisional
    assert not spc(series(BASE[:10]), HIGHER, min_points=10).points["mean"].isna().any()


def test_rebase_gives_each_segment_its_own_limits():
    # 12 months of 9/11 (mean 10) then 12 of 19/21 (mean 20), every MR 2 inside each: limits +/- 5.32 each.
    # Rebased from month 13 there is no signal; without the rebase the mean is 15 and both halves are shifts.
    y = BASE + [19, 21] * 6
    r = spc(series(y), HIGHER, rebase=["2018-01-15"])  # any date in the month
    assert r.points["segment"].tolist() == [0] * 12 + [1] * 12
    assert r.points["mean"].tolist() == [10.0] * 12 + [20.0] * 12
    assert r.points["upl"].round(2).tolist() == [15.32] * 12 + [25.32] * 12
    assert flags(r, "special_cause") == []
    whole = spc(series(y), HIGHER)
    assert whole.points["mean"].iat[0] == 15.0 and flags(whole, "shift") == list(range(24))
    # a rebase month before the data changes nothing; the same month twice is one rebase
    assert spc(series(y), HIGHER, rebase=["2016-06-30"]).points["segment"].eq(0).all()
    assert spc(series(y), HIGHER, rebase=["2018-01-31", "2018-01-01"]).points["mean"].iat[12] == 20.0


def test_rules_do_not_run_across_a_rebase_and_a_short_new_segment_is_a_run_chart():
    # BASE ends 9, 11; 8s after the rebase would make seven below only with points before it
    r = spc(series(BASE + [12] * 3 + [21, 19] * 6), HIGHER, rebase=["2018-04-30"])
    assert flags(r, "shift") == []  # 11 and three 12s above 10 = 4 in segment 0
    short = spc(series(BASE * 2 + [20] * 5), HIGHER, rebase=["2019-01-31"], target=15)
    assert short.points["has_limits"].tolist() == [True] * 24 + [False] * 5
    assert not short.enough_points and short.variation is None and short.assurance is None
    assert summary_sentence(short) == ("Run chart only: too few points for limits (5 of 12 needed since limits were "
                                       "recalculated from Jan 2019)")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="polarity"):
        spc(series(BASE), "up is good")
    with pytest.raises(ValueError, match="more than one value"):
        spc(pd.Series([1.0, 2.0], index=pd.to_datetime(["2018-01-31", "2018-01-15"])), HIGHER)
    with pytest.raises(ValueError, match="fix_after_n_points"):
        spc(series(BASE), HIGHER, fix_after_n_points=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 20)), max_size=40), st.sampled_from(["mdc", "ptd"]))
def test_properties_on_random_series(values, reading):
    """Mirroring the values and the polarity mirrors every result; flags and types always agree."""
    y = [np.nan if v is None else float(v) for v in values]
    up = spc(series(y), HIGHER, two_of_three=reading)
    down = spc(series([-v for v in y]), LOWER, two_of_three=reading)
    a, b = up.points, down.points
    assert a["point_type"].tolist() == b["point_type"].tolist()
    assert a["rule"].tolist() == b["rule"].tolist()
    assert (a["direction"] == -b["direction"]).all()
    assert np.allclose(a["upl"], -b["lpl"], equal_nan=True)
    assert (up.signal_since, up.signal_points) == (down.signal_since, down.signal_points)
    no_type = a["value"].isna() | ~a["has_limits"]
    assert (a["point_type"].isna() == no_type).all()
    assert (a["special_cause"] == a["rule"].notna()).all()
    assert (a["special_cause"] == a["point_type"].isin(["improvement", "concern"])).all()
    assert not a.loc[a["value"].isna(), ["outside_limits", "trend", "two_of_three", "shift"]].any().any()
    assert (up.signal_since is not None) == (up.variation not in (None, "common_cause"))
    assert up.signal_points <= up.n_points == int(a["value"].notna().sum())


# --- icons, signal start, sentences -----------------------------------------------------------------------------

@pytest.mark.parametrize("tail, polarity, icon", [
    ([17], HIGHER, "improvement_high"), ([17], LOWER, "concern_high"), ([17], NEUTRAL, "neutral_high"),
    ([3], HIGHER, "concern_low"), ([3], LOWER, "improvement_low"), ([3], NEUTRAL, "neutral_low"),
    ([10], HIGHER, "common_cause"), ([10], LOWER, "common_cause"), ([10], NEUTRAL, "common_cause"),
])
def test_variation_icon_comes_from_the_last_point(tail, polarity, icon):
    # 17 > 15.32 and 3 < 4.68: outside the limits; 10 is on the mean
    assert fixed(tail, polarity).variation == icon


def test_variation_icon_ignores_trailing_missing_months():
    assert fixed([3, np.nan, np.nan]).variation == "concern_low"
    assert fixed([3, np.nan]).last_month == pd.Timestamp("2018-01-31")


@pytest.mark.parametrize("target, polarity, icon", [
    (20, HIGHER, "fail"), (20, LOWER, "pass"),  # target above the upper limit 15.32
    (2, HIGHER, "pass"), (2, LOWER, "fail"),  # below the lower limit 4.68
    (10, HIGHER, "inconsistent"), (10, LOWER, "inconsistent"),  # between
    (15.32, HIGHER, "inconsistent"),  # on a limit (10 + 5.32 rounds to it): still within reach
    (None, HIGHER, None), (20, NEUTRAL, None),  # no target, or no better direction
])
def test_assurance_icon_from_the_last_segments_limits_and_the_target(target, polarity, icon):
    assert spc(series(BASE), polarity, target=target).assurance == icon


def test_assurance_uses_the_last_segment_after_a_rebase():
    # first segment 4.68-15.32 would fail a target of 18; the rebased one (14.68-25.32) straddles it
    r = spc(series(BASE + [19, 21] * 6), HIGHER, target=18, rebase=["2018-01-31"])
    assert r.assurance == "inconsistent"
    assert spc(series(BASE), HIGHER, target=18).assurance == "fail"


def test_signal_since_is_the_start_of_the_ongoing_run_of_the_same_kind():
    # seven months below the mean from Jan 2018 (BASE covers 2017): a shift, concern since Jan 2018
    r = fixed([8, 9, 8, 9, 8, 9, 8])
    assert r.variation == "concern_low"
    assert (r.signal_since, r.signal_points) == (pd.Timestamp("2018-01-31"), 7)
    assert summary_sentence(r) == \
        "Concern since Jan 2018 (7 months): 7 points in a row below the average (provisional limits)"
    # the same run seen with lower is better is an improvement since the same month
    assert summary_sentence(fixed([8, 9, 8, 9, 8, 9, 8], LOWER)).startswith("Improvement since Jan 2018 (7 months)")
    # outside-limits then shift points are the same kind (concern, low): one run of 7
    mixed = fixed([3, 8, 8, 8, 8, 8, 8])
    assert (mixed.signal_since, mixed.signal_points) == (pd.Timestamp("2018-01-31"), 7)


def test_signal_since_stops_at_a_change_of_kind_a_gap_or_no_signal():
    jump = fixed([17, 3], baseline_points=12)  # 12 points count as a full baseline here; an improvement (high) then a concern (low): the concern began in Feb 2018
    assert (jump.signal_since, jump.signal_points) == (pd.Timestamp("2018-02-28"), 1)
    assert summary_sentence(jump) == "Concern since Feb 2018 (1 month): 1 point below the lower process limit"
    gap = fixed([3, np.nan, 3, 3], baseline_points=12)
    assert (gap.signal_since, gap.signal_points) == (pd.Timestamp("2018-03-31"), 2)
    assert summary_sentence(gap) == "Concern since Mar 2018 (2 months): 2 points in a row below the lower process limit"
    calm = fixed([3, 10])
    assert (calm.signal_since, calm.signal_points) == (None, 0)


def test_summary_sentences():
    y = [9, 11, 9, 11, 9, 11, 7, 8, 9, 10, 11, 12, 13]  # the trend test without its last point: rising to the end
    rising = spc(series(y), HIGHER)
    assert summary_sentence(rising) == \
        "Improvement since Jul 2017 (7 months): 7 points in a row rising (provisional limits)"
    assert summary_sentence(spc(series(BASE * 2), HIGHER, target=90), "%") == \
        "No significant change; will not reliably meet the target of 90.0%"
    assert summary_sentence(spc(series(BASE * 2), LOWER, target=2), "days") == \
        "No significant change; will not reliably meet the target of 2 days"
    assert summary_sentence(spc(series(BASE * 2), HIGHER, target=10)) == \
        "No significant change; will hit and miss the target of 10"
    assert summary_sentence(fixed([14, 12, 14], NEUTRAL)) == \
        "Unusually high since Mar 2018 (1 month): 2 of 3 points close to the upper process limit (provisional limits)"
    assert summary_sentence(spc(series([]), HIGHER)) == "No data"


# --- rebase log ------------------------------------------------------------------------------------------------

def test_rebase_log_records_months_with_a_reason_and_refuses_an_empty_one(tmp_path):
    log = RebaseLog(tmp_path / "rebase.sqlite")
    when = dt.datetime(2018, 4, 3, 9, 30, tzinfo=dt.UTC)
    log.add("reviews_in_time", "E09000001", "All teams", "2017-11-30", "New review team from November", "A. Lead",
            when)
    log.add("reviews_in_time", "E09000001", "All teams", dt.date(2017, 4, 1), "IRO service restructured", "B. Head")
    log.add("reviews_in_time", "E09000001", "Team North", "2018-01-31", "Team merged", "A. Lead")
    log.add("visits_in_time", "E09000001", "All teams", "2016-01-31", "New visiting policy", "A. Lead")
    for reason in ("", "   ", None):
        with pytest.raises(ValueError, match="reason"):
            log.add("reviews_in_time", "E09000001", "All teams", "2018-02-28", reason, "A. Lead")
    again = RebaseLog(tmp_path / "rebase.sqlite")  # a new instance reads the same file
    assert again.for_measure("reviews_in_time", "E09000001") == [dt.date(2017, 4, 30), dt.date(2017, 11, 30)]
    assert again.for_measure("reviews_in_time", "E09000001", "Team North") == [dt.date(2018, 1, 31)]
    assert again.for_measure("reviews_in_time", "E08000002") == []
    first = again.entries("reviews_in_time", "E09000001")[1]
    assert first == {"measure": "reviews_in_time", "la_code": "E09000001", "team": "All teams", "month": "2017-11",
                     "reason": "New review team from November", "who": "A. Lead",
                     "recorded": "2018-04-03T09:30:00+00:00"}
    # the logged months feed spc() directly; Apr 2017 is the first month shown, so it changes nothing
    y = series(BASE + [19, 21] * 6, start="2017-04-30")
    segments = spc(y, HIGHER, rebase=again.for_measure("reviews_in_time", "E09000001")).points["segment"]
    assert segments.tolist() == [0] * 7 + [1] * 17


# --- chart -----------------------------------------------------------------------------------------------------

def _traces(fig) -> dict[str, dict]:
    return {t["name"]: t for t in json.loads(fig.to_json())["data"]}


def test_spc_figure_draws_points_by_type_limits_target_and_gaps():
    r = fixed([3, np.nan, 10], target=12)  # Jan 2018 below the lower limit: a concern; Feb 2018 no data
    fig = spc_figure(r, "Reviews in time", "children")
    traces = _traces(fig)
    assert {"Value", "Common cause", "Concern", "Average", "Upper process limit (provisional)",
            "Lower process limit (provisional)", "Target (12 children)"} <= set(traces)
    concern = traces["Concern"]
    assert concern["marker"]["color"] == ORANGE
    assert concern["y"] == [3.0] and concern["x"] == ["2018-01-01T00:00:00"]
    assert traces["Common cause"]["marker"]["color"] == GREY
    assert traces["Upper process limit (provisional)"]["y"] == [pytest.approx(15.32)] * 15
    assert traces["Lower process limit (provisional)"]["y"] == [pytest.approx(4.68)] * 15
    assert set(traces["Average"]["y"]) == {10.0}
    assert traces["Target (12 children)"]["y"] == [12, 12]
    value = traces["Value"]
    assert value["y"][13] is None and value["connectgaps"] is False  # the missing month is a gap, not a zero
    assert traces["Upper process limit (provisional)"]["line"]["dash"] == "dash"
    assert any(a["text"] == "provisional limits" for a in fig.to_dict()["layout"]["annotations"])
    images = fig.to_dict()["layout"]["images"]
    assert len(images) == 2 and images[0]["source"].startswith("data:image/svg+xml;base64,")


def test_spc_figure_improvement_colour_rebase_break_and_run_chart_label():
    r = spc(series(BASE + [19, 21] * 6 + [40]), HIGHER, rebase=["2018-01-31"])
    traces = _traces(spc_figure(r, "Visits", "%"))
    assert traces["Improvement"]["marker"]["color"] == BLUE
    # limits break between segments: one None separates 12 + 13 points
    assert traces["Average"]["y"] == [10.0] * 12 + [None] + [pytest.approx(280 / 13)] * 13
    few = spc_figure(spc(series(BASE[:8]), HIGHER), "Visits", "%")
    texts = [a["text"] for a in few.to_dict()["layout"]["annotations"]]
    # 9% to 11%, padded by at least a point: the axis is zoomed to 8% (and says so), not 0 to 100
    assert texts == [RUN_CHART_TEXT, "axis starts at 8.0%"]
    assert few.layout.yaxis.range == (8.0, 12.0)
    assert [t["name"] for t in json.loads(few.to_json())["data"]] == ["Value", "Value (no limits)"]


def test_spc_limits_of_a_percentage_stop_at_100_and_the_axis_fits_them():
    # 90 and 100 alternating: mean 95, moving range 10, limits 95 +/- 26.6 = 68.4 and 121.6: the upper is drawn at
    # 100 (a percentage cannot pass it), the lower where it is; the axis runs from 68.4 less padding to 100 plus it
    r = spc(series([90, 100] * 6), HIGHER)
    traces = _traces(spc_figure(r, "Visits", "%"))
    upper = next([v for v in t["y"] if v is not None] for k, t in traces.items() if k.startswith("Upper process"))
    lower = next([v for v in t["y"] if v is not None] for k, t in traces.items() if k.startswith("Lower process"))
    assert set(upper) == {100.0} and lower[0] == pytest.approx(68.4)
    assert r.points["upl"].iloc[0] == pytest.approx(121.6)  # the rules still use the limit as worked out
    low, high = spc_figure(r, "Visits", "%").layout.yaxis.range
    assert low == pytest.approx(68.4 - 0.12 * 31.6) and high == pytest.approx(100 + 0.12 * 31.6)


def test_icons_are_labelled_svg_in_the_making_data_count_colours():
    concern = variation_icon_svg("concern_low")
    assert concern.startswith("<svg") and "<title>Concern (low)</title>" in concern and ORANGE in concern
    assert ">L<" in concern
    assert BLUE in variation_icon_svg("improvement_high") and ">H<" in variation_icon_svg("improvement_high")
    assert "<title>Meets target</title>" in assurance_icon_svg("pass") and ">P<" in assurance_icon_svg("pass")
    assert ">F<" in assurance_icon_svg("fail") and ORANGE in assurance_icon_svg("fail")
    assert ">?<" in assurance_icon_svg("inconsistent")
    with pytest.raises(ValueError):
        variation_icon_svg("special")
