"""The main journeys in a real browser: Debian's headless Chromium driven by Playwright against `streamlit run`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright import sync_api as playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {"": "Overview", "visits": "Visits", "social-worker-changes": "Social worker changes",
         "missing": "Missing", "health": "Health", "workforce": "Workforce",
         "reviews-stability": "Reviews & stability", "plans-legal": "Plans & legal", "data-quality": "Data quality"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """`streamlit run app.py` on the warehouse `db` as a user would start it; its URL once it answers, stopped after."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, "PRACTICE_LENS_DB": str(db)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
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
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(sample_db):
    with serving(sample_db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run scripts/install-test-deps.sh")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(page, url: str, title: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    # wait until Streamlit has finished running the script
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)


def _assert_rendered(page, name: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, f"{name}: error box on the page"
    if name == "overview":  # tiles: a metric with its sparkline per headline measure
        # the tiles arrive one by one: wait for all of them rather than count the first few
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 7",
                               timeout=30_000)
    elif name == "data-quality":  # tables of the load log and freshness
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    else:
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        assert page.locator(".js-plotly-plot .main-svg").count() >= 1, f"{name}: no Plotly chart"


# Tables of up to 20 rows (21 grid rows with the heading) that the browser drew in a box too short for them, so
# that their last rows hide behind an inner scroll bar: [grid rows, box height, content height] of each.
SHORT_TABLES_SCROLLING = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .map(d => [d.querySelector('[role="grid"], table'), d.querySelector('.dvn-scroller'), d])
  .filter(([grid, scroller, d]) => grid && scroller && d.offsetParent !== null)
  .map(([grid, scroller]) => [Number(grid.getAttribute('aria-rowcount')), scroller.clientHeight,
                              scroller.scrollHeight])
  .filter(([rows, box, content]) => rows <= 21 && content > box + 1)"""


def test_every_page_renders_with_charts_and_no_error(server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    for path, title in PAGES.items():
        _open(page, f"{server}/{path}", title)
        try:
            _assert_rendered(page, path or "overview")
            assert page.evaluate(SHORT_TABLES_SCROLLING) == [], f"{path}: a short table scrolls inside its box"
        finally:
            page.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)
    page.close()


def test_the_overview_opens_at_its_own_url_and_at_the_root(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    for path in ("overview", ""):
        _open(page, f"{server}/{path}", "Overview")
        try:
            _assert_rendered(page, "overview")
            assert page.get_by_text("Page not found").count() == 0, path
            assert page.get_by_text("Overview", exact=True).first.is_visible()
            assert page.url.split("?")[0] == f"{server}/{path}"
        finally:
            page.screenshot(path=str(SHOTS / f"overview-url-{path or 'root'}.png"), full_page=True)
    page.close()


def test_changing_the_team_filter_updates_page_and_url(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _open(page, f"{server}/visits", "Visits")
    options = page.get_by_role("option")
    for attempt in range(3):  # a click that lands while the page is still drawing opens nothing: try again
        page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Team").click()
        try:
            options.first.wait_for(timeout=10_000)
            break
        except playwright.TimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    team = options.nth(1).inner_text().strip()
    options.nth(1).click()
    page.wait_for_url(lambda u: "team=" in u, timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.get_by_text(f"· {team} ·").first.wait_for(timeout=30_000)
    _assert_rendered(page, "visits-team")
    page.screenshot(path=str(SHOTS / "visits-team.png"), full_page=True)
    page.close()


def _download(server: str, browser, tmp_path: Path, label: str, which: str) -> Path:
    """Click the first or last download button with `label` on the Visits page; the saved file."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    _open(page, f"{server}/visits", "Visits")
    # the child list is drawn last: wait for it, so "the last button" is its button and not the chart's above it
    page.get_by_text("Children whose statutory visit is overdue").first.wait_for(timeout=60_000)
    if which == "last":  # and for its own button, which a busy machine draws a moment after the list's heading
        page.wait_for_function("""label => {
            const heading = [...document.querySelectorAll('h1, h2, h3, h4')]
                .find(e => e.textContent.includes('Children whose statutory visit is overdue'));
            const buttons = [...document.querySelectorAll("[data-testid='stDownloadButton'] button")]
                .filter(b => b.textContent.includes(label));
            return heading && buttons.length
                && (heading.compareDocumentPosition(buttons[buttons.length - 1]) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""", arg=label, timeout=60_000)
    buttons = page.locator("[data-testid='stDownloadButton'] button").filter(has_text=label)
    with page.expect_download(timeout=90_000) as info:
        (buttons.first if which == "first" else buttons.last).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    page.close()
    return target


def test_downloading_a_list_gives_the_csv(server, browser, tmp_path):
    target = _download(server, browser, tmp_path, "CSV", "last")  # the last CSV button is the child list's
    assert target.suffix == ".csv"
    assert target.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Child,Authority code,Team,Social worker")


def test_downloading_a_chart_gives_a_png(server, browser, tmp_path):
    target = _download(server, browser, tmp_path, "PNG", "first")  # the headline trend's image
    assert target.suffix == ".png"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_clicking_a_team_bar_narrows_the_list(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    _open(page, f"{server}/visits?month=Mar+2018", "Visits")
    bars = page.locator(".js-plotly-plot").nth(1).locator(".bars .point path")
    bars.first.wait_for(timeout=30_000)
    teams = [t.strip() for t in page.locator(".js-plotly-plot").nth(1).locator(".ytick text").all_text_contents()]
    box = bars.first.bounding_box()  # Plotly's drag layer takes the click, as it does for a person's mouse
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # the list's heading names the team, and every row of the list belongs to it
    heading = page.get_by_role("heading").filter(has_text=re.compile(r"as at .* · CLA Team \d"))
    try:
        heading.first.wait_for(timeout=30_000)
    finally:
        page.screenshot(path=str(SHOTS / "visits-team-click.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    chosen = heading.first.inner_text().split("· ")[-1].strip()
    assert chosen in teams
    page.close()


def test_early_warning_on_a_theme_page_and_the_overview_normal_and_board_mode(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    for board in ("", "&board=true"):
        name = "board" if board else "normal"
        _open(page, f"{server}/social-worker-changes?month=Mar+2018{board}", "Social worker changes")
        try:
            _assert_rendered(page, "social-worker-changes")
            # the icons beside the SPC chart (their names are the images' alt text) and the sentence
            page.get_by_role("img", name="Concern (high)").first.wait_for(timeout=30_000)
            assert page.get_by_role("img", name="Hit and miss").count() >= 1
            sentence = page.locator("[data-testid='stMarkdownContainer']").filter(
                has_text="Concern since Jan 2017 (15 months): 11 points in a row above the upper process limit")
            assert sentence.count() == 1
            assert page.get_by_role("tab", name="Early warning").get_attribute("aria-selected") == "true"
            # the chart: orange concern dots drawn by Plotly
            assert page.locator(".js-plotly-plot").first.locator("path.point[style*='rgb(230, 159, 0)']").count() > 0
            # recording a rebase is for analysts, never in a board meeting
            assert page.get_by_text("Recalculate the limits from a month").count() == (0 if board else 1)
        finally:
            page.screenshot(path=str(SHOTS / f"early-warning-theme-{name}.png"), full_page=True)
        _open(page, f"{server}/?month=Mar+2018&period=5+years{board}", "Overview")
        try:
            _assert_rendered(page, "overview")
            alert = page.locator("[data-testid='stAlert']").filter(has_text="Special cause of concern")
            assert "Statutory visits in timescale: concern since Nov 2016, 17 months" in alert.inner_text()
            tiles = page.locator("[data-testid='stMetric']")
            assert tiles.first.inner_text().startswith("Return interviews within 72 hours")  # concerns first
            icons = page.locator("[data-testid='stMain'] [data-testid='stImage'] img")
            # the tiles' icons are drawn after their numbers: wait for the last one, then count them exactly
            icons.nth(2 * tiles.count() - 1).wait_for(timeout=30_000)
            assert icons.count() == 2 * tiles.count()  # both icons on every tile
        finally:
            page.screenshot(path=str(SHOTS / f"early-warning-overview-{name}.png"), full_page=True)
    page.close()


CELL_CENTRE = """([team, title]) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  for (const gd of plots) {
    const traces = gd.querySelectorAll('.scatterlayer .trace');
    for (let t = 0; t < gd.data.length; t++) {
      const d = gd.data[t];
      if (!d.marker || d.marker.symbol !== 'square') continue;
      for (let i = 0; i < d.x.length; i++) {
        if (d.x[i] === team && d.y[i] === title) {
          const r = traces[t].querySelectorAll('.points path')[i].getBoundingClientRect();
          return [r.x + r.width / 2, r.y + r.height / 2];
        }
      }
    }
  }
  return null;
}"""


def test_a_click_on_a_heat_map_cell_opens_its_page_for_that_team(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 3600})
    _open(page, server, "Overview")
    page.wait_for_function(f"() => ({CELL_CENTRE})(['CLA Team 2', 'Statutory visits in timescale']) !== null",
                           timeout=30_000)
    x, y = page.evaluate(CELL_CENTRE, ["CLA Team 2", "Statutory visits in timescale"])
    page.mouse.click(x, y)  # Plotly's drag layer takes the click, as it does for a person's mouse
    try:
        page.get_by_text("· CLA Team 2 ·").first.wait_for(timeout=30_000)
        page.get_by_role("heading", name="Visits", exact=True).first.wait_for(timeout=30_000)
    finally:
        page.screenshot(path=str(SHOTS / "heatmap-click-visits-team2.png"), full_page=True)
    # the address is a link to this view: the page, and the team chosen in the sidebar's filter
    page.wait_for_url(lambda u: "/visits" in u and "team=CLA+Team+2" in u, timeout=30_000)
    page.close()


def test_the_drift_timeline_of_one_child(server, browser):
    # The sample's story child: a new social worker on 24 July 2017, then no visit for months and every action in
    # the plan agreed just before the change left overdue (etl/generate_plans.py).
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _open(page, f"{server}/plans-legal?month=Oct+2017", "Plans & legal")
    box = page.get_by_role("textbox", name="Or a child's identifier")
    box.fill("C000566")
    box.press("Enter")
    chart = page.locator(".js-plotly-plot").filter(has_text="Child C000566: the year to Oct 2017")
    try:
        chart.first.wait_for(timeout=60_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        chart.first.scroll_into_view_if_needed()
        assert page.locator("[data-testid='stException']").count() == 0
        # the lanes, the change of worker and the overdue actions are drawn
        for lane in ("Social worker", "Visits", "Reviews", "Plan actions", "Supervision", "Missing"):
            assert chart.first.locator(".ytick text", has_text=lane).count() == 1, lane
        assert chart.first.locator(".legendtext", has_text="New social worker").count() == 1
        assert chart.first.locator(".legendtext", has_text="Action overdue").count() == 1
        metric = page.locator("[data-testid='stMetric']").filter(has_text="Days since a visit")
        assert metric.inner_text().split("\n")[-1].strip() == "105"
    finally:
        SHOTS.mkdir(parents=True, exist_ok=True)
        chart.first.screenshot(path=str(SHOTS / "drift-timeline.png"))
        page.screenshot(path=str(SHOTS / "drift-view.png"), full_page=True)
    page.close()
