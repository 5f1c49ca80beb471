"""Refresh one authority: loading new data for one authority into a warehouse of several replaces its rows in a copy
of the warehouse and builds only its derived rows (the others' are kept), giving the warehouse a full load of the
same sources gives; the old file is not touched until the new one is swapped in. The truth test (every list names
exactly its series' exceptions) holds on several generated authorities, before and after the refresh.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import etl.warehouse
import queries
from etl.generate import generate
from etl.load import load
from etl.warehouse import derived_tables
from tests.test_lists_agree import check_lists_agree

FOCUS = "Z99000002"


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, list[Path]]:
    """Three authorities with returns to March 2017, and the same three with the 2018 return too."""
    root = tmp_path_factory.mktemp("refresh_sources")
    old = generate(root / "to_2017", seed=7, authorities=3, start="2015-04", end="2017-03")
    new = generate(root / "to_2018", seed=7, authorities=3, start="2015-04", end="2018-03")
    return {"old": sorted(old), "new": sorted(new)}


def _code(source: Path) -> str:
    return source.joinpath("authority.toml").read_text().split('la_code = "')[1].split('"')[0]


@pytest.fixture(scope="module")
def warehouses(sources, tmp_path_factory) -> dict:
    """'refreshed': all three to 2017, then FOCUS alone to 2018; 'full': one load of the same final sources.

    While FOCUS is reloaded a reader holds the old file open ('seen_by_reader': what it sees afterwards), and the
    authorities-only build of the derived tables is watched ('scoped_builds': its authorities and whether it ran).
    """
    root = tmp_path_factory.mktemp("refresh_db")
    focus = next(s for s in sources["new"] if _code(s) == FOCUS)
    final = [s for s in sources["old"] if _code(s) != FOCUS] + [focus]
    refreshed, full = root / "refreshed.duckdb", root / "full.duckdb"
    load(sources["old"], refreshed)
    load(final, full)
    calls: list[tuple[list[str], bool]] = []
    scoped = etl.warehouse._scoped_build

    def spy(con, codes):
        done = scoped(con, codes)
        calls.append((codes, done))
        return done

    last_month = "select max(month_end) from fact_child_month where la_code = $la"
    reader = duckdb.connect(str(refreshed), read_only=True)  # a dashboard reading the old file
    etl.warehouse._scoped_build = spy
    try:
        before = reader.execute(last_month, {"la": FOCUS}).fetchone()[0]
        load([focus], refreshed)
        seen = reader.execute(last_month, {"la": FOCUS}).fetchone()[0]
    finally:
        etl.warehouse._scoped_build = scoped
        reader.close()
    return {"refreshed": refreshed, "full": full, "scoped_builds": calls, "seen_by_reader": (before, seen)}


def _table_rows(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A table's rows in a fixed order, without the integer keys (numbered differently by design), floats rounded."""
    cols = [c for c, t in con.execute(
        "select column_name, data_type from information_schema.columns where table_name = $t "
        "order by ordinal_position", {"t": table}).fetchall() if c not in ("child_key", "worker_key")]
    df = con.execute(f"select {', '.join(cols)} from {table} order by all").df()  # names from the catalogue
    floats = df.select_dtypes("float").columns
    return df.assign(**{c: df[c].round(6) for c in floats})


def test_new_data_for_one_authority_rebuilds_only_its_derived_rows(warehouses) -> None:
    assert warehouses["scoped_builds"] == [([FOCUS], True)]
    # the old file was never written: a reader that had it open still sees the old data after the swap
    assert warehouses["seen_by_reader"] == (dt.date(2017, 3, 31), dt.date(2017, 3, 31))
    con = duckdb.connect(str(warehouses["refreshed"]), read_only=True)
    try:
        assert con.execute("select max(month_end) from fact_child_month where la_code = $la",
                           {"la": FOCUS}).fetchone()[0] == dt.date(2018, 3, 31)
        # keys stay one per child, carried consistently onto the keyed tables
        assert con.execute("select count(*) = count(distinct child_key) from dim_child_key").fetchone()[0]
        assert con.execute("select count(*) from fact_child_month as m join dim_child_key as k using (child_key) "
                           "where k.la_code <> m.la_code or k.child <> m.child").fetchone()[0] == 0
        assert con.execute("select count(*) from information_schema.schemata where schema_name = 'derive_scope'"
                           ).fetchone()[0] == 0
    finally:
        con.close()


def test_the_refreshed_warehouse_is_the_one_a_full_load_gives(warehouses) -> None:
    a = duckdb.connect(str(warehouses["refreshed"]), read_only=True)
    b = duckdb.connect(str(warehouses["full"]), read_only=True)
    try:
        for table in [*derived_tables(), "fact_episode", "fact_visit", "dim_child", "source_coverage", "dim_team"]:
            pd.testing.assert_frame_equal(_table_rows(a, table), _table_rows(b, table), obj=table)
        for name, m in queries.measures().items():
            if m.shape == "series":
                pd.testing.assert_frame_equal(queries.run(name, a, from_month="2015-04", to_month="2018-03"),
                                              queries.run(name, b, from_month="2015-04", to_month="2018-03"),
                                              obj=name)
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("la", ["Z99000001", FOCUS])
def test_lists_agree_with_their_series_across_authorities(warehouses, la) -> None:
    con = duckdb.connect(str(warehouses["refreshed"]), read_only=True)
    try:
        last = "2018-03-31" if la == FOCUS else "2017-03-31"
        compared = check_lists_agree(con, la, [d.date() for d in pd.date_range("2015-06-30", last, freq="3ME")])
    finally:
        con.close()
    assert compared > 100


def test_a_warehouse_of_another_version_is_rebuilt_whole(sources, tmp_path) -> None:
    db = tmp_path / "old_version.duckdb"
    load(sources["old"], db)
    con = duckdb.connect(str(db))
    con.execute("drop table fact_child_month_visit")  # as if built before that table existed
    con.close()
    load([s for s in sources["new"] if _code(s) == FOCUS], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(distinct la_code) from fact_child_month_visit").fetchone()[0] == 3
    finally:
        con.close()
