"""The generated plans extracts: they change nothing else the generator writes, and they carry the letter's stories
(recomputed here from the CSV files themselves, not through the loader or the measures)."""

from __future__ import annotations

import datetime as dt
import filecmp
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from etl import generate_plans
from etl.generate import generate

STORY_FROM = dt.date(2016, 10, 1)  # the last 18 months of the sample (April 2013 to March 2018)
PLANS = ("plan_actions", "supervisions", "legal", "strategy_meetings", "return_home_plans")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated"))[0]


def rows(path: Path) -> list[dict]:
    con = duckdb.connect()
    rel = con.execute(f"select * from read_csv('{path}', all_varchar = true, header = true)")
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def day(text: str | None) -> dt.date | None:
    if not text:
        return None
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if "/" in text else dt.date.fromisoformat(text[:10])


def test_the_plans_extracts_leave_every_other_file_as_it_was(sample, tmp_path, monkeypatch):
    # The same authority generated with the plans writer switched off: every other file is byte for byte the same,
    # so the calibrated returns and extracts (tests/test_calibration.py) are untouched by the new files.
    monkeypatch.setattr(generate_plans.PlanWriter, "write", lambda self, child, sched: None)
    without = generate(tmp_path / "without")[0]
    compared = 0
    for path in sorted(sample.rglob("*.csv")):
        rel = path.relative_to(sample)
        if path.stem in PLANS:
            assert len((without / rel).read_text().splitlines()) == 1  # the header only
            continue
        assert filecmp.cmp(path, without / rel, shallow=False), rel
        compared += 1
    assert compared >= 30


def test_actions_drift_after_a_change_of_worker_in_the_story_window(sample):
    # A change of worker: a child's social worker episode that starts while the child's previous one (another worker)
    # had not ended more than a day before. Actions due in the 90 days after a change are done late (or not at all)
    # far more often in the story window than before it, and more often than actions due away from any change (on
    # the sample: 46% late after a change in the story window, 23% before it, 14-15% away from a change).
    changes: dict[str, list[dt.date]] = defaultdict(list)
    for year in range(2014, 2019):
        by_child: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for r in rows(sample / "ssda903" / str(year) / "sw_episodes.csv"):
            by_child[r["CHILD"]].append((day(r["SW_DECOM"]), r["SW_ID"]))
        for child, eps in by_child.items():
            eps.sort()
            changes[child] += [d for (_, a), (d, b) in zip(eps, eps[1:], strict=False) if a != b]
    late = defaultdict(lambda: [0, 0])  # (story?, after a change?) -> [late, all]
    for r in rows(sample / "extracts" / "plan_actions.csv"):
        due, done = day(r["DUE_DATE"]), day(r["COMPLETED_DATE"])
        if due > dt.date(2018, 3, 31):
            continue
        after = any(c <= due < c + dt.timedelta(days=90) for c in changes[r["CHILD"]])
        key = (due >= STORY_FROM, after)
        late[key][0] += done is None or done > due
        late[key][1] += 1
    rate = {k: late_n / n for k, (late_n, n) in late.items()}
    assert rate[(True, True)] > 1.5 * rate[(False, True)]  # worse after a change in the story window than before it
    assert rate[(True, True)] > 2 * rate[(True, False)]  # and worse than away from a change
    assert rate[(False, False)] < 0.2


def test_one_case_went_to_court_with_no_pre_proceedings_and_no_emergency(sample):
    emergencies: dict[str, list[dt.date]] = defaultdict(list)
    for year in range(2014, 2019):
        for r in rows(sample / "ssda903" / str(year) / "episodes.csv"):
            if r["LS"] in ("L1", "L2", "L3"):
                emergencies[r["CHILD"]].append(day(r["DECOM"]))
    bypassed = [r for r in rows(sample / "extracts" / "legal.csv")
                if r["PROCEEDINGS_ISSUED_DATE"] and not r["PLO_DECISION_DATE"]
                and not any(issued - dt.timedelta(days=30) <= e <= issued
                            for issued in [day(r["PROCEEDINGS_ISSUED_DATE"])] for e in emergencies[r["CHILD"]])]
    story = [r for r in bypassed if day(r["PROCEEDINGS_ISSUED_DATE"]) >= STORY_FROM]
    before = [r for r in bypassed if dt.date(2015, 4, 1) <= day(r["PROCEEDINGS_ISSUED_DATE"]) < STORY_FROM]
    assert len(story) >= 1
    assert len(story) / 18 > len(before) / 18  # more a month in the story's 18 months than in the 18 before
    # every pre-proceedings case keeps its order: decision, letter, meeting, issue
    for r in rows(sample / "extracts" / "legal.csv"):
        dates = [day(r[c]) for c in ("PLO_DECISION_DATE", "PLO_LETTER_DATE", "PLO_MEETING_DATE",
                                     "PROCEEDINGS_ISSUED_DATE") if r[c]]
        assert dates == sorted(dates), r


def test_a_long_missing_episode_in_the_story_window_has_no_strategy_meeting(sample):
    meetings: dict[str, list[dt.date]] = defaultdict(list)
    for r in rows(sample / "extracts" / "strategy_meetings.csv"):
        meetings[r["CHILD"]].append(day(r["MEETING_DATE"]))
    prolonged = {}
    for year in range(2014, 2019):
        for r in rows(sample / "ssda903" / str(year) / "missing.csv"):
            start, end = day(r["MIS_START"]), r["MIS_END"]
            ended = dt.datetime.strptime(end, "%d/%m/%Y %H:%M") if end else None
            if ended is None or ended >= dt.datetime.combine(start + dt.timedelta(days=7), dt.time()):
                prolonged[(r["CHILD"], start)] = ended
    without = [(child, start) for (child, start) in prolonged
               if start + dt.timedelta(days=7) <= dt.date(2018, 3, 31)
               and not any(start <= m <= start + dt.timedelta(days=7) for m in meetings[child])]
    assert any(start >= STORY_FROM for _, start in without), without


def test_the_child_left_unseen_has_every_action_after_the_change_done_months_late(sample):
    # The story child of test_generate (four months unseen after a change in July 2017) is C000566 in the sample.
    actions = [r for r in rows(sample / "extracts" / "plan_actions.csv") if r["CHILD"] == "C000566"]
    after = [r for r in actions if dt.date(2017, 7, 24) <= day(r["DUE_DATE"]) < dt.date(2017, 12, 21)]
    assert len(after) >= 3
    for r in after:
        done = day(r["COMPLETED_DATE"])
        assert done is None or (done - day(r["DUE_DATE"])).days >= 60, r
