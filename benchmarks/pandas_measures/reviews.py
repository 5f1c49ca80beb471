"""Reviews and placement stability measures in idiomatic vectorised pandas: the baseline for the SQL measures.

Each function takes the warehouse tables as DataFrames (as `con.table(name).df()` gives them) and returns the
'All teams' authority rows (la_code, month_end, numerator, denominator, value) of the same-named SQL measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["la_code", "month_end", "numerator", "denominator", "value"]
SHORT_BREAKS = ("V3", "V4")
ADOPTION = ("A3", "A4", "A5", "A6")


def as_dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Make date columns datetime64 (DuckDB hands DATEs over as datetime64 or as objects)."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


def bounds(from_month, to_month) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last month ends of the period."""
    return (pd.Timestamp(from_month) + pd.offsets.MonthEnd(0), pd.Timestamp(to_month) + pd.offsets.MonthEnd(0))


def child_months(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """fact_child_month rows whose month end lies in the period."""
    cm = as_dates(tables["fact_child_month"], "month_end", "placement_start", "period_start")
    lo, hi = bounds(from_month, to_month)
    return cm[cm.month_end.between(lo, hi)].reset_index(drop=True)


def month_spine(cm: pd.DataFrame) -> pd.DataFrame:
    """Every month end from each authority's first to last child-month (already limited to the period)."""
    span = cm.groupby("la_code")["month_end"].agg(["min", "max"])
    rows = [(la, m) for la, r in span.iterrows() for m in pd.date_range(r["min"], r["max"], freq="ME")]
    return pd.DataFrame(rows, columns=["la_code", "month_end"]).astype({"month_end": "datetime64[ns]"})


def round_half_away(x: pd.Series, places: int) -> pd.Series:
    """Round as DuckDB's round() does (halves away from zero), not numpy's halves-to-even."""
    scale = 10.0 ** places
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5) / scale


def percentage_rows(counts: pd.DataFrame, spine: pd.DataFrame) -> pd.DataFrame:
    """Counts on the month spine with value = 100 * n / d to one decimal place (null when d is 0)."""
    out = spine.merge(counts, on=["la_code", "month_end"], how="left")
    out["numerator"] = out["numerator"].fillna(0).astype("int64")
    out["denominator"] = out["denominator"].fillna(0).astype("int64")
    out["value"] = round_half_away(100.0 * out.numerator / out.denominator.where(out.denominator > 0), 1)
    return out[COLUMNS].sort_values(["la_code", "month_end"]).reset_index(drop=True)


def periods(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Periods of care from fact_placement: start, and end (NaT while open)."""
    p = as_dates(tables["fact_placement"], "placement_start", "placement_end")
    g = p.groupby(["la_code", "child", "period_no"])
    out = g.agg(period_start=("placement_start", "min"), period_end=("placement_end", "max"),
                open_=("placement_end", lambda s: s.isna().any())).reset_index()
    out.loc[out.open_, "period_end"] = pd.NaT
    return out.drop(columns="open_")


def data_start(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """1 April of each authority's first return year (reviews and episodes), by la_code."""
    years = pd.concat([tables["fact_review"][["la_code", "return_year"]],
                       tables["fact_episode"][["la_code", "return_year"]]])
    first = years.groupby("la_code")["return_year"].min()
    return pd.to_datetime({"year": first - 1, "month": 4, "day": 1}).rename("data_start").set_axis(first.index)


def reviews_in_time(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of reviews held in each month that were in time (reg 33: 20 working days, 3 months, then 6 months)."""
    r = as_dates(tables["fact_review"][["la_code", "child", "review_date"]], "review_date")
    per = periods(tables).sort_values("period_start")
    r = pd.merge_asof(r.sort_values("review_date"), per, left_on="review_date", right_on="period_start",
                      by=["la_code", "child"], direction="backward")
    r = r[r.period_start.notna() & (r.period_end.isna() | (r.review_date <= r.period_end))]
    r = r.sort_values(["la_code", "child", "period_start", "review_date"])
    g = r.groupby(["la_code", "child", "period_start"])["review_date"]
    r["seq"] = g.cumcount() + 1
    r["previous"] = g.shift()
    r = r.join(data_start(tables), on="la_code")
    known = r.period_start >= r.data_start
    holidays = tables["dim_bank_holiday"].holiday_date.to_numpy(dtype="datetime64[D]")
    first_due = np.busday_offset(r.period_start.to_numpy(dtype="datetime64[D]"), 20, roll="backward",
                                 holidays=holidays)
    r["due"] = np.select(
        [known & (r.seq == 1), known & (r.seq == 2), r.seq >= 2],
        [first_due.astype("datetime64[ns]"), r.previous + pd.DateOffset(months=3),
         r.previous + pd.DateOffset(months=6)],
        np.datetime64("NaT"),
    )
    lo, hi = bounds(from_month, to_month)
    r = r[r.due.notna() & r.review_date.between(lo - pd.offsets.MonthBegin(1), hi)]
    r["month_end"] = r.review_date + pd.offsets.MonthEnd(0)
    r["in_time"] = r.review_date <= r.due
    counts = r.groupby(["la_code", "month_end"]).agg(numerator=("in_time", "sum"),
                                                     denominator=("in_time", "size")).reset_index()
    return percentage_rows(counts, month_spine(child_months(tables, from_month, to_month)))


def placements_3plus(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after at each month end with 3+ placements in the 12 months to it (V3/V4 excluded)."""
    cm = child_months(tables, from_month, to_month)
    cohort = cm[~cm.ls.isin(SHORT_BREAKS)][["la_code", "child", "month_end"]]
    p = as_dates(tables["fact_placement"][["la_code", "child", "placement_start", "placement_end"]],
                 "placement_start", "placement_end")
    x = cohort.merge(p, on=["la_code", "child"])
    window_start = x.month_end + pd.Timedelta(days=1) - pd.DateOffset(months=12)
    x = x[(x.placement_start <= x.month_end) & (x.placement_end.isna() | (x.placement_end > window_start))]
    per_child = x.groupby(["la_code", "child", "month_end"]).size().rename("placements").reset_index()
    per_child["three_plus"] = per_child.placements >= 3
    counts = per_child.groupby(["la_code", "month_end"]).agg(numerator=("three_plus", "sum"),
                                                             denominator=("three_plus", "size")).reset_index()
    return percentage_rows(counts, month_spine(cm))


def stability_long_term(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of under-16s looked after 2.5 years+ in the same placement 2 years+ (or adoption + previous placement)."""
    cm = child_months(tables, from_month, to_month)
    cohort = cm[~cm.ls.isin(SHORT_BREAKS) & (cm.age_years < 16)
                & (cm.period_start <= cm.month_end - pd.DateOffset(months=30))]
    p = as_dates(tables["fact_placement"][["la_code", "child", "period_start", "placement_no", "placement_start"]],
                 "period_start", "placement_start")
    prev = p.assign(placement_no=p.placement_no + 1).rename(columns={"placement_start": "previous_start"})
    x = cohort.merge(prev, on=["la_code", "child", "period_start", "placement_no"], how="left")
    two_years = x.month_end - pd.DateOffset(years=2)
    x["stable"] = (x.placement_start <= two_years) | (x.place.isin(ADOPTION) & (x.previous_start <= two_years))
    counts = x.groupby(["la_code", "month_end"]).agg(numerator=("stable", "sum"),
                                                     denominator=("stable", "size")).reset_index()
    return percentage_rows(counts, month_spine(cm))
