"""Warehouse-side steps of a load that are not per file: other authorities' data, fact_missing, worker dimensions."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.load_sources import LoadError

# Append-only history: every earlier load's rows are kept, whatever the authority.
HISTORY_TABLES = ("load_log", "rejected_rows")


def table_columns(con: duckdb.DuckDBPyConnection, table: str, catalog: str | None = None) -> dict[str, str]:
    """Column name -> type of a table in the main schema of `catalog` (default: the database being built)."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = coalesce($catalog, current_database()) and table_schema = 'main' "
        "and table_name = $table order by ordinal_position",
        {"catalog": catalog, "table": table},
    ).fetchall()
    return dict(rows)


def _tables(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_catalog = coalesce($catalog, "
        "current_database()) and table_schema = 'main' and table_type = 'BASE TABLE' order by table_name",
        {"catalog": catalog},
    ).fetchall()]


def copy_other_authorities(con: duckdb.DuckDBPyConnection, old_db: Path, codes: list[str]) -> None:
    """Copy every authority not being loaded, and all load history, from the old warehouse (read-only)."""
    try:
        con.execute("attach $path as old_wh (read_only)", {"path": str(old_db)})
    except duckdb.Error as exc:
        raise LoadError(f"{old_db}: the existing warehouse cannot be opened: {str(exc).splitlines()[0]}") from exc
    try:
        old_tables = set(_tables(con, "old_wh"))
        for table in _tables(con):  # only schema tables exist yet: derived tables are rebuilt afterwards
            if table not in old_tables:
                continue
            new_cols = table_columns(con, table)
            old_cols = table_columns(con, table, "old_wh")
            common = [c for c in new_cols if c in old_cols]
            if table in HISTORY_TABLES:
                where = ""
            elif "la_code" in common:
                where = "where not list_contains($codes, la_code)"
            else:
                continue  # e.g. dim_bank_holiday, rebuilt by create_schema
            cols = ", ".join(common)
            con.execute(f"insert into main.{table} ({cols}) select {cols} from old_wh.main.{table} {where}",
                        {"codes": codes} if where else {})
    finally:
        con.execute("detach old_wh")


def insert_missing(con: duckdb.DuckDBPyConnection, keep_missing: str, keep_interviews: str) -> None:
    """fact_missing: kept missing episodes with their return interview (matched on CHILD and MIS_START)."""
    con.execute(f"""
insert into fact_missing (la_code, child, missing_type, mis_start, mis_end, return_year, has_rhi_record,
                          rhi_offered_at, rhi_at, rhi_accepted)
with missing as (
    select * from {keep_missing}
),
interviews as (
    select * from {keep_interviews}
),
final as (
    select
        m.la_code,
        m."CHILD",
        m."MISSING",
        m."MIS_START",
        m."MIS_END",
        m.return_year,
        i.rid is not null,
        i."RHI_OFFERED_DATE",
        i."RHI_DATE",
        i."RHI_ACCEPTED" in ('1', 'Y')
    from missing as m
    left join interviews as i on i.la_code = m.la_code and i."CHILD" = m."CHILD" and i."MIS_START" = m."MIS_START"
)
select * from final
""")


def finish_dimensions(con: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    """dim_worker (each worker's latest spell) and dim_team (teams in spells or establishment) for `codes`."""
    con.execute("""
insert into dim_worker (la_code, sw_id, team, org_role, agency_worker)
with spells as (
    select * from fact_worker_spell where list_contains($codes, la_code)
),
final as (
    select la_code, sw_id, team, org_role, agency_worker
    from spells
    qualify row_number() over (partition by la_code, sw_id order by start_date desc) = 1
)
select * from final
""", {"codes": codes})
    con.execute("""
insert into dim_team (la_code, team)
with teams as (
    select la_code, team from fact_worker_spell where list_contains($codes, la_code)
    union
    select la_code, team from fact_establishment where list_contains($codes, la_code)
),
final as (
    select distinct la_code, team from teams where team is not null
)
select * from final order by la_code, team
""", {"codes": codes})
