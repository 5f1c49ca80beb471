"""Changes-of-social-worker measures on a tiny hand-written source, each expected value worked out by hand below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from benchmarks.pandas_measures import sw_changes as pd_sw
from tests.warehouse_fixture import make_warehouse

LA = "Z99000001"
LA2 = "Z99000002"
D = dt.date.fromisoformat

# ---- Authority LA: counting workers. Every child is placed 1/1/2020 (U4, C2) and still looked after, except A7
# (leaves care 31/3/2024, so not looked after on 31/3/2024) and A8 (placed 1/6/2023).
# Workers W1 W2 W3 are in team North, W4 W5 W6 in South. Allocations (start..last day; open if no end):
#   A1  W1 2020-01-01..2023-03-31, W2 2023-04-01..2023-09-30, W3 2023-10-01..
#   A2  W1 2020-01-01..2023-04-01, W2 2023-04-02..2023-09-30, W3 2023-10-01..
#   A3  W4 2023-01-01..2023-06-30, W5 2023-07-01..2023-12-31, W4 2024-01-01..      (W4 twice: counts once)
#   A4  W1 2022-01-01..2023-05-31, W2 2023-06-01..2023-08-31, W3 2023-09-01..2023-11-30, W6 2023-12-01..
#   A5  none (unallocated throughout)
#   A6  W5 2019-01-01..2024-02-29 (leaves on a month end), W4 2024-03-01..
#   A7  W1 2023-01-01..2023-06-30, W2 2023-07-01..2023-10-31, W3 2023-11-01..2024-03-31
#   A8  W2 2023-06-01..
#
# 12 months to 31/3/2024 = 1/4/2023..31/3/2024 (31/3/2023 + 1 day). Workers counted:
#   A1 2 (W1 ended 31/3/2023, the day before the window opened: not counted), A2 3 (W1 ended 1/4/2023, the
#   window's first day: counted - exactly 3), A3 2, A4 4, A5 0, A6 2, A8 1. A7 is not looked after.
#   Teams on 31/3/2024 (worker allocated that day): A1 North (W3), A2 North (W3), A3 South (W4), A4 South (W6),
#   A5 Unallocated, A6 South (W4), A8 North (W2).
#   All: 3+ = A2, A4 -> 2 of 7 = 28.6%. North: A1 A2 A8 -> 1 of 3 = 33.3%. South: A3 A4 A6 -> 1 of 3 = 33.3%.
#   Unallocated: A5 -> 0 of 1 = 0.0%. 4+: A4 = 1. Mean workers (2+3+2+4+0+2+1)/7 = 2.0.
# 12 months to 29/2/2024 = 1/3/2023..29/2/2024 (28/2/2023 + 1 day). Workers:
#   A1 3 (W1 ended 31/3/2023, inside this window), A2 3, A3 2, A4 4, A5 0, A6 1 (W4 starts 1/3/2024), A7 3, A8 1.
#   Teams on 29/2/2024: A6 still South via W5 (last day 29/2 counts as allocated); A7 North (W3).
#   All: A1 A2 A4 A7 -> 4 of 8 = 50.0%. North: A1 A2 A7 A8 -> 3 of 4 = 75.0%. South: A3 A4 A6 -> 1 of 3 = 33.3%.


def ep(child, decom, dec=None, rne="S", la=LA, year=2024):
    return {"la_code": la, "child": child, "decom": D(decom), "dec": D(dec) if dec else None, "rne": rne,
            "ls": "C2", "place": "U4", "return_year": year}


def alloc(child, sw_id, start, end=None, la=LA):
    return {"la_code": la, "child": child, "sw_id": sw_id, "sw_decom": D(start), "sw_dec": D(end) if end else None}


def visit(child, day, la=LA):
    return {"la_code": la, "child": child, "visit_date": D(day)}


def spell(sw_id, team, la=LA):
    return {"la_code": la, "sw_id": sw_id, "team": team, "start_date": D("2015-01-01"), "fte": 1.0}


# ---- Authority LA2: visits around changes of worker. Children placed 1/1/2023 (return year 2023). V1 is in team
# East, V2 and V3 in West. The authority's last recorded visit is 15/6/2023 (B1), which closes the data.
#   B1  V1 1/1..28/2, V2 from 1/3: a change on 1/3 (V1 was allocated in this period of care).
#       Before window 1/1 (period start, later than 1/3 - 90) to 1/3; after 1/3 to 30/5 (1/3 + 90).
#       Visits 5/1, 10/2, 20/3, 2/5, 15/6. Before points 1/1 5/1 10/2 1/3: gaps 4, 36, 19 -> longest 36.
#       After points 1/3 20/3 2/5 30/5: gaps 19, 43 (11+30+2), 28 -> longest 43 > 42: a lapse.
#   B2  V3 from 1/1: first allocation of the period of care, not a change.
#   B3  V1 2021-01-01..2021-06-30 (an earlier involvement), V3 from 1/1/2023: the previous allocation ended before
#       this period of care began, so the first allocation of the period is not a change.
#   B4  V1 1/1..14/3, V3 from 15/3: a change on 15/3. Before window 1/1..15/3, after 15/3..13/6 (15/3 + 90).
#       Visits 1/1, 11/2, 15/3 (change day: after window), 26/4, 7/6.
#       Before points 1/1 1/1 11/2 15/3: gaps 0, 41, 32 -> 41. After points 15/3 15/3 26/4 7/6 13/6: gaps 0,
#       42 (16+26), 42 (4+31+7), 6 -> longest 42, not more than 42: no lapse.
#   B5  V2 1/1..14/2, V2 again from 15/2: same worker, not a change.
#   B6  V1 1/1..31/3, V2 from 1/4: a change on 1/4, but its after window ends 30/6, after the data's last visit
#       (15/6): left out until complete.
#   B7  V1 1/1..31/1, V2 from 1/2; leaves care 20/2. No visits. Before 1/1..1/2: 31; after 1/2..20/2 (period end):
#       19. No lapse.
# February 2023: B7 only -> 0 of 1 = 0.0%, before 31.0, after 19.0.
# March 2023: B1 (lapse), B4 (no lapse) -> 1 of 2 = 50.0%; before gaps 36, 41 (none over 42) -> 0.0%;
#   mean longest gap before (36+41)/2 = 38.5, after (43+42)/2 = 42.5. All changes are to West workers.
# January 2023 (B2, B3 first allocations) and April 2023 (B6 incomplete): 0 changes, value null.

TABLES = {
    "fact_episode": [ep(c, "2020-01-01") for c in ("A1", "A2", "A3", "A4", "A5", "A6")]
    + [ep("A7", "2020-01-01", dec="2024-03-31"), ep("A8", "2023-06-01")]
    + [ep(c, "2023-01-01", la=LA2, year=2023) for c in ("B1", "B2", "B3", "B4", "B5", "B6")]
    + [ep("B7", "2023-01-01", dec="2023-02-20", la=LA2, year=2023)],
    "fact_allocation": [
        alloc("A1", "W1", "2020-01-01", "2023-03-31"), alloc("A1", "W2", "2023-04-01", "2023-09-30"),
        alloc("A1", "W3", "2023-10-01"),
        alloc("A2", "W1", "2020-01-01", "2023-04-01"), alloc("A2", "W2", "2023-04-02", "2023-09-30"),
        alloc("A2", "W3", "2023-10-01"),
        alloc("A3", "W4", "2023-01-01", "2023-06-30"), alloc("A3", "W5", "2023-07-01", "2023-12-31"),
        alloc("A3", "W4", "2024-01-01"),
        alloc("A4", "W1", "2022-01-01", "2023-05-31"), alloc("A4", "W2", "2023-06-01", "2023-08-31"),
        alloc("A4", "W3", "2023-09-01", "2023-11-30"), alloc("A4", "W6", "2023-12-01"),
        alloc("A6", "W5", "2019-01-01", "2024-02-29"), alloc("A6", "W4", "2024-03-01"),
        alloc("A7", "W1", "2023-01-01", "2023-06-30"), alloc("A7", "W2", "2023-07-01", "2023-10-31"),
        alloc("A7", "W3", "2023-11-01", "2024-03-31"),
        alloc("A8", "W2", "2023-06-01"),
        alloc("B1", "V1", "2023-01-01", "2023-02-28", la=LA2), alloc("B1", "V2", "2023-03-01", la=LA2),
        alloc("B2", "V3", "2023-01-01", la=LA2),
        alloc("B3", "V1", "2021-01-01", "2021-06-30", la=LA2), alloc("B3", "V3", "2023-01-01", la=LA2),
        alloc("B4", "V1", "2023-01-01", "2023-03-14", la=LA2), alloc("B4", "V3", "2023-03-15", la=LA2),
        alloc("B5", "V2", "2023-01-01", "2023-02-14", la=LA2), alloc("B5", "V2", "2023-02-15", la=LA2),
        alloc("B6", "V1", "2023-01-01", "2023-03-31", la=LA2), alloc("B6", "V2", "2023-04-01", la=LA2),
        alloc("B7", "V1", "2023-01-01", "2023-01-31", la=LA2), alloc("B7", "V2", "2023-02-01", la=LA2),
    ],
    "fact_visit": [
        visit("A2", "2024-02-20"), visit("A4", "2024-03-01"), visit("A1", "2023-12-01"),
        visit("B1", "2023-01-05", LA2), visit("B1", "2023-02-10", LA2), visit("B1", "2023-03-20", LA2),
        visit("B1", "2023-05-02", LA2), visit("B1", "2023-06-15", LA2),
        visit("B4", "2023-01-01", LA2), visit("B4", "2023-02-11", LA2), visit("B4", "2023-03-15", LA2),
        visit("B4", "2023-04-26", LA2), visit("B4", "2023-06-07", LA2),
    ],
    "fact_worker_spell": [spell(w, "North") for w in ("W1", "W2", "W3")]
    + [spell(w, "South") for w in ("W4", "W5", "W6")]
    + [spell("V1", "East", LA2), spell("V2", "West", LA2), spell("V3", "West", LA2)],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_warehouse(Path(tmp_path_factory.mktemp("sw")) / "w.duckdb", TABLES)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def rows(df: pd.DataFrame, month: str) -> pd.DataFrame:
    return df[pd.to_datetime(df.month_end) == pd.Timestamp(month)].set_index("team")


def test_sw_changes_march_window_boundaries(con):
    df = rows(queries.run("sw_changes", con, la_codes=[LA], from_month="2024-03", to_month="2024-03"), "2024-03-31")
    assert df.loc["All teams", ["numerator", "denominator", "value"]].tolist() == [2, 7, 28.6]
    assert df.loc["North", ["numerator", "denominator", "value"]].tolist() == [1, 3, 33.3]
    assert df.loc["South", ["numerator", "denominator", "value"]].tolist() == [1, 3, 33.3]
    assert df.loc["Unallocated", ["numerator", "denominator", "value"]].tolist() == [0, 1, 0.0]
    assert (df.loc["All teams", "children_4_plus"], df.loc["All teams", "mean_workers"]) == (1, 2.0)


def test_sw_changes_february(con):
    df = rows(queries.run("sw_changes", con, la_codes=[LA], from_month="2024-02", to_month="2024-02"), "2024-02-29")
    assert df.loc["All teams", ["numerator", "denominator", "value"]].tolist() == [4, 8, 50.0]
    assert df.loc["North", ["numerator", "denominator", "value"]].tolist() == [3, 4, 75.0]
    assert df.loc["South", ["numerator", "denominator", "value"]].tolist() == [1, 3, 33.3]


def test_sw_changes_team_filter(con):
    df = queries.run("sw_changes", con, la_codes=[LA], team="North", from_month="2024-02", to_month="2024-03")
    # North only, no 'All teams' rows: February 3/4, March 1/3.
    assert list(df.team) == ["North", "North"]
    assert list(df.value) == [75.0, 33.3]


def test_sw_count_distribution(con):
    df = queries.run("sw_count_distribution", con, la_codes=[LA], from_month="2024-03", to_month="2024-03")
    allt = df[df.team == "All teams"].set_index("band")
    # 31/3/2024: 0 workers A5; 1 A8; 2 A1 A3 A6; 3 A2; 4+ A4. Of 7: 14.3, 14.3, 42.9, 14.3, 14.3.
    assert list(allt.index) == ["0", "1", "2", "3", "4+"]
    assert allt.numerator.tolist() == [1, 1, 3, 1, 1]
    assert allt.denominator.tolist() == [7] * 5
    assert allt.value.tolist() == [14.3, 14.3, 42.9, 14.3, 14.3]
    assert allt.loc["3", "band_label"] == "3 social workers during the year"
    # North: A8 1, A1 2, A2 3; the empty bands are still there, with 0.
    north = df[df.team == "North"].set_index("band")
    assert north.numerator.tolist() == [0, 1, 1, 1, 0]
    assert north.value.tolist() == [0.0, 33.3, 33.3, 33.3, 0.0]
    assert not df.duplicated(["la_code", "team", "month_end", "band"]).any()
    # Band counts add up to sw_changes' denominator, and '3' + '4+' to its numerator (2 of 7).
    assert allt.loc[["3", "4+"], "numerator"].sum() == 2


def test_sw_count_distribution_team_filter(con):
    df = queries.run("sw_count_distribution", con, la_codes=[LA], team="Unallocated", from_month="2024-03",
                     to_month="2024-03")
    # Only A5 (no worker): band '0' = 1 of 1.
    assert set(df.team) == {"Unallocated"}
    assert df.set_index("band").numerator.tolist() == [1, 0, 0, 0, 0]


def test_sw_changes_list_at_year_end(con):
    df = queries.run("sw_changes_list", con, la_codes=[LA], as_of="2024-03-31")
    assert list(df.columns[:4]) == ["child", "la_code", "team", "social_worker"]
    # A4 (4 workers, in order of first allocation W1 W2 W3 W6; latest change 1/12/2023; visited 1/3/2024 -> 30 days)
    # then A2 (3: W1 W2 W3; latest change 1/10/2023; visited 20/2/2024 -> 9 + 31 = 40 days). A1 has 2: not listed.
    assert list(df.child) == ["A4", "A2"]
    assert list(df.number_of_workers) == [4, 3]
    assert list(df.workers) == ["W1, W2, W3, W6", "W1, W2, W3"]
    assert list(df.latest_change_date) == [pd.Timestamp("2023-12-01"), pd.Timestamp("2023-10-01")]
    assert list(df.days_since_last_visit) == [30, 40]
    assert list(df.team) == ["South", "North"]
    assert list(df.social_worker) == ["W6", "W3"]


def test_sw_changes_list_day_before(con):
    df = queries.run("sw_changes_list", con, la_codes=[LA], as_of="2024-03-30")
    # Window 31/3/2023..30/3/2024: A1's W1 (last day 31/3/2023) now counts -> 3. A7 still looked after (3: W1 W2 W3,
    # latest 1/11/2023). Order: A4 (4), then 3s by latest change: A7 (1/11/2023), A1 and A2 (1/10/2023, by child).
    assert list(df.child) == ["A4", "A7", "A1", "A2"]
    # A1 visited 1/12/2023: 30/3/2024 - 1/12/2023 = 30 + 31 + 29 + 30 = 120 days; A7 never visited: null.
    assert df.set_index("child").loc["A1", "days_since_last_visit"] == 120
    assert pd.isna(df.set_index("child").loc["A7", "days_since_last_visit"])


def test_sw_changes_list_team_filter(con):
    df = queries.run("sw_changes_list", con, la_codes=[LA], team="North", as_of="2024-03-31")
    assert list(df.child) == ["A2"]


def test_visits_after_change(con):
    df = queries.run("visits_after_change", con, la_codes=[LA2], from_month="2023-01", to_month="2023-04")
    allt = df[df.team == "All teams"].set_index(pd.to_datetime(df[df.team == "All teams"].month_end))
    assert list(allt.denominator) == [0, 1, 2, 0]
    assert allt.numerator.tolist() == [0, 0, 1, 0]
    assert allt.value.isna().tolist() == [True, False, False, True]
    feb, mar = allt.loc["2023-02-28"], allt.loc["2023-03-31"]
    assert (feb.value, feb.mean_longest_gap_before, feb.mean_longest_gap_after) == (0.0, 31.0, 19.0)
    assert (mar.value, mar.changes_gap_before, mar.value_before) == (50.0, 0, 0.0)
    assert (mar.mean_longest_gap_before, mar.mean_longest_gap_after) == (38.5, 42.5)
    # April: B6's change (1/4, to V2 in West) is not complete until 30/6: not counted, but the month says so
    assert allt.changes_pending.tolist() == [0, 0, 0, 1]
    assert allt.status.tolist() == ["ok", "ok", "ok", "partial"]
    assert allt.status_note.iloc[3] == "partial: 1 not yet due at the end of the data"
    west = df[df.team == "West"]
    assert west.denominator.tolist() == [1, 2, 0]
    assert west.changes_pending.tolist() == [0, 0, 1]
    assert set(df.team) == {"All teams", "West"}


def _tables(con) -> dict[str, pd.DataFrame]:
    names = ["dim_authority", "source_coverage", "dim_worker", "fact_child_month", "fact_visit", "fact_placement",
             "fact_allocation",
             "fact_worker_spell"]
    return {t: con.table(t).df() for t in names}


@pytest.mark.parametrize("measure", ["sw_changes", "visits_after_change"])
def test_pandas_agrees_with_sql(con, measure):
    sql = queries.run(measure, con, from_month="2022-04", to_month="2024-03")
    sql = sql[sql.team == "All teams"][["la_code", "month_end", "numerator", "denominator", "value"]]
    sql = sql.assign(month_end=pd.to_datetime(sql.month_end).astype("datetime64[ns]"))
    pdf = getattr(pd_sw, measure)(_tables(con), "2022-04", "2024-03")
    # Every file is taken as supplied from April 2022 (return year 2023) to March 2024 for both authorities (24 month
    # ends each; LA2 has no children before January 2023: 0 of 0) -> 48 'All teams' rows.
    assert len(sql) == len(pdf) == 48
    merged = sql.merge(pdf, on=["la_code", "month_end"], suffixes=("_sql", "_pd"))
    assert len(merged) == 48
    assert merged.denominator_sql.sum() > 0
    for col in ("numerator", "denominator", "value"):
        a = merged[f"{col}_sql"].astype("Float64")
        b = merged[f"{col}_pd"].astype("Float64")
        assert a.fillna(-1).tolist() == b.fillna(-1).tolist(), col
