"""20 browser sessions while a load swaps the warehouse: no error shown, each session the old or the new data, whole.

The app pins one warehouse file per run (ui/data.py); a load writes a new file and swaps it in. Sessions opened before,
during and after the swap must each end with the Overview of one file: every tile's figure as the old warehouse gives
it, or every tile's figure as the new one does, never some of each, and never an error box.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.test_browser import ARGS, CHROMIUM, ROOT, playwright, serving

SESSIONS = 20
DONE = """() => document.querySelector('h1') !== null
  && !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-stale="true"]')
  && document.querySelectorAll('[data-testid="stMetricValue"]').length >= 7"""
TILES = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m =>
  m.querySelector('[data-testid="stMetricLabel"]').innerText.trim() + ' = '
  + m.querySelector('[data-testid="stMetricValue"]').innerText.trim())"""


@pytest.fixture(scope="module")
def two_warehouses(tmp_path_factory, sample_sources):
    """The sample loaded into a warehouse, and another year's draw of the same authority (seed 2019) to load over it."""
    from etl.generate import generate
    from etl.load import load

    base = tmp_path_factory.mktemp("reload")
    db = base / "warehouse.duckdb"
    load(sample_sources, db)
    other = generate(base / "other", seed=2019)
    return db, other


def _tiles(page) -> tuple[str, ...]:
    page.wait_for_function(DONE, timeout=120_000)
    assert page.locator("[data-testid='stException']").count() == 0, "an error box on the page"
    return tuple(page.evaluate(TILES))


@pytest.mark.slow
def test_twenty_sessions_during_a_reload_each_see_the_old_or_the_new_warehouse_whole(two_warehouses):
    db, other = two_warehouses
    with serving(db) as base, playwright.sync_playwright() as p:  # the app started as the other browser tests do
        url = f"{base}/?month=2018-03"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        first = browser.new_page(viewport={"width": 1280, "height": 900})
        first.goto(url)
        old = _tiles(first)

        # the load runs in its own process, as `python -m etl load` would beside a running dashboard
        load = subprocess.Popen([sys.executable, "-m", "etl", "load", str(other[0]), "--db", str(db)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        pages, opened_during = [], 0
        for _ in range(SESSIONS):  # a new session every 0.4 s from the load's start, across the swap
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url, wait_until="commit")
            pages.append(page)
            opened_during += load.poll() is None
            time.sleep(0.4)
        out = load.communicate(timeout=300)[0].decode(errors="replace")
        assert load.returncode == 0, out[-2000:]

        seen = [_tiles(page) for page in pages]
        last = browser.new_page(viewport={"width": 1280, "height": 900})
        last.goto(url)
        new = _tiles(last)
        browser.close()

    assert new != old, "the second load should change the Overview's figures, or this test proves nothing"
    assert len(old) >= 7
    assert opened_during >= 1, "no session was opened while the load ran"
    mixed = [s for s in seen if s not in (old, new)]
    assert mixed == [], f"sessions showing neither warehouse whole: {mixed[:2]} (old {old}, new {new})"
    assert len(seen) == SESSIONS
