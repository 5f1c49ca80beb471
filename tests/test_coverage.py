"""Status notes from source coverage: months written as spans, worked out by hand on a two-authority table."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from etl.warehouse import derived_sql
from queries import coverage


def month_end(year: int, month: int) -> dt.date:
    return (pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)).date()


@pytest.fixture()
def con():
    """E1 sends visits for Apr-Jun 2016 and Sep 2016-Jan 2017 (a two-month gap); E2 never sends them."""
    c = duckdb.connect()
    c.execute("create table source_coverage (la_code varchar, source varchar, month_end date)")
    months = [month_end(2016, m) for m in (4, 5, 6, 9, 10, 11, 12)] + [month_end(2017, 1)]
    c.executemany("insert into source_coverage values ($1, 'visits', $2)", [("E1", m) for m in months])
    c.executemany("insert into source_coverage values ($1, 'episodes', $2)",
                  [(la, month_end(2016, m)) for la in ("E1", "E2") for m in range(4, 13)])
    c.execute(derived_sql("source_coverage_run"))  # the runs the status reads, built as the load builds them
    yield c
    c.close()


def test_spans_text_joins_consecutive_months_across_a_year_end():
    months = [month_end(2017, 1), month_end(2016, 12), month_end(2016, 11), month_end(2016, 12), month_end(2017, 3)]
    assert coverage.spans_text(months) == "Nov 2016 to Jan 2017, Mar 2017"
    assert coverage.spans_text([month_end(2016, 4)]) == "Apr 2016"
    assert coverage.spans_text([]) == ""


def test_notes_for_a_gap_an_absent_file_and_a_short_look_back(con):
    keys = pd.DataFrame({"la_code": ["E1", "E1", "E1", "E1", "E2", "E1"],
                         "month_end": [month_end(2016, 7), month_end(2016, 9), month_end(2016, 10),
                                       month_end(2016, 11), month_end(2016, 9), month_end(2016, 7)]})
    out = coverage.status_of_rows(con, keys, ("episodes", "visits"), 3).set_index(["la_code", "month_end"])
    assert len(out) == 5  # the repeated (E1, Jul 2016) is judged once
    gap = "no data: the visits extract covers Apr 2016 to Jun 2016, Sep 2016 to Jan 2017"
    # the SQL writes the spans in the same words as spans_text() (the pages' own notes)
    covered = con.execute("select month_end from source_coverage where la_code = 'E1' and source = 'visits'").fetchall()
    assert gap == "no data: the visits extract covers " + coverage.spans_text([m for (m,) in covered])
    assert out.loc[("E1", month_end(2016, 7))].tolist() == ["no data", gap]
    # Sep 2016 looks back to Jul: only Sep itself is covered; Oct has Sep and Oct; Nov has all three
    assert out.loc[("E1", month_end(2016, 9))].tolist() == [
        "partial", "partial: looks back 3 months and the visits extract covers 1 of them"]
    assert out.loc[("E1", month_end(2016, 10))].tolist() == [
        "partial", "partial: looks back 3 months and the visits extract covers 2 of them"]
    assert out.loc[("E1", month_end(2016, 11))].tolist() == ["ok", ""]
    assert out.loc[("E2", month_end(2016, 9))].tolist() == ["no data", "no data: the visits extract not supplied"]


def test_look_back_across_a_gap_counts_both_runs(con):
    # Oct 2016 looks back 6 months, May to Oct: visits cover May, Jun (first run) and Sep, Oct (second run) = 4
    keys = pd.DataFrame({"la_code": ["E1"], "month_end": [month_end(2016, 10)]})
    out = coverage.status_of_rows(con, keys, ("visits",), 6)
    assert out[["status", "status_note"]].values.tolist() == [
        ["partial", "partial: looks back 6 months and the visits extract covers 4 of them"]]
    # a 2-month look-back inside the second run is whole
    assert coverage.status_of_rows(con, keys, ("visits",), 2)["status"].tolist() == ["ok"]


def test_the_first_missing_source_is_named_even_when_never_supplied(con):
    # E2 in Jan 2017: no visits extract at all, and episodes end in Dec 2016; visits comes first in the header
    keys = pd.DataFrame({"la_code": ["E2"], "month_end": [month_end(2017, 1)]})
    first = coverage.status_of_rows(con, keys, ("visits", "episodes"), 1)
    assert first["status_note"].tolist() == ["no data: the visits extract not supplied"]
    second = coverage.status_of_rows(con, keys, ("episodes", "visits"), 1)
    assert second["status_note"].tolist() == ["no data: SSDA903 episodes covers Apr 2016 to Dec 2016"]


def test_a_month_listed_twice_does_not_bridge_a_gap(con):
    # E1's visits cover Apr-Jun and Sep 2016-Jan 2017; Jun listed again must not make Jul and Aug look covered
    con.execute("insert into source_coverage values ('E1', 'visits', $m)", {"m": month_end(2016, 6)})
    con.execute(derived_sql("source_coverage_run"))
    keys = pd.DataFrame({"la_code": ["E1"], "month_end": [month_end(2016, 8)]})
    out = coverage.status_of_rows(con, keys, ("visits",), 1)
    assert out["status_note"].tolist() == [
        "no data: the visits extract covers Apr 2016 to Jun 2016, Sep 2016 to Jan 2017"]
