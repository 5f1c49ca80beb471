"""Create the warehouse schema and the derived tables on an open DuckDB connection (writer side only)."""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import duckdb

from etl.calendar import england_bank_holidays
from etl.load_tables import HISTORY_TABLES

HERE = Path(__file__).resolve().parent
SCHEMA_SQL = HERE / "schema.sql"
DERIVED_SQL = HERE / "derived.sql"

SCOPE = "derive_scope"  # the schema an authorities-only build of the derived tables is made in
KEY_COLUMNS = {"dim_child_key": "child_key", "dim_worker_key": "worker_key"}  # the derived tables that number keys
_TABLE_RE = re.compile(r"^\s*create\s+or\s+replace\s+table\s+(\w+)", re.IGNORECASE)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every warehouse table (empty) and fill the bank-holiday calendar."""
    con.execute(SCHEMA_SQL.read_text())
    holidays_df = england_bank_holidays()  # noqa: F841 - read by DuckDB's replacement scan
    con.execute("delete from dim_bank_holiday")
    con.execute("insert into dim_bank_holiday select holiday_date, name from holidays_df")


def derived_files() -> list[Path]:
    """derived.sql first (placements, child-months), then each theme's etl/derived_*.sql, which may use it."""
    return [DERIVED_SQL, *sorted(HERE.glob("derived_*.sql"))]


@lru_cache(maxsize=1)
def _statements() -> tuple[tuple[str | None, str], ...]:
    """Every derived statement in build order: (table it creates, or None for a macro; its SQL)."""
    con = duckdb.connect()
    try:
        out = []
        for path in derived_files():
            for statement in con.extract_statements(path.read_text()):
                m = _TABLE_RE.match(statement.query)
                out.append((m.group(1).lower() if m else None, statement.query))
        return tuple(out)
    finally:
        con.close()


def derived_sql(table: str) -> str:
    """The statement that builds one derived table (for a test that makes just that table from its own rows)."""
    return next(sql for name, sql in _statements() if name == table)


def derived_tables() -> list[str]:
    """The names of the derived tables, in build order."""
    return [table for table, _ in _statements() if table]


@lru_cache(maxsize=1)
def _expected_columns() -> dict[str, list[tuple[str, str]]]:
    """Each derived table's columns as this version builds them (built once, empty, in memory)."""
    con = duckdb.connect()
    try:
        create_schema(con)
        build_derived(con)
        return {table: _columns(con, "main", table) for table in derived_tables()}
    finally:
        con.close()


def out_of_date(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The derived tables this version builds that the warehouse on `con` lacks or holds with other columns (it was
    loaded by an earlier version), so a page is not left to fail on a missing table or column."""
    return [table for table, columns in _expected_columns().items() if _columns(con, "main", table) != columns]


def build_derived(con: duckdb.DuckDBPyConnection, la_codes: list[str] | None = None) -> None:
    """(Re)build the derived tables and macros (fact_placement, looked_after_at(), fact_child_month, ...).

    With `la_codes`, only those authorities' derived rows are built (their old rows replaced, everyone else's kept):
    a load of one authority then costs time in proportion to it, not to the warehouse. Every base table must already
    hold exactly the authorities' new rows. Falls back to a full build when the warehouse's derived tables are not
    this version's (a table missing or with other columns).
    """
    if la_codes is None or not _scoped_build(con, sorted(set(la_codes))):
        # sql: identifiers: the SCOPE schema name, a constant
        con.execute(f"drop schema if exists {SCOPE} cascade")
        con.execute("set search_path = 'main'")
        for path in derived_files():
            con.execute(path.read_text())


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = current_database() "
        "and table_schema = $schema and table_name = $table order by ordinal_position",
        {"schema": schema, "table": table}).fetchall()


def _main_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_catalog = current_database() "
        "and table_schema = 'main' and table_type = 'BASE TABLE'").fetchall()}


def _scoped_build(con: duckdb.DuckDBPyConnection, codes: list[str]) -> bool:
    """Build the derived tables of `codes` only, in schema derive_scope, and swap their rows into main's tables.

    The base tables are seen through derive_scope views holding only those authorities, so the derived SQL runs
    unchanged. Keys (child_key, worker_key) are numbered after the warehouse's highest, so they stay unique. A derived
    table without la_code (the working-day calendar, worker spells by key) is rebuilt whole in main: it is small.
    Returns False when main's derived tables are not this version's (then a full build replaces them all).
    """
    if out_of_date(con):  # main's derived tables missing, or with another version's columns
        return False
    main = _main_tables(con)
    derived = derived_tables()
    # sql: identifiers: the SCOPE schema name, a constant
    con.execute(f"drop schema if exists {SCOPE} cascade")
    con.execute(f"create schema {SCOPE}")  # sql: identifiers: the SCOPE schema name
    # sql: identifiers: the SCOPE schema name; the codes bound
    con.execute(f"create table {SCOPE}.scope_codes as select unnest($codes::varchar[]) as la_code", {"codes": codes})
    for table in sorted(main - set(derived)):
        if any(c == "la_code" for c, _ in _columns(con, "main", table)):
            # sql: identifiers: the SCOPE schema name and this schema's table names
            con.execute(f"create view {SCOPE}.{table} as select * from main.{table} "
                        f"where la_code in (select la_code from {SCOPE}.scope_codes)")
    try:
        for table, sql in _statements():
            if table is None:  # a macro: one definition, in main (its tables are looked up where it is called)
                con.execute("set search_path = 'main'")
                con.execute(sql)
                continue
            # sql: identifiers: the SCOPE schema name, a constant
            con.execute(f"set search_path = '{SCOPE},main'")
            con.execute(sql)
            con.execute("set search_path = 'main'")
            columns = _columns(con, SCOPE, table)
            if not any(c == "la_code" for c, _ in columns):
                # sql: identifiers: the SCOPE schema name and this schema's table names
                con.execute(f"drop table {SCOPE}.{table}")
                con.execute(sql)
                continue
            if columns != _columns(con, "main", table):
                return False
            if table in KEY_COLUMNS:
                key = KEY_COLUMNS[table]
                # sql: identifiers: the SCOPE schema name, table names and KEY_COLUMNS, all written here
                con.execute(f"update {SCOPE}.{table} set {key} = {key} + "
                            f"(select coalesce(max({key}), 0) from main.{table})")
            # at once, so a whole-warehouse table built later (worker spells by key) sees these rows
            # sql: identifiers: the SCOPE schema name and this schema's table names
            con.execute(f"delete from main.{table} where la_code in (select la_code from {SCOPE}.scope_codes)")
            con.execute(f"insert into main.{table} select * from {SCOPE}.{table}")  # sql: identifiers: as above
        return True
    finally:
        con.execute("set search_path = 'main'")
        # sql: identifiers: the SCOPE schema name, a constant
        con.execute(f"drop schema if exists {SCOPE} cascade")


def remove_authorities(con: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    """Delete these authorities' rows from every table but the history tables (before they are loaded again)."""
    for table in sorted(_main_tables(con) - set(HISTORY_TABLES)):
        if any(c == "la_code" for c, _ in _columns(con, "main", table)):
            # sql: identifiers: this schema's table names; the codes bound
            con.execute(f"delete from main.{table} where list_contains($codes, la_code)", {"codes": codes})


def can_update_in_place(db: Path, codes: list[str]) -> bool:
    """Whether a load of `codes` may start from a copy of the warehouse at `db` and replace their rows in it.

    Yes when the file was closed cleanly (no write-ahead log), its tables are this version's schema.sql tables and it
    holds an authority not being loaded (else there is nothing to keep and a fresh file is quicker); otherwise the
    loader builds a fresh file and copies the other authorities' facts into it.
    """
    db = Path(db)
    if not db.is_file() or Path(f"{db}.wal").exists():
        return False
    con = duckdb.connect()
    try:
        con.execute(SCHEMA_SQL.read_text())
        columns = ("select table_name, column_name, data_type from information_schema.columns "
                   "where table_catalog = $catalog and table_schema = 'main'")
        want = set(con.execute(columns, {"catalog": "memory"}).fetchall())
        try:
            con.execute("attach $path as old_wh (read_only)", {"path": str(db)})
        except duckdb.Error:
            return False
        tables = {t for t, _, _ in want}
        have = {row for row in con.execute(columns, {"catalog": "old_wh"}).fetchall() if row[0] in tables}
        if have != want:
            return False
        kept = con.execute("select count(*) from old_wh.main.dim_authority where not list_contains($codes, la_code)",
                           {"codes": list(codes)}).fetchone()[0]
        return kept > 0
    finally:
        con.close()


def copy_for_update(db: Path, tmp: Path, codes: list[str]) -> bool:
    """Copy the warehouse at `db` to `tmp` when a load of `codes` may update that copy in place (True), else leave
    `tmp` alone.

    Copying the file is far quicker than copying every other authority's rows and rebuilding their derived tables; the
    old file stays as it was, readable, until the new one is moved over it.
    """
    if not can_update_in_place(db, codes):
        return False
    shutil.copyfile(db, tmp)
    return True
