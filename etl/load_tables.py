"""Warehouse-side steps of a load that are not per file: other authorities' data, fact_missing, worker dimensions."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.load_sources import LoadError

# Append-only history: every earlier load's rows are kept, whatever the authority; and the published benchmarks
# (python -m etl benchmarks), which belong to no loaded authority.
HISTORY_TABLES = ("load_log", "rejected_rows", "load_warnings", "benchmark_value", "benchmark_neighbours",
                  "benchmark_file")


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
            # sql: identifiers: table and column names of this schema (those the old file shares with it); codes bound
            con.execute(f"insert into main.{table} ({cols}) select {cols} from old_wh.main.{table} {where}",
                        {"codes": codes} if where else {})
    finally:
        con.execute("detach old_wh")


def insert_missing(con: duckdb.DuckDBPyConnection, keep_missing: str, keep_interviews: str) -> None:
    """fact_missing: kept missing episodes with their return interview (matched on CHILD and MIS_START)."""
    # sql: identifiers: temp table names
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


def fill_source_coverage(con: duckdb.DuckDBPyConnection, codes: list[str], load_date: object) -> None:
    """source_coverage for the authorities being loaded (rules in etl/schema.sql), from load_files and the facts."""
    con.execute("""
insert into source_coverage (la_code, source, month_end)
with
files as (
    select distinct la_code, kind, return_year from load_files
),
returns as (
    -- SSDA903: the 12 months of each return year present (1 April to 31 March)
    select f.la_code, f.kind as source, last_day(make_date(f.return_year - 1, 4, 1) + to_months(k.k::integer)) as m
    from files as f
    cross join range(12) as k (k)
    where f.return_year is not null
),
event_spans as (
    select la_code, 'visits' as source, min(visit_date) as first_day, max(visit_date) as last_day
    from fact_visit where list_contains($codes, la_code) group by la_code
    union all
    select la_code, 'health_assessments', min(assessment_date), max(assessment_date)
    from fact_health_assessment where list_contains($codes, la_code) group by la_code
    union all
    select la_code, 'return_interviews', min(mis_start),
           max(greatest(mis_start, coalesce(rhi_offered_at::date, mis_start), coalesce(rhi_at::date, mis_start)))
    from fact_missing where list_contains($codes, la_code) and has_rhi_record group by la_code
    union all
    select la_code, 'plan_actions', min(raised_date), max(greatest(raised_date, coalesce(completed_date, raised_date)))
    from fact_plan_action where list_contains($codes, la_code) group by la_code
    union all
    select la_code, 'supervisions', min(supervision_date), max(supervision_date)
    from fact_supervision where list_contains($codes, la_code) group by la_code
),
present_events as (
    select e.* from event_spans as e
    semi join files as f on f.la_code = e.la_code and f.kind = e.source
),
event_months as (
    select la_code, source, unnest(range(date_trunc('month', first_day)::timestamp,
                                         last_day(last_day)::timestamp, interval 1 month))::date as m
    from present_events
),
data_span as (
    -- the authority's SSDA903 and event-extract months (the data end never after the load month)
    select la_code, min(last_day(m)) as first_month, least(max(last_day(m)), last_day($load_date::date)) as last_month
    from (select la_code, m from returns union all select la_code, m from event_months)
    group by la_code
),
staff_spans as (
    select la_code, 'workforce' as source, min(start_date) as first_day,
           case when bool_or(end_date is null) then null else max(greatest(start_date, end_date)) end as last_day
    from fact_worker_spell where list_contains($codes, la_code) group by la_code
    union all
    select la_code, 'establishment', min(start_date),
           case when bool_or(end_date is null) then null else max(greatest(start_date, end_date)) end
    from fact_establishment where list_contains($codes, la_code) group by la_code
),
rare_spans as (
    -- rare events: from the first dated row to the data end (a month without a row had no such event)
    select la_code, 'legal' as source, min(least(plo_decision_date, plo_letter_date, plo_meeting_date,
                                                   proceedings_issued_date, final_order_date)) as first_day
    from fact_legal where list_contains($codes, la_code) group by la_code
    union all
    select la_code, 'strategy_meetings', min(meeting_date)
    from fact_strategy_meeting where list_contains($codes, la_code) group by la_code
    union all
    select la_code, 'return_home_plans', min(least(ceased_date, coalesce(plan_agreed_date, ceased_date)))
    from fact_return_home_plan where list_contains($codes, la_code) group by la_code
),
rare_months as (
    select r.la_code, r.source, unnest(range(
        date_trunc('month', greatest(r.first_day, coalesce(d.first_month, r.first_day)))::timestamp,
        coalesce(d.last_month, last_day($load_date::date))::timestamp,
        interval 1 month))::date as m
    from rare_spans as r
    left join data_span as d using (la_code)
    semi join files as f on f.la_code = r.la_code and f.kind = r.source
),
staff_months as (
    -- staff in post from the later of the first spell and the start of the authority's other data (a worker who
    -- started in 2001 does not make 2001 a month of data), to the data end while any row is open
    select s.la_code, s.source, unnest(range(
        date_trunc('month', greatest(s.first_day, coalesce(d.first_month, s.first_day)))::timestamp,
        coalesce(last_day(s.last_day), d.last_month, last_day($load_date::date))::timestamp,
        interval 1 month))::date as m
    from staff_spans as s
    left join data_span as d using (la_code)
    semi join files as f on f.la_code = s.la_code and f.kind = s.source
),
final as (
    select distinct la_code, source, last_day(m) as month_end
    from (select * from returns union all select * from event_months union all select * from staff_months
          union all select * from rare_months)
    where last_day(m) <= last_day($load_date::date)
)
select * from final order by la_code, source, month_end
""", {"codes": codes, "load_date": load_date})
