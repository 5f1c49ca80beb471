"""Loader rules, each on a small hand-written source (tests/fixtures/la_a, la_b) or one written here into tmp_path.

la_a (Z99000901) has returns 2016 and 2017 and all ten extracts; la_b (Z99000902) has only 2017 header + episodes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.__main__ import main as etl_main
from etl.load import LoadError, load

FIXTURES = Path(__file__).parent / "fixtures"
LA_A, LA_B = "Z99000901", "Z99000902"
EP_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
OC2_HEADER = ("CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
              "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED")


def make_source(tmp_path: Path, base: str = "la_a", files: dict[str, str | None] | None = None,
                name: str | None = None) -> Path:
    """Copy a fixture source into tmp_path and overwrite (text) or delete (None) some of its files."""
    folder = tmp_path / (name or base)
    shutil.copytree(FIXTURES / base, folder)
    for rel, text in (files or {}).items():
        if text is None:
            (folder / rel).unlink()
        else:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
    return folder


def q(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """Rows of a query on the warehouse, opened read-only as the dashboard does."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


FACT_TABLES = ("dim_authority", "dim_child", "dim_worker", "dim_team", "fact_episode", "fact_review",
               "fact_missing", "fact_oc2", "fact_allocation", "fact_visit", "fact_health_assessment",
               "fact_worker_spell", "fact_establishment", "fact_placement", "fact_child_month")


def snapshot(db: Path, exclude: tuple[str, ...] = ("loaded_at",)) -> dict[str, list[tuple]]:
    """Every warehouse table's rows, sorted (loaded_at, the one field a reload changes, left out)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in FACT_TABLES:
            cols = [r[0] for r in con.execute(f"describe {table}").fetchall() if r[0] not in exclude]
            out[table] = con.execute(f"select {', '.join(cols)} from {table} order by all").fetchall()
        return out
    finally:
        con.close()


# ---------- multi-year de-duplication ----------

def test_latest_return_wins_and_nothing_is_counted_twice(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = load([FIXTURES / "la_a"], db)
    # Episodes: 2016 has C1 01/06/2015 (closed 10/10/2015), C1 10/10/2015 (open), C2 15/01/2016 (open);
    # 2017 has C1 10/10/2015 closed 31/01/2017 E4A, and C3 01/03/2017. The C1 10/10/2015 episode appears in
    # both returns: one row, with 2017's DEC/REC. So 4 rows, not 5.
    assert q(db, "select child, decom::varchar, dec::varchar, rec, return_year from fact_episode order by all") == [
        ("C1", "2015-06-01", "2015-10-10", "X1", 2016),
        ("C1", "2015-10-10", "2017-01-31", "E4A", 2017),
        ("C2", "2016-01-15", None, None, 2016),
        ("C3", "2017-03-01", None, None, 2017),
    ]
    # Header: C1 is WBRI in 2016 and WIRI (with a UPN) in 2017 -> 2017's row; C2 only in 2016.
    assert q(db, "select child, ethnic, upn, mother, return_year from dim_child order by child") == [
        ("C1", "WIRI", "A123", False, 2017), ("C2", "BAFR", None, None, 2016), ("C3", "MWBA", None, None, 2017),
    ]
    # Review 01/07/2015 is PN1 in 2016 and PN2 in 2017 -> PN2; plus 15/12/2016.
    assert q(db, "select review_date::varchar, review_code, return_year from fact_review order by all") == [
        ("2015-07-01", "PN2", 2017), ("2016-12-15", "PN1", 2017)]
    # SW1's allocation is open in 2016 and ended 31/12/2016 LEFTRL in 2017 -> one row, ended.
    assert q(db, "select child, sw_id, sw_decom::varchar, sw_dec::varchar, sw_reason from fact_allocation "
                 "order by all") == [
        ("C1", "SW1", "2015-06-01", "2016-12-31", "LEFTRL"), ("C1", "SW2", "2017-01-01", None, None),
        ("C3", "SW2", "2017-03-01", None, None)]
    # OC2 is per return: C1 in 2016 (SDQ 14, teeth 1) and 2017 (SDQ 12, teeth 0) are two rows.
    assert q(db, "select return_year, sdq_score, teeth_check, health_check from fact_oc2 order by all") == [
        (2016, 14, True, None), (2017, 12, False, None)]
    # rows read: header 4, episodes 5, reviews 3, missing 3, oc2 2, sw 4, visits 4, health 3, interviews 2,
    # workforce 4, establishment 2, plan actions 3, supervisions 3, legal 2, strategy meetings 1, return home
    # plans 1 = 46; superseded: header C1/2016, episode C1 10/10/2015/2016, review 01/07/2015/2016, allocation
    # SW1/2016 = 4; loaded 42, rejected 0.
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (46, 42, 0)
    assert report.missing == []
    assert q(db, "select file, rows_read, rows_loaded, rows_rejected from load_log "
                 "where file like 'ssda903/%/episodes.csv' order by file") == [
        ("ssda903/2016/episodes.csv", 3, 2, 0), ("ssda903/2017/episodes.csv", 2, 2, 0)]


def test_a_repeated_key_in_one_file_keeps_the_later_line(tmp_path: Path) -> None:
    # Extracts are not per year: the same CHILD + VISIT_DATE twice in visits.csv -> one visit, line 3's.
    visits = "CHILD,SW_ID,VISIT_DATE,SEEN_ALONE\nC1,SW1,15/06/2015,Y\nC1,SW2,2015-06-15,N\nC3,SW2,02/03/2017,Y\n"
    db = tmp_path / "w.duckdb"
    load([make_source(tmp_path, files={"extracts/visits.csv": visits})], db)
    assert q(db, "select child, sw_id, visit_date::varchar, seen_alone from fact_visit order by all") == [
        ("C1", "SW2", "2015-06-15", False), ("C3", "SW2", "2017-03-02", True)]
    # 3 read = 2 loaded + 1 superseded + 0 rejected.
    assert q(db, "select rows_read, rows_loaded, rows_rejected from load_log where file = 'extracts/visits.csv'") == [
        (3, 2, 0)]


def test_missing_episodes_carry_their_return_interviews(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load([FIXTURES / "la_a"], db)
    # MIS_END and RHI dates may carry a time; a date alone is midnight. C1 05/02/2016 matches the interview
    # offered 06/02/2016 12:00, held 08/02/2016 (midnight), accepted Y; C1 20/01/2017 has none; C3 10/03/2017
    # matches the one offered 2017-03-11 (ISO, midnight), not held, refused N.
    assert q(db, "select child, missing_type, mis_start::varchar, mis_end::varchar, has_rhi_record, "
                 "rhi_offered_at::varchar, rhi_at::varchar, rhi_accepted from fact_missing order by all") == [
        ("C1", "A", "2017-01-20", None, False, None, None, None),
        ("C1", "M", "2016-02-05", "2016-02-06 10:30:00", True, "2016-02-06 12:00:00", "2016-02-08 00:00:00", True),
        ("C3", "M", "2017-03-10", "2017-03-11 08:00:00", True, "2017-03-11 00:00:00", None, False),
    ]


def test_extracts_workers_teams_and_booleans(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load([FIXTURES / "la_a"], db)
    # SEEN_ALONE Y -> true, N -> false, blank -> null.
    assert q(db, "select visit_date::varchar, seen_alone from fact_visit order by visit_date") == [
        ("2015-06-15", True), ("2015-07-20", False), ("2017-01-05", None), ("2017-03-02", True)]
    # dim_worker = each worker's latest spell: SW2 moved from Team North (role 5) to Team South (role 4).
    assert q(db, "select sw_id, team, org_role, agency_worker from dim_worker order by sw_id") == [
        ("SW1", "Team North", 5, True), ("SW2", "Team South", 4, False), ("TL1", "Team South", 3, False)]
    assert q(db, "select team from dim_team order by team") == [("Team North",), ("Team South",)]
    assert q(db, "select sw_id, fte, end_date::varchar, reason_leave from fact_worker_spell order by all") == [
        ("SW1", 1.0, "2016-12-31", 1), ("SW2", 0.8, None, None), ("SW2", 1.0, "2017-01-31", None),
        ("TL1", 1.0, None, None)]
    assert q(db, "select team, fte from fact_establishment order by team") == [("Team North", 4.0), ("Team South", 3.5)]
    assert q(db, "select la_code, la_name from dim_authority") == [(LA_A, "Fixture Borough A")]
    # ASSESSMENT_TYPE and dates straight through.
    assert q(db, "select child, assessment_date::varchar, assessment_type from fact_health_assessment "
                 "order by all") == [("C1", "2015-06-20", "IHA"), ("C1", "2016-06-15", "RHA"),
                                     ("C3", "2017-03-25", "IHA")]


# ---------- rejected rows, with exact line numbers (header = line 1) ----------

BAD_FILES = {
    "ssda903/2017/header.csv": "\n".join([
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        "C1,1,01/05/2005,WIRI,A123,0,",       # 2 ok
        "C3,2,12/12/2012,MWBA,,,",             # 3 ok
        "C4,3,01/01/2010,WBRI,,,",             # 4 SEX 3: code not in list
        "C5,1,01/04/16,WBRI,,,",               # 5 two-digit year: unparseable date
        "C6,1,31/02/2010,wbri,,,",             # 6 31 February: unparseable (lower-case wbri is fine)
        "C7,,01/01/2011,WBRI,,,",              # 7 SEX empty: missing required value
        "C8,2,01/01/2011,wbri,,,",             # 8 ok: codes are upper-cased
    ]) + "\n",
    "ssda903/2017/episodes.csv": "\n".join([
        EP_HEADER,
        "C1,10/10/2015,T,C2,N1,U5,PR4,31/01/2017,E4A,CARPL,AB1,AB3,",  # 2 ok
        "C3,01/03/2017,S,C1,N2,U6,PR5,01/03/2017,E13,,,,",             # 3 ok: ends the day it starts
        "C3,05/03/2017,S,C1,N2,Q9,PR5,,,,,,",                          # 4 PLACE Q9: code not in list
        "C3,10/03/2017,S,C1,N2,U6,PR5,09/03/2017,E13,,,,",             # 5 DEC a day before DECOM
        "C4,01/03/2017,S,C1,N2,U6,PR5,,,,,,",                          # 6 C4's header row was rejected
        "C9,01/03/2017,S,C1,N2,U6,PR5,,,,,,",                          # 7 C9 is in no header
        "C3,2017-03-20,S,C1,N2,U6,PR5,,,,,,",                          # 8 ok (ISO date)
    ]) + "\n",
    "ssda903/2017/oc2.csv": "\n".join([
        OC2_HEADER,
        "C1,01/05/2005,40,,0,,1,0,1,0,0,0",    # 2 ok: 40 is the top of the range
        "C3,12/12/2012,41,,0,,1,0,1,0,0,0",    # 3 41 > 40: out of range
        "C2,,12.5,,0,,1,0,1,0,0,0",            # 4 12.5 is not a whole number
        "C3,12/12/2012,0,,0,,1,0,1,0,0,0",     # 5 ok: 0 is the bottom of the range
    ]) + "\n",
    "ssda903/2017/missing.csv": "\n".join([
        "CHILD,DOB,MISSING,MIS_START,MIS_END",
        "C1,01/05/2005,A,20/01/2017,",                       # 2 ok
        "C3,12/12/2012,M,2017-03-10,2017-03-11 08:00:00",    # 3 ok
        "C3,12/12/2012,M,2017-03-12,2017-03-12",             # 4 ok: back at midnight of the day it started
        "C3,12/12/2012,X,2017-03-14,2017-03-13 23:59",       # 5 MISSING X and MIS_END before MIS_START
    ]) + "\n",
    "extracts/visits.csv": "\n".join([
        "CHILD,SW_ID,VISIT_DATE,SEEN_ALONE",
        "C1,SW1,15/06/2015,Y",                 # 2 ok
        "C1,SW1,,N",                           # 3 VISIT_DATE empty
        "C9,SW1,15/06/2015,Y",                 # 4 unknown child
        "C1,SW1,16/06/2015,X",                 # 5 SEEN_ALONE X
    ]) + "\n",
    "extracts/return_interviews.csv": "\n".join([
        "CHILD,MIS_START,RHI_OFFERED_DATE,RHI_DATE,RHI_ACCEPTED",
        "C1,05/02/2016,06/02/2016 12:00,08/02/2016,Y",       # 2 ok
        "C1,06/02/2016,06/02/2016,,Y",                       # 3 no missing episode starts 06/02/2016
        "C3,10/03/2017,09/03/2017,,N",                       # 4 offered before the episode started
        "C3,10/03/2017,2017-03-10 25:00,,N",                 # 5 hour 25: unparseable
    ]) + "\n",
    "extracts/workforce.csv": "\n".join([
        "SW_ID,TEAM,ORG_ROLE,AGENCY_WORKER,FTE,START_DATE,END_DATE,REASON_LEAVE",
        "SW1,Team North,5,1,1.5,01/01/2015,31/12/2016,1",    # 2 ok: 1.5 is the top of the range
        "SW2,Team North,5,0,1.6,01/09/2016,31/01/2017,",     # 3 FTE 1.6 out of range
        "SW3,Team North,7,2,1,01/09/2016,,",                 # 4 ORG_ROLE 7 and AGENCY_WORKER 2
        "SW4,Team North,5,0,1,01/09/2016,31/08/2016,",       # 5 ends before it starts
    ]) + "\n",
}

EXPECTED_REJECTS = [  # (file, line, column, value, reason), sorted
    ("extracts/return_interviews.csv", 3, "MIS_START", "2016-02-06", "unknown missing episode"),
    ("extracts/return_interviews.csv", 4, "RHI_OFFERED_DATE", "09/03/2017", "end before start"),
    ("extracts/return_interviews.csv", 5, "RHI_OFFERED_DATE", "2017-03-10 25:00", "unparseable date"),
    ("extracts/visits.csv", 3, "VISIT_DATE", None, "missing required value"),
    ("extracts/visits.csv", 4, "CHILD", "C9", "unknown child"),
    ("extracts/workforce.csv", 3, "FTE", "1.6", "number out of range"),
    ("extracts/workforce.csv", 4, "AGENCY_WORKER", "2", "code not in list"),
    ("extracts/workforce.csv", 4, "ORG_ROLE", "7", "code not in list"),
    ("extracts/workforce.csv", 5, "END_DATE", "31/08/2016", "end before start"),
    ("ssda903/2017/episodes.csv", 4, "PLACE", "Q9", "code not in list"),
    ("ssda903/2017/episodes.csv", 5, "DEC", "09/03/2017", "end before start"),
    ("ssda903/2017/episodes.csv", 7, "CHILD", "C9", "unknown child"),
    ("ssda903/2017/missing.csv", 5, "MISSING", "X", "code not in list"),
    ("ssda903/2017/missing.csv", 5, "MIS_END", "2017-03-13 23:59", "end before start"),
    ("ssda903/2017/oc2.csv", 3, "SDQ_SCORE", "41", "number out of range"),
    ("ssda903/2017/oc2.csv", 4, "SDQ_SCORE", "12.5", "not a number"),
]

# A bad value in a column no measure depends on (SEX, DOB, ETHNIC, MOTHER, ... of the header, SEEN_ALONE of a
# visit) is blanked and listed; the child and the row stay (a bad MOTHER must never drop a child).
EXPECTED_WARNINGS = [  # (file, line, column, value, rule, action), sorted
    ("extracts/visits.csv", 5, "SEEN_ALONE", "X", "code not in list", "blanked"),
    ("ssda903/2017/header.csv", 4, "SEX", "3", "code not in list", "blanked"),
    ("ssda903/2017/header.csv", 5, "DOB", "01/04/16", "unparseable date", "blanked"),
    ("ssda903/2017/header.csv", 6, "DOB", "31/02/2010", "unparseable date", "blanked"),
    ("ssda903/2017/header.csv", 7, "SEX", None, "missing required value", "blanked"),
]


def test_each_kind_of_bad_row_is_rejected_with_its_line(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = load([make_source(tmp_path, files=BAD_FILES)], db)
    got = q(db, "select file, line, column_name, value, reason from rejected_rows order by all")
    assert got == EXPECTED_REJECTS
    assert q(db, "select file, line, column_name, value, rule, action from load_warnings order by all") == \
        EXPECTED_WARNINGS
    assert q(db, "select distinct la_code, load_id from rejected_rows") == [(LA_A, report.load_id)]
    # By reason (entries): code not in list 4, end before start 4, unknown child 2, number out of range 2,
    # missing required value 1, unparseable date 1, not a number 1, unknown missing episode 1 = 16.
    assert report.rejected_by_reason == {
        "missing required value": 1, "unparseable date": 1, "code not in list": 4, "not a number": 1,
        "number out of range": 2, "end before start": 4, "unknown child": 2, "unknown missing episode": 1}
    assert report.warnings_by_rule == {"missing required value": 1, "unparseable date": 2, "code not in list": 2}
    # Rows (workforce line 4 and missing line 5 each break two rules): 16 entries - 2 = 14 rows.
    assert report.rows_rejected == 14
    assert q(db, "select file, rows_read, rows_loaded, rows_rejected from load_log where rows_rejected > 0 "
                 "order by file") == [
        ("extracts/return_interviews.csv", 4, 1, 3),
        ("extracts/visits.csv", 4, 2, 2),
        ("extracts/workforce.csv", 4, 1, 3),
        ("ssda903/2017/episodes.csv", 7, 4, 3),
        ("ssda903/2017/missing.csv", 4, 3, 1),
        ("ssda903/2017/oc2.csv", 4, 2, 2),
    ]
    # Good rows at the boundaries went in: DEC = DECOM, MIS_END at midnight of MIS_START, SDQ 0 and 40,
    # FTE 1.5, lower-case ETHNIC stored upper-case.
    assert q(db, "select child, decom::varchar, dec::varchar from fact_episode where child = 'C3' order by 2") == [
        ("C3", "2017-03-01", "2017-03-01"), ("C3", "2017-03-20", None)]
    assert q(db, "select mis_end::varchar from fact_missing where mis_start = '2017-03-12'") == [
        ("2017-03-12 00:00:00",)]
    assert q(db, "select child, sdq_score from fact_oc2 where return_year = 2017 order by 1") == [
        ("C1", 40), ("C3", 0)]
    assert q(db, "select sw_id, fte from fact_worker_spell") == [("SW1", 1.5)]
    assert q(db, "select child, ethnic from dim_child where child = 'C8'") == [("C8", "WBRI")]
    # The children whose SEX or DOB was bad are kept with that value blank, and C4's episode (line 6) went in.
    assert q(db, "select child, sex, dob from dim_child where child in ('C4', 'C5', 'C6', 'C7') order by 1") == [
        ("C4", None, dt.date(2010, 1, 1)), ("C5", "1", None), ("C6", "1", None), ("C7", None, dt.date(2011, 1, 1))]
    assert q(db, "select child, decom::varchar from fact_episode where child = 'C4'") == [("C4", "2017-03-01")]
    assert q(db, "select seen_alone from fact_visit where visit_date = '2015-06-16'") == [(None,)]


def test_line_numbers_hold_on_a_large_multi_file_parallel_read(tmp_path: Path) -> None:
    # Three years of header.csv read in one call; 2017's file is ~20 MB, so DuckDB splits it between threads.
    # Every 50,000th line (and the last) of each file has SEX 9 (blanked with a warning) and every 70,000th
    # (and the first) no CHILD (rejected); those exact lines must come back in load_warnings and rejected_rows.
    sizes = {2016: 1_000, 2017: 700_000, 2018: 3_000}
    warned, rejected = [], []
    files = {}
    for year, n in sizes.items():
        bad = {line for line in range(2, n + 2) if line % 50_000 == 0 or line == n + 1}
        lost = {line for line in range(2, n + 2) if line % 70_000 == 0 or line == 2} - bad
        rows = [f"{'' if line in lost else f'K{year}_{line}'},{9 if line in bad else 1},01/05/2005,WBRI,,0,"
                for line in range(2, n + 2)]
        files[f"ssda903/{year}/header.csv"] = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + "\n".join(rows) + "\n"
        warned += [(f"ssda903/{year}/header.csv", line) for line in sorted(bad)]
        rejected += [(f"ssda903/{year}/header.csv", line) for line in sorted(lost)]
    source = make_source(tmp_path, base="la_b", files={"ssda903/2017/episodes.csv": None, **files})
    db = tmp_path / "w.duckdb"
    report = load([source], db)
    assert q(db, "select file, line from load_warnings order by file, line") == sorted(warned)
    assert q(db, "select file, line from rejected_rows order by file, line") == sorted(rejected)
    # The warned rows' CHILD encodes their line, so the value and the row agree with the line too.
    assert q(db, "select count(*) from load_warnings where value <> '9'") == [(0,)]
    assert q(db, "select count(*) from dim_child where sex is null") == [(len(warned),)]
    assert q(db, "select count(*) from dim_child as c join load_warnings as w "
                 "on c.child = 'K' || split_part(w.file, '/', 2) || '_' || w.line") == [(len(warned),)]
    assert report.rows_rejected == len(rejected)
    # warned: 1 + (14 + 1) + 1; rejected: line 2 of each file + the 8 multiples of 70,000 not of 50,000 in 2017
    assert (len(warned), len(rejected)) == (17, 11)


# ---------- whole-load failures leave the warehouse untouched ----------

def test_missing_required_column_fails_the_load_and_keeps_the_old_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load([FIXTURES / "la_a"], db)
    before = sha(db)
    no_decom = "CHILD,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE\nC1,S,C2,N1,U4,PR1,,,\n"
    bad = make_source(tmp_path, files={"ssda903/2017/episodes.csv": no_decom}, name="bad")
    with pytest.raises(LoadError) as err:
        load([FIXTURES / "la_b", bad], db)
    assert "ssda903/2017/episodes.csv" in str(err.value) and "required column DECOM" in str(err.value)
    assert sha(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["w.duckdb"]  # no temporary file left


@pytest.mark.parametrize(("rel", "text", "message"), [
    ("extracts/visits.csv", "CHILD,SW_ID,VISIT_DATE,SEEN_ALONE\nC1,SW1,15/06/2015,Y\nC1,SW1,16/06/2015,Y,extra\n",
     "extracts/visits.csv: cannot be read: CSV Error on Line: 3; Original Line: C1,SW1,16/06/2015,Y,extra; "
     "Expected Number of Columns: 4 Found: 5"),
    ("extracts/visits.csv", "CHILD,SW_ID,VISIT_DATE,SEEN_ALONE\nC1,SW1,15/06/2015\n",
     "extracts/visits.csv: cannot be read: CSV Error on Line: 2"),
    ("ssda903/2016/reviews.csv", "", "ssda903/2016/reviews.csv: cannot be read: the file is empty"),
    ("authority.toml", 'la_name = "No code"\n', "authority.toml: required key la_code"),
])
def test_unreadable_input_fails_the_load_and_keeps_the_old_warehouse(tmp_path: Path, rel: str, text: str,
                                                                     message: str) -> None:
    db = tmp_path / "w.duckdb"
    load([FIXTURES / "la_a"], db)
    before = sha(db)
    with pytest.raises(LoadError, match=message):
        load([make_source(tmp_path, files={rel: text}, name="bad")], db)
    assert sha(db) == before
    assert q(db, "select count(*) from fact_visit") == [(4,)]


def test_invalid_utf8_after_the_header_names_the_file(tmp_path: Path) -> None:
    source = make_source(tmp_path, name="bad")
    (source / "extracts/visits.csv").write_bytes(b"CHILD,SW_ID,VISIT_DATE,SEEN_ALONE\nC1,SW\xff1,15/06/2015,Y\n")
    with pytest.raises(LoadError, match="extracts/visits.csv: cannot be read"):
        load([source], tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()


# ---------- reloads, several authorities, missing files ----------

def test_loading_the_same_source_twice_leaves_the_same_data(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = load([FIXTURES / "la_a"], db)
    data = snapshot(db)
    second = load([FIXTURES / "la_a"], db)
    assert snapshot(db) == data
    assert len(data["fact_episode"]) == 4 and len(data["fact_child_month"]) > 0
    # load_log is appended: 23 rows per load (authority.toml + 12 return files + 10 extracts).
    assert q(db, "select load_id, count(*) from load_log group by 1 order by 1") == [
        (first.load_id, 23), (second.load_id, 23)]
    assert first.load_id < second.load_id


def test_two_authorities_side_by_side_and_missing_files_reported(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = load([FIXTURES / "la_a", FIXTURES / "la_b"], db)
    # Both have a child C1; they are different children (keyed by la_code).
    assert q(db, "select la_code, child, dob::varchar from dim_child where child = 'C1' order by 1") == [
        (LA_A, "C1", "2005-05-01"), (LA_B, "C1", "2008-03-03")]
    assert q(db, "select la_code, count(*) from fact_episode group by 1 order by 1") == [(LA_A, 4), (LA_B, 1)]
    # la_b has 2017 header + episodes: 4 return files and all 5 extracts are missing.
    missing_b = ["ssda903/2017/reviews.csv", "ssda903/2017/missing.csv", "ssda903/2017/oc2.csv",
                 "ssda903/2017/sw_episodes.csv", "extracts/visits.csv", "extracts/health_assessments.csv",
                 "extracts/return_interviews.csv", "extracts/workforce.csv", "extracts/establishment.csv",
                 "extracts/plan_actions.csv", "extracts/supervisions.csv", "extracts/legal.csv",
                 "extracts/strategy_meetings.csv", "extracts/return_home_plans.csv"]
    assert report.missing == [f"{LA_B} {rel}" for rel in missing_b]
    assert q(db, "select file from load_log where status = 'missing' and la_code = $la order by file",
             {"la": LA_B}) == [(rel,) for rel in sorted(missing_b)]
    assert q(db, "select count(*) from load_log where status = 'missing' and la_code = $la", {"la": LA_A}) == [(0,)]


def test_an_absent_year_and_absent_files_are_reported_file_by_file(tmp_path: Path) -> None:
    # Returns 2016 and 2018 present (2018 = copy of 2017), 2017 absent; oc2 removed from 2016.
    source = make_source(tmp_path, files={"ssda903/2016/oc2.csv": None})
    shutil.move(source / "ssda903/2017", source / "ssda903/2018")
    report = load([source], tmp_path / "w.duckdb")
    assert report.missing == [f"{LA_A} ssda903/2016/oc2.csv"] + [
        f"{LA_A} ssda903/2017/{name}.csv" for name in ("header", "episodes", "reviews", "missing", "oc2",
                                                        "sw_episodes")]


def test_reloading_one_authority_replaces_only_its_data(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load([FIXTURES / "la_a", FIXTURES / "la_b"], db)
    a_before = {t: rows for t, rows in snapshot(db).items()}
    # la_b's new source: C1 gone, C2 arrives.
    b2 = make_source(tmp_path, base="la_b", files={
        "ssda903/2017/header.csv": "CHILD,SEX,DOB,ETHNIC\nC2,1,04/04/2009,WBRI\n",
        "ssda903/2017/episodes.csv": EP_HEADER + "\nC2,01/10/2016,S,V2,N5,U4,PR1,,,,,,\n",
    })
    load([b2], db)
    after = snapshot(db)
    for table in FACT_TABLES:
        a_rows = [r for r in a_before[table] if LA_A in r]
        assert [r for r in after[table] if LA_A in r] == a_rows, table
    assert q(db, "select child from dim_child where la_code = $la", {"la": LA_B}) == [("C2",)]
    assert q(db, "select child, decom::varchar from fact_episode where la_code = $la", {"la": LA_B}) == [
        ("C2", "2016-10-01")]
    # load_log keeps the first load's rows (la_a: authority.toml + 12 + 10 = 23; la_b: authority.toml + 2 present
    # + 14 missing = 17; 40 in all) and appends the second's (17): 57.
    assert q(db, "select count(*) from load_log") == [(57,)]


def test_load_log_records_hashes_and_counts(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = load([FIXTURES / "la_b"], db)
    got = q(db, "select file, status, sha256, rows_read, rows_loaded, rows_rejected, duration_s >= 0 "
                "from load_log where status = 'loaded' order by file")
    assert got == [
        ("authority.toml", "loaded", sha(FIXTURES / "la_b/authority.toml"), 0, 0, 0, True),
        ("ssda903/2017/episodes.csv", "loaded", sha(FIXTURES / "la_b/ssda903/2017/episodes.csv"), 1, 1, 0, True),
        ("ssda903/2017/header.csv", "loaded", sha(FIXTURES / "la_b/ssda903/2017/header.csv"), 1, 1, 0, True),
    ]
    assert q(db, "select distinct load_id, la_code, source from load_log") == [
        (report.load_id, LA_B, str(FIXTURES / "la_b"))]


def test_headers_are_matched_ignoring_case_spaces_and_order_and_optional_columns_may_be_absent(tmp_path: Path) -> None:
    source = make_source(tmp_path, base="la_b", files={
        "ssda903/2017/header.csv": "\ufeffethnic,DOB, child , Sex\r\nWBRI,03/03/2008,C1,2\r\n"})  # BOM, CRLF
    db = tmp_path / "w.duckdb"
    load([source], db)
    assert q(db, "select child, sex, upn, mother from dim_child") == [("C1", "2", None, None)]


def test_a_reader_open_during_a_load_keeps_its_view_and_new_readers_see_the_new_data(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load([FIXTURES / "la_b"], db)
    reader = duckdb.connect(str(db), read_only=True)  # a running dashboard
    try:
        load([FIXTURES / "la_a"], db)
        # The open reader still sees the file it opened: la_b only (1 child).
        assert reader.execute("select count(*) from dim_child").fetchall() == [(1,)]
        # A new reader in another process sees both (la_a 3 children + la_b 1). (In this process DuckDB would hand
        # back the cached instance of the open reader until it is closed.)
        code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                "print(c.execute('select la_code, count(*) from dim_child group by 1 order by 1').fetchall())")
        out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == str([(LA_A, 3), (LA_B, 1)])
    finally:
        reader.close()
    assert q(db, "select count(*) from dim_child") == [(4,)]


def test_two_sources_for_one_authority_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="la_code Z99000902 is also the authority of"):
        load([FIXTURES / "la_b", make_source(tmp_path, base="la_b", name="copy")], tmp_path / "w.duckdb")


# ---------- generated sources ----------

FACT_KEYS = {  # the contract keys, as warehouse columns (no primary-key index: the loader de-duplicates)
    "dim_child": "la_code, child",
    "fact_episode": "la_code, child, decom",
    "fact_review": "la_code, child, review_date",
    "fact_missing": "la_code, child, mis_start",
    "fact_oc2": "la_code, child, return_year",
    "fact_allocation": "la_code, child, sw_id, sw_decom",
    "fact_visit": "la_code, child, visit_date",
    "fact_health_assessment": "la_code, child, assessment_date, assessment_type",
    "fact_worker_spell": "la_code, sw_id, start_date",
    "fact_establishment": "la_code, team, start_date",
}


def test_generated_sources_load_with_zero_rejected_rows_and_unique_keys(tmp_path: Path) -> None:
    from etl.generate import generate

    sources = generate(tmp_path / "gen", authorities=2, start="2016-04", end="2018-03")
    db = tmp_path / "w.duckdb"
    report = load(sources, db)
    assert report.rows_rejected == 0, report.rejected_by_reason
    assert q(db, "select count(*) from rejected_rows") == [(0,)]
    # Rows read per file = the file's lines minus the header, counted here without DuckDB.
    for source in sources:
        for path in sorted(source.rglob("*.csv")):
            rel = path.relative_to(source).as_posix()
            lines = len(path.read_text().splitlines()) - 1
            assert q(db, "select rows_read from load_log l join dim_authority a using (la_code) "
                         "where l.file = $file and a.source_path = $src",
                     {"file": rel, "src": str(source.resolve())}) == [(lines,)], rel
    for table, key in FACT_KEYS.items():
        total, distinct = q(db, f"select count(*), count(distinct ({key})) from {table}")[0]
        assert total == distinct > 0, table
    # load_log's rows_loaded per kind of file add up to the rows in its table (superseded views not counted).
    for pattern, table in [("%/header.csv", "dim_child"), ("%/episodes.csv", "fact_episode"),
                           ("%/sw_episodes.csv", "fact_allocation"), ("%/visits.csv", "fact_visit"),
                           ("%/missing.csv", "fact_missing"), ("%/workforce.csv", "fact_worker_spell"),
                           ("%/return_interviews.csv", "fact_missing where has_rhi_record")]:
        logged = q(db, "select sum(rows_loaded) from load_log where file like $p", {"p": pattern})[0][0]
        assert logged == q(db, f"select count(*) from {table}")[0][0], pattern
    assert 0 < report.rows_loaded < report.rows_read  # episodes open at 31 March 2017 come again in 2018


# ---------- progress and the command line ----------

def test_progress_goes_from_zero_to_one(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    load([FIXTURES / "la_b"], tmp_path / "w.duckdb", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert "reading episodes (1 files)" in [m for _, m in seen]


def test_cli_prints_a_summary_and_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.duckdb"
    assert etl_main(["load", str(FIXTURES / "la_a"), str(FIXTURES / "la_b"), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    # rows: la_a 46 read / 42 loaded (see above) + la_b 2 read / 2 loaded; 4 superseded.
    assert "rows: 48 read, 44 loaded, 0 rejected, 4 superseded by a later view" in out
    assert "files: 26 read, 14 missing" in out
    bad = make_source(tmp_path, files={"extracts/workforce.csv": "SW_ID,TEAM\nSW1,North\n"}, name="bad")
    assert etl_main(["load", str(bad), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "extracts/workforce.csv: required column ORG_ROLE is missing" in err
    assert "The warehouse was not changed." in err


def test_a_folder_of_authority_folders_loads_each_of_them(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # As `python -m etl generate --out DIR` writes them: one folder per authority inside DIR.
    parent = tmp_path / "generated"
    make_source(parent, base="la_a")
    make_source(parent, base="la_b")
    (parent / "notes").mkdir()  # a folder without authority.toml is not a source: skipped
    db = tmp_path / "w.duckdb"
    assert etl_main(["load", str(parent), "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"Loaded 2 authorities ({LA_A} Fixture Borough A, {LA_B} Fixture Borough B) into")
    assert lines[1] == f"  sources: 2 authority folders found inside {parent}"
    assert q(db, "select la_code, source_path from dim_authority order by 1") == [
        (LA_A, str((parent / "la_a").resolve())), (LA_B, str((parent / "la_b").resolve()))]


def test_a_folder_with_no_authority_toml_in_it_or_below_is_a_one_line_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "empty"
    (folder / "ssda903").mkdir(parents=True)
    db = tmp_path / "w.duckdb"
    assert etl_main(["load", str(folder), "--db", str(db)]) == 1
    assert capsys.readouterr().err == (
        f"\nload failed: {folder}: no authority.toml in this folder or in any folder inside it (every source needs "
        "authority.toml with la_code and la_name)\nThe warehouse was not changed.\n")
    assert not db.exists()


def test_summary_of_many_authorities_stays_short() -> None:
    from etl.load import LoadReport

    report = LoadReport(load_id="x", db=Path("w.duckdb"), authorities=[(f"Z9900000{i}", f"B{i}") for i in range(5)])
    first = report.summary().splitlines()[0]
    assert first.startswith("Loaded 5 authorities (Z99000000 B0, Z99000001 B1, Z99000002 B2 and 2 more) into")
