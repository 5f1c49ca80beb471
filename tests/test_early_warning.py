"""Early warning on the measures (lens/early_warning.py): SPC on 'ok' months only, the sample authority's stories,
the icons per measure and their order, the rebase log beside the warehouse, SPC columns for the CLI."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

import queries
from lens import config
from lens import early_warning as ew
from lens.rebase_log import RebaseLog

HIGHER, LOWER = "higher is better", "lower is better"
BASE = [9, 11] * 6  # mean 10, every moving range 2: limits 4.68 / 15.32 (as in tests/test_spc.py)


def frame(values, status=None, start: str = "2017-01-31", **extra) -> pd.DataFrame:
    """One series as queries.run returns it (month_end, value, status, ...)."""
    months = pd.date_range(start, periods=len(values), freq="ME")
    df = pd.DataFrame({"la_code": "E1", "team": "All teams", "month_end": months, "value": values,
                       "status": status or ["ok"] * len(values), **extra})
    df["status_note"] = df["status"].map({"ok": "", "partial": "partial: looks back 12 months",
                                          "no data": "no data: the visits extract was not supplied"})
    return df


@pytest.fixture(scope="module")
def sample(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    yield con, la
    con.close()


def authority_rows(con, la: str, measure: str, team: str = "All teams", **params) -> pd.DataFrame:
    df = queries.run(measure, con, la_codes=[la], team=None if team == "All teams" else team, **params)
    return df[df["team"] == team].sort_values("month_end")


# --- the sample authority -----------------------------------------------------------------------------------------

def test_the_sample_decline_in_initial_health_assessments_is_a_special_cause_of_concern_from_oct_2017(sample):
    con, la = sample
    rows = authority_rows(con, la, "health_iha_in_time")  # Apr 2013 to Mar 2018, 60 months
    # March 2018 is partial: 1 child of 1 is judged and 12 more entrants are not yet due at the data's end, so it
    # stays out of the limits and the signal (a gap, never a point); the other 59 months are 'ok'.
    assert len(rows) == 60 and rows["status"].iloc[:-1].eq("ok").all()
    assert (rows["status"].iat[-1], rows["status_note"].iat[-1]) == (
        "partial", "partial: 12 not yet due at the end of the data")
    assert (rows["denominator"].iat[-1], rows["not_yet_due"].iat[-1]) == (1, 12)
    r = ew.measure_spc(rows, HIGHER, target=100)
    p = r.points.set_index(r.points["month"].dt.strftime("%Y-%m"))
    # By hand: 59 values sum 4643.9, mean 78.710. 58 moving ranges average 12.0276; none reaches 3.267 x 12.0276 =
    # 39.29 (the largest is 36.3), so none is screened. Limits 78.710 -/+ 2.66 x 12.0276 = 46.717 / 110.704; near
    # lower limit 78.710 - 1.7733 x 12.0276 = 57.381.
    assert p["mean"].iat[0] == pytest.approx(78.7102, abs=1e-3)
    assert (p["lpl"].iat[0], p["upl"].iat[0]) == (pytest.approx(46.7168, abs=1e-3), pytest.approx(110.7035, abs=1e-3))
    # The story's last months: Oct 2017 45.5 < 46.72 (outside); Nov 75.0 (inside, above 57.38); Dec 50.0 and
    # Jan 30.0 below 57.38 with Nov also below the mean (2 of 3, Jan is outside the limit too, which comes first);
    # Feb 44.4 < 46.72 (outside).
    concern = r.points.loc[r.points["point_type"] == "concern", "month"].dt.strftime("%Y-%m").tolist()
    assert concern == ["2017-10", "2017-12", "2018-01", "2018-02"]
    assert p.loc[["2017-10", "2017-12", "2018-01", "2018-02"], "rule"].tolist() == [
        "outside_limits", "two_of_three", "outside_limits", "outside_limits"]
    # the other flags are improvements (a shift of 7 above the mean, Jan-Jul 2014), never a concern
    assert set(p.loc[p["special_cause"] & (p.index < "2017-10"), "point_type"]) == {"improvement"}
    # so at the data's end the icon is a concern: the run began in Dec 2017 (Nov was common cause)
    assert (r.variation, r.signal_since, r.signal_points) == ("concern_low", pd.Timestamp("2017-12-31"), 3)
    assert ew.signal_headline("Initial health assessments", r) == \
        "Initial health assessments: concern since Dec 2017, 3 months"


def test_a_stable_measure_is_common_cause(sample):
    con, la = sample
    rows = authority_rows(con, la, "visits_in_time", "CLA Team 2")  # Apr 2013 to Mar 2018
    # the first two months are partial (the measure looks back 3 months): left out, so 58 points
    assert rows["status"].tolist()[:3] == ["partial", "partial", "ok"] and rows["status"].iloc[2:].eq("ok").all()
    r = ew.measure_spc(rows, HIGHER, target=95)
    assert r.n_points == 58 and np.isnan(r.points["value"].iat[0]) and np.isnan(r.points["value"].iat[1])
    # By hand from spc's numbers: mean 94.50, limits 84.58 / 104.42, near limits 87.89 / 101.11. Every value lies
    # between 84.9 and 100 (inside the limits); the longest run on one side of the mean is 6 and the longest
    # rising or falling run 4 points (both under 7); no two of three consecutive values are beyond 87.89.
    first = r.points.iloc[2]
    assert (round(first["mean"], 2), round(first["lpl"], 2), round(first["upl"], 2)) == (94.5, 84.58, 104.42)
    assert not r.points["special_cause"].any()
    assert (r.variation, r.assurance) == ("common_cause", "inconsistent")  # the target 95 lies between the limits
    assert ew.signal_words(r) == "common cause (no significant change)"


# --- 'ok' months only ----------------------------------------------------------------------------------------------

def test_partial_and_no_data_months_are_gaps_never_zero_and_the_note_says_so():
    values = BASE + [1, 10, np.nan, 1]
    status = ["partial"] * 2 + ["ok"] * 10 + ["ok", "partial", "no data", "ok"]
    rows = frame(values, status)
    r = ew.measure_spc(rows, HIGHER)
    v = r.points["value"]
    assert v.isna().tolist() == [True, True] + [False] * 11 + [True, True, False]
    # limits from the 10 'ok' months of BASE and the two 1s (never the partial 9, 11 or 10, never a 0): mean 102/12
    # = 8.5; moving ranges nine 2s and 11 -> 1 = 10 (screened: 10 >= 3.267 x 2.8), none across a gap: mean 2;
    # lower limit 8.5 - 5.32 = 3.18, so both 1s are outside it
    assert r.points["mean"].iat[0] == pytest.approx(8.5) and r.points["lpl"].iat[0] == pytest.approx(3.18)
    assert r.points["rule"].iat[12] == "outside_limits" and r.points["rule"].iat[15] == "outside_limits"
    # the gap breaks the run: the signal since is the last 1 only
    assert (r.signal_since, r.signal_points) == (pd.Timestamp("2018-04-30"), 1)
    assert ew.left_out_note(rows) == (
        "Left out of the average, the limits and the runs, as gaps (never as zero): Jan 2017 to Feb 2017, "
        "Feb 2018 (partial: the measure looks back further than the data go); Mar 2018 (no data).")
    assert ew.left_out_note(frame(BASE)) == ""


def test_board_mode_leaves_out_months_resting_on_a_count_under_5():
    # BASE then 2: mean 122/13; moving ranges 2 (x11) and 9, which is screened: lower limit 9.385 - 5.32 = 4.06
    rows = frame(BASE + [2], numerator=[40] * 12 + [4], denominator=[400] * 12 + [130])
    assert ew.measure_spc(rows, HIGHER).variation == "concern_low"
    board = ew.measure_spc(rows, HIGHER, board=True)
    assert np.isnan(board.points["value"].iat[-1]) and board.variation == "common_cause"
    assert "Jan 2018 (hidden in board mode: fewer than 5 children" in ew.left_out_note(rows, board=True)
    assert ew.left_out_note(rows) == ""


# --- the icons per measure -----------------------------------------------------------------------------------------

def test_icon_table_puts_concerns_first_with_the_month_the_signal_began():
    stacked = pd.concat([
        frame(BASE + [10] * 2, start="2016-12-31").assign(measure="calm", title="Visits in time", unit="%"),
        frame(BASE + [3, 3, 3, 3], start="2016-11-30").assign(measure="reviews", title="Reviews in time", unit="%"),
        frame(BASE + [17, 3], start="2017-01-31").assign(measure="new", title="Agency rate", unit="%"),
        frame(BASE[:5], start="2017-09-30").assign(measure="short", title="Dental checks", unit="%"),
    ])
    polarity = {"calm": HIGHER, "reviews": HIGHER, "new": LOWER, "short": HIGHER}
    found = ew.signals(stacked, polarity, targets={"calm": 95, "reviews": None})
    assert [s.measure for s in found] == ["calm", "reviews", "new", "short"]  # the frame's order
    table = ew.icon_table(found)
    # concerns first (reviews: four 3s below the lower limit, Nov 2017 to Feb 2018), then the rest in the frame's
    # order; in `new` (lower is better) Jan 2018's 17 is a concern but Feb's 3 an improvement, which the icon shows
    assert table["measure"].tolist() == ["reviews", "calm", "new", "short"]
    assert table["signal"].tolist()[0] == "Reviews in time: concern since Nov 2017, 4 months"
    assert table.loc[table["measure"] == "new", "signal"].item() == "Agency rate: improvement since Feb 2018, 1 month"
    assert table.loc[table["measure"] == "calm", "variation"].item() == "common_cause"
    assert table.loc[table["measure"] == "calm", "assurance"].item() == "fail"  # 95 above the upper limit 15.32
    assert table.loc[table["measure"] == "short", "signal"].item() == \
        "Dental checks: run chart only (too few months for limits)"
    assert table["concern"].tolist() == [True, False, False, False]
    tiles = pd.DataFrame({"measure": ["calm", "new", "reviews"], "rank": [0, 1, 2]})
    assert ew.concern_first(tiles, ["reviews"], ["rank"])["measure"].tolist() == ["reviews", "calm", "new"]


def test_polarity_from_the_higher_is_better_flag():
    assert [ew.polarity_of(v) for v in (True, False, None, np.nan)] == [HIGHER, LOWER, "neutral", "neutral"]


# --- rebases, kept beside the warehouse ----------------------------------------------------------------------------

def test_the_companion_file_sits_beside_the_warehouse_unless_set(tmp_path, monkeypatch):
    monkeypatch.delenv("PRACTICE_LENS_COMPANION_DB", raising=False)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(tmp_path / "data" / "warehouse.duckdb"))
    assert config.companion_db() == tmp_path / "data" / "warehouse.companion.sqlite"
    assert config.companion_db(tmp_path / "other.duckdb") == tmp_path / "other.companion.sqlite"
    monkeypatch.setenv("PRACTICE_LENS_COMPANION_DB", str(tmp_path / "mine.sqlite"))
    assert config.companion_db() == tmp_path / "mine.sqlite"
    assert config.SETTINGS["companion_db"].help


def test_recorded_rebases_restart_the_limits_and_reading_creates_no_file(tmp_path):
    path = tmp_path / "companion.sqlite"
    assert ew.rebase_months(path, "E1", None, ["m"]) == {} and not path.exists()
    RebaseLog(path).add("m", "E1", "All teams", "2018-01-31", "New team from January", "A. Lead")
    RebaseLog(path).add("m", "E1", "Team A", "2017-06-30", "Team A merged", "A. Lead")
    assert ew.rebase_months(path, "E1", None, ["m", "other"]) == {"m": [dt.date(2018, 1, 31)]}
    rows = frame(BASE + [19, 21] * 6)
    rebased = ew.measure_spc(rows, HIGHER, rebase=ew.rebase_months(path, "E1", None, ["m"])["m"])
    assert rebased.points["segment"].tolist() == [0] * 12 + [1] * 12
    assert rebased.points["mean"].iat[-1] == 20.0
    out = ew.with_spc(rows.assign(measure="m"), HIGHER, rebases=lambda la, team: ew.rebase_months(
        path, la, team, ["m"]).get("m", []))
    assert out["mean"].tolist() == [10.0] * 12 + [20.0] * 12


# --- SPC columns for the command line ------------------------------------------------------------------------------

def test_with_spc_adds_limits_rule_point_type_and_icons_per_team():
    a = frame(BASE + [2])  # the 2 is below the lower limit 4.06 (see the board mode test)
    b = frame(BASE[:6]).assign(team="Team B")
    out = ew.with_spc(pd.concat([a, b], ignore_index=True), HIGHER, target=12)
    assert list(out.columns[-9:]) == list(ew.SPC_COLUMNS)
    mine = out[out["team"] == "All teams"]
    assert mine["mean"].round(4).tolist() == [round(122 / 13, 4)] * 13
    assert mine["rule"].iat[-1] == "outside_limits" and mine["point_type"].iat[-1] == "concern"
    assert mine["rule"].iloc[:-1].isna().all() and set(mine["point_type"].iloc[:-1]) == {"common cause"}
    assert set(mine["variation"]) == {"concern_low"} and set(mine["assurance"]) == {"inconsistent"}
    assert set(mine["signal_since"]) == {pd.Timestamp("2018-01-31")}
    other = out[out["team"] == "Team B"]  # 6 months: no limits, no icons
    assert other["mean"].isna().all() and other["variation"].isna().all() and other["point_type"].isna().all()
