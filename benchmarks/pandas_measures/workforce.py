"""Workforce measures in idiomatic vectorised pandas: the baseline the SQL measures are benchmarked against.

Each function takes the warehouse tables as DataFrames (as `con.table(name).df()` gives them) and returns the
'All teams' authority rows (la_code, month_end, numerator, denominator, value) of the same-named SQL measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ONE_DAY = pd.Timedelta(days=1)
CASE_HOLDING_ROLES = (4, 5)
COLUMNS = ["la_code", "month_end", "numerator", "denominator", "value"]


def as_dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Make date columns datetime64 (DuckDB hands DATEs over as datetime64 or as objects)."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


def month_end(dates: pd.Series) -> pd.Series:
    """The last day of each date's month."""
    return dates + pd.offsets.MonthEnd(0)


def spells(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Worker spells (dates as datetimes, missing agency flag = permanent), overlaps cut at the next spell's start."""
    s = as_dates(tables["fact_worker_spell"], "start_date", "end_date").sort_values(["la_code", "sw_id", "start_date"])
    s["agency_worker"] = s["agency_worker"].astype("boolean").fillna(False).astype(bool)
    cut = s.groupby(["la_code", "sw_id"])["start_date"].shift(-1) - ONE_DAY
    s["end_date"] = s.end_date.where(cut.isna() | (s.end_date.notna() & (s.end_date <= cut)), cut)
    return s


def data_end(tables: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The last month end with any child-month or workforce activity in the warehouse."""
    s = spells(tables)
    cm = as_dates(tables["fact_child_month"][["month_end"]], "month_end")
    return max(x for x in (cm.month_end.max(), month_end(s.start_date).max(), month_end(s.end_date).max())
               if pd.notna(x))


def workforce_months(tables: dict[str, pd.DataFrame], first, last) -> pd.DataFrame:
    """(la_code, month_end) from each authority's first spell (or `first`) to `last` (or the data's end)."""
    s = spells(tables)
    last = min(month_end(pd.Series([pd.Timestamp(last)]))[0], data_end(tables))
    first = month_end(pd.Series([pd.Timestamp(first)]))[0]
    start = month_end(s.groupby("la_code")["start_date"].min()).clip(lower=first)
    rows = [(la, m) for la, f in start.items() for m in pd.date_range(f, last, freq="ME")]
    return pd.DataFrame(rows, columns=["la_code", "month_end"]).astype({"month_end": "datetime64[ns]"})


def in_post(s: pd.DataFrame, months: pd.DataFrame) -> pd.DataFrame:
    """One row per spell in post at each month end (start <= d and (end is null or end >= d))."""
    x = months.merge(s, on="la_code")
    return x[(x.start_date <= x.month_end) & (x.end_date.isna() | (x.end_date >= x.month_end))]


def fte_by_month(s: pd.DataFrame, months: pd.DataFrame) -> pd.DataFrame:
    """FTE in post at each month end: all, permanent and agency."""
    x = in_post(s, months).assign(
        permanent_fte=lambda d: d.fte.where(~d.agency_worker, 0.0),
        agency_fte=lambda d: d.fte.where(d.agency_worker, 0.0),
    )
    totals = x.groupby(["la_code", "month_end"])[["fte", "permanent_fte", "agency_fte"]].sum().reset_index()
    return months.merge(totals, on=["la_code", "month_end"], how="left").fillna(
        {"fte": 0.0, "permanent_fte": 0.0, "agency_fte": 0.0})


def round_half_away(x: pd.Series, places: int) -> pd.Series:
    """Round as DuckDB's round() does (halves away from zero), not numpy's halves-to-even."""
    scale = 10.0 ** places
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5) / scale


def percent(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """100 * n / d to one decimal place from n and d as shown (2 decimal places), null when d is 0."""
    n, d = round_half_away(numerator, 2), round_half_away(denominator, 2)
    return round_half_away(100.0 * n / d.where(d > 0), 1)


def workforce_in_post(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """FTE of social workers in post at each month end."""
    out = fte_by_month(spells(tables), workforce_months(tables, from_month, to_month))
    out["numerator"] = round_half_away(out.fte, 2)
    out["denominator"] = float("nan")
    out["value"] = out.numerator
    return out[COLUMNS].sort_values(["la_code", "month_end"]).reset_index(drop=True)


def workforce_agency_rate(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Agency FTE as a % of all FTE in post at each month end."""
    out = fte_by_month(spells(tables), workforce_months(tables, from_month, to_month))
    out["numerator"] = round_half_away(out.agency_fte, 2)
    out["denominator"] = round_half_away(out.fte, 2)
    out["value"] = percent(out.agency_fte, out.fte)
    return out[COLUMNS].sort_values(["la_code", "month_end"]).reset_index(drop=True)


def leavers(s: pd.DataFrame) -> pd.DataFrame:
    """Spells that end with no further spell of the same worker starting on or before the next day."""
    s = s.sort_values(["la_code", "sw_id", "start_date"])
    next_start = s.groupby(["la_code", "sw_id"])["start_date"].shift(-1)
    left = s.end_date.notna() & (next_start.isna() | (next_start > s.end_date + ONE_DAY))
    return s[left].assign(month_end=lambda d: month_end(d.end_date))


def workforce_turnover(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Permanent leavers FTE in the 12 months to each month end / mean of the 13 month-end permanent FTE counts."""
    s = spells(tables)
    first = pd.Timestamp(from_month) + pd.offsets.MonthEnd(0) - pd.DateOffset(months=12)
    months = workforce_months(tables, first, to_month)
    fte = fte_by_month(s, months)
    gone = leavers(s)
    gone = gone[~gone.agency_worker].groupby(["la_code", "month_end"])["fte"].sum().rename("leavers_fte")
    x = fte.join(gone, on=["la_code", "month_end"]).fillna({"leavers_fte": 0.0})
    x = x.sort_values(["la_code", "month_end"])
    by_la = x.groupby("la_code")
    x["leavers_12m"] = by_la["leavers_fte"].transform(lambda v: v.rolling(12, min_periods=1).sum())
    x["avg_fte"] = by_la["permanent_fte"].transform(lambda v: v.rolling(13, min_periods=1).mean())
    x = x[x.month_end >= pd.Timestamp(from_month) + pd.offsets.MonthEnd(0)]
    x["numerator"] = round_half_away(x.leavers_12m, 2)
    x["denominator"] = round_half_away(x.avg_fte, 2)
    x["value"] = percent(x.leavers_12m, x.avg_fte)
    return x[COLUMNS].reset_index(drop=True)


def workforce_vacancy_rate(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Vacant FTE (establishment - permanent FTE, floored at 0 per team) as a % of the known establishment."""
    est = as_dates(tables["fact_establishment"], "start_date", "end_date")
    months = pd.DataFrame({"month_end": pd.date_range(pd.Timestamp(from_month) + pd.offsets.MonthEnd(0),
                                                      pd.Timestamp(to_month) + pd.offsets.MonthEnd(0), freq="ME")})
    funded = est.merge(months, how="cross")
    funded = funded[(funded.start_date <= funded.month_end)
                    & (funded.end_date.isna() | (funded.end_date >= funded.month_end))]
    funded = funded.groupby(["la_code", "team", "month_end"])["fte"].sum().rename("establishment").reset_index()
    s = spells(tables)
    perm = in_post(s[~s.agency_worker], funded[["la_code", "month_end"]].drop_duplicates())
    perm = perm.groupby(["la_code", "team", "month_end"])["fte"].sum().rename("permanent")
    x = funded.join(perm, on=["la_code", "team", "month_end"]).fillna({"permanent": 0.0})
    x["vacant"] = (x.establishment - x.permanent).clip(lower=0)
    out = x.groupby(["la_code", "month_end"])[["vacant", "establishment"]].sum().reset_index()
    out["numerator"] = round_half_away(out.vacant, 2)
    out["denominator"] = round_half_away(out.establishment, 2)
    out["value"] = percent(out.vacant, out.establishment)
    return out[COLUMNS].sort_values(["la_code", "month_end"]).reset_index(drop=True)


def workforce_caseload(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Children looked after at each month end per case-holding FTE (OrgRole 4 and 5), to 1 decimal place."""
    cm = as_dates(tables["fact_child_month"][["la_code", "month_end"]], "month_end")
    lo = pd.Timestamp(from_month) + pd.offsets.MonthEnd(0)
    hi = pd.Timestamp(to_month) + pd.offsets.MonthEnd(0)
    cm = cm[cm.month_end.between(lo, hi)]
    children = cm.groupby(["la_code", "month_end"]).size().rename("children")
    cov = as_dates(tables["source_coverage"][["la_code", "month_end"]], "month_end")
    span = cov[cov.month_end.between(lo, hi)].groupby("la_code")["month_end"].agg(["min", "max"])
    months = pd.DataFrame([(la, m) for la, r in span.iterrows() for m in pd.date_range(r["min"], r["max"], freq="ME")],
                          columns=["la_code", "month_end"]).astype({"month_end": "datetime64[ns]"})
    s = spells(tables)
    holders = in_post(s[s.org_role.isin(CASE_HOLDING_ROLES)], months)
    fte = holders.groupby(["la_code", "month_end"])["fte"].sum()
    out = months.join(children, on=["la_code", "month_end"]).join(fte, on=["la_code", "month_end"])
    out = out.fillna({"children": 0, "fte": 0.0})
    out["numerator"] = out.children.astype("int64")
    out["denominator"] = round_half_away(out.fte, 2)
    fte_shown = round_half_away(out.fte, 2)
    out["value"] = round_half_away(out.children / fte_shown.where(fte_shown > 0), 1)
    return out[COLUMNS].sort_values(["la_code", "month_end"]).reset_index(drop=True)
