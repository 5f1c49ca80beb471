"""The board pack's trend charts drawn with reportlab's own graphics, so the pack keeps its charts without Chromium."""

from __future__ import annotations

import pandas as pd
from reportlab.graphics.charts.legends import LineLegend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from lens import charts
from lens.formatting import fmt_value

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
