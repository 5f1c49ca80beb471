"""Early warning on screen: a measure's SPC chart with its icons and words, icons per team, and the form that records
a rebase. Layout only: the numbers come from lens/early_warning.py, the chart and icons from lens/spc_chart.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import queries
from lens import charts, early_warning
from lens.formatting import month_label
from lens.spc import SpcResult
from lens.spc_chart import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    assurance_icon_svg,
    spc_figure,
    svg_data_uri,
    variation_icon_svg,
)
from ui import data, widgets
from ui.filters import ALL_TEAMS, Filters

SPC_TAB, TREND_TAB = "Early warning", "Trend"
ICON_WIDTH = 76


def icons(result: SpcResult, width: int = ICON_WIDTH) -> None:
    """The variation and assurance icons, their names as alt text (nothing drawn when there are no limits)."""
    svgs, names = [], []
    if result.variation:
        svgs.append(variation_icon_svg(result.variation))
        names.append(VARIATION_LABELS[result.variation])
    if result.assurance:
        svgs.append(assurance_icon_svg(result.assurance))
        names.append(ASSURANCE_LABELS[result.assurance])
    if svgs:
        st.image(svgs, width=width, alt=names)


def signal(measure: str, rows: pd.DataFrame, f: Filters) -> early_warning.MeasureSignal:
    """SPC for one measure's rows for the chosen authority and team, with its target and recorded rebases."""
    m = queries.get(measure)
    rebase = data.rebase_months(f.la_code, f.team, [measure]).get(measure, [])
    return early_warning.measure_signal(measure, m.title, m.fields.get("unit", ""), rows, m.fields["polarity"],
                                        widgets.target_of(measure), rebase, f.board)


def spc_chart(measure: str, raw: pd.DataFrame, f: Filters, title: str, key: str) -> None:
    """The SPC chart of one series with its icons, its summary in words, the months left out, downloads and (not in
    board mode) the form to recalculate its limits."""
    m = queries.get(measure)
    unit = m.fields.get("unit", "")
    found = signal(measure, raw, f)
    left, right = st.columns([2, 7], vertical_alignment="center")
    with left:
        icons(found.result)
    right.markdown(f"**{found.sentence}**")
    if found.note:
        right.caption(found.note)
    shown = raw  # in board mode already as the disclosure policy shows it (ui/data.py)
    fig = spc_figure(found.result, title, unit, board=f.board, icons=False)  # the icons are beside it
    charts.mark_data_gaps(fig, shown, f.board)  # partial months: hollow grey markers, outside the SPC
    charts.fit_legend(fig, f.board)
    st.plotly_chart(fig, key=key, theme=None, config={"displaylogo": False})
    def image() -> go.Figure:  # a PNG or SVG carries its icons in the corner; made only when one is asked for
        out = spc_figure(found.result, title, unit, board=f.board)
        charts.mark_data_gaps(out, shown, f.board)
        return out

    rebase = data.rebase_months(f.la_code, f.team, [measure]).get(measure, [])
    table = early_warning.with_spc(shown, m.fields["polarity"], widgets.target_of(measure),
                                   lambda _la, _team: rebase)
    widgets.downloads(key, f, [measure], table, image, f"{m.title} (SPC)")
    if not f.board:
        rebase_form(measure, f, key)


def team_icons(measure: str, by_team: pd.DataFrame, f: Filters, key: str) -> None:
    """Each team's variation and assurance for the measure over the period shown, concerns first."""
    m = queries.get(measure)
    teams = sorted(by_team["team"].dropna().unique())
    rebases = {t: data.rebase_months(f.la_code, t, [measure]).get(measure, []) for t in teams}
    found = early_warning.team_signals(by_team, measure, m.title, m.fields.get("unit", ""), m.fields["polarity"],
                                       widgets.target_of(measure), rebases, f.board)
    rows = [{"Team": team, "Variation": _uri(s.result.variation, variation_icon_svg),
             "What it shows": VARIATION_LABELS.get(s.result.variation or "", "No limits yet"),
             "Assurance": _uri(s.result.assurance, assurance_icon_svg),
             "Against the target": ASSURANCE_LABELS.get(s.result.assurance or "", "—"),
             "Early warning": s.sentence} for team, s in found.items()]
    st.caption("Early warning by team over the period shown (each team's own average and limits).")
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=key, height=widgets.table_height(len(rows)),
                 placeholder="—", column_config={  # a team with no limits yet has no icon: a dash, not 'None'
                     "Variation": st.column_config.ImageColumn("Variation", width="small"),
                     "Assurance": st.column_config.ImageColumn("Assurance", width="small"),
                 })


def _uri(icon: str | None, draw) -> str | None:
    return svg_data_uri(draw(icon)) if icon else None


def rebase_form(measure: str, f: Filters, key: str) -> None:
    """Record that the limits restart at a month, with a reason and a name; list what is recorded (never in board
    mode: a reason is free text someone typed). Reasons are shown with st.text, never as Markdown or HTML."""
    team = f.team or ALL_TEAMS
    months = [d.date() for d in pd.date_range(f.from_month, f.month, freq="ME")][1:]
    with st.expander("Recalculate the limits from a month (rebase)", icon=":material/restart_alt:"):
        st.caption("Only when the way the work is done has changed (a new team, policy or structure) and the chart "
                   "shows it. Never to make a concern go away: that hides the warning. The entry is kept with your "
                   "name and reason, beside the warehouse, and the chart then works out new limits from that month.")
        for e in data.rebase_entries(measure, f.la_code, team):
            st.text(f"From {month_label(pd.Period(e['month'], freq='M').end_time)}: {e['reason']} "
                    f"(recorded by {e['who']}, {e['recorded'][:10]})")
        with st.form(f"{key}-rebase", border=False):
            st.selectbox("First month of the new limits", months, index=None, format_func=month_label,
                         key=f"{key}-rebase-month", placeholder="Choose a month")
            st.text_area("Why the process changed", key=f"{key}-rebase-reason", max_chars=500)
            st.text_input("Your name", key=f"{key}-rebase-who", max_chars=100)
            st.form_submit_button("Record and recalculate", icon=":material/save:", on_click=_record,
                                  args=(measure, f.la_code, team, key), key=f"{key}-rebase-submit")
        done = st.session_state.pop(f"{key}-rebase-done", None)
        if done:
            ok, text = done
            (st.success if ok else st.error)(text)


def _record(measure: str, la_code: str, team: str, key: str) -> None:
    """Form callback: write the entry (before the page draws, so the chart shows it at once) and clear the form."""
    state = st.session_state
    month: dt.date | None = state.get(f"{key}-rebase-month")
    if month is None:
        state[f"{key}-rebase-done"] = (False, "Not recorded: choose the first month of the new limits.")
        return
    try:
        data.rebase_log().add(measure, la_code, team, month, state.get(f"{key}-rebase-reason"),
                              state.get(f"{key}-rebase-who"))
    except ValueError as exc:
        state[f"{key}-rebase-done"] = (False, f"Not recorded: {exc}.")
        return
    for field, empty in (("month", None), ("reason", ""), ("who", "")):
        state[f"{key}-rebase-{field}"] = empty
    state[f"{key}-rebase-done"] = (True, f"Recorded: limits recalculated from {month_label(month)}.")
