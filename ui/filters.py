"""The shared sidebar filters (authority, month, period, team, board mode), bound to the URL so links share a view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from etl.contract import ALL_TEAMS
from lens import config
from lens.access import board_mode
from lens.formatting import month_label
from ui import access, data

PERIODS = {"12": "12 months", "24": "24 months", "36": "3 years", "60": "5 years", "all": "All months"}


@dataclass(frozen=True)
class Filters:
    """What the user chose: every page reads this and passes it to the measures."""

    la_code: str
    la_name: str
    month: dt.date  # the selected month end: lists are as at this date; the trend ends here
    from_month: dt.date  # first month end of the trend
    team: str | None  # None = all teams
    board: bool
    first_month: dt.date
    last_month: dt.date

    @property
    def series_params(self) -> dict:
        return {"la_codes": [self.la_code], "team": self.team, "from_month": self.from_month,
                "to_month": self.month}

    @property
    def authority_params(self) -> dict:
        """The same, for all teams (team breakdowns and authority totals)."""
        return {**self.series_params, "team": None}

    @property
    def list_params(self) -> dict:
        return {"la_codes": [self.la_code], "team": self.team, "as_of": self.month}

    @property
    def team_label(self) -> str:
        return self.team or ALL_TEAMS

    @property
    def month_text(self) -> str:
        return month_label(self.month)


def _month_options(first: dt.date, last: dt.date) -> list[str]:
    return [d.strftime("%Y-%m") for d in pd.date_range(first, last, freq="ME")]


def _month_end(key: str) -> dt.date:
    return (pd.Timestamp(key + "-01") + pd.offsets.MonthEnd(0)).date()


def seed_from_url(key: str, accepted: dict[str, str]) -> None:
    """Start a session's widget at the URL's value (a shared link), if the URL names a choice there is."""
    raw = st.query_params.get(key)
    if key in st.session_state or raw is None:
        return  # the session's own choice wins once it has one; each change is written back to the URL
    chosen = accepted.get(raw.strip()) or accepted.get(raw.strip().lower())
    if chosen is not None:
        st.session_state[key] = chosen


def sidebar() -> Filters | None:
    """Draw the sidebar filters and return the choice; None when the warehouse holds no authority yet."""
    auths = data.authorities().dropna(subset=["last_month"])
    if auths.empty:
        return None
    names = dict(zip(auths["la_code"], auths["la_name"], strict=True))
    st.sidebar.header("Filters")
    labels = {c: f"{names[c]} ({c})" for c in names}
    seed_from_url("la", {**{c: c for c in names}, **{c.lower(): c for c in names},
                          **{label: c for c, label in labels.items()}})
    la_code = st.sidebar.selectbox("Authority", list(names), format_func=labels.get, key="la")
    st.query_params["la"] = la_code  # the code, not the label: `?la=E06000039` is the link to share
    row = auths.set_index("la_code").loc[la_code]
    first, last = pd.Timestamp(row["first_month"]).date(), pd.Timestamp(row["last_month"]).date()

    options = _month_options(first, last)
    seed_from_url("month", {**{k: k for k in options}, **{month_label(_month_end(k)): k for k in options}})
    if st.session_state.get("month") not in options:  # first visit, or another authority's months
        st.session_state["month"] = options[-1]
    month_key = st.sidebar.select_slider("Month", options=options, format_func=lambda k: month_label(_month_end(k)),
                                         key="month", help="Lists are as at the end of this month; trends end here.")
    st.query_params["month"] = month_key  # 2018-03, as the command line takes it ('Mar 2018' is read too)
    # the link reads `?period=24 months`, and `?period=24` or `?period=all` are taken too
    seed_from_url("period", {**{k: k for k in PERIODS}, **{label.lower(): k for k, label in PERIODS.items()}})
    if st.session_state.get("period") not in PERIODS:
        st.session_state["period"] = config.get("default_months") if config.get("default_months") in PERIODS else "24"
    period = st.sidebar.selectbox("Period shown", list(PERIODS), format_func=PERIODS.get, key="period")
    st.query_params["period"] = PERIODS[period]

    teams = data.measure("filter_teams", la_codes=[la_code])["team"].tolist()
    team = st.sidebar.selectbox("Team", [ALL_TEAMS, *teams], key="team", bind="query-params")
    me = access.current()
    url_board = st.query_params.get("board")  # read before the toggle, which drops a value it cannot parse
    if me.board_only or (url_board is not None and url_board.strip().lower() not in ("true", "false")):
        st.session_state["board"] = True  # so the toggle shows what applies (lens.access.board_mode)
    toggle = st.sidebar.toggle("Board mode", key="board", bind="query-params", disabled=me.board_only,
                               help="Your role shows board mode only." if me.board_only else
                               "For meetings: no child-level data, small numbers suppressed, larger charts.")
    board = board_mode(url_board, toggle, me)

    month = _month_end(month_key or options[-1])
    if period == "all":
        from_month = first
    else:
        from_month = (pd.Timestamp(month) - pd.DateOffset(months=int(period) - 1) + pd.offsets.MonthEnd(0)).date()
        from_month = max(from_month, first)
    return Filters(la_code=la_code, la_name=names[la_code], month=month, from_month=from_month,
                   team=None if team in (None, ALL_TEAMS) else team, board=board,
                   first_month=first, last_month=last)


def current() -> Filters | None:
    """The filters chosen in this run (set by app.py before the page runs)."""
    return st.session_state.get("_filters")
