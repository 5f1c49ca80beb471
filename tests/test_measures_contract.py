"""Every measure file keeps its promises on the sample warehouse: header, grain, keys, columns, ratios."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import queries

MEASURES = sorted(queries.measures())


@pytest.fixture(scope="module")
def con(sample_db):
    c = duckdb.connect(str(sample_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def annex_con(sample_annex):
    """The sample with its Annex A workbook, for the measures built on it (the default sample has none)."""
    c = duckdb.connect(str(sample_annex[0]), read_only=True)
    yield c
    c.close()


@pytest.fixture
def con_for(con, annex_con):
    return lambda name: annex_con if "annex_a" in name else con


@pytest.fixture(scope="module")
def la_code(con):
    return con.execute("select min(la_code) from dim_authority").fetchone()[0]


# Lists are asked about the sample's last month, except where the sample has no such case then: its last episode of
# 7 days missing or more reached 7 days in August 2017.
AS_OF = {"missing_prolonged_list": "2017-08-31"}
# One child's history is asked about the sample's story child: the one left unseen for four months after a change of
# worker in July 2017 (etl/generate_plans.py), as at October 2017.
CHILD = {"drift_history": ("C000566", "2017-10-31")}


def _run(name, con, la_code):
    child, as_of = CHILD.get(name, (None, AS_OF.get(name, "2018-03-31")))
    return queries.run(name, con, la_codes=[la_code], from_month="2013-04", to_month="2018-03", as_of=as_of,
                       child=child)


@pytest.mark.parametrize("name", MEASURES)
def test_header_is_complete(name):
    m = queries.get(name)
    assert queries.validate(m) == []
    for field in queries.REQUIRED_FIELDS:
        assert m.fields[field].strip(), f"{name}: empty {field}"


@pytest.mark.parametrize("name", MEASURES)
def test_runs_and_returns_its_documented_grain(name, con_for, la_code):
    m = queries.get(name)
    con = con_for(name)
    df = _run(name, con, la_code)
    missing = [k for k in m.keys if k not in df.columns]
    assert not missing, f"{name}: key columns {missing} not in result {list(df.columns)}"
    if df.empty:
        # data quality tables, and published benchmarks (none are loaded for the synthetic sample)
        assert m.theme in ("data_quality", "benchmarks"), f"{name} returned no rows on the sample authority"
        return
    keys = list(m.keys)
    assert not df[keys].isna().any().any(), f"{name}: null key"
    assert not df.duplicated(keys).any(), f"{name}: keys {keys} are not unique"


@pytest.mark.parametrize("name", [n for n in MEASURES if queries.get(n).shape == "series"])
def test_series_shape(name, con_for, la_code):
    m = queries.get(name)
    con = con_for(name)
    df = _run(name, con, la_code)
    assert list(df.columns[:6]) == ["la_code", "team", "month_end", "numerator", "denominator", "value"]
    assert "All teams" in set(df["team"]), f"{name}: no authority ('All teams') rows"
    assert set(df["la_code"]) == {la_code}
    months = pd.to_datetime(df["month_end"])
    assert (months == months + pd.offsets.MonthEnd(0)).all(), f"{name}: month_end is not a month end"
    assert months.min() >= pd.Timestamp("2013-04-30") and months.max() <= pd.Timestamp("2018-03-31")
    if m.fields["unit"] == "%":
        both = df.dropna(subset=["numerator", "denominator"])
        if not m.fields.get("bounded", "yes").startswith("no"):  # a rate (turnover) may exceed 100%
            assert (both["numerator"] <= both["denominator"]).all(), f"{name}: numerator > denominator"
            assert ((df["value"].dropna() >= 0) & (df["value"].dropna() <= 100)).all()
        # DuckDB's round() takes halves away from zero (12.25 -> 12.3); pandas' would go to even
        expected = np.floor(1000.0 * both["numerator"] / both["denominator"] + 0.5) / 10
        assert (both["value"] - expected).abs().max() <= 0.051
    # a team's rows narrow to that team only
    team = next(t for t in df["team"].unique() if t != "All teams")
    narrowed = queries.run(name, con, la_codes=[la_code], team=team, from_month="2013-04", to_month="2018-03")
    assert set(narrowed["team"]) == {team}


@pytest.mark.parametrize("name", [n for n in MEASURES if queries.get(n).shape in queries.CHILD_SHAPES])
def test_list_shape(name, con_for, la_code):
    con = con_for(name)
    df = _run(name, con, la_code)
    assert list(df.columns[:4]) == ["child", "la_code", "team", "social_worker"]
    assert set(df["la_code"]) <= {la_code}


def test_headline_measures_cover_every_theme():
    themes = {m.theme for m in queries.headline_measures()}
    assert {"visits", "sw_changes", "missing", "health", "workforce", "reviews"} <= themes


def test_overview_has_a_tile_per_headline_measure(con, la_code):
    df = queries.run("overview", con, la_codes=[la_code], from_month="2017-04", to_month="2018-03")
    march = df[(pd.to_datetime(df["month_end"]) == pd.Timestamp("2018-03-31")) & (df["team"] == "All teams")]
    assert sorted(march["measure"]) == sorted(m.name for m in queries.headline_measures())
    assert set(march["rag"]) <= {"green", "amber", "red", "grey"}
