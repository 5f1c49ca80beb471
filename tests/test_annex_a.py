"""Ofsted's Annex A List 8 (annex_a.xlsx): the headers authorities use, the loader's checks by sheet row, the snapshot
measures and the reconciliation with the event data, each on a workbook built here with openpyxl, with the figures
worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

import queries
from etl.contract import ANNEX_A_LIST_8, AnnexColumn, AnnexSheet, header_key
from etl.load import LoadError, load
from tests.test_app import array

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
LA = "Z99000777"
SNAP = D(2018, 3, 31)  # a Saturday; 30 March (Good Friday) and 2 April (Easter Monday) 2018 are bank holidays
FILE = "annex_a.xlsx [List 8]"

# The List 8 headers Practice Lens reads, as Ofsted's template publishes them, plus three it does not (extra columns).
H = {c.name: c.published for c in ANNEX_A_LIST_8.columns}
PUBLISHED = [H["child"], "Gender", H["dob"], "Age of Child (Years)", H["cla_start"], H["legal_status"],
             H["last_review"], H["last_visit"], "Date of Last IRO Visit / Contact to the Child", H["last_health"],
             H["last_dental"], H["placements_12m"], H["cla_end"], H["placement_start"], H["place"],
             H["missing_12m"], H["absent_12m"], H["rhi_offered"], H["rhi_accepted"], H["team"], H["social_worker"]]


def row(child, dob, start, *, ls="C2: FCO", review=None, visit=None, health=None, dental=None, placements=1,
        end=None, pstart=None, place="f) U6: Foster placement - not FFA", missing=0, absent=0, offered=None,
        accepted=None, team="Team A", worker="Worker 1") -> list:
    """A List 8 row in PUBLISHED's order (Gender, Age and the IRO visit are filled as an authority would)."""
    return [child, "a) Male", dob, 9, start, ls, review, visit, None, health, dental, placements, end,
            pstart or start, place, missing, absent, offered, accepted, team, worker]


# Seven children in care on 31 March 2018 (A1-A5, A7, A8), one who left (A6) and one row with no child id.
ROWS = [
    # A1: last visit 17 Feb = 42 days before (in time, day 42); review 1 Oct 2017 + 6 months = 1 Apr (up to date);
    # health 1 Apr 2017, aged over 5: + 12 months = 1 Apr 2018 (up to date); dental 31 Mar 2017 + 12 months =
    # 31 Mar 2018 (in time, the last day); 3 placements; missing twice, offered an interview (Y), refused it (N).
    row("A1", D(2008, 5, 5), D(2016, 1, 10), review=D(2017, 10, 1), visit=D(2018, 2, 17), health=D(2017, 4, 1),
        dental=D(2017, 3, 31), placements=3, pstart=D(2017, 6, 1), missing=2, offered="a) Yes", accepted="b) No"),
    # A2: everything one day late: visit 16 Feb (43 days), review 30 Sep + 6 months = 30 Mar, health and dental
    # 30 Mar 2017 + 12 months = 30 Mar 2018, all before 31 Mar.
    row("A2", D(2006, 1, 1), D(2015, 3, 1), review=D(2017, 9, 30), visit=D(2018, 2, 16), health=D(2017, 3, 30),
        dental=D(2017, 3, 30), pstart=D(2017, 1, 1)),
    # A3: long-term foster placement (U1) since 1 Jan 2016, visited 1 Jan 2018 (after its first anniversary): 3
    # months, due 1 Apr (in time). Under 5 at the health assessment (born 1 Jun 2013, assessed 30 Sep 2017): + 6
    # months = 30 Mar 2018, overdue. No dental check. Missing once, offer 'Unknown' (not recorded).
    row("A3", D(2013, 6, 1), D(2014, 1, 1), review=D(2018, 1, 15), visit=D(2018, 1, 1), health=D(2017, 9, 30),
        placements=2, pstart=D(2016, 1, 1), place="a) U1: Foster placement - relatives - long term", missing=1,
        offered="c) Unknown", team="Team B"),
    # A4: came into care on Monday 5 Mar 2018, no visit: due 7 days after the placement start, 12 Mar (overdue). No
    # review or health assessment yet: due on the 20th working day, 4 Apr 2018 (Good Friday and Easter Monday
    # skipped), so not overdue.
    row("A4", D(2010, 1, 1), D(2018, 3, 5), ls="V2: Single period under S20", team="Team B"),
    # A5: a short break (V3): counted for visits and reviews, left out of health, dental and placements.
    row("A5", D(2009, 1, 1), D(2017, 1, 1), ls="V3: Short term breaks, episodes recorded", review=D(2018, 1, 1),
        visit=D(2018, 3, 1), placements=5, team=None, worker=None),
    # A6: left care on 1 Feb 2018: not in care on the snapshot date; its visit date is unreadable (a warning).
    row("A6", D(2007, 1, 1), D(2016, 1, 1), end=D(2018, 2, 1), visit="32/01/2018", placements=4),
    # A7: in care since Saturday 1 Apr 2017: 12 months on 31 Mar 2018 (1 Apr 2017 + 12 months - 1 day), so counted
    # for dental (check 1 Jan 2018, in time). A U4 placement not yet a year old at the visit: 6 weeks. Placements
    # 'two' (not a number: blanked, not counted). Date Ceased 15 Apr 2018 is after the snapshot (blanked: in care).
    # Missing 3 times, not offered an interview.
    row("A7", D(2005, 7, 7), D(2017, 4, 1), review=D(2018, 3, 1), visit=D(2018, 3, 20), health=D(2018, 2, 1),
        dental=D(2018, 1, 1), placements="two", end=D(2018, 4, 15), place="U4", missing=3, offered="N"),
    # A8: care from Monday 11 Dec 2017, first review due on the 20th working day, 11 Jan 2018 (25, 26 Dec and 1 Jan
    # are bank holidays); a review on 20 Dec is on or before it, so it is the first: the second is due 3 months
    # later, 20 Mar 2018 (overdue). Under 5 at its initial health assessment (28 Dec 2017): next due 28 Jun 2018.
    # A dental check dated 1 Jan 2015, before the child's birth (1 Feb 2016), is blanked.
    row("A8", D(2016, 2, 1), D(2017, 12, 11), review=D(2017, 12, 20), visit=D(2018, 2, 20), health=D(2017, 12, 28),
        dental=D(2015, 1, 1), team="Team B"),
    row(None, D(2010, 1, 1), D(2017, 1, 1)),  # no child id: rejected
]


def workbook(path: Path, rows: list[list], *, headers: list[str] | None = None, sheet: str = "List 8",
             above: list[list] | None = None, other_sheets: tuple[str, ...] = ("List 1", "List 7")) -> Path:
    """An Annex A workbook: `other_sheets` (empty lists), then the List 8 sheet with `above` (title rows, the
    'Data as at' cell) over its header row."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in other_sheets:
        wb.create_sheet(name).append(["Child Unique ID", "Gender"])
    ws = wb.create_sheet(sheet)
    for line in above if above is not None else [["Annex A List 8: children in care"], ["Data as at", SNAP], []]:
        ws.append(line)
    ws.append(headers or PUBLISHED)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def source(tmp_path: Path, name: str = "src", toml_extra: str = "", **book) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "authority.toml").write_text(f'la_code = "{LA}"\nla_name = "Annex Borough"\nsynthetic = true\n'
                                           + toml_extra)
    workbook(folder / "annex_a.xlsx", book.pop("rows", ROWS), **book)
    return folder


def q(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


# ---------- the contract: one mapping of headers ----------

def test_header_key_ignores_case_spacing_punctuation_quotes_and_yes_no() -> None:
    assert header_key("Child Unique ID") == header_key("CHILD_UNIQUE_ID") == header_key(" child  unique-id ")
    # the template's curly quotes and straight ones are one header
    assert header_key("Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months") \
        == header_key("Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months")
    assert header_key("Was the child offered a Return Interview after their last missing episode (Y/N)?") \
        == header_key("Was the child offered a return interview after their last missing episode?")


def test_every_accepted_header_names_one_column() -> None:
    names = ANNEX_A_LIST_8.header_map()
    for variant, column in [("Child ID", "child"), ("ChildID", "child"), ("CHILD", "child"),
                            ("Date of last statutory visit", "last_visit"),
                            ("Date of the Last Statutory Visit", "last_visit"),
                            ("Date of Last Review", "last_review"), ("DOB", "dob"),
                            ("No. of Placements in the Last 12 Months", "placements_12m"),
                            ("Return Interview Offered", "rhi_offered"), ("Legal Status", "legal_status")]:
        assert names[header_key(variant)].name == column, variant
    clash = AnnexSheet("x", "X", "x", "", (AnnexColumn("a", "date", ("Date",)), AnnexColumn("b", "date", ("DATE",))),
                       "x")
    with pytest.raises(ValueError, match="would name both a and b"):
        clash.header_map()


# ---------- the loader ----------

@pytest.fixture(scope="module")
def annex_only(tmp_path_factory) -> Path:
    """ROWS loaded on their own (no SSDA903 return, no extract): the first view an authority gets in minutes."""
    base = tmp_path_factory.mktemp("annex_only")
    db = base / "w.duckdb"
    load([source(base)], db)
    return db


def test_rows_go_in_with_the_published_headers_below_a_title(annex_only: Path) -> None:
    # The header is on row 4 (a title, the 'Data as at' cell, a blank row above it): A1 is on row 5, ... the row
    # with no child on row 13. Eight rows go in (A1-A8); the child ids, dates and codes are read as the list says.
    got = {r[0]: r[1:] for r in q(annex_only, "select child, sheet_row, cla_start, place, legal_status, last_visit, "
                                             "rhi_offered, rhi_accepted, team from fact_annex_a_cla")}
    assert sorted(got) == ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"]
    assert got["A1"] == (5, D(2016, 1, 10), "U6", "C2", D(2018, 2, 17), True, False, "Team A")
    assert got["A3"][2:4] == ("U1", "C2") and got["A3"][5] is None  # 'c) Unknown' is not recorded
    assert got["A5"][3] == "V3" and got["A5"][7] is None  # no team: unallocated
    assert q(annex_only, "select list, sheet, snapshot_date, date_from, header_row, rows_kept from annex_a_snapshot") \
        == [("annex_a_list_8", "List 8", SNAP, "cell B2 of sheet List 8", 4, 8)]
    # the snapshot's month is the list's one month of data
    assert q(annex_only, "select source, month_end from source_coverage") == [("annex_a_list_8", SNAP)]


def test_bad_values_are_rejected_or_blanked_by_sheet_row_and_column(annex_only: Path) -> None:
    rejected = q(annex_only, "select file, line, column_name, value, reason from rejected_rows")
    assert rejected == [(FILE, 13, "Child Unique ID", "", "missing required value")]
    warnings = q(annex_only, "select file, line, column_name, value, rule, action from load_warnings order by line")
    assert warnings == [
        (FILE, 10, "Date of Last Social Work Visit", "32/01/2018", "unparseable date", "blanked"),  # A6
        (FILE, 11, "Number of Placements in the Last 12 months", "two", "not a number", "blanked"),  # A7
        (FILE, 11, "Date Ceased to be Looked After", "2018-04-15", "date after the snapshot date", "blanked"),
        (FILE, 12, "Date of Last Dental Check", "2015-01-01", "before date of birth", "blanked"),  # A8
    ]
    assert q(annex_only, "select file, status, rows_read, rows_loaded, rows_rejected from load_log "
                         "where file like 'annex%'") == [(FILE, "loaded", 9, 8, 1)]
    assert q(annex_only, "select cla_end, placements_12m from fact_annex_a_cla where child = 'A7'") == [(None, None)]


def test_header_variants_load_the_same_rows(tmp_path: Path, annex_only: Path) -> None:
    # Other case, spacing and punctuation, the older and shorter names authorities use, the header on row 1 (no
    # title), the sheet named differently, extra columns: the same rows go in.
    variants = ["CHILD ID", "gender", "DOB", "Age", "date started to be looked after", "Legal Status",
                "Date of Last Review", "Date of last statutory visit", "IRO", "date_of_last_health_assessment",
                "Date of Last Dental Check-up", "No. of Placements in the Last 12 Months",
                "Date ceased to be looked after", "Start Date of Current Placement", "placement type",
                "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months",
                "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months",
                "Return Interview Offered", "Return Interview Accepted", "TEAM", "Allocated Social Worker"]
    folder = source(tmp_path, headers=variants, above=[], sheet="LIST8 - Children in care",
                    toml_extra="annex_a_date = 2018-03-31\n")
    db = tmp_path / "w.duckdb"
    load([folder], db)
    cols = "child, cla_start, cla_end, legal_status, last_review, last_visit, last_health, " \
           "last_dental, placements_12m, placement_start, place, missing_12m, rhi_offered, team, social_worker"
    assert q(db, f"select {cols}, sheet_row + 3 from fact_annex_a_cla order by child") == \
        q(annex_only, f"select {cols}, sheet_row from fact_annex_a_cla order by child")  # header row 1, not 4
    assert q(db, "select sheet, date_from, header_row from annex_a_snapshot") == \
        [("LIST8 - Children in care", "authority.toml annex_a_date", 1)]


def test_a_sheet_named_otherwise_is_found_by_its_headers(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load([source(tmp_path, sheet="CLA", rows=ROWS[:2])], db)
    assert q(db, "select sheet, rows_kept from annex_a_snapshot") == [("CLA", 2)]


def test_a_missing_sheet_is_reported_and_the_load_goes_on(tmp_path: Path) -> None:
    folder = source(tmp_path, sheet="List 9", headers=["Child Unique ID", "Date of Birth"], rows=[["A1", SNAP]])
    db = tmp_path / "w.duckdb"
    report = load([folder], db)
    assert f"{LA} {FILE}" in report.missing
    assert "no sheet List 8 (Annex A List 8; its sheets: List 1, List 7, List 9)" in report.summary()
    assert q(db, "select status from load_log where file = $f", {"f": FILE}) == [("missing",)]
    assert q(db, "select count(*) from fact_annex_a_cla") == [(0,)]


@pytest.mark.parametrize(("book", "toml_extra", "message"), [
    ({"headers": [h for h in PUBLISHED if h != H["last_visit"]]}, "",
     "sheet List 8: header row 4 lacks 1 required column: Date of Last Social Work Visit (accepted: "
     "'Date of Last Social Work Visit' / 'Date of Last Statutory Visit' / 'Date of the Last Statutory Visit' ...)"),
    ({"headers": ["Name", "Age", "Team"], "rows": []}, "", "no header row found in its first 30 rows"),
    ({"headers": [*PUBLISHED, "Child ID"]}, "", "columns 'Child Unique ID' and 'Child ID' are the same column"),
    ({"above": []}, "", "no snapshot date: add annex_a_date = YYYY-MM-DD"),
    ({}, "annex_a_date = 2018-03-30\n", "cell B2 of sheet List 8 says the data are as at 31/03/2018 but "
                                        "authority.toml annex_a_date says 30/03/2018"),
    ({"above": [["Data as at", D(2099, 1, 1)]]}, "", "the snapshot date 01/01/2099 is after today"),
    ({"above": [["Date of extract: 31 March 2018"]]}, "", None),  # a date in the label's own cell is read
])
def test_a_workbook_that_cannot_be_used_stops_the_load_with_one_line(tmp_path: Path, book, toml_extra,
                                                                      message) -> None:
    folder = source(tmp_path, toml_extra=toml_extra, **book)
    db = tmp_path / "w.duckdb"
    if message is None:
        load([folder], db)
        assert q(db, "select snapshot_date, date_from from annex_a_snapshot") == [(SNAP, "cell A1 of sheet List 8")]
        return
    with pytest.raises(LoadError, match="annex_a.xlsx") as caught:
        load([folder], db)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert not db.exists()


def test_a_file_that_is_not_a_workbook_is_one_line(tmp_path: Path) -> None:
    folder = source(tmp_path)
    (folder / "annex_a.xlsx").write_text("CHILD,DOB\nA1,01/01/2010\n")
    with pytest.raises(LoadError, match=r"annex_a.xlsx: cannot be read as an Excel workbook \(.xlsx\)"):
        load([folder], tmp_path / "w.duckdb")


def test_a_child_listed_twice_in_care_keeps_the_later_row(tmp_path: Path) -> None:
    # A9 on rows 5 and 7, both in care on the snapshot date: row 5 rejected; its earlier period (row 6, ended
    # 1 Jan 2017) is kept. A start of care before the date of birth (row 8) and after the snapshot (row 9), and an
    # end before the start (row 10) are rejected.
    rows = [row("A9", D(2010, 1, 1), D(2017, 5, 1)), row("A9", D(2010, 1, 1), D(2016, 1, 1), end=D(2017, 1, 1)),
            row("A9", D(2010, 1, 1), D(2017, 6, 1)), row("B1", D(2012, 1, 1), D(2011, 1, 1)),
            row("B2", D(2012, 1, 1), D(2018, 4, 1)), row("B3", D(2012, 1, 1), D(2017, 1, 1), end=D(2016, 1, 1))]
    db = tmp_path / "w.duckdb"
    load([source(tmp_path, rows=rows)], db)
    assert q(db, "select line, column_name, value, reason from rejected_rows order by line") == [
        (5, "Child Unique ID", "A9 (also on row 7)", "child listed twice"),
        (8, "Date Started to be Looked After", "2011-01-01", "before date of birth"),
        (9, "Date Started to be Looked After", "2018-04-01", "date after the snapshot date"),
        (10, "Date Ceased to be Looked After", "2016-01-01", "end before start"),
    ]
    assert q(db, "select sheet_row from fact_annex_a_cla order by 1") == [(6,), (7,)]
    assert q(db, "select child, sheet_row from fact_annex_a_child") == [("A9", 7)]


# ---------- the snapshot measures, hand-worked from ROWS ----------

def _all_teams(db: Path, measure: str, month: str = "2018-03") -> pd.Series:
    con = duckdb.connect(str(db), read_only=True)
    try:
        df = queries.run(measure, con, from_month=month, to_month=month)
    finally:
        con.close()
    return df.set_index("team").loc["All teams"]


@pytest.mark.parametrize(("measure", "numerator", "denominator", "value", "extra"), [
    # visits: A1, A3 (3 months), A5, A7, A8 in time; A2 (43 days) and A4 (no visit, 7 days) overdue: 5 of 7
    ("visits_in_time_annex_a", 5, 7, 71.4, {"children_7_days": 1, "children_3_months": 1, "children_6_weeks": 5,
                                            "overdue_7_days": 1, "overdue_6_weeks": 1, "overdue_3_months": 0}),
    # reviews: A2 (6 months to 30 Mar) and A8 (first review, 3 months to 20 Mar) overdue: 5 of 7
    ("reviews_up_to_date_annex_a", 5, 7, 71.4, {"first_review_overdue": 0}),
    # health: A5 left out (V3); A2 (12 months to 30 Mar) and A3 (under 5: 6 months to 30 Mar) overdue: 4 of 6
    ("health_up_to_date_annex_a", 4, 6, 66.7, {"iha_overdue": 0, "rha_overdue": 2}),
    # dental: in care 12 months and not a short break: A1, A2, A3, A7; A1 (31 Mar, the last day) and A7 in time
    ("health_dental_annex_a", 2, 4, 50.0, {}),
    # 3+ placements: A1 (3) of A1, A2, A3, A4, A8; A5 a short break, A7 not recorded
    ("placements_3plus_annex_a", 1, 5, 20.0, {"placements_not_recorded": 1}),
    # missing: A1 (offered), A3 (unknown), A7 (not offered): 1 of 3; A1 refused it
    ("missing_rhi_offered_annex_a", 1, 3, 33.3, {"offer_not_recorded": 1, "accepted": 0}),
])
def test_snapshot_measures(annex_only: Path, measure: str, numerator: int, denominator: int, value: float,
                           extra: dict) -> None:
    r = _all_teams(annex_only, measure)
    assert (r["numerator"], r["denominator"], r["value"], r["status"]) == (numerator, denominator, value, "ok")
    for column, n in extra.items():
        assert r[column] == n, column


def test_snapshot_teams_add_up_and_other_months_are_no_data(annex_only: Path) -> None:
    con = duckdb.connect(str(annex_only), read_only=True)
    try:
        df = queries.run("visits_in_time_annex_a", con, from_month="2018-03", to_month="2018-03")
        # Team A: A1, A2, A7 (2 in time); Team B: A3, A4, A8 (2); A5 unallocated (1)
        assert dict(zip(df["team"], zip(df["numerator"], df["denominator"], strict=True), strict=True)) == {
            "All teams": (5, 7), "Team A": (2, 3), "Team B": (2, 3), "Unallocated": (1, 1)}
        # the event measure has no data (no visits extract): the Annex A figure stands in for it, one month
        shown = queries.stand_in_rows("visits_in_time", con, la_codes=[LA], from_month="2018-03", to_month="2018-03")
        assert shown.loc[shown["team"] == "All teams", "value"].tolist() == [71.4]
        own = queries.run("visits_in_time", con, from_month="2018-03", to_month="2018-03")
        assert own["status"].tolist() == ["no data"] and own["value"].isna().all()
    finally:
        con.close()


def test_no_stand_in_query_where_no_annex_a_list_was_loaded(sample_db: Path, monkeypatch) -> None:
    # the sample has no Annex A workbook: the stand-in is empty without running the snapshot measure at all
    ran = []
    real = queries.run
    monkeypatch.setattr(queries, "run", lambda name, *a, **k: ran.append(name) or real(name, *a, **k))
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        shown = queries.stand_in_rows("visits_in_time", con, from_month="2017-04", to_month="2018-03")
    finally:
        con.close()
    assert shown.empty and ran == []


# ---------- the reconciliation, on hand-written event data ----------

HEADER = "CHILD,SEX,DOB,ETHNIC\nE1,1,01/01/2008,WBRI\nE2,2,01/01/2009,WBRI\nE3,1,01/01/2010,WBRI\n" \
         "E4,2,01/01/2011,WBRI\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE\n" + "".join(
    f"{c},01/04/2016,S,C2,N1,U3,PR1,,,\n" for c in ("E1", "E2", "E3", "E4"))
REVIEWS = "CHILD,REVIEW,REVIEW_CODE\nE1,10/01/2018,PN1\nE2,12/02/2018,PN1\nE3,11/01/2018,PN1\n"
VISITS = "CHILD,SW_ID,VISIT_DATE,SEEN_ALONE\nE1,SW1,2018-03-02,Y\nE2,SW1,2018-03-08,Y\nE3,SW2,2018-03-20,Y\n" \
         "E4,SW2,2018-03-21,Y\n"
# the health extract covers April 2017 (its first row) to March 2018 (E4's, the last): a file that stops before the
# snapshot's month is not compared (annex_a_differs())
HEALTH = "CHILD,ASSESSMENT_DATE,ASSESSMENT_TYPE\nE1,2017-04-10,RHA\nE2,2017-05-01,RHA\nE3,2017-11-01,RHA\n" \
         "E4,2018-03-15,RHA\n"
RECONCILE_ROWS = [
    # E1 agrees: its dental check (1 May 2016) is before the health extract begins (April 2017): no difference
    row("E1", D(2008, 1, 1), D(2016, 4, 1), review=D(2018, 1, 10), visit=D(2018, 3, 2), health=D(2017, 4, 10),
        dental=D(2016, 5, 1)),
    # E2: last visit 1 Mar on the list, 8 Mar in the extract
    row("E2", D(2009, 1, 1), D(2016, 4, 1), review=D(2018, 2, 12), visit=D(2018, 3, 1), health=D(2017, 5, 1)),
    # E3: review 10 Jan on the list, 11 Jan in the return; no health assessment on the list, 1 Nov 2017 recorded
    row("E3", D(2010, 1, 1), D(2016, 4, 1), review=D(2018, 1, 10), visit=D(2018, 3, 20), team="Team B"),
    # X9: on the list only. (E4 is looked after in the episodes but not on the list.)
    row("X9", D(2012, 1, 1), D(2017, 6, 1), visit=D(2018, 3, 5), team="Team B"),
]


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("reconciled")
    folder = source(base, rows=RECONCILE_ROWS)
    for rel, text in {"ssda903/2018/header.csv": HEADER, "ssda903/2018/episodes.csv": EPISODES,
                      "ssda903/2018/reviews.csv": REVIEWS, "extracts/visits.csv": VISITS,
                      "extracts/health_assessments.csv": HEALTH}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    db = base / "w.duckdb"
    load([folder], db)
    return db


def test_reconciliation_counts(reconciled: Path) -> None:
    # In either source: E1, E2, E3, E4, X9 = 5; in both E1-E3; agree: E1 only -> 1 of 5 = 20%.
    r = _all_teams(reconciled, "dq_annex_a_reconciliation")
    assert (r["numerator"], r["denominator"], r["value"], r["status"]) == (1, 5, 20.0, "ok")
    assert (r["in_both"], r["only_annex_a"], r["only_event"]) == (3, 1, 1)
    assert (r["visit_differs"], r["review_differs"], r["health_differs"], r["dental_differs"]) == (1, 1, 1, 0)


def test_reconciliation_list_names_the_children_behind_the_counts(reconciled: Path) -> None:
    con = duckdb.connect(str(reconciled), read_only=True)
    try:
        df = queries.run("dq_annex_a_differences_list", con, la_codes=[LA], as_of="2018-03-31")
        series = queries.run("dq_annex_a_reconciliation", con, la_codes=[LA], from_month="2018-03",
                             to_month="2018-03")
    finally:
        con.close()
    got = {r.child: (r.finding, r.differs) for r in df.itertuples()}
    assert got == {"X9": ("in Annex A only", ""), "E4": ("in the event data only", ""),
                   "E2": ("dates differ", "last visit"), "E3": ("dates differ", "last review, last health assessment")}
    assert list(df["child"]) == ["X9", "E4", "E2", "E3"]
    e2 = df.set_index("child").loc["E2"]
    assert (e2["annex_last_visit"], e2["event_last_visit"]) == (pd.Timestamp(2018, 3, 1), pd.Timestamp(2018, 3, 8))
    # the list agrees with its series: denominator - numerator children, team by team
    by_team = df.groupby("team").size()
    for r in series.itertuples():
        assert (len(df) if r.team == "All teams" else by_team.get(r.team, 0)) == r.denominator - r.numerator


def test_no_reconciliation_without_the_event_data(annex_only: Path) -> None:
    r = _all_teams(annex_only, "dq_annex_a_reconciliation")
    assert r["status"] == "no data" and pd.isna(r["value"])
    assert r["status_note"] == "no data: SSDA903 episodes not supplied"


# ---------- the pages ----------

def app(db: Path, page: str, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_visits_page_shows_the_annex_a_snapshot_labelled_where_the_extract_is_absent(annex_only, monkeypatch):
    at = app(annex_only, "app_pages/visits.py", monkeypatch)
    assert any(w.value == "No data for statutory visits in timescale in this period: SSDA903 episodes not supplied."
               for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Annex A List 8, 31 Mar 2018"] == "71.4%"
    assert metrics["Children counted"] == "7"
    assert any("Source: Annex A List 8, as at 31 Mar 2018" in c.value for c in at.caption)
    chart = next(c for c in (json.loads(p.proto.spec) for p in at.get("plotly_chart"))
                 if c["data"] and c["data"][0].get("name") == "Annex A List 8")
    assert array(chart["data"][0]["y"]).tolist() == [71.4] and chart["data"][0]["mode"] == "markers+text"  # one point
    assert not [d for d in at.dataframe if "Child" in d.value.columns]  # no child list from absent data


def test_visits_page_shows_no_snapshot_where_the_event_data_cover_it(reconciled, monkeypatch):
    at = app(reconciled, "app_pages/visits.py", monkeypatch)
    assert not [m for m in at.metric if m.label.startswith("Annex A List 8")]


def test_data_quality_shows_the_reconciliation(reconciled, monkeypatch):
    at = app(reconciled, "app_pages/data_quality.py", monkeypatch)
    assert any(s.value == "Annex A List 8 and the event data" for s in at.subheader)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Agree"], metrics["In Annex A only"], metrics["In the event data only"],
            metrics["In both"]) == ("20.0%", "1", "1", "3")
    counts = next(d.value for d in at.dataframe if "Check" in d.value.columns)
    assert dict(zip(counts["Check"], counts["Children"], strict=True))["Last visit differs"] == 1
    children = next(d.value for d in at.dataframe if "Child" in d.value.columns)
    assert list(children["Child"]) == ["X9", "E4", "E2", "E3"]


def test_data_quality_in_board_mode_shows_counts_suppressed_and_no_child(reconciled, monkeypatch):
    at = app(reconciled, "app_pages/data_quality.py", monkeypatch, board="true")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["In Annex A only"] == "<5" and metrics["Agree"] == "<5"
    assert not [d for d in at.dataframe if "Child" in d.value.columns]


# ---------- the sample authority with its Annex A workbook ----------

def test_the_sample_workbook_disagrees_only_where_it_was_made_to(sample_annex) -> None:
    db, made = sample_annex
    found = dict(q(db, "select child, finding from fact_annex_a_reconciliation where finding <> 'agree'"))
    assert found == {made["left_off"]: "in the event data only", made["still_listed"]: "in Annex A only",
                     made["visit"]: "dates differ", made["review"]: "dates differ", made["health"]: "dates differ"}
    assert q(db, "select count(*) from fact_annex_a_reconciliation where finding = 'agree'")[0][0] > 150
    assert q(db, "select count(*) from rejected_rows")[0][0] == 0


def test_the_workbook_changes_no_event_measure(sample_annex, sample_db) -> None:
    # every series built on the event data gives the same figures with and without the workbook
    db, _ = sample_annex
    with_annex = duckdb.connect(str(db), read_only=True)
    without = duckdb.connect(str(sample_db), read_only=True)
    try:
        names = [m.name for m in queries.measures().values() if m.shape == "series" and "annex_a" not in m.name]
        for name in names:
            a = queries.run(name, with_annex, from_month="2013-04", to_month="2018-03")
            b = queries.run(name, without, from_month="2013-04", to_month="2018-03")
            pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)
    finally:
        with_annex.close()
        without.close()


def test_lists_agree_on_the_sample_with_its_workbook(sample_annex) -> None:
    from tests.test_lists_agree import check_lists_agree

    db, _ = sample_annex
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert check_lists_agree(con, "Z99000001", [D(2018, 3, 31)]) > 5
    finally:
        con.close()


def test_generating_the_workbook_leaves_the_sample_files_as_they_were(tmp_path, sample_sources) -> None:
    from etl.generate import generate

    folder = generate(tmp_path, seed=2018, annex_a=True)[0]
    assert (folder / "annex_a.xlsx").is_file()
    for path in sample_sources[0].rglob("*"):
        if path.is_file():
            assert filecmp.cmp(path, folder / path.relative_to(sample_sources[0]), shallow=False), path
