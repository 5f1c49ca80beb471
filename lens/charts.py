"""Plotly figures with one colour-blind-safe palette and one layout, for pages and exports alike."""

from __future__ import annotations

import datetime as dt
import numbers

import pandas as pd
import plotly.graph_objects as go

from lens import disclosure
from lens.formatting import chart_text, day_label, fmt_value, month_label

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, BLACK, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#8C8C8C")
PALETTE = [BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, BLACK]
RAG_COLOURS = {"green": GREEN, "amber": ORANGE, "red": VERMILION, "grey": GREY}
RAG_LABELS = {"green": "On target", "amber": "Near target", "red": "Off target", "grey": "No target"}
FONT = "Source Sans Pro, Arial, sans-serif"


def axis_title(unit: str) -> str:
    """Y-axis title carrying the unit."""
    return "Per cent (%)" if unit == "%" else unit[:1].upper() + unit[1:] if unit else ""


def wrap_title(title: str, width: int) -> str:
    """A long title broken over lines at word boundaries (<br>), so a chart never cuts it off at its right edge."""
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def title_extra(title: str, board: bool = False) -> int:
    """Pixels a wrapped title needs beyond its first line (the title's type is 18 px, 24 px in board mode)."""
    return round(1.35 * (24 if board else 18)) * (title or "").count("<br>")


def style(fig: go.Figure, title: str = "", unit: str = "", board: bool = False, height: int | None = None) -> go.Figure:
    """Apply the house layout: palette, fonts (bigger in board mode), month axis as 'Mar 2018', unit on the y axis."""
    size = 20 if board else 14
    # wrapped to fit a full-width chart on a 1280-pixel laptop screen beside the sidebar (about 820 pixels)
    title = wrap_title(title, 56 if board else 78)
    extra = title_extra(title, board)  # room for a wrapped title above the legend
    fig.update_layout(
        title={"text": title, "x": 0.01, "xref": "container", "xanchor": "left", "y": 0.98, "yref": "container",
               "yanchor": "top", "pad": {"t": 14}, "font": {"size": size + 4}},
        font={"family": FONT, "size": size, "color": "#222222"},
        colorway=PALETTE,
        plot_bgcolor="white",
        paper_bgcolor="white",
        margin={"l": 80, "r": 30, "t": (110 if title else 50) + extra, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"},
        hovermode="x unified",
        height=(height or (520 if board else 420)) + extra,
    )
    fig.update_xaxes(showgrid=False, linecolor="#444444", ticks="outside")
    fig.update_yaxes(gridcolor="#E5E5E5", zeroline=False, title_text=axis_title(unit), rangemode="tozero")
    if unit == "%":
        fig.update_yaxes(ticksuffix="%")
    return fig


def fit_legend(fig: go.Figure, board: bool = False, width: int = 820) -> go.Figure:
    """Room for a legend above the plot that wraps onto several rows, so it never runs into the title.

    The rows are estimated for a chart `width` pixels wide (a full-width chart on a 1280-pixel laptop screen) by
    packing the legend's entries as the browser does; each row past the first adds its height to the top margin.
    """
    legend = fig.layout.legend
    if fig.layout.showlegend is False or legend.orientation != "h" or legend.yanchor != "bottom":
        return fig
    size = (fig.layout.legend.font.size or fig.layout.font.size or (20 if board else 14))
    names = [t.name for t in fig.data if t.name and t.showlegend is not False]
    margin = fig.layout.margin
    usable = width - (margin.l or 80) - (margin.r or 30)
    items = [40 + 0.56 * size * len(str(name)) for name in names]
    if not items or sum(items) <= usable:
        rows = 1
    else:  # Plotly then gives every entry the widest entry's width, in a grid
        per_row = max(1, int(usable // max(items)))
        rows = -(-len(items) // per_row)
    if rows > 1:
        more = round(1.5 * size) * (rows - 1)
        fig.update_layout(margin={"t": (margin.t or 110) + more}, height=(fig.layout.height or 420) + more)
    return fig


def y_range(values: list[float], unit: str) -> tuple[float, float, bool]:
    """The y axis for these values (the series, its target and benchmarks): (low, high, from_zero).

    Scaled to the data with 12% padding (at least a point for a percentage), so a measure moving between 91% and
    99% is not a flat line; the axis starts at 0 when the data come within a third of it (small counts, rates near
    zero) or would dip below it; a percentage axis never goes above 100 + the padding.
    """
    vals = [float(v) for v in values if v is not None and not pd.isna(v)]
    if not vals:
        return (0.0, 100.0 if unit == "%" else 1.0, True)
    lo, hi = min(vals), max(vals)
    pad = max((hi - lo) * 0.12, 1.0 if unit == "%" else 0.05 * max(abs(hi), 1.0))
    low, high = lo - pad, hi + pad
    from_zero = low <= 0 or lo <= hi / 3
    if from_zero:
        low = 0.0
    if unit == "%":
        high = min(high, 100.0 + pad)
    return (low, high, from_zero)


def drawn_limit(value: float | None, unit: str) -> float | None:
    """A process limit as a chart draws it: a percentage cannot pass 0 or 100, so a limit beyond is drawn at the
    edge (the SPC rules, on the points, use the limit as worked out)."""
    if value is None or unit != "%":
        return value
    return min(max(value, 0.0), 100.0)


WHOLE_UNITS = frozenset({"children", "episodes", "actions", "cases", "placements", "events", "files", "rows"})


def fit_y_axis(fig: go.Figure, unit: str, extra: list[float] | None = None) -> None:
    """Scale the y axis to every plotted value (and `extra`, e.g. a target), saying so when it does not start at 0."""
    values: list[float] = list(extra or [])
    for trace in fig.data:
        ys = getattr(trace, "y", None)
        if ys is not None:
            # numbers.Real, not int | float: an int64 series (a count) comes back as numpy integers, which are not int
            values += [v for v in ys if isinstance(v, numbers.Real) and not isinstance(v, bool)]
    low, high, from_zero = y_range(values, unit)
    if unit in WHOLE_UNITS:
        high = max(high, 1.0)  # zeros only: an axis up to 1, not to 0.05
    fig.update_yaxes(range=[low, high], rangemode=None)
    if unit in WHOLE_UNITS and high <= 10:  # a count of a few: whole-number ticks, never '0.2 episodes'
        fig.update_yaxes(tick0=0, dtick=1, tickformat="d")
    if not from_zero:
        fig.add_annotation(text=f"axis starts at {fmt_value(round(low, 1), unit)}", xref="paper", yref="paper",
                           x=0, y=0, xanchor="left", yanchor="bottom", showarrow=False,
                           font={"size": 11, "color": GREY})


def end_label(fig: go.Figure, x: object, y: float, text: str, colour: str) -> None:
    """A reference line's name at its right end: the target's just above its line, England's just below, so the two
    can still be told apart when they are at the same value (England's average is often the target)."""
    fig.add_annotation(x=x, y=y, text=text, xanchor="left", yanchor="top" if text == "England" else "bottom",
                       showarrow=False, xshift=6, font={"size": 12, "color": colour})


def months(values: pd.Series) -> pd.Series:
    """Month-end dates plotted at the start of their month, so the 'Mar 2018' tick sits on March's point."""
    return pd.to_datetime(pd.Series(values)).dt.to_period("M").dt.to_timestamp()


def month_step(n_months: int) -> int:
    """Months between x-axis ticks for a span of n months: every tick a different month, never crowded."""
    return 1 if n_months <= 12 else 3 if n_months <= 36 else 6 if n_months <= 72 else 12


def _month_axis(fig: go.Figure) -> None:
    """Ticks on month starts, spaced by the span shown (Plotly's own spacing repeats a month on a one-year chart)."""
    # automargin: board mode's larger ticks turn on their side, and the bottom margin grows to hold them and the title
    axis: dict = {"tickformat": "%b %Y", "title_text": "Month", "hoverformat": "%b %Y", "automargin": True}
    shown = pd.to_datetime(pd.Series([x for t in fig.data if t.x is not None for x in t.x]), errors="coerce").dropna()
    if len(shown):
        first, last = shown.min(), shown.max()
        n_months = (last.year - first.year) * 12 + last.month - first.month + 1
        axis.update(tickmode="linear", tick0=f"{first:%Y-%m}-01", dtick=f"M{month_step(n_months)}")
    fig.update_xaxes(**axis)


def trend(df: pd.DataFrame, title: str, unit: str, target: float | None = None,
          england: pd.DataFrame | None = None, board: bool = False, name: str = "This authority") -> go.Figure:
    """A monthly trend (month_end, value) with its target line and, where published, England's average."""
    fig = go.Figure()
    data = df.sort_values("month_end")
    annual = is_annual(data["month_end"])  # e.g. the OC2 measure at 31 March: points a year apart, never a line
    fig.add_trace(go.Scatter(
        x=months(data["month_end"]), y=data["value"], mode="markers+text" if annual else "lines+markers", name=name,
        line={"color": BLUE, "width": 4 if board else 3}, marker={"size": (14 if board else 11) if annual else
                                                                   (7 if board else 5)},
        text=[fmt_value(v, unit) for v in data["value"]] if annual else None, textposition="top center",
        connectgaps=False, hovertemplate="%{y:.1f}" + ("%" if unit == "%" else f" {unit}") + "<extra></extra>",
    ))
    mark_data_gaps(fig, data, board)
    if target is not None and not pd.isna(target) and len(data):
        ends = months([data["month_end"].min(), data["month_end"].max()])
        fig.add_trace(go.Scatter(
            x=ends, y=[target, target],
            mode="lines", name=f"Target ({fmt_value(target, unit)})",
            line={"color": BLACK, "width": 2, "dash": "dash"}, hoverinfo="skip",
        ))
        end_label(fig, ends.iloc[-1], float(target), "Target", BLACK)
    if england is not None and "series" in england and len(data):
        published_points(fig, england, data, board)
    elif england is not None and len(england) and len(data):
        lo, hi = months([data["month_end"].min(), data["month_end"].max()])
        eng = england.assign(period_end=months(england["period_end"]).values).sort_values("period_end")
        inside = eng[(eng["period_end"] >= lo) & (eng["period_end"] <= hi)]
        if len(inside):
            fig.add_trace(go.Scatter(
                x=inside["period_end"], y=inside["value"], mode="markers", name="England average",
                marker={"symbol": "diamond", "size": 12 if board else 10, "color": ORANGE,
                        "line": {"color": BLACK, "width": 1}},
            ))
        else:
            latest = eng.iloc[-1]
            fig.add_trace(go.Scatter(
                x=[lo, hi], y=[latest["value"]] * 2, mode="lines",
                name=f"England average {pd.Timestamp(latest['period_end']).year} (latest published)",
                line={"color": ORANGE, "width": 2, "dash": "dot"}, hoverinfo="skip",
            ))
            end_label(fig, hi, float(latest["value"]), "England", ORANGE)
    style(fig, title, unit, board)
    fig.update_layout(margin={"r": 80})  # room for the reference lines' names at their right ends
    fit_y_axis(fig, unit, [target] if target is not None and not pd.isna(target) else [])
    _month_axis(fig)
    if annual:
        fig.update_xaxes(dtick="M12")
    return fig


def snapshot(df: pd.DataFrame, title: str, unit: str, period: tuple[dt.date, dt.date], target: float | None = None,
             board: bool = False, name: str = "Annex A List 8") -> go.Figure:
    """A figure taken once, at a snapshot date (month_end, value): one labelled point at its month on the period's
    axis, never a line, so it cannot be read as a monthly trend."""
    fig = go.Figure()
    data = df.dropna(subset=["value"]).sort_values("month_end")
    fig.add_trace(go.Scatter(
        x=months(data["month_end"]), y=data["value"], mode="markers+text", name=name,
        marker={"symbol": "diamond", "size": 16 if board else 13, "color": VERMILION,
                "line": {"color": BLACK, "width": 1}},
        text=[fmt_value(v, unit) for v in data["value"]], textposition="top center",
        hovertemplate="%{y:.1f}" + ("%" if unit == "%" else f" {unit}") + f"<extra>{name}</extra>",
    ))
    lo, hi = months(pd.Series(period))
    if target is not None and not pd.isna(target):
        fig.add_trace(go.Scatter(x=[lo, hi], y=[target, target], mode="lines", name=f"Target ({fmt_value(target, unit)})",
                                 line={"color": BLACK, "width": 2, "dash": "dash"}, hoverinfo="skip"))
        end_label(fig, hi, float(target), "Target", BLACK)
    style(fig, title, unit, board)
    fig.update_layout(margin={"r": 80}, showlegend=True)
    # from zero: one point on an axis fitted to it would look like a precise trend
    fit_y_axis(fig, unit, [0.0] + ([target] if target is not None and not pd.isna(target) else []))
    _month_axis(fig)
    fig.update_xaxes(range=[lo - pd.Timedelta(days=20), hi + pd.Timedelta(days=20)])
    return fig


def is_annual(month_ends: pd.Series) -> bool:
    """A series published once a year (every month end in the same calendar month, more than one year)."""
    m = pd.to_datetime(pd.Series(month_ends)).dropna()
    return len(m) > 1 and m.dt.month.nunique() == 1


# How each published series is drawn: annual figures are points at their dates, never a line across months.
PUBLISHED_STYLE = {
    "Published (this authority)": {"symbol": "diamond-open", "color": BLUE},
    "Statistical neighbours": {"symbol": "triangle-up", "color": GREEN},
    "Region": {"symbol": "square", "color": PURPLE},
    "England": {"symbol": "diamond", "color": ORANGE},
}


def published_points(fig: go.Figure, published: pd.DataFrame, data: pd.DataFrame, board: bool = False) -> None:
    """The DfE's published annual figures (period_end, series, value) as markers, those inside the months shown;
    where none fall inside, each series' latest figure as a dotted reference line labelled with its year."""
    lo, hi = months([data["month_end"].min(), data["month_end"].max()])
    pub = published.dropna(subset=["value"]).assign(period_end=lambda d: months(d["period_end"]).values)
    for series, style in PUBLISHED_STYLE.items():
        part = pub[pub["series"] == series].sort_values("period_end")
        if part.empty:
            continue
        inside = part[(part["period_end"] >= lo) & (part["period_end"] <= hi)]
        if len(inside):
            fig.add_trace(go.Scatter(
                x=inside["period_end"], y=inside["value"], mode="markers", name=f"{series} (published)"
                if series != "Published (this authority)" else series,
                marker={"symbol": style["symbol"], "size": 13 if board else 11, "color": style["color"],
                        "line": {"color": BLACK if "open" not in style["symbol"] else style["color"], "width": 1.5}},
            ))
        elif series == "England":  # nothing published for the months shown: the latest as a reference
            latest = part.iloc[-1]
            fig.add_trace(go.Scatter(
                x=[lo, hi], y=[latest["value"]] * 2, mode="lines",
                name=f"England average {pd.Timestamp(latest['period_end']).year} (latest published)",
                line={"color": ORANGE, "width": 2, "dash": "dot"}, hoverinfo="skip",
            ))
            end_label(fig, hi, float(latest["value"]), "England", ORANGE)


PARTIAL_NAME = "Partial figure (not all its data are in: see the note)"
NO_DATA_TEXT = "No data for this period"


def mark_data_gaps(fig: go.Figure, data: pd.DataFrame, board: bool = False) -> None:
    """Show a series' data status: partial months as hollow grey markers, months board mode hides marked in place
    (mark_hidden), a note when no month has a figure saying why.

    No-data months are already gaps in the line (their value is blank, never 0).
    """
    hidden = mark_hidden(fig, data, board)
    if "status" not in data:
        return
    mark_partial(fig, data, board)
    if len(data) and data["value"].isna().all():
        if hidden == len(data):
            text = ALL_HIDDEN_TEXT
        else:
            notes = data.loc[data["status"].eq("no data"), "status_note"]
            text = NO_DATA_TEXT + (f"<br>{notes.iloc[-1]}" if len(notes) else "") + (
                f"<br>other months: {disclosure.small_words()} (hidden in board mode)" if hidden else "")
        fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                           font={"size": 20 if board else 16, "color": GREY})


def mark_partial(fig: go.Figure, data: pd.DataFrame, board: bool = False) -> None:
    """Ring every partial figure (status 'partial': not all its data are in) with a hollow grey marker, one key entry
    for them all; `data` has month_end, value and status, one row per point drawn (any number of lines)."""
    partial = data[data["status"].eq("partial") & data["value"].notna()] if "status" in data else data.iloc[:0]
    if len(partial):
        fig.add_trace(go.Scatter(
            x=months(partial["month_end"]), y=partial["value"], mode="markers", name=PARTIAL_NAME,
            marker={"symbol": "circle-open", "size": 12 if board else 10, "color": GREY, "line": {"width": 2}},
            hoverinfo="skip",
        ))


HIDDEN_NAME = "Hidden in board mode (fewer than 5 children)"
ALL_HIDDEN_TEXT = ("Every month shown rests on fewer than 5 children,<br>so board mode hides its figures "
                   "(docs/security.md)")


def mark_hidden(fig: go.Figure, data: pd.DataFrame, board: bool = False) -> int:
    """Mark each month board mode hides, in place: a grey band over the month, '<5' (or 'hidden' for a figure hidden
    so another cannot be worked out) at the foot of the plot, and hover text saying why; a key entry names the mark.
    Never a number: a point's height would tell what the figure is. Returns how many rows of `data` are hidden."""
    if "suppressed" not in data or data.empty:
        return 0
    flags = data["suppressed"].fillna(False).astype(bool)
    if not flags.any():
        return 0
    hid = data[flags].assign(_x=lambda d: months(d["month_end"]).values)
    why = hid["hidden_why"] if "hidden_why" in hid else pd.Series(disclosure.SMALL, index=hid.index)
    for x, reasons in why.groupby(hid["_x"], sort=True):
        small = (reasons == disclosure.SMALL).any()
        x = pd.Timestamp(x)
        fig.add_vrect(x0=x - pd.Timedelta(days=14), x1=x + pd.Timedelta(days=14), fillcolor=GREY, opacity=0.18,
                      line_width=0, layer="below")
        several = len(reasons) > 1
        words = disclosure.small_words() if small else disclosure.secondary_words()
        fig.add_annotation(
            x=x, xref="x", y=0, yref="paper", yanchor="bottom", showarrow=False,
            text=disclosure.SUPPRESSED if small else disclosure.HIDDEN,
            hovertext=f"{month_label(x)}: {'some figures hidden: ' if several else 'hidden: '}{words}",
            font={"size": 14 if board else 11, "color": "#555555"})
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=HIDDEN_NAME, hoverinfo="skip",
                             marker={"symbol": "square", "size": 14, "color": GREY, "opacity": 0.35}))
    return int(flags.sum())


def lines(df: pd.DataFrame, series: str, title: str, unit: str, board: bool = False) -> go.Figure:
    """Several monthly lines (month_end, value) split by the `series` column, e.g. permanent vs agency FTE."""
    fig = go.Figure()
    for i, (key, part) in enumerate(df.sort_values("month_end").groupby(series, sort=False)):
        fig.add_trace(go.Scatter(x=months(part["month_end"]), y=part["value"], mode="lines+markers",
                                 name=str(key), line={"color": PALETTE[i % len(PALETTE)], "width": 3}))
    style(fig, title, unit, board)
    fit_y_axis(fig, unit)
    _month_axis(fig)
    return fig


def team_bars(df: pd.DataFrame, title: str, unit: str, target: float | None = None, board: bool = False,
              higher_is_better: bool | None = None, small_text: str | None = None) -> go.Figure:
    """Teams side by side for one month (team, value), worst first, with the target as a line; a team with no figure
    keeps its row and says why (no data, or hidden in board mode: `small_text`, default 'fewer than 5 children')."""
    data = df.dropna(subset=["value"]).copy()
    data = data.sort_values("value", ascending=bool(higher_is_better) if higher_is_better is not None else False)
    blank = df[df["value"].isna()]  # a team with no figure this month keeps its row and says why
    fig = go.Figure(go.Bar(
        x=data["value"], y=data["team"].map(chart_text), orientation="h", marker={"color": BLUE},
        # a bar too short to hold its label (a team at 0.0% has none) carries it outside, so it never reads as no data
        text=[fmt_value(v, unit) for v in data["value"]],
        textposition=["outside" if v < 0.15 * (data["value"].max() or 1) else "inside" for v in data["value"]],
        hovertemplate="%{y}: %{x:.1f}<extra></extra>", name="",
    ))
    if len(blank):
        why = blank["hidden_why"] if "hidden_why" in blank else [
            disclosure.SMALL if s else None for s in blank.get("suppressed", [False] * len(blank))]
        words = [(small_text or disclosure.small_words()) if w == disclosure.SMALL else "hidden (so a number under 5 cannot be "
                 "worked out)" if w == disclosure.SECONDARY else "no data" for w in why]
        fig.add_trace(go.Bar(x=[0] * len(blank), y=blank["team"].map(chart_text), orientation="h", marker={"color": GREY},
                             text=words, textposition="outside", hoverinfo="skip", name="", showlegend=False))
        fig.update_layout(showlegend=False)
    data = pd.concat([data, blank])
    if target is not None and not pd.isna(target):
        fig.add_vline(x=target, line={"color": BLACK, "dash": "dash", "width": 2},
                      annotation_text=f"Target {fmt_value(target, unit)}", annotation_position="top")
    style(fig, title, unit, board, height=max(260, 70 * len(data) + 120))
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(title_text="", autorange="reversed", rangemode=None, range=None, ticksuffix="", automargin=True)
    fig.update_xaxes(title_text=axis_title(unit), rangemode="tozero", showgrid=True, gridcolor="#E5E5E5")
    if unit == "%":
        fig.update_xaxes(range=[0, 105], ticksuffix="%")
    return fig


def stacked_bands(df: pd.DataFrame, band: str, title: str, unit: str = "children", board: bool = False) -> go.Figure:
    """Monthly stacked bars (month_end, band, value), e.g. children by number of social workers."""
    fig = go.Figure()
    for i, (key, part) in enumerate(df.sort_values("month_end").groupby(band, sort=False)):
        fig.add_trace(go.Bar(x=months(part["month_end"]), y=part["value"], name=str(key),
                             marker={"color": PALETTE[i % len(PALETTE)]}))
    fig.update_layout(barmode="stack")
    style(fig, title, unit, board)
    mark_hidden(fig, df, board)
    _month_axis(fig)
    return fig


def sparkline(df: pd.DataFrame, colour: str = BLUE) -> go.Figure:
    """A tiny trend with no axes, for an Overview tile."""
    data = df.sort_values("month_end")
    fig = go.Figure(go.Scatter(x=months(data["month_end"]), y=data["value"], mode="lines",
                               line={"color": colour, "width": 2}, hoverinfo="skip"))
    fig.update_layout(height=70, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
                      plot_bgcolor="white", paper_bgcolor="white")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def footer_text(measure_title: str, period: tuple[dt.date, dt.date] | None, authority: str,
                data_date: dt.date | None) -> str:
    """The footer exported images carry: measure, period, authority, data date and the source."""
    parts = [measure_title]
    if period:
        parts.append(f"{month_label(period[0])} to {month_label(period[1])}")
    parts.append(authority)
    if data_date:
        parts.append(f"data to {day_label(data_date)}")
    parts.append("Source: Practice Lens")
    return " · ".join(parts)


SIGNAL_COLOURS = {"concern": ORANGE, "improvement": BLUE, "common cause": GREY, "no signal": "#D9D9D9"}
SIGNAL_LABELS = {"concern": "Special cause of concern", "improvement": "Special cause of improvement",
                 "common cause": "Common cause (no significant change)", "no signal": "Too few months / no data"}


def heatmap(grid: pd.DataFrame, title: str, colour_by: str = "rag", board: bool = False) -> go.Figure:
    """Performance on a page: measures down, teams across, a coloured square per cell with its value (from
    lens.heatmap.performance_grid). Drawn as square markers, not a Plotly heatmap, so a click selects a cell."""
    colours = RAG_COLOURS if colour_by == "rag" else SIGNAL_COLOURS
    # a grey cell is one with no RAG rating: no target, hidden in board mode ('<5') or no figure this month
    labels = {**RAG_LABELS, "grey": "Not rated (no target, <5 or no data)"} if colour_by == "rag" else SIGNAL_LABELS
    measures = list(dict.fromkeys(grid["title"]))
    teams = [chart_text(t) for t in dict.fromkeys(grid["team"])]  # names from the data: shown as words in Plotly
    fig = go.Figure()
    for key, colour in colours.items():
        part = grid[grid["key"] == key]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["team"].map(chart_text), y=part["title"], mode="markers+text", name=labels[key], text=part["text"],
            textfont={"color": "white" if key in ("red", "green", "concern", "improvement") else "#222222",
                      "size": 15 if board else 13},
            marker={"symbol": "square", "size": 58 if board else 50, "color": colour,
                    "line": {"color": "white", "width": 2}},
            customdata=part[["measure", "theme"]].to_numpy(),
            hovertemplate="%{y}<br>%{x}: %{text}<extra>" + labels[key] + "</extra>",
        ))
    style(fig, title, "", board, height=140 + (66 if board else 58) * len(measures))
    fig.update_layout(hovermode="closest", legend={"y": -0.02, "yanchor": "top", "orientation": "h"},
                      margin={"t": (120 if title else 60) + title_extra(fig.layout.title.text, board), "b": 60})
    # long names broken over lines (tick text only: the points keep the names a click reads back), so the measures
    # do not squeeze the grid and team names do not run into each other on a laptop screen, in board type too
    fig.update_xaxes(side="top", type="category", categoryorder="array", categoryarray=teams, showgrid=False,
                     title_text="", tickangle=0, tickvals=teams, ticktext=[wrap_title(t, 7) for t in teams])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=measures[::-1], showgrid=False,
                     title_text="", rangemode=None, automargin=True, tickvals=measures,
                     ticktext=[wrap_title(m, 30 if board else 36) for m in measures])
    return fig


def ranked_bars(table: pd.DataFrame, title: str, unit: str, target: float | None = None, board: bool = False,
                higher_is_better: bool | None = None, median: float | None = None) -> go.Figure:
    """Every authority's value in one month as a bar, best first (rank, la_name, value, is_focus, status); the
    authority in focus in blue and labelled, the others grey, partial figures hatched; the target and the median of
    the authorities with data as lines.

    Authorities without a figure (no data, suppressed) are left out of the bars: the page lists them in words.
    """
    data = table[table["value"].notna()].reset_index(drop=True)
    data["la_name"] = data["la_name"].map(chart_text)  # names from authority.toml: shown as words in Plotly
    many = len(data) > 30
    colours = [BLUE if f else "#B8B8B8" for f in data["is_focus"]]
    fig = go.Figure(go.Bar(
        x=data["la_name"], y=data["value"], marker={"color": colours,
                                                   "pattern": {"shape": ["/" if s == "partial" else ""
                                                                         for s in data["status"]]}},
        customdata=list(zip(data["rank"].astype("float"), data["status"], strict=True)),
        hovertemplate="%{x}: %{y:.1f}" + ("%" if unit == "%" else f" {unit}")
                      + " (rank %{customdata[0]:.0f}, %{customdata[1]})<extra></extra>",
        showlegend=False,
    ))
    focus = data[data["is_focus"]]
    if len(focus):
        row = focus.iloc[0]
        fig.add_annotation(x=row["la_name"], y=row["value"],
                           text=f"{row['la_name']}<br>{fmt_value(row['value'], unit)}", showarrow=True,
                           arrowhead=2, ay=-45, font={"size": 16 if board else 13, "color": BLUE}, bgcolor="white")
    if target is not None and not pd.isna(target) and len(data):
        fig.add_hline(y=target, line={"color": BLACK, "dash": "dash", "width": 2},
                      annotation_text=f"Target {fmt_value(target, unit)}", annotation_position="top right")
    if median is not None and not pd.isna(median) and len(data):
        fig.add_hline(y=median, line={"color": ORANGE, "dash": "dot", "width": 2},
                      annotation_text=f"Median {fmt_value(median, unit)}", annotation_position="bottom left")
    style(fig, title, unit, board)
    fig.update_layout(hovermode="closest", bargap=0.15 if many else 0.3)
    order = ("best" if higher_is_better is not None else "highest") + " on the left"
    fig.update_xaxes(title_text=f"Authorities, {order}", showticklabels=not many,
                     tickangle=0 if len(data) <= 8 else -45, automargin=True, title_standoff=12,
                     categoryorder="array", categoryarray=list(data["la_name"]))
    if unit == "%":
        # room above 100% for the focus label, but no tick a percentage cannot reach
        ticks = list(range(0, 101, 20))
        fig.update_yaxes(range=[0, 118], tickvals=ticks, ticktext=[f"{t}%" for t in ticks])
    return fig


def compare_lines(df: pd.DataFrame, focus: str, focus_name: str, median: pd.DataFrame, title: str, unit: str,
                  target: float | None = None, board: bool = False) -> go.Figure:
    """Every authority's monthly trend (la_code, month_end, value) as a thin grey line, the group's median dashed and
    the authority in focus in blue on top. A month without a figure is a gap in its line, never a 0."""
    fig = go.Figure()
    others = df[df["la_code"] != focus].sort_values(["la_code", "month_end"])
    if len(others):
        # one trace for all the others (fast with 150 authorities): a gap row ends each authority's line
        parts = []
        for _, part in others.groupby("la_code", sort=True):
            parts.append(part[["month_end", "value"]])
            parts.append(pd.DataFrame({"month_end": [part["month_end"].iloc[-1]], "value": [None]}))
        lines_df = pd.concat(parts, ignore_index=True)
        fig.add_trace(go.Scatter(x=months(lines_df["month_end"]), y=lines_df["value"].astype("float"),
                                 mode="lines", name="Other authorities", connectgaps=False,
                                 line={"color": "#C8C8C8", "width": 1}, hoverinfo="skip"))
    if len(median):
        fig.add_trace(go.Scatter(x=months(median["month_end"]), y=median["value"], mode="lines",
                                 name="Median of the authorities with data", line={"color": BLACK, "width": 2,
                                                                                    "dash": "dash"}))
    mine = df[df["la_code"] == focus].sort_values("month_end")
    if len(mine):
        fig.add_trace(go.Scatter(
            x=months(mine["month_end"]), y=mine["value"].astype("float"), mode="lines+markers",
            name=chart_text(focus_name),
            line={"color": BLUE, "width": 4 if board else 3}, marker={"size": 7 if board else 5}, connectgaps=False,
            hovertemplate="%{y:.1f}" + ("%" if unit == "%" else f" {unit}") + "<extra></extra>"))
        mark_data_gaps(fig, mine, board)
    if target is not None and not pd.isna(target) and len(df):
        fig.add_trace(go.Scatter(
            x=months([df["month_end"].min(), df["month_end"].max()]), y=[target, target], mode="lines",
            name=f"Target ({fmt_value(target, unit)})", line={"color": BLACK, "width": 1, "dash": "dot"},
            hoverinfo="skip"))
    style(fig, title, unit, board)
    _month_axis(fig)
    # the key under the plot: five entries above it would run into the title (board mode's larger type)
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2 if board else -0.12, "x": 0,
                              "xanchor": "left"},
                      margin={"b": 150 if board else 110, "t": 80 + title_extra(fig.layout.title.text, board)})
    fig.update_xaxes(title_text="")  # the months need no heading, and the key sits where it would be
    values = pd.to_numeric(df["value"], errors="coerce").dropna()
    if unit == "%" and len(values):  # zoomed to the authorities' spread: lines need no zero baseline
        low = max(0.0, float(values.min()) - 5)
        fig.update_yaxes(range=[low - low % 10, min(101.0, float(values.max()) + 5)], rangemode="normal")
    return fig
