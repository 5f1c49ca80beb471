"""Chart images and data files open as what they claim to be, with the right size, rows and definitions."""

from __future__ import annotations

import asyncio
import io
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from PIL import Image

from lens import charts
from reports import images
from reports.images import PNG_HEIGHT, PNG_SCALE, PNG_WIDTH, ImagesUnavailable, figure_bytes
from reports.tables import csv_bytes, xlsx_bytes


def _fig():
    df = pd.DataFrame({"month_end": pd.to_datetime(["2018-01-31", "2018-02-28", "2018-03-31"]),
                       "value": [80.0, 79.0, 78.0]})
    return charts.trend(df, "Visits in time fell to 78.0% in March 2018", "%", target=95)


def test_png_is_high_resolution_and_not_blank():
    png = figure_bytes(_fig(), "png", footer="Visits in time · Source: Practice Lens")
    img = Image.open(io.BytesIO(png))
    assert img.size == (PNG_WIDTH * PNG_SCALE, PNG_HEIGHT * PNG_SCALE) == (3200, 1800)
    colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # a blank image has one colour
    # the line is drawn in the house blue (#0072B2) somewhere
    assert any(c == (0, 114, 178) for _, c in colours)


def test_svg_parses_and_carries_title_and_footer():
    svg = figure_bytes(_fig(), "svg", footer="Visits in time · Sample Borough · Source: Practice Lens")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "Visits in time fell to 78.0% in March 2018" in text
    assert "Source: Practice Lens" in text


def test_xlsx_has_data_definitions_and_about_sheets():
    df = pd.DataFrame({"month_end": pd.to_datetime(["2018-01-31", "2018-02-28"]), "value": [80.0, 79.0]})
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(df, {"visits_in_time": "Question: ..."},
                                                        {"Authority": "Sample Borough"})))
    assert book.sheetnames == ["Data", "Definitions", "About"]
    data = list(book["Data"].values)
    assert data[0] == ("month_end", "value") and len(data) == 3
    assert list(book["Definitions"].values)[1] == ("visits_in_time", "Question: ...")
    assert list(book["About"].values)[1] == ("Authority", "Sample Borough")


def test_csv_round_trips():
    df = pd.DataFrame({"child": ["C1", "C2"], "days_overdue": [12, 3]})
    back = pd.read_csv(io.BytesIO(csv_bytes(df)), encoding="utf-8-sig")
    assert back.equals(df)


# ---------- without a browser, or with one that stops answering: fail fast, never hang ----------

def _gone(pid: int, within: float = 10.0) -> bool:
    """True once process `pid` has ended (exited, or a zombie waiting for its parent)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return True
        except (FileNotFoundError, IndexError):
            return True
        time.sleep(0.1)
    return False


def test_a_setting_pointing_at_no_browser_fails_at_once_naming_what_to_install(tmp_path, monkeypatch):
    missing = tmp_path / "no-chromium"
    monkeypatch.setenv("PRACTICE_LENS_CHROMIUM", str(missing))
    message = ("Chart images need Chromium: apt-get install -y chromium "
               f"(PRACTICE_LENS_CHROMIUM={missing} is not an executable file)")
    started = time.perf_counter()
    for fmt in ("png", "svg"):
        with pytest.raises(ImagesUnavailable) as caught:
            figure_bytes(_fig(), fmt, footer="Visits in time")
        assert str(caught.value) == message
    assert time.perf_counter() - started < 1.0
    assert images.unavailable_reason() == message


def test_no_browser_found_fails_at_once_naming_what_to_install(monkeypatch):
    monkeypatch.delenv("PRACTICE_LENS_CHROMIUM", raising=False)
    monkeypatch.setattr(images, "find_browser", lambda: None)  # as on a machine without chrome or chromium
    started = time.perf_counter()
    with pytest.raises(ImagesUnavailable) as caught:
        figure_bytes(_fig(), "png")
    assert time.perf_counter() - started < 1.0
    assert str(caught.value) == "Chart images need Chromium: apt-get install -y chromium (no Chrome or Chromium found)"


def test_a_browser_that_never_answers_is_given_up_and_killed_within_the_timeout(tmp_path, monkeypatch):
    fake = tmp_path / "chromium"
    fake.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PRACTICE_LENS_CHROMIUM", str(fake))
    monkeypatch.setenv("PRACTICE_LENS_IMAGE_TIMEOUT", "1")
    started = time.perf_counter()
    with pytest.raises(ImagesUnavailable) as caught:
        figure_bytes(_fig(), "png")
    took = time.perf_counter() - started
    assert 1.0 <= took < 3.0, took
    assert str(caught.value) == (f"Chart images need Chromium: apt-get install -y chromium (the browser at {fake} "
                                 "did not start within 1 s)")
    assert _gone(int((tmp_path / "pid").read_text()))


def test_an_image_the_browser_never_finishes_times_out_and_the_next_one_starts_a_new_browser(monkeypatch):
    assert figure_bytes(_fig(), "svg")  # the real browser, started
    stuck = images._browser
    process = stuck.kaleido.subprocess

    async def never(*args, **kwargs):
        await asyncio.sleep(3600)

    monkeypatch.setattr(stuck.kaleido, "calc_fig", never)
    monkeypatch.setenv("PRACTICE_LENS_IMAGE_TIMEOUT", "1")
    started = time.perf_counter()
    with pytest.raises(ImagesUnavailable) as caught:
        figure_bytes(_fig(), "png")
    assert 1.0 <= time.perf_counter() - started < 3.0
    assert str(caught.value) == (f"The chart image was not drawn within 1 s: the browser at {stuck.path} stopped "
                                 "answering and was closed (the next image starts a new one)")
    assert _gone(process.pid)
    monkeypatch.setenv("PRACTICE_LENS_IMAGE_TIMEOUT", "30")
    assert figure_bytes(_fig(), "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert images._browser is not stuck and images._browser.alive()
