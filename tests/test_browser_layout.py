"""Every page at a laptop's 1280x800 and a projector's 1920x1080, normal and board mode, in headless Chromium: no
error, no chart title running out of its chart or into its legend, no tile title cut short with an ellipsis.

The screenshots (test-results/screenshots/layout-<page>-<size>-<mode>.png) are for a person to look at too.
"""

from __future__ import annotations

import json

import pytest

from tests.test_browser import PAGES, SHOTS, _assert_rendered, _open, browser, server  # noqa: F401

SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}
ALL_PAGES = {**PAGES, "compare": "Compare authorities"}

# Text the browser drew cut: a Plotly title wider than its chart or overlapping the chart's legend, and any element
# Streamlit ends with an ellipsis (text-overflow) whose text is wider than its box.
CUT_TEXT = """() => {
  const cut = [];
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 4;  // glyphs' ascent
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const box = plot.querySelector('.main-svg').getBoundingClientRect();
    if (box.width === 0 || plot.offsetParent === null) continue;  // in a tab not shown
    const legend = plot.querySelector('.legend');
    for (const title of plot.querySelectorAll('.gtitle')) {
      const r = title.getBoundingClientRect();
      if (!inside(r, box)) cut.push('chart title outside its chart: ' + title.textContent);
      if (legend && overlap(r, legend.getBoundingClientRect()))
        cut.push('chart title under its legend: ' + title.textContent);
      const area = plot.querySelector('.nsewdrag');  // the plot area of the (first) x-y chart
      if (area && r.bottom > area.getBoundingClientRect().top + 2)
        cut.push('chart title runs into the plot: ' + title.textContent);
    }
    const box2 = plot.getBoundingClientRect();
    for (const axisTitle of plot.querySelectorAll('.xtitle')) {  // ticks turned on their side run into "Month"
      const a = axisTitle.getBoundingClientRect();
      const inked = {left: a.left, right: a.right, top: a.top + 4, bottom: a.bottom - 4};  // text boxes carry padding
      if ([...plot.querySelectorAll('.xtick text')].some(t => overlap(inked, t.getBoundingClientRect())))
        cut.push('x axis title over its tick labels: ' + axisTitle.textContent);
      if (a.bottom > box2.bottom + 1) cut.push('x axis title below its chart: ' + axisTitle.textContent);
    }
  }
  for (const el of document.querySelectorAll('[data-testid="stMetricLabel"] *, [data-testid="stMetricValue"] *, h1, h2, h3, [data-testid="stCaption"]')) {
    if (el.offsetParent === null) continue;
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
      cut.push('text cut with an ellipsis: ' + el.textContent);
  }
  return cut;
}"""


@pytest.mark.slow
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("mode", ["normal", "board"])
def test_every_page_fits_at_laptop_and_projector_sizes(server, browser, size, mode):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    problems: dict[str, list[str]] = {}
    query = "?month=2018-03" + ("&board=true" if mode == "board" else "")
    for path, title in ALL_PAGES.items():
        _open(page, f"{server}/{path}{query}", title)
        name = path or "overview"
        try:
            if name != "compare":  # one authority in the sample: Compare says so in words, no chart
                _assert_rendered(page, name)
            page.wait_for_timeout(300)  # Plotly lays titles out after the chart's first frame
            found = page.evaluate(CUT_TEXT)
            if found:
                problems[name] = found
        finally:  # the first screen as the user sees it, then the whole page (Streamlit scrolls inside its own box)
            page.screenshot(path=str(SHOTS / f"layout-{name}-{size}-{mode}.png"))
            tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": width, "height": min(int(tall) + 50, 12000)})
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / f"layout-{name}-{size}-{mode}-whole.png"))
            page.set_viewport_size({"width": width, "height": height})
    page.close()
    assert problems == {}, json.dumps(problems, indent=1)
