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


def build_derived(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build fact_placement, the looked_after_at() macro and fact_child_month from the facts."""
    con.execute(DERIVED_SQL.read_text())
