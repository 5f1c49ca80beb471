"""Ofsted's Annex A workbook (annex_a.xlsx): find List 8, its header row and snapshot date, check every row, and put
the rows kept into the warehouse with what was rejected or blanked, by sheet row.

Read with openpyxl through pandas. Problems with the workbook as a whole (unreadable, headers not recognised, no
snapshot date) stop the load with one line naming the file and sheet; a missing sheet is reported like a missing file.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from etl.contract import (
    ANNEX_A_CODE_RE,
    ANNEX_A_DATE_KEY,
    ANNEX_A_DATE_LABELS,
    ANNEX_A_FILE,
    ANNEX_A_FLAGS,
    ANNEX_A_HEADER_ROWS,
    ANNEX_A_SHEETS,
    AUTHORITY_FILE,
    DATE_FORMATS,
    DATETIME_FORMATS,
    RESERVED_SUFFIX,
    AnnexColumn,
    AnnexSheet,
    header_key,
)
from etl.load_sources import LoadError, first_unprintable, shown_text

ENGINE = "openpyxl"
SNAPSHOT_TEXT_FORMATS = ("%d %B %Y", "%d %b %Y")  # 'Data as at 31 March 2018' (besides DATE_FORMATS)
FIRST_SNAPSHOT = dt.date(2000, 1, 1)


@dataclass
class AnnexList:
    """One Annex A list of a source: the sheet found (or not), its header row, snapshot date and raw rows."""

    spec: AnnexSheet
    path: Path
    la_code: str
    source: str
    sheets: list[str]  # every sheet in the workbook, for messages
    sheet: str | None = None  # None: the workbook has no such list
    snapshot: dt.date | None = None
    date_from: str = ""
    header_row: int = 0  # as Excel numbers rows
    columns: dict[str, tuple[Any, str]] = field(default_factory=dict)  # contract column -> (frame column, header)
    rows: pd.DataFrame | None = None  # the cells below the header row, index = Excel row number
    size: int = 0
    file_id: int = -1

    @property
    def rel(self) -> str:
        """How load_log, rejected_rows and load_warnings name it: the file and the sheet."""
        return f"{ANNEX_A_FILE} [{self.sheet or self.spec.sheet}]"


@dataclass
class Checked:
    """One list's rows after the checks: the rows kept and the rejected and blanked values, by sheet row."""

    kept: pd.DataFrame
    rejects: list[tuple[int, str, str, str]]  # (row, header, value, reason)
    warnings: list[tuple[int, str, str, str, str]]  # (row, header, value, rule, action)
    rows_read: int


def _sheet_name_key(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", name.casefold())).strip()


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _shown(value: Any) -> str:
    """A cell as text for a message or a rejected_rows value."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _match_headers(spec: AnnexSheet, cells: list[Any]) -> tuple[dict[str, tuple[int, str]], list[tuple[str, str]]]:
    """Contract column -> (position, header) for a row of cells; and pairs of headers that name one column twice."""
    names = spec.header_map()
    found: dict[str, tuple[int, str]] = {}
    twice: list[tuple[str, str]] = []
    for i, cell in enumerate(cells):
        if _is_blank(cell) or not isinstance(cell, str):
            continue
        col = names.get(header_key(cell))
        if col is None:
            continue
        if col.name in found:
            twice.append((found[col.name][1], cell.strip()))
        else:
            found[col.name] = (i, cell.strip())
    return found, twice


def _header_row(spec: AnnexSheet, raw: pd.DataFrame) -> tuple[int | None, dict[str, tuple[int, str]], list]:
    """The first row (0-based) in the sheet's first rows that names the child and at least three more columns."""
    best: tuple[int | None, dict, list] = (None, {}, [])
    for i in range(min(len(raw), ANNEX_A_HEADER_ROWS)):
        found, twice = _match_headers(spec, list(raw.iloc[i]))
        if "child" in found and len(found) >= 4:
            return i, found, twice
        if len(found) > len(best[1]):
            best = (None, found, twice)
    return best


def parse_date(value: Any, formats: tuple[str, ...] = DATE_FORMATS + DATETIME_FORMATS) -> dt.date | None:
    """An Excel date cell, or text in an accepted format, as a date; None when it is not one (or its year is outside
    1900-2100, as in the CSV files)."""
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        for fmt in formats:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if day is None or not 1900 <= day.year <= 2100:
        return None
    return day


def _snapshot_in_sheet(raw: pd.DataFrame, header: int, sheet: str) -> tuple[dt.date | None, str]:
    """The snapshot date from a labelled cell above the header row ('Data as at' | 31/03/2018), and where it is."""
    labels = [header_key(label) for label in ANNEX_A_DATE_LABELS]
    for i in range(header):
        cells = list(raw.iloc[i])
        for j, cell in enumerate(cells):
            if not isinstance(cell, str) or not any(header_key(cell).startswith(k) for k in labels):
                continue
            inline = re.search(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]+ \d{4}", cell)
            if inline:
                day = parse_date(inline.group(0), DATE_FORMATS + SNAPSHOT_TEXT_FORMATS)
                where = f"cell {get_column_letter(j + 1)}{i + 1} of sheet {sheet}"
                if day is None:
                    raise LoadError(f"{ANNEX_A_FILE}: {where} names the snapshot date but '{shown_text(cell, 60)}' "
                                    "holds no date (write it as dd/mm/yyyy)")
                return day, where
            for k in range(j + 1, len(cells)):
                if _is_blank(cells[k]):
                    continue
                day = parse_date(cells[k], DATE_FORMATS + SNAPSHOT_TEXT_FORMATS)
                where = f"cell {get_column_letter(k + 1)}{i + 1} of sheet {sheet}"
                if day is None:
                    raise LoadError(f"{ANNEX_A_FILE}: {where} should hold the snapshot date named in "
                                    f"{get_column_letter(j + 1)}{i + 1} but holds '{shown_text(_shown(cells[k]), 60)}'")
                return day, where
    return None, ""


def toml_snapshot(folder: Path) -> dt.date | None:
    """authority.toml's annex_a_date (a TOML date, or text dd/mm/yyyy or yyyy-mm-dd); None when not given."""
    path = folder / AUTHORITY_FILE
    value = tomllib.loads(path.read_text(encoding="utf-8-sig")).get(ANNEX_A_DATE_KEY)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        day: dt.date | None = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        day = parse_date(value, DATE_FORMATS) if isinstance(value, str) else None
    if day is None:
        raise LoadError(f"{path}: {ANNEX_A_DATE_KEY} must be a date (annex_a_date = 2018-03-31), not {value!r}")
    return day


def _open(path: Path) -> pd.ExcelFile:
    try:
        return pd.ExcelFile(path, engine=ENGINE)
    except zipfile.BadZipFile as exc:
        raise LoadError(f"{path}: cannot be read as an Excel workbook (.xlsx): {exc}; an old .xls or a CSV renamed "
                        "to .xlsx must be saved again as 'Excel Workbook (.xlsx)'") from exc
    except Exception as exc:  # openpyxl raises many kinds (a password, a broken part): one line, never a traceback
        raise LoadError(f"{path}: cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}: "
                        f"{shown_text(str(exc), 200)}") from exc


def _parse(book: pd.ExcelFile, path: Path, sheet: str, nrows: int | None = None) -> pd.DataFrame:
    try:
        raw = book.parse(sheet, header=None, dtype=object, nrows=nrows)
    except Exception as exc:
        raise LoadError(f"{path}: sheet {sheet} cannot be read: {type(exc).__name__}: "
                        f"{shown_text(str(exc), 200)}") from exc
    raw.index = raw.index + 1  # Excel's row numbers
    return raw


def _find_sheet(spec: AnnexSheet, book: pd.ExcelFile, path: Path) -> str | None:
    """The sheet holding the list: by name ('List 8', 'LIST8 - children in care'), else the one sheet whose first
    rows hold every required header."""
    named = [s for s in book.sheet_names if re.fullmatch(spec.sheet_re, _sheet_name_key(str(s)))]
    if len(named) > 1:
        raise LoadError(f"{path}: sheets {', '.join(map(str, named))} could each be {spec.sheet}: keep one")
    if named:
        return str(named[0])
    required = {c.name for c in spec.required_columns}
    by_headers = []
    for s in book.sheet_names:
        raw = _parse(book, path, str(s), ANNEX_A_HEADER_ROWS)
        _, found, _ = _header_row(spec, raw.reset_index(drop=True))
        if required <= set(found):
            by_headers.append(str(s))
    if len(by_headers) > 1:
        raise LoadError(f"{path}: sheets {', '.join(by_headers)} each hold {spec.sheet}'s headers: keep one")
    return by_headers[0] if by_headers else None


def _accepted(col: AnnexColumn) -> str:
    return " / ".join(f"'{h}'" for h in col.headers[:3]) + (" ..." if len(col.headers) > 3 else "")


def read_annex(folder: Path, la_code: str, load_date: dt.date) -> list[AnnexList]:
    """Every Annex A list of a source folder's annex_a.xlsx ([] when there is none); LoadError on a workbook that
    cannot be used (unreadable, headers not recognised, no or a future snapshot date)."""
    path = Path(folder) / ANNEX_A_FILE
    if not path.is_file():
        return []
    book = _open(path)
    try:
        from_toml = toml_snapshot(Path(folder))
        out = []
        for spec in ANNEX_A_SHEETS:
            found = AnnexList(spec=spec, path=path, la_code=la_code, source=str(folder),
                              sheets=[str(s) for s in book.sheet_names], size=path.stat().st_size)
            found.sheet = _find_sheet(spec, book, path)
            if found.sheet is not None:
                _read_list(found, book, from_toml, load_date)
            out.append(found)
        return out
    finally:
        book.close()


def _read_list(found: AnnexList, book: pd.ExcelFile, from_toml: dt.date | None, load_date: dt.date) -> None:
    """Header row, columns and snapshot date of a list's sheet, and its rows (LoadError when unusable)."""
    spec, path, sheet = found.spec, found.path, str(found.sheet)
    raw = _parse(book, path, sheet)
    at = f"{path}, sheet {sheet}"
    header, columns, twice = _header_row(spec, raw.reset_index(drop=True))
    if header is None:
        seen = [_shown(c) for c in (raw.iloc[0] if len(raw) else []) if not _is_blank(c)]
        raise LoadError(f"{at}: no header row found in its first {ANNEX_A_HEADER_ROWS} rows (a row naming "
                        f"'{spec.columns[0].published}' and the list's other columns); the first row has: "
                        f"{shown_text(', '.join(seen), 200) or '(nothing)'}")
    if twice:
        a, b = twice[0]
        raise LoadError(f"{at}: columns '{shown_text(a, 80)}' and '{shown_text(b, 80)}' are the same column: keep one")
    missing = [c for c in spec.required_columns if c.name not in columns]
    if missing:
        headers = [_shown(c) for c in raw.iloc[header] if not _is_blank(c)]
        need = "; ".join(f"{c.published} (accepted: {_accepted(c)})" for c in missing)
        raise LoadError(f"{at}: header row {header + 1} lacks {len(missing)} required column"
                        f"{'' if len(missing) == 1 else 's'}: {need}. The row has: "
                        f"{shown_text(', '.join(headers), 400)}")
    in_sheet, where = _snapshot_in_sheet(raw.reset_index(drop=True), header, sheet)
    if from_toml and in_sheet and from_toml != in_sheet:
        raise LoadError(f"{at}: {where} says the data are as at {in_sheet:%d/%m/%Y} but {AUTHORITY_FILE} "
                        f"{ANNEX_A_DATE_KEY} says {from_toml:%d/%m/%Y}: correct one")
    snapshot = from_toml or in_sheet
    if snapshot is None:
        raise LoadError(f"{at}: no snapshot date: add {ANNEX_A_DATE_KEY} = YYYY-MM-DD (the day the lists were "
                        f"extracted) to {AUTHORITY_FILE}, or a cell 'Data as at' with the date beside it above the "
                        "header row")
    if snapshot > load_date:
        raise LoadError(f"{at}: the snapshot date {snapshot:%d/%m/%Y} is after today ({load_date:%d/%m/%Y})")
    if snapshot < FIRST_SNAPSHOT:
        raise LoadError(f"{at}: the snapshot date {snapshot:%d/%m/%Y} is before {FIRST_SNAPSHOT:%Y}")
    found.snapshot = snapshot
    found.date_from = f"{AUTHORITY_FILE} {ANNEX_A_DATE_KEY}" if from_toml else where
    found.header_row = header + 1
    found.columns = {name: (raw.columns[i], head) for name, (i, head) in columns.items()}
    found.rows = raw.iloc[header + 1:]


# ---------- the row checks ----------

def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # a number column in Excel: 1761444.0 is child 1761444
    return _shown(value)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
        return int(value)
    return None


def _as_code(value: Any, codes: tuple[str, ...]) -> str | None:
    for code in re.findall(ANNEX_A_CODE_RE, str(value).strip().upper()):
        if code in codes:
            return code
    text = str(value).strip().upper()
    return text if text in codes else None


def _as_flag(value: Any) -> tuple[bool, bool | None]:
    """(readable, value): yes / no / not recorded; (False, None) for anything else."""
    if isinstance(value, bool):
        return True, value
    key = header_key(_as_text(value))
    return (True, ANNEX_A_FLAGS[key]) if key in ANNEX_A_FLAGS else (False, None)


def _cell(col: AnnexColumn, value: Any) -> tuple[Any, str | None]:
    """A cell as its contract type, and the reason it cannot be (None when it can, or it is empty)."""
    if _is_blank(value):
        return None, ("missing required value" if not col.nullable else None)
    if col.kind in ("id", "text"):
        text = _as_text(value)
        if first_unprintable(text) is not None:
            return None, "unprintable character"
        if col.limit and len(text) > col.limit:
            return None, "value too long"
        return text, None
    if col.kind == "date":
        day = parse_date(value)
        return (day, None) if day else (None, "unparseable date")
    if col.kind == "int":
        n = _as_int(value)
        if n is None:
            return None, "not a number"
        if (col.low is not None and n < col.low) or (col.high is not None and n > col.high):
            return None, "number out of range"
        return n, None
    if col.kind == "flag":
        ok, flag = _as_flag(value)
        return (flag, None) if ok else (None, "code not in list")
    code = _as_code(value, col.codes)
    return (code, None) if code else (None, "code not in list")


def check_list(found: AnnexList) -> Checked:
    """Check every row of a list read by read_annex(): values typed, rules applied, one row per child in care at the
    snapshot date (rules in docs/data-formats.md, 'Annex A')."""
    spec, snapshot = found.spec, found.snapshot
    assert snapshot is not None and found.rows is not None
    cols = {c.name: c for c in spec.columns}
    rejects: list[tuple[int, str, str, str]] = []
    warnings: list[tuple[int, str, str, str, str]] = []
    kept: list[dict[str, Any]] = []
    read = 0
    for line, cells in found.rows.iterrows():
        raw = {name: cells[pos] for name, (pos, _) in found.columns.items()}
        if all(_is_blank(v) for v in raw.values()):
            continue  # a blank row (or one with only columns Practice Lens does not read)
        read += 1
        row: dict[str, Any] = {"sheet_row": int(line)}
        bad = False
        for name, col in cols.items():
            if name not in raw:
                row[name] = None
                continue
            head = found.columns[name][1]
            value, problem = _cell(col, raw[name])
            shown = "" if _is_blank(raw[name]) else _as_text(raw[name])
            if problem and col.on_error == "reject":
                rejects.append((int(line), head, shown, problem))
                bad = True
            elif problem:
                warnings.append((int(line), head, shown, problem, "blank"))
            if value is not None and col.reserved and str(value).casefold() in {r.casefold() for r in col.reserved}:
                warnings.append((int(line), head, str(value), "reserved team name", "rename"))
                value = f"{value}{RESERVED_SUFFIX}"
            row[name] = value
        if bad:
            continue
        if not _row_rules(row, found, rejects, warnings):
            kept.append(row)
    kept = _one_row_per_child(kept, found, rejects)
    frame = pd.DataFrame(kept, columns=["sheet_row", *cols])
    return Checked(frame, rejects, warnings, read)


def _head(found: AnnexList, name: str) -> str:
    return found.columns.get(name, (None, name))[1]


def _row_rules(row: dict[str, Any], found: AnnexList, rejects: list, warnings: list) -> bool:
    """Rules across a row's values; True when the row is rejected. Dates after the snapshot or before the child's
    birth are blanked with a warning, except the start of care, which rejects the row."""
    snapshot, line = found.snapshot, row["sheet_row"]
    assert snapshot is not None
    start, dob = row["cla_start"], row["dob"]
    if start > snapshot:
        rejects.append((line, _head(found, "cla_start"), f"{start:%Y-%m-%d}", "date after the snapshot date"))
        return True
    if dob is not None and dob > snapshot:
        warnings.append((line, _head(found, "dob"), f"{dob:%Y-%m-%d}", "date after the snapshot date", "blank"))
        row["dob"] = dob = None
    if dob is not None and start < dob:
        rejects.append((line, _head(found, "cla_start"), f"{start:%Y-%m-%d}", "before date of birth"))
        return True
    end = row["cla_end"]
    if end is not None and end < start:
        rejects.append((line, _head(found, "cla_end"), f"{end:%Y-%m-%d}", "end before start"))
        return True
    for name in ("cla_end", "last_review", "last_visit", "last_health", "last_dental", "placement_start"):
        day = row.get(name)
        if day is None:
            continue
        if day > snapshot:
            warnings.append((line, _head(found, name), f"{day:%Y-%m-%d}", "date after the snapshot date", "blank"))
            row[name] = None
        elif dob is not None and day < dob:
            warnings.append((line, _head(found, name), f"{day:%Y-%m-%d}", "before date of birth", "blank"))
            row[name] = None
    return False


def _one_row_per_child(rows: list[dict[str, Any]], found: AnnexList, rejects: list) -> list[dict[str, Any]]:
    """A child on two rows that are both in care at the snapshot date: the later row is kept, the earlier rejected
    (rows of earlier periods of care, ended by the snapshot, are all kept)."""
    snapshot = found.snapshot
    in_care: dict[str, dict[str, Any]] = {}
    dropped: set[int] = set()
    for row in rows:
        if row["cla_end"] is not None and row["cla_end"] <= snapshot:
            continue
        earlier = in_care.get(row["child"])
        if earlier is not None:
            rejects.append((earlier["sheet_row"], _head(found, "child"), f"{row['child']} (also on row "
                            f"{row['sheet_row']})", "child listed twice"))
            dropped.add(earlier["sheet_row"])
        in_care[row["child"]] = row
    return [r for r in rows if r["sheet_row"] not in dropped]


# ---------- into the warehouse ----------

def insert_lists(con: duckdb.DuckDBPyConnection, lists: list[AnnexList]) -> dict[int, Checked]:
    """Check each list read, put its rows into fact_annex_a_cla and annex_a_snapshot, its problems into the load's
    load_rejects and load_warnings_tmp (by file_id: the list's row in load_files) and its month into source_coverage.
    Returns what was checked, by file_id."""
    out: dict[int, Checked] = {}
    for found in lists:
        if found.sheet is None or found.rows is None:
            continue
        checked = check_list(found)
        out[found.file_id] = checked
        frame = checked.kept.assign(la_code=found.la_code, snapshot_date=found.snapshot)
        con.register("annex_rows", frame)
        try:
            con.execute("insert into fact_annex_a_cla by name select * from annex_rows")
        finally:
            con.unregister("annex_rows")
        con.execute("insert into annex_a_snapshot values ($1, $2, $3, $4, $5, $6, $7)",
                    [found.la_code, found.spec.name, found.sheet, found.snapshot, found.date_from, found.header_row,
                     len(frame)])
        if len(frame):
            con.execute("insert into source_coverage values ($1, $2, last_day($3::date))",
                        [found.la_code, found.spec.name, found.snapshot])
        if checked.rejects:
            con.executemany("insert into load_rejects values ($1, $2, $3, $4, $5)",
                            [[found.file_id, *r] for r in checked.rejects])
        if checked.warnings:
            con.executemany("insert into load_warnings_tmp values ($1, $2, $3, $4, $5, $6)",
                            [[found.file_id, *w] for w in checked.warnings])
    return out
