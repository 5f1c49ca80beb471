"""Reviews and placement stability measures on tiny hand-written authorities, expected values worked out by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

import queries
from benchmarks.pandas_measures import reviews as pd_reviews
from tests.warehouse_fixture import make_warehouse

LA = "Z99000001"
D = dt.date.fromisoformat


def ep(child, decom, rne="S", dec=None, place="U4", ls="C2"):
    # return year 2025: the data begin on 1 April 2024; child-months run April 2024 - March 2025
    return {"la_code": LA, "child": child, "decom": D(decom), "rne": rne, "ls": ls, "place": place,
            "dec": D(dec) if dec else None, "return_year": 2025}


def spells_and_allocations(teams: dict[str, str]):
    """Worker WA in Team A, WB in Team B; each child allocated to the worker of its team since 2018."""
    spells = [{"la_code": LA, "sw_id": f"W{t[-1]}", "team": t, "org_role": 5, "agency_worker": False, "fte": 1.0,
               "start_date": D("2018-01-01")} for t in ("Team A", "Team B")]
    allocs = [{"la_code": LA, "child": c, "sw_id": f"W{t[-1]}", "sw_decom": D("2018-01-01")} for c, t in teams.items()]
    return spells, allocs


def open_ro(path):
    return duckdb.connect(str(path), read_only=True)


def by_month(df, team="All teams"):
    df = df[df.team == team]
    return {pd.Timestamp(r.month_end).date(): r for r in df.itertuples()}


# ---------------------------------------------------------------- reviews (reg 33)
#
# England bank holidays in May 2024: Mon 6 May and Mon 27 May.
# R1 (Team A) and R2 (Team B) start care on Fri 3/5/2024. Working days after (day 0 = 3/5): 7-10 May = 1-4
# (6 May is a bank holiday), 13-17 = 5-9, 20-24 = 10-14, 28-31 May = 15-18 (27 May is a bank holiday), 3 June = 19,
# Tue 4 June = 20. So the first review is due 4/6/2024 (without bank holidays it would be 31/5).
#   R1 reviews: 4/6/2024 (working day 20: in time); 4/9/2024 (4/6 + 3 months = 4/9: the last day, in time);
#               5/3/2025 (4/9 + 6 months = 4/3/2025: one day late).
#   R2 reviews: 5/6/2024 (working day 21: late); 6/9/2024 (5/6 + 3 months = 5/9: the day after, late).
#               Next due 6/9 + 6 months = 6/3/2025; none held.
# R3 (Team A) starts care Mon 2/9/2024, no review: first due on working day 20 = Mon 30/9/2024.
# R5 (Team B) has been in care since 10/1/2023, before the data begin (1/4/2024): its review on 1/5/2024 is the
#   first one seen and is not assessed (its predecessor is unknown); 1/11/2024 = 1/5 + 6 months: in time.
# R6 (Team A) starts care on Saturday 15/6/2024 (day 0): working day 1 = Mon 17/6, ..., day 20 = Fri 12/7/2024;
#   review on 12/7/2024: in time.
#
# reviews_in_time by month (all teams): June 2024: R1 in, R2 late -> 1/2 = 50.0; July: R6 in -> 1/1 = 100.0;
# September: R1 in, R2 late -> 50.0; November: R5 in -> 100.0; March 2025: R1 late -> 0/1 = 0.0;
# May 2024: R5's first seen review is not assessed -> 0/0, value null.
REVIEW_TEAMS = {"R1": "Team A", "R2": "Team B", "R3": "Team A", "R5": "Team B", "R6": "Team A"}
REVIEWS = [("R1", "2024-06-04"), ("R1", "2024-09-04"), ("R1", "2025-03-05"), ("R2", "2024-06-05"),
           ("R2", "2024-09-06"), ("R5", "2024-05-01"), ("R5", "2024-11-01"), ("R6", "2024-07-12")]


@pytest.fixture(scope="module")
def rcon(tmp_path_factory):
    spells, allocs = spells_and_allocations(REVIEW_TEAMS)
    path = make_warehouse(tmp_path_factory.mktemp("rv") / "w.duckdb", {
        "fact_episode": [ep("R1", "2024-05-03"), ep("R2", "2024-05-03"), ep("R3", "2024-09-02"),
                         ep("R5", "2023-01-10"), ep("R6", "2024-06-15")],
        "fact_review": [{"la_code": LA, "child": c, "review_date": D(d), "return_year": 2025} for c, d in REVIEWS],
        "fact_worker_spell": spells,
        "fact_allocation": allocs,
    }, cover_to="2025-05")  # the files cover to May 2025, so the lists can be asked about April and May
    c = open_ro(path)
    yield c
    c.close()


def test_reviews_in_time_by_month(rcon):
    got = by_month(queries.run("reviews_in_time", rcon, from_month="2024-04", to_month="2025-03"))
    assert len(got) == 12  # every month of the year, with or without reviews
    expected = {"2024-05-31": (0, 0, None), "2024-06-30": (1, 2, 50.0), "2024-07-31": (1, 1, 100.0),
                "2024-09-30": (1, 2, 50.0), "2024-11-30": (1, 1, 100.0), "2025-03-31": (0, 1, 0.0)}
    for day, (n, d, v) in expected.items():
        r = got[D(day)]
        assert (r.numerator, r.denominator) == (n, d), day
        assert (pd.isna(r.value) if v is None else r.value == v), day
    assert got[D("2025-03-31")].late_reviews == 1


def test_reviews_in_time_by_team_and_filters(rcon):
    df = queries.run("reviews_in_time", rcon, from_month="2024-04", to_month="2025-03")
    a, b = by_month(df, "Team A"), by_month(df, "Team B")
    # Team A: June R1 in (100.0); Sept R1 on the last day (100.0); March R1 late (0.0).
    # Team B: June R2 late (0.0); Sept R2 the day after (0.0); November R5 (100.0).
    assert [a[D(d)].value for d in ("2024-06-30", "2024-09-30", "2025-03-31")] == [100.0, 100.0, 0.0]
    assert [b[D(d)].value for d in ("2024-06-30", "2024-09-30", "2024-11-30")] == [0.0, 0.0, 100.0]
    only_b = queries.run("reviews_in_time", rcon, team="Team B", from_month="2024-04", to_month="2025-03")
    assert set(only_b.team) == {"Team B"}
    assert queries.run("reviews_in_time", rcon, la_codes=["Z99000002"], from_month="2024-04",
                       to_month="2025-03").empty


def test_overdue_list_worst_first(rcon):
    df = queries.run("reviews_overdue_list", rcon, as_of="2025-03-31")
    # R3: first review due 30/9/2024, none held: 31/3/2025 - 30/9/2024 = 31+30+31+31+28+31 = 182 days.
    # R2: last review 6/9/2024 (its 2nd), 3rd due 6/3/2025: 25 days to 31/3.
    # R6: first review 12/7/2024, second due 12/10/2024 and not held: 19+30+31+31+28+31 = 170 days.
    # R1 (next due 5/9/2025) and R5 (next due 1/5/2025) are in time, so not on the list.
    assert df.child.tolist() == ["R3", "R6", "R2"]
    assert df.days_overdue.tolist() == [182, 170, 25]
    assert [d.date() if hasattr(d, "date") else d for d in df.due_date] == [D("2024-09-30"), D("2024-10-12"),
                                                                             D("2025-03-06")]
    assert df.review_number_due.tolist() == [1, 2, 3]
    assert df.team.tolist() == ["Team A", "Team A", "Team B"] and df.social_worker.tolist() == ["WA", "WA", "WB"]
    assert pd.isna(df.last_review_date.iloc[0]) and pd.Timestamp(df.last_review_date.iloc[2]).date() == D("2024-09-06")
    # The files cover April 2024 to May 2025: in June no source covers the month, so there is no list (never a
    # list of children judged on data that is not there) and the reason is said.
    assert queries.run("reviews_overdue_list", rcon, as_of="2025-06-01").empty
    status = queries.availability("reviews_overdue_list", rcon, as_of="2025-06-01")
    assert status.to_dict("records") == [{"la_code": LA, "status": "no data",
                                          "status_note": "no data: SSDA903 episodes covers Apr 2024 to May 2025"}]


def test_overdue_list_due_date_boundary(rcon):
    # On R2's due date (6/3/2025) it is not yet overdue; the day after it is, by 1 day.
    on_due = queries.run("reviews_overdue_list", rcon, as_of="2025-03-06")
    after = queries.run("reviews_overdue_list", rcon, as_of="2025-03-07")
    assert "R2" not in set(on_due.child)
    assert after.set_index("child").loc["R2", "days_overdue"] == 1
    # team filter: Team B only -> R2 alone
    assert queries.run("reviews_overdue_list", rcon, as_of="2025-03-07", team="Team B").child.tolist() == ["R2"]


def test_overdue_list_period_before_the_data(rcon):
    # R5's care began before the data: number unknown, next due 1/11/2024 + 6 months = 1/5/2025.
    df = queries.run("reviews_overdue_list", rcon, as_of="2025-05-02").set_index("child")
    assert df.loc["R5", "days_overdue"] == 1 and pd.isna(df.loc["R5", "review_number_due"])


# ---------------------------------------------------------------- placements and long-term stability
#
# 3+ placements in the 12 months to the month end (window: month end + 1 day - 12 months .. month end; a placement
# counts if it started by the month end and ended after the window's first day).
#   P1 (A): 15/1/2024-1/6/2024, 1/6/2024-1/10/2024, 1/10/2024- : exactly 3 at 31/3/2025 (window from 1/4/2024)
#   P2 (B): 1/1/2023-1/4/2024, 1/4/2024-1/8/2024, 1/8/2024- : at 31/3/2025 the first ended ON the window's first day
#           (1/4/2024) -> 2; at 28/2/2025 (window from 1/3/2024) it counts -> 3
#   P3 (A): one placement since 1/6/2023
#   P4 (A): short breaks (V3), 3 placements: excluded from the cohort
#   P5 (A): 1/6/2024 C1 -> 1/9/2024 L (legal status only, same placement) -> 1/12/2024 T (new placement): 2
#   S1-S7 (below) are looked after too, none with 3 placements in the window (S6's first placement ended 1/6/2023).
# Cohort at 31/3/2025 and 28/2/2025: P1, P2, P3, P5, S1, S2, S3, S4, S5, S6, S7 = 11.
#   31/3/2025: P1 -> 1/11 = 9.1 %; Team A (P1, P3, P5, S1-S6 = 9): 1/9 = 11.1; Team B (P2, S7): 0/2 = 0.0
#   28/2/2025: P1, P2 -> 2/11 = 18.2 %; Team B: 1/2 = 50.0
#
# Long-term stability at 31/3/2025: cohort = under 16, in care since 31/3/2025 - 30 months = 30/9/2022 or earlier;
# stable = current placement since 31/3/2023 or earlier (2 years), or adoption placement (A3-A6) whose previous
# placement started by then.
#   S1 (A): care from 30/9/2022 (exactly 2.5 years: in), placement from 31/3/2023 (exactly 2 years): stable
#   S2 (A): care from 1/10/2022 (one day short): not in the cohort
#   S3 (A): care from 1/1/2020, placement from 1/4/2023 (one day short of 2 years): not stable
#   S4 (A): care from 1/1/2020, foster 1/1/2020-1/6/2024 then adoption (A4) from 1/6/2024: stable
#   S6 (A): care from 1/1/2020, placements from 1/6/2023 and adoption from 1/6/2024: previous too recent: not stable
#   S5 (A): born 31/3/2009 -> 16 on 31/3/2025: not in the cohort (15 at 28/2/2025: in, in care since 2018: stable)
#   S7 (B): born 1/4/2009 -> 15: in the cohort, in care and placed since 2018: stable
#   31/3/2025: cohort S1, S3, S4, S6, S7 -> stable S1, S4, S7 = 3/5 = 60.0; Team A 2/4 = 50.0; Team B 1/1 = 100.0
#   28/2/2025 (2.5 years back = 28/8/2022, 2 years = 28/2/2023): S1 not yet in; S5 in (stable);
#     cohort S3, S4, S5, S6, S7 -> stable S4, S5, S7 = 3/5 = 60.0; Team A 2/4 = 50.0
PLACEMENT_EPISODES = [
    ep("P1", "2024-01-15", dec="2024-06-01"), ep("P1", "2024-06-01", "T", "2024-10-01"), ep("P1", "2024-10-01", "T"),
    ep("P2", "2023-01-01", dec="2024-04-01"), ep("P2", "2024-04-01", "T", "2024-08-01"), ep("P2", "2024-08-01", "T"),
    ep("P3", "2023-06-01"),
    ep("P4", "2024-05-01", dec="2024-05-03", ls="V3"), ep("P4", "2024-08-01", dec="2024-08-03", ls="V3"),
    ep("P4", "2025-03-28", ls="V3"),
    ep("P5", "2024-06-01", dec="2024-09-01", ls="C1"), ep("P5", "2024-09-01", "L", "2024-12-01"),
    ep("P5", "2024-12-01", "T"),
    ep("S1", "2022-09-30", dec="2023-03-31"), ep("S1", "2023-03-31", "T"),
    ep("S2", "2022-10-01"),
    ep("S3", "2020-01-01", dec="2023-04-01"), ep("S3", "2023-04-01", "T"),
    ep("S4", "2020-01-01", dec="2024-06-01"), ep("S4", "2024-06-01", "T", place="A4", ls="E1"),
    ep("S6", "2020-01-01", dec="2023-06-01"), ep("S6", "2023-06-01", "T", "2024-06-01"),
    ep("S6", "2024-06-01", "T", place="A4", ls="E1"),
    ep("S5", "2018-01-01"), ep("S7", "2018-01-01"),
]
DOB = {c: "2015-01-01" for c in ("P1", "P2", "P3", "P4", "P5", "S1", "S2", "S3", "S4", "S6")} | {
    "S5": "2009-03-31", "S7": "2009-04-01"}
PLACEMENT_TEAMS = {c: "Team B" if c in ("P2", "S7") else "Team A" for c in DOB}


@pytest.fixture(scope="module")
def pcon(tmp_path_factory):
    spells, allocs = spells_and_allocations(PLACEMENT_TEAMS)
    path = make_warehouse(tmp_path_factory.mktemp("pl") / "w.duckdb", {
        "fact_episode": PLACEMENT_EPISODES,
        "dim_child": [{"la_code": LA, "child": c, "dob": D(d)} for c, d in DOB.items()],
        "fact_worker_spell": spells,
        "fact_allocation": allocs,
    })
    c = open_ro(path)
    yield c
    c.close()


def test_placements_3plus(pcon):
    df = queries.run("placements_3plus", pcon, from_month="2025-02", to_month="2025-03")
    allt, a, b = by_month(df), by_month(df, "Team A"), by_month(df, "Team B")
    mar, feb = D("2025-03-31"), D("2025-02-28")
    assert (allt[mar].numerator, allt[mar].denominator, allt[mar].value) == (1, 11, 9.1)
    assert (allt[feb].numerator, allt[feb].denominator, allt[feb].value) == (2, 11, 18.2)
    assert (a[mar].value, b[mar].value, b[feb].value) == (11.1, 0.0, 50.0)
    only_a = queries.run("placements_3plus", pcon, team="Team A", from_month="2025-02", to_month="2025-03")
    assert set(only_a.team) == {"Team A"} and len(only_a) == 2


def test_placements_3plus_list(pcon):
    mar = queries.run("placements_3plus_list", pcon, as_of="2025-03-31")
    # P1: exactly 3 -> on the list; P2: 2 at 31/3; P4: short breaks, excluded.
    assert mar.child.tolist() == ["P1"]
    assert (mar.placements.iloc[0], pd.Timestamp(mar.latest_placement_start.iloc[0]).date()) == (3, D("2024-10-01"))
    assert (mar.team.iloc[0], mar.social_worker.iloc[0]) == ("Team A", "WA")
    feb = queries.run("placements_3plus_list", pcon, as_of="2025-02-28")
    # both have 3; P1's latest move (1/10/2024) is more recent than P2's (1/8/2024)
    assert feb.child.tolist() == ["P1", "P2"]
    assert queries.run("placements_3plus_list", pcon, as_of="2025-02-28", team="Team B").child.tolist() == ["P2"]


def test_stability_long_term(pcon):
    df = queries.run("stability_long_term", pcon, from_month="2025-02", to_month="2025-03")
    allt, a, b = by_month(df), by_month(df, "Team A"), by_month(df, "Team B")
    mar, feb = D("2025-03-31"), D("2025-02-28")
    assert (allt[mar].numerator, allt[mar].denominator, allt[mar].value) == (3, 5, 60.0)
    assert (allt[feb].numerator, allt[feb].denominator, allt[feb].value) == (3, 5, 60.0)
    assert (a[mar].numerator, a[mar].denominator, b[mar].value) == (2, 4, 100.0)
    assert (a[feb].numerator, a[feb].denominator) == (2, 4)


def _tables(con) -> dict[str, pd.DataFrame]:
    names = ("fact_review", "fact_placement", "fact_episode", "fact_child_month", "dim_bank_holiday")
    return {t: con.table(t).df() for t in names}


@pytest.mark.parametrize("measure, fixture", [("reviews_in_time", "rcon"), ("placements_3plus", "pcon"),
                                              ("stability_long_term", "pcon")])
def test_pandas_agrees_with_sql(measure, fixture, request):
    con = request.getfixturevalue(fixture)
    sql = queries.run(measure, con, from_month="2024-01", to_month="2025-03")
    sql = sql[sql.team == "All teams"][["la_code", "month_end", "numerator", "denominator", "value"]]
    sql = sql.assign(month_end=pd.to_datetime(sql.month_end).astype("datetime64[ns]")).reset_index(drop=True)
    pdf = getattr(pd_reviews, measure)(_tables(con), "2024-01", "2025-03")
    assert len(sql) == len(pdf) == 12  # child-months run April 2024 - March 2025
    assert sql.month_end.tolist() == pdf.month_end.tolist()
    for col in ("numerator", "denominator", "value"):
        assert sql[col].astype("Float64").fillna(-1).tolist() == pdf[col].astype("Float64").fillna(-1).tolist(), col
