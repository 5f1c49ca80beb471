"""The board pack's charts (trend and SPC) in reportlab's own graphics, so the pack keeps its charts without Chromium."""

from __future__ import annotations

import pandas as pd
from reportlab.graphics.charts.legends import LineLegend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from lens import charts, disclosure
from lens.formatting import fmt_value, month_label
from lens.spc import SpcResult
from lens.spc_chart import ASSURANCE_LABELS, POINT_COLOURS, POINT_NAMES, RUN_CHART_TEXT, VARIATION_LABELS

FONT, FONT_SIZE = "Helvetica", 9
GREY = colors.HexColor("#555555")


def _month_index(values: pd.Series, first: pd.Timestamp) -> list[int]:
    """Months since `first` (0, 1, ...): the x of each point."""
    starts = charts.months(values)
    return [(t.year - first.year) * 12 + t.month - first.month for t in starts]


def _runs(xs: list[int], ys: list[float]) -> list[list[tuple[int, float]]]:
    """The points split where a value is missing (suppressed), so the line has a gap there, as on screen."""
    runs: list[list[tuple[int, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if pd.isna(y):
            runs.append([])
        else:
            runs[-1].append((x, float(y)))
    return [r for r in runs if r]


def trend_drawing(rows: pd.DataFrame, unit: str, target: float | None, england: pd.DataFrame, footer: str,
                  width: float, height: float) -> Drawing:
    """charts.trend's content (this authority, its target, England's average) as a reportlab Drawing, same colours."""
    data = rows.sort_values("month_end")
    drawing = Drawing(width, height)
    if data.empty or data["value"].isna().all():
        notes = data.loc[data["status"].eq("no data"), "status_note"] if "status" in data else []
        text = "No data for this period" + (f": {notes.iloc[-1]}." if len(notes) else ".")
        drawing.add(String(0, height / 2, text, fontName=FONT, fontSize=12))
        return drawing
    first = charts.months(data["month_end"]).iloc[0]
    xs = _month_index(data["month_end"], first)
    n_months = xs[-1] + 1
    series: list[list[tuple[int, float]]] = []
    styles: list[dict] = []
    legend: list[tuple[colors.Color, str]] = []

    def add(points: list[tuple[int, float]], colour: str, **style: object) -> None:
        series.append(points)
        styles.append({"strokeColor": colors.HexColor(colour), **style})

    for run in _runs(xs, data["value"].tolist()):
        add(run, charts.BLUE, strokeWidth=2.5, symbol=makeMarker("FilledCircle", size=4))
    legend.append((colors.HexColor(charts.BLUE), "This authority"))
    if target is not None and not pd.isna(target):
        add([(0, float(target)), (xs[-1], float(target))], charts.BLACK, strokeWidth=1.5, strokeDashArray=[6, 4])
        legend.append((colors.HexColor(charts.BLACK), f"Target ({fmt_value(target, unit)})"))
    if england is not None and len(england):
        eng = england.sort_values("period_end")
        eng_x = _month_index(eng["period_end"], first)
        inside = [(x, float(v)) for x, v in zip(eng_x, eng["value"], strict=True) if 0 <= x <= xs[-1]]
        if inside:
            for point in inside:  # one point per series: a marker, no joining line
                add([point], charts.ORANGE, symbol=makeMarker("FilledDiamond", size=8))
            legend.append((colors.HexColor(charts.ORANGE), "England average"))
        else:
            latest = eng.iloc[-1]
            add([(0, float(latest["value"])), (xs[-1], float(latest["value"]))], charts.ORANGE, strokeWidth=1.5,
                strokeDashArray=[2, 3])
            legend.append((colors.HexColor(charts.ORANGE),
                           f"England average {pd.Timestamp(latest['period_end']).year} (latest published)"))

    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 45, 48, width - 60, height - 95
    plot.data = series
    for i, style in enumerate(styles):
        for key, value in style.items():
            setattr(plot.lines[i], key, value)
    step = charts.month_step(n_months)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, xs[-1] + 0.5
    plot.xValueAxis.valueSteps = list(range(0, n_months, step))
    plot.xValueAxis.labelTextFormat = lambda i: f"{first + pd.DateOffset(months=int(round(i))):%b %Y}"
    plot.yValueAxis.valueMin = 0
    if unit == "%":
        plot.yValueAxis.valueMax, plot.yValueAxis.valueSteps = 105, [0, 20, 40, 60, 80, 100]  # as on screen
        plot.yValueAxis.labelTextFormat = "%d%%"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#E5E5E5")
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, FONT_SIZE
    drawing.add(plot)

    key = LineLegend()
    key.x, key.y, key.alignment = plot.x, height - 10, "right"
    key.colorNamePairs = legend
    key.fontName, key.fontSize, key.columnMaximum, key.dx, key.deltax = FONT, FONT_SIZE, 1, 18, 200
    drawing.add(key)
    drawing.add(String(plot.x - 40, height - 30, charts.axis_title(unit), fontName=FONT, fontSize=FONT_SIZE,
                       fillColor=GREY))
    drawing.add(String(0, 4, footer, fontName=FONT, fontSize=FONT_SIZE - 1, fillColor=GREY))
    return drawing


def _segment_runs(xs: list[int], df: pd.DataFrame, column: str) -> list[list[tuple[int, float]]]:
    """A limit or the average as one line per segment with limits (broken between segments, as on screen)."""
    runs = []
    for _, part in df[df["has_limits"]].groupby("segment", sort=True):
        runs.append([(xs[i], float(part.at[i, column])) for i in part.index])
    return runs


def spc_drawing(result: SpcResult, unit: str, footer: str, width: float, height: float,
                partial: pd.DataFrame | None = None, hidden: pd.DataFrame | None = None) -> Drawing:
    """spc_chart.spc_figure's content as a reportlab Drawing: points coloured by type, the average, the process
    limits as dashed lines, the target, a dotted line where limits were recalculated, the two icons, and '<5' at the
    foot of each month board mode hides (`hidden`: rows with month_end and hidden_why), as on screen."""
    df = result.points.reset_index(drop=True)
    drawing = Drawing(width, height)
    if df.empty or df["value"].isna().all():
        text = (charts.ALL_HIDDEN_TEXT.replace("<br>", " ") if hidden is not None and len(hidden)
                else "No data for this period.")
        drawing.add(String(0, height / 2, text, fontName=FONT, fontSize=12))
        return drawing
    first = charts.months(df["month"]).iloc[0]
    xs = _month_index(df["month"], first)
    series: list[list[tuple[int, float]]] = []
    styles: list[dict] = []
    legend: list[tuple[colors.Color, str]] = []

    def add(points: list[tuple[int, float]], colour: str, **style: object) -> None:
        series.append(points)
        styles.append({"strokeColor": colors.HexColor(colour), **style})

    for run in _runs(xs, df["value"].tolist()):
        add(run, charts.GREY, strokeWidth=1.5)
    provisional = " (provisional)" if df.loc[df["has_limits"], "provisional"].any() else ""
    if df["has_limits"].any():
        for run in _segment_runs(xs, df, "mean"):
            add(run, charts.BLACK, strokeWidth=1.5)
        legend.append((colors.HexColor(charts.BLACK), "Average"))
        for column in ("upl", "lpl"):
            for run in _segment_runs(xs, df, column):
                add([(x, charts.drawn_limit(y, unit)) for x, y in run], charts.GREY, strokeWidth=1.2,
                    strokeDashArray=[5, 3])
        legend.append((colors.HexColor(charts.GREY), "Process limits" + provisional))
    if result.target is not None:
        add([(0, result.target), (xs[-1], result.target)], charts.VERMILION, strokeWidth=1.5, strokeDashArray=[1.5, 2.5])
        legend.append((colors.HexColor(charts.VERMILION), f"Target ({fmt_value(result.target, unit)})"))
    observed = df[df["value"].notna()]
    for kind in ("common cause", "improvement", "concern", "neutral", None):
        part = observed[observed["point_type"].isna()] if kind is None else observed[observed["point_type"] == kind]
        if part.empty:
            continue
        colour = POINT_COLOURS[kind]
        add([(xs[i], float(v)) for i, v in part["value"].items()], colour, lineStyle="line",
            symbol=makeMarker("FilledCircle", size=5 if kind in (None, "common cause") else 6))
        legend.append((colors.HexColor(colour), POINT_NAMES[kind]))
    if partial is not None and len(partial):
        part = partial.dropna(subset=["value"])
        px = _month_index(part["month_end"], first)
        inside = [(x, float(v)) for x, v in zip(px, part["value"], strict=True) if 0 <= x <= xs[-1]]
        if inside:
            add(inside, charts.GREY, lineStyle="line", symbol=makeMarker(
                "Circle", size=6, fillColor=colors.white, strokeColor=colors.HexColor(charts.GREY), strokeWidth=1.2))
            legend.append((colors.HexColor(charts.GREY), "Partial month (left out)"))

    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 45, 48, width - 60 - 110, height - 95
    plot.data = series
    for i, style in enumerate(styles):
        for key, value in style.items():
            setattr(plot.lines[i], key, value)
    n_months = xs[-1] + 1
    step = charts.month_step(n_months)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, xs[-1] + 0.5
    plot.xValueAxis.valueSteps = list(range(0, n_months, step))
    plot.xValueAxis.labelTextFormat = lambda i: f"{first + pd.DateOffset(months=int(round(i))):%b %Y}"
    # the axis fits the points, average, limits and target as on screen (charts.y_range), and says where it starts
    lo, hi, from_zero = charts.y_range([y for run in series for _, y in run], unit)
    if unit == "%":
        plot.yValueAxis.labelTextFormat = "%d%%"
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = lo, hi
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#E5E5E5")
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, FONT_SIZE
    drawing.add(plot)
    if hidden is not None and len(hidden):  # months board mode hides: in place, at the foot of the plot, never a point
        for x, why in zip(_month_index(hidden["month_end"], first), hidden.get("hidden_why", [None] * len(hidden)),
                          strict=True):
            if 0 <= x <= xs[-1]:
                drawing.add(String(plot.x + (x + 0.5) / (xs[-1] + 1) * plot.width, plot.y + 3,
                                   disclosure.SUPPRESSED if why != disclosure.SECONDARY else disclosure.HIDDEN,
                                   fontName=FONT, fontSize=FONT_SIZE - 1, fillColor=GREY, textAnchor="middle"))
        legend.append((colors.HexColor(charts.GREY), f"<5: {disclosure.small_words()} (hidden)"))
    for _, part in df.groupby("segment", sort=True):  # where limits were recalculated
        seg = int(part["segment"].iat[0])
        if seg > 0:
            x = plot.x + (xs[part.index[0]] + 0.5) / (xs[-1] + 1) * plot.width
            drawing.add(Line(x, plot.y, x, plot.y + plot.height, strokeColor=colors.HexColor(charts.GREY),
                             strokeDashArray=[1.5, 2.5]))
            drawing.add(String(x + 3, plot.y + plot.height - 10,
                               f"Limits recalculated from {month_label(part['month'].iat[0])}", fontName=FONT,
                               fontSize=FONT_SIZE - 1))
    if not df["has_limits"].any():
        drawing.add(String(plot.x + plot.width / 2, plot.y + plot.height - 12, RUN_CHART_TEXT, fontName=FONT,
                           fontSize=FONT_SIZE + 1, textAnchor="middle"))

    key = LineLegend()
    key.x, key.y, key.alignment = plot.x, height - 10, "right"
    key.colorNamePairs = legend
    key.fontName, key.fontSize, key.columnMaximum, key.dx, key.deltax = FONT, FONT_SIZE, 2, 14, 135
    drawing.add(key)
    for i, (icon, kind) in enumerate(((result.variation, "variation"), (result.assurance, "assurance"))):
        if icon:
            mark = icon_group(icon, kind, 48)
            mark.translate(width - 104 + 52 * i, height - 130)
            drawing.add(mark)
    # where the axis starts goes with its title, clear of the '<5' marks at the foot of the plot
    start = "" if from_zero else f" · axis starts at {fmt_value(round(lo, 1), unit)}"
    drawing.add(String(plot.x - 40, height - 44, charts.axis_title(unit) + start, fontName=FONT, fontSize=FONT_SIZE,
                       fillColor=GREY))
    drawing.add(String(0, 4, footer, fontName=FONT, fontSize=FONT_SIZE - 1, fillColor=GREY))
    return drawing


def icon_group(icon: str, kind: str, size: float) -> Group:
    """A Making Data Count style icon (spc_chart's SVG, redrawn): a ring in its colour, its letter, its name below."""
    if kind == "variation":
        name = VARIATION_LABELS[icon]
        side = "" if icon == "common_cause" else icon.rpartition("_")[2]
        colour = POINT_COLOURS["common cause" if icon == "common_cause" else icon.rpartition("_")[0]]
        letter = {"high": "H", "low": "L", "": ""}[side]
    else:
        name = ASSURANCE_LABELS[icon]
        colour = {"pass": charts.BLUE, "fail": charts.ORANGE, "inconsistent": charts.GREY}[icon]
        letter = {"pass": "P", "fail": "F", "inconsistent": "?"}[icon]
    r = size * 0.42
    g = Group()
    g.add(Circle(size / 2, size * 0.62, r, strokeColor=colors.HexColor(colour), strokeWidth=size * 0.07,
                 fillColor=colors.white))
    g.add(String(size / 2, size * 0.56, letter, fontName="Helvetica-Bold", fontSize=size * 0.3,
                 fillColor=colors.HexColor(colour), textAnchor="middle"))
    g.add(String(size / 2, 0, name, fontName=FONT, fontSize=max(6.5, size * 0.14), fillColor=colors.HexColor("#222222"),
                 textAnchor="middle"))
    return g


def icon_drawing(icon: str, kind: str, size: float) -> Drawing:
    """An icon as a small Drawing, for a table cell."""
    drawing = Drawing(size * 1.6, size)
    mark = icon_group(icon, kind, size)
    mark.translate(size * 0.3, 0)
    drawing.add(mark)
    return drawing
