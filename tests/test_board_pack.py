"""The board pack PDF: page count, authority, month, every finding, and no child identifier anywhere."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time

import duckdb
import pytest
from pypdf import PdfReader
from reportlab.graphics.charts.lineplots import LinePlot

import queries
from lens.formatting import fmt_change
from lens.spc_chart import ASSURANCE_LABELS, VARIATION_LABELS
from reports.board_pack import build, render
from reports.images import ImagesUnavailable


@pytest.fixture(scope="module")
def pack_and_pdf(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    pack = build(con, la, "2018-03")
    pdf = render(pack)
    children = [r[0] for r in con.execute("select child from dim_child").fetchall()]
    workers = [r[0] for r in con.execute("select sw_id from dim_worker").fetchall()]
    con.close()
    return pack, pdf, children, workers


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pages_cover_overview_and_one_per_headline_measure(pack_and_pdf):
    pack, pdf, _, _ = pack_and_pdf
    reader = PdfReader(io.BytesIO(pdf))
    n = 3 + len(queries.headline_measures())  # cover and contents, Overview, performance on a page, the measures
    assert len(reader.pages) == n
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    texts = [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]
    assert all(f"Page {i} of {n}" in t for i, t in enumerate(texts, start=1))
    # the contents on the cover give each measure's page, and that page carries the measure's title
    cover = texts[0]
    for i, theme in enumerate(pack.pages, start=4):
        assert f"{theme.title} {i}" in cover
        assert texts[i - 1].startswith(theme.title) or theme.title in texts[i - 1][:200]
    assert "Data extract loaded " in cover and "the data run to March 2018" in cover
    # performance on a page: every team and the authority, every measure
    grid = texts[2]
    assert "Performance on a page, March 2018" in grid and "All teams" in grid and "CLA Team 1" in grid
    assert all(p.title in grid for p in pack.pages)
    # its grey cells are explained: '<5' is not a percentage under 5, and 'Hidden' says why it is hidden
    assert "Grey '<5': the figure rests on fewer than 5 children (not a percentage under 5)" in grid
    assert "'Hidden': hidden so that a number under 5 cannot be worked out from the other figures" in grid


def test_text_names_authority_month_and_each_finding(pack_and_pdf):
    pack, pdf, _, _ = pack_and_pdf
    text = re.sub(r"\s+", " ", _text(pdf))
    assert pack.la_name in text and "March 2018" in text
    for page in pack.pages:
        assert re.sub(r"\s+", " ", page.finding) in text, page.finding
    # the Overview says whether each change is better or worse for its measure, so '3 got worse' can be traced
    overview = re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[1].extract_text())
    for t in pack.tiles.itertuples():
        assert f"{fmt_change(t.change_last_month, t.unit)} {t.direction_last_month}" in overview, t.measure
    worse = (pack.tiles["direction_last_month"] == "worse").sum()
    assert overview.count(" worse") >= worse and f"{worse} got worse" in text


def test_no_child_or_worker_identifier_appears(pack_and_pdf):
    _, pdf, children, workers = pack_and_pdf
    text = _text(pdf)
    raw = pdf.decode("latin-1")
    assert children and workers
    for ident in children + workers:
        assert not re.search(rf"\b{re.escape(ident)}\b", text), ident
    assert not any(ident in raw for ident in children[:50])


def test_command_line_writes_the_same_pack(sample_db, tmp_path):
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    con.close()
    out = tmp_path / "pack.pdf"
    done = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--db", str(sample_db), "--la", la,
                           "--month", "2018-03", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(str(out)).pages) == 3 + len(queries.headline_measures())
    bad = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--db", str(sample_db), "--la", "Z00000000",
                          "--month", "2018-03", "--out", str(tmp_path / "x.pdf")], capture_output=True, text=True)
    assert bad.returncode == 2 and "no authority 'Z00000000' in the warehouse" in bad.stderr


def test_command_line_on_a_missing_warehouse_is_one_line_and_creates_nothing(tmp_path):
    db = tmp_path / "no" / "missing.duckdb"
    done = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--db", str(db), "--la", "Z00000000",
                           "--month", "2018-03", "--out", str(tmp_path / "pack.pdf")], capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"no warehouse at {db}: run python -m etl load first\n")
    assert list(tmp_path.iterdir()) == []


# ---------- without Chromium: the pack is still made, its charts drawn by reportlab ----------

def test_without_a_browser_the_pack_has_simple_charts_and_says_why(sample_db, tmp_path, monkeypatch):
    missing = tmp_path / "no-chromium"
    monkeypatch.setenv("PRACTICE_LENS_CHROMIUM", str(missing))
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    started = time.perf_counter()
    pack = build(con, la, "2018-03")
    pdf = render(pack)
    took = time.perf_counter() - started
    con.close()
    assert took < 20, took  # no waiting on a browser
    assert pack.images_note == ("Chart images need Chromium: apt-get install -y chromium "
                                f"(PRACTICE_LENS_CHROMIUM={missing} is not an executable file)")
    assert not any(isinstance(p.chart, bytes) for p in pack.pages)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3 + len(queries.headline_measures())
    for page, theme in zip(reader.pages[3:], pack.pages, strict=True):
        text = re.sub(r"\s+", " ", page.extract_text())
        assert theme.title in text and re.sub(r"\s+", " ", theme.finding) in text
        # the SPC chart: its legend, its icons, month ticks every 3 months over 24 and the footer the PNG would carry
        assert "Average" in text and "Process limits" in text and "Apr 2016" in text and "Jan 2018" in text
        assert theme.variation and VARIATION_LABELS[theme.variation] in text
        assert f"Apr 2016 to Mar 2018 · {pack.la_name} · data to 31 Mar 2018 · Source: Practice Lens" in text
        # the axis fits what is drawn, as on screen: every line inside it, and where it does not start at 0 it says so
        plot = next(c for c in theme.chart.contents if isinstance(c, LinePlot))
        low, high = plot.yValueAxis.valueMin, plot.yValueAxis.valueMax
        drawn = [y for line in plot.data for _, y in line]
        assert low <= min(drawn) and max(drawn) <= high, theme.measure
        assert (low > 0) == ("axis starts at" in text), (theme.measure, low)
        if queries.get(theme.measure).fields.get("unit") == "%":
            assert high <= 101 + (max(drawn) - min(drawn)) * 0.12, (theme.measure, high)  # never up to 105% for 90%
    visits = next(p for p in pack.pages if p.measure == "visits_in_time")  # 90-97% in the sample: not a flat line
    assert next(c for c in visits.chart.contents if isinstance(c, LinePlot)).yValueAxis.valueMin > 80


def test_command_line_without_a_browser_warns_once_and_writes_the_pack(sample_db, tmp_path):
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    con.close()
    out = tmp_path / "pack.pdf"
    env = {**os.environ, "PRACTICE_LENS_CHROMIUM": "/nonexistent/chromium"}
    done = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--db", str(sample_db), "--la", la,
                           "--month", "2018-03", "--out", str(out)], capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0
    assert done.stderr == ("warning: Chart images need Chromium: apt-get install -y chromium "
                           "(PRACTICE_LENS_CHROMIUM=/nonexistent/chromium is not an executable file); "
                           "the charts are drawn more simply without it\n")
    assert done.stdout.startswith(f"wrote {out} (")
    assert len(PdfReader(str(out)).pages) == 3 + len(queries.headline_measures())


def test_a_browser_that_stops_answering_mid_pack_leaves_the_rest_to_reportlab(sample_db, monkeypatch):
    import reports.board_pack as board_pack

    calls = []

    def first_then_stuck(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            return b"a png"
        raise ImagesUnavailable("The chart image was not drawn within 30 s: ...")

    monkeypatch.setattr(board_pack, "unavailable_reason", lambda: None)
    monkeypatch.setattr(board_pack, "figure_bytes", first_then_stuck)
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    pack = build(con, la, "2018-03")
    con.close()
    assert len(calls) == 2  # no further attempt after the browser stopped answering
    assert pack.images_note == "The chart image was not drawn within 30 s: ..."
    assert pack.pages[0].chart == b"a png"
    assert not any(isinstance(p.chart, bytes) for p in pack.pages[1:])


# ---------- Early warning: the SPC chart and icons per measure ----------

def test_each_measure_page_says_its_early_warning_and_the_overview_carries_both_icons(pack_and_pdf):
    pack, pdf, _, _ = pack_and_pdf
    reader = PdfReader(io.BytesIO(pdf))
    pages = {p.measure: p for p in pack.pages}
    sw = pages["sw_changes"]
    assert (sw.variation, sw.assurance) == ("concern_high", "inconsistent")
    assert sw.signal.startswith("Concern since Jan 2017 (15 months): ")
    assert sw.warning == f"{sw.title}: concern since Jan 2017, 15 months"
    for page, theme in zip(reader.pages[3:], pack.pages, strict=True):
        text = re.sub(r"\s+", " ", page.extract_text())
        assert f"Early warning. {theme.signal}" in text, theme.measure
    overview = re.sub(r"\s+", " ", reader.pages[1].extract_text())
    # both icons for every measure (drawn, with their names), special causes of concern first
    for theme in pack.pages:
        assert VARIATION_LABELS[theme.variation] in overview and ASSURANCE_LABELS[theme.assurance] in overview
    assert overview.index(sw.title) < min(overview.index(p.title) for p in pack.pages if p is not sw)
    assert f"Special cause of concern: {sw.title}: concern since Jan 2017, 15 months" in overview
    cover = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "7 headline measures: 1 shows a special cause of concern;" in cover


def test_the_pack_uses_the_rebases_recorded_beside_the_warehouse(sample_db, tmp_path):
    from lens.rebase_log import RebaseLog

    companion = tmp_path / "companion.sqlite"
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    RebaseLog(companion).add("sw_changes", la, "All teams", "2017-04-30", "New allocation policy", "A. Lead")
    pack = build(con, la, "2018-03", companion=companion)
    con.close()
    sw = next(p for p in pack.pages if p.measure == "sw_changes")
    # Apr 2017 to Mar 2018 get their own limits (12 months: provisional): around the new, higher level the
    # latest month is common cause, and the 27% target lies below the new lower limit
    assert (sw.variation, sw.assurance) == ("common_cause", "fail")
    assert sw.signal == "No significant change; will not reliably meet the target of 27.0% (provisional limits)"


def test_staff_figures_under_five_are_not_left_out_of_the_early_warning(pack_and_pdf, sample_db):
    # The agency rate's numerator is agency FTE (staff, never hidden): a month with 4.0 agency FTE stays in the SPC,
    # so the pack's early warning is the one the dashboard gives in normal mode
    from lens import early_warning

    pack, _, _, _ = pack_and_pdf
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    rows = queries.run("workforce_agency_rate", con, la_codes=[la], team="All teams", from_month="2016-04",
                       to_month="2018-03")
    con.close()
    assert (rows["numerator"] < 5).any()  # the sample has such a month: the case this test is about
    target = queries.targets().set_index("measure")["target"].get("workforce_agency_rate")
    polarity = queries.get("workforce_agency_rate").fields["polarity"]
    normal = early_warning.measure_signal("workforce_agency_rate", "", "%", rows, polarity, target, (), board=False)
    page = next(p for p in pack.pages if p.measure == "workforce_agency_rate")
    assert page.signal == normal.sentence and page.note == ""


def test_a_change_says_better_or_worse_unless_it_rounds_to_nothing():
    from reports.board_pack import _change

    assert _change(2.0, "worse", "%") == "+2.0 pts\nworse"
    assert _change(-8.1, "better", "%") == "-8.1 pts\nbetter"
    assert _change(0.04, "better", "%") == "+0.0 pts"  # level as shown: no word, no colour
    assert _change(-1.0, None, "%") == "-1.0 pts"  # no direction (no target or polarity): the change alone
    assert _change(None, "worse", "%") == ""  # no figure a year ago
