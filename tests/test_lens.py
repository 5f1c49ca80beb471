"""Formatting, small-number suppression and the house chart style, on hand-made frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from lens import charts
from lens.disclosure import HIDDEN, SUPPRESSED, is_small, protect, protect_counts
from lens.formatting import finding, fmt_change, fmt_value, month_label, trend_direction


def test_values_and_months_read_as_people_write_them():
    assert month_label(dt.date(2018, 3, 31)) == "Mar 2018"
    assert fmt_value(78.04, "%") == "78.0%"
    assert fmt_value(12, "children") == "12 children"
    assert fmt_value(14.25, "children per FTE") == "14.2 children per FTE"
    assert fmt_value(None, "%") == "—"
    assert fmt_change(-4.0, "%") == "-4.0 pts"
    assert fmt_change(3, "days") == "+3 days"


TWO_YEARS = pd.Series(pd.date_range("2016-04-30", "2018-03-31", freq="ME"))  # 24 month ends, April to March
RISING = pd.Series([13.0] * 9 + [20.0, 25.0, 28.0] + [30.0 + i for i in range(11)] + [40.0])
FALLING = RISING[::-1].reset_index(drop=True)
FLAT = pd.Series([94.8, 94.6] * 12)


@pytest.mark.parametrize(("values", "higher_is_better", "expected"), [
    # a rising series: bad when lower is better (3+ social workers), good when higher is better
    # (13% Apr-Dec 2016, 20 Jan 2017, 25 Feb, 28 Mar, then 30 to 40: at or over the target 27 from Mar 2017)
    (RISING, False, "X rose from 13.0% to 40.0% over two years; above target since Mar 2017"),
    (RISING, True, "X rose from 13.0% to 40.0% over two years; on target since Mar 2017"),
    # falling, the same values backwards: 40 ... 30 (Mar 2017), 28 (Apr), 25 (May), 20, then 13: under 27 from May
    (FALLING, False, "X fell from 40.0% to 13.0% over two years; on target since May 2017"),
    (FALLING, True, "X fell from 40.0% to 13.0% over two years; below target since May 2017"),
    # flat: under a point of change, whatever the wobble; under the target 95 every month
    (FLAT, True, "X held at about 94.6% over two years; below target throughout"),
    (FLAT, False, "X held at about 94.6% over two years; on target throughout"),
])
def test_finding_states_the_trend_over_the_period_with_polarity_and_target(values, higher_is_better, expected):
    target = 95.0 if values is FLAT else 27.0
    assert finding("X", "%", values, TWO_YEARS, higher_is_better, target=target) == expected


def test_finding_does_not_call_a_series_held_when_only_its_ends_agree():
    # prolonged missing episodes: 0 in April 2016 and in March 2018, 1 in four months between: not 'held at 0'
    values = pd.Series([0.0] * 5 + [1.0] + [0.0] * 10 + [1.0, 1.0, 0.0, 1.0] + [0.0] * 4)
    assert finding("Episodes", "episodes", values, TWO_YEARS, False) == \
        "Episodes: about 0 episodes at both ends of two years (between 0 and 1 episodes)"
    # a percentage that dips 14 points between equal ends says so, in its unit
    dip = pd.Series([94.0, 80.0] + [90.0] * 21 + [94.5])
    assert finding("Visits", "%", dip, TWO_YEARS, True).startswith(
        "Visits: about 94.5% at both ends of two years (between 80.0% and 94.5%)")


def test_finding_counts_suppression_and_a_single_month():
    months = pd.Series(pd.to_datetime(["2018-02-28", "2018-03-31"]))
    assert finding("Children missing", "children", pd.Series([3.0, 3.0]), months, None, suppressed=True) == \
        "Children missing: fewer than 5 children in March 2018 (hidden in board mode)"
    assert finding("Caseload", "children per FTE", pd.Series([15.0]), months[-1:], False) == \
        "Caseload: 15 children per FTE in March 2018"
    assert finding("Caseload", "children per FTE", pd.Series([14.0, 16.5]), months, False, target=15.2) == \
        "Caseload rose from 14 children per FTE to 16.5 children per FTE over the month; above target since Mar 2018"


@pytest.mark.parametrize(("values", "higher_is_better", "colour"), [
    (RISING, False, "worse"), (RISING, True, "better"), (FALLING, False, "better"), (FALLING, True, "worse"),
    (FLAT, True, "flat"), (RISING, None, "unrated")])
def test_trend_direction_follows_polarity_not_last_month(values, higher_is_better, colour):
    assert trend_direction(values, TWO_YEARS, "%", higher_is_better) == colour


def test_counts_under_five_are_suppressed_and_so_are_percentages_built_on_them():
    assert [is_small(v) for v in (0, 1, 4, 5, None)] == [False, True, True, False, False]
    df = pd.DataFrame({"month_end": pd.to_datetime(["2018-01-31", "2018-02-28", "2018-03-31"]),
                       "numerator": [3, 10, 0], "denominator": [20, 4, 12], "value": [15.0, 250.0, 0.0]})
    out = protect("visits_in_time", df)
    # Jan: numerator 3 -> suppressed; Feb: denominator 4 -> suppressed; Mar: 0 of 12 is shown (zero is not disclosive;
    # the 12 not in the numerator are not a small number either). A hidden row shows none of its counts: '<5' for the
    # small one, 'hidden' for the other (with it, the small one could be worked out from the value or the rest)
    assert out["suppressed"].tolist() == [True, True, False]
    assert out["value"].isna().tolist() == [True, True, False]
    assert out["numerator_shown"].tolist() == [SUPPRESSED, HIDDEN, 0]
    assert out["denominator_shown"].tolist() == [HIDDEN, SUPPRESSED, 12]
    assert out["numerator"].isna().tolist() == [True, True, False]  # no raw count left beside a '<5'
    table = protect_counts(pd.DataFrame({"team": ["A", "B"], "children": [3, 7]}), ["children"])
    assert table["children"].tolist() == [SUPPRESSED, 7]


def test_trend_carries_target_and_england_and_month_axis():
    df = pd.DataFrame({"month_end": pd.to_datetime(["2017-02-28", "2017-03-31", "2017-04-30"]),
                       "value": [88.0, 90.0, 91.0]})
    eng = pd.DataFrame({"period_end": pd.to_datetime(["2017-03-31"]), "value": [89.4]})
    fig = charts.trend(df, "Title", "%", target=95, england=eng)
    names = [t.name for t in fig.data]
    assert names == ["This authority", "Target (95.0%)", "England average"]
    assert list(fig.data[1].y) == [95, 95]
    assert list(fig.data[2].y) == [89.4]
    assert fig.layout.xaxis.tickformat == "%b %Y"
    assert fig.layout.yaxis.title.text == "Per cent (%)"
    assert fig.data[0].line.color == charts.BLUE


@pytest.mark.parametrize("n_months, dtick, n_ticks", [(12, "M1", 12), (24, "M3", 8), (60, "M6", 10)])
def test_month_axis_ticks_are_distinct_months_spaced_by_the_span(n_months, dtick, n_ticks):
    ends = pd.date_range("2013-04-30", periods=n_months, freq="ME")
    df = pd.DataFrame({"month_end": ends, "value": range(n_months)})
    fig = charts.trend(df, "T", "%", target=90,
                       england=pd.DataFrame({"period_end": [ends[-1]], "value": [50.0]}))
    axis = fig.layout.xaxis
    assert (axis.tickmode, axis.tick0, axis.dtick, axis.tickformat) == ("linear", "2013-04-01", dtick, "%b %Y")
    # The labels Plotly draws: tick0 + k * dtick months across the months shown, formatted as %b %Y.
    step = int(dtick[1:])
    ticks = pd.date_range(axis.tick0, ends[-1], freq=f"{step}MS")
    labels = [f"{t:%b %Y}" for t in ticks]
    assert len(labels) == len(set(labels)) == n_ticks
    assert labels[0] == "Apr 2013" and labels[-1] == f"{ticks[-1]:%b %Y}"
    assert charts.months(df["month_end"]).isin(ticks).sum() == n_ticks  # every tick sits on a plotted month


def test_month_step_grows_with_the_span():
    assert [charts.month_step(n) for n in (1, 12, 13, 36, 37, 72, 73, 120)] == [1, 1, 3, 3, 6, 6, 12, 12]


def test_england_outside_the_period_shows_as_latest_published_line():
    df = pd.DataFrame({"month_end": pd.to_datetime(["2017-02-28", "2017-03-31"]), "value": [10.0, 12.0]})
    eng = pd.DataFrame({"period_end": pd.to_datetime(["2024-03-31", "2025-03-31"]), "value": [11.0, 10.0]})
    fig = charts.trend(df, "T", "%", england=eng)
    assert fig.data[-1].name == "England average 2025 (latest published)"
    assert list(fig.data[-1].y) == [10.0, 10.0]


def test_target_and_england_at_the_same_value_keep_their_names_apart():
    df = pd.DataFrame({"month_end": pd.date_range("2016-04-30", periods=24, freq="ME"), "value": [12.0] * 24,
                       "status": "ok"})
    eng = pd.DataFrame({"period_end": pd.to_datetime(["2025-03-31"]), "value": [10.0]})
    fig = charts.trend(df, "T", "%", target=10.0, england=eng)
    names = {a.text: (a.y, a.yanchor) for a in fig.layout.annotations if a.text in ("Target", "England")}
    assert names == {"Target": (10.0, "bottom"), "England": (10.0, "top")}  # one above the line, one below


def test_team_bars_put_the_worst_team_first():
    df = pd.DataFrame({"team": ["A", "B", "C"], "value": [90.0, 70.0, 80.0]})
    fig = charts.team_bars(df, "T", "%", target=95, higher_is_better=True)
    assert list(fig.data[0].y) == ["B", "C", "A"]


def test_a_count_of_a_few_has_whole_number_ticks():
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(y=[0, 0, 1, 0, 1]))
    charts.fit_y_axis(fig, "episodes")
    assert (fig.layout.yaxis.dtick, fig.layout.yaxis.tickformat, fig.layout.yaxis.range) == (1, "d", (0.0, 1.12))
    zeros = go.Figure(go.Scatter(y=[0, 0, 0]))  # e.g. board mode with every other month hidden
    charts.fit_y_axis(zeros, "episodes")
    assert zeros.layout.yaxis.range == (0.0, 1.0)
    many = go.Figure(go.Scatter(y=[0, 20, 40]))
    charts.fit_y_axis(many, "children")
    assert many.layout.yaxis.dtick is None
    rate = go.Figure(go.Scatter(y=[0.1, 0.4]))  # a percentage keeps Plotly's own ticks
    charts.fit_y_axis(rate, "%")
    assert rate.layout.yaxis.dtick is None


def test_a_team_at_zero_keeps_its_label_outside_its_bar():
    # 0.0% has no bar to write in; 5.9% of a 40% longest bar (under 15% of it) is too short to hold its label
    df = pd.DataFrame({"team": ["A", "B", "C"], "value": [0.0, 40.0, 5.9]})
    fig = charts.team_bars(df, "T", "%", higher_is_better=True)
    assert list(zip(fig.data[0].y, fig.data[0].text, fig.data[0].textposition, strict=True)) == [
        ("A", "0.0%", "outside"), ("C", "5.9%", "outside"), ("B", "40.0%", "inside")]


def test_footer_names_measure_period_authority_and_source():
    text = charts.footer_text("Visits in time", (dt.date(2017, 4, 30), dt.date(2018, 3, 31)), "Sample Borough",
                              dt.date(2018, 3, 31))
    assert text == "Visits in time · Apr 2017 to Mar 2018 · Sample Borough · data to 31 Mar 2018 · Source: Practice Lens"


def test_the_y_axis_is_scaled_to_the_data_with_zero_where_it_matters():
    # visits between 91% and 99%: a zoomed axis (12% of the 8-point range is 0.96, so the 1-point least padding)
    low, high, from_zero = charts.y_range([91.0, 95.0, 99.0], "%")
    assert (low, high, from_zero) == (90.0, 100.0, False)
    # 3+ placements between 10% and 16% with a target of 10: within a third of zero? 10 > 16 / 3, so zoomed
    assert charts.y_range([10.0, 16.0], "%")[2] is False
    # a small count near zero starts at zero; a percentage never runs far above 100
    assert charts.y_range([1.0, 6.0], "children")[:1] == (0.0,) and charts.y_range([1.0, 6.0], "children")[2]
    assert charts.y_range([95.0, 100.0], "%")[1] == 101.0
    # the chart says when its axis does not start at zero
    fig = charts.trend(pd.DataFrame({"month_end": pd.date_range("2017-01-31", periods=3, freq="ME"),
                                     "value": [91.0, 95.0, 99.0]}), "Visits", "%", target=95.0)
    assert list(fig.layout.yaxis.range) == [90.0, 100.0]
    assert any(a.text == "axis starts at 90.0%" for a in fig.layout.annotations)
    assert any(a.text == "Target" for a in fig.layout.annotations)  # the target line is named at its end


def test_annual_figures_are_points_not_a_line_and_long_titles_wrap():
    oc2 = pd.DataFrame({"month_end": pd.to_datetime(["2017-03-31", "2018-03-31"]), "value": [87.5, 93.6]})
    fig = charts.trend(oc2, "OC2", "%")
    assert fig.data[0].mode == "markers+text" and list(fig.data[0].text) == ["87.5%", "93.6%"]
    assert fig.layout.xaxis.dtick == "M12"
    title = "Average caseload per case-holding social worker held at about 14.5 children per FTE over two years"
    assert charts.wrap_title(title, 62) == ("Average caseload per case-holding social worker held at about"
                                            "<br>14.5 children per FTE over two years")
    assert "<br>" in charts.trend(oc2, title, "%", board=True).layout.title.text


def test_a_legend_that_wraps_gets_its_own_rows_above_the_plot():
    # 1280-pixel laptop: a full-width chart is 820 px, 820 - 80 - 30 = 710 px for the legend. Normal mode (14 px
    # type): an entry takes 40 px + 0.56 * 14 = 7.84 px a character.
    def fig(names: list[str], board: bool = False) -> go.Figure:
        f = go.Figure([go.Bar(x=[1], y=[1], name=n) for n in names])
        return charts.fit_legend(charts.style(f, "A title", "%", board), board)
    two = fig(["This authority", "Target (90.0%)"])  # 40 + 110 + 40 + 110 = 300 px: one row
    assert (two.layout.margin.t, two.layout.height) == (110, 420)
    # five bands: 40, 32, 32, 31 and 32 characters = 353.6, 290.9, 290.9, 283.0 and 290.9 px. Row 1: 353.6 + 290.9
    # = 644.5; the third would make 935.4 > 710. Row 2: 290.9 + 283.0 = 573.9; the fifth would make 864.8. Row 3: the
    # fifth. Three rows: + 2 * round(1.5 * 14) = 42 px.
    bands = ["4 or more social workers during the year", "3 social workers during the year",
             "2 social workers during the year", "1 social worker during the year", "No social worker during the year"]
    many = fig(bands)
    assert (many.layout.margin.t, many.layout.height) == (152, 462)
    # board mode (20 px type): 488.0, 398.4, 398.4, 387.2, 398.4 px: no two fit in 710, five rows, + 4 * 30 px
    board = fig(bands, board=True)
    assert (board.layout.margin.t, board.layout.height) == (230, 640)
    # Past one row Plotly gives every entry the widest one's width (a grid), so two short entries and a long one take
    # three rows in board mode: 297.6 + 286.4 + 544.0 = 1128 px > 710, and 710 // 544 = 1 entry a row. Packing them
    # (the first two on one row) said two rows, and the title of "Visits lapsing after a change" sat under the legend.
    lapse = fig(["90 days before a change", "90 days after a change", "Hidden in board mode (fewer than 5 children)"],
                board=True)
    assert (lapse.layout.margin.t, lapse.layout.height) == (170, 580)  # board charts: 110 + 60 px, 520 + 60 px


def test_a_count_series_of_whole_numbers_gets_a_y_axis_that_shows_it():
    # A count measure (plans_actions_overdue, missing_prolonged) is int64: Plotly hands its y back as numpy integers.
    # The axis must still be scaled to them: 9 to 32 actions -> from 0 (9 is within a third of 32) to 32 + 12% of the
    # 23 span = 34.76; before, the axis read 0 to 1 and the line was drawn off the chart.
    import numpy as np
    import plotly.graph_objects as go

    from lens.charts import fit_y_axis

    fig = go.Figure(go.Scatter(y=np.array([9, 20, 32], dtype="int64")))
    fit_y_axis(fig, "actions")
    assert fig.layout.yaxis.range == (0.0, 32 + 0.12 * 23)


def test_a_percentage_limit_is_drawn_inside_0_to_100_and_other_limits_as_they_are():
    assert [charts.drawn_limit(v, "%") for v in (113.4, -6.2, 52.5, None)] == [100.0, 0.0, 52.5, None]
    assert [charts.drawn_limit(v, "days") for v in (113.4, -6.2)] == [113.4, -6.2]
