"""Every child list agrees with its series: as at a month end it names exactly the children (or episodes) the series
counts as exceptions that month, with the same team, and nobody twice.

Checked for every month of the generated sample authority and of the DfE-guidance fixture (tests/fixtures/dfe_cases),
for the authority and for each team. A list's rows are counted per team and compared with the series' exception
count (its numerator, or denominator - numerator, as each list says in its header).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import pytest

import queries

ALL = "All teams"


@dataclass(frozen=True)
class Pair:
    """A list, its series, and how the series counts the list's rows at a month end."""

    series: str
    exceptions: Callable[[pd.DataFrame], pd.Series]  # per series row
    rows: Callable[[pd.DataFrame, dt.date], pd.DataFrame] = lambda df, month: df  # the list rows that count
    period_list: bool = False  # the list takes from_month/to_month (one month) instead of as_of
    key: tuple[str, ...] = ("la_code", "child")  # nobody (or no episode) twice
    month_shift: int = 0  # compare the list as at month m with the series at month m + shift


def missed(df: pd.DataFrame) -> pd.Series:
    return df["denominator"] - df["numerator"]


def counted(df: pd.DataFrame) -> pd.Series:
    return df["numerator"]


def _month(value) -> pd.Series:
    return pd.to_datetime(value).dt.to_period("M")


PAIRS: dict[str, list[Pair]] = {
    "visits_overdue_list": [Pair("visits_in_time", missed)],
    "sw_changes_list": [Pair("sw_changes", counted)],
    "placements_3plus_list": [Pair("placements_3plus", counted)],
    "reviews_overdue_list": [Pair("reviews_up_to_date", missed)],
    "health_overdue_list": [
        Pair("health_up_to_date", missed, lambda df, m: df[df["assessment"].isin(["IHA", "RHA"])]),
        Pair("health_dental", missed, lambda df, m: df[df["assessment"] == "DENTAL"]),
    ],
    "health_iha_late_list": [Pair("health_iha_in_time", missed, period_list=True,
                                  key=("la_code", "child", "period_start"))],
    "missing_prolonged_list": [
        Pair("missing_prolonged", counted, lambda df, m: df[df["reached_this_month"]],
             key=("la_code", "child", "mis_start")),
        Pair("missing_prolonged", lambda df: df["still_missing_7_days"], lambda df, m: df[df["status"] == "still missing"],
             key=("la_code", "child", "mis_start")),
    ],
    # An episode is listed once its 72 hours have run out, so as at the end of month m the list holds every exception
    # among the returns of month m - 1 (all their deadlines have passed): the series' denominator - numerator then.
    # Annex A List 8 against the event data at its snapshot date: everyone who is not 'agree' (no data in the other
    # months, and on the default sample, which has no workbook: tests/test_annex_a.py checks it with one)
    "dq_annex_a_differences_list": [Pair("dq_annex_a_reconciliation", missed)],
    "missing_rhi_list": [
        Pair("missing_rhi_in_time", missed,
             lambda df, m: df[df["status"].isin(["offered late", "no interview recorded"])
                              & (_month(df["mis_end"]) == (pd.Period(m, "M") - 1))],
             key=("la_code", "child", "mis_start"), month_shift=-1),
    ],
    "plans_actions_overdue_list": [Pair("plans_actions_overdue", counted, key=("la_code", "child", "action_id"))],
    "supervision_overdue_list": [Pair("supervision_in_time", missed)],
    "legal_proceedings_list": [
        Pair("legal_proceedings_26_weeks", lambda df: df["open_over_26_weeks"], lambda df, m: df[df["over_26_weeks"]],
             key=("la_code", "child", "proceedings_issued_date")),
        Pair("legal_proceedings_26_weeks", lambda df: df["issued_without_plo"],
             lambda df, m: df[df["without_pre_proceedings"]], key=("la_code", "child", "proceedings_issued_date")),
    ],
    "legal_no_plan_list": [Pair("legal_no_plan", counted, key=("la_code", "child", "plo_end"))],
    "missing_strategy_list": [Pair("missing_strategy_meeting", missed, key=("la_code", "child", "mis_start"))],
    "return_home_plan_list": [Pair("return_home_plan", missed, key=("la_code", "child", "ceased_date"))],
}


def test_every_list_has_a_pair() -> None:
    lists = {m.name for m in queries.measures().values() if m.shape == "list"}
    assert lists == set(PAIRS)


def _series_by_team(con, pair: Pair, la: str, first: dt.date, last: dt.date) -> pd.DataFrame:
    df = queries.run(pair.series, con, la_codes=[la], from_month=first, to_month=last)
    df = df[df["status"] != "no data"]
    return df.assign(month=pd.to_datetime(df["month_end"]).dt.date, expected=pair.exceptions(df).astype(int))


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    return [d.date() for d in pd.date_range(first, last, freq="ME")]


def check_lists_agree(con: duckdb.DuckDBPyConnection, la: str, months: list[dt.date]) -> int:
    """Assert every pair for every month; returns how many list rows were compared (so a test can't pass empty)."""
    compared = 0
    for name, pairs in PAIRS.items():
        for pair in pairs:
            series = _series_by_team(con, pair, la, months[0], months[-1])
            for month in months:
                target = (pd.Timestamp(month) + pd.offsets.MonthEnd(pair.month_shift)).date()
                want = series[series["month"] == target].set_index("team")["expected"]
                if want.empty:
                    continue  # no data that month: no list either (tested elsewhere)
                if pair.period_list:
                    got = queries.run(name, con, la_codes=[la], from_month=month, to_month=month)
                else:
                    got = queries.run(name, con, la_codes=[la], as_of=month)
                got = pair.rows(got, month)
                assert not got.duplicated(list(pair.key)).any(), f"{name} names someone twice at {month}"
                by_team = got.groupby("team").size()
                teams = set(want.index) - {ALL} | set(by_team.index)
                for team in teams:
                    assert int(by_team.get(team, 0)) == int(want.get(team, 0)), (name, pair.series, month, team)
                assert len(got) == int(want.get(ALL, 0)), (name, pair.series, month, ALL)
                compared += len(got)
    return compared


def test_lists_agree_with_their_series_on_the_sample(sample_db) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        # every month of the sample's last two years, every other month of the three before (each calendar month
        # still comes up: April, June, ..., February in the earlier years, all of them in the last two)
        months = _month_ends(dt.date(2013, 4, 1), dt.date(2018, 3, 31))
        compared = check_lists_agree(con, "Z99000001", months[:36:2] + months[36:])
    finally:
        con.close()
    assert compared > 2000


@pytest.mark.parametrize("team", ["CLA Team 1", None])
def test_a_team_filter_narrows_list_and_series_alike(sample_db, team) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        month = dt.date(2017, 9, 30)
        series = queries.run("visits_in_time", con, la_codes=["Z99000001"], team=team, from_month=month,
                             to_month=month)
        listed = queries.run("visits_overdue_list", con, la_codes=["Z99000001"], team=team, as_of=month)
        row = series[series["team"] == (team or ALL)].iloc[0]
        assert len(listed) == row["denominator"] - row["numerator"] > 0
        assert set(listed["team"]) <= ({team} if team else set(listed["team"]))
    finally:
        con.close()
