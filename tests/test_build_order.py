"""The derived tables are built several statements at once: same rows as one at a time, each after what it needs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

import etl.warehouse as warehouse
from etl.warehouse import _dependencies, _run_in_dependency_order, _statements, build_derived, derived_tables


def _created(sql: str) -> str:
    return re.search(r"create or replace (?:table|macro) (\w+)", sql).group(1).lower()


def _rounded(row: tuple) -> tuple:
    """A row with its floats to 9 places: a sum of doubles may differ in its last bit with the order it was added in
    (DuckDB adds in parallel, one statement alone or not)."""
    return tuple(round(v, 9) if isinstance(v, float) else v for v in row)


def test_every_statement_waits_for_the_derived_tables_and_macros_it_uses() -> None:
    statements = _statements()
    names = [_created(sql) for _, sql in statements]
    for i, ((_, sql), needs) in enumerate(zip(statements, _dependencies(), strict=True)):
        body = re.sub(r"--[^\n]*", "", sql)
        used = {w.lower() for w in re.findall(r"\w+", body)} & set(names[:i])
        assert used <= {names[j] for j in needs}, names[i]
        assert all(j < i for j in needs)
    by_name = dict(zip(names, _dependencies(), strict=True))
    # spot checks worked out by reading the SQL: the child-month table needs the episodes and the worker macro,
    # which itself needs the allocations and worker spells; the visits table needs fact_child_month
    assert {names[j] for j in by_name["fact_child_month"]} >= {"fact_care_episode", "worker_and_team_on"}
    assert {names[j] for j in by_name["worker_and_team_on"]} >= {"fact_allocation_keyed", "fact_worker_spell_keyed"}
    assert "fact_child_month" in {names[j] for j in by_name["fact_child_month_visit"]}


def test_the_build_in_parallel_gives_the_same_rows_as_one_statement_at_a_time(sample_db: Path, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    rows = {}
    for threads in (1, 3):
        db = tmp_path / f"threads{threads}.duckdb"
        shutil.copy(sample_db, db)
        monkeypatch.setattr(warehouse, "BUILD_THREADS", threads)
        con = duckdb.connect(str(db))
        try:
            for table in derived_tables():
                con.execute(f"drop table {table}")  # sql: identifiers: derived table names from etl/
            build_derived(con)
            rows[threads] = {t: sorted((_rounded(r) for r in con.execute(f"select * from {t}").fetchall()), key=repr)
                             for t in derived_tables()}  # sql: identifiers: derived table names from etl/
        finally:
            con.close()
    assert rows[1]["fact_child_month"], "the sample has child-months"
    for table in derived_tables():
        assert rows[3][table] == rows[1][table], table


def test_a_failing_statement_stops_the_build_with_its_error() -> None:
    con = duckdb.connect()
    con.execute("create table base as select 1 as x")
    statements = [
        "create or replace table a as select x from base",
        "create or replace table b as select nope from base",  # fails: no such column
        "create or replace table c as select x from a",
    ]
    real = warehouse._dependencies
    try:
        warehouse._dependencies = lambda: ((), (), (0,))
        with pytest.raises(duckdb.BinderException, match="nope"):
            _run_in_dependency_order(con, statements, threads=1)
    finally:
        warehouse._dependencies = real
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "b" not in tables
    assert "c" not in tables  # with one thread, the statement after the failure is never started
