"""Missing-from-care measures on a tiny hand-written authority, each expected value worked out by hand below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from benchmarks.pandas_measures import missing as pd_missing
from tests.warehouse_fixture import make_warehouse

LA = "Z99000001"
LA2 = "Z99000002"
D = dt.date.fromisoformat
T = dt.datetime.fromisoformat

# Children (all looked after from 1/1/2022): A, B North (worker W1); C South (W2); E North (W1) until 14/6/2023,
# then South (W2) from 15/6/2023; F North (W1), left care on 20/6/2023 (so not looked after at 30/6/2023: its
# month-end team falls back to 31/5/2023, North). G North (W1) left care on 1/7/2022; H North (W1) is on short
# breaks (V3) throughout; neither ever goes missing. Z is in a second authority (LA2), team North (W9).
# fact_child_month runs April 2022 to March 2024 (returns 2023 and 2024).
#
# Missing (M) and away (A) episodes. Team = child's team at the end of the start month (missing_episodes) or the
# return month (missing_rhi_in_time); offer = earlier of rhi_offered_at and rhi_at; deadline = mis_end + 72h.
#
# id   child type start       end (return)       offered / interview          72h verdict
# e1   A     M    2022-07-01  2022-07-02 00:00   2022-07-03 / 2022-07-03      in time
# e2   B     M    2022-06-30  2022-07-01 00:00   2022-07-02 / -               in time
# e3   C     A    2023-01-10  2023-01-10 20:00   no record                    -
# e4   C     M    2023-03-28  2023-03-30 10:00   no record                    -
# e5   B     A    2023-03-29  2023-03-31 10:00   no record                    -
# e6   E     M    2023-06-02  2023-06-03 (date)  2023-06-07 (date) / -        late: 4 days (96h)
# e7   B     A    2023-06-05  2023-06-05 22:00   no record                    none
# e8   F     M    2023-06-05  2023-06-06 12:00   - / 2023-06-08 12:00         in time (48h, interview only)
# f2   F     M    2023-06-15  2023-06-16 (date)  no record                    none
# e9   A     M    2023-06-10  2023-06-12 10:00   2023-06-15 10:00 / 06-16 09  in time: exactly 72h (done 95h: late)
# e10  C     M    2023-06-15  2023-06-16 (date)  2023-06-19 (date) both       in time: 3 days = 72h (done too)
# e11  A     M    2023-06-20  2023-06-21 08:00   2023-06-24 09:00 / -         late: 73h
# e12  C     A    2023-06-25  2023-06-28 14:00   2023-07-01 09:00 / -         in time: 67h
# e13  B     M    2023-06-28  2023-07-03 00:00   2023-07-04 / -               in time
# P1   A     M    2023-08-01  2023-08-08 00:00   2023-08-09                   (prolonged: exactly 7 days)
# P2   B     M    2023-08-01  2023-08-07 23:59   2023-08-08                   (not prolonged: 6d 23h 59m)
# P3   C     A    2023-08-28  2023-09-10 12:00   2023-09-11                   (prolonged, reached 4/9)
# P4   E     M    2023-08-24  still open         -                            (prolonged, reached 31/8)
# P5   A     M    2023-09-25  2023-10-05 00:00   2023-10-06                   (prolonged, reached 2/10)
# P7   B     M    2023-08-25  2023-09-02 (date)  2023-09-03                   (prolonged, reached 1/9)
# z1   Z     M    2023-06-01  2023-06-02 (date)  no record                    none (LA2)


def ep(child, decom, dec=None, la=LA, return_year=2024, ls="C2"):
    return {"la_code": la, "child": child, "decom": D(decom), "dec": D(dec) if dec else None, "rne": "S",
            "ls": ls, "place": "U4", "return_year": return_year}


def alloc(child, sw_id, start, end=None, la=LA):
    return {"la_code": la, "child": child, "sw_id": sw_id, "sw_decom": D(start), "sw_dec": D(end) if end else None}


def spell(sw_id, team, la=LA):
    return {"la_code": la, "sw_id": sw_id, "team": team, "start_date": D("2020-01-01"), "fte": 1.0}


def mis(child, mtype, start, end=None, offered=None, rhi=None, la=LA):
    return {"la_code": la, "child": child, "missing_type": mtype, "mis_start": D(start),
            "mis_end": T(end) if end else None, "has_rhi_record": bool(offered or rhi),
            "rhi_offered_at": T(offered) if offered else None, "rhi_at": T(rhi) if rhi else None}


TABLES = {
    "fact_episode": [
        ep("A", "2022-01-01", return_year=2023),
        ep("B", "2022-01-01"),
        ep("C", "2022-01-01"),
        ep("E", "2022-01-01"),
        ep("F", "2022-01-01", dec="2023-06-20"),
        ep("G", "2022-01-01", dec="2022-07-01"),
        ep("H", "2022-01-01", ls="V3"),
        ep("Z", "2022-01-01", la=LA2),
    ],
    "fact_allocation": [
        alloc("A", "W1", "2022-01-01"),
        alloc("B", "W1", "2022-01-01"),
        alloc("C", "W2", "2022-01-01"),
        alloc("E", "W1", "2022-01-01", "2023-06-14"),
        alloc("E", "W2", "2023-06-15"),
        alloc("F", "W1", "2022-01-01"),
        alloc("G", "W1", "2022-01-01"),
        alloc("H", "W1", "2022-01-01"),
        alloc("Z", "W9", "2022-01-01", la=LA2),
    ],
    "fact_worker_spell": [spell("W1", "North"), spell("W2", "South"), spell("W9", "North", la=LA2)],
    "fact_missing": [
        mis("A", "M", "2022-07-01", "2022-07-02", "2022-07-03", "2022-07-03"),
        mis("B", "M", "2022-06-30", "2022-07-01", "2022-07-02"),
        mis("C", "A", "2023-01-10", "2023-01-10 20:00"),
        mis("C", "M", "2023-03-28", "2023-03-30 10:00"),
        mis("B", "A", "2023-03-29", "2023-03-31 10:00"),
        mis("E", "M", "2023-06-02", "2023-06-03", "2023-06-07"),
        mis("B", "A", "2023-06-05", "2023-06-05 22:00"),
        mis("F", "M", "2023-06-05", "2023-06-06 12:00", None, "2023-06-08 12:00"),
        mis("F", "M", "2023-06-15", "2023-06-16"),
        mis("A", "M", "2023-06-10", "2023-06-12 10:00", "2023-06-15 10:00", "2023-06-16 09:00"),
        mis("C", "M", "2023-06-15", "2023-06-16", "2023-06-19", "2023-06-19"),
        mis("A", "M", "2023-06-20", "2023-06-21 08:00", "2023-06-24 09:00"),
        mis("C", "A", "2023-06-25", "2023-06-28 14:00", "2023-07-01 09:00"),
        mis("B", "M", "2023-06-28", "2023-07-03", "2023-07-04"),
        mis("A", "M", "2023-08-01", "2023-08-08", "2023-08-09"),
        mis("B", "M", "2023-08-01", "2023-08-07 23:59", "2023-08-08"),
        mis("C", "A", "2023-08-28", "2023-09-10 12:00", "2023-09-11"),
        mis("E", "M", "2023-08-24"),
        mis("A", "M", "2023-09-25", "2023-10-05", "2023-10-06"),
        mis("B", "M", "2023-08-25", "2023-09-02", "2023-09-03"),
        mis("Z", "M", "2023-06-01", "2023-06-02", la=LA2),
    ],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_warehouse(Path(tmp_path_factory.mktemp("wh")) / "missing.duckdb", TABLES)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def row(df: pd.DataFrame, month_end: str, team: str = "All teams", la: str = LA) -> pd.Series:
    hit = df[(df.la_code == la) & (df.team == team) & (df.month_end == pd.Timestamp(month_end))]
    assert len(hit) == 1, f"expected one row for {la} {team} {month_end}, got {len(hit)}"
    return hit.iloc[0]


def series(con, name, **kw):
    kw.setdefault("la_codes", [LA])
    kw.setdefault("from_month", "2023-04")
    kw.setdefault("to_month", "2023-10")
    return queries.run(name, con, **kw)


# ---------- missing_episodes ----------

def test_missing_episodes_june_authority(con):
    # June 2023, LA. M episodes starting in June: e6 E, e8 F, f2 F, e9 A, e10 C, e11 A, e13 B = 7; children
    # E, F, A, C, B = 5. A episodes in June: e7 B, e12 C = 2 (2 children).
    # Rolling 12 months = July 2022 .. June 2023. M: e1 (1/7/2022, first day: in), e4, and the 7 June ones = 9
    # episodes (e2 on 30/6/2022 is the day before the window: out); children A, C, E, F, B = 5 -> value 5;
    # episodes per child 9 / 5 = 1.8. A in 12 months: e3, e5, e7, e12 = 4, children C, B = 2.
    r = row(series(con, "missing_episodes"), "2023-06-30")
    assert (r.numerator, r.value) == (5, 5)
    assert pd.isna(r.denominator)
    assert (r.episodes_in_month, r.children_in_month) == (7, 5)
    assert (r.away_episodes, r.children_away_in_month) == (2, 2)
    assert (r.episodes_12m, r.away_episodes_12m, r.children_away_12m) == (9, 4, 2)
    assert r.episodes_per_child == pytest.approx(1.8)


def test_missing_episodes_rolling_window_edges(con):
    df = series(con, "missing_episodes")
    # May 2023: window June 2022 .. May 2023: M e2 (30/6/2022: in), e1, e4 -> 3 episodes, children B, A, C = 3;
    # nothing started in May.
    may = row(df, "2023-05-31")
    assert (may.numerator, may.episodes_12m, may.episodes_in_month) == (3, 3, 0)
    # July 2023: window August 2022 .. July 2023: e1 (1/7/2022) drops out -> 8 M episodes; children still 5.
    jul = row(df, "2023-07-31")
    assert (jul.numerator, jul.episodes_12m, jul.episodes_in_month) == (5, 8, 0)


def test_missing_episodes_by_team(con):
    df = series(con, "missing_episodes")
    # Teams at the end of each start month. E's June episode: E moved to South on 15/6, so South at 30/6 (not
    # North, its team on the day). F left care on 20/6: latest month-end team 31/5 = North.
    # North June: M in 12 months e1, e8, f2, e9, e11, e13 = 6, children A, F, B = 3 (per child 2.0); in month e8,
    # f2, e9, e11, e13 = 5 episodes, 3 children; away e7 in month (1), e5 + e7 in 12 months (2, child B).
    north = row(df, "2023-06-30", "North")
    assert (north.numerator, north.episodes_12m, north.episodes_in_month, north.children_in_month) == (3, 6, 5, 3)
    assert (north.away_episodes, north.away_episodes_12m, north.children_away_12m) == (1, 2, 1)
    assert north.episodes_per_child == pytest.approx(2.0)
    # South June: M e4 (C, March), e6 (E), e10 (C) = 3, children C, E = 2 (1.5); in month e6, e10; away e12 in
    # month, e3 + e12 in 12 months (child C).
    south = row(df, "2023-06-30", "South")
    assert (south.numerator, south.episodes_12m, south.episodes_in_month, south.children_in_month) == (2, 3, 2, 2)
    assert (south.away_episodes, south.away_episodes_12m, south.children_away_12m) == (1, 2, 1)
    assert south.episodes_per_child == pytest.approx(1.5)
    # team filter: only that team's rows, no 'All teams' row
    only = series(con, "missing_episodes", team="South")
    assert set(only.team) == {"South"}
    assert row(only, "2023-06-30", "South").numerator == 2


def test_missing_episodes_authority_filter(con):
    # LA2 is filtered out with la_codes=[LA]; with all authorities, LA2 June: z1 -> 1 child.
    assert set(series(con, "missing_episodes").la_code) == {LA}
    both = series(con, "missing_episodes", la_codes=None)
    assert row(both, "2023-06-30", la=LA2).numerator == 1
    assert row(both, "2023-06-30").numerator == 5


# ---------- missing_children_pct ----------

def test_missing_children_pct(con):
    df = series(con, "missing_children_pct")
    # June 2023: looked after in July 2022 .. June 2023 (H's short breaks excluded): A, B, C, E, F and G (left on
    # 1/7/2022, the window's first day, so looked after during it) = 6; went missing (M) in the window: A, C, E, F,
    # B = 5 -> 83.3. Teams (latest month end in the window at which looked after): A, B North, F North (31/5),
    # C, E South (30/6), G never at a month end in the window -> 'Unallocated'.
    jun = row(df, "2023-06-30")
    assert (jun.numerator, jun.denominator, jun.value) == (5, 6, 83.3)
    assert (row(df, "2023-06-30", "North").numerator, row(df, "2023-06-30", "North").denominator) == (3, 3)
    assert (row(df, "2023-06-30", "South").numerator, row(df, "2023-06-30", "South").denominator) == (2, 2)
    assert row(df, "2023-06-30", "Unallocated").value == 0.0
    # July 2023 (August 2022 .. July 2023): G drops out; all five went missing -> 5/5 = 100.0
    assert (row(df, "2023-07-31").numerator, row(df, "2023-07-31").denominator) == (5, 5)
    # May 2023 (June 2022 .. May 2023): 6 looked after; missing e2 B (30/6/2022), e1 A, e4 C -> 3/6 = 50.0
    assert row(df, "2023-05-31").value == 50.0
    assert set(series(con, "missing_children_pct", team="South").team) == {"South"}


# ---------- missing_rhi_in_time ----------

def test_rhi_in_time_june(con):
    # Ended in June 2023: e6, e7, e8, f2, e9, e10, e11, e12 = 8 (e13 returned on 3/7).
    # Offered within 72h: e8 (48h, interview only), e9 (exactly 72h), e10 (3 days, dates only), e12 (67h) = 4
    # -> 50.0%. Late: e6 (4 days = 96h), e11 (73h) = 2. No record: e7, f2 = 2.
    # Done within 72h: e8, e10 = 2 (e9's interview at 95h is late) -> 25.0%.
    r = row(series(con, "missing_rhi_in_time"), "2023-06-30")
    assert (r.numerator, r.denominator, r.value) == (4, 8, 50.0)
    assert (r.done_in_time, r.pct_done_in_time) == (2, 25.0)
    assert (r.offered_late, r.no_interview_record) == (2, 2)


def test_rhi_in_time_by_team(con):
    df = series(con, "missing_rhi_in_time")
    # Team at 30/6 (return month): North: e7 B, e8 F (fallback 31/5), f2 F, e9 A, e11 A -> in time e8, e9 = 2/5 =
    # 40.0; done e8 = 20.0; late e11; no record e7, f2.
    north = row(df, "2023-06-30", "North")
    assert (north.numerator, north.denominator, north.value, north.pct_done_in_time) == (2, 5, 40.0, 20.0)
    assert (north.offered_late, north.no_interview_record) == (1, 2)
    # South: e6 E (South from 15/6), e10 C, e12 C -> in time e10, e12 = 2/3 = 66.7; done e10 = 33.3; late e6.
    south = row(df, "2023-06-30", "South")
    assert (south.numerator, south.denominator, south.value, south.pct_done_in_time) == (2, 3, 66.7, 33.3)
    assert (south.offered_late, south.no_interview_record) == (1, 0)
    # July: e13 (in time) -> 1/1 = 100.0. May: nothing returned -> 0/0, value null.
    assert row(df, "2023-07-31").value == 100.0
    may = row(df, "2023-05-31")
    assert may.denominator == 0 and pd.isna(may.value)
    # LA2 (all authorities): z1 had no interview -> 0/1 = 0.0
    both = series(con, "missing_rhi_in_time", la_codes=None)
    assert (row(both, "2023-06-30", la=LA2).numerator, row(both, "2023-06-30", la=LA2).denominator) == (0, 1)


# ---------- missing_prolonged ----------

def test_prolonged_by_month(con):
    df = series(con, "missing_prolonged")
    # Reached 7 days in August: P1 (1/8 -> 8/8 00:00, exactly 7 days), P4 (24/8 -> 31/8, still open) = 2 (both M).
    # P2 (6 days 23h 59m) is not prolonged. Still missing at 31/8 and 7+ days: P4 (31 - 24 = 7 days) = 1; P7 (25/8:
    # 6 days) and P3 (28/8: 3 days) are not yet.
    aug = row(df, "2023-08-31")
    assert (aug.numerator, aug.value, aug.still_missing_7_days) == (2, 2, 1)
    assert (aug.prolonged_missing, aug.prolonged_away) == (2, 0)
    assert pd.isna(aug.denominator)
    # September: P7 reached 1/9 (M), P3 reached 4/9 (A) = 2. Still missing at 30/9: P4 only (P5 from 25/9 is 5 days).
    sep = row(df, "2023-09-30")
    assert (sep.numerator, sep.still_missing_7_days, sep.prolonged_missing, sep.prolonged_away) == (2, 1, 1, 1)
    # October: P5 reached 2/10; still missing at 31/10: P4.
    oct_ = row(df, "2023-10-31")
    assert (oct_.numerator, oct_.still_missing_7_days) == (1, 1)
    # June: no episode lasted 7 days.
    assert row(df, "2023-06-30").numerator == 0


def test_prolonged_by_team(con):
    df = series(con, "missing_prolonged")
    # August: P1 A North, P4 E South (still missing at 31/8 too). September: P7 B North, P3 C South; P4 South.
    assert (row(df, "2023-08-31", "North").numerator, row(df, "2023-08-31", "North").still_missing_7_days) == (1, 0)
    assert (row(df, "2023-08-31", "South").numerator, row(df, "2023-08-31", "South").still_missing_7_days) == (1, 1)
    assert (row(df, "2023-09-30", "North").numerator, row(df, "2023-09-30", "South").numerator) == (1, 1)
    north_only = series(con, "missing_prolonged", team="North")
    assert set(north_only.team) == {"North"}


# ---------- missing_rhi_list ----------

def test_rhi_list_as_of_30_june(con):
    df = queries.run("missing_rhi_list", con, la_codes=[LA], as_of="2023-06-30")
    # Ended after 30/3/2023 and on or before 30/6/2023, or still open on 30/6:
    # e13 B: returned 3/7, so still missing on 30/6 (mis_end hidden), 2 days.
    # e5 B: returned 31/3 10:00 (inside the 3 months), no record: deadline 3/4 10:00; to 30/6 00:00 = 88 days - 10h
    #   = 2102 hours late. (e4 returned 30/3: outside the 3 months.)
    # e7 B: deadline 8/6 22:00 -> 30/6 00:00 = 21 days 2 hours = 506 hours late.
    # f2 F: deadline 19/6 00:00 -> 11 days = 264 hours late; F not looked after on 30/6: team from 31/5 (North),
    #   no social worker.
    # e6 E: offered 96h after return: 24 hours late. e11 A: 73h: 1 hour late.
    # e12 C: offered 1/7 (after the as-of date, so not known yet) but the deadline 1/7 14:00 has not passed: not
    # listed. In time episodes (e8, e9, e10) are not listed.
    assert list(df.columns[:4]) == ["child", "la_code", "team", "social_worker"]
    got = list(zip(df.child, df.mis_start.dt.date.astype(str), df.status, strict=True))
    assert got == [
        ("B", "2023-06-28", "still missing"),
        ("B", "2023-03-29", "no interview recorded"),
        ("B", "2023-06-05", "no interview recorded"),
        ("F", "2023-06-15", "no interview recorded"),
        ("E", "2023-06-02", "offered late"),
        ("A", "2023-06-20", "offered late"),
    ]
    assert df.hours_late.tolist()[1:] == [2102.0, 506.0, 264.0, 24.0, 1.0]
    assert pd.isna(df.hours_late.iloc[0]) and pd.isna(df.mis_end.iloc[0])
    assert df.hours_to_offer.tolist()[4:] == [96.0, 73.0]
    assert df.days_missing.tolist() == [2, 2, 0, 1, 1, 1]
    assert df.team.tolist() == ["North", "North", "North", "North", "South", "North"]
    assert df.social_worker.tolist()[:3] == ["W1", "W1", "W1"]
    assert pd.isna(df.social_worker.iloc[3])
    assert df.social_worker.iloc[4] == "W2"


def test_rhi_list_team_filter_and_still_missing_order(con):
    south = queries.run("missing_rhi_list", con, la_codes=[LA], team="South", as_of="2023-06-30")
    assert list(zip(south.child, south.status, strict=True)) == [("E", "offered late")]
    # 31/8/2023: still missing P4 E (24/8: 7 days), P7 B (25/8: 6 days), P3 C (28/8: 3 days), longest first.
    aug = queries.run("missing_rhi_list", con, la_codes=[LA], as_of="2023-08-31")
    still = aug[aug.status == "still missing"]
    assert list(zip(still.child, still.days_missing, strict=True)) == [("E", 7), ("B", 6), ("C", 3)]
    assert aug.status.iloc[:3].tolist() == ["still missing"] * 3
    # all authorities: LA2's z1 (deadline 5/6 00:00 -> 600 hours late) appears too
    both = queries.run("missing_rhi_list", con, la_codes=None, as_of="2023-06-30")
    z = both[both.la_code == LA2]
    assert (z.child.tolist(), z.hours_late.tolist()) == (["Z"], [600.0])


# ---------- pandas equivalents agree ----------

def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """All rows (authority and team) in a fixed order with numbers as floats (nulls as NaN), to compare SQL and
    pandas."""
    out = frame[["la_code", "team", "month_end", "numerator", "denominator", "value"]].copy()
    out["month_end"] = pd.to_datetime(out.month_end).astype("datetime64[ns]")
    for c in ("numerator", "denominator", "value"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out.sort_values(["la_code", "team", "month_end"]).reset_index(drop=True)


@pytest.mark.parametrize("name", ["missing_episodes", "missing_rhi_in_time", "missing_prolonged",
                                  "missing_children_pct"])
def test_pandas_equivalent_agrees(con, name):
    # The pandas baseline computes the same rows as the SQL (authority and team rows); they must agree exactly.
    tables = {t: con.execute(f"select * from {t}").df() for t in pd_missing.TABLES}
    got = comparable(getattr(pd_missing, name)(tables, D("2022-04-01"), D("2023-10-31")))
    sql = comparable(series(con, name, la_codes=None, from_month="2022-04", to_month="2023-10"))
    assert (sql.team == "All teams").sum() == 38  # 19 months x 2 authorities
    assert (sql.team != "All teams").sum() > 0 and sql.numerator.sum() > 0
    pd.testing.assert_frame_equal(got, sql)
