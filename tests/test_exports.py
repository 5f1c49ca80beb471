"""Chart images and data files open as what they claim to be, with the right size, rows and definitions."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import openpyxl
import pandas as pd
from PIL import Image

from lens import charts
from reports.images import PNG_HEIGHT, PNG_SCALE, PNG_WIDTH, figure_bytes
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
