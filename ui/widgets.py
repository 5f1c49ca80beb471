"""Reusable page pieces: headline metrics, charts with their downloads, child lists, definitions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import partial

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import queries
from lens import charts, config, disclosure, labels
from lens.benchmarks import BANDS, NARROW, with_bands
from lens.formatting import fmt_change, fmt_value, is_missing, month_label, plain
from queries import coverage
from reports.images import figure_bytes, unavailable_reason
from reports.tables import csv_bytes, xlsx_bytes
from ui.filters import ALL_TEAMS, Filters

LIST_ROWS_IN_FULL = 20  # tables up to this many rows are drawn whole on screen
# px: a longer table shows as many rows (35 px each, and the heading) in a box that scrolls
LONG_LIST_HEIGHT = (LIST_ROWS_IN_FULL + 1) * 35 + 3


def slug(text: str) -> str:
    """A file-name-safe version of a title."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def england(measure: str) -> pd.DataFrame:
    """Published England averages for a measure (period_end, value), empty when none are published."""
    table = _england_table()
    return table[table["measure"] == measure][["period_end", "value"]]


# Figures the DfE publishes that no measure here works out from an authority's own data (it needs the child
# population): measure -> (title, unit), shown as published context only.
PUBLISHED_ONLY = {"cla_rate_per_10k": ("Children looked after per 10,000 children", "per 10,000")}

PUBLISHED_COLUMNS = {"value": "Published (this authority)", "neighbours_mean": "Statistical neighbours",
                     "region_value": "Region", "england_value": "England"}


def benchmark_context(measure: str, f: Filters) -> pd.DataFrame:
    """The authority's published figures for a measure with neighbours, region, England, band and rank (by period),
    from the benchmark tables (`python -m etl benchmarks`); empty when none are loaded for this authority."""
    from ui import data

    try:
        ctx = data.measure("benchmark_context", la_codes=[f.la_code])
    except duckdb.CatalogException:  # a warehouse built before benchmarks existed: no published context until reloaded
        return pd.DataFrame(columns=["measure", "period_end", "value"])
    ctx = ctx[ctx["measure"] == measure]
    if ctx.empty:
        return ctx
    polarity = queries.get(measure).higher_is_better if measure in queries.measures() else None
    return with_bands(ctx, {measure: polarity})


def published(measure: str, f: Filters) -> pd.DataFrame:
    """What a trend chart marks as published figures (period_end, series, value): the authority's own, its
    statistical neighbours' mean, its region and England where benchmarks are loaded, else England alone."""
    ctx = benchmark_context(measure, f)
    if ctx.empty:
        return england(measure).assign(series="England")
    columns = {("neighbours_" + config.neighbour_average() if c == "neighbours_mean" else c): s
               for c, s in PUBLISHED_COLUMNS.items()}
    return pd.concat([pd.DataFrame({"period_end": ctx["period_end"], "series": series, "value": ctx[col]})
                      for col, series in columns.items()], ignore_index=True)


def benchmark_panel(measure: str, f: Filters) -> None:
    """The latest published year beside this authority's own monthly figure: neighbours, region, England, band."""
    ctx = benchmark_context(measure, f)
    if ctx.empty:
        return
    m = queries.get(measure)
    unit = m.fields.get("unit", "")
    ctx = ctx.sort_values("period_end")
    upto = ctx[pd.to_datetime(ctx["period_end"]) <= pd.Timestamp(f.month)]  # the year the chosen month falls in
    r = (upto if len(upto) else ctx).iloc[-1]
    when = pd.Timestamp(r["period_end"])
    st.markdown(f"**Compared with other authorities** · the DfE's published figures for {labels.date_text(when)}")
    c = st.columns(5)
    c[0].metric("Published", fmt_value(r["value"], unit), help="This authority's figure as the DfE published it")
    average = config.neighbour_average()
    other = "median" if average == "mean" else "mean"
    c[1].metric("Neighbours", fmt_value(r[f"neighbours_{average}"], unit),
                help=f"The {average} of the statistical neighbours' published figures ({int(r['neighbours_n'])} of "
                     f"10 published one; {other} {fmt_value(r[f'neighbours_{other}'], unit)}); grouping: "
                     f"{plain(r['neighbour_grouping'])}. Setting PRACTICE_LENS_NEIGHBOUR_AVERAGE chooses mean or "
                     "median.")
    c[2].metric("Region", fmt_value(r["region_value"], unit))
    c[3].metric("England", fmt_value(r["england_value"], unit))
    band_text = "—" if r["band"] is None else "too narrow" if r["band"] == NARROW else \
        f"{r['band']} · {ordinal(int(r['rank']))}/{int(r['n_authorities'])}"
    c[4].metric("Band · rank", band_text,
                help="A is the best quarter of all authorities, D the worst (DfE LAIT convention, quartiles by linear "
                     f"interpolation): lower quartile {fmt_value(r['q1'], unit)}, median {fmt_value(r['q2'], unit)}, "
                     f"upper quartile {fmt_value(r['q3'], unit)}.")
    st.caption("The DfE publishes one figure a year; the monthly figures above are worked out from your own data with "
               "the same definition where there is one (see Definitions), so they can differ from the published one.")


def published_line(measure: str, f: Filters) -> str | None:
    """One line for an Overview tile: the published year's figure, neighbours, England and the band."""
    ctx = benchmark_context(measure, f)
    if ctx.empty:
        return None
    ctx = ctx.sort_values("period_end")
    upto = ctx[pd.to_datetime(ctx["period_end"]) <= pd.Timestamp(f.month)]
    r = (upto if len(upto) else ctx).iloc[-1]
    unit = queries.get(measure).fields.get("unit", "") if measure in queries.measures() else \
        PUBLISHED_ONLY.get(measure, ("", ""))[1]
    band_text = f" · band {r['band']} ({ordinal(int(r['rank']))} of {int(r['n_authorities'])})" \
        if r["band"] in BANDS else ""
    return (f"Published {pd.Timestamp(r['period_end']):%b %Y}: {fmt_value(r['value'], unit)} · neighbours "
            f"{fmt_value(r['neighbours_' + config.neighbour_average()], unit)} · England "
            f"{fmt_value(r['england_value'], unit)}{band_text}")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 11th, 139th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@st.cache_data(show_spinner=False)
def _england_table() -> pd.DataFrame:
    return queries.england_averages()


def target_of(measure: str) -> float | None:
    """The target for a measure from the targets file, or None."""
    t = queries.targets()
    row = t[t["measure"] == measure]
    return None if row.empty else float(row["target"].iloc[0])


def team_rows(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The rows for the chosen team (or the authority's 'All teams' rows)."""
    if df.empty:
        return df
    return df[df["team"] == (f.team or ALL_TEAMS)].sort_values("month_end")


def about(f: Filters, measure_title: str) -> dict[str, str]:
    """The export details every download carries."""
    return {"Measure": measure_title, "Authority": f"{f.la_name} ({f.la_code})", "Team": f.team_label,
            "Period": f"{month_label(f.from_month)} to {month_label(f.month)}",
            "Data to": month_label(f.last_month), "Exported": dt.date.today().isoformat(),
            "Source": "Practice Lens"}


IMAGES_CAPTION = "PNG and SVG need Chromium on the server: `apt-get install -y chromium`"


def downloads(key: str, f: Filters, measures: list[str], table: pd.DataFrame | Callable[[str], pd.DataFrame],
              fig: go.Figure | Callable[[], go.Figure] | None = None, title: str = "") -> None:
    """PNG/SVG of the chart (with footer) and CSV/Excel of the data behind it, generated only when clicked.

    `fig` may be a function that makes the figure, so an export-only figure is built only when a button is clicked.
    `table` may be a function of the format ('csv' or 'xlsx'): a list of children is checked and logged at the click.
    Without a browser for kaleido a caption says so in place of the PNG/SVG buttons, rather than buttons that fail.
    """
    name = slug(f"{title or measures[0]}-{f.la_code}-{f.month:%Y-%m}")
    defs = {m: queries.get(m).definition() for m in measures}
    details = about(f, title or queries.get(measures[0]).title)
    unit = queries.get(measures[0]).fields.get("unit", "")
    footer = charts.footer_text(details["Measure"], (f.from_month, f.month), f.la_name, f.last_month)
    row = st.container(horizontal=True, gap="small", key=f"{key}-downloads")
    cols = [row] * 4
    i = 0
    no_images = fig is not None and unavailable_reason() is not None
    if fig is not None and not no_images:
        def image(fmt: str) -> bytes:
            return figure_bytes(fig() if callable(fig) else fig, fmt, footer)

        cols[0].download_button("PNG", data=lambda: image("png"), file_name=f"{name}.png",
                                mime="image/png", key=f"{key}-png", icon=":material/image:", on_click="ignore")
        cols[1].download_button("SVG", data=lambda: image("svg"), file_name=f"{name}.svg",
                                mime="image/svg+xml", key=f"{key}-svg", icon=":material/image:", on_click="ignore")
        i = 2
    def rows(fmt: str) -> pd.DataFrame:
        return exported(table(fmt) if callable(table) else table)

    cols[i].download_button("CSV", data=lambda: csv_bytes(rows("csv"), unit=unit), file_name=f"{name}.csv",
                            mime="text/csv", key=f"{key}-csv", icon=":material/table:", on_click="ignore")
    cols[i + 1].download_button(
        "Excel", data=lambda: xlsx_bytes(rows("xlsx"), defs, details, unit=unit), file_name=f"{name}.xlsx",
        key=f"{key}-xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table:", on_click="ignore")
    if no_images:
        row.caption(IMAGES_CAPTION)


def exported(df: pd.DataFrame) -> pd.DataFrame:
    """What a download carries: a value board mode hides says so in words (never blank, never 'not recorded'), and
    not the disclosure bookkeeping columns (a hidden row's data note says why)."""
    if "suppressed" in df and "value" in df and df["suppressed"].any():
        hidden = df["suppressed"].fillna(False).astype(bool) & df["value"].isna()
        df = df.assign(value=df["value"].astype(object).where(~hidden, "suppressed"))
    return df.drop(columns=["suppressed", "hidden_why"], errors="ignore")


def status_at(rows: pd.DataFrame, month: dt.date) -> tuple[str, str]:
    """(status, note) of a series' row for `month` ('ok', '' when the frame carries no status)."""
    if "status" not in rows:
        return "ok", ""
    hit = rows[pd.to_datetime(rows["month_end"]) == pd.Timestamp(month)]
    if hit.empty:
        return "no data", "no data for this month"
    return str(hit["status"].iloc[-1]), str(hit["status_note"].iloc[-1] or "")


def no_data_months(rows: pd.DataFrame) -> str:
    """'Apr 2013 to Mar 2016' for the months of a series with no data (empty when there are none)."""
    if "status" not in rows:
        return ""
    gaps = rows[rows["status"].eq("no data")]
    return coverage.spans_text(list(pd.to_datetime(gaps["month_end"]).dt.date)) if len(gaps) else ""


def data_status(rows: pd.DataFrame, f: Filters) -> None:
    """Say plainly when the chosen month has no data or only partial data, and which months of the period have none."""
    status, note = status_at(rows, f.month)
    if status == "no data":
        st.warning(f"{month_label(f.month)}: {note[0].upper() + note[1:]}.", icon=":material/block:")
    elif status == "partial":
        st.info(f"{month_label(f.month)}: {note[0].upper() + note[1:]}, so the figure may be too low or too high.",
                icon=":material/hourglass_top:")
    gaps = no_data_months(rows)
    if gaps and status != "no data":
        st.caption(f"No data for {gaps} (shown as a gap, never as 0).")


def headline_metrics(df: pd.DataFrame, measure: str, f: Filters) -> None:
    """Latest value, target, change since last month and last year, England's latest average."""
    m = queries.get(measure)
    unit = m.fields.get("unit", "")
    rows = df.sort_values("month_end")
    latest = rows.iloc[-1] if len(rows) else None
    status, _ = status_at(rows, f.month)
    why = None if latest is None or not latest.get("suppressed", False) else latest.get("hidden_why")

    def back(n: int) -> object:
        """The figure n months before the chosen month (None unless its data were complete), looked up by month:
        a year ago is before a 12-month period shown, so it is read for that one month when the rows lack it."""
        when = (pd.Timestamp(f.month) - pd.DateOffset(months=n) + pd.offsets.MonthEnd(0)).date()
        hit = rows[pd.to_datetime(rows["month_end"]).dt.date == when]
        if hit.empty and when < f.from_month:
            from ui import data

            hit = team_rows(data.measure(measure, **{**f.series_params, "from_month": when, "to_month": when}), f)
        if hit.empty or ("status" in hit and hit["status"].iloc[-1] != "ok"):
            return None
        return hit["value"].iloc[-1]

    target = target_of(measure)
    eng = england(measure)
    c = st.columns(5)
    shown = "No data" if status == "no data" else disclosure.shown_value(
        None if latest is None else latest["value"], why, unit) + (" (partial)" if status == "partial" else "")
    c[0].metric(f"Latest ({month_label(f.month)})", shown,
                help=f"Board mode: {disclosure.reason_words(why)}." if why else None)
    c[1].metric("Target", fmt_value(target, unit) if target is not None else "—")
    for col, label, n in ((c[2], "Change since last month", 1), (c[3], "Change since last year", 12)):
        prev = back(n)
        delta = None if latest is None or status != "ok" or is_missing(prev) or is_missing(latest["value"]) else (
            float(latest["value"]) - float(prev))
        col.metric(label, fmt_change(delta, unit) or "—")
    c[4].metric("England", fmt_value(eng["value"].iloc[-1], unit) if len(eng) else "—",
                help=f"The latest published England figure, {eng['period_end'].iloc[-1]:%b %Y}" if len(eng)
                else "No England figure published")


def definitions(names: list[str]) -> None:
    """Each measure's definition, taken from its SQL header, one click away."""
    with st.expander("Definitions: how these numbers are worked out", icon=":material/info:"):
        for n in names:
            m = queries.get(n)
            st.markdown(f"**{m.title}** (`{m.name}`)")
            st.text(m.definition())


def child_list(measure: str, f: Filters, team: str | None, key: str) -> pd.DataFrame | None:
    """The children behind the number, worst first, with CSV/Excel downloads; never shown in board mode.

    Returns the rows shown (None when no list was drawn), so a page can offer those children for a closer look.
    """
    if f.board:
        return None
    from ui import access, data

    m = queries.get(measure)
    period = "from_month" in m.params  # a list for the period shown (e.g. entrants), not as at a date
    when = f"{month_label(f.from_month)} to {month_label(f.month)}" if period else f"as at {labels.date_text(f.month)}"
    st.subheader(f"{m.title}, {when}" + (f" · {plain(team)}" if team else ""))
    status = data.availability(measure, la_codes=[f.la_code], as_of=f.month)
    state, note = (status["status"].iloc[0], status["status_note"].iloc[0]) if len(status) else ("ok", "")
    if state == "no data":
        st.warning(f"No list of children: {note.removeprefix('no data: ')}.", icon=":material/block:")
        return None
    if state == "partial":
        st.info(f"{note[0].upper() + note[1:]}: the list may miss children.", icon=":material/hourglass_top:")
    params = {"la_codes": [f.la_code], "team": team or f.team,
              **({"from_month": f.from_month, "to_month": f.month} if period else {"as_of": f.month})}
    try:  # the rules of the person signed in apply where the list is read (ui/data.py, lens/access.py)
        df = data.measure(measure, **params)
    except data.NotAllowed as refused:
        st.info(str(refused), icon=":material/lock:")
        return None
    if df.empty:
        st.success("No children on this list: " + ("the two sources agree." if m.theme == "data_quality"
                                                   else "everyone is in time."))
        return df
    grain = m.fields.get("grain", "")
    one, many = next(((key.split()[-1], word) for key, word in (("episode", "episodes"), ("action", "actions"),
                                                                 ("legal case", "cases")) if key in grain),
                     ("child", "children"))
    # a list as at a date that reaches back (header `scope`, e.g. episodes ended in the 3 months to it) says how far
    scope = m.fields.get("scope", "").replace("$as_of", labels.date_text(f.month))
    st.caption(f"{len(df)} {one if len(df) == 1 else many}{f' ({scope})' if scope else ''}, worst first.")
    access.note_narrowed(df)
    # on screen one authority's list needs no authority column (the page names it), and how late each child is
    # (header `beside_child`: days overdue, hours late, what 'worst first' sorts by) stands next to the child, so a
    # laptop shows it without scrolling sideways; the downloads keep the list's own columns and order
    table(labels.beside_child(df.drop(columns=["la_code"], errors="ignore"), m.beside_child), key=f"{key}-table")
    downloads(key, f, [measure], data.list_download(measure, params, df), title=m.title)
    return df


def stand_in(measure: str, f: Filters, key: str) -> bool:
    """Where the event data give a measure no figure but Annex A List 8 does (its snapshot month inside the period
    shown): that figure, labelled as an Annex A snapshot, one point at its month. True when one was drawn."""
    from ui import data

    sub = queries.stand_in(measure)
    if sub is None:
        return False
    rows = team_rows(data.stand_in(measure, **f.series_params), f)
    if rows.empty:
        return False
    unit = sub.fields.get("unit", "")
    safe = rows  # board mode: already as the disclosure policy shows it (ui/data.stand_in)
    last = safe.iloc[-1]
    month_end = pd.Timestamp(last["month_end"])
    snaps = data.measure("dq_annex_a_snapshot", la_codes=[f.la_code])
    same = snaps[pd.to_datetime(snaps["snapshot_date"]).dt.to_period("M") == month_end.to_period("M")]
    day = pd.Timestamp(same["snapshot_date"].iloc[0]) if len(same) else month_end
    suppressed = bool(last.get("suppressed", False))
    with st.container(border=True, key=f"{key}-annex-a"):
        st.markdown(f"**{sub.title}**")
        st.caption(f"Source: Annex A List 8, as at {day:%d %b %Y}. The event data give no figure for "
                   f"{month_label(month_end.date())}, so this figure is worked out from the authority's Annex A "
                   "inspection list instead: one snapshot, not a monthly trend (its definition is below).")
        c = st.columns(3)
        c[0].metric(f"Annex A List 8, {labels.date_text(day)}", disclosure.SUPPRESSED if suppressed else fmt_value(last["value"], unit))
        c[1].metric("Children counted", str(last.get("denominator_shown", last["denominator"]))
                    if not pd.isna(last["denominator"]) else "—")
        c[2].metric("Snapshot month", month_label(month_end.date()))
        fig = charts.snapshot(safe, f"{sub.title}, as at {day:%d %b %Y}", unit, (f.from_month, f.month),
                              board=f.board)
        st.plotly_chart(fig, key=f"{key}-annex-a-chart", theme=None, config={"displaylogo": False})
        downloads(f"{key}-annex-a", f, [sub.name], safe.drop(columns=["suppressed"], errors="ignore"), fig,
                  sub.title)
        with st.expander("How the Annex A figure is worked out", icon=":material/info:"):
            st.text(sub.definition())
    return True


def table(df: pd.DataFrame, key: str) -> None:
    """A table as people read it (lens/labels.py): 'Days overdue', codes in words, '4 Mar 2018', gaps 'not recorded'.

    The words are display values only, so a column still sorts by its real dates and numbers.
    """
    base = labels.shown_counts(df)
    shown = labels.readable(base, missing=None)
    in_words = set()
    for col, head in zip(base.columns, shown.columns, strict=True):
        if len(shown) and shown[head].isna().all():  # e.g. no denominator for a count: say so in every row
            shown[head] = labels.describe(col, None)
            in_words.add(head)
    styler = shown.style
    for col, head in zip(base.columns, shown.columns, strict=True):
        s = shown[head]
        if head in in_words:  # already words: no number or date format applies
            continue
        if str(col).lower() in labels.HOURS_COLUMNS:
            styler = styler.format(labels.hours_text, subset=[head])
        elif pd.api.types.is_datetime64_any_dtype(s):
            styler = styler.format(partial(labels.date_text, with_time=labels.has_time(s)), subset=[head])
        elif labels.is_numeric(s):
            styler = styler.format(f"{{:,.{labels.decimals(col, base[col])}f}}", subset=[head])
    st.dataframe(styler, hide_index=True, key=key, placeholder=labels.NOT_RECORDED, height=table_height(len(shown)))


def table_height(rows: int) -> str | int:
    """A table of up to LIST_ROWS_IN_FULL rows shown whole, not in Streamlit's box of 10 rows that scrolls."""
    return "content" if rows <= LIST_ROWS_IN_FULL else LONG_LIST_HEIGHT


def commentary(measure: str, f: Filters) -> None:
    """The month's commentary under a measure (plain text), and, outside board mode, a form to write it."""
    from ui import data

    m = queries.get(measure)
    note = data.commentary_notes(f.la_code, f.month, [measure]).get(measure)
    if note:
        with st.container(border=True):
            st.markdown(f"**Commentary, {month_label(f.month)}**")
            st.text(note.what)  # never Markdown or HTML: the words are shown as written
            if note.action or note.owner or note.due:
                st.text(f"What is being done: {note.action or 'not said'}\nBy whom: {note.owner or 'not said'}"
                        f"\nBy when: {note.due or 'not said'}")
            st.caption(f"Written by {plain(note.author)}, {note.written.replace('T', ' ')[:16]} UTC")
    if f.board:
        return
    with st.expander(f"{'Update' if note else 'Write'} the commentary for {month_label(f.month)}",
                     icon=":material/edit_note:"):
        with st.form(key=f"{measure}-commentary"):
            what = st.text_area("What happened", value=note.what if note else "", max_chars=10_000)
            action = st.text_area("What is being done", value=note.action if note else "", max_chars=5_000)
            c = st.columns(3)
            owner = c[0].text_input("By whom", value=note.owner if note else "", max_chars=120)
            due = c[1].text_input("By when", value=note.due if note else "", max_chars=40)
            author = c[2].text_input("Your name", max_chars=120)
            if st.form_submit_button("Save commentary"):
                try:
                    data.commentary_store().add(measure, f.la_code, f.month, what, action, owner, due, author)
                except ValueError as exc:
                    st.error(str(exc))
                else:
                    st.toast(f"Saved: the board pack for {month_label(f.month)} carries it under {m.title}.")
                    st.rerun()
