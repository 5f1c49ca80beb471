"""The Compare page (Streamlit AppTest) on four hand-written authorities, every figure worked out by hand.

Statutory visits in timescale at 31 March 2018 (a child's next visit is due 42 days after the last one in the
placement, or 7 days after the placement starts while there is none; U3 is not a long-term placement):
- Slough (E06000039, the authority in focus): C1 placed 1 Jan 2018, visited 1 Mar -> due 12 Apr, in time; C2 placed
  1 Jan, visited 1 Feb -> due 15 Mar, overdue. 1 of 2 = 50.0%. (Feb: C1 unvisited, due 8 Jan, overdue; C2 due
  15 Mar, in time: 50.0%. Jan: both unvisited, due 8 Jan: 0.0%.)
- Windsor and Maidenhead (E06000040): C1 placed 1 Jan, visited 20 Mar -> due 1 May. 1 of 1 = 100.0%. (Feb and
  Jan: unvisited, overdue: 0.0%.)
- Wokingham (E06000041): C1 placed 1 Mar, unvisited -> due 8 Mar, overdue; C2 placed 1 Jan, visited 10 Jan ->
  due 21 Feb, overdue: 0 of 2 = 0.0%, partial (its visits extract begins in February 2018: it covers 2 of the 3
  months the measure looks back). (Feb: C2 overdue, 0 of 1, partial; Jan: no data.)
- City of London (E09000001): its visits extract ends in December 2017, so January to March 2018 have no data:
  never a 0, never ranked.
Ranked best first at March 2018: Windsor and Maidenhead 1st (100.0%), Slough 2nd (50.0%), Wokingham 3rd (0.0%,
partial); City of London not ranked. Target 95%: only Windsor and Maidenhead meets it. The median of the 'ok'
figures: Mar median(50, 100) = 75.0; Feb median(50, 0) = 25.0; Jan median(0, 0) = 0.0.
Published groupings: Slough, Windsor and Maidenhead and Wokingham are in the South East, City of London in London;
Slough's statistical neighbours (DfE number 871) include Windsor and Maidenhead (868), not Wokingham (872).
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.contract import ALL_FILES
from lens.formatting import plain
from tests.test_app import ROOT, array
from tests.warehouse_fixture import make_warehouse

D = dt.date
SLOUGH, WINDSOR, WOKINGHAM, CITY = "E06000039", "E06000040", "E06000041", "E09000001"
NAMES = {SLOUGH: "Slough", WINDSOR: "Windsor and Maidenhead", WOKINGHAM: "Wokingham", CITY: "City of London"}


def _episode(la: str, child: str, decom: dt.date) -> dict:
    return {"la_code": la, "child": child, "decom": decom, "rne": "S", "ls": "C2", "place": "U3", "return_year": 2018}


def _coverage() -> list[dict]:
    """Every source for April 2017 to March 2018, except Wokingham's visits (from February 2018) and City of
    London's (to December 2017)."""
    months = [d.date() for d in pd.date_range("2017-04-30", "2018-03-31", freq="ME")]
    rows = []
    for la in NAMES:
        for spec in ALL_FILES:
            for m in months:
                if spec.name == "visits" and ((la == WOKINGHAM and m < D(2018, 2, 1)) or
                                              (la == CITY and m > D(2017, 12, 31))):
                    continue
                rows.append({"la_code": la, "source": spec.name, "month_end": m})
    return rows


def _published(la: str, old: str, region: str) -> dict:
    return {"measure": "placements_3plus", "period_end": D(2017, 3, 31), "level": "la", "area_code": la,
            "old_la_code": old, "area_name": NAMES[la], "region_code": region, "value": 10.0, "source": "test"}


@pytest.fixture()
def compare_env(tmp_path, monkeypatch):
    rows = {
        "dim_authority": [{"la_code": la, "la_name": name} for la, name in NAMES.items()],
        "dim_child": [{"la_code": la, "child": c, "dob": D(2008, 5, 1)}
                      for la, c in [(SLOUGH, "C1"), (SLOUGH, "C2"), (WINDSOR, "C1"), (WOKINGHAM, "C1"),
                                    (WOKINGHAM, "C2"), (CITY, "C1")]],
        "fact_episode": [_episode(SLOUGH, "C1", D(2018, 1, 1)), _episode(SLOUGH, "C2", D(2018, 1, 1)),
                         _episode(WINDSOR, "C1", D(2018, 1, 1)), _episode(WOKINGHAM, "C1", D(2018, 3, 1)),
                         _episode(WOKINGHAM, "C2", D(2018, 1, 1)), _episode(CITY, "C1", D(2018, 1, 1))],
        "fact_visit": [{"la_code": la, "child": c, "visit_date": d} for la, c, d in [
            (SLOUGH, "C1", D(2018, 3, 1)), (SLOUGH, "C2", D(2018, 2, 1)), (WINDSOR, "C1", D(2018, 3, 20)),
            (WOKINGHAM, "C2", D(2018, 1, 10)), (CITY, "C1", D(2018, 3, 5))]],
        "source_coverage": _coverage(),
        "benchmark_value": [_published(SLOUGH, "871", "E12000008"), _published(WINDSOR, "868", "E12000008"),
                            _published(WOKINGHAM, "872", "E12000008"), _published(CITY, "201", "E12000007"),
                            {"measure": "placements_3plus", "period_end": D(2017, 3, 31), "level": "regional",
                             "area_code": "E12000008", "area_name": "South East", "value": 10.0}],
        "benchmark_neighbours": [
            {"old_la_code": "871", "la_name": "Slough", "rank": 1, "neighbour_old_code": "868",
             "grouping": "New_Statistical_Neighbour_Groupings_April_2021"},
            {"old_la_code": "871", "la_name": "Slough", "rank": 2, "neighbour_old_code": "316",
             "grouping": "New_Statistical_Neighbour_Groupings_April_2021"}],  # Newham: not loaded
    }
    db = make_warehouse(tmp_path / "four.duckdb", rows)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    return db


def compare_page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["la"] = SLOUGH
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("app_pages/compare.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def ranking(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Rank" in d.value.columns)


def figures(at: AppTest) -> dict[str, dict]:
    return {json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
            for c in at.get("plotly_chart")}


def _trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)


def test_the_month_is_ranked_best_first_with_the_target_and_no_data_said_in_words(compare_env):
    at = compare_page()
    assert at.title[0].value == "Compare authorities"
    assert "4 authorities (every loaded authority)" in at.markdown[0].value
    assert "Slough is 2nd of 3 authorities with a figure for March 2018 (best first): 50.0%." in [
        m.value for m in at.markdown]
    table = ranking(at)  # the ranked authorities; City of London is named with the reason instead, never as 0
    assert table["Authority"].tolist() == ["Windsor and Maidenhead", "Slough", "Wokingham"]
    assert table["Rank"].tolist() == [1, 2, 3]
    assert table["Value"].tolist() == [100.0, 50.0, 0.0]
    assert table["Numerator"].tolist() == [1, 1, 0] and table["Denominator"].tolist() == [1, 2, 2]
    assert table["Data note"].iloc[2] == "partial: looks back 3 months and the visits extract covers 2 of them"
    assert table["Meets target"].tolist() == ["Yes", "No", "No"]
    assert any("Not ranked, no figure for Mar 2018 (shown as a gap, never as 0): City of London: the visits "
               "extract covers Apr 2017 to Dec 2017." in w.value for w in at.warning)
    bars = figures(at)["Statutory visits in timescale, Mar 2018"]
    bar = bars["data"][0]
    assert list(bar["x"]) == ["Windsor and Maidenhead", "Slough", "Wokingham"]  # City of London: no bar at all
    assert array(bar["y"]).tolist() == [100.0, 50.0, 0.0]
    assert bar["marker"]["pattern"]["shape"] == ["", "", "/"]  # Wokingham's partial figure is hatched
    lines = {s["y0"] for s in bars["layout"]["shapes"]}
    assert lines == {95.0, 75.0}  # the target and the median of the 'ok' figures
    # bars from 0, ticks no higher than 100%: the room above is for the focus label only
    assert bars["layout"]["yaxis"]["range"][0] == 0 and max(bars["layout"]["yaxis"]["tickvals"]) == 100
    assert bars["layout"]["yaxis"]["ticktext"][-1] == "100%"


def test_the_trend_shows_every_authority_with_gaps_for_no_data_and_the_focus_on_top(compare_env):
    at = compare_page()
    trend = figures(at)["Statutory visits in timescale: Slough against 4 authorities"]
    mine = _trace(trend, "Slough")
    assert array(mine["y"]).tolist() == [0.0, 50.0, 50.0]  # Jan, Feb, Mar 2018
    median = _trace(trend, "Median of the authorities with data")
    assert array(median["y"]).tolist() == [0.0, 25.0, 75.0]
    others = array(_trace(trend, "Other authorities")["y"])
    # Windsor and Maidenhead Jan 0, Feb 0, Mar 100; Wokingham Feb 0, Mar 0 (Jan: no data); City of London: none
    assert sorted(v for v in others if not math.isnan(v)) == [0.0, 0.0, 0.0, 0.0, 100.0]
    assert trend["data"][-1]["name"].startswith("Target")
    assert [t["name"] for t in trend["data"]].index("Slough") > [t["name"] for t in trend["data"]].index(
        "Other authorities")


@pytest.mark.parametrize(("group", "order", "sentence"), [
    ("Statistical neighbours", ["Windsor and Maidenhead", "Slough"], "Slough is 2nd of 2 authorities"),
    ("Same region", ["Windsor and Maidenhead", "Slough", "Wokingham"], "Slough is 2nd of 3 authorities"),
])
def test_region_and_statistical_neighbours_narrow_the_comparison(compare_env, group, order, sentence):
    at = compare_page(group=group)
    assert ranking(at)["Authority"].tolist() == order
    assert any(m.value.startswith(sentence) for m in at.markdown)
    label = "New_Statistical_Neighbour_Groupings_April_2021" if group.startswith("Statistical") else "South East"
    assert plain(label) in at.markdown[0].value  # a name from the data, shown as plain text (Markdown-escaped)


def test_a_synthetic_authority_has_no_region_or_neighbours_and_says_why(compare_env, tmp_path, monkeypatch):
    db = make_warehouse(tmp_path / "synthetic.duckdb", {
        "dim_authority": [{"la_code": "Z99000001", "la_name": "Sample Borough"}],
        "dim_child": [{"la_code": "Z99000001", "child": "C1", "dob": D(2008, 5, 1)}],
        "fact_episode": [_episode("Z99000001", "C1", D(2018, 1, 1))],
    })
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/compare.py")
    at.run()
    assert not at.exception
    assert any("Same region and statistical neighbours: not available for Sample Borough" in c.value
               for c in at.caption)
    # and, alone in the warehouse, it is not ranked against itself: the page says there is nothing to compare
    assert any(i.value.startswith("Only Sample Borough is loaded in this group, so there is nothing to compare")
               for i in at.info), [i.value for i in at.info]
    assert not at.get("plotly_chart") and not [d for d in at.dataframe if "Rank" in d.value.columns]


def test_board_mode_suppresses_small_counts_and_ranks_nobody_on_them(compare_env):
    at = compare_page(board="true")
    assert not [d for d in at.dataframe if "Rank" in d.value.columns]
    assert any("Not ranked, no figure for Mar 2018" in w.value and "Slough: hidden in board mode (fewer than 5 children)" in w.value
               and "City of London: the visits extract covers Apr 2017 to Dec 2017" in w.value for w in at.warning)
    assert any("No authority has a figure to rank for Mar 2018" in i.value for i in at.info)
    assert any("Slough is not ranked for March 2018: hidden in board mode (fewer than 5 children)." in m.value for m in at.markdown)
    assert not [d for d in at.dataframe if "Child" in d.value.columns]


@pytest.mark.parametrize(("la", "month"), [(WOKINGHAM, "2018-02"), (WOKINGHAM.lower(), "Feb 2018"),
                                           (f"Wokingham ({WOKINGHAM})", "2018-02")])
def test_a_shared_link_opens_the_authority_and_month_it_names(compare_env, la, month):
    # `?la=` takes the ONS code (any case; the old label form still opens); `?month=` takes 2018-02 or 'Feb 2018';
    # the URL then carries the code and 2018-02, so a link copied from the address bar reproduces the view.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["la"] = la
    at.query_params["month"] = month
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.selectbox(key="la").value == WOKINGHAM
    assert at.sidebar.select_slider(key="month").value == "2018-02"
    assert (at.query_params["la"], at.query_params["month"]) == (WOKINGHAM, "2018-02")


def test_a_link_to_an_unknown_authority_or_month_opens_the_first_authority_at_its_latest_month(compare_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["la"] = "Z00000000"
    at.query_params["month"] = "2031-01"
    at.run()
    assert not at.exception
    first = CITY  # the list is in name order: City of London first
    assert (at.sidebar.selectbox(key="la").value, at.sidebar.select_slider(key="month").value) == (first, "2018-03")
    assert (at.query_params["la"], at.query_params["month"]) == (first, "2018-03")



@pytest.mark.parametrize("asked", ["visits_gaps", "Longest time without a statutory visit (visits)"])
def test_a_link_may_name_the_measure_by_its_code_or_its_label(compare_env, asked):
    """?measure=visits_gaps (the name in docs/measures.md) opens that measure, as its label does; the link to share
    then carries the code."""
    at = compare_page(measure=asked)
    assert at.selectbox(key="measure").value == "visits_gaps"
    assert at.query_params["measure"] == "visits_gaps"
    assert "Longest time without a statutory visit, Mar 2018" in figures(at)
    at.selectbox(key="measure").select("sw_changes").run()  # a new choice is written to the link
    assert at.query_params["measure"] == "sw_changes"


def test_an_unknown_measure_in_a_link_opens_the_default(compare_env):
    at = compare_page(measure="no_such_measure")
    assert at.selectbox(key="measure").value == "visits_in_time"
    assert at.query_params["measure"] == "visits_in_time"
