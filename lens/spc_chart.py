"""SPC chart and Making Data Count style icons in the house palette, so Early warning reads like the NHS charts.

The icons are drawn here (simple SVG: a ring, a letter, seven dots) in the spirit of Making Data Count's; none of
NHSRplotthedots' icon files is used.
"""

from __future__ import annotations

import base64

import pandas as pd
import plotly.graph_objects as go

from lens.charts import (
    BLACK,
    BLUE,
    GREY,
    ORANGE,
    PURPLE,
    VERMILION,
    drawn_limit,
    fit_y_axis,
    months,
    style,
    title_extra,
)
from lens.formatting import fmt_value, month_label
from lens.spc import SpcResult

# Making Data Count: grey for common cause, blue for improvement, orange for concern, purple for neutral change.
POINT_COLOURS = {"common cause": GREY, "improvement": BLUE, "concern": ORANGE, "neutral": PURPLE, None: GREY}
POINT_NAMES = {"common cause": "Common cause", "improvement": "Improvement", "concern": "Concern",
               "neutral": "Unusual change", None: "Value (no limits)"}
RULE_WORDS = {"outside_limits": "outside the process limits", "trend": "part of a run rising or falling",
              "two_of_three": "2 of 3 points close to a process limit", "shift": "part of a run on one side of the average"}
VARIATION_LABELS = {
    "common_cause": "Common cause", "improvement_high": "Improving (high)", "improvement_low": "Improving (low)",
    "concern_high": "Concern (high)", "concern_low": "Concern (low)", "neutral_high": "Unusual (high)",
    "neutral_low": "Unusual (low)",
}
ASSURANCE_LABELS = {"pass": "Meets target", "fail": "Misses target", "inconsistent": "Hit and miss"}
RUN_CHART_TEXT = "Run chart: too few points for limits"
ICON_MARGIN = 130  # px above the plot: the title on the left, the icons on the right


def _svg(colour: str, letter: str, body: str, label: str) -> str:
    """A ringed icon with a letter, a drawing and a caption; <title> carries the label for screen readers."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 118" width="100" height="118" role="img" '
        f'aria-label="{label}"><title>{label}</title>'
        f'<circle cx="50" cy="48" r="42" fill="white" stroke="{colour}" stroke-width="7"/>'
        f'<text x="50" y="44" text-anchor="middle" font-family="Arial, sans-serif" font-weight="bold" '
        f'font-size="28" fill="{colour}">{letter}</text>{body}'
        f'<text x="50" y="114" text-anchor="middle" font-family="Arial, sans-serif" font-size="11" '
        f'fill="#222222">{label}</text></svg>'
    )


def variation_icon_svg(icon: str) -> str:
    """The variation icon (a name from lens.spc.VARIATION_ICONS) as an SVG string."""
    if icon not in VARIATION_LABELS:
        raise ValueError(f"unknown variation icon {icon!r}")
    kind, _, side = icon.rpartition("_") if icon != "common_cause" else ("common cause", "", "")
    colour = POINT_COLOURS[kind]
    heights = [64, 60, 64, 60, 64, 60, 64]
    if side == "high":
        heights[-2:] = [54, 50]
    elif side == "low":
        heights[-2:] = [70, 74]
    dots = "".join(
        f'<circle cx="{23 + 9 * i}" cy="{h}" r="3.6" fill="{colour if side and i >= 5 else GREY}"/>'
        for i, h in enumerate(heights))
    line = " ".join(f"{23 + 9 * i},{h}" for i, h in enumerate(heights))
    body = f'<polyline points="{line}" fill="none" stroke="{GREY}" stroke-width="1.5"/>{dots}'
    return _svg(colour, {"high": "H", "low": "L", "": ""}[side], body, VARIATION_LABELS[icon])


def assurance_icon_svg(icon: str) -> str:
    """The assurance icon ('pass', 'fail' or 'inconsistent') as an SVG string."""
    if icon not in ASSURANCE_LABELS:
        raise ValueError(f"unknown assurance icon {icon!r}")
    colour = {"pass": BLUE, "fail": ORANGE, "inconsistent": GREY}[icon]
    body = f'<line x1="20" y1="64" x2="80" y2="64" stroke="{BLACK}" stroke-width="2" stroke-dasharray="5,4"/>'
    return _svg(colour, {"pass": "P", "fail": "F", "inconsistent": "?"}[icon], body, ASSURANCE_LABELS[icon])


def svg_data_uri(svg: str) -> str:
    """An SVG string as a data URI for st.image, HTML or a Plotly layout image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _segment_line(df: pd.DataFrame, column: str) -> tuple[list, list]:
    """x and y for a line drawn per segment with limits and broken between segments (NHSRplotthedots' default)."""
    xs, ys = [], []
    for _, part in df[df["has_limits"]].groupby("segment", sort=True):
        xs += months(part["month"]).tolist() + [None]
        ys += part[column].tolist() + [None]
    return xs[:-1], ys[:-1]


def spc_figure(result: SpcResult, title: str, unit: str, board: bool = False, icons: bool = True) -> go.Figure:
    """The XmR chart: coloured points, average, dashed process limits, target, gaps and the two icons."""
    df = result.points
    x = months(df["month"]).tolist()  # lists, not arrays, so the figure's JSON reads plainly
    values = [None if pd.isna(v) else v for v in df["value"]]
    suffix = "%" if unit == "%" else f" {unit}" if unit else ""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=values, mode="lines", name="Value", connectgaps=False, showlegend=False,
                             line={"color": GREY, "width": 3 if board else 2}, hoverinfo="skip"))
    observed = df[df["value"].notna()]
    for kind in ("common cause", "improvement", "concern", "neutral", None):
        part = observed[observed["point_type"].isna()] if kind is None else observed[observed["point_type"] == kind]
        if part.empty:
            continue
        why = [RULE_WORDS.get(r, "") if isinstance(r, str) else "" for r in part["rule"]]
        fig.add_trace(go.Scatter(
            x=months(part["month"]).tolist(), y=part["value"].tolist(), mode="markers", name=POINT_NAMES[kind], customdata=why,
            marker={"color": POINT_COLOURS[kind], "size": 11 if board else 8, "line": {"color": "white", "width": 1}},
            hovertemplate=f"%{{y:.1f}}{suffix}<br>{POINT_NAMES[kind]} %{{customdata}}<extra></extra>",
        ))
    if df["has_limits"].any():
        provisional = " (provisional)" if df.loc[df["has_limits"], "provisional"].any() else ""
        for column, name, dash, colour in (("mean", "Average", "solid", BLACK),
                                           ("upl", "Upper process limit" + provisional, "dash", GREY),
                                           ("lpl", "Lower process limit" + provisional, "dash", GREY)):
            lx, ly = _segment_line(df, column)
            ly = [drawn_limit(v, unit) for v in ly]
            fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", name=name, connectgaps=False,
                                     line={"color": colour, "dash": dash, "width": 2 if board else 1.5},
                                     hovertemplate=f"{name}: %{{y:.1f}}{suffix}<extra></extra>"))
    if result.target is not None and len(df):
        fig.add_trace(go.Scatter(
            x=[x[0], x[-1]], y=[result.target] * 2, mode="lines",
            name=f"Target ({fmt_value(result.target, unit)})", hoverinfo="skip",
            line={"color": VERMILION, "dash": "dot", "width": 2},
        ))
    _annotate(fig, df)
    style(fig, title, unit, board)
    # the key under the plot, so the top right is free for the icons; a little taller to make room for it
    fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.2, "yanchor": "top"},
                      margin={"t": (ICON_MARGIN if icons else 60 if title else 30)
                              + title_extra(fig.layout.title.text, board), "b": 150 if board else 120},
                      height=(640 if board else 520) + title_extra(fig.layout.title.text, board))
    fig.update_xaxes(tickformat="%b %Y", title_text="", hoverformat="%b %Y")
    # the axis fits the points, the average, the limits and the target (as the trend charts do), so a measure
    # moving between 90% and 99% is not squashed into the top of a 0-100 axis; it says where it starts
    fit_y_axis(fig, unit)
    if icons:
        _add_icons(fig, result)
    return fig


def _annotate(fig: go.Figure, df: pd.DataFrame) -> None:
    """Run-chart and provisional labels, and a marker where limits were recalculated."""
    if df.empty:
        return
    if not df["has_limits"].any():
        fig.add_annotation(text=RUN_CHART_TEXT, xref="paper", yref="paper", x=0.5, y=0.98, showarrow=False,
                           font={"color": BLACK}, bgcolor="rgba(255,255,255,0.85)")
    for seg, part in df.groupby("segment", sort=True):
        start = months(part["month"]).iloc[0]
        if seg > 0:
            fig.add_shape(type="line", x0=start, x1=start, xref="x", y0=0, y1=1, yref="paper",
                          line={"color": GREY, "dash": "dot", "width": 1.5})
            fig.add_annotation(text=f"Limits recalculated from {month_label(start)}", x=start, xref="x", y=1.0,
                               yref="paper", showarrow=False, xanchor="left", yanchor="top", font={"size": 11})
        if df["has_limits"].any() and not part["has_limits"].any():
            fig.add_annotation(text=RUN_CHART_TEXT, x=start, xref="x", y=0.92, yref="paper", showarrow=False,
                               xanchor="left", font={"color": BLACK})
        elif part["provisional"].any():
            end = part[part["has_limits"]].iloc[-1]
            fig.add_annotation(text="provisional limits", x=months(pd.Series([end["month"]])).iloc[0],
                               y=end["upl"], xanchor="right", yanchor="bottom", showarrow=False,
                               font={"color": GREY, "size": 12})


def _add_icons(fig: go.Figure, result: SpcResult) -> None:
    """Variation and assurance icons in the top right corner, above the plot."""
    placed = [variation_icon_svg(result.variation)] if result.variation else []
    if result.assurance:
        placed.append(assurance_icon_svg(result.assurance))
    # Plotly sizes (and centres) a layout image in a box given as fractions of the plot; the box is the icon's shape
    # in a 1600 x 900 export (plot about 1490 x 590 px): 85 x 100 px, inside the ICON_MARGIN above the plot.
    for i, svg in enumerate(reversed(placed)):
        fig.add_layout_image(source=svg_data_uri(svg), xref="paper", yref="paper", x=1.0 - 0.065 * i, y=1.02,
                             xanchor="right", yanchor="bottom", sizex=0.057, sizey=0.17, sizing="contain",
                             layer="above")
