"""The Compare page: one measure across authorities (every loaded one, the region or the statistical neighbours),
the latest month ranked with the target, every authority's trend with the one in focus highlighted. Whole
authorities only: no team breakdown and no list of children here (lists stay on each authority's theme pages)."""

from __future__ import annotations

import streamlit as st

import queries
from lens import charts, compare, disclosure
from lens.disclosure import SUPPRESSED
from lens.formatting import chart_text, fmt_value, month_label, plain
from ui import data, widgets
from ui.filters import current, seed_from_url

GROUPS = {"all": "Every loaded authority", "region": "Same region", "neighbours": "Statistical neighbours"}
DEFAULT_MEASURE = "visits_in_time"


def series_measures() -> list[str]:
    """Every series measure, headline measures first, then by theme."""
    ms = [m for m in queries.measures().values() if m.shape == "series"]
    return [m.name for m in sorted(ms, key=lambda m: (m.fields.get("headline") != "yes", m.theme, m.title))]


def _label(name: str) -> str:
    m = queries.get(name)
    return f"{m.title} ({m.theme.replace('_', ' ')})"


def render_compare() -> None:
    """Draw the Compare page from the sidebar's authority, month and period."""
    f = current()
    st.title("Compare authorities")
    st.caption("One measure across authorities: the chosen month ranked, with the target, and every authority's "
               "trend with yours highlighted. Whole authorities only; lists of children stay on each theme page.")
    if f is None:
        st.info("No authority has been loaded yet.")
        return
    options = series_measures()
    # a link names the measure by its code (?measure=visits_gaps, as in docs/measures.md) or by its label
    seed_from_url("measure", {**{o: o for o in options}, **{_label(o): o for o in options}})
    if st.session_state.get("measure") not in options:
        st.session_state["measure"] = DEFAULT_MEASURE if DEFAULT_MEASURE in options else options[0]
    name = st.selectbox("Measure", options, format_func=_label, key="measure")
    st.query_params["measure"] = name  # the code, not the label: the link to share
    m = queries.get(name)
    unit = m.fields.get("unit", "")
    groups = data.measure("compare_groups", la_codes=[f.la_code])
    offered = [g for g in GROUPS if g in set(groups["grouping"])]
    group = st.segmented_control("Compare with", offered, default="all", format_func=GROUPS.get, key="group",
                                 bind="query-params", required=True) or "all"
    members = groups[groups["grouping"] == group]
    label = str(members["group_label"].iloc[0]) if len(members) else ""
    if len(offered) < len(GROUPS):
        absent = " and ".join(GROUPS[g].lower() for g in GROUPS if g not in offered)
        st.caption(f"{absent[0].upper() + absent[1:]}: not available for {plain(f.la_name)}. Regions and statistical "
                   "neighbours come from the DfE's published figures (`python -m etl benchmarks`), so they apply "
                   "only to authorities with a real ONS code, and only when another authority of the group is "
                   "loaded.")
    names = dict(zip(members["la_code"], members["la_name"], strict=True)) if len(members) else {f.la_code: f.la_name}
    codes = None if group == "all" else sorted(names)
    st.markdown(f"**{m.title}** · {len(names)} authorit{'y' if len(names) == 1 else 'ies'} ({GROUPS[group].lower()}"
                + (f": {plain(label)}" if group != "all" and label else "") + f") · {month_label(f.from_month)} to "
                f"{month_label(f.month)}" + (" · *Board mode: numbers under 5 suppressed*" if f.board else ""))
    if f.team:
        st.caption(f"Whole authorities are compared: the team filter ({plain(f.team)}) does not apply here.")
    if len(names) < 2:  # ranking one authority against itself says nothing
        st.info(f"Only {plain(f.la_name)} is loaded in this group, so there is nothing to compare it with. Load other "
                "authorities' returns into the same warehouse (`python -m etl load` with a folder per authority) to "
                "rank them side by side; this authority's own trend is on the theme pages.", icon=":material/info:")
        widgets.definitions([name])
        return

    df = data.measure(name, la_codes=codes, team="All teams", from_month=f.from_month, to_month=f.month)
    rows = compare.authority_rows(df)  # board mode: as the disclosure policy shows it (ui/data.py)
    if rows.empty:
        st.info(f"No data for {m.title.lower()} in this period.", icon=":material/info:")
        return
    target = widgets.target_of(name)
    table = compare.ranked(rows, f.month, names, f.la_code, m.higher_is_better, target)
    focus = table[table["is_focus"]]
    shown = SUPPRESSED if f.board and len(focus) and "suppressed" in rows and bool(
        rows.loc[(rows["la_code"] == f.la_code) & (rows["month_end"] == f.month), "suppressed"].any()) \
        else fmt_value(focus["value"].iloc[0], unit) if len(focus) else ""

    st.subheader(f"{month_label(f.month)}, ranked")
    st.markdown(compare.position_sentence(table.assign(la_name=table["la_name"].map(plain)), f.month, shown,
                                          m.higher_is_better))
    missing = table[table["rank"].isna()]
    if len(missing):
        why = "; ".join(f"{plain(r.la_name)}: {str(r.status_note).removeprefix('no data: ')}"
                        for r in missing.head(8).itertuples())
        more = f"; and {len(missing) - 8} more" if len(missing) > 8 else ""
        st.warning(f"Not ranked, no figure for {month_label(f.month)} (shown as a gap, never as 0): {why}{more}.",
                   icon=":material/block:")
    partial = table[table["status"].eq("partial") & table["rank"].notna()]
    if len(partial):
        st.caption(f"Hatched bars: partial data ({len(partial)} authorit{'y' if len(partial) == 1 else 'ies'}: "
                   f"the measure looks back further than their data go), so those figures may be too low or high.")
    median = compare.group_median(rows)
    month_median = median.loc[median["month_end"] == f.month, "value"]
    shown_table = table.drop(columns=["is_focus"] + (["numerator", "denominator"] if f.board else []))
    if table["rank"].notna().any():
        fig = charts.ranked_bars(table, f"{m.title}, {month_label(f.month)}", unit, target, f.board,
                                 m.higher_is_better, median=month_median.iloc[0] if len(month_median) else None)
        charts.fit_legend(fig, f.board)
        st.plotly_chart(fig, key="compare-ranked", theme=None, config={"displaylogo": False})
        widgets.downloads("compare-ranked", f, [name], shown_table, fig, f"{m.title} by authority")
    else:
        st.info(f"No authority has a figure to rank for {month_label(f.month)}.", icon=":material/info:")
    # on screen the ranked authorities (the others are named above with the reason); the downloads hold them all
    on_screen = shown_table[shown_table["rank"].notna()].drop(
        columns=["status"] + (["meets_target"] if target is None or m.higher_is_better is None else []))
    if len(on_screen):
        widgets.table(on_screen, key="compare-ranked-table")

    st.subheader("Trend")
    trend_fig = charts.compare_lines(rows, f.la_code, f.la_name, median,
                                     f"{m.title}: {chart_text(f.la_name)} against {compare.authorities(len(names))}",
                                     unit, target,
                                     f.board)
    charts.fit_legend(trend_fig, f.board)
    st.plotly_chart(trend_fig, key="compare-trend", theme=None, config={"displaylogo": False})
    if f.board and "suppressed" in rows and rows["suppressed"].any():
        st.caption(f"A gap in a line is a month with no data or, in board mode, with {disclosure.small_words()} "
                   "(its figure is hidden, never shown as 0).")
    widgets.data_status(rows[rows["la_code"] == f.la_code], f)
    trend_table = rows.assign(la_name=rows["la_code"].map(names))[
        ["la_code", "la_name", "month_end", "value", "status", "status_note"]]
    widgets.downloads("compare-trend", f, [name], trend_table.sort_values(["la_name", "month_end"]), trend_fig,
                      f"{m.title} trend by authority")
    widgets.definitions([name])

