"""Find what each source folder holds (authority, years, files) and check every header before DuckDB reads a row."""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from etl.contract import AUTHORITY_FILE, EXTRACT_FILES, SSDA903_FILES, SourceFile

YEAR_DIR = re.compile(r"^\d{4}$")


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
    synthetic: bool = False  # authority.toml's `synthetic = true`: generated data, no real child


def read_authority(folder: Path) -> tuple[str, str]:
    """la_code and la_name from authority.toml; without them the source cannot be keyed."""
    toml_path = folder / AUTHORITY_FILE
    if not toml_path.is_file():
        raise LoadError(f"{toml_path}: file not found (every source needs authority.toml with la_code and la_name)")
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{toml_path}: cannot be read: {exc}") from exc
    values = []
    for key in ("la_code", "la_name"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise LoadError(f"{toml_path}: required key {key} is missing or empty")
        values.append(value.strip())
    return values[0], values[1]


def read_synthetic(folder: Path) -> bool:
    """authority.toml's `synthetic` key (true only for generated data): the dashboard opens such data without sign-in."""
    toml_path = folder / AUTHORITY_FILE
    value = tomllib.loads(toml_path.read_text(encoding="utf-8")).get("synthetic", False)
    if not isinstance(value, bool):
        raise LoadError(f"{toml_path}: synthetic must be true or false, not {value!r}")
    return value


def read_header(path: Path) -> tuple[str, ...]:
    """The header line of a CSV file, trimmed and upper-cased (the first line only: cheap for any size)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: cannot be read: {exc}") from exc
    if not first.strip():
        raise LoadError(f"{path}: cannot be read: the file is empty (no header line)")
    names = tuple(name.strip().upper() or f"_UNNAMED_{i}" for i, name in enumerate(next(csv.reader([first]))))
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise LoadError(f"{path}: column {duplicated[0]} appears more than once in the header")
    return names


def check_header(path: Path, spec: SourceFile, header: tuple[str, ...]) -> None:
    """Fail the load if a required column is absent (optional columns may be left out)."""
    for column in spec.required_columns:
        if column not in header:
            raise LoadError(f"{path}: required column {column} is missing (the header has: {', '.join(header)})")


def _file_ref(folder: Path, rel: str, spec: SourceFile, la_code: str, year: int | None) -> FileRef:
    path = folder / rel
    header = read_header(path)
    check_header(path, spec, header)
    return FileRef(spec=spec, path=path, rel=rel, la_code=la_code, source=str(folder), return_year=year,
                   header=header, size=path.stat().st_size)


def scan_source(folder: Path) -> Source:
    """Everything present and absent in one source folder; raises LoadError on an unreadable file or header."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LoadError(f"{folder}: source folder not found")
    la_code, la_name = read_authority(folder)
    ssda = folder / "ssda903"
    years = sorted(int(p.name) for p in ssda.iterdir() if p.is_dir() and YEAR_DIR.match(p.name)) if ssda.is_dir() else []
    source = Source(path=folder, la_code=la_code, la_name=la_name, years=years, synthetic=read_synthetic(folder))
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
