"""The Overview page: one tile per headline measure (latest, target, RAG, changes, sparkline), worst news first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lens.charts import RAG_LABELS
from lens.formatting import fmt_change, fmt_value, month_label
from lens.suppress import SUPPRESSED, is_small
from reports.board_pack import board_pack_pdf
from ui import data, widgets
from ui.filters import ALL_TEAMS, current

RAG_ICONS = {"red": ":material/error:", "amber": ":material/warning:", "green": ":material/check_circle:",
             "grey": ":material/help:"}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}
THEME_PAGES = {"visits": "app_pages/visits.py", "sw_changes": "app_pages/sw_changes.py", "missing": "app_pages/missing.py",
               "health": "app_pages/health.py", "workforce": "app_pages/workforce.py", "reviews": "app_pages/reviews.py"}


def order_tiles(latest: pd.DataFrame) -> pd.DataFrame:
    """What got worse first (since last month), then red before amber before green; no data last."""
    worse = latest["direction_last_month"].eq("worse").map({True: 0, False: 1})
    missing = latest["status"].eq("no data").map({True: 1, False: 0})
    return latest.assign(_m=missing, _w=worse, _r=latest["rag"].map(RAG_ORDER)).sort_values(
        ["_m", "_w", "_r", "measure"])


def render_overview() -> None:
    """Draw the Overview page."""
    f = current()
    st.title("Overview")
    st.caption("Every headline measure against its target. Measures that got worse since last month come first.")
    if f is None:
        st.info("No authority has been loaded yet.")
        return
    st.markdown(f"**{f.la_name}** · {f.team_label} · {month_label(f.month)}"
                + (" · *Board mode: numbers under 5 suppressed*" if f.board else ""))
    ov = data.measure("overview", **f.series_params)
    team = f.team or ALL_TEAMS
    ov = ov[ov["team"] == team]
    latest = ov[pd.to_datetime(ov["month_end"]) == pd.Timestamp(f.month)]
    if latest.empty:
        st.info(f"No measures for {f.team_label} in {month_label(f.month)}. Try another month or team.")
        return
    con = data.connection()
    st.download_button("Board pack (PDF)", data=lambda: board_pack_pdf(con.cursor(), f.la_code, f.month),
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
    tiles = order_tiles(latest)
    cols = st.columns(3)
    for i, (_, t) in enumerate(tiles.iterrows()):
        history = ov[ov["measure"] == t["measure"]].sort_values("month_end")
        with cols[i % 3].container(border=True):
            small = f.board and (is_small(t["numerator"]) or is_small(t["denominator"]))
            missing = t["status"] == "no data"
            value = "No data" if missing else SUPPRESSED if small else fmt_value(t["value"], t["unit"])
            delta = None if small or missing else (fmt_change(t["change_last_month"], t["unit"]) or None)
            st.metric(
                t["title"], value, delta=delta,
                delta_color="normal" if t["higher_is_better"] else "inverse" if t["higher_is_better"] is False
                else "off",
                delta_description=None if delta is None else "since last month",
                chart_data=None if small or missing else history["value"].round(1).tolist()[-24:],
                help=f"Target: {fmt_value(t['target'], t['unit'])} ({t['target_basis']})" if pd.notna(t["target"])
                else "No target set",
            )
            rag = t["rag"]
            if t["status"] != "ok":
                # say why there is no RAG: the file is absent or the measure looks back further than the data go
                st.caption(f":material/block: {t['status_note']}" if missing else
                           f":material/hourglass_top: {t['status_note']}")
            else:
                st.markdown(f"{RAG_ICONS[rag]} **{RAG_LABELS[rag]}** · target {fmt_value(t['target'], t['unit'])}"
                            + ("" if small or pd.isna(t["change_last_year"]) else
                               f" · {fmt_change(t['change_last_year'], t['unit'])} on a year ago"))
            page = THEME_PAGES.get(t["theme"])
            if page:
                st.page_link(page, label="See the detail", icon=":material/arrow_forward:")
    table = tiles[["title", "month_end", "value", "target", "rag", "change_last_month", "change_last_year",
                   "direction_last_month", "numerator", "denominator", "status_note"]]
    st.subheader("All headline measures")
    shown = widgets.board_safe(table, f).drop(columns=["numerator", "denominator", "suppressed", "numerator_shown",
                                                       "denominator_shown"], errors="ignore") if f.board else table
    status = tiles["status"]
    shown = shown.assign(  # values in their unit, and a month with no data says so in words (never a blank)
        value=[("No data" if st_ == "no data" else fmt_value(v, u))
               for st_, v, u in zip(status, shown["value"], tiles["unit"], strict=True)],
        rag=shown["rag"].where(status.eq("ok"), status.map({"no data": "no data", "partial": "partial data"})))
    widgets.table(shown, key="overview-table")
    widgets.downloads("overview", f, ["overview"], table, title="Overview")
