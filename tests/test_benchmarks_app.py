"""Published context on the pages: the Workforce page and the Overview set this authority's monthly figure beside its
DfE published figure, its statistical neighbours, region, England and quartile band (values in tests/test_benchmarks.py,
worked out by hand from the published files)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.benchmarks import write
from tests.warehouse_fixture import make_warehouse

ROOT = Path(__file__).resolve().parent.parent
DFE = Path(__file__).resolve().parent / "fixtures" / "dfe_published"
LA = "E06000039"
D = dt.date


@pytest.fixture(scope="module")
def slough_db(tmp_path_factory) -> Path:
    """Two children and two social workers (one agency) of an authority coded as Slough, 2018, with benchmarks."""
    db = make_warehouse(tmp_path_factory.mktemp("slough") / "w.duckdb", {
        "dim_authority": [{"la_code": LA, "la_name": "Slough test"}],
        "dim_child": [{"la_code": LA, "child": c, "dob": D(2010, 1, 1)} for c in ("A", "B")],
        "fact_episode": [{"la_code": LA, "child": c, "decom": D(2017, 1, 2), "rne": "S", "ls": "C2", "place": "U4",
                          "return_year": 2019} for c in ("A", "B")],
        "fact_worker_spell": [
            {"la_code": LA, "sw_id": "W1", "team": "Team A", "org_role": 5, "fte": 1.0, "agency_worker": False,
             "start_date": D(2015, 1, 1)},
            {"la_code": LA, "sw_id": "W2", "team": "Team A", "org_role": 5, "fte": 1.0, "agency_worker": True,
             "start_date": D(2015, 1, 1)}],
    })
    write(db, [DFE], say=lambda _: None)
    return db


def app(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_workforce_page_shows_published_neighbours_region_england_and_band(slough_db, monkeypatch):
    monkeypatch.setenv("PRACTICE_LENS_DB", str(slough_db))
    at = app("app_pages/workforce.py", month="Sep 2018", chart="Trend")
    metrics = [(m.label, m.value) for m in at.metric]
    first_panel = [label for label, _ in metrics].index("Published")  # the headline row (with England) comes before
    shown: dict[str, str] = {"Latest (Sep 2018)": dict(metrics).get("Latest (Sep 2018)", "")}
    for label, value in metrics[first_panel:]:  # the headline's panel first (turnover, caseload, vacancy below)
        shown.setdefault(label, value)
    # 30 Sept 2018 (the published year the chosen month falls in): Slough 33.8%; neighbours' mean 22.34 -> 22.3%;
    # South East 15.0%; England 15.4%; band D, 139th of 151 (lower is better).
    assert (shown["Published"], shown["Neighbours"], shown["Region"], shown["England"]) == (
        "33.8%", "22.3%", "15.0%", "15.4%")
    assert shown["Band · rank"] == "D · 139th/151"
    # the trend marks the published figures as points at 30 Sept (never a line across months)
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {t.get("name"): t for t in trend["data"]}
    assert names["Statistical neighbours (published)"]["mode"] == "markers"
    assert "England (published)" in names and "Published (this authority)" in names
    # this authority's own monthly figure at Sept 2018: 1 agency FTE of 2 = 50.0%
    assert shown.get("Latest (Sep 2018)") == "50.0%", shown


def test_overview_tile_carries_the_published_context(slough_db, monkeypatch):
    monkeypatch.setenv("PRACTICE_LENS_DB", str(slough_db))
    at = app("app_pages/overview.py", month="Sep 2018")
    captions = [c.value for c in at.caption]
    assert "Published Sep 2018: 33.8% · neighbours 22.3% · England 15.4% · band D (139th of 151)" in captions


def test_overview_gives_the_published_rate_of_children_looked_after(tmp_path, monkeypatch):
    # cla_number_and_rate_per_10k_children.csv (not in the three copied files; published for 2021-2025, so before
    # 2021 the latest is shown): Slough at 31 March 2025: 37 per 10,000; England 67; the ten neighbours 41, 39, 38,
    # 58, 33, 66, 70, 37, 90, 79: mean 551 / 10 = 55.1. No band: a rate is neither better nor worse.
    full = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "dfe"
    if not full.exists():
        pytest.skip("the full reference set is outside the repository")
    db = make_warehouse(tmp_path / "w.duckdb", {
        "dim_authority": [{"la_code": LA, "la_name": "Slough test"}],
        "dim_child": [{"la_code": LA, "child": "A", "dob": D(2010, 1, 1)}],
        "fact_episode": [{"la_code": LA, "child": "A", "decom": D(2017, 1, 2), "rne": "S", "ls": "C2",
                          "place": "U4", "return_year": 2019}]})
    write(db, [full], say=lambda _: None)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    at = app("app_pages/overview.py", month="Sep 2018")
    line = next(c.value for c in at.caption if c.value.startswith("Children looked after per 10,000"))
    assert line == ("Children looked after per 10,000 children (published only): Mar 2025: 37 per 10,000 · "
                    "neighbours 55.1 per 10,000 · England 67 per 10,000")


def test_the_neighbours_median_is_a_setting(slough_db, monkeypatch):
    monkeypatch.setenv("PRACTICE_LENS_DB", str(slough_db))
    monkeypatch.setenv("PRACTICE_LENS_NEIGHBOUR_AVERAGE", "median")
    at = app("app_pages/workforce.py", month="Sep 2018", chart="Trend")
    # the neighbours' 2018 agency rates, sorted: ... 20.5, 20.8 ...: median (20.5 + 20.8) / 2 = 20.65 -> 20.6%
    # (one decimal, rounded half to even by Python's format: 20.65 is stored as 20.649999...)
    neighbours = next(m.value for m in at.metric if m.label == "Neighbours")
    assert neighbours in ("20.6%", "20.7%") and neighbours == f"{20.65:.1f}%"
