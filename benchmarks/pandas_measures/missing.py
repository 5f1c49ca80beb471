"""Missing-from-care measures in idiomatic vectorised pandas: the baseline the SQL measures are benchmarked against.

Each function takes the warehouse tables as DataFrames (as `con.table(name).df()` gives them) and returns the
'All teams' authority rows (la_code, month_end, numerator, denominator, value) of the same-named SQL measure.
"""

from __future__ import annotations

import pandas as pd

TABLES = ("dim_authority", "fact_child_month", "fact_missing", "fact_placement")
KEY = ["la_code", "month_end"]


def as_dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Make date/timestamp columns datetime64[ns] (DuckDB hands DATEs over as datetime64 or as objects)."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


def month_end_of(values: pd.Series) -> pd.Series:
    """The last day of each value's month (midnight)."""
    return values.dt.normalize() + pd.offsets.MonthEnd(0)


def month_spine(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """(la_code, month_end) for each authority's months inside its fact_child_month coverage and the range."""
    cm = as_dates(tables["fact_child_month"][["la_code", "month_end"]], "month_end")
    cover = cm.groupby("la_code")["month_end"].agg(first="min", last="max").reset_index()
    cover = cover[cover.la_code.isin(tables["dim_authority"].la_code)]
    months = pd.period_range(pd.Timestamp(from_month), pd.Timestamp(to_month), freq="M")
    ends = pd.DataFrame({"month_end": months.to_timestamp(how="end").normalize().astype("datetime64[ns]")})
    spine = cover.merge(ends, how="cross")
    return spine[spine.month_end.between(spine["first"], spine["last"])][KEY].reset_index(drop=True)


def on_spine(counts: pd.DataFrame, spine: pd.DataFrame, percent: bool) -> pd.DataFrame:
    """Counts on the month spine: a percentage (value = 100 * n / d, 1 dp) or a count (value = n, no denominator)."""
    out = spine.merge(counts, on=KEY, how="left")
    out["numerator"] = out["numerator"].fillna(0).astype("int64")
    if percent:
        out["denominator"] = out["denominator"].fillna(0).astype("int64")
        out["value"] = (100.0 * out.numerator / out.denominator.where(out.denominator > 0)).round(1)
    else:
        out["denominator"] = pd.NA
        out["value"] = out["numerator"]
    return out.sort_values(KEY).reset_index(drop=True)[KEY + ["numerator", "denominator", "value"]]


def missing_episodes(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Children with a missing (M) episode starting in the 12 months to each month end."""
    m = as_dates(tables["fact_missing"], "mis_start")
    m = m[m.missing_type == "M"][["la_code", "child", "mis_start"]]
    start_month = month_end_of(m.mis_start)
    # each episode counts at its start month end and the 11 after it
    rolled = pd.concat([m.assign(month_end=start_month + pd.offsets.MonthEnd(k)) for k in range(12)])
    counts = rolled.groupby(KEY)["child"].nunique().rename("numerator").reset_index()
    return on_spine(counts, month_spine(tables, from_month, to_month), percent=False)


def missing_rhi_in_time(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of episodes ended in the month with a return interview offered within 72 hours of the return."""
    m = as_dates(tables["fact_missing"], "mis_end", "rhi_offered_at", "rhi_at")
    m = m[m.mis_end.notna()]
    offer = m[["rhi_offered_at", "rhi_at"]].min(axis=1)
    m = m.assign(month_end=month_end_of(m.mis_end), in_time=offer <= m.mis_end + pd.Timedelta(hours=72))
    counts = m.groupby(KEY)["in_time"].agg(numerator="sum", denominator="size").reset_index()
    return on_spine(counts, month_spine(tables, from_month, to_month), percent=True)


def missing_prolonged(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Missing or away episodes that reached 7 days missing in the month."""
    m = as_dates(tables["fact_missing"], "mis_start", "mis_end")
    reached = m.mis_start + pd.Timedelta(days=7)
    m = m[m.mis_end.isna() | (m.mis_end >= reached)].assign(month_end=month_end_of(reached))
    counts = m.groupby(KEY).size().rename("numerator").reset_index()
    return on_spine(counts, month_spine(tables, from_month, to_month), percent=False)


def missing_children_pct(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after in the 12 months to each month end who went missing (M) in those months."""
    spine = month_spine(tables, from_month, to_month)
    windows = spine.assign(window_start=spine.month_end - pd.offsets.MonthBegin(12))
    pl = as_dates(tables["fact_placement"], "placement_start", "placement_end")
    pl = pl[~pl.ls.isin(["V3", "V4"])][["la_code", "child", "placement_start", "placement_end"]]
    cla = pl.merge(windows, on="la_code")
    cla = cla[(cla.placement_start <= cla.month_end)
              & (cla.placement_end.isna() | (cla.placement_end >= cla.window_start))]
    cla = cla[["la_code", "child", "month_end"]].drop_duplicates()

    m = as_dates(tables["fact_missing"], "mis_start")
    m = m[m.missing_type == "M"][["la_code", "child", "mis_start"]]
    start_month = month_end_of(m.mis_start)
    went = pd.concat([m.assign(month_end=start_month + pd.offsets.MonthEnd(k)) for k in range(12)])
    went = went[["la_code", "child", "month_end"]].drop_duplicates().assign(missing=True)
    cla = cla.merge(went, on=["la_code", "child", "month_end"], how="left")
    cla["missing"] = cla["missing"].fillna(False).astype(bool)
    counts = cla.groupby(KEY)["missing"].agg(numerator="sum", denominator="size").reset_index()
    return on_spine(counts, spine, percent=True)
