"""The sample authority's yearly headline figures, recomputed from its CSV files, sit in the published ranges.

Published figures for a unitary of Slough's size (DfE SSDA903 releases and CSWW indicators, years ending 31 March,
workforce at 30 September): children looked after at 31 March 191 / 191 / 206 (2016 / 2017 / 2018), started 129 /
118 / 125, ceased 154 / 112 / 112, 12-17% with 3+ placements in the year, 27-48 children missing in a year, 86-95%
of children looked after 12 months+ with their annual health assessment, agency rate ~52% (2015, 2016) falling to
32-34% (2017), turnover ~29% then 16-20%, caseload 13-14. The generator must be near these facts, not fake them, so
the ranges are: CLA +-12%, starts/ceases +-20%, 3+ placements 10-19%, missing 27-48, health assessments 86-95%,
agency 45-59% then 27-39%, turnover 22-36% then 12-24%, caseload 12-15. (The sample's CLA teams have ~9
permanent FTE, so one leaver moves turnover by ~11 points: 2 or 3 leavers is "about 29%".)

The figures are computed here straight from the generated files with DuckDB's CSV reader (not the loader), using
the DfE definitions written next to each query.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.generate import generate

YEARS = (2016, 2017, 2018)
CLA = {2016: 191, 2017: 191, 2018: 206}
STARTED = {2016: 129, 2017: 118, 2018: 125}
CEASED = {2016: 154, 2017: 112, 2018: 112}


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    return f"read_csv('{path}', all_varchar = true, header = true)"


def year_figures(source: Path, year: int) -> dict[str, float]:
    """Headline SSDA903 figures for the collection year ending 31 March `year`, from that year's return."""
    con = duckdb.connect()
    folder = source / "ssda903" / str(year)
    ys, ye = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    con.execute(f"""
        create table eps as
        select "CHILD" as child, "RNE" as rne, "REC" as rec,
               strptime("DECOM", '%d/%m/%Y')::date as decom,
               strptime(nullif("DEC", ''), '%d/%m/%Y')::date as dec
        from {_read(con, folder / 'episodes.csv')}
    """)
    params = {"ys": ys, "ye": ye}
    # CLA at 31 March: an episode begun on or before 31 March and not ceased on or before it.
    cla = con.execute("""
        select count(distinct child) from eps where decom <= $ye and (dec is null or dec > $ye)
    """, {"ye": ye}).fetchone()[0]
    # Started: a period of care began (RNE S) in the year; ceased: a period ended (REC other than X1) in the year.
    started = con.execute("""
        select count(distinct child) from eps where rne = 'S' and decom between $ys and $ye
    """, params).fetchone()[0]
    ceased = con.execute("""
        select count(distinct child) from eps where dec between $ys and $ye and rec <> 'X1'
    """, params).fetchone()[0]
    # 3+ placements: of the children looked after at 31 March, those with three or more placements in the year:
    # placements begun in the year (RNE S, P, T, U, B) plus the one they were in on 1 April, if any (one that
    # ended on 1 April is not: as with "looked after on a date", ending on the day means not in it that day).
    three = con.execute("""
        with at_end as (
            select distinct child from eps where decom <= $ye and (dec is null or dec > $ye)
        ),
        counts as (
            select child,
                   count(*) filter (where rne in ('S', 'P', 'T', 'U', 'B') and decom between $ys and $ye)
                   + max(case when decom < $ys and (dec is null or dec > $ys) then 1 else 0 end) as placements
            from eps
            where child in (select child from at_end)
            group by child
        )
        select count(*) filter (where placements >= 3) * 100.0 / count(*) from counts
    """, params).fetchone()[0]
    # Children missing: distinct children with a missing (M) episode that started in the year.
    missing = con.execute(f"""
        select count(distinct "CHILD") from {_read(con, folder / 'missing.csv')}
        where "MISSING" = 'M' and strptime("MIS_START", '%d/%m/%Y')::date between $ys and $ye
    """, params).fetchone()[0]
    # OC2: share of children looked after 12 months+ at 31 March with their annual health assessment.
    health = con.execute(f"""
        select avg(("HEALTH_ASSESSMENT" = '1')::int) * 100 from {_read(con, folder / 'oc2.csv')}
    """).fetchone()[0]
    return {"cla": cla, "started": started, "ceased": ceased, "three_placements_pct": three,
            "children_missing": missing, "health_assessment_pct": health}


def workforce_figures(source: Path, year: int) -> dict[str, float]:
    """CSWW figures at 30 September `year`: agency rate, turnover in the year to then, caseload."""
    con = duckdb.connect()
    sept = dt.date(year, 9, 30)
    con.execute(f"""
        create table spells as
        select "ORG_ROLE"::int as role, "AGENCY_WORKER" = '1' as agency, "FTE"::double as fte,
               "REASON_LEAVE" as reason, "START_DATE"::date as start_date,
               nullif("END_DATE", '')::date as end_date
        from {_read(con, source / 'extracts' / 'workforce.csv')}
    """)
    # In post on d: started on or before d and not left before d (END_DATE is the last day in post).
    agency, perm_fte, case_fte = con.execute("""
        select sum(fte) filter (where agency) * 100 / sum(fte),
               sum(fte) filter (where not agency),
               sum(fte) filter (where role in (4, 5))
        from spells where start_date <= $d and (end_date is null or end_date >= $d)
    """, {"d": sept}).fetchone()
    # Turnover: permanent leavers' FTE (a spell ended with a ReasonLeave) in the year to 30 Sept / permanent FTE
    # in post at 30 Sept.
    leavers = con.execute("""
        select coalesce(sum(fte), 0) from spells
        where not agency and reason is not null and reason <> ''
          and end_date > $d - interval 1 year and end_date <= $d
    """, {"d": sept}).fetchone()[0]
    # Caseload: children looked after on 30 Sept (from the return of the year holding it) per case-holding FTE
    # (OrgRole 4 senior practitioner, 5 case holder).
    eps = source / "ssda903" / str(year + 1) / "episodes.csv"
    cla = con.execute(f"""
        select count(distinct "CHILD") from {_read(con, eps)}
        where strptime("DECOM", '%d/%m/%Y')::date <= $d
          and ("DEC" is null or "DEC" = '' or strptime("DEC", '%d/%m/%Y')::date > $d)
    """, {"d": sept}).fetchone()[0]
    return {"agency_pct": agency, "turnover_pct": leavers * 100 / perm_fte, "caseload": cla / case_fte}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("calibration"))[0]


@pytest.mark.parametrize("year", YEARS)
def test_children_looked_after_started_and_ceased(sample: Path, year: int) -> None:
    f = year_figures(sample, year)
    assert CLA[year] * 0.88 <= f["cla"] <= CLA[year] * 1.12, f
    assert STARTED[year] * 0.8 <= f["started"] <= STARTED[year] * 1.2, f
    assert CEASED[year] * 0.8 <= f["ceased"] <= CEASED[year] * 1.2, f


@pytest.mark.parametrize("year", YEARS)
def test_placement_stability_missing_and_health(sample: Path, year: int) -> None:
    f = year_figures(sample, year)
    assert 10 <= f["three_placements_pct"] <= 19, f
    assert 27 <= f["children_missing"] <= 48, f
    assert 86 <= f["health_assessment_pct"] <= 95, f


@pytest.mark.parametrize(("year", "agency", "turnover"), [
    (2015, (45, 59), (22, 36)),
    (2016, (45, 59), (22, 36)),
    (2017, (27, 39), (12, 24)),
])
def test_workforce_at_30_september(sample: Path, year: int, agency: tuple[int, int], turnover: tuple[int, int]
                                   ) -> None:
    f = workforce_figures(sample, year)
    assert agency[0] <= f["agency_pct"] <= agency[1], f
    assert turnover[0] <= f["turnover_pct"] <= turnover[1], f
    assert 12 <= f["caseload"] <= 15, f
