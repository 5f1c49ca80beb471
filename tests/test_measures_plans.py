"""Plans, supervision, legal, strategy meeting and return home measures on a tiny hand-written warehouse, each expected
value worked out by hand below, with the boundaries the definitions turn on.

Authority Z99000001 (coverage April 2022 to April 2024). Every child is born 1/1/2015 and looked after from 1/4/2023
(RNE S) unless said. Workers W1 and W2 are in team North, W3 in South.
  P1  W1 1/4/2023-31/12/2023, then W2 from 1/1/2024: a change of social worker on 1/1/2024 (team North).
  P2  W3 from 1/4/2023 (South).            P4  W3 from 1/4/2023 (South).
  P3  an earlier period 1/6/2022-1/12/2022 (E13); looked after again from 1/4/2023 (C2), L2 (emergency protection
      order) from 25/8/2023, C1 from 2/9/2023; W1 (North) in both periods.
  P5, P6, P7, P8  W1 from 1/4/2023 until they leave: P5 on 20/1/2024 (E4A), P6 10/2/2024 (E4B), P7 5/3/2024 (E13),
      P8 10/3/2024 (E3, another authority: not a return home).
Looked after at 31/3/2024: P1 (North, W2), P2 (South), P3 (North), P4 (South).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

import queries
from lens.drift import summary
from tests.warehouse_fixture import make_warehouse

LA = "Z99000001"
D = dt.date.fromisoformat
TS = pd.Timestamp


def ep(child, decom, dec=None, rec=None, ls="C2", rne="S", year=2024):
    return {"la_code": LA, "child": child, "decom": D(decom), "dec": D(dec) if dec else None, "rec": rec, "rne": rne,
            "ls": ls, "place": "U4", "return_year": year}


def alloc(child, sw_id, start, end=None):
    return {"la_code": LA, "child": child, "sw_id": sw_id, "sw_decom": D(start), "sw_dec": D(end) if end else None}


def action(child, action_id, raised, due, done=None):
    return {"la_code": LA, "child": child, "action_id": action_id, "plan_type": "CARE", "raised_date": D(raised),
            "due_date": D(due), "completed_date": D(done) if done else None, "owner_sw_id": "W1"}


def legal(child, decision=None, letter=None, meeting=None, issued=None, final=None, outcome=None):
    return {"la_code": LA, "child": child, **{k: D(v) if v else None for k, v in (
        ("plo_decision_date", decision), ("plo_letter_date", letter), ("plo_meeting_date", meeting),
        ("proceedings_issued_date", issued), ("final_order_date", final))}, "outcome": outcome}


def sup(child, day, actions, timescales):
    return {"la_code": LA, "child": child, "supervision_date": D(day), "actions_recorded": actions,
            "timescales_recorded": timescales}


def missing(child, start, end, kind="M"):
    return {"la_code": LA, "child": child, "missing_type": kind, "mis_start": D(start),
            "mis_end": TS(end) if end else None}


def meeting(child, day, named=None, reason="MISSING"):
    return {"la_code": LA, "child": child, "meeting_date": D(day), "reason": reason,
            "mis_start": D(named) if named else None}


CHILDREN = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8")
TABLES = {
    "dim_child": [{"la_code": LA, "child": c, "dob": D("2015-01-01")} for c in CHILDREN],
    "fact_episode": [
        ep("P1", "2023-04-01"), ep("P2", "2023-04-01"), ep("P4", "2023-04-01"),
        ep("P3", "2022-06-01", "2022-12-01", "E13", ls="V2", year=2023),
        ep("P3", "2023-04-01", "2023-08-25", "X1"), ep("P3", "2023-08-25", "2023-09-02", "X1", ls="L2", rne="L"),
        ep("P3", "2023-09-02", ls="C1", rne="L"),
        ep("P5", "2023-04-01", "2024-01-20", "E4A"), ep("P6", "2023-04-01", "2024-02-10", "E4B", ls="V2"),
        ep("P7", "2023-04-01", "2024-03-05", "E13", ls="V2"), ep("P8", "2023-04-01", "2024-03-10", "E3", ls="V2"),
    ],
    "fact_allocation": [
        alloc("P1", "W1", "2023-04-01", "2023-12-31"), alloc("P1", "W2", "2024-01-01"),
        alloc("P2", "W3", "2023-04-01"), alloc("P4", "W3", "2023-04-01"),
        alloc("P3", "W1", "2022-06-01", "2022-12-01"), alloc("P3", "W1", "2023-04-01"),
        alloc("P5", "W1", "2023-04-01", "2024-01-20"), alloc("P6", "W1", "2023-04-01", "2024-02-10"),
        alloc("P7", "W1", "2023-04-01", "2024-03-05"), alloc("P8", "W1", "2023-04-01", "2024-03-10"),
    ],
    "fact_worker_spell": [{"la_code": LA, "sw_id": w, "team": t, "start_date": D("2015-01-01"), "fte": 1.0}
                          for w, t in (("W1", "North"), ("W2", "North"), ("W3", "South"))],
    "fact_visit": [{"la_code": LA, "child": "P1", "visit_date": D(d)} for d in ("2023-04-05", "2023-05-10",
                                                                                   "2023-07-01")],
    "fact_review": [{"la_code": LA, "child": "P1", "review_date": D("2023-04-20"), "return_year": 2024}],
    # P1: A00 due the day before P1's change window opens (2/10/2023, done late), A0 due the day before the change
    # (31/12/2023, done that day); A1 due 30/3/2024 and A2 due 31/3/2024, neither done; A3 done on its due date
    # 15/3/2024, A4 the day after. P2: B0 raised on the day P2's pre-proceedings ended; B1 due 10/2/2024, done
    # 2/4/2024. P3: C1 from the earlier period (never done), C2 raised on the day the current period began.
    "fact_plan_action": [
        action("P1", "A00", "2023-09-01", "2023-10-02", "2023-10-20"),
        action("P1", "A0", "2023-10-01", "2023-12-31", "2023-12-31"),
        action("P1", "A1", "2024-02-01", "2024-03-30"), action("P1", "A2", "2024-02-01", "2024-03-31"),
        action("P1", "A3", "2024-02-01", "2024-03-15", "2024-03-15"),
        action("P1", "A4", "2024-02-01", "2024-03-15", "2024-03-16"),
        action("P2", "B0", "2023-07-20", "2023-08-20", "2023-08-10"),
        action("P2", "B1", "2024-01-10", "2024-02-10", "2024-04-02"),
        action("P3", "C1", "2022-07-01", "2022-08-01"), action("P3", "C2", "2023-04-01", "2024-03-01"),
    ],
    "fact_supervision": [
        sup("P1", "2024-02-18", True, True), sup("P2", "2024-02-01", None, None), sup("P2", "2024-02-17", True, False),
        sup("P3", "2022-07-15", True, True), sup("P4", "2024-03-20", True, True),
    ],
    "fact_legal": [
        legal("P1", "2023-04-10", "2023-04-12", "2023-04-24", "2023-05-01", "2023-10-30", "ISSUED"),
        legal("P1", "2023-11-01", "2023-11-03", "2023-11-20", outcome="NOT_PURSUED"),
        legal("P2", issued="2023-06-01", final="2023-12-01", outcome="ISSUED"),
        legal("P2", "2023-07-01", meeting="2023-07-20", outcome="NOT_PURSUED"),
        legal("P3", issued="2023-09-01", outcome="ISSUED"),
        legal("P4", "2023-09-01", "2023-09-11", issued="2023-10-01", outcome="ISSUED"),
    ],
    "fact_missing": [
        missing("P1", "2024-01-05", "2024-01-15 10:00"), missing("P2", "2024-02-01", None),
        missing("P3", "2024-03-01", "2024-03-07 23:00"), missing("P4", "2023-11-01", "2023-11-01 20:00", "A"),
        missing("P4", "2023-12-01", "2023-12-08 00:00", "A"),
    ],
    "fact_strategy_meeting": [
        meeting("P1", "2024-01-12", "2024-01-05"), meeting("P2", "2024-02-09", "2024-02-01"),
        meeting("P4", "2023-12-05", "2023-11-01"), meeting("P1", "2023-06-10", reason="CSE"),
    ],
    "fact_return_home_plan": [
        {"la_code": LA, "child": "P5", "ceased_date": D("2024-01-20"), "plan_agreed_date": D("2024-01-20"),
         "agencies": 3},
        {"la_code": LA, "child": "P6", "ceased_date": D("2024-02-10"), "plan_agreed_date": D("2024-02-11"),
         "agencies": 2},
    ],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = make_warehouse(tmp_path_factory.mktemp("plans") / "w.duckdb", TABLES, cover_to="2024-04")
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def row(con, name: str, month: str, team: str = "All teams", **params) -> pd.Series:
    df = queries.run(name, con, la_codes=[LA], from_month=month, to_month=month, **params)
    got = df[df["team"] == team]
    assert len(got) == 1, (name, month, team, df)
    return got.iloc[0]


def listed(con, name: str, as_of: str, **params) -> pd.DataFrame:
    return queries.run(name, con, la_codes=[LA], as_of=as_of, **params)


# ---------- plan actions ----------

def test_actions_overdue_at_a_month_end(con):
    # 31/3/2024: A1 (due 30/3, 1 day), B1 (due 10/2, 50 days: 19 to 29/2 + 31), C2 (due 1/3, 30 days). A2 is due on
    # the month end itself: not yet overdue. C1 (never done) was raised in P3's earlier period: not counted. A3, A4
    # were done. So 3 actions of 3 children, 81 days, mean 27.0, max 50; North A1 + C2 (31 days, mean 15.5), South B1.
    r = row(con, "plans_actions_overdue", "2024-03")
    assert (r["numerator"], r["children"], r["days_overdue_total"], r["mean_days_overdue"], r["max_days_overdue"]) \
        == (3, 3, 81, 27.0, 50)
    north = row(con, "plans_actions_overdue", "2024-03", "North")
    assert (north["numerator"], north["days_overdue_total"], north["mean_days_overdue"]) == (2, 31, 15.5)
    assert row(con, "plans_actions_overdue", "2024-03", "South")["numerator"] == 1
    # 29/2/2024: only B1 (19 days).
    r = row(con, "plans_actions_overdue", "2024-02")
    assert (r["numerator"], r["max_days_overdue"]) == (1, 19)
    got = listed(con, "plans_actions_overdue_list", "2024-03-31")
    assert list(zip(got["child"], got["action_id"], got["days_overdue"], got["team"], strict=True)) == [
        ("P2", "B1", 50, "South"), ("P3", "C2", 30, "North"), ("P1", "A1", 1, "North")]
    # the owner recorded is W1: still P3's worker, no longer P1's (W2 since 1/1/2024) nor P2's (W3)
    assert got["owner_is_social_worker"].tolist() == [False, True, False]
    # on 30/3 A1 is due that day (not overdue) and B1 49 days, C2 29
    assert listed(con, "plans_actions_overdue_list", "2024-03-30")["action_id"].tolist() == ["B1", "C2"]


def test_actions_done_by_their_due_date(con):
    # Due in March 2024: A1, A2 (not done), A3 (done on its due date: in time), A4 (done the day after: late), C2
    # (not done): 1 of 5 = 20.0%, 1 late, 3 not done; all North (P1 and P3).
    r = row(con, "plans_actions_on_time", "2024-03")
    assert (r["numerator"], r["denominator"], r["value"], r["done_late"], r["not_done"]) == (1, 5, 20.0, 1, 3)
    assert row(con, "plans_actions_on_time", "2024-03", "North")["denominator"] == 5
    # February: B1 done 2/4/2024, after its due date 10/2: 0 of 1; December: A0 done on 31/12, its due date: 1 of 1.
    assert row(con, "plans_actions_on_time", "2024-02")["value"] == 0.0
    assert row(con, "plans_actions_on_time", "2023-12")["value"] == 100.0


def test_actions_overdue_after_a_change_of_social_worker(con):
    # P1's change on 1/1/2024. After: due 1/1/2024 to 30/3/2024 (the change day and 89 days after): A1 (not done),
    # A3 (in time), A4 (late): 2 of 3 = 66.7%. A2 (due 31/3, day 91) is outside. Before: due 3/10/2023 to 31/12/2023:
    # A0 (done on its due date): 0 of 1; A00 (due 2/10/2023, day 91 before) is outside. One change, team North.
    r = row(con, "plans_overdue_after_change", "2024-01")
    assert (r["numerator"], r["denominator"], r["value"], r["changes"], r["actions_before"], r["overdue_before"],
            r["value_before"]) == (2, 3, 66.7, 1, 1, 0, 0.0)
    assert row(con, "plans_overdue_after_change", "2024-01", "North")["changes"] == 1
    # P3's second period's first allocation (W1 again) is no change.
    assert row(con, "plans_overdue_after_change", "2023-04")["changes"] == 0


@pytest.mark.parametrize(("change", "complete"), [("2024-01-02", True), ("2024-01-03", False)])
def test_actions_after_a_change_wait_for_their_90_days(tmp_path, change, complete):
    # The plan actions extract ends with March 2024 (cover_to). P1's change moved to 2/1/2024: its 90 days (2/1 to
    # 31/3/2024, day 89 the extract's last day) are complete. After: A1 (due 30/3, not done), A2 (due 31/3, day 89,
    # not done), A3 (in time), A4 (late): 3 of 4 = 75.0%. Before (4/10/2023 to 1/1/2024): A0, done on its due date,
    # 0 of 1. A change on 3/1/2024 runs to 1/4/2024, past the extract: not counted yet, the month partial.
    tables = {**TABLES, "fact_allocation": [
        a for a in TABLES["fact_allocation"] if a["child"] != "P1"] + [
        alloc("P1", "W1", "2023-04-01", (D(change) - dt.timedelta(days=1)).isoformat()), alloc("P1", "W2", change)]}
    db = make_warehouse(tmp_path / "w.duckdb", tables, cover_to="2024-03")
    with duckdb.connect(str(db), read_only=True) as c:
        r = row(c, "plans_overdue_after_change", "2024-01")
    got = (r["changes"], r["changes_pending"], r["numerator"], r["denominator"], r["value"], r["actions_before"],
           r["status"])
    if complete:
        assert got == (1, 0, 3, 4, 75.0, 1, "ok")
    else:
        assert got[:4] == (0, 1, 0, 0) and pd.isna(got[4]) and got[5:] == (0, "partial")
        assert r["status_note"] == "partial: 1 not yet due at the end of the data"


# ---------- supervision ----------

def test_supervision_every_n_weeks_at_the_boundary(con, monkeypatch):
    # 31/3/2024, N = 6 (42 days): P1 last 18/2/2024, 42 days before (18/2 to 18/3 is 29 days in a leap year, + 13 =
    # 42): in time, exactly N weeks. P2 last 17/2: 43 days: late. P3 none in this period (its
    # supervision of 15/7/2022 was in the earlier one): due 13/5/2023, late. P4 20/3: in time. 2 of 4 = 50.0%.
    monkeypatch.delenv("PRACTICE_LENS_SUPERVISION_WEEKS", raising=False)
    r = row(con, "supervision_in_time", "2024-03")
    assert (r["numerator"], r["denominator"], r["value"], r["never_supervised"]) == (2, 4, 50.0, 1)
    got = listed(con, "supervision_overdue_list", "2024-03-31")
    # P3: due 13/5/2023, 323 days before 31/3/2024 (366 - 43); P2: due 30/3/2024 (17/2 + 42), 1 day
    assert list(zip(got["child"], got["days_overdue"], strict=True)) == [("P3", 323), ("P2", 1)]
    assert got["last_supervision"].isna().tolist() == [True, False]
    # The setting moves the interval: 7 weeks (49 days) puts P2 (43 days) in time: 3 of 4 = 75.0%.
    monkeypatch.setenv("PRACTICE_LENS_SUPERVISION_WEEKS", "7")
    assert row(con, "supervision_in_time", "2024-03")["value"] == 75.0
    assert listed(con, "supervision_overdue_list", "2024-03-31")["child"].tolist() == ["P3"]
    monkeypatch.setenv("PRACTICE_LENS_SUPERVISION_WEEKS", "0")
    with pytest.raises(ValueError, match="1 to 52"):
        row(con, "supervision_in_time", "2024-03")


def test_supervision_records_with_actions_and_timescales(con):
    # February 2024: P1 18/2 (actions, timescales), P2 1/2 (both blank: not recorded), P2 17/2 (actions, no
    # timescales): 1 of 3 = 33.3%, 2 with actions. March: P4's one, with both: 100%.
    r = row(con, "supervision_quality", "2024-02")
    assert (r["numerator"], r["denominator"], r["value"], r["with_actions"]) == (1, 3, 33.3, 2)
    assert row(con, "supervision_quality", "2024-03")["value"] == 100.0


# ---------- legal ----------

def test_care_proceedings_within_26_weeks(con):
    # Ended in the 12 months to 31/3/2024: P1 1/5/2023 to 30/10/2023 = 182 days (exactly 26 weeks: within); P2
    # 1/6/2023 to 1/12/2023 = 183 days (over). 1 of 2 = 50.0%. Open on 31/3/2024: P3 (issued 1/9/2023, 212 days:
    # over 26 weeks), P4 (issued 1/10/2023, 182 days: not over). Issued in the 12 months: P1, P2, P3, P4; with no
    # PLO: P2 and P3, but P3 had an emergency protection order 7 days before issue: 1 without pre-proceedings.
    r = row(con, "legal_proceedings_26_weeks", "2024-03")
    assert (r["numerator"], r["denominator"], r["value"], r["open_proceedings"], r["open_over_26_weeks"],
            r["issued_in_year"], r["issued_without_plo"]) == (1, 2, 50.0, 2, 1, 4, 1)
    # 30/11/2023: only P1 ended (within): 100.0%
    assert row(con, "legal_proceedings_26_weeks", "2023-11")["value"] == 100.0
    got = listed(con, "legal_proceedings_list", "2024-03-31")
    # P3: open 212 days = 30.3 weeks; P2: no pre-proceedings, ran 183 days = 26.1 weeks
    assert list(zip(got["child"], got["weeks_open"], got["over_26_weeks"], got["without_pre_proceedings"],
                    strict=True)) == [("P3", 30.3, True, False), ("P2", 26.1, False, True)]
    # a day later P4 is open 183 days: over 26 weeks
    assert set(listed(con, "legal_proceedings_list", "2024-04-01")["child"]) == {"P2", "P3", "P4"}


def test_days_from_plo_decision_to_letter_and_meeting(con):
    # Letters in the 12 months to 31/3/2024: P1 2 days (10/4 to 12/4/2023), P1 again 2 (1/11 to 3/11/2023), P4 10
    # (1/9 to 11/9/2023): median 2.0, max 10. Meetings: P1 14 (10/4 to 24/4), P1 19 (1/11 to 20/11), P2 19 (1/7 to
    # 20/7): median 19.0. North (P1): letters 2, 2 (median 2.0), meetings 14, 19 (median 16.5).
    r = row(con, "legal_plo_days", "2024-03")
    assert (r["numerator"], r["value"], r["letters"], r["max_days_to_letter"], r["median_days_to_meeting"],
            r["meetings"]) == (2.0, 2.0, 3, 10, 19.0, 3)
    assert row(con, "legal_plo_days", "2024-03", "North")["median_days_to_meeting"] == 16.5
    # a month with no letter in its 12 months has no figure, never 0 days (April 2022 to March 2023: none)
    empty = row(con, "legal_plo_days", "2023-03")
    assert pd.isna(empty["value"]) and empty["letters"] == 0


def test_proceedings_not_pursued_with_no_plan(con):
    # P1's pre-proceedings ended 20/11/2023 (its meeting) with no court; no plan action from then until A1-A4 were
    # raised on 1/2/2024. P2's ended 20/7/2023 and B0 was raised that very day: a plan. 31/1/2024: 1 of 2 = 50.0%;
    # 29/2/2024: 0 of 2. 31/7/2023: P2 only, with B0 raised on the day pre-proceedings ended: 0 of 1.
    r = row(con, "legal_no_plan", "2024-01")
    assert (r["numerator"], r["denominator"], r["value"]) == (1, 2, 50.0)
    assert row(con, "legal_no_plan", "2024-02")["value"] == 0.0
    assert row(con, "legal_no_plan", "2023-07")["value"] == 0.0
    got = listed(con, "legal_no_plan_list", "2024-01-31")
    assert list(zip(got["child"], got["days_without_plan"], strict=True)) == [("P1", 72)]  # 20/11 to 31/1


# ---------- strategy meetings ----------

def test_strategy_meeting_by_the_day_an_episode_reached_7_days(con):
    # Reached 7 days in the 12 months to 31/3/2024: P1 (5/1 to 15/1/2024, reached 12/1; meeting on 12/1: counts),
    # P2 (from 1/2/2024, still missing; reached 8/2; meeting on 9/2, the day after: does not count, it is later),
    # P4 (1/12 to 8/12/2023 00:00: exactly 7 days; the meeting on 5/12 names P4's episode of 1/11: not this one).
    # P3 (1/3 to 7/3/2024 23:00) is short of 7 days. 1 of 3 = 33.3%, 1 meeting later.
    r = row(con, "missing_strategy_meeting", "2024-03")
    assert (r["numerator"], r["denominator"], r["value"], r["meeting_later"]) == (1, 3, 33.3, 1)
    r = row(con, "missing_strategy_meeting", "2024-01")  # P1 and P4
    assert (r["numerator"], r["denominator"], r["meeting_later"]) == (1, 2, 0)
    assert row(con, "missing_strategy_meeting", "2024-03", "North")["value"] == 100.0  # P1, team at 31/1 (W2)
    got = listed(con, "missing_strategy_list", "2024-03-31")
    assert list(zip(got["child"], got["days_missing"], got["first_meeting_after"], strict=True)) == [
        ("P2", 59, TS("2024-02-09")), ("P4", 7, pd.NaT)]


# ---------- returns home ----------

def test_children_returning_home_with_an_agreed_plan(con):
    # Went home in the 12 months to 31/3/2024: P5 (E4A 20/1/2024, plan agreed 20/1: on the day, counts; 3 agencies),
    # P6 (E4B 10/2, plan agreed 11/2: the day after, late), P7 (E13 5/3, no plan). P8 went to another authority (E3).
    # 1 of 3 = 33.3%, 1 planned return (E4A), 1 multi-agency, 1 late. All North (W1 until they left).
    r = row(con, "return_home_plan", "2024-03")
    assert (r["numerator"], r["denominator"], r["value"], r["planned_returns"], r["multi_agency"], r["plan_late"]) \
        == (1, 3, 33.3, 1, 1, 1)
    assert row(con, "return_home_plan", "2024-01")["value"] == 100.0  # P5 only
    got = listed(con, "return_home_plan_list", "2024-03-31")
    assert list(zip(got["child"], got["days_since_return"], got["social_worker"], strict=True)) == [
        ("P7", 26, "W1"), ("P6", 50, "W1")]
    assert got["plan_agreed_date"].tolist()[1] == TS("2024-02-11")


# ---------- one child's history ----------

def test_drift_history_of_one_child(con):
    got = queries.run("drift_history", con, la_codes=[LA], as_of="2024-03-31", child="P1")
    by = got.groupby(["lane", "status"]).size().to_dict()
    # W1 allocated, W2 from the change; visits 5/4 (4 days after the placement began), 10/5 (35 days), 1/7 (52 days:
    # after more than 6 weeks); A00 and A4 late, A0 and A3 in time, A1 overdue, A2 due on the day: not yet due.
    assert by == {("Social worker", "allocated"): 1, ("Social worker", "change"): 1,
                  ("Visits", "within 6 weeks"): 2, ("Visits", "after more than 6 weeks"): 1, ("Reviews", "held"): 1,
                  ("Plan actions", "done late"): 2, ("Plan actions", "done in time"): 2,
                  ("Plan actions", "overdue"): 1, ("Plan actions", "not yet due"): 1,
                  ("Supervision", "actions and timescales"): 1, ("Missing", "returned"): 1}
    assert set(got["team"]) == {"North"} and set(got["social_worker"]) == {"W2"}
    # days since the last visit: 1/7/2023 to 31/3/2024 = 274; since supervision 18/2: 42
    assert summary(got, D("2024-03-31")) == {"changes": 1, "overdue_actions": 1, "late_actions": 2, "late_visits": 1,
                                             "days_since_visit": 274, "days_since_supervision": 42}
    # a child not looked after on the day, or not in the team asked for, has no history
    assert queries.run("drift_history", con, la_codes=[LA], as_of="2024-03-31", child="P5").empty
    assert queries.run("drift_history", con, la_codes=[LA], as_of="2024-03-31", child="P1", team="South").empty


def test_the_supervision_setting_is_declared_with_help_and_an_override(monkeypatch):
    from lens import config

    setting = config.SETTINGS["supervision_weeks"]
    assert setting.env == "PRACTICE_LENS_SUPERVISION_WEEKS" and setting.default == "6" and "reg 28" in setting.help
    monkeypatch.setenv("PRACTICE_LENS_SUPERVISION_WEEKS", "4")
    assert config.supervision_weeks() == 4
