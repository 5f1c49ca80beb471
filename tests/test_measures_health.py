"""Health measures on a tiny hand-written authority, each expected value worked out by hand below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from benchmarks.pandas_measures import health as pd_health
from etl.calendar import add_working_days, england_bank_holidays
from tests.warehouse_fixture import make_warehouse

LA = "Z99000001"
LA2 = "Z99000002"
D = dt.date.fromisoformat

# Workers: W1 team North, W2 team South. Episodes are C2 / U4 unless said; fact_child_month runs April 2022 to
# March 2024 (returns 2023 and 2024). England bank holidays used below: 7 and 10 April 2023 (Easter), 1, 8 and 29 May
# 2023, 25 and 26 December 2023, 1 January 2024, 29 March and 1 April 2024 (Easter).
#
# IHA due dates (20th working day after entering care; day 20 in time, day 21 late):
#   Mon 3/4/2023 -> 4,5,6 Apr (3), [7, 10 Easter], 11-14 (7), 17-21 (12), 24-28 (17), [1 May], 2,3,4 May (20): Thu 4 May
#     (without bank holidays it would be Mon 1 May).
#   Tue 2/5/2023 -> 3,4,5 (3), [8 May], 9-12 (7), 15-19 (12), 22-26 (17), [29 May], 30,31 May, 1 Jun (20): Thu 1 June.
#   Thu 1/6/2023 -> 2 (1), 5-9 (6), 12-16 (11), 19-23 (16), 26-29 (20): Thu 29 June.
#   Fri 2/6/2023 -> 5-9 (5), 12-16 (10), 19-23 (15), 26-30 (20): Fri 30 June.
#   Fri 1/7/2022 and Sat 2/7/2022 -> 4-8, 11-15, 18-22, 25-29 July: Fri 29 July 2022.
#   Wed 20/12/2023 -> 21,22 (2), [25,26], 27,28,29 (5), [1 Jan], 2-5 (9), 8-12 (14), 15-19 (19), Mon 22 Jan 2024 (20).
#   Thu 1/2/2024 -> 2 (1), 5-9 (6), 12-16 (11), 19-23 (16), 26-29 (20): Thu 29 Feb 2024.
#   Fri 1/3/2024 -> 4-8 (5), 11-15 (10), 18-22 (15), 25-28 (19), [29 Mar, 1 Apr], Tue 2 April 2024 (20).
#
# child team  care from   dob         assessments (I = IHA, R = RHA, D = dental)             at 30/6/2023
# R1   North 2020-01-01  2020-01-01  R 2022-06-30, R 2022-12-30 (under 5: due 30/6/2023); D 2022-06-30   RHA in time
#                                     (last day); dental in time (last day)
# R2   North 2020-01-01  2020-01-01  R 2022-06-29, R 2022-12-29 (due 29/6/2023); D 2022-06-29        RHA overdue 1 day
# R3   North 2020-01-01  2015-01-01  R 2021-06-30, R 2022-06-30 (5+: due 30/6/2023); D 2023-01-01     in time (last day)
# R4   South 2020-01-01  2015-01-01  R 2021-06-29, R 2022-06-29 (due 29/6/2023); no dental           RHA overdue 1 day
# R5   North 2020-01-01  2015-01-01  R 2021-12-01, R 2023-01-10 (late: due 1/12/2022; next 10/1/2024);
#                                     D 2023-06-30                                                  up to date, RHA late
# R6   South 2020-01-01  2018-01-15  R 2021-12-01, 2022-06-01, 2022-12-01 (4 years old then: 6 months, due
#                                     1/6/2023, though 5 since 15/1/2023); D 2023-07-01 (after)    RHA overdue 29 days
# R7   North 2023-06-01  2016-01-01  none (IHA due 29/6)                                          IHA overdue 1 day
# R8   South 2023-06-02  2016-01-01  I 2023-06-30 (day 20)                                        in time
# R9   North 2023-05-02  2016-01-01  I 2023-06-20 (late: due 1/6), next due 20/6/2024             in time (IHA done)
# R10  North 2020-01-01  2015-01-01  short breaks (V3): out of scope everywhere
# R11  South 2021-01-01..2022-12-31, again from 2023-06-01; R 2022-09-01 (previous period: ignored)  IHA overdue
# DL1  North 2022-07-01  2010-01-01  I 2022-07-20, R 2023-06-15; D 2023-05-05                      in time
# DL2  North 2022-07-02  2010-01-01  I 2022-07-25 (next due 25/7/2023)                            in time
# H1   South 2023-04-03  2012-01-01  I 2023-05-04 (day 20)                                        in time
# H2   South 2023-04-03  2012-01-01  I 2023-05-05 (day 21)                                        in time (done)
# H3   South 2023-04-03  2012-01-01  none (due 4/5/2023)                                          IHA overdue 57 days
# H4   -     2023-04-03, left 2023-04-20 with no IHA (before it was due)
# H5   -     2023-04-03 on V3 short breaks: out of scope
# I3/I4 North 2023-12-20             I 2024-01-22 (day 20) / I 2024-01-23 (day 21)
# I1   North 2024-02-01              none (due 29/2/2024: past by 31/3/2024, the last month end: not done)
# I2   North 2024-03-01              none (due 2/4/2024: after the last month end: not yet due)
# O1   North 2022-04-01..2023-05-01  OC2 2023: health assessment yes
# O2   North 2022-04-02..2023-05-01  OC2 2023: yes (but not in the cohort: began after 1 April 2022)
# O3   North 2020-01-01..2023-05-01, placement change (RNE T) on 2022-10-01 (same period of care); OC2 yes
# O4   North 2020-01-01..2023-05-01, a V4 short-break episode from 2022-09-01 (out of the OC2 cohort); OC2 yes
# Z    (LA2) 2023-06-01, no IHA.

WORKER = {"North": "W1", "South": "W2"}


def ep(child, decom, dec=None, rne="S", ls="C2", la=LA, return_year=2024):
    return {"la_code": la, "child": child, "decom": D(decom), "dec": D(dec) if dec else None, "rne": rne, "ls": ls,
            "place": "U4", "return_year": return_year}


CHILDREN = {  # child: (team, dob, episodes)
    "R1": ("North", "2020-01-01", [ep("R1", "2020-01-01", return_year=2023)]),
    "R2": ("North", "2020-01-01", [ep("R2", "2020-01-01")]),
    "R3": ("North", "2015-01-01", [ep("R3", "2020-01-01")]),
    "R4": ("South", "2015-01-01", [ep("R4", "2020-01-01")]),
    "R5": ("North", "2015-01-01", [ep("R5", "2020-01-01")]),
    "R6": ("South", "2018-01-15", [ep("R6", "2020-01-01")]),
    "R7": ("North", "2016-01-01", [ep("R7", "2023-06-01")]),
    "R8": ("South", "2016-01-01", [ep("R8", "2023-06-02")]),
    "R9": ("North", "2016-01-01", [ep("R9", "2023-05-02")]),
    "R10": ("North", "2015-01-01", [ep("R10", "2020-01-01", ls="V3")]),
    "R11": ("South", "2015-01-01", [ep("R11", "2021-01-01", "2022-12-31"), ep("R11", "2023-06-01")]),
    "DL1": ("North", "2010-01-01", [ep("DL1", "2022-07-01")]),
    "DL2": ("North", "2010-01-01", [ep("DL2", "2022-07-02")]),
    "H1": ("South", "2012-01-01", [ep("H1", "2023-04-03")]),
    "H2": ("South", "2012-01-01", [ep("H2", "2023-04-03")]),
    "H3": ("South", "2012-01-01", [ep("H3", "2023-04-03")]),
    "H4": ("North", "2012-01-01", [ep("H4", "2023-04-03", "2023-04-20")]),
    "H5": ("North", "2012-01-01", [ep("H5", "2023-04-03", ls="V3")]),
    "I3": ("North", "2012-01-01", [ep("I3", "2023-12-20")]),
    "I4": ("North", "2012-01-01", [ep("I4", "2023-12-20")]),
    "I1": ("North", "2012-01-01", [ep("I1", "2024-02-01")]),
    "I2": ("North", "2012-01-01", [ep("I2", "2024-03-01")]),
    "O1": ("North", "2012-01-01", [ep("O1", "2022-04-01", "2023-05-01")]),
    "O2": ("North", "2012-01-01", [ep("O2", "2022-04-02", "2023-05-01")]),
    "O3": ("North", "2012-01-01", [ep("O3", "2020-01-01", "2022-10-01"),
                                   ep("O3", "2022-10-01", "2023-05-01", rne="T")]),
    "O4": ("North", "2012-01-01", [ep("O4", "2020-01-01", "2022-09-01"),
                                   ep("O4", "2022-09-01", "2023-05-01", rne="L", ls="V4")]),
}

ASSESSMENTS = {
    "R1": [("RHA", "2022-06-30"), ("RHA", "2022-12-30"), ("DENTAL", "2022-06-30")],
    "R2": [("RHA", "2022-06-29"), ("RHA", "2022-12-29"), ("DENTAL", "2022-06-29")],
    "R3": [("RHA", "2021-06-30"), ("RHA", "2022-06-30"), ("DENTAL", "2023-01-01")],
    "R4": [("RHA", "2021-06-29"), ("RHA", "2022-06-29")],
    "R5": [("RHA", "2021-12-01"), ("RHA", "2023-01-10"), ("DENTAL", "2023-06-30")],
    "R6": [("RHA", "2021-12-01"), ("RHA", "2022-06-01"), ("RHA", "2022-12-01"), ("DENTAL", "2023-07-01")],
    "R8": [("IHA", "2023-06-30")],
    "R9": [("IHA", "2023-06-20")],
    "R11": [("RHA", "2022-09-01")],
    "DL1": [("IHA", "2022-07-20"), ("RHA", "2023-06-15"), ("DENTAL", "2023-05-05")],
    "DL2": [("IHA", "2022-07-25")],
    "H1": [("IHA", "2023-05-04")],
    "H2": [("IHA", "2023-05-05")],
    "I3": [("IHA", "2024-01-22")],
    "I4": [("IHA", "2024-01-23")],
}

OC2_2023 = {"R1": (True, True), "R2": (True, False), "R3": (False, False), "R4": (True, False), "R5": (None, None),
            "O1": (True, False), "O2": (True, False), "O3": (True, False), "O4": (True, False)}


def tables() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"fact_episode": [], "fact_allocation": [], "dim_child": [],
                                  "fact_health_assessment": [], "fact_oc2": []}
    for child, (team, dob, eps) in CHILDREN.items():
        out["fact_episode"] += eps
        out["dim_child"].append({"la_code": LA, "child": child, "dob": D(dob)})
        out["fact_allocation"].append({"la_code": LA, "child": child, "sw_id": WORKER[team],
                                       "sw_decom": eps[0]["decom"]})
    for child, rows in ASSESSMENTS.items():
        out["fact_health_assessment"] += [{"la_code": LA, "child": child, "assessment_type": t,
                                           "assessment_date": D(d)} for t, d in rows]
    out["fact_oc2"] = [{"la_code": LA, "child": c, "return_year": 2023, "health_assessment": h, "teeth_check": t}
                       for c, (h, t) in OC2_2023.items()]
    out["fact_episode"].append(ep("Z", "2023-06-01", la=LA2))
    out["dim_child"].append({"la_code": LA2, "child": "Z", "dob": D("2012-01-01")})
    out["fact_allocation"].append({"la_code": LA2, "child": "Z", "sw_id": "W9", "sw_decom": D("2023-06-01")})
    out["fact_worker_spell"] = [
        {"la_code": LA, "sw_id": "W1", "team": "North", "start_date": D("2015-01-01"), "fte": 1.0},
        {"la_code": LA, "sw_id": "W2", "team": "South", "start_date": D("2015-01-01"), "fte": 1.0},
        {"la_code": LA2, "sw_id": "W9", "team": "North", "start_date": D("2015-01-01"), "fte": 1.0},
    ]
    return out


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_warehouse(Path(tmp_path_factory.mktemp("wh")) / "health.duckdb", tables())
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def row(df: pd.DataFrame, month_end: str, team: str = "All teams", la: str = LA) -> pd.Series:
    hit = df[(df.la_code == la) & (df.team == team) & (df.month_end == pd.Timestamp(month_end))]
    assert len(hit) == 1, f"expected one row for {la} {team} {month_end}, got {len(hit)}"
    return hit.iloc[0]


def series(con, name, **kw):
    kw.setdefault("la_codes", [LA])
    kw.setdefault("from_month", "2022-04")
    kw.setdefault("to_month", "2024-03")
    return queries.run(name, con, **kw)


def test_hand_worked_due_dates_match_the_calendar():
    # The working-day arithmetic in the comments above, checked against the `holidays` package calendar.
    bh = set(england_bank_holidays(2022, 2024).holiday_date)
    assert add_working_days(D("2023-04-03"), 20, bh) == D("2023-05-04")
    assert add_working_days(D("2023-05-02"), 20, bh) == D("2023-06-01")
    assert add_working_days(D("2023-06-01"), 20, bh) == D("2023-06-29")
    assert add_working_days(D("2023-06-02"), 20, bh) == D("2023-06-30")
    assert add_working_days(D("2022-07-02"), 20, bh) == D("2022-07-29")
    assert add_working_days(D("2023-12-20"), 20, bh) == D("2024-01-22")
    assert add_working_days(D("2024-02-01"), 20, bh) == D("2024-02-29")
    assert add_working_days(D("2024-03-01"), 20, bh) == D("2024-04-02")


# ---------- health_iha_in_time ----------

def test_iha_in_time_across_easter(con):
    df = series(con, "health_iha_in_time")
    # April 2023: H1 (day 20, 4 May) in time; H2 (day 21, 5 May) done late; H3 no IHA, due 4 May, past -> not done;
    # H4 left care 20/4 before its due date -> not counted; H5 short breaks -> out of scope. 1 / 3 = 33.3.
    apr = row(df, "2023-04-30")
    assert (apr.numerator, apr.denominator, apr.value) == (1, 3, 33.3)
    assert (apr.done_late, apr.not_done, apr.not_yet_due, apr.left_before_due) == (1, 1, 0, 1)
    # by team (team at 30/4): H1-H3 South -> 1/3; H4 was never looked after at a month end -> 'Unallocated', 0/0.
    assert row(df, "2023-04-30", "South").value == 33.3
    unalloc = row(df, "2023-04-30", "Unallocated")
    assert (unalloc.denominator, unalloc.left_before_due) == (0, 1) and pd.isna(unalloc.value)


def test_iha_in_time_other_months(con):
    df = series(con, "health_iha_in_time")
    # July 2022: DL1 (IHA 20/7, due 29/7) and DL2 (Saturday start: due 29/7 too; IHA 25/7) -> 2/2 = 100.0
    assert (row(df, "2022-07-31").numerator, row(df, "2022-07-31").denominator) == (2, 2)
    # May 2023: R9 (due 1 June after the 8 and 29 May bank holidays; IHA 20 June) -> late, 0/1 = 0.0
    assert (row(df, "2023-05-31").value, row(df, "2023-05-31").done_late) == (0.0, 1)
    # June 2023: R7 not done (due 29/6), R8 in time (day 20, 30/6), R11 (new period; its RHA of the previous period
    # does not count) not done -> 1/3 = 33.3; North (R7) 0/1, South (R8, R11) 1/2 = 50.0
    jun = row(df, "2023-06-30")
    assert (jun.numerator, jun.denominator, jun.value, jun.not_done) == (1, 3, 33.3, 2)
    assert row(df, "2023-06-30", "North").value == 0.0
    assert row(df, "2023-06-30", "South").value == 50.0
    # December 2023 (across Christmas and New Year): I3 day 20 (22/1/2024) in time, I4 day 21 late -> 1/2 = 50.0
    assert (row(df, "2023-12-31").numerator, row(df, "2023-12-31").denominator) == (1, 2)
    # February 2024: I1 due 29/2, nothing by 31/3 (the last month end) -> not done, 0/1
    assert (row(df, "2024-02-29").numerator, row(df, "2024-02-29").denominator) == (0, 1)
    # March 2024: I2 due 2/4/2024 (Easter), after the last month end -> not yet due: 0/0, value null
    mar = row(df, "2024-03-31")
    assert (mar.denominator, mar.not_yet_due) == (0, 1) and pd.isna(mar.value)
    # A month with no entrants still has its authority row
    assert row(df, "2023-08-31").denominator == 0


def test_iha_team_and_authority_filters(con):
    south = series(con, "health_iha_in_time", team="South")
    assert set(south.team) == {"South"}
    assert row(south, "2023-06-30", "South").value == 50.0
    both = series(con, "health_iha_in_time", la_codes=None)
    # LA2: Z entered 1/6/2023 (due 29/6) with no IHA -> 0/1
    z = row(both, "2023-06-30", la=LA2)
    assert (z.numerator, z.denominator) == (0, 1)
    assert LA2 not in set(series(con, "health_iha_in_time").la_code)


# ---------- health_rha_in_time and health_up_to_date ----------

def test_up_to_date_30_june(con):
    # Looked after at 30/6/2023 (R10 short breaks excluded): R1-R9, R11, DL1, DL2, H1, H2, H3 = 15.
    # Overdue: IHA R7 (due 29/6), R11 (due 29/6), H3 (due 4/5) = 3; RHA R2 (due 29/6), R4 (due 29/6), R6 (due 1/6:
    # six-monthly because under 5 at the 1/12/2022 assessment) = 3. Up to date 15 - 6 = 9 -> 60.0.
    r = row(series(con, "health_up_to_date"), "2023-06-30")
    assert (r.numerator, r.denominator, r.value) == (9, 15, 60.0)
    assert (r.iha_overdue, r.rha_overdue) == (3, 3)


def test_up_to_date_by_team(con):
    df = series(con, "health_up_to_date")
    # North: R1, R2, R3, R5, R7, R9, DL1, DL2 = 8; overdue R2, R7 -> 6/8 = 75.0.
    # South: R4, R6, R8, R11, H1, H2, H3 = 7; overdue R4, R6, R11, H3 -> 3/7 = 42.9.
    assert (row(df, "2023-06-30", "North").numerator, row(df, "2023-06-30", "North").value) == (6, 75.0)
    assert (row(df, "2023-06-30", "South").numerator, row(df, "2023-06-30", "South").value) == (3, 42.9)
    only = series(con, "health_up_to_date", team="North")
    assert set(only.team) == {"North"}


def test_up_to_date_boundaries_over_months(con):
    df = series(con, "health_up_to_date")
    # 31/5/2023: R2 (due 29/6), R4 (29/6) not yet overdue; R6 (due 1/6) not yet; H3 IHA due 4/5 -> overdue.
    # Looked after at 31/5 (not yet R7, R8, R11 new period; O1-O4 left 1/5; H4 left): R1-R6, R9, DL1, DL2,
    # H1, H2, H3 = 12. R9 (entered 2/5) has no IHA but it is due 1/6: not overdue at 31/5. Up to date 11/12 = 91.7.
    may = row(df, "2023-05-31")
    assert (may.numerator, may.denominator, may.iha_overdue, may.rha_overdue) == (11, 12, 1, 0)
    # 31/7/2023: R1 (under 5, due 30/6) and R3 (5+, due 30/6) are now overdue too; DL2 (due 25/7) overdue;
    # R5, R8, R9, DL1 (RHA 15/6/2023), H1, H2 fine. Overdue RHA: R1, R2, R3, R4, R6, DL2 = 6; IHA R7, R11, H3 = 3.
    # Looked after: the same 15 as in June -> 6/15 = 40.0.
    jul = row(df, "2023-07-31")
    assert (jul.numerator, jul.denominator, jul.value, jul.rha_overdue, jul.iha_overdue) == (6, 15, 40.0, 6, 3)


def test_rha_in_time_30_june(con):
    df = series(con, "health_rha_in_time")
    # As up to date, but R5's latest RHA (10/1/2023) was late against the due date set by 1/12/2021 (1/12/2022), so
    # R5 is not in time: 8/15 = 53.3. Awaiting a first RHA (latest assessment is the period's first): R8, R9, DL2,
    # H1, H2 = 5 (R9 counts as in time though its IHA was late: the IHA is not overdue).
    r = row(df, "2023-06-30")
    assert (r.numerator, r.denominator, r.value) == (8, 15, 53.3)
    assert (r.rha_overdue, r.iha_overdue, r.last_review_late, r.awaiting_first_rha) == (3, 3, 1, 5)
    # North: R1, R3, R9, DL1, DL2 = 5/8 = 62.5; South: R8, H1, H2 = 3/7 = 42.9
    assert row(df, "2023-06-30", "North").value == 62.5
    assert row(df, "2023-06-30", "South").value == 42.9


# ---------- health_dental ----------

def test_dental_30_june_and_31_july(con):
    df = series(con, "health_dental")
    # Looked after 12 months+ at 30/6/2023 (care began on or before 1/7/2022): R1-R6, DL1 (1/7/2022: exactly 12
    # months) = 7; DL2 (2/7/2022) not yet; R11's new period began 1/6/2023.
    # Checked (last check + 12 months >= 30/6/2023): R1 (30/6/2022, the last day), R3, R5 (30/6/2023), DL1 = 4;
    # R2 (29/6/2022) is a day late; R4 none; R6's check on 1/7/2023 is after the month end. 4/7 = 57.1.
    jun = row(df, "2023-06-30")
    assert (jun.numerator, jun.denominator, jun.value) == (4, 7, 57.1)
    assert (row(df, "2023-06-30", "North").value, row(df, "2023-06-30", "South").value) == (80.0, 0.0)
    # 31/7/2023: DL2 joins (8); R1 now out of time; R6's check counts: R3, R5, R6, DL1 = 4/8 = 50.0
    jul = row(df, "2023-07-31")
    assert (jul.numerator, jul.denominator, jul.value) == (4, 8, 50.0)


def test_dental_cutoffs_agree_with_the_rule_on_every_day_around_every_month_end():
    """The measure compares dates with per-month cutoffs; they must give the rule's own answer for every day."""
    sql = queries.get("health_dental").sql
    start, end = sql.find("cutoffs as ("), sql.find("),\n\ncohort as (")
    assert 0 <= start < end, "health_dental.sql: expected its cutoffs CTE followed by a blank line and the cohort CTE"
    cutoffs = sql[start:end] + ")"
    con = duckdb.connect()
    found = con.execute(f"""
        with {cutoffs},
        days as (
            select k.month_end, k.looked_after_since, k.checked_since, (k.month_end - interval 12 month)::date + d.i::integer as d
            from cutoffs as k cross join range(-45, 46) as d (i)
        )
        select
            count(*) as days,
            count(*) filter (where ((d + interval 12 month)::date - 1 <= month_end) <> (d <= looked_after_since)),
            count(*) filter (where ((d + interval 12 month)::date >= month_end) <> (d >= checked_since)),
            count(*) filter (where d >= checked_since),
            count(*) filter (where d <= looked_after_since)
        from days
    """, {"from_month": D("2000-01-01"), "to_month": D("2030-12-31")}).fetchone()
    days, cohort_wrong, checked_wrong, checked, in_cohort = found
    assert days == 372 * 91 and cohort_wrong == 0 and checked_wrong == 0
    assert 0 < checked < days and 0 < in_cohort < days  # both sides of each cutoff are tried
    at = dict(((m, (a, c)) for m, a, c in con.execute(
        f"with {cutoffs} select month_end, looked_after_since, checked_since from cutoffs",
        {"from_month": D("2016-02-01"), "to_month": D("2023-06-30")}).fetchall()))
    # a check on 28/2/2015 + 12 months = 28/2/2016, a day short of 29/2/2016: in time from 1/3/2015
    assert at[D("2016-02-29")] == (D("2015-03-01"), D("2015-03-01"))
    # 29/2/2016 + 12 months = 28/2/2017: 28/2/2016 is the earliest check in time at 28/2/2017
    assert at[D("2017-02-28")] == (D("2016-03-01"), D("2016-02-28"))
    assert at[D("2023-06-30")] == (D("2022-07-01"), D("2022-06-30"))


# ---------- health_oc2_assessments ----------

def test_oc2_31_march_2023(con):
    df = series(con, "health_oc2_assessments")
    # Only 31 March rows (2023 and 2024 in the range April 2022 - March 2024).
    assert sorted(set(df.month_end.dt.strftime("%Y-%m-%d"))) == ["2023-03-31", "2024-03-31"]
    # Cohort at 31/3/2023 (looked after since 1/4/2022 or earlier, no V3/V4 in the year): R1-R6, O1 (1/4/2022, the
    # boundary), O3 (placement change within the period) = 8. Not: O2 (2/4/2022), O4 (V4 episode), R10 (V3),
    # R11 (left 31/12/2022), DL1/DL2 (July 2022).
    # OC2 health_assessment = 1: R1, R2, R4, O1, O3 = 5 (R3 no, R5 blank, R6 no OC2 row) -> 62.5.
    r = row(df, "2023-03-31")
    assert (r.numerator, r.denominator, r.value) == (5, 8, 62.5)
    assert (r.oc2_records, r.teeth_checked) == (7, 1)
    # North: R1, R2, R3, R5, O1, O3 -> 4/6 = 66.7; South: R4, R6 -> 1/2 = 50.0
    assert (row(df, "2023-03-31", "North").value, row(df, "2023-03-31", "South").value) == (66.7, 50.0)
    # 31/3/2024: cohort R1-R6, DL1, DL2 = 8, no OC2 return loaded for 2024 -> 0/8
    assert (row(df, "2024-03-31").numerator, row(df, "2024-03-31").denominator) == (0, 8)


# ---------- health_overdue_list ----------

def test_overdue_list_30_june(con):
    df = queries.run("health_overdue_list", con, la_codes=[LA], as_of="2023-06-30")
    # IHA: R7 (due 29/6, 1 day), R11 (due 29/6, 1 day), H3 (due 4/5, 57 days).
    # RHA: R2 (last 29/12/2022, due 29/6, 1), R4 (last 29/6/2022, due 29/6, 1), R6 (last 1/12/2022, due 1/6, 29).
    # DENTAL (looked after 12 months+): R2 (last 29/6/2022, due 29/6/2023, 1); R4 and R6 (no check on or before
    # 30/6; due when they completed 12 months, 1/1/2020 + 12 months - 1 day = 31/12/2020: 365 + 365 + 181 = 911).
    # Worst first, ties by child then assessment.
    assert list(df.columns[:4]) == ["child", "la_code", "team", "social_worker"]
    got = list(zip(df.child, df.assessment, df.days_overdue, strict=True))
    assert got == [
        ("R4", "DENTAL", 911), ("R6", "DENTAL", 911), ("H3", "IHA", 57), ("R6", "RHA", 29),
        ("R11", "IHA", 1), ("R2", "DENTAL", 1), ("R2", "RHA", 1), ("R4", "RHA", 1), ("R7", "IHA", 1),
    ]
    r6 = df[(df.child == "R6") & (df.assessment == "RHA")].iloc[0]
    assert (str(r6.last_assessment_date.date()), str(r6.due_date.date())) == ("2022-12-01", "2023-06-01")
    assert r6.rule_applied == "6 months (under 5 at the last assessment)"
    assert (r6.team, r6.social_worker) == ("South", "W2")
    h3 = df[df.child == "H3"].iloc[0]
    assert pd.isna(h3.last_assessment_date) and str(h3.due_date.date()) == "2023-05-04"


def test_overdue_list_boundaries_and_filters(con):
    # 29/6/2023: R2 and R4's RHA are due that day (not overdue), R7's IHA too -> none of them on the list as RHA/IHA
    day_before = queries.run("health_overdue_list", con, la_codes=[LA], as_of="2023-06-29")
    pairs = set(zip(day_before.child, day_before.assessment, strict=True))
    assert pairs >= {("H3", "IHA"), ("R6", "RHA")}
    assert ("R2", "RHA") not in pairs and ("R4", "RHA") not in pairs and ("R7", "IHA") not in pairs
    # 1/7/2023: R1's RHA (due 30/6, six-monthly: under 5) is a day overdue; R3's (5+, due 30/6) too
    after = queries.run("health_overdue_list", con, la_codes=[LA], as_of="2023-07-01")
    rha = after[after.assessment == "RHA"].set_index("child")
    assert rha.loc["R1", "days_overdue"] == 1 and rha.loc["R3", "days_overdue"] == 1
    assert rha.loc["R3", "rule_applied"] == "12 months (5 or over at the last assessment)"
    south = queries.run("health_overdue_list", con, la_codes=[LA], team="South", as_of="2023-06-30")
    assert list(zip(south.child, south.assessment, strict=True)) == [
        ("R4", "DENTAL"), ("R6", "DENTAL"), ("H3", "IHA"), ("R6", "RHA"), ("R11", "IHA"), ("R4", "RHA")]
    both = queries.run("health_overdue_list", con, la_codes=None, as_of="2023-06-30")
    z = both[both.la_code == LA2]
    assert list(zip(z.child, z.assessment, z.days_overdue, strict=True)) == [("Z", "IHA", 1)]


# ---------- pandas equivalents agree ----------

def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """All rows (authority and team) in a fixed order with numbers as floats (nulls as NaN), to compare SQL and
    pandas."""
    out = frame[["la_code", "team", "month_end", "numerator", "denominator", "value"]].copy()
    out["month_end"] = pd.to_datetime(out.month_end).astype("datetime64[ns]")
    for c in ("numerator", "denominator", "value"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out.sort_values(["la_code", "team", "month_end"]).reset_index(drop=True)


@pytest.mark.parametrize("name", ["health_iha_in_time", "health_rha_in_time", "health_up_to_date", "health_dental",
                                  "health_oc2_assessments"])
def test_pandas_equivalent_agrees(con, name):
    # The pandas baseline computes the same rows as the SQL (authority and team rows); they must agree exactly.
    tables = {t: con.execute(f"select * from {t}").df() for t in pd_health.TABLES}
    got = comparable(getattr(pd_health, name)(tables, D("2022-04-01"), D("2024-03-31")))
    sql = comparable(series(con, name, la_codes=None))
    assert (sql.team != "All teams").sum() > 0 and sql.numerator.sum() > 0
    pd.testing.assert_frame_equal(got, sql)
