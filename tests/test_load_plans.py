"""The loader's rules for the plans, supervision, legal, strategy meeting and return home extracts, on la_a.

la_a (tests/fixtures/la_a, Z99000901) has returns 2016 and 2017 and every extract; its children are C1 (DOB 1/5/2005,
looked after 1/6/2015 to 31/1/2017), C2 (DOB 14/2/2010, from 15/1/2016) and C3 (DOB 12/12/2012, from 1/3/2017).
Each test overwrites one extract with rows that break a rule and checks file, line, column and reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.load import load
from tests.test_load import LA_A, make_source, q

PLAN_HEADER = "CHILD,ACTION_ID,PLAN_TYPE,RAISED_DATE,DUE_DATE,COMPLETED_DATE,OWNER_SW_ID"
LEGAL_HEADER = ("CHILD,PLO_DECISION_DATE,PLO_LETTER_DATE,PLO_MEETING_DATE,PROCEEDINGS_ISSUED_DATE,FINAL_ORDER_DATE,"
                "OUTCOME")


def rejected(db: Path, file: str) -> list[tuple]:
    return q(db, "select line, column_name, value, reason from rejected_rows where file = $f order by all", {"f": file})


def warned(db: Path, file: str) -> list[tuple]:
    return q(db, "select line, column_name, value, rule, action from load_warnings where file = $f order by all",
             {"f": file})


def test_plan_actions_rules(tmp_path: Path) -> None:
    rows = [
        "C1,A1,CARE,01/07/2015,01/09/2015,01/09/2015,SW1",  # line 2: done on its due date: fine
        "C1,A2,CARE,01/07/2015,01/09/2015,30/06/2015,SW1",  # line 3: completed the day before it was raised
        "C1,A3,CARE,01/07/2015,30/06/2015,,SW1",  # line 4: due the day before it was raised
        "C1,A4,CARE,31/02/2016,01/04/2016,,SW1",  # line 5: 31 February: unparseable
        "C3,A5,PLAN9,10/03/2017,01/01/2099,,SW2",  # line 6: due in 2099 is fine; PLAN9 is blanked
        "C3,A6,CARE,10/03/2017,10/04/2017,01/01/2099,SW2",  # line 7: done in 2099: blanked, still open
        "C9,A7,CARE,10/03/2017,10/04/2017,,SW2",  # line 8: no such child
        "C1,A8,CARE,01/07/2015,01/07/2015,,",  # line 9: due the day it was raised: fine
    ]
    db = tmp_path / "w.duckdb"
    load([make_source(tmp_path, files={"extracts/plan_actions.csv": "\n".join([PLAN_HEADER, *rows]) + "\n"})], db)
    assert rejected(db, "extracts/plan_actions.csv") == [
        (3, "COMPLETED_DATE", "30/06/2015", "end before start"),
        (4, "DUE_DATE", "30/06/2015", "end before start"),
        (5, "RAISED_DATE", "31/02/2016", "unparseable date"),
        (8, "CHILD", "C9", "unknown child"),
    ]
    assert warned(db, "extracts/plan_actions.csv") == [
        (6, "PLAN_TYPE", "PLAN9", "code not in list", "blanked"),
        (7, "COMPLETED_DATE", "01/01/2099", "date after the load date", "blanked"),
    ]
    assert q(db, "select action_id, plan_type, due_date::varchar, completed_date::varchar from fact_plan_action "
                 "order by 1") == [("A1", "CARE", "2015-09-01", "2015-09-01"), ("A5", None, "2099-01-01", None),
                                   ("A6", "CARE", "2017-04-10", None), ("A8", "CARE", "2015-07-01", None)]
    # Coverage: first raised 1 Jul 2015 to the latest raised or completed date, 10 Mar 2017 (A5, A6 raised; no
    # completion counts after it; the 2099 due date does not stretch it): Jul 2015 to Mar 2017 = 21 months.
    assert q(db, "select min(month_end)::varchar, max(month_end)::varchar, count(*) from source_coverage "
                 "where source = 'plan_actions'") == [("2015-07-31", "2017-03-31", 21)]


def test_legal_rules(tmp_path: Path) -> None:
    rows = [
        "C1,01/03/2015,05/03/2015,20/03/2015,25/05/2015,20/11/2015,ISSUED",  # line 2: fine
        "C1,01/03/2016,28/02/2016,,,,",  # line 3: letter before the decision
        "C3,,,,27/02/2017,26/02/2017,ISSUED",  # line 4: final order the day before issue
        "C3,,,,,,NOT_PURSUED",  # line 5: neither a PLO decision nor an issue date
        "C3,,05/01/2017,,27/02/2017,,ISSUED",  # line 6: a letter with no decision date: kept, with a warning
        "C1,01/06/2016,,,,,LATER",  # line 7: an outcome not in the list: rejected (the measures use it)
        "C1,01/07/2016,01/07/2016,01/07/2016,01/01/2099,,",  # line 8: issue date in 2099: blanked
    ]
    db = tmp_path / "w.duckdb"
    load([make_source(tmp_path, files={"extracts/legal.csv": "\n".join([LEGAL_HEADER, *rows]) + "\n"})], db)
    assert rejected(db, "extracts/legal.csv") == [
        (3, "PLO_LETTER_DATE", "28/02/2016", "end before start"),
        (4, "FINAL_ORDER_DATE", "26/02/2017", "end before start"),
        (5, "PLO_DECISION_DATE", None, "missing required value"),
        (7, "OUTCOME", "LATER", "code not in list"),
    ]
    assert warned(db, "extracts/legal.csv") == [
        (6, "PLO_LETTER_DATE", "05/01/2017", "PLO_LETTER_DATE without PLO_DECISION_DATE", "kept"),
        (8, "PROCEEDINGS_ISSUED_DATE", "01/01/2099", "date after the load date", "blanked"),
    ]
    assert q(db, "select child, plo_decision_date::varchar, proceedings_issued_date::varchar, outcome "
                 "from fact_legal order by all") == [
        ("C1", "2015-03-01", "2015-05-25", "ISSUED"), ("C1", "2016-07-01", None, None),
        ("C3", None, "2017-02-27", "ISSUED")]
    # A rare-event extract covers from its first dated row (1 Mar 2015, before the returns: so from their first month,
    # Apr 2015) to the end of the authority's data (Mar 2017): 24 months, though no row is dated after Jul 2016.
    assert q(db, "select min(month_end)::varchar, max(month_end)::varchar, count(*) from source_coverage "
                 "where source = 'legal'") == [("2015-04-30", "2017-03-31", 24)]


def test_supervision_strategy_meeting_and_return_home_rules(tmp_path: Path) -> None:
    files = {
        "extracts/supervisions.csv": "CHILD,SUPERVISION_DATE,SW_ID,MANAGER_ID,ACTIONS_RECORDED,TIMESCALES_RECORDED\n"
                                     "C1,01/07/2015,SW1,TL1,Y,Y\n"  # line 2: fine
                                     "C1,10/08/2015,SW1,TL1,X,N\n"  # line 3: X blanked (counts as not recorded)
                                     "C3,01/01/2099,SW2,TL1,Y,Y\n",  # line 4: a supervision in 2099: rejected
        "extracts/strategy_meetings.csv": "CHILD,MEETING_DATE,REASON,MIS_START\n"
                                          "C1,22/01/2017,MISSING,20/01/2017\n"  # line 2: fine
                                          "C1,19/01/2017,MISSING,20/01/2017\n"  # line 3: before the episode began
                                          "C3,11/03/2017,PARTY,\n",  # line 4: reason blanked, row kept
        "extracts/return_home_plans.csv": "CHILD,CEASED_DATE,PLAN_AGREED_DATE,AGENCIES\n"
                                          "C1,31/01/2017,20/01/2017,3\n"  # line 2: fine
                                          "C1,31/01/2016,,99\n"  # line 3: 99 agencies: blanked
                                          "C2,2016-13-01,,2\n",  # line 4: month 13: rejected
    }
    db = tmp_path / "w.duckdb"
    load([make_source(tmp_path, files=files)], db)
    assert rejected(db, "extracts/supervisions.csv") == [(4, "SUPERVISION_DATE", "01/01/2099",
                                                          "date after the load date")]
    assert warned(db, "extracts/supervisions.csv") == [(3, "ACTIONS_RECORDED", "X", "code not in list", "blanked")]
    assert q(db, "select supervision_date::varchar, actions_recorded, timescales_recorded from fact_supervision "
                 "order by 1") == [("2015-07-01", True, True), ("2015-08-10", None, False)]
    assert rejected(db, "extracts/strategy_meetings.csv") == [(3, "MEETING_DATE", "19/01/2017", "end before start")]
    assert warned(db, "extracts/strategy_meetings.csv") == [(4, "REASON", "PARTY", "code not in list", "blanked")]
    assert rejected(db, "extracts/return_home_plans.csv") == [(4, "CEASED_DATE", "2016-13-01", "unparseable date")]
    assert warned(db, "extracts/return_home_plans.csv") == [(3, "AGENCIES", "99", "number out of range", "blanked")]
    assert q(db, "select ceased_date, agencies from fact_return_home_plan order by 1") == [
        (dt.date(2016, 1, 31), None), (dt.date(2017, 1, 31), 3)]


def test_an_absent_plans_extract_is_missing_and_covers_no_month(tmp_path: Path) -> None:
    names = ("plan_actions", "supervisions", "legal", "strategy_meetings", "return_home_plans")
    db = tmp_path / "w.duckdb"
    report = load([make_source(tmp_path, files={f"extracts/{n}.csv": None for n in names})], db)
    assert report.missing == [f"{LA_A} extracts/{n}.csv" for n in names]
    assert q(db, "select count(*) from source_coverage where list_contains($s, source)", {"s": list(names)}) == [(0,)]
    # the other files' coverage is as before: visits from Jun 2015 to Mar 2017
    assert q(db, "select count(*) from source_coverage where source = 'visits'") == [(22,)]
