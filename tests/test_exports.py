"""Chart images and data files open as what they claim to be, with the right size, rows and definitions."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from lens import charts, labels
from lens.disclosure import HIDDEN, SUPPRESSED, protect
from reports import images
from reports.images import PNG_HEIGHT, PNG_SCALE, PNG_WIDTH, ImagesUnavailable, figure_bytes
from reports.tables import MAX_WIDTH, MIN_WIDTH, csv_bytes, csv_safe, xlsx_bytes


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


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_xlsx_has_data_definitions_and_about_sheets():
    df = pd.DataFrame({"month_end": pd.to_datetime(["2018-01-31", "2018-02-28"]), "value": [80.0, 79.0]})
    book = _book(xlsx_bytes(df, {"visits_in_time": "Question: ..."}, {"Authority": "Sample Borough"}))
    assert book.sheetnames == ["Data", "Definitions", "About"]
    data = list(book["Data"].values)
    assert data[0] == ("Month", "Value") and len(data) == 3
    definitions = list(book["Definitions"].values)
    assert definitions[1][:2] == ("visits_in_time", "Question: ...")
    assert definitions[3:] == [("Column", "Heading", "Meaning"),
                               ("month_end", "Month", labels.meaning("month_end")),
                               ("value", "Value", labels.meaning("value"))]
    assert list(book["About"].values)[1] == ("Authority", "Sample Borough")


def test_csv_round_trips():
    df = pd.DataFrame({"child": ["C1", "C2"], "days_overdue": [12, 3]})
    back = pd.read_csv(io.BytesIO(csv_bytes(df)), encoding="utf-8-sig")
    assert back.equals(df.rename(columns={"child": "Child", "days_overdue": "Days overdue"}))


# --- Task A: text from the data never runs as a formula (OWASP CSV injection) ---

ATTACKS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "=1+1", "+1", "-2+3", "@SUM(A1:A2)", "\t=1+1",
           "\r=1+1"]
FORMULA_START = "=+-@\t\r"


def _ooxml(text: str) -> str:
    """How xlsx stores control characters (_xHHHH_); Excel shows the character itself."""
    return re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def _attack_frame() -> pd.DataFrame:
    n = len(ATTACKS)
    return pd.DataFrame({"child": ATTACKS, "team": list(reversed(ATTACKS)),
                         "change_last_month": [-8.099999999999994, -1.0, 2.5] + [0.0] * (n - 3),
                         "days_overdue": list(range(-3, n - 3))})


def test_xlsx_writes_formula_like_text_as_text_on_every_sheet():
    df = _attack_frame()
    book = _book(xlsx_bytes(df, {"=1+1": "-definition"}, {"Team": '=HYPERLINK("http://x","y")', "Note": "@x"}))
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    rows = list(book["Data"].iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [_ooxml(a) for a in ATTACKS]
    assert all(r[0].data_type == "s" and r[1].data_type == "s" for r in rows)
    assert [r[2].value for r in rows[:3]] == [-8.1, -1, 2.5] and all(r[2].data_type == "n" for r in rows)
    assert [r[3].value for r in rows] == list(range(-3, len(ATTACKS) - 3)) and all(r[3].data_type == "n" for r in rows)
    assert list(book["Definitions"].values)[1][:2] == ("=1+1", "-definition")
    assert list(book["About"].values)[1:] == [("Team", '=HYPERLINK("http://x","y")'), ("Note", "@x")]


def test_csv_quotes_formula_like_text_but_not_numbers():
    rows = _csv(csv_bytes(_attack_frame()))
    assert rows[0] == ["Child", "Team", "Change since last month", "Days overdue"]
    assert [r[0] for r in rows[1:]] == ["'" + a for a in ATTACKS]
    assert [r[1] for r in rows[1:]] == ["'" + a for a in reversed(ATTACKS)]
    assert [r[2] for r in rows[1:4]] == ["-8.1", "-1.0", "2.5"]  # negative numbers stay numbers
    assert [r[3] for r in rows[1:4]] == ["-3", "-2", "-1"]
    assert csv_safe("C1") == "C1" and csv_safe("not recorded") == "not recorded"


_DANGEROUS = st.builds(lambda first, rest: first + rest, st.sampled_from(FORMULA_START),
                       st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
                               max_size=30))


@settings(max_examples=60, deadline=None)
@given(st.lists(_DANGEROUS, min_size=1, max_size=4), _DANGEROUS)
def test_no_string_starting_with_a_formula_character_ever_becomes_a_formula(texts, about_text):
    df = pd.DataFrame({"team": texts, "numerator": range(len(texts))})
    book = _book(xlsx_bytes(df, {"m": about_text}, {"Team": about_text}))
    cells = [r[0] for r in book["Data"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == [_ooxml(t) for t in texts]
    assert all(c.data_type == "s" for c in cells)
    assert book["About"]["B2"].data_type == "s" and book["About"]["B2"].value == _ooxml(about_text)
    assert book["Definitions"]["B2"].data_type == "s"
    assert [r[0] for r in _csv(csv_bytes(df))[1:]] == ["'" + t for t in texts]


# --- Task C: analyst-grade xlsx and csv ---

def _list_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "child": ["C000011", "C000458", "C000999"],
        "team": ["CLA Team 4", "CLA Team 2", "CLA Team with a very long name that goes on and on and on for ever"],
        "current_place": ["U5", "K2", None],
        "due_date": pd.to_datetime(["2017-03-24", "2017-05-17", "2018-01-02"]),
        "mis_end": pd.to_datetime(["2018-01-04 21:03:00", None, "2018-02-01 00:00:00"]),
        "days_overdue": [372, 318, 5],
        "value": [78.04999999999, 100.0, 0.1 + 0.2],
        "numerator": [12.0, 7.0, 0.0],
    })


def test_xlsx_is_ready_for_an_analyst():
    book = _book(xlsx_bytes(_list_frame(), {"visits_overdue_list": "..."}, unit="%"))
    ws = book["Data"]
    assert [c.value for c in ws[1]] == ["Child", "Team", "Placement type", "Due date", "Returned", "Days overdue",
                                        "Value", "Numerator"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H4"
    due, returned = ws["D2"], ws["E2"]
    assert due.is_date and due.number_format == "dd/mm/yyyy" and due.value == dt.datetime(2017, 3, 24)
    assert returned.is_date and returned.number_format == "dd/mm/yyyy hh:mm"
    assert returned.value == dt.datetime(2018, 1, 4, 21, 3)
    assert ws["E3"].value == "not recorded" and ws["E4"].is_date  # a gap says so; the rest stay dates
    assert ws["C2"].value == "U5 Foster: other carer, FFA/concurrent" and ws["C4"].value == "not recorded"
    assert [ws[f"F{r}"].value for r in (2, 3, 4)] == [372, 318, 5] and ws["F2"].number_format == "#,##0"
    assert [ws[f"G{r}"].value for r in (2, 3, 4)] == [78.0, 100.0, 0.3] and ws["G2"].number_format == "#,##0.0"
    assert [ws[f"H{r}"].value for r in (2, 3, 4)] == [12, 7, 0] and ws["H2"].number_format == "#,##0"
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["B"] == pytest.approx(MAX_WIDTH, abs=1)  # the long team name is capped
    assert widths["A"] < widths["C"] < widths["B"]  # fitted to the content
    assert all(w >= MIN_WIDTH for w in widths.values())
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert not (isinstance(cell.value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", cell.value))


def test_csv_is_rounded_with_iso_dates_and_readable_headers():
    rows = _csv(csv_bytes(_list_frame(), unit="%"))
    assert rows[0] == ["Child", "Team", "Placement type", "Due date", "Returned", "Days overdue", "Value",
                       "Numerator"]
    assert [r[3] for r in rows[1:]] == ["2017-03-24", "2017-05-17", "2018-01-02"]
    assert [r[4] for r in rows[1:]] == ["2018-01-04 21:03", "not recorded", "2018-02-01 00:00"]
    assert [r[6] for r in rows[1:]] == ["78.0", "100.0", "0.3"]
    assert [r[7] for r in rows[1:]] == ["12", "7", "0"]
    noise = pd.DataFrame({"change_last_month": [-8.099999999999994, 0.1 + 0.2], "target": [95.0, 14.25]})
    assert _csv(csv_bytes(noise))[1:] == [["-8.1", "95.00"], ["0.3", "14.25"]]


def test_exports_of_a_board_mode_frame_never_show_the_small_count():
    # Jan: 3 of 20 (3 children: hidden); Feb: 10 of 15 (10 and the 5 not in it: shown)
    df = pd.DataFrame({"month_end": pd.to_datetime(["2018-01-31", "2018-02-28"]),
                       "numerator": [3, 10], "denominator": [20, 15], "value": [15.0, 66.7]})
    board = protect("visits_in_time", df).drop(columns=["suppressed", "hidden_why"])
    rows = _csv(csv_bytes(board, unit="%"))
    assert rows == [["Month", "Numerator", "Denominator", "Value"],
                    ["2018-01-31", SUPPRESSED, HIDDEN, "suppressed"], ["2018-02-28", "10", "15", "66.7"]]
    data = list(_book(xlsx_bytes(board, {}, unit="%"))["Data"].values)
    assert data[1][1:] == (SUPPRESSED, HIDDEN, "suppressed")


def test_an_empty_table_still_exports_its_headings():
    df = pd.DataFrame({"child": pd.Series([], dtype=object), "due_date": pd.Series([], dtype="datetime64[us]")})
    assert _csv(csv_bytes(df)) == [["Child", "Due date"]]
    ws = _book(xlsx_bytes(df, {}))["Data"]
    assert [c.value for c in ws[1]] == ["Child", "Due date"] and ws.auto_filter.ref == "A1:B1"


# ---------- without a browser, or with one that stops answering: fail fast, never hang ----------

def _gone(pid: int, within: float = 10.0) -> bool:
    """True once process `pid` has ended (exited, or a zombie waiting for its parent)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return True
        except (FileNotFoundError, ProcessLookupError, IndexError):  # reaped, even while its stat file was read
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
    assert time.perf_counter() - started < 5.0  # no browser is started (that alone takes seconds)
    assert images.unavailable_reason() == message


def test_no_browser_found_fails_at_once_naming_what_to_install(monkeypatch):
    monkeypatch.delenv("PRACTICE_LENS_CHROMIUM", raising=False)
    monkeypatch.setattr(images, "find_browser", lambda: None)  # as on a machine without chrome or chromium
    started = time.perf_counter()
    with pytest.raises(ImagesUnavailable) as caught:
        figure_bytes(_fig(), "png")
    assert time.perf_counter() - started < 5.0  # no browser is started (that alone takes seconds)
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
    assert 1.0 <= took < 15.0, took  # gives up after the 1 s timeout, not after the fake browser's 600 s
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
    assert 1.0 <= time.perf_counter() - started < 15.0  # the 1 s timeout, not an hour
    assert str(caught.value) == (f"The chart image was not drawn within 1 s: the browser at {stuck.path} stopped "
                                 "answering and was closed (the next image starts a new one)")
    assert _gone(process.pid)
    monkeypatch.setenv("PRACTICE_LENS_IMAGE_TIMEOUT", "30")
    assert figure_bytes(_fig(), "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert images._browser is not stuck and images._browser.alive()
