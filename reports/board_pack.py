"""The board pack: what a council tables at committee, as an A4 landscape PDF for one authority and month, with no
child-level data and small numbers suppressed: a cover with its contents and the date of the data extract, the
Overview with the early warning icons, performance on a page (every measure for every team), then one page per
headline measure with its SPC chart, finding, early warning, published benchmarks, commentary and actions, and
definition; every page numbered 'n of N'."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pandas as pd
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

import queries
from lens import charts, commentary, config, disclosure, early_warning, labels
from lens.benchmarks import BANDS, with_bands
from lens.formatting import finding, fmt_change, fmt_value, month_long
from lens.heatmap import hidden_cell_words, performance_grid
from lens.spc_chart import spc_figure
from reports.images import ImagesUnavailable, figure_bytes, unavailable_reason
from reports.pdf_charts import icon_drawing, spc_drawing

ALL_TEAMS = "All teams"
PAGE = landscape(A4)
# kaleido's layout size: on the page 235 mm wide, so board mode's chart text reads at about 8-9 pt (at 1500 px it was
# 6-7 pt; at 1000 px the large ticks crowd the plot); drawn at CHART_SCALE for print
CHART_PX = (1200, 600)
CHART_SCALE = 1.5
CHART_SIZE = (235 * mm, 235 * mm * CHART_PX[1] / CHART_PX[0])


@dataclass
class ThemePage:
    """One headline measure's page: its SPC chart and icons, its finding, its early warning and its definition."""

    measure: str
    title: str
    finding: str
    definition: str
    chart: bytes | Drawing  # kaleido's PNG, or reportlab's simpler drawing when there is no Chromium
    signal: str = ""  # the SPC summary: 'Concern since Jan 2017 (15 months): ...'
    note: str = ""  # months SPC left out, and why
    england: str = ""  # England's latest published average, in words
    variation: str | None = None
    assurance: str | None = None
    warning: str = ""  # 'Social worker changes: concern since Jan 2017, 15 months'
    benchmark: str = ""  # the published year's figure, neighbours, region, England and band, in words
    note_what: str = ""  # the month's commentary (lens/commentary.py), plain text
    note_action: str = ""
    note_owner: str = ""
    note_due: str = ""
    note_author: str = ""


@dataclass
class BoardPack:
    """Everything the PDF shows, worked out from the registry before any layout."""

    la_code: str
    la_name: str
    month: dt.date
    tiles: pd.DataFrame
    pages: list[ThemePage]
    images_note: str | None = None  # why the charts were drawn without Chromium (ImagesUnavailable), if they were
    grid: pd.DataFrame | None = None  # performance on a page (lens/heatmap.py), board mode
    extracted: dt.datetime | None = None  # when the authority's data were last loaded
    data_to: dt.date | None = None  # the last month any of its files covers


def month_end(month: str | dt.date) -> dt.date:
    """The month end of 'YYYY-MM' or of a date."""
    ts = pd.Timestamp(f"{month}-01" if isinstance(month, str) and len(month) == 7 else month)
    return (ts + pd.offsets.MonthEnd(0)).date()


def build(con: duckdb.DuckDBPyConnection, la_code: str, month: str | dt.date, months: int = 24,
          companion: str | Path | None = None) -> BoardPack:
    """Collect the pack's content for an authority and month (aggregate figures only, suppression applied).

    Each measure's chart is its SPC chart, as board mode draws it (months with a count under 5 left out), with the
    rebases recorded in `companion` (default: the companion_db setting, beside the warehouse).
    """
    end = month_end(month)
    start = (pd.Timestamp(end) - pd.DateOffset(months=months - 1)).date()
    auth = queries.run("filter_authorities", con)
    match = auth[auth["la_code"] == la_code]
    if match.empty:
        raise ValueError(f"authority {la_code} is not in the warehouse")
    la_name = str(match["la_name"].iloc[0])
    params = {"la_codes": [la_code], "from_month": start, "to_month": end}

    # every figure as board mode shows it (lens/disclosure.py): the Overview read 12 months further back, so a change
    # from a hidden month is hidden too
    history = {**params, "from_month": (pd.Timestamp(start) - pd.DateOffset(months=12)).date()}
    every_team = disclosure.protect_overview(queries.run("overview", con, **history))
    every_team = every_team[pd.to_datetime(every_team["month_end"]) >= pd.Timestamp(start).to_period("M").to_timestamp()]
    grid = performance_grid(every_team, end, "rag", board=True)
    ov = every_team[(every_team["team"] == ALL_TEAMS) & (pd.to_datetime(every_team["month_end"]) == pd.Timestamp(end))
                    ].copy()
    companion = companion or config.companion_db()
    notes = commentary.read(companion, la_code, end)
    context = _published(con, la_code)
    log = queries.run("dq_load_log", con, la_codes=[la_code])
    extracted = pd.Timestamp(log["loaded_at"].max()).to_pydatetime() if len(log) else None
    ov["small"] = ov["suppressed"]

    england = queries.england_averages()
    note = unavailable_reason()  # no browser: every chart is drawn by reportlab, with no wait
    headline = queries.headline_measures()
    rebases = early_warning.rebase_months(companion, la_code, None, [m.name for m in headline])
    pages = []
    for m in headline:
        df = disclosure.protect(m.name, queries.run(m.name, con, **params))
        raw = rows = df[df["team"] == ALL_TEAMS].sort_values("month_end")  # as board mode shows it
        unit = m.fields.get("unit", "")
        last = rows[pd.to_datetime(rows["month_end"]) == pd.Timestamp(end)]
        suppressed = disclosure.reason_words(last["hidden_why"].iloc[0]) if "suppressed" in last and len(last) \
            and bool(last["suppressed"].iloc[0]) else ""
        target = ov.loc[ov["measure"] == m.name, "target"]
        target_value = None if target.empty or pd.isna(target.iloc[0]) else float(target.iloc[0])
        sentence = _finding_with_status(m, unit, raw, end, suppressed, target_value)
        eng = england[england["measure"] == m.name][["period_end", "value"]]
        footer = charts.footer_text(m.title, (start, end), la_name, end)
        spc = early_warning.measure_signal(m.name, m.title, unit, raw, m.fields["polarity"], target_value,
                                           rebases.get(m.name, []), board=True)
        partial = rows[rows["status"].eq("partial")] if "status" in rows else rows.iloc[:0]
        chart: bytes | Drawing | None = None
        if note is None:
            fig = spc_figure(spc.result, "", unit, board=True)
            charts.mark_data_gaps(fig, rows, board=True)
            try:
                chart = figure_bytes(fig, "png", footer, width=CHART_PX[0], height=CHART_PX[1],
                                     scale=CHART_SCALE)
            except ImagesUnavailable as exc:  # the browser stopped answering: draw this chart and the rest without it
                note = str(exc)
        if chart is None:
            hidden = rows[rows["suppressed"]] if "suppressed" in rows else None
            chart = spc_drawing(spc.result, unit, footer, *CHART_SIZE, partial=partial, hidden=hidden)
        short = " · ".join(f"{k.capitalize()}: {m.fields[k]}" for k in ("question", "numerator", "denominator", "rule")
                           if m.fields.get(k))
        latest_eng = (f"England average (latest published, {month_long(eng['period_end'].iloc[-1])}): "
                      f"{fmt_value(eng['value'].iloc[-1], unit)}." if len(eng) else "")
        written = notes.get(m.name)
        pages.append(ThemePage(m.name, m.title, sentence, short, chart, spc.sentence, spc.note, latest_eng,
                               spc.result.variation, spc.result.assurance, spc.headline,
                               benchmark=_benchmark_words(context, m, end),
                               note_what=written.what if written else "", note_action=written.action if written else "",
                               note_owner=written.owner if written else "", note_due=written.due if written else "",
                               note_author=written.author if written else ""))
    signals = {p.measure: p for p in pages}
    ov["variation"] = ov["measure"].map(lambda n: signals[n].variation if n in signals else None)
    ov["assurance"] = ov["measure"].map(lambda n: signals[n].assurance if n in signals else None)
    ov["signal"] = ov["measure"].map(lambda n: signals[n].signal if n in signals else "")
    return BoardPack(la_code, la_name, end, ov, pages, note, grid, extracted, queries.data_end(con, [la_code]))


def _published(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The authority's published benchmarks (empty when none are loaded, or the warehouse predates them)."""
    try:
        return queries.run("benchmark_context", con, la_codes=[la_code])
    except duckdb.CatalogException:
        return pd.DataFrame(columns=["measure", "period_end"])


def _benchmark_words(context: pd.DataFrame, m: queries.Measure, end: dt.date) -> str:
    """'Published 30 Sep 2017: 31.9%; statistical neighbours 23.5%; South East 14.8%; England 15.8%; band D
    (136th of 151 authorities; A is the best quarter).' for the published year the month falls in."""
    ctx = context[context["measure"] == m.name].sort_values("period_end")
    if ctx.empty:
        return ""
    ctx = with_bands(ctx, {m.name: m.higher_is_better})
    upto = ctx[pd.to_datetime(ctx["period_end"]) <= pd.Timestamp(end)]
    r = (upto if len(upto) else ctx).iloc[-1]
    unit = m.fields.get("unit", "")
    band = (f"; quartile band {r['band']} ({int(r['rank'])} of {int(r['n_authorities'])} authorities, 1 the best; "
            "A is the best quarter)") if r["band"] in BANDS else ""
    return (f"Published {labels.date_text(r['period_end'])}: {fmt_value(r['value'], unit)}; statistical "
            f"neighbours ({config.neighbour_average()}) {fmt_value(r['neighbours_' + config.neighbour_average()], unit)}; "
            f"region {fmt_value(r['region_value'], unit)}; "
            f"England {fmt_value(r['england_value'], unit)}{band}.")


def _finding_with_status(m: queries.Measure, unit: str, raw: pd.DataFrame, end: dt.date, suppressed: str,
                         target: float | None = None) -> str:
    """The page's finding from the months with full data, saying so when the pack's month has none or only partial."""
    ok = raw[raw["status"].eq("ok")] if "status" in raw else raw
    latest = raw[pd.to_datetime(raw["month_end"]) == pd.Timestamp(end)]
    status = str(latest["status"].iloc[0]) if len(latest) and "status" in latest else "ok"
    note = str(latest["status_note"].iloc[0]) if status != "ok" else ""
    if status == "no data":
        return f"{m.title}: {note} for {month_long(end)}"
    sentence = finding(m.title, unit, ok["value"], ok["month_end"], m.higher_is_better, suppressed, target)
    return f"{sentence} ({note})" if status == "partial" else sentence


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "cover": ParagraphStyle("cover", parent=base["Title"], fontSize=34, leading=40, alignment=0),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=22, leading=27),
        "finding": ParagraphStyle("finding", parent=base["Normal"], fontSize=16, leading=20, spaceAfter=6),
        "body": ParagraphStyle("body", parent=base["Normal"], fontSize=11, leading=14),
        "small": ParagraphStyle("small", parent=base["Normal"], fontSize=8.5, leading=10.5,
                                textColor=colors.HexColor("#444444")),
    }


RAG_TEXT = {"green": "On target", "amber": "Near target", "red": "Off target", "grey": "No target"}
STATUS_TEXT = {"no data": "No data", "partial": "Partial data"}


ICON_SIZE = 30  # points: an icon in the Overview table


def _tiles_table(tiles: pd.DataFrame, s: dict[str, ParagraphStyle]) -> Table:
    head = ["Measure", "Latest", "Target", "Status", "Variation", "Assurance", "On last\nmonth", "On last\nyear"]
    body = []
    styles = [("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 12),
              ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#BBBBBB")),
              ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    order = {"red": 0, "amber": 1, "green": 2, "grey": 3}
    concern = tiles.loc[tiles["variation"].isin(early_warning.CONCERN), "measure"] if "variation" in tiles else []
    ordered = early_warning.concern_first(tiles.assign(_o=tiles["rag"].map(order)), concern, ["_o", "measure"])
    for i, t in enumerate(ordered.itertuples(), start=1):
        small = bool(t.small)
        missing = t.status == "no data"
        body.append([Paragraph(escape(t.title), s["body"]),
                     "No data" if missing else disclosure.shown_value(t.value, t.hidden_why if small else None,
                                                                      t.unit),
                     fmt_value(t.target, t.unit) if pd.notna(t.target) else "—",
                     STATUS_TEXT.get(t.status, RAG_TEXT[t.rag]),
                     _icon(getattr(t, "variation", None), "variation"),
                     _icon(getattr(t, "assurance", None), "assurance"),
                     "" if small else _change(t.change_last_month, t.direction_last_month, t.unit),
                     "" if small else _change(t.change_last_year, t.direction_last_year, t.unit)])
        for col, direction, change in ((6, t.direction_last_month, t.change_last_month),
                                       (7, t.direction_last_year, t.change_last_year)):
            if not small and "\n" in _change(change, direction, t.unit):  # coloured where it says better or worse
                styles.append(("TEXTCOLOR", (col, i), (col, i), colors.HexColor(CHANGE_COLOURS[direction])))
        styles.append(("BACKGROUND", (3, i), (3, i), colors.HexColor(charts.RAG_COLOURS[t.rag])))
        styles.append(("TEXTCOLOR", (3, i), (3, i), colors.white if t.rag in ("red", "green") else colors.black))
    table = Table([head, *body], colWidths=[80 * mm, 24 * mm, 24 * mm, 30 * mm, 25 * mm, 25 * mm, 27 * mm, 27 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle(styles))
    return table


CHANGE_COLOURS = {"better": charts.GREEN, "worse": charts.VERMILION}  # the word says it too, for print in grey


def _change(change: object, direction: object, unit: str) -> str:
    """A change with whether it is better or worse for the measure ('+2.0 pts' over 'worse'), so a rise on a lower
    is better measure does not read as good news."""
    text = fmt_change(change, unit)
    moved = any(d in "123456789" for d in text)  # '+0.0 pts' is level, whatever the unrounded change
    return f"{text}\n{direction}" if direction in CHANGE_COLOURS and moved else text


def _icon(icon: str | None, kind: str) -> Drawing | str:
    """A table cell's icon, or a dash when the measure has no limits (too few months) or no target."""
    return icon_drawing(icon, kind, ICON_SIZE) if isinstance(icon, str) else "—"


def render(pack: BoardPack) -> bytes:
    """Lay the pack out as an A4 landscape PDF: cover and contents, Overview, performance on a page, then a page per
    measure (each section one page, shrunk to fit, so the contents' page numbers hold)."""
    s = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm,
                            bottomMargin=14 * mm, title=f"Practice Lens board pack: {pack.la_name}, "
                            f"{month_long(pack.month)}", author="Practice Lens")
    when = month_long(pack.month)
    first_measure = 4  # cover 1, Overview 2, performance on a page 3
    total = first_measure - 1 + len(pack.pages)

    def footer(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(15 * mm, 8 * mm, f"{pack.la_name} ({pack.la_code}) · {when} · Source: Practice Lens · "
                          "No child-level data; numbers under 5 shown as <5")
        canvas.drawRightString(PAGE[0] - 15 * mm, 8 * mm, f"Page {canvas.getPageNumber()} of {total}")
        canvas.restoreState()

    worse = int((pack.tiles["direction_last_month"] == "worse").sum())
    off = int((pack.tiles["rag"] == "red").sum())
    concerns = [p for p in pack.pages if p.variation in early_warning.CONCERN]
    missing = int((pack.tiles["status"] == "no data").sum())
    frame = (PAGE[0] - 30 * mm, PAGE[1] - 30 * mm)
    extract = (f"Data extract loaded {pack.extracted:%d %B %Y}" if pack.extracted else "Data extract: not recorded") \
        + (f"; the data run to {month_long(pack.data_to)}." if pack.data_to else ".")
    contents = [["Overview", "2"], ["Performance on a page: every measure for every team", "3"]] + [
        [p.title, str(first_measure + i)] for i, p in enumerate(pack.pages)]
    cover = [
        Spacer(1, 14 * mm),
        Paragraph("Practice Lens board pack", s["cover"]),
        Paragraph(escape(f"{pack.la_name} ({pack.la_code})"), s["h1"]),
        Paragraph(f"Children looked after: practice measures to {when}", s["finding"]),
        Paragraph(f"{len(pack.tiles)} headline measures: {len(concerns)} "
                  f"{'shows' if len(concerns) == 1 else 'show'} a special cause of concern; {off} off target; "
                  f"{worse} got worse since last month"
                  + (f"; {missing} with no data (a source file not supplied)." if missing else "."),
                  s["finding"]),
        Spacer(1, 4 * mm),
        Paragraph("<b>Contents</b>", s["body"]),
        _contents_table(contents, s),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"{extract} Produced {dt.date.today():%d %B %Y}. Figures are for the whole authority; counts "
                         "under 5 are suppressed. Definitions, published benchmarks and the month's commentary are "
                         "on each measure's page."), s["small"]),
    ]
    overview = [
        Paragraph(f"Overview, {when}", s["h1"]),
        Paragraph("Each headline measure against its target, with its early warning icons (variation: is this "
                  "month unusual? assurance: will the target be met?); special causes of concern first, then "
                  "off-target measures.", s["body"]),
        Spacer(1, 5 * mm),
        _tiles_table(pack.tiles, s),
        Spacer(1, 4 * mm),
        *[Paragraph(escape(f"Special cause of concern: {p.warning}"), s["body"]) for p in concerns],
    ]
    grid = [Paragraph(f"Performance on a page, {when}", s["h1"]),
            Paragraph(escape("Every headline measure for every team ('All teams' is the authority), coloured against "
                             "its target: green on target, amber near it, red off it, grey no target, no data or "
                             f"hidden. Grey {hidden_cell_words()}"), s["body"]),
            Spacer(1, 4 * mm),
            _grid_table(pack.grid, s) if pack.grid is not None and len(pack.grid) else
            Paragraph("No measures for this month.", s["body"])]
    story = [KeepInFrame(frame[0], frame[1], cover, mode="shrink"), PageBreak(),
             KeepInFrame(frame[0], frame[1], overview, mode="shrink"), PageBreak(),
             KeepInFrame(frame[0], frame[1], grid, mode="shrink")]
    for p in pack.pages:
        page = [Paragraph(escape(p.title), s["h1"]), Paragraph(escape(p.finding), s["finding"]),
                Paragraph("<b>Early warning.</b> " + escape(p.signal), s["body"]),
                Image(io.BytesIO(p.chart), *CHART_SIZE) if isinstance(p.chart, bytes) else p.chart,
                *[Paragraph(escape(text), s["small"]) for text in (p.note, p.benchmark or p.england) if text],
                _commentary_block(p, when, s),
                Paragraph("<b>Definition.</b> " + escape(p.definition), s["small"])]
        story += [PageBreak(), KeepInFrame(frame[0], frame[1], page, mode="shrink")]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _contents_table(rows: list[list[str]], s: dict[str, ParagraphStyle]) -> Table:
    table = Table([[Paragraph(escape(title), s["body"]), page] for title, page in rows],
                  colWidths=[150 * mm, 15 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"), ("FONTSIZE", (0, 0), (-1, -1), 11),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _grid_table(grid: pd.DataFrame, s: dict[str, ParagraphStyle]) -> Table:
    """Performance on a page as a table: measures down, teams across, each cell coloured by its RAG."""
    teams = list(dict.fromkeys(grid["team"]))
    measures = list(dict.fromkeys(grid["title"]))
    cell = grid.set_index(["title", "team"])
    head = [Paragraph("<b>Measure</b>", s["body"]), *[Paragraph(f"<b>{escape(t)}</b>", s["body"]) for t in teams]]
    body, styles = [], [("GRID", (0, 0), (-1, -1), 0.5, colors.white), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("ALIGN", (1, 1), (-1, -1), "CENTER"), ("FONTSIZE", (1, 1), (-1, -1), 12),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4"))]
    for i, title in enumerate(measures, start=1):
        row = [Paragraph(escape(title), s["body"])]
        for j, team in enumerate(teams, start=1):
            if (title, team) in cell.index:
                c = cell.loc[(title, team)]
                row.append(str(c["text"]))
                styles.append(("BACKGROUND", (j, i), (j, i), colors.HexColor(charts.RAG_COLOURS.get(c["key"],
                                                                                                   charts.GREY))))
                styles.append(("TEXTCOLOR", (j, i), (j, i),
                               colors.white if c["key"] in ("red", "green") else colors.black))
            else:
                row.append("")
        body.append(row)
    width = (PAGE[0] - 30 * mm - 80 * mm) / max(len(teams), 1)
    table = Table([head, *body], colWidths=[80 * mm, *[width] * len(teams)], repeatRows=1)
    table.setStyle(TableStyle(styles))
    return table


def _commentary_block(p: ThemePage, when: str, s: dict[str, ParagraphStyle]) -> Paragraph:
    """The month's commentary and actions, as written (escaped: never markup), or a line saying there is none."""
    if not p.note_what:
        return Paragraph(f"<b>Commentary.</b> No commentary was written for {escape(when)}.", s["body"])
    actions = "; ".join(f"{label}: {escape(text)}" for label, text in (
        ("What is being done", p.note_action), ("By whom", p.note_owner), ("By when", p.note_due)) if text)
    return Paragraph(f"<b>Commentary.</b> {escape(p.note_what)}" + (f"<br/><b>Actions.</b> {actions}" if actions else "")
                     + f"<br/><i>Written by {escape(p.note_author)}.</i>", s["body"])


def board_pack_pdf(con: duckdb.DuckDBPyConnection, la_code: str, month: str | dt.date) -> bytes:
    """The board pack PDF bytes for an authority and month."""
    return render(build(con, la_code, month))

