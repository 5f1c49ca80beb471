"""On the sample authority, the DfE-defined measures give exactly what the generator was calibrated to.

The generator's calibration (tests/test_calibration.py) recomputes each yearly figure straight from the source
CSV files; here the same figures must come out of the warehouse through the measures the dashboard shows.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

import queries
from tests.test_calibration import workforce_figures, year_figures


@pytest.fixture(scope="module")
def con(sample_db):
    c = duckdb.connect(str(sample_db), read_only=True)
    yield c
    c.close()


def authority_value(con, name: str, day: dt.date, column: str = "value") -> float:
    df = queries.run(name, con, from_month=day, to_month=day)
    row = df[df["team"] == "All teams"]
    assert len(row) == 1, f"{name}: no authority row for {day}"
    return float(row[column].iloc[0])


@pytest.mark.parametrize("year", [2016, 2017, 2018])
def test_31_march_measures_match_the_returns(con, sample_sources, year):
    expected = year_figures(sample_sources[0], year)
    day = dt.date(year, 3, 31)
    assert authority_value(con, "placements_3plus", day) == pytest.approx(expected["three_placements_pct"], abs=0.05)
    assert 10 <= authority_value(con, "placements_3plus", day) <= 19  # published 12-17% for this size of authority
    assert authority_value(con, "missing_episodes", day) == expected["children_missing"]
    assert 27 <= expected["children_missing"] <= 48
    oc2 = authority_value(con, "health_oc2_assessments", day)
    assert oc2 == pytest.approx(expected["health_assessment_pct"], abs=0.05)
    assert 86 <= oc2 <= 95


@pytest.mark.parametrize("year", [2015, 2016, 2017])
def test_30_september_workforce_measures_match_the_extract(con, sample_sources, year):
    expected = workforce_figures(sample_sources[0], year)
    day = dt.date(year, 9, 30)
    assert authority_value(con, "workforce_agency_rate", day) == pytest.approx(expected["agency_pct"], abs=0.05)
    assert authority_value(con, "workforce_turnover", day, "turnover_csww") == pytest.approx(
        expected["turnover_pct"], abs=0.05)
    assert authority_value(con, "workforce_caseload", day) == pytest.approx(expected["caseload"], abs=0.05)


# Published for a unitary of this size (Slough, DfE SFR tables): CLA at 31 March, started and ceased in the year.
PUBLISHED = {2016: (191, 129, 154), 2017: (191, 118, 112), 2018: (206, 125, 112)}

WAREHOUSE_HEADLINES = """
with periods as (
    select la_code, child, period_start, max(coalesce(placement_end, date '9999-12-31')) as period_end
    from fact_placement
    group by all
)
select
    (select count(*) from fact_child_month where month_end = $ye) as cla,
    (select count(distinct child) from periods where period_start between $ys and $ye) as started,
    (select count(distinct child) from periods where period_end between $ys and $ye) as ceased
"""


@pytest.mark.parametrize("year", [2016, 2017, 2018])
def test_warehouse_headlines_match_the_returns_and_the_published_ranges(con, sample_sources, year):
    # CLA at 31 March: looked after at the month end; started: a period of care began in the year; ceased: a
    # period of care ended in the year (a child moving between episodes on one day stays in the same period).
    cla, started, ceased = con.execute(
        WAREHOUSE_HEADLINES, {"ys": dt.date(year - 1, 4, 1), "ye": dt.date(year, 3, 31)}).fetchone()
    expected = year_figures(sample_sources[0], year)
    assert (cla, started, ceased) == (expected["cla"], expected["started"], expected["ceased"])
    pub_cla, pub_started, pub_ceased = PUBLISHED[year]
    assert abs(cla - pub_cla) <= 0.12 * pub_cla
    assert abs(started - pub_started) <= 0.2 * pub_started
    assert abs(ceased - pub_ceased) <= 0.2 * pub_ceased
