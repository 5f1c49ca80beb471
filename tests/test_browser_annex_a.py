"""Annex A in a real browser (the harness of tests/test_browser.py): the Data quality page's reconciliation on the
sample authority with its workbook, and the Annex A snapshot standing in on the Visits page of an authority with only
its workbook. Screenshots go to test-results/screenshots/annex-a-*.png."""

from __future__ import annotations

from tests.test_annex_a import annex_only  # noqa: F401 - a fixture
from tests.test_browser import SHOTS, _open, browser, serving  # noqa: F401 - browser is a fixture


def test_data_quality_shows_the_sample_reconciliation(sample_annex, browser):  # noqa: F811
    db, made = sample_annex
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open(page, f"{url}/data-quality", "Data quality")
        heading = page.get_by_role("heading", name="Annex A List 8 and the event data", exact=True)
        heading.wait_for(timeout=60_000)
        heading.scroll_into_view_if_needed()
        assert page.locator("[data-testid='stException']").count() == 0
        page.get_by_text("In Annex A only").first.wait_for(timeout=60_000)  # the metric and the table's row
        page.screenshot(path=str(SHOTS / "annex-a-data-quality.png"), full_page=True)
        children = page.get_by_role("heading", name="Children on which Annex A List 8 and the event data disagree, "
                                                    "as at 31 Mar 2018")
        children.wait_for(timeout=60_000)
        children.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "annex-a-data-quality-children.png"))
        page.close()


def test_visits_page_shows_the_annex_a_snapshot(annex_only, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(annex_only) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open(page, f"{url}/visits", "Visits")
        page.get_by_text("Annex A List 8, 31 Mar 2018").first.wait_for(timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        assert page.locator(".js-plotly-plot .main-svg").count() >= 1
        page.screenshot(path=str(SHOTS / "annex-a-visits.png"), full_page=True)
        page.close()
