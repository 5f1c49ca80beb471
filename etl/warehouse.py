"""Create the warehouse schema and the derived tables on an open DuckDB connection (writer side only)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.calendar import england_bank_holidays

HERE = Path(__file__).resolve().parent
SCHEMA_SQL = HERE / "schema.sql"
DERIVED_SQL = HERE / "derived.sql"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every warehouse table (empty) and fill the bank-holiday calendar."""
    con.execute(SCHEMA_SQL.read_text())
    holidays_df = england_bank_holidays()  # noqa: F841 - read by DuckDB's replacement scan
    con.execute("delete from dim_bank_holiday")
    con.execute("insert into dim_bank_holiday select holiday_date, name from holidays_df")


def derived_files() -> list[Path]:
    """derived.sql first (placements, child-months), then each theme's etl/derived_*.sql, which may use it."""
    return [DERIVED_SQL, *sorted(HERE.glob("derived_*.sql"))]


def build_derived(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the derived tables and macros (fact_placement, looked_after_at(), fact_child_month, ...)."""
    for path in derived_files():
        con.execute(path.read_text())
