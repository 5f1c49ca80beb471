"""Quick bulk sources for the ETL benchmark, written by DuckDB in seconds (shape-realistic, not story-realistic).

Used when etl/generate.py is not available or with --bulk: every authority gets ~1,400 children over ten
years, with episodes, allocations and reviews repeated in each return they overlap (so de-duplication has real
work), ~30k visits, and all extracts. Every row is valid under the contract.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from etl.generate_write import write_authority_toml

YEAR_FILES = ("header", "episodes", "reviews", "missing", "oc2", "sw_episodes")
EXTRACTS = ("visits", "health_assessments", "return_interviews", "workforce", "establishment")

# Pseudo-random numbers from hash(), so the data is the same every run.
SQL = """
create or replace macro rnd(a, b) as (hash(a, b) % 1000000) / 1000000.0;
create or replace table children as
with base as (
    select la, c,
           date '2008-04-01' + (rnd(la, c) * 3650)::integer as start_date,
           30 + (rnd(c, la) ^ 2 * 1500)::integer as days
    from range(1, $authorities + 1) as a(la), range(1, $children + 1) as k(c)
)
select la, 'C' || lpad(c::varchar, 6, '0') as child, start_date,
       least(start_date + days, date '2018-03-31' + 400) as end_date,
       start_date - (365 * (1 + rnd(la + 7, c) * 16))::integer as dob
from base;

create or replace table years as select y from range(2009, 2019) as r(y);

create or replace table episodes as
with parts as (
    select ch.*, e, 1 + floor(rnd(la, hash(child)) * 4)::integer as n
    from children as ch, range(0, 4) as r(e)
),
cut as (
    select la, child, e, n,
           start_date + ((end_date - start_date) * e / n)::integer as decom,
           start_date + ((end_date - start_date) * (e + 1) / n)::integer as dec
    from parts where e < n
)
select la, child, decom, dec, case when e = 0 then 'S' else 'T' end as rne,
       case when e = n - 1 then 'E4A' else 'X1' end as rec
from cut;

create or replace table visits as
select la, child, 'SW' || (hash(la, child) % 60)::varchar as sw_id, start_date + v::integer * 35 as visit_date
from children, range(0, 60) as r(v)
where start_date + v::integer * 35 <= least(end_date, date '2018-03-31');
"""

COPIES = {
    "header": """
select la, y, child as CHILD, case when rnd(la, hash(child) + 1) < 0.5 then '1' else '2' end as SEX,
       strftime(dob, '%d/%m/%Y') as DOB, 'WBRI' as ETHNIC, '' as UPN, '0' as MOTHER, '' as MC_DOB
from children, years
where start_date <= make_date(y, 3, 31) and end_date >= make_date(y - 1, 4, 1)""",
    "episodes": """
select la, y, child as CHILD, strftime(decom, '%d/%m/%Y') as DECOM, rne as RNE, 'C2' as LS, 'N1' as CIN,
       'U4' as PLACE, 'PR1' as PLACE_PROVIDER,
       case when dec <= make_date(y, 3, 31) then strftime(dec, '%d/%m/%Y') end as DEC,
       case when dec <= make_date(y, 3, 31) then rec end as REC,
       case when rne = 'T' then 'CARPL' end as REASON_PLACE_CHANGE, 'AB1' as HOME_POST, 'AB2' as PL_POST,
       '' as URN
from episodes, years
where decom <= make_date(y, 3, 31) and dec >= make_date(y - 1, 4, 1)""",
    "reviews": """
select la, year(d + interval 9 month)::integer as y, child as CHILD, strftime(dob, '%d/%m/%Y') as DOB,
       strftime(d, '%d/%m/%Y') as REVIEW, 'PN1' as REVIEW_CODE
from (select *, start_date + 20 + r::integer * 182 as d from children, range(0, 20) as t(r))
where d <= least(end_date, date '2018-03-31')""",
    "missing": """
select la, year(d + interval 9 month)::integer as y, child as CHILD, '' as DOB, 'M' as MISSING,
       strftime(d, '%d/%m/%Y') as MIS_START, strftime(d + interval 30 hour, '%d/%m/%Y %H:%M') as MIS_END
from (select *, start_date + 40 + r::integer * 90 as d from children, range(0, 12) as t(r))
where d <= least(end_date, date '2018-03-31') and rnd(la, hash(child, d)) < 0.12""",
    "oc2": """
select la, y, child as CHILD, '' as DOB, (rnd(la, hash(child, y)) * 40)::integer::varchar as SDQ_SCORE,
       '' as SDQ_REASON, '0' as CONVICTED, '' as HEALTH_CHECK, '1' as IMMUNISATIONS, '1' as TEETH_CHECK,
       '1' as HEALTH_ASSESSMENT, '0' as SUBSTANCE_MISUSE, '0' as INTERVENTION_RECEIVED, '0' as INTERVENTION_OFFERED
from children, years
where start_date <= make_date(y - 1, 3, 31) and end_date >= make_date(y, 3, 31)""",
    "sw_episodes": """
select la, y, CHILD, '' as DOB, SW_ID, strftime(s, '%d/%m/%Y') as SW_DECOM,
       case when e <= make_date(y, 3, 31) then strftime(e, '%d/%m/%Y') end as SW_DEC,
       case when e <= make_date(y, 3, 31) then 'LEFTRL' end as SW_REASON
from (
    select la, child as CHILD, 'SW' || ((hash(la, child) + k) % 60)::varchar as SW_ID,
           start_date + ((end_date - start_date) * k / 2)::integer as s,
           start_date + ((end_date - start_date) * (k + 1) / 2)::integer - 1 as e
    from children, range(0, 2) as r(k)
), years
where s <= make_date(y, 3, 31) and e >= make_date(y - 1, 4, 1)""",
    "visits": """
select la, child as CHILD, sw_id as SW_ID, strftime(visit_date, '%d/%m/%Y') as VISIT_DATE,
       case when rnd(la, hash(child, visit_date)) < 0.7 then 'Y' else 'N' end as SEEN_ALONE
from visits""",
    "health_assessments": """
select la, child as CHILD, strftime(start_date + 15 + r::integer * 365, '%d/%m/%Y') as ASSESSMENT_DATE,
       case when r = 0 then 'IHA' else 'RHA' end as ASSESSMENT_TYPE
from children, range(0, 10) as t(r)
where start_date + 15 + r::integer * 365 <= least(end_date, date '2018-03-31')""",
    "return_interviews": """
select la, child as CHILD, strftime(d, '%d/%m/%Y') as MIS_START,
       strftime(d + interval 40 hour, '%d/%m/%Y %H:%M') as RHI_OFFERED_DATE,
       strftime(d + interval 60 hour, '%d/%m/%Y') as RHI_DATE, 'Y' as RHI_ACCEPTED
from (select *, start_date + 40 + r::integer * 90 as d from children, range(0, 12) as t(r))
where d <= least(end_date, date '2018-03-31') and rnd(la, hash(child, d)) < 0.09""",
    "workforce": """
select la, 'SW' || w::varchar as SW_ID, 'Team ' || (w % 6)::varchar as TEAM, '5' as ORG_ROLE,
       case when w % 3 = 0 then '1' else '0' end as AGENCY_WORKER, '1' as FTE,
       strftime(date '2008-01-01' + s::integer * 700, '%d/%m/%Y') as START_DATE,
       case when s < 5 then strftime(date '2008-01-01' + s::integer * 700 + 699, '%d/%m/%Y') end as END_DATE,
       case when s < 5 then '7' end as REASON_LEAVE
from range(1, $authorities + 1) as a(la), range(0, 60) as r(w), range(0, 6) as t(s)""",
    "establishment": """
select la, 'Team ' || t::varchar as TEAM, '12' as FTE, '01/04/2008' as START_DATE, '' as END_DATE
from range(1, $authorities + 1) as a(la), range(0, 6) as r(t)""",
}


def la_code(la: int) -> str:
    """Synthetic authority codes (Z99 prefix, never a real council's)."""
    return f"Z99{la:06d}"


def write_bulk_sources(out: Path, authorities: int = 150, children: int = 1400) -> list[Path]:
    """Write `authorities` source folders under `out` (returns them); ten returns 2009-2018 each."""
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    staging = out / "_partitions"
    staging.mkdir(parents=True)
    con = duckdb.connect()
    for statement in filter(str.strip, SQL.split(";")):
        params = {k: v for k, v in (("authorities", authorities), ("children", children)) if f"${k}" in statement}
        con.execute(statement, params)
    for name, select in COPIES.items():
        by = "la, y" if name in YEAR_FILES else "la"
        params = {"authorities": authorities} if "$authorities" in select else {}
        con.execute(f"copy ({select}) to '{staging / name}' (format csv, header, partition_by ({by}))", params)
    con.close()
    sources = []
    for la in range(1, authorities + 1):
        src = out / f"bulk_{la:03d}"
        (src / "extracts").mkdir(parents=True)
        # marked synthetic like the generator's: the dashboard shows it without sign-in (bench_pages needs that)
        write_authority_toml(src, la_code(la), f"Bulk Sample Borough {la}")
        for name in COPIES:
            base = staging / name / f"la={la}"
            if name in YEAR_FILES:
                for ydir in base.iterdir():
                    year = ydir.name.split("=")[1]
                    (src / "ssda903" / year).mkdir(parents=True, exist_ok=True)
                    os.replace(next(ydir.glob("*.csv")), src / "ssda903" / year / f"{name}.csv")
            else:
                os.replace(next(base.glob("*.csv")), src / "extracts" / f"{name}.csv")
        sources.append(src)
    shutil.rmtree(staging)
    return sources
