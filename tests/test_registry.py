"""The measure registry: headers parsed and validated, parameters bound by DuckDB, the Overview's RAG rules."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

import queries

D = dt.date


def test_parse_header_reads_fields_and_continuations():
    sql = "-- title: Visits in time\n-- rule: within 6 weeks\n--   of the last visit\n-- polarity: higher is better\n\nselect 1"
    fields = queries.parse_header(sql)
    assert fields == {"title": "Visits in time", "rule": "within 6 weeks of the last visit",
                      "polarity": "higher is better"}


def test_validate_names_missing_fields_and_bad_list_names(tmp_path):
    m = queries.Measure("children_overdue", tmp_path / "x.sql", "", {"title": "x", "shape": "list"}, ("bogus",))
    problems = "\n".join(queries.validate(m))
    assert "header lacks 'question'" in problems
    assert "unknown parameter $bogus" in problems
    assert "must end in _list" in problems
    # beside_child must name a column of a child list
    listed = queries.Measure("x_list", tmp_path / "x.sql", "-- shape: list\n\nwith a as (select 1 as days_overdue)",
                             {"shape": "list", "beside_child": "days_overdue, days_late"}, ())
    assert [p for p in queries.validate(listed) if "beside_child" in p] == [
        "x_list: beside_child names 'days_late', not a column of this child list"]


def test_every_measure_file_is_well_formed():
    problems = [p for m in queries.measures().values() for p in queries.validate(m)]
    assert problems == []
    assert {"overview", "filter_authorities", "dq_load_log"} <= set(queries.measures())


def test_only_used_params_are_bound_and_unknown_ones_refused():
    con = duckdb.connect()
    con.execute("create table dim_authority (la_code varchar, la_name varchar, loaded_at timestamp)")
    con.execute("create table fact_child_month (la_code varchar, month_end date)")
    con.execute("create table dim_team (la_code varchar, team varchar)")
    con.execute("insert into dim_team values ('Z1', 'T1'), ('Z2', 'T2')")
    con.execute("alter table fact_child_month add column team varchar")
    # filter_teams uses $la_codes only; passing a team too must not reach DuckDB (it would error).
    df = queries.run("filter_teams", con, la_codes=["Z2"], team="T1")
    assert df["team"].tolist() == ["T2"]
    # a hostile value is bound as data, never formatted into the SQL text
    assert queries.run("filter_teams", con, la_codes=["Z1' or 1=1 --"]).empty
    with pytest.raises(TypeError):
        queries.run("filter_teams", con, la_code="Z1")
    with pytest.raises(KeyError, match="no measure named"):
        queries.run("no_such_measure", con)


def _values(rows):
    """Headline rows; status 'ok' unless a row gives (status, status_note) as two more fields."""
    cols = ["measure", "title", "theme", "unit", "higher_is_better", "la_code", "team", "month_end",
            "numerator", "denominator", "value", "status", "status_note"]
    return pd.DataFrame([r if len(r) == 13 else (*r, "ok", "") for r in rows], columns=cols)


def test_overview_scores_rag_and_direction(monkeypatch):
    # visits_in_time (target 95, amber within 5, higher is better):
    #   Jan 2018 96.0 -> green (meets 95); Feb 91.0 -> amber (95-91=4 <= 5), worse than Jan;
    #   Mar 89.9 -> red (5.1 short), worse than Feb by 1.1 points.
    # sw_changes (target 27, amber 5, lower is better): Mar 2018 30.0 -> amber (3 over), Feb 33.0 -> red,
    #   so March is 'better' than February.
    rows = [
        ("visits_in_time", "Visits in time", "visits", "%", True, "Z1", "All teams", D(2018, 1, 31), 96, 100, 96.0),
        ("visits_in_time", "Visits in time", "visits", "%", True, "Z1", "All teams", D(2018, 2, 28), 91, 100, 91.0),
        ("visits_in_time", "Visits in time", "visits", "%", True, "Z1", "All teams", D(2018, 3, 31), 899, 1000, 89.9),
        ("sw_changes", "3+ workers", "sw_changes", "%", False, "Z1", "All teams", D(2018, 2, 28), 33, 100, 33.0),
        ("sw_changes", "3+ workers", "sw_changes", "%", False, "Z1", "All teams", D(2018, 3, 31), 30, 100, 30.0),
        # placements_3plus (target 10, lower is better): 5.0 in Feb but 'partial' (the 12 months reach before the
        # data), 20.0 in March 'ok': grey in Feb, red in March, no direction (February was not a full figure).
        ("placements_3plus", "3+ placements", "reviews", "%", False, "Z1", "All teams", D(2018, 2, 28), 5, 100, 5.0,
         "partial", "partial: looks back 12 months and SSDA903 episodes covers 11 of them"),
        ("placements_3plus", "3+ placements", "reviews", "%", False, "Z1", "All teams", D(2018, 3, 31), 20, 100, 20.0),
        # reviews_in_time with no reviews file for March: no figure, grey, never 'on target'.
        ("reviews_in_time", "Reviews", "reviews", "%", True, "Z1", "All teams", D(2018, 3, 31), None, None, None,
         "no data", "no data: SSDA903 reviews not supplied"),
    ]
    monkeypatch.setattr(queries, "headline_values", lambda con, **p: _values(rows))
    con = duckdb.connect()
    out = queries.run("overview", con, la_codes=["Z1"], from_month="2018-01", to_month="2018-03")
    got = {(r.measure, r.month_end.month): (r.rag, None if pd.isna(r.direction_last_month) else r.direction_last_month)
           for r in out.itertuples()}
    assert got[("visits_in_time", 1)] == ("green", None)
    assert got[("visits_in_time", 2)] == ("amber", "worse")
    assert got[("visits_in_time", 3)] == ("red", "worse")
    assert got[("sw_changes", 2)] == ("red", None)
    assert got[("sw_changes", 3)] == ("amber", "better")
    assert got[("placements_3plus", 2)] == ("grey", None)
    assert got[("placements_3plus", 3)] == ("red", None)
    assert got[("reviews_in_time", 3)] == ("grey", None)
    reviews = out[out["measure"] == "reviews_in_time"].iloc[0]
    assert (reviews["status"], reviews["status_note"]) == ("no data", "no data: SSDA903 reviews not supplied")
    assert pd.isna(reviews["change_last_month"]) and pd.isna(reviews["value"])
    march = out[(out["measure"] == "visits_in_time") & (out["month_end"] == pd.Timestamp(2018, 3, 31))].iloc[0]
    assert march["change_last_month"] == pytest.approx(-1.1)
    assert march["target"] == 95


def test_overview_respects_the_period(monkeypatch):
    month_ends = pd.date_range("2017-01-01", periods=12, freq="ME").date
    rows = [("visits_in_time", "V", "visits", "%", True, "Z1", "All teams", m, 9, 10, 90.0) for m in month_ends]
    monkeypatch.setattr(queries, "headline_values", lambda con, **p: _values(rows))
    out = queries.run("overview", duckdb.connect(), from_month="2017-06", to_month="2017-08")
    assert sorted(pd.to_datetime(out["month_end"]).dt.month) == [6, 7, 8]


def test_measures_doc_is_generated_from_the_headers():
    from pathlib import Path

    doc = (Path(queries.QUERY_DIR).parent / "docs" / "measures.md").read_text()
    assert doc == queries.measures_markdown(), "run: python -m queries docs > docs/measures.md"
    assert "### Statutory visits in timescale (`visits_in_time`)" in doc
