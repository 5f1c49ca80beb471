"""Build a tiny warehouse from hand-written rows, for measure tests whose expected values are worked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from etl.contract import ALL_FILES
from etl.warehouse import build_derived, create_schema


def make_warehouse(path: Path | str, tables: dict[str, list[dict[str, Any]]], cover_from: str | None = None,
                   cover_to: str | None = None) -> Path:
    """Create a warehouse at `path` holding `tables` (table name -> rows as dicts), then the derived tables.

    Columns not given in a row are null. dim_authority rows are added for every la_code seen, if not given, and are
    synthetic (hand-written rows, no real child) unless a row says `synthetic: False`.
    Unless `source_coverage` is given, every source counts as covering every month of every authority from the
    April that opens the first return year to the later of the March closing the last one and the last visit
    (as if every file had been supplied for the whole period); `cover_from` / `cover_to` ('YYYY-MM') move that
    span's first / last month. Returns the path; open it read-only in the test.
    """
    path = Path(path)
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        la_codes: set[str] = set()
        for table, rows in tables.items():
            if not rows:
                continue
            if table == "dim_authority":
                rows = [{"synthetic": True, **r} for r in rows]
            frame = pd.DataFrame(rows)  # noqa: F841 - read by DuckDB's replacement scan
            cols = ", ".join(frame.columns)
            con.execute(f"insert into {table} ({cols}) select {cols} from frame")
            la_codes |= {r["la_code"] for r in rows if "la_code" in r}
        if "dim_authority" not in tables:
            for code in sorted(la_codes):
                con.execute("insert into dim_authority (la_code, la_name, synthetic) values (?, ?, true)",
                            [code, f"Test Authority {code}"])
        if "source_coverage" not in tables:
            _cover_everything(con, cover_from, cover_to)
        build_derived(con)
    finally:
        con.close()
    return path


def _cover_everything(con: duckdb.DuckDBPyConnection, cover_from: str | None, cover_to: str | None) -> None:
    """source_coverage: every contract source for every authority over the data's whole span (or the one given)."""
    con.execute("""
insert into source_coverage (la_code, source, month_end)
with span as (
    select
        coalesce($cover_from::date, (select make_date(min(return_year) - 1, 4, 1) from fact_episode),
                 (select date_trunc('month', min(decom)) from fact_episode), date '2000-01-01') as first_day,
        coalesce(last_day($cover_to::date), greatest(
            coalesce((select make_date(max(return_year), 3, 31) from fact_episode),
                     (select max(coalesce(dec, decom)) from fact_episode)),
            (select max(visit_date) from fact_visit))) as last_day
)
select a.la_code, s.source, last_day(r.m::date)
from dim_authority as a
cross join (select unnest($sources) as source) as s
cross join span
cross join range(date_trunc('month', span.first_day)::timestamp, last_day(span.last_day)::timestamp
                 + interval 1 day, interval 1 month) as r (m)
""", {"sources": [f.name for f in ALL_FILES], "cover_from": f"{cover_from}-01" if cover_from else None,
      "cover_to": f"{cover_to}-01" if cover_to else None})
