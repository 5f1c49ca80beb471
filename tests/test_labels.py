"""Plain English from one mapping: every measure column has a heading, codes read as words, gaps as 'not recorded'."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import queries
from etl import contract
from lens import labels
from lens.disclosure import SUPPRESSED, protect
from tests.warehouse_fixture import make_warehouse


@pytest.fixture(scope="module")
def measure_columns(tmp_path_factory) -> dict[str, list[str]]:
    """Each measure's output columns, from an empty warehouse (the SQL decides them, not the data)."""
    db = make_warehouse(tmp_path_factory.mktemp("empty") / "w.duckdb", {})
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: list(queries.run(name, con).columns) for name in queries.measures()}
    finally:
        con.close()


def test_every_measure_column_has_a_heading_and_a_meaning(measure_columns):
    missing = sorted({c for cols in measure_columns.values() for c in cols if c not in labels.COLUMNS})
    assert missing == []
    assert all(spec.header and spec.meaning for spec in labels.COLUMNS.values())
    for name, cols in measure_columns.items():  # headings never collide within one measure's table
        assert len(set(labels.headers(cols))) == len(cols), name


def test_beside_child_names_columns_each_list_has(measure_columns):
    lists = {name: m.beside_child for name, m in queries.measures().items() if m.beside_child}
    assert {"visits_overdue_list", "health_overdue_list", "missing_rhi_list", "sw_changes_list"} <= set(lists)
    for name, columns in lists.items():
        assert set(columns) <= set(measure_columns[name]), name


def test_beside_child_moves_those_columns_next_to_the_child_and_keeps_the_rest_in_order():
    df = pd.DataFrame({"child": ["C1"], "team": ["T"], "hours_to_offer": [80.0], "status": ["late"],
                       "hours_late": [8.0], "days_missing": [2]})
    assert list(labels.beside_child(df, ("hours_late",)).columns) == [
        "child", "hours_late", "team", "hours_to_offer", "status", "days_missing"]
    assert list(labels.beside_child(df, ("days_missing", "hours_late")).columns) == [
        "child", "days_missing", "hours_late", "team", "hours_to_offer", "status"]
    assert list(labels.beside_child(df, ()).columns) == list(df.columns)  # nothing named: as the list has it
    assert labels.beside_child(df.drop(columns="child"), ("hours_late",)).equals(df.drop(columns="child"))


def test_headings_read_as_people_say_them():
    expected = {"days_overdue": "Days overdue", "la_code": "Authority code", "mis_start": "Missing from",
                "mis_end": "Returned", "rhi_offered_at": "Return interview offered", "sw_id": "Social worker",
                "social_worker": "Social worker", "rule_applied": "Rule applied", "hours_late": "Hours late",
                "place": "Placement type", "current_place": "Placement type", "missing_type": "Missing or away",
                "month_end": "Month"}
    assert {c: labels.header(c) for c in expected} == expected
    assert labels.header("children_in_care_today") == "Children in care today"  # unknown: sentence case
    assert labels.header("Rows rejected") == "Rows rejected"  # already readable: unchanged
    assert labels.headers(["sw_id", "social_worker"]) == ["Social worker", "Social worker (social_worker)"]


def test_codes_read_as_words_from_the_contract_code_lists():
    assert labels.describe("current_place", "U5") == "U5 Foster: other carer, FFA/concurrent"
    assert labels.describe("place", "u4") == "U4 Foster: other carer, long-term"
    assert labels.describe("missing_type", "M") == "Missing"
    assert labels.describe("missing_type", "A") == "Away without authorisation"
    assert [labels.describe("assessment", a) for a in ("IHA", "RHA", "DENTAL")] == [
        "Initial health assessment", "Review health assessment", "Dental check"]
    assert labels.describe("ls", "C2") == "C2 Full care order"
    assert labels.describe("rec", "E4A") == "E4A Returned home to parents (planned)"
    assert labels.describe("rne", "S") == "S Started to be looked after"
    assert labels.describe("current_place", "Q9") == "Q9"  # not a known code: shown as given
    for codes, words in ((contract.PLACE, labels.PLACE), (contract.LS, labels.LS), (contract.RNE, labels.RNE),
                         (contract.REC, labels.REC), (contract.MISSING, labels.MISSING),
                         (contract.ASSESSMENT_TYPE, labels.ASSESSMENT), (contract.CIN, labels.CIN),
                         (contract.PLACE_PROVIDER, labels.PLACE_PROVIDER),
                         (contract.REVIEW_CODE, labels.REVIEW_CODE)):
        assert set(codes) == set(words)


def test_missing_values_and_durations_read_as_words():
    for gap in (None, np.nan, pd.NA, pd.NaT):
        assert labels.describe("mis_end", gap) == "not recorded"
    assert labels.describe("denominator", None) == "not applicable"
    assert labels.describe("hours_late", 53) == "2 days 5 hours"
    assert labels.describe("hours_to_offer", 3) == "3 hours"
    assert [labels.hours_text(h) for h in (1, 24, 48.2, 0.75, 0, -2)] == [
        "1 hour", "1 day", "2 days", "45 minutes", "0 hours", "-2 hours"]
    assert labels.describe("days_overdue", 12) == "12 days"
    assert labels.describe("days_missing", 1) == "1 day"
    assert labels.describe("median_days_without_visit", 18.5) == "18.5 days"
    assert labels.describe("due_date", pd.Timestamp("2018-03-04")) == "4 Mar 2018"
    assert labels.describe("mis_end", pd.Timestamp("2018-03-04 21:03")) == "4 Mar 2018, 21:03"
    assert labels.describe("higher_is_better", True) == "Yes"


def test_readable_renames_describes_and_keeps_dates_and_numbers():
    df = pd.DataFrame({
        "child": ["C1", "C2"], "current_place": ["U5", None],
        "due_date": pd.to_datetime(["2018-03-04", "2018-03-05"]),
        "mis_end": pd.to_datetime(["2018-03-04 21:03", None]),
        "days_overdue": [12.0, 3.0], "change_last_month": [-8.099999999999994, 1.25000001],
        "hours_late": [np.nan, 4.0]})
    out = labels.readable(df)
    assert list(out.columns) == ["Child", "Placement type", "Due date", "Returned", "Days overdue",
                                 "Change since last month", "Hours late"]
    assert out["Placement type"].tolist() == ["U5 Foster: other carer, FFA/concurrent", "not recorded"]
    assert pd.api.types.is_datetime64_any_dtype(out["Due date"])  # complete: still a date column
    assert out["Returned"].tolist() == [pd.Timestamp("2018-03-04 21:03"), "not recorded"]
    assert str(out["Days overdue"].dtype) == "Int64" and out["Days overdue"].tolist() == [12, 3]
    assert out["Change since last month"].tolist() == [-8.1, 1.25]  # float noise gone, 2 places at most
    assert out["Hours late"].tolist() == ["not recorded", 4.0]
    kept = labels.readable(df, missing=None)
    assert kept["Returned"].isna().tolist() == [False, True]
    assert pd.api.types.is_datetime64_any_dtype(kept["Returned"])
    assert df.columns[0] == "child"  # the input is left alone


def test_readable_rounds_to_the_measure_unit():
    df = pd.DataFrame({"value": [100.0, 50.0], "numerator": [4.0, 2.0], "denominator": [4.0, 4.0]})
    pct = labels.readable(df, unit="%")
    assert pct["Value"].dtype == "float64" and labels.decimals("value", df["value"], "%") == 1
    assert str(pct["Numerator"].dtype) == "Int64"
    fte = pd.DataFrame({"value": [19.25, 19.0], "numerator": [19.25, 19.0]})
    assert labels.decimals("value", fte["value"], "FTE") == 2
    assert labels.decimals("numerator", fte["numerator"]) == 2
    assert labels.decimals("value", df["value"]) == 0  # no unit: what the data needs


def test_readable_shows_board_mode_counts_as_suppressed():
    df = pd.DataFrame({"month_end": pd.to_datetime(["2018-01-31", "2018-02-28"]),
                       "numerator": [3, 10], "denominator": [20, 15], "value": [15.0, 66.7]})
    out = labels.readable(protect("visits_in_time", df).drop(columns=["suppressed", "hidden_why"]), unit="%")
    assert list(out.columns) == ["Month", "Numerator", "Denominator", "Value"]
    assert out["Numerator"].tolist() == [SUPPRESSED, 10]  # never the raw 3
    assert out["Value"].tolist() == ["suppressed", 66.7]


def test_screen_table_uses_the_same_headings_and_words():
    from streamlit.testing.v1 import AppTest

    def app():
        import pandas as pd

        from ui import widgets

        widgets.table(pd.DataFrame({"child": ["C1", "C2"], "missing_type": ["M", "A"],
                                    "mis_end": pd.to_datetime(["2018-03-04 21:03", None]),
                                    "hours_late": [53.0, None]}), key="t")

    at = AppTest.from_function(app).run()
    assert not at.exception
    shown = at.dataframe[0]
    assert list(shown.value.columns) == ["Child", "Missing or away", "Returned", "Hours late"]
    assert shown.value["Missing or away"].tolist() == ["Missing", "Away without authorisation"]
    assert pd.api.types.is_datetime64_any_dtype(shown.value["Returned"])  # sorts as dates
    assert shown.proto.placeholder == "not recorded"


def test_screen_table_with_no_hours_recorded_at_all_says_so_in_words():
    """Found by bench_pages at national scale: a list whose hours column is empty in every row (no return interview
    recorded) was filled with 'not recorded' and then formatted as hours, which raised and broke the Missing page."""
    from streamlit.testing.v1 import AppTest

    def app():
        import pandas as pd

        from ui import widgets

        widgets.table(pd.DataFrame({"child": ["C1", "C2"], "hours_to_offer": [None, None],
                                    "hours_late": [None, None]}), key="t")

    at = AppTest.from_function(app).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = at.dataframe[0].value
    assert shown["Hours late"].tolist() == ["not recorded", "not recorded"]
    assert shown["Child"].tolist() == ["C1", "C2"]
