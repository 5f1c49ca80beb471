"""Workforce measures on a tiny hand-written authority, each expected value worked out by hand below."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

import queries
from benchmarks.pandas_measures import workforce as pd_workforce
from tests.warehouse_fixture import make_warehouse

LA = "Z99000001"
LA2 = "Z99000002"
D = dt.date.fromisoformat

# Workforce spells (end_date = last day in post). All FTE below are in post from their start to their end.
#
# worker  team    role  agency  FTE  start       end         note
# W1      Team A  5     no      1.0  2020-01-01  -
# W2      Team A  4     no      0.5  2020-01-01  2024-01-31  leaves ON a month end: in post 31/1, January leaver
# W3      Team B  5     yes     1.0  2023-06-15  2024-02-01  leaves the day AFTER a month end: in post 31/1,
#                                                            February leaver (agency)
# W4      Team B  3     no      1.0  2020-01-01  -           first line manager: not case-holding
# W5      Team A  5     no      0.8  2024-02-10  -           February starter
# W6      Team A  5     no      1.0  2020-01-01  2024-03-31  moves team: not a leaver in March ...
# W6      Team B  5     no      1.0  2024-04-01  -           ... and not a starter in April
# W7      Team A  5     yes     0.5  2024-04-15  -           agency, covers a Team A vacancy
# W9      Team X  6     no      1.0  2020-01-01  -           in the second authority (Z99000002)
# W10     Team X  5     no      1.0  2020-01-01  2024-06-30  Z99000002: overlaps W10's next spell, so it is cut
# W10     Team Y  5     no      0.5  2024-03-01  -           short on 29/2/2024 (W10 is not a leaver)
#
# In post at month ends (FTE / headcount):
#   31/12/2023 and 31/1/2024: W1 1.0 A, W2 0.5 A, W3 1.0 B (agency), W4 1.0 B, W6 1.0 A
#       -> 4.5 FTE, 5 heads; agency 1.0 / 1; permanent 3.5 / 4; Team A 2.5 / 3; Team B 2.0 / 2
#   29/2/2024 and 31/3/2024: W1 1.0 A, W4 1.0 B, W5 0.8 A, W6 1.0 A
#       -> 3.8 FTE, 4 heads, no agency; Team A 2.8; Team B 1.0
#   30/4/2024: W1 1.0 A, W5 0.8 A, W7 0.5 A (agency), W4 1.0 B, W6 1.0 B
#       -> 4.3 FTE, 5 heads; agency 0.5; Team A 2.3 (permanent 1.8); Team B 2.0
#
# Children C1-C5 are looked after throughout (1/1/2023 onwards). C1, C2, C3 are allocated to W1 (Team A); C4 to W3
# until 1/2/2024, then to W6 (Team A until 31/3/2024, Team B from 1/4/2024); C5 has no worker ('Unallocated').


def spell(sw_id, team, role, agency, fte, start, end=None, la=LA):
    return {"la_code": la, "sw_id": sw_id, "team": team, "org_role": role, "agency_worker": agency, "fte": fte,
            "start_date": D(start), "end_date": D(end) if end else None, "reason_leave": 1 if end else None}


SPELLS = [
    spell("W1", "Team A", 5, False, 1.0, "2020-01-01"),
    spell("W2", "Team A", 4, False, 0.5, "2020-01-01", "2024-01-31"),
    spell("W3", "Team B", 5, True, 1.0, "2023-06-15", "2024-02-01"),
    spell("W4", "Team B", 3, False, 1.0, "2020-01-01"),
    spell("W5", "Team A", 5, False, 0.8, "2024-02-10"),
    spell("W6", "Team A", 5, False, 1.0, "2020-01-01", "2024-03-31"),
    spell("W6", "Team B", 5, False, 1.0, "2024-04-01"),
    spell("W7", "Team A", 5, True, 0.5, "2024-04-15"),
    spell("W9", "Team X", 6, False, 1.0, "2020-01-01", la=LA2),
    spell("W10", "Team X", 5, False, 1.0, "2020-01-01", "2024-06-30", la=LA2),
    spell("W10", "Team Y", 5, False, 0.5, "2024-03-01", la=LA2),
]

# Return years 2024 and 2025 give child-months from April 2023 to March 2025.
EPISODES = [{"la_code": LA, "child": f"C{i}", "decom": D("2023-01-01"), "rne": "S", "ls": "C2", "place": "U4",
             "return_year": 2024 if i < 5 else 2025} for i in range(1, 6)]
ALLOCATIONS = [{"la_code": LA, "child": c, "sw_id": "W1", "sw_decom": D("2023-01-01")} for c in ("C1", "C2", "C3")] + [
    {"la_code": LA, "child": "C4", "sw_id": "W3", "sw_decom": D("2023-06-15"), "sw_dec": D("2024-02-01")},
    {"la_code": LA, "child": "C4", "sw_id": "W6", "sw_decom": D("2024-02-01")},
]
# Establishment: Team A 3.0 FTE from 1/1/2024; Team B 1.5 FTE from 1/4/2024; no other team known.
ESTABLISHMENT = [
    {"la_code": LA, "team": "Team A", "fte": 3.0, "start_date": D("2024-01-01")},
    {"la_code": LA, "team": "Team B", "fte": 1.5, "start_date": D("2024-04-01")},
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_warehouse(tmp_path_factory.mktemp("wf") / "w.duckdb", {
        "fact_worker_spell": SPELLS, "fact_episode": EPISODES, "fact_allocation": ALLOCATIONS,
        "fact_establishment": ESTABLISHMENT,
    }, cover_from="2023-01")  # every file covers January 2023 to March 2025 (children only from April 2023)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def rows(con, name, team="All teams", la=LA, **params):
    """{month_end: row} of one team's rows (Dec 2023 to Apr 2024 unless said otherwise)."""
    params = {"from_month": "2023-12", "to_month": "2024-04", **params}
    df = queries.run(name, con, **params)
    df = df[(df.la_code == la) & (df.team == team)]
    return {r.month_end.date() if hasattr(r.month_end, "date") else r.month_end: r for r in df.itertuples()}


def test_in_post_fte_headcount_and_split(con):
    got = rows(con, "workforce_in_post")
    jan, feb, apr = got[D("2024-01-31")], got[D("2024-02-29")], got[D("2024-04-30")]
    # 31/1: W2 (end 31/1, the month end itself) and W3 (end 1/2) are both still in post -> 4.5 FTE, 5 heads.
    assert (jan.value, jan.headcount, jan.permanent_fte, jan.agency_fte, jan.agency_headcount) == (4.5, 5, 3.5, 1.0, 1)
    # 29/2: W2 and W3 gone, W5 arrived -> 3.8 FTE, 4 heads, all permanent.
    assert (feb.value, feb.headcount, feb.agency_fte) == (3.8, 4, 0.0)
    assert pd.isna(feb.denominator) and feb.numerator == feb.value
    # 30/4: W7 (agency 0.5) arrived -> 4.3 FTE, 5 heads.
    assert (apr.value, apr.headcount, apr.permanent_fte, apr.agency_fte) == (4.3, 5, 3.8, 0.5)


def test_in_post_by_team_follows_the_spell(con):
    a, b = rows(con, "workforce_in_post", team="Team A"), rows(con, "workforce_in_post", team="Team B")
    # W6 is Team A at 31/3 (last day of that spell) and Team B at 30/4.
    assert [a[D(d)].value for d in ("2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30")] == [2.5, 2.8, 2.8, 2.3]
    assert [b[D(d)].value for d in ("2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30")] == [2.0, 1.0, 1.0, 2.0]


def test_team_and_authority_filters(con):
    df = queries.run("workforce_in_post", con, team="Team A", from_month="2024-01", to_month="2024-04")
    # a team filter returns that team's rows only, for both authorities' data (Team A exists only in Z99000001)
    assert set(df.team) == {"Team A"} and set(df.la_code) == {LA} and len(df) == 4
    df = queries.run("workforce_agency_rate", con, la_codes=[LA2], from_month="2024-01", to_month="2024-04")
    # Z99000002: W9 and W10, all permanent -> 0 % agency; no rows for Z99000001; Team Y from March
    assert set(df.la_code) == {LA2} and set(df.team) == {"All teams", "Team X", "Team Y"}
    assert df.value.tolist() == [0.0] * 10


def test_overlapping_spells_count_once(con):
    got = rows(con, "workforce_in_post", la=LA2, la_codes=[LA2])
    # 29/2/2024: W9 1.0 + W10 (Team X) 1.0 = 2.0. 31/3/2024: W10's Team X spell was cut short on 29/2 (its Team Y
    # spell starts 1/3), so W9 1.0 + W10 0.5 = 1.5 FTE, 2 heads - not 2.5 FTE and 3 heads.
    assert (got[D("2024-02-29")].value, got[D("2024-03-31")].value, got[D("2024-03-31")].headcount) == (2.0, 1.5, 2)
    turnover = rows(con, "workforce_turnover", la=LA2, la_codes=[LA2])
    # the overlap is a move, not a leaver (February) or a starter (March)
    assert (turnover[D("2024-02-29")].leavers_headcount, turnover[D("2024-03-31")].starters_headcount) == (0, 0)


def test_agency_rate(con):
    got = rows(con, "workforce_agency_rate")
    # 31/1: 1.0 agency / 4.5 = 22.2 %; 29/2: 0 / 3.8 = 0 %; 30/4: 0.5 / 4.3 = 11.63 -> 11.6 %
    assert (got[D("2024-01-31")].numerator, got[D("2024-01-31")].denominator) == (1.0, 4.5)
    assert [got[D(d)].value for d in ("2024-01-31", "2024-02-29", "2024-04-30")] == [22.2, 0.0, 11.6]
    # Team A at 30/4: 0.5 / 2.3 = 21.74 -> 21.7 %; Team B at 31/1: W3 1.0 / 2.0 = 50 %
    assert rows(con, "workforce_agency_rate", team="Team A")[D("2024-04-30")].value == 21.7
    assert rows(con, "workforce_agency_rate", team="Team B")[D("2024-01-31")].value == 50.0


def test_turnover_permanent_only_with_leaver_on_month_end(con):
    got = rows(con, "workforce_turnover")
    jan, feb, mar, apr = (got[D(d)] for d in ("2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"))
    # January: W2 (permanent 0.5, end 31/1) leaves in January; W3 (agency, end 1/2) leaves in February.
    assert (jan.leavers_fte, jan.leavers_headcount, jan.agency_leavers_fte) == (0.5, 1, 0.0)
    assert (feb.leavers_fte, feb.leavers_headcount, feb.agency_leavers_fte) == (0.0, 0, 1.0)
    # Rolling to 31/1/2024: permanent FTE at the 13 month ends 31/1/2023 .. 31/1/2024 is 3.5 each (W1, W2, W4, W6)
    # -> average 3.5; permanent leavers Feb 2023 - Jan 2024 = W2 0.5 -> 0.5 / 3.5 = 14.29 -> 14.3 %.
    assert (jan.numerator, jan.denominator, jan.value) == (0.5, 3.5, 14.3)
    # To 29/2/2024: 12 month ends at 3.5 (28/2/2023 .. 31/1/2024) and 29/2/2024 at 3.8 (W1, W4, W5, W6)
    # -> (12 * 3.5 + 3.8) / 13 = 45.8 / 13 = 3.523; 0.5 / 3.523 = 14.19 -> 14.2 % (W3 is agency: not counted).
    assert (feb.numerator, feb.denominator, feb.value) == (0.5, 3.52, 14.2)
    # All staff to 29/2: leavers W2 0.5 + W3 1.0 = 1.5; all-staff FTE: 28/2..31/5/2023 3.5 (4 months),
    # 30/6/2023..31/1/2024 4.5 (8 months, W3 in), 29/2/2024 3.8 -> 53.8 / 13 = 4.138; 1.5 / 4.138 = 36.2 %.
    assert feb.turnover_all_staff == 36.2
    # CSWW form at 31/1: 0.5 / permanent FTE at 31/1 (3.5) = 14.3 %; at 29/2: 0.5 / 3.8 = 13.2 %.
    assert (jan.turnover_csww, feb.turnover_csww) == (14.3, 13.2)
    # Starters: W5 (0.8) in February; W6's move to Team B on 1/4 is neither a leaver (March) nor a starter (April).
    assert (feb.starters_fte, feb.starters_headcount) == (0.8, 1)
    assert (mar.leavers_headcount, apr.starters_headcount) == (0, 0)


def test_turnover_by_team(con):
    a = rows(con, "workforce_turnover", team="Team A")[D("2024-01-31")]
    # Team A permanent FTE at the 13 month ends to 31/1/2024: W1 + W2 + W6 = 2.5 each; leaver W2 0.5 -> 20.0 %.
    assert (a.numerator, a.denominator, a.value) == (0.5, 2.5, 20.0)


def test_vacancy_rate_where_establishment_known(con):
    got = rows(con, "workforce_vacancy_rate")
    # No establishment before 1/1/2024: no December row.
    assert D("2023-12-31") not in got
    # 31/1: Team A 3.0 - permanent 2.5 (W1, W2, W6) = 0.5 vacant -> 16.7 %.
    # 29/2: 3.0 - 2.8 (W1, W5, W6) = 0.2 -> 6.7 %.
    assert [(got[D(d)].numerator, got[D(d)].denominator, got[D(d)].value)
            for d in ("2024-01-31", "2024-02-29")] == [(0.5, 3.0, 16.7), (0.2, 3.0, 6.7)]
    # 30/4: Team A 3.0 - permanent 1.8 (W1, W5) = 1.2 (40.0 %), covered by agency W7 0.5;
    # Team B 1.5 - permanent 2.0 (W4, W6) -> 0 vacancies (not -0.5: over-establishment does not offset Team A);
    # authority 1.2 / 4.5 = 26.7 %.
    apr = got[D("2024-04-30")]
    assert (apr.numerator, apr.denominator, apr.value, apr.agency_cover_fte, apr.unfilled_fte) == (
        1.2, 4.5, 26.7, 0.5, 0.7)
    team_a = rows(con, "workforce_vacancy_rate", team="Team A")[D("2024-04-30")]
    team_b = rows(con, "workforce_vacancy_rate", team="Team B")
    assert team_a.value == 40.0
    # Team B's establishment starts 1/4/2024: only the April row.
    assert list(team_b) == [D("2024-04-30")] and team_b[D("2024-04-30")].value == 0.0


def test_caseload(con):
    got = rows(con, "workforce_caseload")
    # Case-holding FTE (OrgRole 4, 5; W4 is OrgRole 3): 31/1: W1 1.0 A, W2 0.5 A, W3 1.0 B, W6 1.0 A = 3.5;
    # 29/2: W1, W5 0.8, W6 = 2.8 (all Team A); 30/4: W1, W5, W7 0.5 (Team A 2.3) + W6 (Team B 1.0) = 3.3.
    # All 5 children count for the authority (C5 unallocated too): 5 / 3.5 = 1.43 -> 1.4; 5 / 2.8 = 1.79 -> 1.8;
    # 5 / 3.3 = 1.52 -> 1.5.
    assert [(got[D(d)].numerator, got[D(d)].denominator, got[D(d)].value)
            for d in ("2024-01-31", "2024-02-29", "2024-04-30")] == [(5, 3.5, 1.4), (5, 2.8, 1.8), (5, 3.3, 1.5)]
    a, b = rows(con, "workforce_caseload", team="Team A"), rows(con, "workforce_caseload", team="Team B")
    # Team A: 31/1 C1-C3 / 2.5 = 1.2; 29/2 C1-C4 (C4 now with W6) / 2.8 = 1.43 -> 1.4; 30/4 C1-C3 / 2.3 = 1.3.
    assert [a[D(d)].value for d in ("2024-01-31", "2024-02-29", "2024-04-30")] == [1.2, 1.4, 1.3]
    # Team B: 31/1 C4 / W3 1.0 = 1.0; no case-holders and no children in Feb/Mar -> no rows; 30/4 C4 / W6 1.0 = 1.0.
    assert {d: r.value for d, r in b.items()} == {D("2023-12-31"): 1.0, D("2024-01-31"): 1.0, D("2024-04-30"): 1.0}
    # unallocated children have no team row
    df = queries.run("workforce_caseload", con, from_month="2023-12", to_month="2024-04")
    assert "Unallocated" not in set(df.team)


def _tables(con) -> dict[str, pd.DataFrame]:
    return {t: con.table(t).df() for t in ("fact_worker_spell", "fact_child_month", "fact_establishment",
                                           "source_coverage")}


@pytest.mark.parametrize("measure", ["workforce_in_post", "workforce_agency_rate", "workforce_turnover",
                                     "workforce_vacancy_rate", "workforce_caseload"])
def test_pandas_agrees_with_sql(con, measure):
    sql = queries.run(measure, con, from_month="2023-01", to_month="2025-03")
    sql = sql[sql.team == "All teams"]
    if measure == "workforce_vacancy_rate":
        # Z99000002 has no establishment rows: the registry gives it blank 'All teams' rows (never 0); the pandas
        # baseline computes only where an establishment is known
        assert sql.loc[sql.la_code == "Z99000002", "value"].isna().all()
        sql = sql[sql.la_code != "Z99000002"]
    sql = sql[["la_code", "month_end", "numerator", "denominator", "value"]]
    sql = sql.assign(month_end=pd.to_datetime(sql.month_end).astype("datetime64[ns]")).reset_index(drop=True)
    pdf = getattr(pd_workforce, measure)(_tables(con), "2023-01", "2025-03")
    # in post/agency/turnover: 27 months x 2 authorities; vacancy: Jan 2024 - Mar 2025 (15); caseload: the months
    # the sources cover, Jan 2023 - Mar 2025, for both authorities (no children before April 2023 or in Z99000002:
    # 0 per FTE) (54)
    assert len(sql) == len(pdf) == {"workforce_vacancy_rate": 15}.get(measure, 54)
    assert sql.month_end.tolist() == pdf.month_end.tolist() and sql.la_code.tolist() == pdf.la_code.tolist()
    for col in ("numerator", "denominator", "value"):
        a = sql[col].astype("Float64").fillna(-1).tolist()
        b = pdf[col].astype("Float64").fillna(-1).tolist()
        assert a == b, col
