"""The Drift view: one chosen child's year on a timeline, for managers and analysts (never in board mode).

The child's events are read through ui/data.py like every list of children (the role's rules, a manager's teams only,
each view and download in the audit log); the chart is lens/drift.py's.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import queries
from lens import drift
from lens.formatting import month_label
from ui import data, widgets
from ui.filters import Filters

HISTORY = "drift_history"
# Why a child on a page's list is offered here: the list -> a few words.
REASONS = {
    "plans_actions_overdue_list": "overdue actions",
    "supervision_overdue_list": "supervision overdue",
    "legal_proceedings_list": "proceedings",
    "legal_no_plan_list": "no plan after pre-proceedings",
    "missing_strategy_list": "no strategy meeting",
    "return_home_plan_list": "went home with no plan",
}


def candidates(shown: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Children on the lists shown above, in the order they first appear, each with why: {child: label}."""
    reasons: dict[str, list[str]] = {}
    for name, rows in shown.items():
        if "child" not in rows:
            continue
        for child in rows["child"].astype(str):
            why = REASONS.get(name, queries.get(name).title.lower())
            got = reasons.setdefault(child, [])
            if why not in got:
                got.append(why)
    return {child: f"{child} ({', '.join(why)})" for child, why in reasons.items()}


def render_drift(f: Filters, shown: dict[str, pd.DataFrame]) -> None:
    """Pick a child (from the lists above, or by their identifier) and draw their year: workers, visits, reviews, plan
    actions, supervision and missing episodes, with the counts a manager reads first."""
    if f.board:
        return
    from ui import access

    if not access.current().sees_children:
        return
    st.subheader("Drift: one child's year")
    st.caption("Changes of social worker, visits, reviews, plan actions due and done, case supervision and missing "
               f"episodes of one child in the 12 months to {f.month:%d %b %Y} (or since they came into care), so a "
               "slip after a change of worker shows at a glance.")
    offered = candidates(shown)
    c = st.columns([3, 2])
    picked = c[0].selectbox("A child from the lists above", [""] + list(offered), key="drift-pick",
                            format_func=lambda k: offered.get(k, "Choose a child"))
    typed = c[1].text_input("Or a child's identifier", key="drift-child", max_chars=64,
                            help="Any child looked after at the end of the month chosen in the sidebar.")
    child = (typed or "").strip() or picked
    if not child:
        st.info("Choose a child to see their year.", icon=":material/timeline:")
        return
    params = {"la_codes": [f.la_code], "team": f.team, "as_of": f.month, "child": child}
    try:  # the role's rules and the audit log apply as to any list of children (ui/data.py)
        events = data.measure(HISTORY, **params)
    except data.NotAllowed as refused:
        st.info(str(refused), icon=":material/lock:")
        return
    if events.empty:
        where = f" in {f.team}" if f.team else ""
        st.warning(f"No child {child} looked after on {f.month:%d %b %Y}{where} that you may see.",
                   icon=":material/person_off:")
        return
    access.note_narrowed(events)
    numbers = drift.summary(events, f.month)
    m = st.columns(6)
    m[0].metric("New social workers", numbers["changes"], help="Changes of social worker in the 12 months shown")
    m[1].metric("Actions overdue", numbers["overdue_actions"], help=f"Due before {f.month:%d %b %Y} and not done")
    m[2].metric("Actions done late", numbers["late_actions"])
    m[3].metric("Visits after 6+ weeks", numbers["late_visits"],
                help="Visits more than 42 days after the one before (or the placement's start)")
    for col, key, label in ((m[4], "days_since_visit", "Days since a visit"),
                            (m[5], "days_since_supervision", "Days since supervision")):
        col.metric(label, "—" if numbers[key] is None else numbers[key],
                   help="None in the 12 months shown" if numbers[key] is None else None)
    absent = data.month_notes(f.la_code, f.month, tuple(drift.LANE_SOURCES.values()))
    lanes = {lane: "no data: " + absent[source] for lane, source in drift.LANE_SOURCES.items() if source in absent}
    title = f"Child {child}: the year to {month_label(f.month)}"
    fig = drift.drift_timeline(events, f.month, title, f.board, lanes)
    st.plotly_chart(fig, key="drift-chart", theme=None, config={"displaylogo": False})
    # the events as CSV or Excel, checked and logged when clicked; no PNG/SVG of the chart: an image of a child's
    # year would leave the app unlogged
    widgets.downloads("drift", f, [HISTORY], data.list_download(HISTORY, params, events), None,
                      f"Child {child}'s year")
    with st.expander("Every event, as a table", icon=":material/table:"):
        widgets.table(events[["lane", "event_date", "end_date", "label", "status", "detail"]], key="drift-table")
