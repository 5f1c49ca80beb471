"""One child's year on one chart (the Drift view): changes of social worker, visits, reviews, plan actions due and
done, supervision and missing episodes in lanes, so a manager sees at a glance when things began to slip.

Pure functions of the drift_history rows (queries/drift_history.sql); no Streamlit, so they are tested plainly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from lens.charts import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILION, style

# Lanes from the top of the chart down, and the source file each comes from (for "no data" in its label).
LANES = ("Social worker", "Visits", "Reviews", "Plan actions", "Supervision", "Missing")
LANE_SOURCES = {"Social worker": "sw_episodes", "Visits": "visits", "Reviews": "reviews",
                "Plan actions": "plan_actions", "Supervision": "supervisions", "Missing": "missing"}
ACTION_ROWS = 5  # plan actions are spread over this many rows of their lane, so actions due on one day stay apart

# Legend entries (trace names), each drawn in one colour and symbol.
VISIT_OK, VISIT_LATE = "Visit within 6 weeks", "Visit after more than 6 weeks"
REVIEW = "Review"
DUE_IN_TIME, DUE_LATE, OVERDUE, NOT_DUE = "Action done in time", "Action done late", "Action overdue", \
    "Action not yet due"
SUP_OK, SUP_POOR = "Supervision with actions and timescales", "Supervision without"
MISSING = "Missing or away"
WORKER = "Social worker"
CHANGE = "New social worker"


def lane_y(lane: str) -> int:
    """The y position of a lane: the first lane at the top."""
    return len(LANES) - 1 - LANES.index(lane)


def _dates(values: Iterable) -> list:
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]


def summary(events: pd.DataFrame, as_of: dt.date) -> dict[str, int | None]:
    """The few numbers a manager reads first: changes of social worker, overdue and late actions, visits more than 6
    weeks apart, and days since the last visit and the last supervision (None when there was none in the year)."""
    def last(lane: str) -> int | None:
        days = _dates(events.loc[events["lane"] == lane, "event_date"])
        return (as_of - max(days)).days if days else None

    status = events["status"]
    return {
        "changes": int(((events["lane"] == "Social worker") & (status == "change")).sum()),
        "overdue_actions": int(((events["lane"] == "Plan actions") & (status == "overdue")).sum()),
        "late_actions": int(((events["lane"] == "Plan actions") & (status == "done late")).sum()),
        "late_visits": int(((events["lane"] == "Visits") & (status == "after more than 6 weeks")).sum()),
        "days_since_visit": last("Visits"),
        "days_since_supervision": last("Supervision"),
    }


class _Trace:
    """Points and segments of one legend entry, gathered before the trace is made."""

    def __init__(self) -> None:
        self.x: list = []
        self.y: list = []
        self.text: list = []
        self.ends: list = []  # whether each point is a segment's far end (drawn without a marker if so asked)

    def point(self, x: dt.date, y: float, text: str) -> None:
        self.x.append(x)
        self.y.append(y)
        self.text.append(text)
        self.ends.append(False)

    def segment(self, x0: dt.date, x1: dt.date, y: float, text: str) -> None:
        self.x += [x0, x1, None]
        self.y += [y, y, None]
        self.text += [text, text, None]
        self.ends += [False, True, False]


def _hover(row: pd.Series) -> str:
    parts = [str(row["label"]), str(row["status"])]
    if isinstance(row.get("detail"), str) and row["detail"]:
        parts.append(row["detail"])
    return " · ".join(parts)


def drift_timeline(events: pd.DataFrame, as_of: dt.date, title: str, board: bool = False,
                   absent: dict[str, str] | None = None) -> go.Figure:
    """The child's events in lanes: allocations as bars with each change of worker a dashed line down the chart,
    visits and supervisions as dots coloured by whether they were in time, plan actions from their due date (a line
    to the day done when late, to the as-at date while overdue), missing episodes as bars; `absent` maps a lane to
    why it has no data ('no data: the visits extract not supplied'), written across that lane."""
    absent = absent or {}
    traces: dict[str, _Trace] = {}

    def t(name: str) -> _Trace:
        return traces.setdefault(name, _Trace())

    changes: list[dt.date] = []
    workers = [_Trace(), _Trace()]  # alternating colours, so two allocations side by side stay distinct
    worker_labels: list[tuple[dt.date, str]] = []
    action_no = 0
    for _, row in events.sort_values(["lane", "event_date", "event_id"]).iterrows():
        start = pd.Timestamp(row["event_date"]).date()
        end = None if pd.isna(row["end_date"]) else pd.Timestamp(row["end_date"]).date()
        lane, status, text = row["lane"], row["status"], _hover(row)
        y = lane_y(lane) if lane in LANES else None
        if y is None:
            continue
        if lane == "Social worker":
            stop = end or as_of
            workers[len(worker_labels) % 2].segment(start, stop, y, text)
            worker_labels.append((start + (stop - start) / 2, str(row["label"])))
            if status == "change":
                changes.append(start)
        elif lane == "Visits":
            t(VISIT_LATE if status == "after more than 6 weeks" else VISIT_OK).point(start, y, text)
        elif lane == "Reviews":
            t(REVIEW).point(start, y, text)
        elif lane == "Plan actions":
            ay = y + 0.32 - 0.16 * (action_no % ACTION_ROWS)
            action_no += 1
            if status == "done in time":
                t(DUE_IN_TIME).point(start, ay, text)
            elif status == "done late":
                t(DUE_LATE).segment(start, end or start, ay, text)
            elif status == "overdue":
                t(OVERDUE).segment(start, as_of, ay, text)
            else:
                t(NOT_DUE).point(start, ay, text)
        elif lane == "Supervision":
            t(SUP_OK if status == "actions and timescales" else SUP_POOR).point(start, y, text)
        elif lane == "Missing":
            t(MISSING).segment(start, end or as_of, y, text)

    fig = go.Figure()
    for i, w in enumerate(workers):
        if w.x:
            fig.add_trace(go.Scatter(x=w.x, y=w.y, text=w.text, mode="lines", name=WORKER, legendgroup=WORKER,
                                     showlegend=i == 0, hoverinfo="text", line={"color": (BLUE, SKY)[i], "width": 18}))
    if worker_labels:
        fig.add_trace(go.Scatter(x=[x for x, _ in worker_labels], y=[lane_y("Social worker") - 0.34] * len(
            worker_labels), text=[label for _, label in worker_labels], mode="text", showlegend=False,
            hoverinfo="skip", textfont={"size": 11 if not board else 14}))
    looks = {
        VISIT_OK: ("circle", GREEN), VISIT_LATE: ("circle", VERMILION), REVIEW: ("diamond", PURPLE),
        DUE_IN_TIME: ("circle", GREEN), DUE_LATE: ("circle", ORANGE), OVERDUE: ("x", VERMILION),
        NOT_DUE: ("circle-open", GREY), SUP_OK: ("square", GREEN), SUP_POOR: ("square", ORANGE),
        MISSING: ("line-ns", PURPLE),
    }
    for name in looks:
        tr = traces.get(name)
        if tr is None:
            continue
        symbol, colour = looks[name]
        segments = name in (DUE_LATE, OVERDUE, MISSING)
        size = 11 if not board else 14
        # an overdue action's line runs on to the as-at date: its marker is at the due date only
        sizes = [0 if end and name == OVERDUE else size for end in tr.ends]
        fig.add_trace(go.Scatter(
            x=tr.x, y=tr.y, text=tr.text, name=name, hoverinfo="text",
            mode="lines+markers" if segments else "markers",
            line={"color": colour, "width": 10 if name == MISSING else 3},
            marker={"symbol": symbol, "color": colour, "size": sizes, "line": {"width": 2, "color": colour}},
        ))
    for day in sorted(set(changes)):
        fig.add_vline(x=pd.Timestamp(day).timestamp() * 1000, line={"color": VERMILION, "dash": "dash", "width": 1.5})
    if changes:  # the dashed lines' legend entry (shapes have none)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=CHANGE, hoverinfo="skip",
                                 line={"color": VERMILION, "dash": "dash", "width": 1.5}))
    fig.add_vline(x=pd.Timestamp(as_of).timestamp() * 1000, line={"color": "#444444", "width": 1.5},
                  annotation_text=f"as at {as_of:%d %b %Y}", annotation_position="top left")
    style(fig, title, "", board, height=520 if not board else 640)
    fig.update_yaxes(tickvals=[lane_y(lane) for lane in LANES], ticktext=list(LANES), range=[-0.6, len(LANES) - 0.4],
                     rangemode="normal", showgrid=False, zeroline=False, title_text="", ticksuffix="",
                     automargin=True)
    for lane, why in absent.items():
        if lane in LANES:
            fig.add_annotation(x=0.01, xref="paper", xanchor="left", y=lane_y(lane), yref="y", text=why,
                               showarrow=False, font={"color": "#595959", "size": 12 if not board else 15})
    for lane in LANES[::2]:  # light bands behind every other lane
        y = lane_y(lane)
        fig.add_hrect(y0=y - 0.5, y1=y + 0.5, fillcolor="#F2F2F2", line_width=0, layer="below")
    starts = _dates(events["event_date"]) if len(events) else []
    first = min([*starts, as_of - dt.timedelta(days=365)])
    last = max([*starts, as_of])
    fig.update_xaxes(range=[first - dt.timedelta(days=10), last + dt.timedelta(days=20)], tickformat="%b %Y",
                     showgrid=True, gridcolor="#E5E5E5")
    # the legend sits under the plot, so the title needs no room for it above
    fig.update_layout(hovermode="closest", legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
                      margin={"t": 70 + 26 * title.count("<br>")})
    return fig
