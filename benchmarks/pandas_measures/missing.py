"""Missing-from-care measures in idiomatic vectorised pandas: the baseline the SQL measures are benchmarked against.

Each function takes the warehouse tables as DataFrames (as `con.table(name).df()` gives them) and returns the rows of
the same-named SQL measure: the 'All teams' authority rows (la_code, month_end, numerator, denominator, value) and,
like the SQL, the team rows too (column team), so that both sides do the same work and the tests can compare all rows.
"""

from __future__ import annotations

import pandas as pd

TABLES = ("dim_authority", "source_coverage", "fact_child_month", "fact_missing", "fact_care_episode")
KEY = ["la_code", "month_end"]
ROW = ["la_code", "team", "month_end"]
ALL = "All teams"
CHILD = ["la_code", "child"]


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
    """(la_code, month_end) for each authority's months inside the span its sources cover and the range."""
    cov = as_dates(tables["source_coverage"][["la_code", "month_end"]], "month_end")
    cover = cov.groupby("la_code")["month_end"].agg(first="min", last="max").reset_index()
    if "dim_authority" in tables:  # every la_code in the facts has a dim_authority row; the filter is a safeguard
        cover = cover[cover.la_code.isin(tables["dim_authority"].la_code)]
    months = pd.period_range(pd.Timestamp(from_month), pd.Timestamp(to_month), freq="M")
    ends = pd.DataFrame({"month_end": months.to_timestamp(how="end").normalize().astype("datetime64[ns]")})
    spine = cover.merge(ends, how="cross")
    return spine[spine.month_end.between(spine["first"], spine["last"])][KEY].reset_index(drop=True)


def team_at(frame: pd.DataFrame, tables: dict[str, pd.DataFrame], at: str) -> pd.Series:
    """Each row's team at the month end in column `at` (fact_child_month), else at the month end before, else
    'Unallocated'."""
    cm = as_dates(tables["fact_child_month"][["la_code", "child", "month_end", "team"]], "month_end")
    here = frame[CHILD].assign(month_end=frame[at].to_numpy())
    before = frame[CHILD].assign(month_end=(frame[at] - pd.offsets.MonthEnd(1)).to_numpy())
    t0 = here.merge(cm, on=CHILD + ["month_end"], how="left")["team"]
    t1 = before.merge(cm, on=CHILD + ["month_end"], how="left")["team"]
    return pd.Series(t0.fillna(t1).fillna("Unallocated").to_numpy(), index=frame.index)


def with_authority(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows twice: under their team and under 'All teams'."""
    return pd.concat([frame, frame.assign(team=ALL)], ignore_index=True)


def on_spine(counts: pd.DataFrame, spine: pd.DataFrame, percent: bool) -> pd.DataFrame:
    """'All teams' rows on every spine month plus the counted team rows inside the spine; value = 100 * n / d
    (1 dp) for a percentage, value = n (no denominator) for a count."""
    authority = spine.assign(team=ALL).merge(counts[counts.team == ALL], on=ROW, how="left")
    teams = counts[counts.team != ALL].merge(spine, on=KEY)
    out = pd.concat([authority, teams], ignore_index=True)
    out["numerator"] = out["numerator"].fillna(0).astype("int64")
    if percent:
        out["denominator"] = out["denominator"].fillna(0).astype("int64")
        out["value"] = (100.0 * out.numerator / out.denominator.where(out.denominator > 0)).round(1)
    else:
        out["denominator"] = pd.NA
        out["value"] = out["numerator"]
    return out.sort_values(ROW).reset_index(drop=True)[ROW + ["numerator", "denominator", "value"]]


def missing_episodes(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Children with a missing (M) episode starting in the 12 months to each month end."""
    m = as_dates(tables["fact_missing"], "mis_start")[CHILD + ["missing_type", "mis_start"]]
    m["start_month"] = month_end_of(m.mis_start)
    m = with_authority(m.assign(team=team_at(m, tables, "start_month")))
    # each episode counts at its start month end and the 11 after it
    rolled = pd.concat([m.assign(month_end=m.start_month + pd.offsets.MonthEnd(k)) for k in range(12)])
    rolled["missing_child"] = rolled.child.where(rolled.missing_type == "M")
    counts = rolled.groupby(ROW)["missing_child"].nunique().rename("numerator").reset_index()
    return on_spine(counts, month_spine(tables, from_month, to_month), percent=False)


def missing_rhi_in_time(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of episodes ended in the month with a return interview offered within 72 hours of the return."""
    m = as_dates(tables["fact_missing"], "mis_end", "rhi_offered_at", "rhi_at")
    m = m[m.mis_end.notna()]
    offer = m[["rhi_offered_at", "rhi_at"]].min(axis=1)
    m = m.assign(month_end=month_end_of(m.mis_end), in_time=offer <= m.mis_end + pd.Timedelta(hours=72))
    m = with_authority(m.assign(team=team_at(m, tables, "month_end")))
    counts = m.groupby(ROW)["in_time"].agg(numerator="sum", denominator="size").reset_index()
    return on_spine(counts, month_spine(tables, from_month, to_month), percent=True)


def missing_prolonged(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Missing or away episodes that reached 7 days missing in the month (team rows also for still-open ones)."""
    spine = month_spine(tables, from_month, to_month)
    m = as_dates(tables["fact_missing"], "mis_start", "mis_end")
    reached_at = m.mis_start + pd.Timedelta(days=7)
    m = m[m.mis_end.isna() | (m.mis_end >= reached_at)].assign(reached_at=reached_at)
    reached = m.assign(month_end=month_end_of(m.reached_at), reached=1)
    still = m.merge(spine[["month_end"]].drop_duplicates(), how="cross")
    still = still[(still.month_end >= still.reached_at)
                  & (still.mis_end.isna() | (still.mis_end.dt.normalize() > still.month_end))].assign(reached=0)
    rows = pd.concat([reached, still], ignore_index=True)
    rows = with_authority(rows.assign(team=team_at(rows, tables, "month_end")))
    counts = rows.groupby(ROW)["reached"].sum().rename("numerator").reset_index()
    return on_spine(counts, spine, percent=False)


def missing_children_pct(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after in the 12 months to each month end who went missing (M) in those months."""
    spine = month_spine(tables, from_month, to_month)
    windows = spine.assign(window_start=spine.month_end - pd.offsets.MonthBegin(12))
    eps = as_dates(tables["fact_care_episode"][CHILD + ["decom", "dec", "ls"]], "decom", "dec")
    pl = eps[~eps.ls.isin(["V3", "V4"])].rename(columns={"decom": "placement_start", "dec": "placement_end"})
    pl = pl[CHILD + ["placement_start", "placement_end"]]
    cla = pl.merge(windows, on="la_code")
    cla = cla[(cla.placement_start <= cla.month_end)
              & (cla.placement_end.isna() | (cla.placement_end >= cla.window_start))]
    cla = cla.assign(still_in_care=cla.placement_end.isna() | (cla.placement_end > cla.month_end))
    cla = cla.groupby(CHILD + ["month_end", "window_start"]).agg(still_in_care=("still_in_care", "any"),
                                                         last_end=("placement_end", "max")).reset_index()
    # team at the month end, or at the last month end before the latest placement in the window ended
    before_end = cla.last_end - pd.DateOffset(months=1) + pd.offsets.MonthEnd(0)
    cla["team_month"] = cla.month_end.where(cla.still_in_care, before_end)
    cm = as_dates(tables["fact_child_month"][CHILD + ["month_end", "team"]], "month_end")
    cla = cla.merge(cm.rename(columns={"month_end": "team_month"}), on=CHILD + ["team_month"], how="left")
    cla["team"] = cla.team.where(cla.team_month >= cla.window_start).fillna("Unallocated")

    m = as_dates(tables["fact_missing"], "mis_start")
    m = m[m.missing_type == "M"][CHILD + ["mis_start"]]
    start_month = month_end_of(m.mis_start)
    went = pd.concat([m.assign(month_end=start_month + pd.offsets.MonthEnd(k)) for k in range(12)])
    went = went[CHILD + ["month_end"]].drop_duplicates().assign(missing=True)
    cla = cla.merge(went, on=CHILD + ["month_end"], how="left")
    cla["missing"] = cla["missing"].fillna(False).astype(bool)
    counts = with_authority(cla).groupby(ROW)["missing"].agg(numerator="sum", denominator="size").reset_index()
    return on_spine(counts, spine, percent=True)
