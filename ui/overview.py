"""The Overview page: one tile per headline measure (latest, target, RAG, changes, sparkline, SPC icons), special
causes of concern first, then what got worse."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import queries
from lens import charts, disclosure, early_warning
from lens.charts import RAG_LABELS
from lens.formatting import chart_value, fmt_change, fmt_value, month_label, plain, trend_direction
from lens.heatmap import hidden_cell_words, performance_grid
from ui import data, widgets
from ui.early_warning import icons
from ui.filters import ALL_TEAMS, current

TREND_COLOURS = {"better": "green", "worse": "red", "flat": "gray", "unrated": "gray"}
TREND_WORDS = {"better": "last month · trend better", "worse": "last month · trend worse",
               "flat": "last month · trend level"}  # short: the tile cuts what does not fit on one line
RAG_ICONS = {"red": ":material/error:", "amber": ":material/warning:", "green": ":material/check_circle:",
             "grey": ":material/help:"}
THEME_PAGES = {"visits": "app_pages/visits.py", "sw_changes": "app_pages/sw_changes.py", "missing": "app_pages/missing.py",
               "health": "app_pages/health.py", "workforce": "app_pages/workforce.py", "reviews": "app_pages/reviews.py"}


def render_overview() -> None:
    """Draw the Overview page."""
    target = st.session_state.pop("_open_page", None)
    if target:  # a heat map cell was clicked: its page, for its team
        st.switch_page(target, query_params={})  # the URL is rebuilt from the filters, which are bound to it
    f = current()
    st.title("Overview")
    st.caption("Every headline measure against its target, with its early warning icons. Measures with a special "
               "cause of concern come first, then those that got worse since last month.")
    if f is None:
        st.info("No authority has been loaded yet.")
        return
    st.markdown(f"**{plain(f.la_name)}** · {plain(f.team_label)} · {month_label(f.month)}"
                + (" · *Board mode: numbers under 5 suppressed*" if f.board else ""))
    ov = data.measure("overview", **f.series_params)
    team = f.team or ALL_TEAMS
    ov = ov[ov["team"] == team]
    latest = ov[pd.to_datetime(ov["month_end"]) == pd.Timestamp(f.month)]
    if latest.empty:
        st.info(f"No measures for {plain(f.team_label)} in {month_label(f.month)}. Try another month or team.")
        return
    st.download_button("Board pack (PDF)", data=lambda: data.board_pack(f.la_code, f.month),
                       file_name=f"board-pack-{f.la_code}-{f.month:%Y-%m}.pdf", mime="application/pdf",
                       icon=":material/picture_as_pdf:", type="primary", key="board-pack", on_click="ignore",
                       help="A4 landscape PDF for the whole authority: cover, overview, one page per headline "
                            "measure. No child-level data; numbers under 5 suppressed.")
    counts = latest["rag"].value_counts()
    worse = int(latest["direction_last_month"].eq("worse").sum())
    no_data = int(latest["status"].eq("no data").sum())
    partial = int(latest["status"].eq("partial").sum())
    st.markdown(f"**{worse}** of {len(latest)} measures got worse since last month · "
                f"{counts.get('red', 0)} off target · {counts.get('amber', 0)} near target · "
                f"{counts.get('green', 0)} on target"
                + (f" · {no_data} with no data" if no_data else "")
                + (f" · {partial} on partial data" if partial else ""))
    st.caption("On each tile the arrow is the change since last month; its colour and the line's are the trend over "
               "the period shown (green better, red worse, grey level or neither).")
    for measure, (title, _) in widgets.PUBLISHED_ONLY.items():
        context = widgets.published_line(measure, f)
        if context:
            st.caption(f"{title} (published only): {context.removeprefix('Published ')}")
    rebases = data.rebase_months(f.la_code, f.team, list(ov["measure"].unique()))
    found = {s.measure: s for s in early_warning.signals(ov, rebases=rebases, board=f.board)}
    warnings = early_warning.icon_table(list(found.values()))
    concerns = warnings[warnings["concern"]]
    if len(concerns):
        st.warning("**Special cause of concern** (early warning: see each measure's page for its SPC chart)\n\n"
                   + "\n".join(f"- {line}" for line in concerns["signal"]), icon=":material/warning:")
    else:
        st.success("No headline measure shows a special cause of concern over the period shown.",
                   icon=":material/check_circle:")
    tiles = early_warning.order_tiles(latest, concerns["measure"])
    for i, (_, t) in enumerate(tiles.iterrows()):
        if i % 3 == 0:  # a row of three at a time, so the page (and a narrow screen) reads in order
            cols = st.columns(3)
        history = ov[ov["measure"] == t["measure"]].sort_values("month_end")
        with cols[i % 3].container(border=True):
            # board mode: `ov` is already as the disclosure policy shows it (ui/data.py, lens/disclosure.py)
            small = bool(t.get("suppressed", False))
            missing = t["status"] == "no data"
            value = "No data" if missing else disclosure.shown_value(t["value"], t.get("hidden_why") if small else None,
                                                                     t["unit"])
            delta = None if small or missing else (fmt_change(t["change_last_month"], t["unit"]) or None)
            # the sparkline and the change are coloured by the trend over the months shown, with the measure's
            # polarity (green better, red worse, grey flat or neither), never by last month's wobble alone
            ok = history[history["status"].eq("ok")]
            trend = trend_direction(ok["value"], ok["month_end"], t["unit"], t["higher_is_better"])
            still = delta is not None and abs(float(t["change_last_month"])) < 0.05
            shown = history["value"]  # board mode: a hidden month has no value
            skipped = history["suppressed"].fillna(False).astype(bool).tail(24) if "suppressed" in history else []
            st.metric(
                queries.get(t["measure"]).short_title, value, delta=fmt_change(0, t["unit"]).lstrip("+") if still else delta,
                # a partial figure (not all its data are in) wears the hourglass its note below carries
                icon=":material/hourglass_top:" if t["status"] == "partial" else None,
                delta_color=TREND_COLOURS.get(trend, "gray"), delta_arrow="off" if still else "auto",
                # the colour is the trend's, so say so: a red "-0.2 pts" reads as wrong without it
                delta_description=None if delta is None else TREND_WORDS.get(trend, "since last month"),
                chart_data=None if small or missing else  # a sparkline cannot draw a gap: months with no
                [round(float(v), 1) for v in shown.tolist()[-24:] if not pd.isna(v)],  # figure are left out
                help=f"{t['title']}. " + (f"Target: {fmt_value(t['target'], t['unit'])} ({t['target_basis']})"
                                          if pd.notna(t["target"]) else "No target set"),
            )
            if small:
                st.caption(f":material/visibility_off: Board mode: {disclosure.reason_words(t.get('hidden_why'))}.")
            elif len(skipped) and bool(pd.Series(skipped).any()):
                st.caption(f":material/visibility_off: The line leaves out {int(pd.Series(skipped).sum())} month(s) "
                           f"with {disclosure.small_words()} (board mode).")
            rag = t["rag"]
            if t["status"] != "ok":
                # say why there is no RAG: the file is absent or the measure looks back further than the data go
                st.caption(f":material/block: {t['status_note']}" if missing else
                           f":material/hourglass_top: {t['status_note']}")
            else:
                # grey with a target set: the figure is hidden (board mode), so it is not rated, not 'No target'
                rated = "Not rated" if rag == "grey" and pd.notna(t["target"]) else RAG_LABELS[rag]
                st.markdown(f"{RAG_ICONS[rag]} **{rated}** · target {fmt_value(t['target'], t['unit'])}"
                            + ("" if small or pd.isna(t["change_last_year"]) else
                               f" · {fmt_change(t['change_last_year'], t['unit'])} on a year ago"))
            spc = found.get(t["measure"])
            if spc is not None:
                icons(spc.result, width=64)
                words = early_warning.signal_words(spc.result, capital=True)
                if spc.concern:
                    st.markdown(f":orange[**{words}**]")
                else:
                    st.caption(words)
            context = widgets.published_line(t["measure"], f)
            if context:
                st.caption(context)
            page = THEME_PAGES.get(t["theme"])
            if page:
                st.page_link(page, label="See the detail", icon=":material/arrow_forward:")
    performance_on_a_page(f)
    icon_cols = warnings.set_index("measure")[["variation", "assurance", "early_warning"]]
    counts = [c for c in ("numerator", "denominator", "numerator_shown", "denominator_shown") if c in tiles]
    table = tiles.join(icon_cols, on="measure")[["title", "month_end", "value", "target", "rag", "variation",
                                                 "assurance", "early_warning", "change_last_month", "change_last_year",
                                                 "direction_last_month", *counts, "status_note"]]
    st.subheader("All headline measures")
    shown = table.drop(columns=counts) if f.board else table
    status = tiles["status"]
    why = tiles["hidden_why"].where(tiles["suppressed"], None) if "suppressed" in tiles else [None] * len(tiles)
    shown = shown.assign(  # values in their unit, and a month with no data says so in words (never a blank)
        value=[("No data" if st_ == "no data" else disclosure.shown_value(v, w, u))
               for st_, v, w, u in zip(status, shown["value"], why, tiles["unit"], strict=True)],
        target=[fmt_value(t, u) if pd.notna(t) else "—" for t, u in zip(shown["target"], tiles["unit"], strict=True)],
        rag=shown["rag"].where(status.eq("ok"), status.map({"no data": "no data", "partial": "partial data"})))
    widgets.table(shown, key="overview-table")
    widgets.downloads("overview", f, ["overview"], table, title="Overview")


COLOUR_BY = {"rag": "Target (RAG)", "signal": "Early warning (SPC)"}


def performance_on_a_page(f) -> None:
    """Every headline measure for every team in one grid; a click on a cell opens its page for that team."""
    st.subheader(f"Performance on a page, {month_label(f.month)}")
    colour_by = st.segmented_control("Colour by", list(COLOUR_BY), format_func=COLOUR_BY.get, default="rag",
                                     key="heat-colour", bind="query-params") or "rag"
    every_team = data.measure("overview", **f.authority_params)
    grid = performance_grid(every_team, f.month, colour_by, f.board)
    if grid.empty:
        st.info("No measures for this month.")
        return
    fig = charts.heatmap(grid, "", colour_by, f.board)
    st.caption("Each cell is a measure for a team (All teams is the authority). Click a cell to open its page for "
               "that team." + (f" {hidden_cell_words()}" if f.board else ""))
    st.plotly_chart(fig, key="heatmap", on_select=_open_cell, selection_mode="points", theme=None,
                    config={"displaylogo": False})
    widgets.downloads("heatmap", f, ["overview"], grid.drop(columns=["key"]), fig, "Performance on a page")


def _open_cell() -> None:
    """A clicked cell: choose its team in the sidebar filter and open its measure's page on the next run (the team
    filter is a widget bound to the URL, so it is set through its value, not the query string)."""
    points = st.session_state.get("heatmap", {}).get("selection", {}).get("points", [])
    if not points:
        return
    theme = points[0]["customdata"][1]
    st.session_state["team"] = chart_value(points[0]["x"])  # the tick label is the name, escaped for Plotly
    st.session_state["_open_page"] = THEME_PAGES.get(theme)
