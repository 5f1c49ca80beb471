"""lens/drift.py: one child's year drawn in lanes, from hand-written events (no warehouse, no Streamlit)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lens import drift
from lens.charts import GREEN, ORANGE, VERMILION

AS_OF = dt.date(2018, 3, 31)


def ev(lane, start, status, end=None, label="x", detail=""):
    return {"lane": lane, "event_date": pd.Timestamp(start), "end_date": pd.Timestamp(end) if end else pd.NaT,
            "label": label, "status": status, "detail": detail, "event_id": f"{lane}:{label}:{start}"}


# W1 from the window's start to 31/12/2017, W2 from 1/1/2018 (a change); visits 10/11/2017 (in time) and 20/2/2018
# (after more than 6 weeks); a review; actions: due 1/12/2017 done that day (in time), due 15/1/2018 done 2/2 (late),
# due 1/2/2018 not done (overdue: drawn to 31/3), due 20/4/2018 (not yet due); one supervision of each kind; one
# missing episode 3/3 to 5/3/2018.
EVENTS = pd.DataFrame([
    ev("Social worker", "2017-04-01", "allocated", "2017-12-31", "W1"),
    ev("Social worker", "2018-01-01", "change", "2018-03-31", "W2"),
    ev("Visits", "2017-11-10", "within 6 weeks"), ev("Visits", "2018-02-20", "after more than 6 weeks"),
    ev("Reviews", "2017-10-01", "held"),
    ev("Plan actions", "2017-12-01", "done in time", "2017-12-01", "A1"),
    ev("Plan actions", "2018-01-15", "done late", "2018-02-02", "A2"),
    ev("Plan actions", "2018-02-01", "overdue", None, "A3"),
    ev("Plan actions", "2018-04-20", "not yet due", None, "A4"),
    ev("Supervision", "2017-12-05", "actions and timescales"), ev("Supervision", "2018-02-10", "no actions or timescales"),
    ev("Missing", "2018-03-03", "returned", "2018-03-05"),
])


def traces(fig):
    return {t.name: t for t in fig.data if t.name}


def test_each_kind_of_event_is_its_own_legend_entry_in_its_lane():
    fig = drift.drift_timeline(EVENTS, AS_OF, "Child C1")
    got = traces(fig)
    assert set(got) == {drift.WORKER, drift.VISIT_OK, drift.VISIT_LATE, drift.REVIEW, drift.DUE_IN_TIME,
                        drift.DUE_LATE, drift.OVERDUE, drift.NOT_DUE, drift.SUP_OK, drift.SUP_POOR, drift.MISSING,
                        drift.CHANGE}
    # lanes from the top: Social worker at y 5 down to Missing at y 0, labelled in that order
    assert fig.layout.yaxis.ticktext == drift.LANES
    assert list(fig.layout.yaxis.tickvals) == [5, 4, 3, 2, 1, 0]
    assert set(got[drift.VISIT_LATE].y) == {drift.lane_y("Visits")} == {4}
    assert got[drift.VISIT_LATE].marker.color == VERMILION and got[drift.VISIT_OK].marker.color == GREEN
    assert got[drift.SUP_POOR].marker.color == ORANGE


def test_a_late_action_runs_from_due_to_done_and_an_overdue_one_to_the_as_at_date():
    got = traces(drift.drift_timeline(EVENTS, AS_OF, "Child C1"))
    late = got[drift.DUE_LATE]
    assert list(late.x) == [dt.date(2018, 1, 15), dt.date(2018, 2, 2), None]
    overdue = got[drift.OVERDUE]
    assert list(overdue.x) == [dt.date(2018, 2, 1), AS_OF, None]
    assert list(overdue.marker.size) == [11, 0, 11]  # a cross at the due date only
    # four actions in four rows of their lane (2 +- 0.32): none hides another
    ys = [y for name in (drift.DUE_IN_TIME, drift.DUE_LATE, drift.OVERDUE, drift.NOT_DUE)
          for y in got[name].y if y is not None]
    assert sorted(set(ys)) == [2 + 0.32 - 0.16 * k for k in (3, 2, 1, 0)]


def test_a_change_of_worker_is_a_dashed_line_and_the_as_at_date_a_solid_one():
    fig = drift.drift_timeline(EVENTS, AS_OF, "Child C1")
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    change, as_at = lines
    assert change.x0 == pd.Timestamp("2018-01-01").timestamp() * 1000 and change.line.dash == "dash"
    assert as_at.x0 == pd.Timestamp(AS_OF).timestamp() * 1000
    assert [a.text for a in fig.layout.annotations] == ["as at 31 Mar 2018"]
    assert traces(fig)[drift.CHANGE].line.dash == "dash"  # the dashed lines' legend entry
    # the workers' names over their bars, W2's bar to the as-at date
    names = next(t for t in fig.data if t.mode == "text")
    assert list(names.text) == ["W1", "W2"]
    worker_bars = [t for t in fig.data if t.name == drift.WORKER]
    assert [list(t.x) for t in worker_bars] == [[dt.date(2017, 4, 1), dt.date(2017, 12, 31), None],
                                                [dt.date(2018, 1, 1), AS_OF, None]]


def test_a_lane_without_data_says_why_and_the_summary_counts_by_hand():
    fig = drift.drift_timeline(EVENTS[EVENTS["lane"] != "Supervision"], AS_OF, "Child C1",
                               absent={"Supervision": "no data: the supervisions extract not supplied"})
    why = [a for a in fig.layout.annotations if a.text.startswith("no data")]
    assert [(a.text, a.y) for a in why] == [("no data: the supervisions extract not supplied", 1)]
    assert fig.layout.yaxis.ticktext == drift.LANES
    # 1 change, 1 overdue, 1 done late, 1 visit after 6+ weeks; last visit 20/2 (39 days), last supervision 10/2 (49)
    assert drift.summary(EVENTS, AS_OF) == {"changes": 1, "overdue_actions": 1, "late_actions": 1, "late_visits": 1,
                                            "days_since_visit": 39, "days_since_supervision": 49}
    assert drift.summary(EVENTS[EVENTS["lane"] != "Visits"], AS_OF)["days_since_visit"] is None

