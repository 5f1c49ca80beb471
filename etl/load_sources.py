"""Find what each source folder holds (authority, years, files) and check every header before DuckDB reads a row."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from etl.contract import (
    AUTHORITY_FILE,
    EXTRACT_FILES,
    FIRST_RETURN_YEAR,
    LA_CODE_PATTERN,
    LA_NAME_MAX_LENGTH,
    SSDA903_FILES,
    SYNTHETIC_LA_CODE_PATTERN,
    UNPRINTABLE_CATEGORIES,
    SourceFile,
)

YEAR_DIR = re.compile(r"[0-9]{4}")  # not \d: int() would read other scripts' digits too


class LoadError(Exception):
    """A problem with the input that stops the whole load (the warehouse is left as it was)."""


@dataclass
class FileRef:
    """One CSV file of a source that is present, with what the loader needs to know about it."""

    spec: SourceFile
    path: Path
    rel: str  # path relative to the source, e.g. ssda903/2017/episodes.csv
    la_code: str
    source: str
    return_year: int | None
    header: tuple[str, ...]  # column names as in the file, trimmed and upper-cased
    size: int
    file_id: int = -1  # set when the file is read


@dataclass
class Source:
    """A source folder: one authority's statutory returns and case-system extracts."""

    path: Path
    la_code: str
    la_name: str
    years: list[int]
    files: list[FileRef] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # contract files absent, relative to the source
    found_in: Path | None = None  # the folder given, when this source is one of the authority folders inside it
    ignored: list[str] = field(default_factory=list)  # folders under ssda903/ that are not years, e.g. ssda903/20x7/
    synthetic: bool = False  # authority.toml's `synthetic = true`: generated data, no real child
    annex: list = field(default_factory=list)  # the Annex A lists of annex_a.xlsx (etl/load_annex_a.AnnexList)


def shown_text(text: str, limit: int = 200) -> str:
    """Input text for a message or a table: unprintable characters as <U+XXXX>, cut after `limit` characters.

    The Python twin of load_sql.shown_value_sql(): a NUL or a bidi override must not cut or reorder what is shown.
    """
    cut = text[:limit]
    shown = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in UNPRINTABLE_CATEGORIES else c for c in cut)
    return shown + (f"... ({len(text)} characters)" if len(text) > limit else "")


def first_unprintable(text: str) -> int | None:
    """Index of the first control, invisible-format or separator character in `text` (None if there is none)."""
    return next((i for i, c in enumerate(text) if unicodedata.category(c) in UNPRINTABLE_CATEGORIES), None)


def read_authority(folder: Path) -> tuple[str, str]:
    """la_code and la_name from authority.toml; without them the source cannot be keyed."""
    toml_path = folder / AUTHORITY_FILE
    if not toml_path.is_file():
        raise LoadError(f"{toml_path}: file not found (every source needs authority.toml with la_code and la_name)")
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8-sig"))  # a byte-order mark is fine, as in CSVs
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{toml_path}: cannot be read: {exc}") from exc
    values = []
    for key in ("la_code", "la_name"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise LoadError(f"{toml_path}: required key {key} is missing or empty")
        values.append(value)
    la_code, la_name = values[0], values[1].strip()
    # la_code keys every table and names the authority in paths and messages: exactly an ONS code, nothing else
    if not (re.fullmatch(LA_CODE_PATTERN, la_code) or re.fullmatch(SYNTHETIC_LA_CODE_PATTERN, la_code)):
        raise LoadError(f"{toml_path}: la_code '{shown_text(la_code, 40)}' is not an ONS area code: a capital E, W, "
                        "S or N and 8 digits, e.g. E06000039 (Z99 and 6 digits for a synthetic authority)")
    if first_unprintable(la_name) is not None or len(la_name) > LA_NAME_MAX_LENGTH:
        raise LoadError(f"{toml_path}: la_name '{shown_text(la_name, 40)}' must be one line of at most "
                        f"{LA_NAME_MAX_LENGTH} printable characters")
    return la_code, la_name


def read_synthetic(folder: Path) -> bool:
    """authority.toml's `synthetic` key (true only for generated data): the dashboard opens such data without sign-in."""
    toml_path = folder / AUTHORITY_FILE
    value = tomllib.loads(toml_path.read_text(encoding="utf-8-sig")).get("synthetic", False)
    if not isinstance(value, bool):
        raise LoadError(f"{toml_path}: synthetic must be true or false, not {value!r}")
    return value


def read_header(path: Path) -> tuple[str, ...]:
    """The header line of a CSV file, trimmed and upper-cased (the first line only: cheap for any size)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: cannot be read: not UTF-8 text (byte 0x{exc.object[exc.start]:02X} near byte "
                        f"{exc.start + 1}; a spreadsheet's plain 'CSV' is often Windows-1252 or UTF-16: save it as "
                        "'CSV UTF-8')") from exc
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read: {exc}") from exc
    if not first.strip():
        raise LoadError(f"{path}: cannot be read: the file is empty (no header line)")
    line = first.removesuffix("\n").removesuffix("\r")
    bad = first_unprintable(line)
    if bad is not None:
        # a NUL would hide the column it is in (its values would load as empty): refuse the file instead
        hint = {"\x00": " (a NUL byte: was the file saved as UTF-16 'Unicode text'?)",
                "\t": " (a tab: the file must be comma-separated)"}.get(line[bad], "")
        raise LoadError(f"{path}: cannot be read: the header line holds character U+{ord(line[bad]):04X} at position "
                        f"{bad + 1}{hint}; save it as CSV UTF-8 with plain column names")
    if line.count('"') % 2:
        raise LoadError(f"{path}: cannot be read: the header line has an unclosed quote")
    try:
        cells = next(csv.reader([line]))
    except csv.Error as exc:
        raise LoadError(f"{path}: cannot be read: the header line: {exc}") from exc
    names = tuple(name.strip().upper() or f"_UNNAMED_{i}" for i, name in enumerate(cells))
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise LoadError(f"{path}: column {shown_text(duplicated[0], 60)} appears more than once in the header")
    return names


def check_header(path: Path, spec: SourceFile, header: tuple[str, ...]) -> None:
    """Fail the load if a required column is absent (optional columns may be left out)."""
    for column in spec.required_columns:
        if column not in header:
            raise LoadError(f"{path}: required column {column} is missing (the header has: "
                            f"{shown_text(', '.join(header), 300)})")


def _file_ref(folder: Path, rel: str, spec: SourceFile, la_code: str, year: int | None) -> FileRef:
    path = folder / rel
    header = read_header(path)
    check_header(path, spec, header)
    return FileRef(spec=spec, path=path, rel=rel, la_code=la_code, source=str(folder), return_year=year,
                   header=header, size=path.stat().st_size)


def year_folders(ssda: Path, today: dt.date | None = None) -> tuple[list[int], list[str]]:
    """The collection years under ssda903/ and the folders there that are not years (reported, not loaded).

    A year outside FIRST_RETURN_YEAR to next year (1850, 2107: a typing slip) stops the load: its rows would go
    into the wrong months.
    """
    if not ssda.is_dir():
        return [], []
    last = (today or dt.date.today()).year + 1
    years, ignored = [], []
    for p in sorted(ssda.iterdir()):
        if not p.is_dir() or p.name.startswith("."):
            continue
        if not YEAR_DIR.fullmatch(p.name):
            ignored.append(f"ssda903/{p.name}/")
        elif not FIRST_RETURN_YEAR <= int(p.name) <= last:
            raise LoadError(f"{p}: {p.name} is not a collection year that can be loaded ({FIRST_RETURN_YEAR} to "
                            f"{last}); rename the folder to the year ending 31 March of the return, or move it out")
        else:
            years.append(int(p.name))
    return years, ignored


def scan_source(folder: Path) -> Source:
    """Everything present and absent in one source folder; raises LoadError on an unreadable file or header."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LoadError(f"{folder}: source folder not found")
    la_code, la_name = read_authority(folder)
    years, ignored = year_folders(folder / "ssda903")
    source = Source(path=folder, la_code=la_code, la_name=la_name, years=years, ignored=ignored,
                    synthetic=read_synthetic(folder))
    if not years:
        source.missing.append("ssda903/")
    # A year between the first and last present is reported file by file, like a file missing from a year.
    for year in range(years[0], years[-1] + 1) if years else ():
        for spec in SSDA903_FILES:
            rel = f"ssda903/{year}/{spec.filename}"
            if (folder / rel).is_file():
                source.files.append(_file_ref(folder, rel, spec, la_code, year))
            else:
                source.missing.append(rel)
    for spec in EXTRACT_FILES:
        rel = f"extracts/{spec.filename}"
        if (folder / rel).is_file():
            source.files.append(_file_ref(folder, rel, spec, la_code, None))
        else:
            source.missing.append(rel)
    return source


def source_folders(folder: Path) -> list[Path]:
    """The folder if it holds authority.toml, else the authority folders inside it (as `etl generate --out` writes)."""
    folder = Path(folder)
    if not folder.is_dir() or (folder / AUTHORITY_FILE).is_file():
        return [folder]  # scan_source reports a missing folder
    inner = sorted(p for p in folder.iterdir() if p.is_dir() and (p / AUTHORITY_FILE).is_file())
    if not inner:
        raise LoadError(f"{folder}: no {AUTHORITY_FILE} in this folder or in any folder inside it (every source "
                        f"needs {AUTHORITY_FILE} with la_code and la_name)")
    return inner


def scan_sources(folders: list[Path]) -> list[Source]:
    """Scan every source (a folder of authority folders counts as each of them); one source per authority."""
    if not folders:
        raise LoadError("no source folder given")
    sources = []
    for given in map(Path, folders):
        for folder in source_folders(given):
            sources.append(scan_source(folder))
            if folder != given:
                sources[-1].found_in = given
    seen: dict[str, Path] = {}
    for s in sources:
        if s.la_code in seen:
            raise LoadError(f"{s.path / AUTHORITY_FILE}: la_code {s.la_code} is also the authority of {seen[s.la_code]}; "
                            "load one source per authority")
        seen[s.la_code] = s.path
    return sources


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (hashlib releases the GIL, so this can run beside DuckDB)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
