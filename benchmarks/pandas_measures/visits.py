"""Statutory visit measures in idiomatic vectorised pandas: the baseline the SQL measures are benchmarked against.

Each function takes the warehouse tables as DataFrames (as `con.table(name).df()` gives them) and returns the
'All teams' authority rows (la_code, month_end, numerator, denominator, value) of the same-named SQL measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LONG_TERM_FOSTER = ("U1", "U4")  # reg 28(3): placements intended to last until 18
RULE_7_DAYS = "7 days after placement start"
RULE_6_WEEKS = "6 weeks"
RULE_3_MONTHS = "3 months (long-term placement)"


def as_dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Make date columns datetime64 (DuckDB hands DATEs over as datetime64 or as objects)."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


def month_ends(from_month, to_month) -> pd.Series:
    """Every month end from the month of `from_month` to the month of `to_month`."""
    months = pd.period_range(pd.Timestamp(from_month), pd.Timestamp(to_month), freq="M")
    return pd.Series(months.to_timestamp(how="end").normalize().astype("datetime64[ns]"), name="month_end")


def month_spine(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """(la_code, month_end) for each authority's months inside the span its sources cover (source_coverage)."""
    cov = as_dates(tables["source_coverage"][["la_code", "month_end"]], "month_end")
    cover = cov.groupby("la_code")["month_end"].agg(first="min", last="max").reset_index()
    cover = cover[cover.la_code.isin(tables["dim_authority"].la_code)]
    spine = cover.merge(month_ends(from_month, to_month).to_frame(), how="cross")
    spine = spine[spine.month_end.between(spine["first"], spine["last"])]
    return spine[["la_code", "month_end"]].reset_index(drop=True)


def child_months(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """fact_child_month rows whose month end lies in the requested months."""
    cm = as_dates(tables["fact_child_month"], "month_end", "placement_start")
    ends = month_ends(from_month, to_month)
    return cm[cm.month_end.between(ends.min(), ends.max())].reset_index(drop=True)


def percentage_rows(counts: pd.DataFrame, spine: pd.DataFrame) -> pd.DataFrame:
    """Put numerator/denominator counts on the month spine and add value = 100 * n / d to one decimal place."""
    out = spine.merge(counts, on=["la_code", "month_end"], how="left")
    out["numerator"] = out["numerator"].fillna(0).astype("int64")
    out["denominator"] = out["denominator"].fillna(0).astype("int64")
    out["value"] = (100.0 * out.numerator / out.denominator.where(out.denominator > 0)).round(1)
    return out.sort_values(["la_code", "month_end"]).reset_index(drop=True)


def last_visit_in_placement(frame: pd.DataFrame, visits: pd.DataFrame, at: str) -> pd.Series:
    """The latest visit on or before column `at` that falls on or after the row's placement_start (else NaT)."""
    v = as_dates(visits[["la_code", "child", "visit_date"]], "visit_date").sort_values("visit_date")
    left = frame[["la_code", "child", at, "placement_start"]].reset_index().sort_values(at)
    hit = pd.merge_asof(left, v, left_on=at, right_on="visit_date", by=["la_code", "child"], direction="backward")
    hit = hit.set_index("index").reindex(frame.index)
    return hit.visit_date.where(hit.visit_date >= hit.placement_start)


def due_dates(frame: pd.DataFrame, tables: dict[str, pd.DataFrame], at: str) -> pd.DataFrame:
    """Add last_visit_date, rule_applied and due_date (reg 28: U1/U4 after a year is 3-monthly) for the date in `at`."""
    out = frame.copy()
    out["last_visit_date"] = last_visit_in_placement(out, tables["fact_visit"], at)
    visited = out[out.last_visit_date.notna()].reset_index().sort_values("last_visit_date")
    eps = as_dates(tables["fact_care_episode"][["la_code", "child", "decom", "place"]], "decom").sort_values("decom")
    at_visit = pd.merge_asof(visited[["index", "la_code", "child", "last_visit_date"]], eps,
                             left_on="last_visit_date", right_on="decom", by=["la_code", "child"], direction="backward")
    out["place_at_last_visit"] = at_visit.set_index("index")["place"].reindex(out.index)
    no_visit = out.last_visit_date.isna()
    long_term = (out.place_at_last_visit.isin(LONG_TERM_FOSTER)
                 & (out.last_visit_date >= out.placement_start + pd.DateOffset(years=1)))
    out["rule_applied"] = np.select([no_visit, long_term], [RULE_7_DAYS, RULE_3_MONTHS], RULE_6_WEEKS)
    out["due_date"] = out.last_visit_date + pd.Timedelta(days=42)
    out.loc[long_term, "due_date"] = out.loc[long_term, "last_visit_date"] + pd.DateOffset(months=3)
    out.loc[no_visit, "due_date"] = out.loc[no_visit, "placement_start"] + pd.Timedelta(days=7)
    return out


def visits_in_time(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after at each month end whose next statutory visit was not yet due."""
    cm = due_dates(child_months(tables, from_month, to_month), tables, "month_end")
    cm["in_time"] = cm.month_end <= cm.due_date
    counts = cm.groupby(["la_code", "month_end"]).agg(numerator=("in_time", "sum"),
                                                      denominator=("in_time", "size")).reset_index()
    return percentage_rows(counts, month_spine(tables, from_month, to_month))


def visits_gaps(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Longest gap without a visit (ended in the month or still running at its end) among children looked after."""
    ends = month_ends(from_month, to_month)
    cm = child_months(tables, from_month, to_month)
    visits = as_dates(tables["fact_visit"][["la_code", "child", "visit_date"]], "visit_date")
    visits = visits[visits.visit_date <= ends.max()]
    places = as_dates(tables["fact_placement"][["la_code", "child", "placement_no", "placement_start",
                                                "placement_end"]], "placement_start", "placement_end")
    vp = visits.merge(places, on=["la_code", "child"])
    vp = vp[(vp.visit_date >= vp.placement_start)
            & (vp.placement_end.isna() | (vp.visit_date < vp.placement_end))]
    vp = vp.sort_values(["la_code", "child", "placement_no", "visit_date"])
    previous = vp.groupby(["la_code", "child", "placement_no"])["visit_date"].shift().fillna(vp.placement_start)
    vp["gap_days"] = (vp.visit_date - previous).dt.days
    vp["month_end"] = vp.visit_date + pd.offsets.MonthEnd(0)
    ended = vp.groupby(["la_code", "child", "month_end"])["gap_days"].max().rename("longest_ended_gap")

    last = last_visit_in_placement(cm, visits, "month_end")
    cm["days_without_visit"] = (cm.month_end - last.fillna(cm.placement_start)).dt.days
    cm = cm.join(ended, on=["la_code", "child", "month_end"])
    cm["longest_gap"] = np.maximum(cm.days_without_visit, cm.longest_ended_gap.fillna(0)).astype("int64")
    stats = cm.groupby(["la_code", "month_end"])["longest_gap"].max().rename("numerator").reset_index()
    out = month_spine(tables, from_month, to_month).merge(stats, on=["la_code", "month_end"], how="left")
    out["numerator"] = out["numerator"].astype("Int64")
    out["denominator"] = pd.NA
    out["value"] = out["numerator"]
    return out.sort_values(["la_code", "month_end"]).reset_index(drop=True)
