"""`python -m etl benchmarks PATH ...`: the DfE's published figures for every English authority, region and England,
and the statistical-neighbour groupings, into the warehouse's benchmark tables (so "is 88% good?" has an answer).

Files are recognised by their header (explore-education-statistics CSV layouts and the older SFR tables, as in
../shared/reference/dfe/); each row becomes (measure, period_end, level, area) with the published value. Suppressed
values ('x', 'c', 'z', 'low', ...) are blank. The warehouse is copied to a new file, its benchmark tables replaced and
the file swapped in, as a load does (the ETL is the only writer).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from etl.load_sources import LoadError, sha256_file
from etl.warehouse import create_schema

# One layout per kind of published file: the columns that identify it and the SQL that turns it into rows of
# (measure, period_end, level, area_code, old_la_code, area_name, region_code, value). `src` is the file read as text.
_EES = ("time_period", "geographic_level", "new_la_code", "old_la_code", "la_name", "region_code")
_LEVEL = ("case geographic_level when 'National' then 'national' when 'Regional' then 'regional' "
          "when 'Local authority' then 'la' end")
_AREA = ("case geographic_level when 'National' then country_code when 'Regional' then region_code "
         "else new_la_code end")
_NAME = ("case geographic_level when 'National' then country_name when 'Regional' then region_name "
         "else la_name end")
_EES_COLUMNS = (f"{_LEVEL} as level, {_AREA} as area_code, nullif(old_la_code, '') as old_la_code, "
                f"{_NAME} as area_name, nullif(region_code, '') as region_code")


def _num(col: str) -> str:
    """A published number, blank when suppressed or not a number."""
    return f"try_cast(nullif(trim({col}), '') as double)"


@dataclass(frozen=True)
class Layout:
    """A kind of published file: how to know it, and the select that turns it into benchmark rows."""

    name: str
    needs: tuple[str, ...]  # header columns that identify the layout
    sql: str  # select from src


# sql: identifiers: the layouts' selects: column names and number casts written here (_EES_COLUMNS, _num)
LAYOUTS: tuple[Layout, ...] = (
    Layout("placement stability (EES)", (*_EES, "cla_group", "placement_stability", "children_percent"), f"""
        select case placement_stability when 'With 3 or more placements during the year' then 'placements_3plus'
                    else 'stability_long_term' end as measure,
               make_date(time_period::int, 3, 31) as period_end, {_EES_COLUMNS},
               {_num('children_percent')} as value
        from src
        where (cla_group = 'CLA on 31 March' and placement_stability = 'With 3 or more placements during the year')
           or placement_stability = 'Living with the same carer for at least 2 years'"""),
    Layout("health outcomes (EES)", (*_EES, "characteristic", "breakdown", "children_percent"), f"""
        select case breakdown when 'Had their annual health assessment' then 'health_oc2_assessments'
                    else 'health_dental' end as measure,
               make_date(time_period::int, 3, 31) as period_end, {_EES_COLUMNS},
               {_num('children_percent')} as value
        from src
        where characteristic = 'Health assessments: Children looked after all ages'
          and breakdown in ('Had their annual health assessment', 'Had their teeth checked by a dentist')"""),
    Layout("social worker changes (EES)", (*_EES, "cla_group", "sw_stability", "percentage"), f"""
        select 'sw_changes' as measure, make_date(time_period::int, 3, 31) as period_end, {_EES_COLUMNS},
               {_num('percentage')} as value
        from src
        where cla_group = 'CLA on 31 March' and sw_stability = '3 or more social workers during the year'"""),
    Layout("missing (EES, 2018 on)", (*_EES, "cla_group", "number"), f"""
        select 'missing_children_pct' as measure, make_date(time_period::int, 3, 31) as period_end, {_EES_COLUMNS},
               {_num('number')} as value
        from src
        where cla_group = 'Percentage of children who had a missing incident during the year'"""),
    Layout("children looked after per 10,000 (EES)", (*_EES, "population_type", "rate_per_10000"), f"""
        select 'cla_rate_per_10k' as measure, make_date(time_period::int, 3, 31) as period_end, {_EES_COLUMNS},
               {_num('rate_per_10000')} as value
        from src
        where population_type = 'Children looked after on 31 March each year'"""),
    Layout("social work workforce (EES)", (*_EES, "agency_rate_fte", "turnover_rate_fte", "vacancy_rate_fte",
                                           "caseload_fte"), f"""
        select unnest(['workforce_agency_rate', 'workforce_turnover', 'workforce_vacancy_rate',
                       'workforce_caseload']) as measure,
               make_date(time_period::int, 9, 30) as period_end, {_EES_COLUMNS},
               unnest([{_num('agency_rate_fte')}, {_num('turnover_rate_fte')}, {_num('vacancy_rate_fte')},
                       {_num('caseload_fte')}]) as value
        from src"""),
    Layout("OC2 (SFR 2016)", ("New_geog_code", "geog_l", "geog_c", "CLA_12mths", "CLA_healthassmt"), """
        select unnest(['health_oc2_assessments', 'health_dental']) as measure, date '2016-03-31' as period_end,
               {sfr} unnest([round(100.0 * try_cast(CLA_healthassmt as double) / try_cast(CLA_12mths as double), 1),
                             round(100.0 * try_cast(CLA_teethcheck as double) / try_cast(CLA_12mths as double), 1)])
                   as value
        from src"""),
    Layout("OC2 (SFR 2017)", ("New_geog_code", "geog_l", "geog_c", "OC2_12mths", "OC2_healthassmt"), """
        select unnest(['health_oc2_assessments', 'health_dental']) as measure, date '2017-03-31' as period_end,
               {sfr} unnest([round(100.0 * try_cast(OC2_healthassmt as double) / try_cast(OC2_12mths as double), 1),
                             round(100.0 * try_cast(OC2_teethcheck as double) / try_cast(OC2_12mths as double), 1)])
                   as value
        from src"""),
)
# SFR tables: NATIONAL / REGION / LA rows; the LA's old code is geog_c, its new code New_geog_code.
_SFR = ("case geog_l when 'NATIONAL' then 'national' when 'REGION' then 'regional' else 'la' end as level, "
        "New_geog_code as area_code, case when geog_l = 'LA' then geog_c end as old_la_code, geog_n as area_name, "
        "null::varchar as region_code,")
LAYOUTS = tuple(Layout(lay.name, lay.needs, lay.sql.replace("{sfr}", _SFR)) for lay in LAYOUTS)

# The SFR missing tables give counts; the rate needs the same year's children looked after during the year.
MISSING_SFR = {
    "2016": ("CLA_MissDuringYear", "CLA_2016"),
    "2017": ("Miss_Miss_DuringYear", "CLA_2017"),
}
NEIGHBOURS_NEEDS = ("LA num", "LA Name", "SN1", "SN10")


def _header(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(c.strip() for c in next(csv.reader([fh.readline()]), []))


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Register `src` as the file, every column text (the DfE's files mix numbers with suppression marks)."""
    con.execute("create or replace temp table src as select * from read_csv($f, all_varchar = true, header = true)",
                {"f": str(path)})


@dataclass
class Found:
    """What one file was read as."""

    path: Path
    kind: str
    rows: int


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(q for q in p.glob("*.csv") if q.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise LoadError(f"{p}: no such file or folder")
    return out


def read_benchmarks(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> list[Found]:
    """Fill temp tables bench_values and bench_neighbours from the DfE files in `paths` (files or folders)."""
    con.execute("create or replace temp table bench_values (measure varchar, period_end date, level varchar, "
                "area_code varchar, old_la_code varchar, area_name varchar, region_code varchar, value double, "
                "source varchar)")
    con.execute("create or replace temp table bench_neighbours (old_la_code varchar, la_name varchar, rank integer, "
                "neighbour_old_code varchar, closeness varchar, grouping varchar)")
    con.execute("create or replace temp table bench_sfr_missing (year varchar, area_code varchar, missing double)")
    con.execute("create or replace temp table bench_sfr_cla (year varchar, area_code varchar, level varchar, "
                "old_la_code varchar, area_name varchar, cla double)")
    found: list[Found] = []
    for path in _files(paths):
        header = set(_header(path))
        kind = _ingest(con, path, header)
        found.append(Found(path, kind, 0))
    # SFR missing: children who went missing / children looked after during the year, per area and year
    con.execute("""
        insert into bench_values
        select 'missing_children_pct', make_date(m.year::int, 3, 31), c.level, c.area_code, c.old_la_code,
               c.area_name, null, round(100.0 * m.missing / c.cla, 1), 'DfE SFR missing ' || m.year
        from bench_sfr_missing as m
        join bench_sfr_cla as c using (year, area_code)
    """)
    return found


def _ingest(con: duckdb.DuckDBPyConnection, path: Path, header: set[str]) -> str:
    """Read one file into the temp tables by its layout; returns what it was read as ('' when not recognised)."""
    for layout in LAYOUTS:
        if set(layout.needs) <= header:
            _read(con, path)
            # sql: identifiers: a layout's select from LAYOUTS; the source is bound
            con.execute(f"insert into bench_values select *, $source from ({layout.sql}) where value is not null",
                        {"source": f"DfE {layout.name}: {path.name}"})
            return layout.name
    if set(NEIGHBOURS_NEEDS) <= header:
        _read(con, path)
        cols = [c for c in con.execute("select * from src limit 0").df().columns]
        sn = [c for c in cols if re.fullmatch(r"SN\d{1,2}", c)]  # column names from the file: only these shapes
        closeness = [c for c in cols if re.fullmatch(r"SNP(_?\d{1,2})?", c)]  # DuckDB numbers repeats
        # sql: identifiers: SN1..SN10 and SNP1..SNP10 column names, each checked against its pattern above
        parts = [f"select \"LA num\", \"LA Name\", {int(c[2:])}, \"{c}\", \"{p}\" from src"
                 for c, p in zip(sn, closeness, strict=True)]
        # sql: identifiers: the selects above; the grouping is bound
        con.execute(f"insert into bench_neighbours select *, $grouping from ({' union all '.join(parts)}) "
                    "where trim(\"LA num\") <> ''", {"grouping": path.stem})
        return "statistical neighbours"
    for year, (missing, cla) in MISSING_SFR.items():
        if {"New_geog_code", "geog_l", missing} <= header:
            _read(con, path)
            # sql: identifiers: a column name from MISSING_SFR; the year is bound
            con.execute(f"insert into bench_sfr_missing select $year, New_geog_code, {_num(missing)} from src",
                        {"year": year})
            return f"missing (SFR {year})"
        if {"New_geog_code", "geog_l", cla} <= header and "CLA_Mar" + year in header:
            _read(con, path)
            # sql: identifiers: a column name from MISSING_SFR; the year is bound
            con.execute(f"""insert into bench_sfr_cla
                select $year, New_geog_code,
                       case geog_l when 'NATIONAL' then 'national' when 'REGION' then 'regional' else 'la' end,
                       case when geog_l = 'LA' then geog_c end, geog_n, {_num(cla)}
                from src""", {"year": year})
            return f"children looked after (SFR {year})"
    return ""


def write(db: Path, paths: list[Path], say: Callable[[str], None] = print) -> list[Found]:
    """Replace the warehouse's benchmark tables with these files' figures, in a new file swapped in atomically."""
    if not db.exists():
        raise LoadError(f"no warehouse at {db}: run python -m etl load first")
    tmp = db.with_name(f"{db.name}.tmp-bench-{uuid.uuid4().hex[:8]}")
    try:
        con = duckdb.connect(str(tmp))
        try:
            name = con.execute("select current_database()").fetchone()[0]
            con.execute("attach $path as old_wh (read_only)", {"path": str(db)})
            quoted = '"' + name.replace('"', '""') + '"'
            # sql: identifiers: the new file's own database name, quoted as an identifier
            con.execute(f"copy from database old_wh to {quoted}")
            con.execute("detach old_wh")
            create_schema(con)  # a warehouse from before benchmarks existed gains the tables
            found = read_benchmarks(con, paths)
            con.execute("delete from benchmark_value")
            con.execute("insert into benchmark_value select * from bench_values order by measure, level, area_code, "
                        "period_end")
            con.execute("delete from benchmark_neighbours")
            con.execute("insert into benchmark_neighbours select * from bench_neighbours order by old_la_code, rank")
            loaded_at = datetime.now()
            con.execute("delete from benchmark_file")
            con.executemany("insert into benchmark_file values ($1, $2, $3, $4)",
                            [[str(f.path), f.kind or "not recognised", sha256_file(f.path), loaded_at] for f in found])
            con.execute("checkpoint")
        finally:
            con.close()
        Path(f"{db}.wal").unlink(missing_ok=True)
        os.replace(tmp, db)
    except BaseException:
        for p in (tmp, Path(f"{tmp}.wal")):
            p.unlink(missing_ok=True)
        raise
    for f in found:
        say(f"  {f.path.name}: {f.kind or 'not recognised, skipped'}")
    return found


def benchmarks_cli(args: argparse.Namespace) -> int:
    """Entry point for `python -m etl benchmarks PATH [PATH ...] --db DB`."""
    try:
        found = write(Path(args.db), [Path(p) for p in args.paths])
    except (LoadError, duckdb.Error) as exc:
        print(f"benchmarks failed: {str(exc).splitlines()[0]}\nThe warehouse was not changed.", file=sys.stderr)
        return 2
    con = duckdb.connect(str(args.db), read_only=True)
    try:
        n = con.execute("select count(*), count(distinct measure), max(period_end) from benchmark_value").fetchone()
        k = con.execute("select count(distinct old_la_code) from benchmark_neighbours").fetchone()[0]
    finally:
        con.close()
    print(f"Benchmarks: {n[0]:,} published figures for {n[1]} measures (latest {n[2]}), statistical neighbours for "
          f"{k} authorities, from {sum(bool(f.kind) for f in found)} of {len(found)} files, into {args.db}")
    return 0
