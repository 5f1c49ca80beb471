"""A return with the recording errors the DfE's SSDA903 guidance and validator describe, through the real loader, with
every expected figure worked out by hand (tests/fixtures/dfe_cases: one return, 1 April 2016 - 31 March 2017).

The children (DOBs in header.csv; all under 16 except R1, 15 in 2016):
  A1  looked after since 10/1/2015 (C2, U4): all 12 month ends. Visited 5/10, 14/11, 20/12/2016, 30/1, 10/3/2017.
      A review typed as 01/05/2031 (rejected: after the load date and after the collection year) and a missing
      episode dated 2007, before A1 was born (rejected).
  O1  OVERLAP: episode 1/5/2016 (V2, U6) never closed; episode 1/11/2016 (RNE T, K2) also open on 31 March. The later
      DECOM wins: episode 1 ends 1/11/2016. Month ends May - March, once each; 2 placements.
  O2  OVERLAP: episode 1/6/2016 (C1) recorded as ending 15/10/2016, but the next (RNE P, C2) starts 1/10/2016:
      episode 1 ends 1/10/2016. Month ends June - March; 2 placements.
  L1  RNE L twice inside one placement: V2 from 10/4/2016, C1 from 1/9/2016, C2 from 15/1/2017. One placement.
  R1  youth-justice remand J2 in a secure home from 1/6/2016, then (RNE L, same placement) V4 short breaks from
      1/12/2016: in the month-end cohort as J2 June - November, out of it (short break) from December.
  S1  short breaks between ordinary episodes: V2 1/4 - 30/6/2016, V3 5-7/8/2016, V3 2-4/9/2016, V2 from 1/11/2016.
      Month ends April, May and November - March (a short break spans no month end); the short-break stays are not
      placements, so 2 placements in the year.
  M1  V2 from 20/4/2016, then (RNE L, same placement) V3 from 1/2/2017. Missing 10/7/2016 - 12/7/2016.
  MO  MOTHER recorded as 'X': blanked with a warning, the child kept (V2, H5 from 1/7/2016).
  W1  an open episode (from 1/8/2016) carrying REC E4A: REC blanked with a warning, the episode stays open.
  W2  an episode 1/5 - 1/7/2016 with no REC: kept with a warning.
  P3  three placements: 15/4/2016 (U6), 1/7/2016 (RNE T, U6), 1/12/2016 (RNE T, K2). Visited 5/12/2016, 12/1,
      20/2, 31/3/2017.
Files: no oc2.csv or sw_episodes.csv for 2017, and of the extracts only visits.csv, whose visits run from
5/10/2016 to 31/3/2017 (so it covers October 2016 - March 2017).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from etl.load import load
from tests.test_lists_agree import check_lists_agree

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "dfe_cases"
LA = "Z99000903"
D = dt.date.fromisoformat
MONTHS = [d.date() for d in pd.date_range("2016-04-30", "2017-03-31", freq="ME")]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("dfe") / "w.duckdb"
    load([FIXTURE], db)
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def q(con, sql: str, params: dict | None = None) -> list[tuple]:
    return con.execute(sql, params or {}).fetchall()


def one(df: pd.DataFrame, month: str, team: str = "All teams") -> pd.Series:
    hit = df[(df["team"] == team) & (pd.to_datetime(df["month_end"]) == pd.Timestamp(month))]
    assert len(hit) == 1
    return hit.iloc[0]


def test_rows_that_break_a_rule_are_rejected_or_listed_with_file_and_line(con):
    assert q(con, "select file, line, column_name, value, reason from rejected_rows order by all") == [
        ("ssda903/2017/missing.csv", 3, "MIS_START", "2007-01-01", "before date of birth"),
        ("ssda903/2017/reviews.csv", 3, "REVIEW", "01/05/2031", "date after the collection year"),
        ("ssda903/2017/reviews.csv", 3, "REVIEW", "01/05/2031", "date after the load date"),
    ]
    assert q(con, "select file, line, column_name, value, rule, action from load_warnings order by all") == [
        ("ssda903/2017/episodes.csv", 3, "DEC",
         "(open); next episode starts 2016-11-01 (ssda903/2017/episodes.csv line 4)", "overlapping episodes",
         "ended early"),
        ("ssda903/2017/episodes.csv", 5, "DEC",
         "2016-10-15; next episode starts 2016-10-01 (ssda903/2017/episodes.csv line 6)", "overlapping episodes",
         "ended early"),
        ("ssda903/2017/episodes.csv", 19, "REC", "E4A", "REC without DEC", "blanked"),
        ("ssda903/2017/episodes.csv", 20, "DEC", "01/07/2016", "DEC without REC", "kept"),
        ("ssda903/2017/header.csv", 9, "MOTHER", "X", "code not in list", "blanked"),
    ]
    # The Data quality page's query shows the same warnings for the authority's latest load.
    assert len(queries.run("dq_warnings", con, la_codes=[LA])) == 5


def test_every_child_is_counted_once_at_every_month_end(con):
    # Apr: A1 L1 S1 M1 P3 = 5; May: + O1 W2 = 7; Jun: + O2 R1, - S1 (ceased 30/6: not looked after that day) = 8;
    # Jul: + MO, - W2 (ceased 1/7) = 8; Aug: + W1 = 9; Sep, Oct 9; Nov: + S1 = 10; Dec - Mar 10.
    # Before overlaps were resolved O1 was counted twice from November (11 at 31 March).
    got = q(con, "select month_end, count(*), count(distinct child) from fact_child_month group by 1 order by 1")
    assert [(m, n) for m, n, _ in got] == list(zip(MONTHS, [5, 7, 8, 8, 9, 9, 9, 10, 10, 10, 10, 10], strict=True))
    assert all(n == distinct for _, n, distinct in got)


def test_overlapping_episodes_the_later_decom_wins(con):
    got = q(con, "select child, decom, dec, dec_recorded, placement_no from fact_care_episode "
                 "where child in ('O1', 'O2') order by child, decom")
    assert got == [
        ("O1", D("2016-05-01"), D("2016-11-01"), None, 1), ("O1", D("2016-11-01"), None, None, 2),
        ("O2", D("2016-06-01"), D("2016-10-01"), D("2016-10-15"), 1), ("O2", D("2016-10-01"), None, None, 2),
    ]
    # O1 at 31 March: the K2 placement (the later episode), once.
    assert q(con, "select place, placement_start from fact_child_month where child = 'O1' and month_end = $m",
             {"m": D("2017-03-31")}) == [("K2", D("2016-11-01"))]


def test_legal_status_is_the_one_in_force_on_the_day(con):
    ls = dict(((c, m), s) for c, m, s in q(con, "select child, month_end, ls from fact_child_month "
                                                 "where child in ('L1', 'R1', 'M1')"))
    # L1: V2, then C1 from 1/9, then C2 from 15/1 - all one placement.
    assert [ls["L1", D(m)] for m in ("2016-05-31", "2016-10-31", "2017-01-31")] == ["V2", "C1", "C2"]
    assert q(con, "select count(*) from fact_placement where child = 'L1'") == [(1,)]
    # R1: on remand (J2) June - November, short breaks (V4) from December; M1: V2, then V3 from February.
    assert [ls["R1", D(m)] for m in ("2016-07-31", "2016-11-30", "2016-12-31")] == ["J2", "J2", "V4"]
    assert [ls["M1", D(m)] for m in ("2017-01-31", "2017-02-28")] == ["V2", "V3"]
    # A period of care is judged on its first episode's legal status (the IHA cohort: out only if it began as a
    # short break): M1 began on V2 and R1 on J2, though their placements ended on V3 and V4.
    assert q(con, "select child, first_ls from fact_health_period where child in ('M1', 'R1') order by 1") == [
        ("M1", "V2"), ("R1", "J2")]


def test_short_breaks_between_ordinary_episodes_are_neither_months_nor_placements(con):
    months = [m for (m,) in q(con, "select month_end from fact_child_month where child = 'S1' order by 1")]
    assert months == [D("2016-04-30"), D("2016-05-31"), *MONTHS[7:]]
    # 3+ placements at 31/3/2017 (window 1/4/2016 - 31/3/2017). Cohort: the 10 looked after less R1 (V4) and M1 (V3)
    # = 8. P3 had 3 placements; S1 had 2 (its short-break stays are not placements; counting them would make 4);
    # O1 and O2 2 each; everyone else 1. 1 of 8 = 12.5%.
    df = queries.run("placements_3plus", con, la_codes=[LA], from_month="2017-03", to_month="2017-03")
    r = one(df, "2017-03-31")
    assert (r["numerator"], r["denominator"], r["value"], r["status"]) == (1, 8, 12.5, "ok")
    listed = queries.run("placements_3plus_list", con, la_codes=[LA], as_of="2017-03-31")
    assert listed[["child", "placements"]].values.tolist() == [["P3", 3]]
    # In December the 12 months reach back before the return (9 of 12 months covered): a partial figure, 1 of 9
    # (the 10 looked after less R1 on V4).
    dec = one(queries.run("placements_3plus", con, la_codes=[LA], from_month="2016-12", to_month="2016-12"),
              "2016-12-31")
    assert (dec["numerator"], dec["denominator"], dec["status"]) == (1, 9, "partial")
    assert dec["status_note"] == "partial: looks back 12 months and SSDA903 episodes covers 9 of them"


def test_missing_children_count_every_ordinary_episode(con):
    # Looked after at some time in 1/4/2016 - 31/3/2017 outside short breaks: all 11 children (R1 on J2 until
    # December, M1 on V2 until February). Went missing: M1 (10/7/2016). 1 of 11 = 9.1%. Judging each placement by
    # its last legal status would have dropped R1 and M1 (0 of 9).
    r = one(queries.run("missing_children_pct", con, la_codes=[LA], from_month="2017-03", to_month="2017-03"),
            "2017-03-31")
    assert (r["numerator"], r["denominator"], r["value"], r["status"]) == (1, 11, 9.1, "ok")


def test_a_visits_extract_covering_part_of_the_year(con):
    df = queries.run("visits_in_time", con, la_codes=[LA], from_month="2016-04", to_month="2017-03")
    allt = df[df["team"] == "All teams"]
    allt = allt.set_index(pd.to_datetime(allt["month_end"]).dt.date)
    # April - September: no data (blank, never 0), and the reason.
    for m in MONTHS[:6]:
        assert allt.loc[m, "status"] == "no data"
        assert pd.isna(allt.loc[m, "value"]) and pd.isna(allt.loc[m, "numerator"])
    assert allt.loc[MONTHS[5], "status_note"] == "no data: the visits extract covers Oct 2016 to Mar 2017"
    # October, November: the 3-month look-back reaches before the extract.
    assert list(allt.loc[MONTHS[6:8], "status"]) == ["partial", "partial"]
    assert allt.loc[MONTHS[6], "status_note"] == "partial: looks back 3 months and the visits extract covers 1 of them"
    # 31 December: A1 (U4 over a year: 20/12 + 3 months = 20/3, in time) and P3 (placed 1/12, visited 5/12: 6 weeks,
    # due 16/1, in time); the other 8 have had no visit in their current placement. 2 of 10 = 20.0%.
    assert tuple(allt.loc[D("2016-12-31"), ["numerator", "denominator", "value", "status"]]) == (2, 10, 20.0, "ok")
    listed = queries.run("visits_overdue_list", con, la_codes=[LA], as_of="2016-12-31")
    assert sorted(listed["child"]) == ["L1", "M1", "MO", "O1", "O2", "R1", "S1", "W1"]
    # 30 September: no list of children at all (the extract does not cover it), and the reason is given.
    assert queries.run("visits_overdue_list", con, la_codes=[LA], as_of="2016-09-30").empty
    assert queries.availability("visits_overdue_list", con, la_codes=[LA], as_of="2016-09-30")[
        "status_note"].tolist() == ["no data: the visits extract covers Oct 2016 to Mar 2017"]


@pytest.mark.parametrize(("measure", "note"), [
    ("health_up_to_date", "no data: the health assessments extract not supplied"),
    ("missing_rhi_in_time", "no data: the return interviews extract not supplied"),
    ("workforce_agency_rate", "no data: the workforce extract not supplied"),
    ("sw_changes", "no data: social worker episodes not supplied"),
    ("health_oc2_assessments", "no data: SSDA903 OC2 outcomes not supplied"),
])
def test_absent_files_are_no_data_never_zero(con, measure, note):
    df = queries.run(measure, con, la_codes=[LA], from_month="2016-04", to_month="2017-03")
    assert len(df) and set(df["status"]) == {"no data"}
    assert df["numerator"].isna().all() and df["value"].isna().all()
    assert set(df["status_note"]) == {note}


@pytest.mark.parametrize(("name", "note"), [
    ("health_overdue_list", "no data: the health assessments extract not supplied"),
    ("missing_rhi_list", "no data: the return interviews extract not supplied"),
    ("sw_changes_list", "no data: social worker episodes not supplied"),
])
def test_absent_files_give_no_list_of_children(con, name, note):
    assert queries.run(name, con, la_codes=[LA], as_of="2017-03-31").empty
    status = queries.availability(name, con, la_codes=[LA], as_of="2017-03-31")
    assert status[["status", "status_note"]].values.tolist() == [["no data", note]]


def test_a_future_dated_review_does_not_move_the_data_end(con):
    assert queries.data_end(con, [LA]) == D("2017-03-31")
    auth = queries.run("filter_authorities", con)
    assert (pd.Timestamp(auth["first_month"].iloc[0]), pd.Timestamp(auth["last_month"].iloc[0])) == (
        pd.Timestamp("2016-04-30"), pd.Timestamp("2017-03-31"))
    assert q(con, "select review_date from fact_review order by 1") == [(D("2016-06-01"),), (D("2016-12-01"),)]


def test_a_bad_mother_value_is_blanked_and_the_child_kept(con):
    assert q(con, "select mother, dob from dim_child where child = 'MO'") == [(None, D("2000-11-11"))]
    assert q(con, "select count(*) from fact_child_month where child = 'MO'") == [(9,)]  # July - March


def test_reason_for_ceasing_without_an_end_and_an_end_without_a_reason(con):
    assert q(con, "select child, dec, rec from fact_episode where child in ('W1', 'W2') order by 1") == [
        ("W1", None, None), ("W2", D("2016-07-01"), None)]


def test_lists_agree_with_their_series_on_the_dfe_cases(con):
    assert check_lists_agree(con, LA, MONTHS) > 0
