"""One layout for every theme page: headline trend, team breakdown, more charts, the child list, definitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

import queries
from lens import charts, disclosure
from lens.formatting import chart_text, chart_value, finding, month_label, plain
from ui import data, early_warning, widgets
from ui.filters import ALL_TEAMS, Filters, current


@dataclass(frozen=True)
class Chart:
    """A further chart on a theme page: a measure and how to draw it."""

    measure: str
    kind: str = "trend"  # trend: value by month | bands: stacked by `band` | columns: one line per column
    band: str = "band"
    columns: dict[str, str] = field(default_factory=dict)  # for kind='columns': column -> legend label
    unit: str | None = None


def no_data(what: str, rows: pd.DataFrame | None = None) -> None:
    """A clear message instead of an empty chart or a traceback, saying why when the data's coverage is the reason."""
    notes = rows.loc[rows["status"].eq("no data"), "status_note"] if rows is not None and "status" in rows else []
    if len(notes):
        note = str(notes.iloc[-1]).removeprefix("no data: ")
        st.warning(f"No data for {what} in this period: {note}.", icon=":material/block:")
    else:
        st.info(f"No data for {what} with these filters. Try another month, team or authority.",
                icon=":material/info:")


def _figure(chart: Chart, df: pd.DataFrame, f, title: str):
    m = queries.get(chart.measure)
    unit = chart.unit or m.fields.get("unit", "")
    if chart.kind == "bands":
        rows = widgets.team_rows(df, f)
        return charts.stacked_bands(rows.rename(columns={chart.band: "series"}), "series", title, unit, f.board), rows
    if chart.kind == "columns":
        rows = widgets.team_rows(df, f)
        long = rows[["month_end", *chart.columns]].rename(columns=chart.columns).melt(
            id_vars=["month_end"], var_name="series", value_name="shown").rename(columns={"shown": "value"})
        fig = charts.lines(long, "series", title, unit, f.board)
        charts.mark_hidden(fig, rows, f.board)
        if "status" in rows:  # a partial month (e.g. changes whose 90 days are not over) is ringed on every line
            charts.mark_partial(fig, long.merge(rows[["month_end", "status"]], on="month_end"), f.board)
        return fig, rows
    rows = widgets.team_rows(df, f)  # in board mode already as the disclosure policy shows it (ui/data.py)
    ok = rows[rows["status"].eq("ok")] if "status" in rows else rows
    sentence = finding(m.title, unit, ok["value"], ok["month_end"], m.higher_is_better, hidden_now(rows, f),
                       widgets.target_of(chart.measure)) if len(rows) else title
    return charts.trend(rows, sentence, unit, widgets.target_of(chart.measure), widgets.published(chart.measure, f),
                        f.board, name=_series_name(f)), rows


def _series_name(f: Filters) -> str:
    """The line's name in a chart's key: the team chosen in the sidebar, else the authority."""
    return chart_text(f.team) if f.team else "This authority"


def hidden_now(rows: pd.DataFrame, f) -> str:
    """Why board mode hides the chosen month's figure, in words ('' when it is shown; lens/disclosure.py)."""
    if "suppressed" not in rows:
        return ""
    at = rows[(pd.to_datetime(rows["month_end"]) == pd.Timestamp(f.month)) & rows["suppressed"].fillna(False)]
    return disclosure.reason_words(at["hidden_why"].iloc[0]) if len(at) else ""


def all_hidden(rows: pd.DataFrame) -> bool:
    """Whether every figure of these rows is hidden by board mode (rather than absent)."""
    if "suppressed" not in rows or rows.empty:
        return False
    hidden = rows["suppressed"].fillna(False).astype(bool)
    absent = rows["status"].eq("no data") if "status" in rows else pd.Series(False, index=rows.index)
    return bool((hidden | absent).all() and hidden.any())


def render_theme(title: str, intro: str, headline: str, more: tuple[Chart, ...] = (),
                 lists: tuple[str, ...] = (),
                 after: Callable[[Filters, dict[str, pd.DataFrame]], None] | None = None) -> None:
    """Draw a theme page from the filters in the sidebar; `after` draws more below the lists (given the lists
    shown), before the definitions."""
    f = current()
    st.title(title)
    st.caption(intro)
    if f is None:
        no_data("any authority")
        return
    st.markdown(f"**{plain(f.la_name)}** · {plain(f.team_label)} · {month_label(f.from_month)} to {month_label(f.month)}"
                + (" · *Board mode: no child-level data; numbers under 5 suppressed*" if f.board else ""))

    m = queries.get(headline)
    unit = m.fields.get("unit", "")
    df = data.measure(headline, **f.series_params)  # board mode: as the disclosure policy shows it (ui/data.py)
    rows = widgets.team_rows(df, f)
    raw = rows
    if rows.empty or (rows["value"].isna().all() and not all_hidden(rows)):
        no_data(m.title.lower(), rows)
        widgets.stand_in(headline, f, key=headline)
    else:  # (every month hidden by board mode: the metrics say '<5' and the charts mark each month and say why)
        widgets.data_status(rows, f)
        widgets.headline_metrics(rows, headline, f)
        ok = rows[rows["status"].eq("ok")] if "status" in rows else rows
        sentence = finding(m.title, unit, ok["value"], ok["month_end"], m.higher_is_better,
                           suppressed=hidden_now(rows, f), target=widgets.target_of(headline))
        # the SPC chart first; only the open tab is drawn (its choice is kept in the URL as ?chart=)
        spc_tab, trend_tab = st.tabs([early_warning.SPC_TAB, early_warning.TREND_TAB], key="chart",
                                     bind="query-params", on_change="rerun")
        if spc_tab.open is not False:
            with spc_tab:
                early_warning.spc_chart(headline, raw, f, sentence, key=f"{headline}-spc")
        if trend_tab.open is not False:
            with trend_tab:
                fig = charts.trend(rows, sentence, unit, widgets.target_of(headline),
                                   widgets.published(headline, f), f.board, name=_series_name(f))
                charts.fit_legend(fig, f.board)
                st.plotly_chart(fig, key=f"{headline}-trend", theme=None, config={"displaylogo": False})
                widgets.downloads(f"{headline}-trend", f, [headline], rows, fig, m.title)

        widgets.stand_in(headline, f, key=headline)  # a month the event data miss inside the period
        widgets.benchmark_panel(headline, f)
        widgets.commentary(headline, f)

    selected_team = None
    if f.team is None:
        by_team = data.measure(headline, **f.authority_params)
        month_rows = by_team[(by_team["team"] != ALL_TEAMS)
                             & (pd.to_datetime(by_team["month_end"]) == pd.Timestamp(f.month))]
        shown = month_rows["value"].notna().any() or all_hidden(month_rows)  # a hidden team's bar says why
        if len(month_rows) and shown and widgets.status_at(raw, f.month)[0] != "no data":
            st.subheader(f"By team, {month_label(f.month)}")
            if not f.board and lists:
                st.caption("Click a team's bar to narrow the list of children below to that team.")
            fig = charts.team_bars(month_rows, f"{m.title} by team, {month_label(f.month)}", unit,
                                   widgets.target_of(headline), f.board, m.higher_is_better)
            charts.fit_legend(fig, f.board)
            event = st.plotly_chart(fig, key=f"{headline}-teams", on_select="rerun", selection_mode="points", theme=None,
                                    config={"displaylogo": False})
            points = (event or {}).get("selection", {}).get("points", []) if not f.board else []
            if points:
                selected_team = chart_value(points[0].get("y"))  # the tick label, escaped for Plotly
            widgets.downloads(f"{headline}-teams", f, [headline], month_rows, fig, f"{m.title} by team")
            early_warning.team_icons(headline, by_team[by_team["team"] != ALL_TEAMS], f, key=f"{headline}-team-spc")

    for chart in more:
        cm = queries.get(chart.measure)
        cdf = data.measure(chart.measure, **f.series_params)
        fig, rows = _figure(chart, cdf, f, cm.title)
        st.subheader(cm.title)
        if rows.empty or ("value" in rows and rows["value"].isna().all() and not all_hidden(rows)):
            no_data(cm.title.lower(), rows)
            widgets.stand_in(chart.measure, f, key=chart.measure)
            continue
        widgets.data_status(rows, f)
        charts.fit_legend(fig, f.board)
        st.plotly_chart(fig, key=f"{chart.measure}-chart", theme=None, config={"displaylogo": False})
        widgets.stand_in(chart.measure, f, key=chart.measure)
        widgets.downloads(f"{chart.measure}-chart", f, [chart.measure], rows, fig, cm.title)
        widgets.benchmark_panel(chart.measure, f)

    shown = {}
    for name in lists:
        rows = widgets.child_list(name, f, selected_team, key=name)
        if rows is not None:
            shown[name] = rows
    if after is not None:
        after(f, shown)

    widgets.definitions([headline, *[c.measure for c in more], *([] if f.board else list(lists))])
