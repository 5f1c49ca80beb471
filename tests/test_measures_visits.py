"""Statutory visit measures on a tiny hand-written authority, each expected value worked out by hand below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from benchmarks.pandas_measures import visits as pd_visits
from tests.warehouse_fixture import make_warehouse

LA = "Z99000001"
LA2 = "Z99000002"
D = dt.date.fromisoformat

# Every child below is looked after at 30 June 2023 unless said otherwise. Workers: W1 in team North, W2 in South.
# Placement is U4 (foster) under C2 (full care order) unless said otherwise.
#
# child  team   placement start  visits (latest first)   rule at 30/6/2023  due date    30/6 status
# C1     North  2023-01-01       2023-05-19               6 weeks            2023-06-30  in time (42 days)
# C2     North  2023-01-01       2023-05-18               6 weeks            2023-06-29  overdue (43 days)
# C3     South  2023-06-23       none                     7 days             2023-06-30  in time (day 7)
# C4     South  2023-06-22       none                     7 days             2023-06-29  overdue (day 8)
# C5     North  2021-01-01       2023-03-31               3 months           2023-06-30  in time (last day)
# C6     South  2021-01-01       2023-03-29               3 months           2023-06-29  overdue (day after)
# C7     North  2021-01-01 (C1)  2023-04-30               3 months (U4)      2023-07-30  in time
# C8     South  2023-06-25 (K2)  2023-06-20 (old place.)  7 days             2023-07-02  in time
# C9     North  2022-05-15 (U4)  2023-05-15 (1st anniv.)  3 months           2023-08-15  in time
# C10    South  2022-05-15 (U4)  2023-05-14 (day before)  6 weeks            2023-06-25  overdue 5 days
# C11    North  2023-01-01, left care 2023-06-30 (not looked after on 30 June: not counted)
#
# C5 from 31/3 + 3 months = 30/6 (last day, in time); C6 from 29/3 + 3 months = 29/6, so 30/6 is the day after.
# C1: 19/5 -> 31/5 is 12 days, + 30 days of June = 42 days. C2: 18/5 -> 30/6 = 43 days.
# C7 is on an interim care order (C1), but a U4 placement (long-term fostering) after its first year is visited
# 3-monthly whatever the legal status: 30/4 + 3 months = 30/7.
# C8's visit on 20/6 was in the placement that ended on 25/6, so the 7-day rule runs from 25/6: due 2/7.
# C9's last visit is on the placement's first anniversary, so the placement has lasted one year: 15/5 + 3 months
# = 15/8. C10's last visit is the day before the anniversary, so 6 weeks: 14/5 + 42 = 25/6.


def ep(child, decom, dec=None, rne="S", ls="C2", place="U4", la=LA):
    return {"la_code": la, "child": child, "decom": D(decom), "dec": D(dec) if dec else None, "rne": rne, "ls": ls,
            "place": place, "return_year": 2024}


def visit(child, day, la=LA):
    return {"la_code": la, "child": child, "visit_date": D(day)}


def alloc(child, sw_id, start, end=None, la=LA):
    return {"la_code": la, "child": child, "sw_id": sw_id, "sw_decom": D(start), "sw_dec": D(end) if end else None}


NORTH = ["C1", "C2", "C5", "C7", "C9", "C11"]
SOUTH = ["C3", "C4", "C6", "C8", "C10"]

TABLES = {
    "fact_episode": [
        ep("C1", "2023-01-01"),
        ep("C2", "2023-01-01"),
        ep("C3", "2023-06-23"),
        ep("C4", "2023-06-22"),
        ep("C5", "2021-01-01"),
        ep("C6", "2021-01-01"),
        ep("C7", "2021-01-01", ls="C1"),
        ep("C8", "2022-01-01", dec="2023-06-25"),
        ep("C8", "2023-06-25", rne="T", place="K2"),
        ep("C9", "2022-05-15"),
        ep("C10", "2022-05-15"),
        ep("C11", "2023-01-01", dec="2023-06-30"),
        ep("D1", "2023-01-01", la=LA2),
        ep("D2", "2023-06-20", la=LA2),
    ],
    "fact_visit": [
        visit("C1", "2023-05-19"), visit("C1", "2023-04-10"),
        visit("C2", "2023-05-18"), visit("C2", "2023-04-10"),
        visit("C5", "2023-03-31"),
        visit("C6", "2023-03-29"),
        visit("C7", "2023-04-30"),
        visit("C8", "2023-06-20"),
        visit("C9", "2023-05-15"),
        visit("C10", "2023-05-14"),
        visit("C11", "2023-05-01"),
        visit("D1", "2023-06-01", la=LA2),
        visit("D2", "2023-06-20", la=LA2),
    ],
    "fact_allocation": [alloc(c, "W1", "2020-01-01") for c in NORTH]
    + [alloc(c, "W2", "2020-01-01") for c in SOUTH]
    + [alloc("D1", "X1", "2020-01-01", la=LA2), alloc("D2", "X1", "2023-06-20", la=LA2)],
    "fact_worker_spell": [
        {"la_code": LA, "sw_id": "W1", "team": "North", "start_date": D("2015-01-01"), "fte": 1.0},
        {"la_code": LA, "sw_id": "W2", "team": "South", "start_date": D("2015-01-01"), "fte": 1.0},
        {"la_code": LA2, "sw_id": "X1", "team": "East", "start_date": D("2015-01-01"), "fte": 1.0},
    ],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_warehouse(Path(tmp_path_factory.mktemp("visits")) / "w.duckdb", TABLES)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def row(df: pd.DataFrame, team: str, month: str, la: str = LA) -> dict:
    hit = df[(df.la_code == la) & (df.team == team) & (pd.to_datetime(df.month_end) == pd.Timestamp(month))]
    assert len(hit) == 1, hit
    return hit.iloc[0].to_dict()


def test_visits_in_time_june(con):
    df = queries.run("visits_in_time", con, la_codes=[LA], from_month="2023-06", to_month="2023-06")
    # In time: C1, C3, C5, C7, C8, C9 = 6 of 10 looked after (C11 left care on 30 June) -> 60.0%.
    r = row(df, "All teams", "2023-06-30")
    assert (r["numerator"], r["denominator"], r["value"]) == (6, 10, 60.0)
    # Rules: 7 days C3 C4 C8; 6 weeks C1 C2 C10; 3 months C5 C6 C7 C9. Overdue: C4 | C2 C10 | C6
    # (1 + 2 + 1 = 4 overdue = 10 - 6 in time).
    assert (r["children_7_days"], r["children_6_weeks"], r["children_3_months"]) == (3, 3, 4)
    assert (r["overdue_7_days"], r["overdue_6_weeks"], r["overdue_3_months"]) == (1, 2, 1)
    # North: C1 in, C2 out, C5 in, C7 in, C9 in -> 4/5 = 80.0%.
    n = row(df, "North", "2023-06-30")
    assert (n["numerator"], n["denominator"], n["value"]) == (4, 5, 80.0)
    # South: C3 in, C4 out, C6 out, C8 in, C10 out -> 2/5 = 40.0%.
    s = row(df, "South", "2023-06-30")
    assert (s["numerator"], s["denominator"], s["value"]) == (2, 5, 40.0)
    assert set(df.team) == {"All teams", "North", "South"}
    assert set(df.la_code) == {LA}


def test_visits_in_time_july_three_month_rule_lapses(con):
    df = queries.run("visits_in_time", con, la_codes=[LA], from_month="2023-07", to_month="2023-07")
    # At 31 July (no visits since): C1 due 30/6, C2 29/6 -> overdue; C3 due 30/6, C4 29/6 -> overdue;
    # C5 due 30/6 -> now overdue (31/7 is after 30/6); C6 overdue; C7 due 30/7 -> overdue; C8 due 2/7 -> overdue;
    # C9 due 15/8 -> in time; C10 overdue. 1 of 10 -> 10.0%.
    r = row(df, "All teams", "2023-07-31")
    assert (r["numerator"], r["denominator"], r["value"]) == (1, 10, 10.0)


def test_visits_in_time_team_filter(con):
    df = queries.run("visits_in_time", con, la_codes=[LA], team="South", from_month="2023-06", to_month="2023-06")
    # Only the South row (no 'All teams' row when a team is chosen): 2 of 5 -> 40.0%.
    assert list(df.team) == ["South"]
    assert (df.numerator[0], df.denominator[0], df.value[0]) == (2, 5, 40.0)


def test_visits_in_time_spine_and_authorities(con):
    df = queries.run("visits_in_time", con, from_month="2023-04", to_month="2024-03")
    allt = df[df.team == "All teams"]
    # Both authorities, every month April 2023 - March 2024 (12 rows each), one 'All teams' row per month.
    assert allt.groupby("la_code").size().to_dict() == {LA: 12, LA2: 12}
    assert not df.duplicated(["la_code", "team", "month_end"]).any()
    assert (df.numerator <= df.denominator).all()
    # LA2 (team East): D1, visited 1/6/2023, is in time at 30/6 (29 days) and overdue at 31/7 (60 days).
    # D2 was visited on its placement's first day, 20/6: that is the placement's first visit, so the 6-week rule
    # follows (due 20/6 + 42 = 1/8): in time at 30/6 and at 31/7. June 2 of 2, July 1 of 2.
    june, july = row(df, "East", "2023-06-30", LA2), row(df, "East", "2023-07-31", LA2)
    assert (june["numerator"], june["denominator"], june["children_6_weeks"]) == (2, 2, 2)
    assert (july["numerator"], july["denominator"], july["value"]) == (1, 2, 50.0)


def test_overdue_list_as_at_month_end(con):
    df = queries.run("visits_overdue_list", con, la_codes=[LA], as_of="2023-06-30")
    assert list(df.columns[:4]) == ["child", "la_code", "team", "social_worker"]
    # Overdue on 30/6: C10 5 days (due 25/6), then C2, C4, C6 1 day each (due 29/6). C7 (U4, 3 months) is in time.
    assert list(df.child) == ["C10", "C2", "C4", "C6"]
    assert list(df.days_overdue) == [5, 1, 1, 1]
    c10 = df.iloc[0]
    assert (c10.team, c10.social_worker, c10.rule_applied) == ("South", "W2", "6 weeks")
    assert (c10.due_date, c10.last_visit_date) == (pd.Timestamp("2023-06-25"), pd.Timestamp("2023-05-14"))
    # days since last visit: C10 14/5 -> 30/6 = 47; C2 18/5 -> 43; C4 none; C6 29/3 -> 93.
    assert list(df.days_since_last_visit.astype("Float64")) == [47, 43, pd.NA, 93]
    assert list(df.rule_applied) == ["6 weeks", "6 weeks", "7 days after placement start",
                                     "3 months (long-term placement)"]


def test_overdue_list_day_before(con):
    df = queries.run("visits_overdue_list", con, la_codes=[LA], as_of="2023-06-29")
    # On 29/6 C2 is 42 days since its visit (in time), C4 is on day 7 (in time), C6 is on the 3-month day (in
    # time); C10 is 4 days overdue. C1 (41 days), C3 (placed 23/6, day 6) and C7 (due 30/7) are in time.
    # C11 is still looked after on 29/6 (leaves on 30/6): visited 1/5, due 1/5 + 42 = 12/6, 17 days overdue.
    assert list(df.child) == ["C11", "C10"]
    assert list(df.days_overdue) == [17, 4]


def test_overdue_list_team_filter(con):
    df = queries.run("visits_overdue_list", con, la_codes=[LA], team="South", as_of="2023-06-30")
    # South only: C10 (5 days), C4, C6 (1 day each).
    assert list(df.child) == ["C10", "C4", "C6"]
    assert set(df.team) == {"South"}


# visits_gaps at 30 June 2023 (authority LA). Days without a visit at the month end (since the last visit in the
# current placement, else since its start): C1 42, C2 43, C3 7 (placed 23/6), C4 8, C5 91 (31/3 -> 30/6),
# C6 93, C7 61, C8 5 (new placement 25/6), C9 46, C10 47. Sorted 5 7 8 42 43 46 47 61 91 93: median (43+46)/2 = 44.5,
# max 93. Gaps ended by a visit in June: C8's visit on 20/6 ended a gap from its old placement's start 1/1/2022:
# 365 + (31+28+31+30+31+19 = 170) = 535 days. Longest = 535. Children whose longest gap > 42: C2 C5 C6 C7 C8 C9 C10 = 7.
def test_visits_gaps_june(con):
    df = queries.run("visits_gaps", con, la_codes=[LA], from_month="2023-06", to_month="2023-06")
    r = row(df, "All teams", "2023-06-30")
    assert (r["numerator"], r["value"], r["children"]) == (535, 535, 10)
    assert pd.isna(r["denominator"])
    assert (r["median_days_without_visit"], r["max_days_without_visit"], r["children_over_42_days"]) == (44.5, 93, 7)
    # North: C1 42, C2 43, C5 91, C7 61, C9 46 (no gap ended in June) -> longest 91, median 46.
    n = row(df, "North", "2023-06-30")
    assert (n["value"], n["median_days_without_visit"]) == (91, 46.0)
    # South: C3 7, C4 8, C6 93, C8 5 (ended gap 535), C10 47 -> longest 535, median 8.
    s = row(df, "South", "2023-06-30")
    assert (s["value"], s["median_days_without_visit"]) == (535, 8.0)


def test_visits_gaps_july_running_only(con):
    df = queries.run("visits_gaps", con, la_codes=[LA], team="North", from_month="2023-07", to_month="2023-07")
    # No visits in July; North children at 31/7: C1 73, C2 74, C5 122, C7 92, C9 77 -> longest 122, median 77.
    assert list(df.team) == ["North"]
    assert (df.value[0], df.median_days_without_visit[0]) == (122, 77.0)


def test_visits_gaps_four_months_unseen(con):
    df = queries.run("visits_gaps", con, la_codes=[LA2], from_month="2023-04", to_month="2023-07")
    allt = df[df.team == "All teams"].set_index("month_end")
    # D2 (placed and visited 20/6) never has the longest gap: 10 days running at 30/6, 41 at 31/7.
    # D1 placed 1/1/2023, first visit 1/6/2023. Running gap at 30/4 = 31+28+31+29 = 119, at 31/5 = 150;
    # in June the gap ended by the 1/6 visit is 151 days (larger than the 29 days running at 30/6); July: 60 running.
    assert list(allt.value) == [119, 150, 151, 60]


def _tables(con) -> dict[str, pd.DataFrame]:
    names = ["dim_authority", "source_coverage", "fact_child_month", "fact_visit", "fact_care_episode", "fact_placement"]
    return {t: con.table(t).df() for t in names}


@pytest.mark.parametrize("measure", ["visits_in_time", "visits_gaps"])
def test_pandas_agrees_with_sql(con, measure):
    sql = queries.run(measure, con, from_month="2023-04", to_month="2024-03")
    sql = sql[sql.team == "All teams"][["la_code", "month_end", "numerator", "denominator", "value"]]
    pdf = getattr(pd_visits, measure)(_tables(con), "2023-04", "2024-03")
    assert len(sql) == len(pdf) == 24
    sql = sql.assign(month_end=pd.to_datetime(sql.month_end).astype("datetime64[ns]"))
    merged = sql.merge(pdf, on=["la_code", "month_end"], suffixes=("_sql", "_pd"))
    assert len(merged) == 24
    for col in ("numerator", "denominator", "value"):
        a = merged[f"{col}_sql"].astype("Float64")
        b = merged[f"{col}_pd"].astype("Float64")
        assert a.fillna(-1).tolist() == b.fillna(-1).tolist(), col


@pytest.mark.parametrize(("place", "ls", "last_visit", "rule"), [
    # reg 28(3): 3 months only where the placement is intended to last until 18, i.e. long-term fostering (U1, U4),
    # whatever the legal status, once the placement has lasted a year (placement start 15/5/2022).
    ("U1", "V2", "2023-05-15", "3 months (long-term placement)"),
    ("U4", "C1", "2023-05-15", "3 months (long-term placement)"),
    ("U4", "C2", "2023-05-14", "6 weeks"),       # the day before the first anniversary: still the first year
    ("U2", "C2", "2023-05-15", "6 weeks"),       # fostering for adoption / concurrent: not long-term
    ("U5", "C2", "2023-05-15", "6 weeks"),
    ("U3", "C2", "2024-05-15", "6 weeks"),       # not long-term, however long it has lasted
    ("U6", "C2", "2024-05-15", "6 weeks"),
    ("K2", "C2", "2024-05-15", "6 weeks"),       # a children's home
    ("U4", "C2", None, "7 days after placement start"),
])
def test_visit_rule_long_term_is_u1_or_u4_after_a_year(con, place, ls, last_visit, rule):
    got = con.execute("select visit_rule($last::date, $place, date '2022-05-15')",
                      {"last": last_visit, "place": place}).fetchone()[0]
    assert got == rule
    due = con.execute("select visit_due_date($rule, date '2022-05-15', $last::date)",
                      {"rule": rule, "last": last_visit}).fetchone()[0]
    expected = {"3 months (long-term placement)": "2023-08-15", "7 days after placement start": "2022-05-22"}
    if rule == "6 weeks":
        assert due == D(last_visit) + dt.timedelta(days=42)
    else:
        assert due == D(expected[rule])
