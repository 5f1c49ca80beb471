"""Changes-of-social-worker measures in idiomatic vectorised pandas: the baseline the SQL is benchmarked against.

Each function takes the warehouse tables as DataFrames and returns the 'All teams' authority rows (la_code,
month_end, numerator, denominator, value) of the same-named SQL measure.
"""

from __future__ import annotations

import pandas as pd

from benchmarks.pandas_measures.visits import as_dates, child_months, month_ends, month_spine, percentage_rows

CHANGE = ["la_code", "child", "sw_id", "sw_decom"]


def workers_in_12_months(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Children looked after at each month end with the number of distinct workers allocated in the 12 months to it."""
    cm = child_months(tables, from_month, to_month)[["la_code", "child", "month_end"]]
    cm["window_start"] = cm.month_end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    alloc = as_dates(tables["fact_allocation"][["la_code", "child", "sw_id", "sw_decom", "sw_dec"]],
                     "sw_decom", "sw_dec")
    pairs = cm.merge(alloc, on=["la_code", "child"])
    pairs = pairs[(pairs.sw_decom <= pairs.month_end)
                  & (pairs.sw_dec.isna() | (pairs.sw_dec >= pairs.window_start))]
    counts = pairs.groupby(["la_code", "child", "month_end"])["sw_id"].nunique().rename("workers")
    cm = cm.join(counts, on=["la_code", "child", "month_end"])
    cm["workers"] = cm.workers.fillna(0).astype("int64")
    return cm


def sw_changes(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after at each month end with 3+ different social workers in the 12 months to it."""
    cm = workers_in_12_months(tables, from_month, to_month)
    cm["three_plus"] = cm.workers >= 3
    counts = cm.groupby(["la_code", "month_end"]).agg(numerator=("three_plus", "sum"),
                                                      denominator=("three_plus", "size")).reset_index()
    return percentage_rows(counts, month_spine(tables, from_month, to_month))


def _changes(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Changes of worker while looked after (not a period's first allocation), with complete before/after windows."""
    places = as_dates(tables["fact_placement"], "placement_start", "placement_end")
    periods = places.groupby(["la_code", "child", "period_no"]).agg(
        period_start=("placement_start", "min"), period_end=("placement_end", "max"),
        still_open=("placement_end", lambda s: s.isna().any())).reset_index()
    periods.loc[periods.still_open, "period_end"] = pd.NaT
    alloc = as_dates(tables["fact_allocation"][["la_code", "child", "sw_id", "sw_decom", "sw_dec"]],
                     "sw_decom", "sw_dec").sort_values(["la_code", "child", "sw_decom", "sw_id"])
    by_child = alloc.groupby(["la_code", "child"])
    alloc["prev_sw_id"] = by_child.sw_id.shift()
    alloc["prev_sw_dec"] = by_child.sw_dec.shift()
    ch = alloc.merge(periods, on=["la_code", "child"])
    ends = month_ends(from_month, to_month)
    ch = ch[(ch.period_start <= ch.sw_decom) & (ch.period_end.isna() | (ch.period_end > ch.sw_decom))
            & ch.prev_sw_id.notna() & (ch.prev_sw_id != ch.sw_id)
            & (ch.prev_sw_dec.isna() | (ch.prev_sw_dec >= ch.period_start))
            & (ch.sw_decom >= ends.min() - pd.offsets.MonthBegin(1)) & (ch.sw_decom <= ends.max())]
    ch = ch.assign(before_start=(ch.sw_decom - pd.Timedelta(days=90)).where(
                       ch.sw_decom - pd.Timedelta(days=90) > ch.period_start, ch.period_start),
                   after_end=(ch.sw_decom + pd.Timedelta(days=90)).where(
                       ch.period_end.isna() | (ch.sw_decom + pd.Timedelta(days=90) < ch.period_end), ch.period_end))
    visits = as_dates(tables["fact_visit"][["la_code", "visit_date"]], "visit_date")
    data_end = visits.groupby("la_code").visit_date.max().rename("data_end")
    ch = ch.join(data_end, on="la_code")
    return ch[ch.after_end <= ch.data_end][CHANGE + ["before_start", "after_end"]]


def visits_after_change(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of changes of social worker followed by a gap over 42 days without a visit in the 90 days after."""
    ch = _changes(tables, from_month, to_month)
    visits = as_dates(tables["fact_visit"][["la_code", "child", "visit_date"]], "visit_date")
    wv = ch.merge(visits, on=["la_code", "child"])
    wv = wv[wv.visit_date.between(wv.before_start, wv.after_end)]
    points = pd.concat([
        ch[CHANGE].assign(side="before", point=ch.before_start),
        ch[CHANGE].assign(side="before", point=ch.sw_decom),
        ch[CHANGE].assign(side="after", point=ch.sw_decom),
        ch[CHANGE].assign(side="after", point=ch.after_end),
        wv[CHANGE].assign(side=(wv.visit_date >= wv.sw_decom).map({True: "after", False: "before"}),
                          point=wv.visit_date),
    ]).sort_values(CHANGE + ["side", "point"])
    points["gap"] = points.groupby(CHANGE + ["side"]).point.diff().dt.days
    longest = points.groupby(CHANGE + ["side"]).gap.max().unstack("side").fillna(0).reset_index()
    longest["month_end"] = longest.sw_decom + pd.offsets.MonthEnd(0)
    longest["lapse"] = longest["after"] > 42
    counts = longest.groupby(["la_code", "month_end"]).agg(numerator=("lapse", "sum"),
                                                           denominator=("lapse", "size")).reset_index()
    spine = pd.concat([month_spine(tables, from_month, to_month), counts[["la_code", "month_end"]]])
    return percentage_rows(counts, spine.drop_duplicates())
