"""Every page as a user sees it (Streamlit AppTest): filters set, numbers read back from the page's elements."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from lens.formatting import fmt_value
from tests.warehouse_fixture import make_warehouse

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
THEME_PAGES = {
    "app_pages/visits.py": ("visits_in_time", ["visits_overdue_list"]),
    "app_pages/sw_changes.py": ("sw_changes", ["sw_changes_list"]),
    "app_pages/missing.py": ("missing_rhi_in_time", ["missing_rhi_list", "missing_prolonged_list"]),
    "app_pages/health.py": ("health_up_to_date", ["health_overdue_list", "health_iha_late_list"]),
    "app_pages/workforce.py": ("workforce_agency_rate", []),
    "app_pages/reviews.py": ("reviews_in_time", ["reviews_overdue_list", "placements_3plus_list"]),
}


@pytest.fixture()
def sample_env(sample_db, monkeypatch):
    monkeypatch.setenv("PRACTICE_LENS_DB", str(sample_db))
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    last = queries.run("filter_authorities", con)["last_month"].max()
    yield con, la, pd.Timestamp(last).date()
    con.close()


def app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def array(v) -> np.ndarray:
    """A Plotly JSON array, plain or base64-encoded ('bdata'), as numpy."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).astype(float)
    return np.array([np.nan if x is None else x for x in v], dtype=float)


def charts_json(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def child_tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if "Child" in d.value.columns]


def test_first_view_is_overview_on_the_latest_month(sample_env):
    con, la, last = sample_env
    at = app()
    assert at.title[0].value == "Overview"
    assert at.select_slider(key="month").value == f"{last:%Y-%m}"
    ov = queries.run("overview", con, la_codes=[la], from_month=last, to_month=last)
    latest = ov[(ov["team"] == "All teams")]
    shown = {m.label: m.value for m in at.metric}
    assert len(shown) == len(queries.headline_measures())
    for row in latest.itertuples():
        assert shown[row.title] == fmt_value(row.value, row.unit)
    # 'what got worse' first: the first tile is a measure that got worse, if any did
    worse = set(latest.loc[latest["direction_last_month"] == "worse", "title"])
    if worse:
        assert at.metric[0].label in worse


@pytest.mark.parametrize("page", list(THEME_PAGES))
def test_theme_page_shows_the_measure_numbers(sample_env, page):
    con, la, last = sample_env
    headline, lists = THEME_PAGES[page]
    at = app(page)
    first = (pd.Timestamp(last) - pd.DateOffset(months=23)).date()  # the default period: 24 months
    df = queries.run(headline, con, la_codes=[la], from_month=first, to_month=last)
    rows = df[df["team"] == "All teams"].sort_values("month_end")
    unit = queries.get(headline).fields["unit"]
    assert metric(at, "Latest") == fmt_value(rows["value"].iloc[-1], unit)
    trend = charts_json(at)[0]
    shown = array(trend["data"][0]["y"])
    assert np.allclose(shown, rows["value"].astype(float).to_numpy(), equal_nan=True)
    assert trend["layout"]["xaxis"]["tickformat"] == "%b %Y"
    tables = child_tables(at)
    expected = [queries.run(name, con, la_codes=[la], from_month=first, to_month=last)
                if "from_month" in queries.get(name).params else queries.run(name, con, la_codes=[la], as_of=last)
                for name in lists]
    expected = [e for e in expected if len(e)]  # an empty list is a sentence ("No children on this list"), no table
    assert len(tables) == len(expected)
    for table, rows in zip(tables, expected, strict=True):
        assert len(table) == len(rows)
    assert "Definitions" in at.expander[0].label


def test_team_filter_narrows_numbers_and_list(sample_env):
    con, la, last = sample_env
    team = queries.run("filter_teams", con, la_codes=[la])["team"].iloc[0]
    at = app("app_pages/visits.py", team=team)
    df = queries.run("visits_in_time", con, la_codes=[la], team=team, from_month=last, to_month=last)
    assert metric(at, "Latest") == fmt_value(df["value"].iloc[-1], "%")
    expected = queries.run("visits_overdue_list", con, la_codes=[la], team=team, as_of=last)
    table = child_tables(at)[0]
    assert len(table) == len(expected)
    assert set(table["Team"]) <= {team}


def test_a_link_opens_exactly_that_view(sample_env):
    con, la, last = sample_env
    team = queries.run("filter_teams", con, la_codes=[la])["team"].iloc[1]
    at = app(None, team=team, month=f"Mar {last.year - 1}")  # the URL carries months as people write them
    assert at.selectbox(key="team").value == team
    assert at.select_slider(key="month").value == f"{last.year - 1}-03"
    assert "Mar" in at.markdown[0].value and str(last.year - 1) in at.markdown[0].value


def test_without_a_browser_charts_offer_csv_and_excel_and_a_caption_instead_of_png_and_svg(sample_env, monkeypatch):
    from ui.widgets import IMAGES_CAPTION

    def labels(at: AppTest) -> list[str]:
        return [b.proto.label for b in at.get("download_button")]

    with_browser = labels(app("app_pages/visits.py"))
    n_charts = with_browser.count("PNG")
    assert n_charts >= 2 and with_browser.count("SVG") == n_charts
    monkeypatch.setenv("PRACTICE_LENS_CHROMIUM", "/nonexistent/chromium")
    at = app("app_pages/visits.py")
    assert labels(at) == [label for label in with_browser if label not in ("PNG", "SVG")]
    assert [c.value for c in at.caption].count(IMAGES_CAPTION) == n_charts
    assert IMAGES_CAPTION == "PNG and SVG need Chromium on the server: `apt-get install -y chromium`"


def test_board_mode_hides_every_child_level_table(sample_env):
    for page in THEME_PAGES:
        at = app(page, board="true")
        assert "Board mode" in at.markdown[0].value
        assert child_tables(at) == [], page
        assert all("Child" not in d.value.columns for d in at.dataframe)


def test_data_quality_page_counts_rejects_and_missing_files(sample_env):
    con, la, _ = sample_env
    at = app("app_pages/data_quality.py")
    rejected = queries.run("dq_rejected_by_reason", con, la_codes=[la])
    missing = queries.run("dq_files_missing", con, la_codes=[la])
    assert metric(at, "Rows rejected") == f"{int(rejected['rows_rejected'].sum()) if len(rejected) else 0:,}"
    assert metric(at, "Files missing") == str(len(missing))


@pytest.fixture()
def tiny_env(tmp_path, monkeypatch):
    """Three children looked after, all visited in time: visits in time = 3 of 3 = 100%."""
    rows = {
        "dim_authority": [{"la_code": "Z9", "la_name": "Tiny Test Borough"}],
        "dim_child": [{"la_code": "Z9", "child": c, "dob": D(2010, 1, 1)} for c in ("A", "B", "C")],
        "fact_episode": [{"la_code": "Z9", "child": c, "decom": D(2017, 1, 2), "rne": "S", "ls": "C2",
                          "place": "U4", "return_year": 2017} for c in ("A", "B", "C")],
        "fact_visit": [{"la_code": "Z9", "child": c, "visit_date": D(2017, 3, 20)} for c in ("A", "B", "C")],
        "fact_allocation": [{"la_code": "Z9", "child": c, "sw_id": "W1", "sw_decom": D(2017, 1, 2)}
                            for c in ("A", "B", "C")],
        "fact_worker_spell": [{"la_code": "Z9", "sw_id": "W1", "team": "Team A", "org_role": 5, "fte": 1.0,
                               "agency_worker": False, "start_date": D(2015, 1, 1)}],
        "dim_team": [{"la_code": "Z9", "team": "Team A"}],
        "dim_worker": [{"la_code": "Z9", "sw_id": "W1", "team": "Team A", "org_role": 5, "agency_worker": False}],
    }
    db = make_warehouse(tmp_path / "tiny.duckdb", rows)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    return db


def test_board_mode_suppresses_a_count_of_three(tiny_env):
    at = app("app_pages/visits.py", month="Mar 2017")
    assert metric(at, "Latest") == "100.0%"  # 3 of 3 children, shown to managers
    at = app("app_pages/visits.py", month="Mar 2017", board="true")
    assert metric(at, "Latest") == "<5"
    assert "fewer than 5" in charts_json(at)[0]["layout"]["title"]["text"]
    overview = app(None, month="Mar 2017", board="true")
    visits_tile = next(m for m in overview.metric if m.label == queries.get("visits_in_time").title)
    assert visits_tile.value == "<5"


def test_first_start_builds_the_sample_and_opens_overview(tmp_path, monkeypatch):
    db = tmp_path / "data" / "warehouse.duckdb"
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    monkeypatch.setenv("PRACTICE_LENS_SAMPLE_DIR", str(tmp_path / "sample"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert db.exists()
    assert (tmp_path / "sample" / "sample-borough" / "authority.toml").exists()
    assert at.title[0].value == "Overview"
    assert "Sample Borough" in at.markdown[0].value
    assert len(at.metric) == len(queries.headline_measures())


def test_a_new_load_shows_without_restarting(tiny_env, tmp_path):
    at = app(None, month="Mar 2017")
    assert "Tiny Test Borough" in at.markdown[0].value
    # the ETL builds a new file and swaps it in atomically; the running app must show the new data
    other = make_warehouse(tmp_path / "other.duckdb", {
        "dim_authority": [{"la_code": "Z9", "la_name": "Reloaded Borough"}],
        "dim_child": [{"la_code": "Z9", "child": "A", "dob": D(2010, 1, 1)}],
        "fact_episode": [{"la_code": "Z9", "child": "A", "decom": D(2017, 1, 2), "rne": "S", "ls": "C2",
                          "place": "U4", "return_year": 2017}],
    })
    import os

    os.replace(other, tiny_env)
    at.run()
    assert not at.exception
    assert "Reloaded Borough" in at.markdown[0].value


@pytest.mark.parametrize(("page", "message"), [
    ("app_pages/missing.py", "No data for return home interviews offered within 72 hours with these filters"),
    ("app_pages/workforce.py", "No data for social worker vacancy rate with these filters"),
    ("app_pages/data_quality.py", "No load has been recorded for this authority"),
])
def test_a_measure_with_no_data_says_so_plainly(tiny_env, page, message):
    # the tiny authority has no missing episodes, no establishment (so no vacancy rate) and no load log
    at = app(page, month="Mar 2017")
    assert not at.exception
    assert any(message in i.value for i in at.info), [i.value for i in at.info]
