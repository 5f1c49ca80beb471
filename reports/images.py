"""Static chart images (PNG for slides, SVG for print) rendered server-side by kaleido with a local Chromium.

kaleido's own sync server waits for ever when its browser never starts or stops answering, and a server thread
waits with it. So the browser is looked for first (ImagesUnavailable at once, naming what to install), and kaleido
is driven from an event-loop thread of this module's own, with a time limit on the start and on every image.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import os
import signal
import threading
import warnings
from collections.abc import Coroutine
from typing import Any

import plotly.graph_objects as go

from lens import config
from lens.formatting import chart_text

PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1600, 900, 2  # 3200 x 1800 pixels: sharp on a projected slide
INSTALL_HINT = "Chart images need Chromium: apt-get install -y chromium"
CLOSE_WAIT = 5.0  # seconds a browser gets to close before it is killed


class ImagesUnavailable(RuntimeError):
    """Chart images cannot be made here (no browser, or it stopped answering); the message says what to do."""


def _is_exe(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_browser() -> str | None:
    """The browser to drive: the chromium_path setting if set, else the one kaleido would find by itself."""
    configured = config.get("chromium_path")
    if configured:
        return configured if _is_exe(configured) else None
    from choreographer.browsers.chromium import Chromium

    # BROWSER_PATH, then chrome/chromium on PATH or in /usr/bin, then a copy fetched by kaleido_get_chrome.
    found = Chromium.find_browser(skip_local=False)
    return found if found and _is_exe(found) else None


def unavailable_reason() -> str | None:
    """Why chart images cannot be made here, or None when there is a browser (cheap: nothing is started)."""
    if find_browser():
        return None
    configured = config.get("chromium_path")
    if configured:
        return f"{INSTALL_HINT} ({config.SETTINGS['chromium_path'].env}={configured} is not an executable file)"
    return f"{INSTALL_HINT} (no Chrome or Chromium found)"


class _Browser:
    """One kaleido browser on an event loop in a daemon thread; callers wait for it with a time limit."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.kaleido: Any = None
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self._run_loop, name="kaleido-browser", daemon=True).start()
        try:
            self.call(self._open(timeout), timeout)
        except TimeoutError:
            self.close(kill=True)
            raise ImagesUnavailable(f"{INSTALL_HINT} (the browser at {path} did not start within {timeout:g} s)"
                                    ) from None
        except Exception as exc:
            self.close(kill=True)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ImagesUnavailable(f"{INSTALL_HINT} (the browser at {path} did not start: {reason})") from exc

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        self.loop.close()

    async def _open(self, timeout: float) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kaleido warns about plotly versions on import
            import kaleido
        # No MathJax (no chart uses LaTeX): the page then needs nothing from the network.
        self.kaleido = kaleido.Kaleido(path=self.path, timeout=timeout, mathjax=False)
        await self.kaleido.open()

    def alive(self) -> bool:
        process = getattr(self.kaleido, "subprocess", None)
        return process is not None and process.poll() is None

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        """Run a coroutine on the browser's loop; TimeoutError after `timeout` seconds (the coroutine is cancelled)."""
        future = asyncio.run_coroutine_threadsafe(_cancellable(coro), self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def kill(self) -> None:
        """Kill the browser's process group at once (chromium runs in a session of its own)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.kaleido.subprocess.pid, signal.SIGKILL)

    async def _close(self) -> None:
        if self.kaleido is None:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.kaleido.close(), CLOSE_WAIT)
        self.kill()  # if it would not close

    def close(self, kill: bool = False, wait: float = 0.0) -> None:
        """Close the browser (first killed, for one that stopped answering) and stop its loop; wait up to `wait` s."""
        if kill:
            self.kill()
        done = asyncio.run_coroutine_threadsafe(self._close(), self.loop)
        done.add_done_callback(lambda _: self.loop.call_soon_threadsafe(self.loop.stop))
        if wait:
            with contextlib.suppress(Exception):
                done.result(wait)


async def _cancellable(coro: Coroutine[Any, Any, Any]) -> Any:
    """Await coro; once a caller has given up (cancelled it), an error it raises on the way out is not reported."""
    try:
        return await coro
    except Exception as exc:
        task = asyncio.current_task()
        if task is not None and task.cancelling():  # choreographer turns the cancellation into BrowserFailedError
            raise asyncio.CancelledError from exc
        raise


_lock = threading.Lock()
_browser: _Browser | None = None


def _running_browser(timeout: float) -> _Browser:
    """The process's browser, started on first use (about a second; each image after that about 0.1 s)."""
    global _browser
    path = find_browser()
    if path is None:
        raise ImagesUnavailable(unavailable_reason() or INSTALL_HINT)
    with _lock:
        if _browser is not None and (_browser.path != path or not _browser.alive()):
            _browser.close()
            _browser = None
        if _browser is None:
            _browser = _Browser(path, timeout)
        return _browser


def _discard(browser: _Browser) -> None:
    """Forget a browser that stopped answering and close it in the background; the next image starts a new one."""
    global _browser
    with _lock:
        if _browser is browser:
            _browser = None
    browser.close(kill=True)


@atexit.register
def _close_at_exit() -> None:
    if _browser is not None:
        _browser.close(wait=CLOSE_WAIT + 1)


def with_footer(fig: go.Figure, footer: str) -> go.Figure:
    """A copy of the figure with the export footer (measure, period, authority, data date, source) at the bottom, as
    plain text (an authority's name is never markup)."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    bottom = max(int(out.layout.margin.b or 60), 60) + 60
    out.update_layout(margin={"b": bottom})
    out.add_annotation(text=chart_text(footer), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-(bottom - 35), showarrow=False, font={"size": 13, "color": "#555555"}, align="left")
    return out


def figure_bytes(fig: go.Figure, fmt: str, footer: str = "", width: int = PNG_WIDTH, height: int = PNG_HEIGHT,
                 scale: int = PNG_SCALE) -> bytes:
    """The figure as PNG, SVG or PDF bytes, with the footer; ImagesUnavailable (at once) when no browser can draw it."""
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"unsupported image format {fmt!r}")
    timeout = config.image_timeout()
    browser = _running_browser(timeout)
    out = go.Figure(with_footer(fig, footer) if footer else fig)
    out.update_layout(width=width, height=height)
    opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
    try:
        return browser.call(browser.kaleido.calc_fig(out.to_dict(), opts=opts), timeout)
    except TimeoutError:
        _discard(browser)
        raise ImagesUnavailable(f"The chart image was not drawn within {timeout:g} s: the browser at {browser.path} "
                                "stopped answering and was closed (the next image starts a new one)") from None
