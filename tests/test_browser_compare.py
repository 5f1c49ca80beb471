"""The Compare page in a real browser (Debian's headless Chromium, Playwright) on three generated authorities: the
ranking and the trend are drawn, the authority in focus is named, board mode shows no counts; screenshots in
test-results/screenshots/compare*.png."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.test_browser import ROOT, SHOTS, _free_port, _open, browser  # noqa: F401 - browser is a fixture


@pytest.fixture(scope="module")
def three_db(tmp_path_factory):
    from etl.generate import generate
    from etl.load import load

    root = tmp_path_factory.mktemp("compare_browser")
    db = root / "three.duckdb"
    load(generate(root / "src", seed=11, authorities=3, start="2016-04", end="2018-03"), db)
    return db


@pytest.fixture(scope="module")
def compare_server(three_db):
    port = _free_port()
    env = {**os.environ, "PRACTICE_LENS_DB": str(three_db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_compare_draws_the_ranking_and_the_trend_with_the_focus_named(compare_server, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    la = urllib.parse.quote("Sample Borough 2 (Z99000002)")
    for board, name in ((False, "compare"), (True, "compare-board")):
        _open(page, f"{compare_server}/compare?la={la}" + ("&board=true" if board else ""), "Compare authorities")
        try:
            assert page.locator("[data-testid='stException']").count() == 0
            page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
            assert page.get_by_text("3 authorities (every loaded authority)").count() == 1
            if board:  # three small authorities: every figure rests on a count under 5 somewhere, or is shown
                assert page.get_by_text("Numerator", exact=True).count() == 0
            else:
                assert page.get_by_text("Sample Borough 2 is ").count() == 1
                assert page.locator(".js-plotly-plot").count() == 2  # the ranking and the trend
        finally:
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.close()
