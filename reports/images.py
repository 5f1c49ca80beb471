"""Static chart images (PNG for slides, SVG for print) rendered server-side by kaleido with Debian's chromium."""

from __future__ import annotations

import copy
import threading
import warnings

import plotly.graph_objects as go

PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1600, 900, 2  # 3200 x 1800 pixels: sharp on a projected slide
_server_lock = threading.Lock()
_server_started = False


def _ensure_server() -> None:
    """Start kaleido's browser once per process: each later export then takes about 0.1 s."""
    global _server_started
    with _server_lock:
        if not _server_started:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
            _server_started = True


def with_footer(fig: go.Figure, footer: str) -> go.Figure:
    """A copy of the figure with the export footer (measure, period, authority, data date, source) at the bottom."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    bottom = max(int(out.layout.margin.b or 60), 60) + 60
    out.update_layout(margin={"b": bottom})
    out.add_annotation(text=footer, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-(bottom - 35), showarrow=False, font={"size": 13, "color": "#555555"}, align="left")
    return out


def figure_bytes(fig: go.Figure, fmt: str, footer: str = "", width: int = PNG_WIDTH, height: int = PNG_HEIGHT,
                 scale: int = PNG_SCALE) -> bytes:
    """The figure as PNG, SVG or PDF bytes, with the footer; same styling as on screen."""
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"unsupported image format {fmt!r}")
    _ensure_server()
    out = with_footer(fig, footer) if footer else fig
    out = go.Figure(out)
    out.update_layout(width=width, height=height)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return out.to_image(format=fmt, width=width, height=height, scale=scale if fmt == "png" else 1)
