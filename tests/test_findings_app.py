"""The sentence over each theme page's headline chart states the trend over the period shown, with the measure's
polarity and target, as a board member would say it (read from the chart's title in the app)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.warehouse_fixture import make_warehouse

ROOT = Path(__file__).resolve().parent.parent
MONTHS = pd.date_range("2016-04-30", "2018-03-31", freq="ME")
RISING = [13.0] * 9 + [20.0, 25.0, 28.0] + [30.0 + i for i in range(11)] + [40.0]
FALLING = RISING[::-1]
FLAT = [94.8, 94.6] * 12


@pytest.fixture()
def env(tmp_path, monkeypatch):
    """A warehouse with one authority whose returns cover April 2016 - March 2018 (the series come from `fake`)."""
    db = make_warehouse(tmp_path / "w.duckdb", {
        "dim_authority": [{"la_code": "Z9", "la_name": "Trend Borough"}],
        "dim_child": [{"la_code": "Z9", "child": "A", "dob": dt.date(2010, 1, 1)}],
        "fact_episode": [{"la_code": "Z9", "child": "A", "decom": dt.date(2016, 1, 2), "rne": "S", "ls": "C2",
                          "place": "U4", "return_year": 2017}, {"la_code": "Z9", "child": "A",
                          "decom": dt.date(2017, 6, 1), "rne": "T", "ls": "C2", "place": "U4", "return_year": 2018}],
    })
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    return monkeypatch


def fake(measure: str, values: list[float]):
    """data.measure, with `measure` answering these monthly values (every other measure as the warehouse has it)."""
    from ui import data

    real = data.measure

    def measure_(name, **params):
        if name != measure:
            return real(name, **params)
        return pd.DataFrame({"la_code": "Z9", "team": "All teams", "month_end": MONTHS, "numerator": 50,
                             "denominator": 100, "value": values, "status": "ok", "status_note": ""})
    return measure_


@pytest.mark.parametrize(("page", "measure", "values", "expected"), [
    # sw_changes: lower is better, target 27%
    ("app_pages/sw_changes.py", "sw_changes", RISING, "Children with 3 or more social workers in 12 months rose "
     "from 13.0% to 40.0% over two years; above target since Mar 2017"),
    ("app_pages/sw_changes.py", "sw_changes", FALLING, "Children with 3 or more social workers in 12 months fell "
     "from 40.0% to 13.0% over two years; on target since May 2017"),
    ("app_pages/sw_changes.py", "sw_changes", FLAT, "Children with 3 or more social workers in 12 months held at "
     "about 94.6% over two years; above target throughout"),
    # reviews_in_time: higher is better, target 100%
    ("app_pages/reviews.py", "reviews_in_time", RISING, "Looked-after reviews in time rose from 13.0% to 40.0% "
     "over two years; below target throughout"),
    ("app_pages/reviews.py", "reviews_in_time", FALLING, "Looked-after reviews in time fell from 40.0% to 13.0% "
     "over two years; below target throughout"),
    ("app_pages/reviews.py", "reviews_in_time", [99.6, 100.0] * 12, "Looked-after reviews in time held at about "
     "100.0% over two years; on target since Mar 2018"),
])
def test_headline_sentence_states_the_trend_with_polarity_and_target(env, page, measure, values, expected):
    from ui import data

    env.setattr(data, "measure", fake(measure, values))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["chart"] = "Trend"
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]
    assert expected in [t.replace("<br>", " ") for t in titles], titles  # long titles wrap onto two lines
