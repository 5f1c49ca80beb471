"""The Compare page in a real browser (Debian's headless Chromium, Playwright) on three generated authorities: the
ranking and the trend are drawn, the authority in focus is named, board mode shows no counts; screenshots in
test-results/screenshots/compare*.png."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from tests.test_browser import SHOTS, _open, browser, serving  # noqa: F401 - browser is a fixture


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
    with serving(three_db) as url:
        yield url


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



def test_a_link_naming_a_measure_by_its_code_opens_it(compare_server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    try:
        _open(page, f"{compare_server}/compare?measure=visits_gaps", "Compare authorities")
        page.get_by_text("Longest time without a statutory visit, Mar 2018").first.wait_for(timeout=30_000)
        chosen = page.locator("[data-testid='stMain'] [data-testid='stSelectbox'] input").first
        assert chosen.get_attribute("value") == "Longest time without a statutory visit (visits)"
        assert "measure=visits_gaps" in page.url  # the address to share keeps the code
    finally:
        page.close()
