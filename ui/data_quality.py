"""The Data quality page: what each file covers, rows rejected and rows kept with a warning (file, line, rule),
files missing, data freshness and the load log."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

import queries
from lens import charts, commentary, disclosure, labels
from lens.disclosure import SUPPRESSED
from lens.formatting import fmt_value, month_label
from queries import coverage
from ui import audit, data, widgets
from ui.filters import Filters, current

# The reconciliation's counts, in the order the page shows them: column -> label.
RECONCILED = {"denominator": "Children in either", "in_both": "In both", "only_annex_a": "In Annex A only",
              "only_event": "In the event data only", "visit_differs": "Last visit differs",
              "review_differs": "Last review differs", "health_differs": "Last health assessment differs",
              "dental_differs": "Last dental check differs"}


def render_data_quality() -> None:
    """Draw the Data quality page for the chosen authority."""
    f = current()
    st.title("Data quality")
    st.caption("Trust the numbers: what was loaded, what was kept out and why, what is missing, how fresh it is.")
    if f is None:
        st.info("No authority has been loaded yet.")
        return
    p = {"la_codes": [f.la_code]}
    fresh = data.measure("dq_freshness", **p)
    rejected = data.measure("dq_rejected_by_reason", **p)
    missing = data.measure("dq_files_missing", **p)
    log = data.measure("dq_load_log", **p)
    warnings = data.measure("dq_warnings", **p)
    cover = data.measure("dq_coverage", **p)

    def count(n: int) -> str:  # board mode: a count of 1-4 file rows (often one child's each) shows as '<5'
        return disclosure.SUPPRESSED if f.board and disclosure.is_small(n) else f"{n:,}"

    def counts(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        return disclosure.protect_counts(df, columns) if f.board else df

    c = st.columns([1, 1.2, 1, 1.5, 1.3])  # room for a date such as "30 Nov 2026" on a 1280-pixel screen
    c[0].metric("Rows rejected", count(int(rejected["rows_rejected"].sum()) if len(rejected) else 0),
                help="Rows kept out of the measures in the latest load, for breaking a rule of the input contract")
    c[1].metric("Rows kept with a warning", count(len(warnings)))
    c[2].metric("Files missing", f"{len(missing)}", help="Files of the input contract absent from the latest load")
    c[3].metric("Last loaded", labels.date_text(log["loaded_at"].max()) if len(log) else "never",
                help="When the latest load finished: "
                     + (labels.date_text(log["loaded_at"].max(), with_time=True) if len(log) else "never"))
    c[4].metric("Data to", month_label(cover["last_month"].max()) if cover["last_month"].notna().any() else "—",
                help="The last month any file covers (never from a date typed into the future)")

    if log.empty:
        st.info("No load has been recorded for this authority: load its files with `python -m etl load`.")
        return
    st.subheader("Rows kept out of the measures, by reason")
    if rejected.empty:
        st.success("No rows were rejected in the latest load.")
    else:
        by_reason = rejected.groupby("reason", as_index=False)["rows_rejected"].sum().rename(
            columns={"reason": "team", "rows_rejected": "value"})
        if f.board:  # a bar of 1-4 rows says so instead of its length
            small = by_reason["value"].map(disclosure.is_small)
            by_reason = by_reason.assign(value=by_reason["value"].astype("float64").where(~small), suppressed=small,
                                         hidden_why=small.map({True: disclosure.SMALL, False: None}))
        fig = charts.team_bars(by_reason, "Rejected rows by reason", "rows", board=f.board,
                               small_text="fewer than 5 rows")
        fig.update_yaxes(title_text="Reason")
        st.plotly_chart(fig, key="dq-rejected-chart", theme=None)
        widgets.table(counts(rejected, ["rows_rejected"]), key="dq-rejected")
        widgets.downloads("dq-rejected", f, ["dq_rejected_by_reason"], counts(rejected, ["rows_rejected"]), fig,
                          "Rejected rows by reason")

    st.subheader("Rows kept with a warning, by rule")
    if warnings.empty:
        st.success("No row broke a DfE rule that the load let through.")
    else:
        by_rule = (warnings.groupby(["file", "rule", "action"], as_index=False)
                   .agg(rows=("line", "count"), first_line=("line", "min")))
        st.caption("These rows are in the measures, as described: nothing was guessed silently. Fix them in the "
                   "case system so the next return is clean.")
        widgets.table(counts(by_rule, ["rows"]), key="dq-warnings-by-rule")
        if not f.board:  # the values can name a child or a date of birth
            with st.expander(f"Every warning ({len(warnings):,} rows, with file and line)"):
                widgets.table(warnings, key="dq-warnings")
                widgets.downloads("dq-warnings", f, ["dq_warnings"], warnings, title="Rows kept with a warning")

    annex_a(f)

    st.subheader(f"Commentary, {month_label(f.month)}")
    ov = data.measure("overview", **f.authority_params)
    ov = ov[(ov["team"] == "All teams") & (pd.to_datetime(ov["month_end"]) == pd.Timestamp(f.month))]
    notes = data.commentary_notes(f.la_code, f.month)
    red = ov[(ov["rag"] == "red") & ~ov["measure"].isin(list(notes))]
    if red.empty:
        st.success("Every off-target measure has its commentary for the month.")
    else:
        st.warning("Off target with no commentary yet (the board will ask): " + "; ".join(red["title"]) + ".",
                   icon=":material/edit_note:")
    if notes:
        table = commentary.as_frame(notes).assign(
            measure=lambda d: d["measure"].map(lambda m: queries.get(m).title if m in queries.measures() else m))
        widgets.table(table.drop(columns=["la_code"]), key="dq-commentary")
        widgets.downloads("dq-commentary", f, ["overview"], table, title="Commentary")

    st.subheader("Months each file covers")
    st.caption("A measure built on a file shows *no data* (never 0) for a month the file does not cover, and a "
               "child list is not drawn for it.")
    widgets.table(cover.assign(source=cover["source"].map(coverage.label)), key="dq-coverage")

    st.subheader("Files missing from the latest load")
    if missing.empty:
        st.success("Every expected file was present.")
    else:
        widgets.table(missing, key="dq-missing")

    st.subheader("Data freshness")
    widgets.table(counts(fresh, ["rows_held"]), key="dq-fresh")

    st.subheader("Load log")
    st.caption("Every row read is loaded, rejected (above, with the reason) or superseded: a valid row that a later "
               "return restates, such as an episode in both the 2017 and the 2018 files, is loaded once, from the "
               "later file. Rows read = loaded + rejected + superseded.")
    log_shown = counts(log, ["rows_read", "rows_loaded", "rows_rejected", "rows_superseded"])
    widgets.table(log_shown, key="dq-log")
    widgets.downloads("dq-log", f, ["dq_load_log"], log_shown, title="Load log")
    widgets.definitions(["dq_rejected_by_reason", "dq_warnings", "dq_coverage", "dq_files_missing", "dq_freshness",
                         "dq_load_log", "dq_annex_a_snapshot", "dq_annex_a_reconciliation",
                         *([] if f.board else ["dq_annex_a_differences_list"])])
    audit.section()  # analysts and admins only


def annex_a(f: Filters) -> None:
    """Annex A List 8 reconciled with the event data at its snapshot date: counts, then the children who differ."""
    snaps = data.measure("dq_annex_a_snapshot", la_codes=[f.la_code])
    if snaps.empty:
        return
    st.subheader("Annex A List 8 and the event data")
    snap = snaps.iloc[-1]
    day = pd.Timestamp(snap["snapshot_date"]).date()
    month = (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()
    st.caption(f"Ofsted's Annex A List 8 (children in care) as at {day:%d %b %Y}, the date read from "
               f"{snap['date_from']}: {int(snap['children_in_care']):,} children in care on it. Compared with the "
               "SSDA903 episodes and the extracts on the same day, to find recording errors before inspectors do.")
    rec = data.measure("dq_annex_a_reconciliation", la_codes=[f.la_code], team=f.team, from_month=month,
                       to_month=month)
    rows = widgets.team_rows(rec, f)
    rows = rows[pd.to_datetime(rows["month_end"]) == pd.Timestamp(month)] if len(rows) else rows
    if rows.empty or rows["status"].iloc[-1] == coverage.NO_DATA:
        note = str(rows["status_note"].iloc[-1]) if len(rows) else "no event data for the month"
        st.info(f"Nothing to reconcile Annex A with in {month_label(month)}: {note.removeprefix('no data: ')}.",
                icon=":material/info:")
        return
    row = rows.iloc[-1]
    hidden = f.board and bool(row.get("suppressed", False))  # board mode: the policy hid the month's counts

    def count(column: str) -> str:
        value = row.get(column)
        if value is None or pd.isna(value):
            return SUPPRESSED if hidden else "—"
        return SUPPRESSED if f.board and disclosure.is_small(value) else f"{int(value):,}"

    shown = pd.DataFrame({"check": list(RECONCILED.values()),  # numbers outside board mode (they sort and export)
                          "children": [count(c) if f.board else int(row[c]) for c in RECONCILED]})
    c = st.columns(4)
    c[0].metric("Agree", SUPPRESSED if hidden or pd.isna(row["value"]) else fmt_value(row["value"], "%"),
                help="Children in both sources whose last visit, review, health assessment and dental check agree, "
                     "of the children in care in either")
    for col, name in zip(c[1:], ("only_annex_a", "only_event", "in_both"), strict=True):
        col.metric(RECONCILED[name], count(name))
    widgets.table(shown, key="dq-annex-a-counts")
    widgets.downloads("dq-annex-a", f, ["dq_annex_a_reconciliation"],
                      rows.drop(columns=["suppressed"], errors="ignore"), title="Annex A reconciliation")
    # the children behind the counts, as at the snapshot's month (never in board mode; the role's rules apply)
    widgets.child_list("dq_annex_a_differences_list", dataclasses.replace(f, month=month), None,
                       key="dq-annex-a-children")
