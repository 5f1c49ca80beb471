"""The data behind a chart or list as CSV or Excel (with a sheet of definitions), ready to download.

Headings and codes read as lens/labels.py says; numbers keep the measure's precision; dates stay dates. Text from
the data never becomes a formula (OWASP CSV injection): xlsx cells are written as strings with formula parsing off,
and a CSV text cell starting with = + - @ tab or carriage return gets a leading single quote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
from dataclasses import dataclass
from typing import Any

import pandas as pd
import xlsxwriter

from lens import labels
from lens.formatting import is_missing

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_DATE, XLSX_DATETIME = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
CSV_DATE, CSV_DATETIME = "%Y-%m-%d", "%Y-%m-%d %H:%M"
MAX_WIDTH, MIN_WIDTH = 50, 8


@dataclass(frozen=True)
class _Column:
    """One exported column: its heading and how its numbers and dates are written."""

    name: str
    header: str
    decimals: int
    has_time: bool


def csv_safe(text: str) -> str:
    """Text that no spreadsheet will run as a formula: the OWASP leading quote before = + - @ tab or CR."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _prepare(df: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, list[_Column]]:
    """The display copy of the data and, per column, its decimals and whether its dates carry a time."""
    base = labels.shown_counts(df)
    for col in base.columns:
        if isinstance(base[col].dtype, pd.DatetimeTZDtype):
            base[col] = base[col].dt.tz_localize(None)
    shown = labels.readable(base, unit)
    cols = [_Column(c, h, labels.decimals(c, base[c], unit) if labels.is_numeric(base[c]) else 0,
                    labels.has_time(base[c]))
            for c, h in zip(base.columns, shown.columns, strict=True)]
    return shown, cols


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def _as_datetime(value: Any) -> dt.datetime | dt.date | None:
    if not isinstance(value, dt.date) or is_missing(value):  # pd.NaT is a datetime too
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def _csv_cell(value: Any, col: _Column) -> str:
    """One CSV field: ISO dates, numbers at their precision, text made safe."""
    when = _as_datetime(value)
    if when is not None:
        return when.strftime(CSV_DATETIME if col.has_time else CSV_DATE)
    if _is_number(value):
        return f"{float(value):.{col.decimals}f}" if col.decimals else f"{round(float(value))}"
    if is_missing(value):
        return ""
    return csv_safe(str(value))


def csv_bytes(df: pd.DataFrame, unit: str = "") -> bytes:
    """UTF-8 CSV with a BOM so Excel opens it with the right characters; readable headings, nothing runs."""
    shown, cols = _prepare(df, unit)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180; a CR inside a field is quoted too
    writer.writerow([csv_safe(c.header) for c in cols])
    for row in shown.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v, c) for v, c in zip(row, cols, strict=True)])
    return buf.getvalue().encode("utf-8-sig")


class _Sheet:
    """Writes cells by type (never as formulas) and remembers each column's widest text for its width."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, formats: dict[str, Any]) -> None:
        self.ws = book.add_worksheet(name)
        self.formats = formats
        self.widths: dict[int, int] = {}

    def write(self, row: int, col: int, value: Any, kind: _Column | None = None, fmt: Any = None) -> None:
        when = _as_datetime(value)
        if when is not None:
            has_time = kind.has_time if kind else isinstance(when, dt.datetime) and when.time() != dt.time()
            self.ws.write_datetime(row, col, when, self.formats["datetime" if has_time else "date"])
            text = "00/00/0000 00:00" if has_time else "00/00/0000"
        elif _is_number(value):
            d = kind.decimals if kind else 2
            self.ws.write_number(row, col, float(value), self.formats[f"number{d}"])
            text = f"{float(value):,.{d}f}"
        elif is_missing(value):
            text = ""
        else:
            text = str(value)
            self.ws.write_string(row, col, text, fmt)
        self.widths[col] = max(self.widths.get(col, 0), max((len(t) for t in text.splitlines()), default=0))

    def fit(self, cap: int = MAX_WIDTH, wrap: Any = None) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, min(cap, max(MIN_WIDTH, width + 2)), wrap if width > cap else None)


def xlsx_bytes(df: pd.DataFrame, definitions: dict[str, str], about: dict[str, str] | None = None,
               sheet: str = "Data", unit: str = "") -> bytes:
    """An .xlsx workbook: the data sheet, a 'Definitions' sheet (measures, then columns) and the export details."""
    shown, cols = _prepare(df, unit)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    formats = {"header": book.add_format({"bold": True, "bottom": 1}),
               "date": book.add_format({"num_format": XLSX_DATE}),
               "datetime": book.add_format({"num_format": XLSX_DATETIME}),
               "number0": book.add_format({"num_format": "#,##0"}),
               "number1": book.add_format({"num_format": "#,##0.0"}),
               "number2": book.add_format({"num_format": "#,##0.00"}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"})}

    data = _Sheet(book, sheet, formats)
    for j, c in enumerate(cols):
        data.write(0, j, c.header, fmt=formats["header"])
    for i, row in enumerate(shown.itertuples(index=False, name=None), start=1):
        for j, (value, c) in enumerate(zip(row, cols, strict=True)):
            data.write(i, j, value, c)
    data.ws.freeze_panes(1, 0)
    if cols:
        data.ws.autofilter(0, 0, len(shown), len(cols) - 1)
    data.fit()

    defs = _Sheet(book, "Definitions", formats)
    r = 0
    for j, h in enumerate(("Measure", "Definition")):
        defs.write(r, j, h, fmt=formats["header"])
    for name, text in definitions.items():
        r += 1
        defs.write(r, 0, name)
        defs.write(r, 1, text, fmt=formats["wrap"])
    r += 2
    for j, h in enumerate(("Column", "Heading", "Meaning")):
        defs.write(r, j, h, fmt=formats["header"])
    for c in cols:
        r += 1
        for j, v in enumerate((c.name, c.header, labels.meaning(c.name))):
            defs.write(r, j, v, fmt=formats["wrap"])
    defs.fit(cap=100, wrap=formats["wrap"])

    if about:
        info = _Sheet(book, "About", formats)
        info.write(0, 0, "Item", fmt=formats["header"])
        info.write(0, 1, "Value", fmt=formats["header"])
        for i, (k, v) in enumerate(about.items(), start=1):
            info.write(i, 0, k)
            info.write(i, 1, v)
        info.fit()
    book.close()
    return buf.getvalue()
