"""Published benchmarks reproduce the DfE's files: Slough (old number 871, E06000039), its ten statistical neighbours,
their average agency rate and turnover for 2017 and 2018, England, the region and the quartile band, worked out by
hand from ../shared/reference/dfe."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import duckdb
import pytest

import queries
from etl.benchmarks import write
from lens.benchmarks import NARROW, band, with_bands
from tests.warehouse_fixture import make_warehouse

# Three of the DfE's published files, copied unchanged (tests/fixtures/dfe_published/README.md); the full set, where
# present, is checked too.
DFE = Path(__file__).resolve().parent / "fixtures" / "dfe_published"
ALL_DFE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "dfe"
SLOUGH = "E06000039"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = make_warehouse(tmp_path_factory.mktemp("bench") / "w.duckdb",
                        {"dim_authority": [{"la_code": SLOUGH, "la_name": "Slough"}]})
    found = write(db, [DFE], say=lambda _: None)
    assert [f.kind for f in found] == ["statistical neighbours", "social work workforce (EES)",
                                       "social worker changes (EES)"]
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def row(df, measure: str, period: str):
    hit = df[(df["measure"] == measure) & (df["period_end"].astype(str).str[:10] == period)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_slough_has_its_ten_statistical_neighbours(con):
    got = con.execute("select rank, neighbour_old_code, closeness from benchmark_neighbours "
                      "where old_la_code = '871' order by rank").fetchall()
    # New_Statistical_Neighbour_Groupings_April_2021.csv, Slough's row: Hillingdon, Hounslow, Redbridge, Luton
    # (close), Ealing, Leicester, Reading, Barnet, Blackburn with Darwen, Birmingham (somewhat close).
    assert [code for _, code, _ in got] == ["312", "313", "317", "821", "307", "856", "870", "302", "889", "330"]
    assert [c for _, _, c in got] == ["Close"] * 4 + ["Somewhat close"] * 6


# csww_indicators_2017_to_2025.csv, agency_rate_fte and turnover_rate_fte of the ten neighbours at 30 September:
#            312   313   317   821   307   856   870   302   889   330 | mean  | median of the middle two
# agency 17 38.1  13.4  16.8  31.1  18.5  24.6  45.2  22.4   8.4  16.8 | 23.53 | (18.5 + 22.4) / 2 = 20.45
# agency 18 33.2  20.2  20.8  31.3  17.1  20.5  34.1  28.4   4.5  13.3 | 22.34 | (20.5 + 20.8) / 2 = 20.65
# turn.  17 21.6  14.8  18.9  15.4  10.7  15.7  19.3  18.6  22.6   9.7 | 16.73 | (15.7 + 18.6) / 2 = 17.15
# turn.  18 18.8  14.8  28.1  16.3  21.7  18.1  22.0  21.9  18.5  13.4 | 19.36 | (18.5 + 18.8) / 2 = 18.65
# Slough: agency 31.9 (2017), 33.8 (2018); turnover 15.6, 20.4. England: agency 15.8, 15.4; turnover 13.4, 15.1.
# South East: agency 14.8, 15.0; turnover 12.4, 15.1.
@pytest.mark.parametrize(("measure", "period", "slough", "mean", "median", "england", "region"), [
    ("workforce_agency_rate", "2017-09-30", 31.9, 23.53, 20.45, 15.8, 14.8),
    ("workforce_agency_rate", "2018-09-30", 33.8, 22.34, 20.65, 15.4, 15.0),
    ("workforce_turnover", "2017-09-30", 15.6, 16.73, 17.15, 13.4, 12.4),
    ("workforce_turnover", "2018-09-30", 20.4, 19.36, 18.65, 15.1, 15.1),
])
def test_neighbours_region_and_england_for_slough(con, measure, period, slough, mean, median, england, region):
    r = row(queries.run("benchmark_context", con, la_codes=[SLOUGH]), measure, period)
    assert (r["value"], r["neighbours_mean"], r["neighbours_median"], r["neighbours_n"]) == (slough, mean, median, 10)
    assert (r["england_value"], r["region_value"]) == (england, region)
    assert r["neighbour_grouping"] == "New_Statistical_Neighbour_Groupings_April_2021"


def _authority_values(column: str, year: str) -> list[float]:
    with (DFE / "csww_indicators_2017_to_2025.csv").open(encoding="utf-8-sig") as fh:
        return [float(r[column]) for r in csv.DictReader(fh)
                if r["time_period"] == year and r["geographic_level"] == "Local authority"
                and r[column] not in ("", "x", "c", "z", "low")]


def test_quartiles_band_and_rank_of_slough(con):
    ctx = with_bands(queries.run("benchmark_context", con, la_codes=[SLOUGH]),
                     {"workforce_agency_rate": False, "workforce_turnover": False})
    r = row(ctx, "workforce_agency_rate", "2018-09-30")
    # Every authority's 2018 agency rate, quartiles by linear interpolation (statistics 'inclusive' = R type 7 =
    # numpy's default): 7.3, 12.2, 22.0 of 151 authorities. Slough's 33.8 is above the upper quartile and lower is
    # better: band D, ranked 139th of 151 (12 authorities had a higher rate, so 151 - 12 = 139 lower or equal).
    values = _authority_values("agency_rate_fte", "2018")
    assert len(values) == r["n_authorities"] == 151
    assert [round(q, 2) for q in statistics.quantiles(values, n=4, method="inclusive")] == [7.3, 12.2, 22.0]
    assert (r["q1"], r["q2"], r["q3"]) == (7.3, 12.2, 22.0)
    assert (r["band"], r["rank"]) == ("D", 139)
    assert sum(v < 33.8 for v in values) + 1 == 139


def test_band_boundaries_and_polarity():
    assert [band(v, 10, 20, 30, True) for v in (30, 29.9, 20, 19.9, 10, 9.9)] == ["A", "B", "B", "C", "C", "D"]
    assert [band(v, 10, 20, 30, False) for v in (10, 10.1, 20, 20.1, 30, 30.1)] == ["A", "B", "B", "C", "C", "D"]
    assert band(15, 20, 20, 20, True) == NARROW
    assert band(15, 10, 20, 30, None) is None and band(None, 10, 20, 30, True) is None


def test_benchmarks_survive_a_load_of_the_warehouse(con, tmp_path):
    from etl.load import load

    fixture = Path(__file__).resolve().parent / "fixtures" / "la_b"
    db = make_warehouse(tmp_path / "w.duckdb", {"dim_authority": [{"la_code": SLOUGH, "la_name": "Slough"}]})
    write(db, [DFE], say=lambda _: None)
    before = duckdb.connect(str(db), read_only=True).execute("select count(*) from benchmark_value").fetchone()[0]
    load([fixture], db)
    c = duckdb.connect(str(db), read_only=True)
    assert c.execute("select count(*) from benchmark_value").fetchone()[0] == before > 5_000
    assert c.execute("select count(*) from benchmark_neighbours").fetchone()[0] > 1_000


@pytest.mark.skipif(not ALL_DFE.exists(), reason="the full reference set is outside the repository")
def test_every_reference_file_is_recognised(tmp_path):
    db = make_warehouse(tmp_path / "w.duckdb", {"dim_authority": [{"la_code": SLOUGH, "la_name": "Slough"}]})
    found = write(db, [ALL_DFE], say=lambda _: None)
    assert len(found) == 13 and all(f.kind for f in found), [f.path.name for f in found if not f.kind]
    c = duckdb.connect(str(db), read_only=True)
    measures = {m for (m,) in c.execute("select distinct measure from benchmark_value").fetchall()}
    assert measures == {"placements_3plus", "stability_long_term", "health_oc2_assessments", "health_dental",
                        "sw_changes", "missing_children_pct", "cla_rate_per_10k", "workforce_agency_rate",
                        "workforce_turnover", "workforce_vacancy_rate", "workforce_caseload"}
    # SFR50/2017: Slough: 41 children went missing (Miss_Miss_DuringYear) of 295 looked after in the year (CLA_2017)
    # = 13.9%
    assert c.execute("select value from benchmark_value where measure = 'missing_children_pct' "
                     "and area_code = 'E06000039' and period_end = '2017-03-31'").fetchall() == [(13.9,)]
