"""Health measures in idiomatic vectorised pandas: the baseline the SQL measures are benchmarked against.

Each function takes the warehouse tables as DataFrames (as `con.table(name).df()` gives them) and returns the rows of
the same-named SQL measure: the 'All teams' authority rows (la_code, month_end, numerator, denominator, value) and,
like the SQL, the team rows too (column team), so that both sides do the same work and the tests can compare all rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.pandas_measures.missing import ALL, KEY, ROW, as_dates, month_spine, on_spine, team_at, with_authority

TABLES = ("dim_authority", "source_coverage", "dim_child", "dim_bank_holiday", "fact_child_month", "fact_care_episode",
          "fact_health_assessment", "fact_oc2")
SHORT_BREAKS = ("V3", "V4")
CHILD = ["la_code", "child"]


def add_working_days(dates: pd.Series, n: int, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The n-th working day (Mon-Fri, not an England bank holiday) after each date."""
    holidays = pd.to_datetime(tables["dim_bank_holiday"].holiday_date).values.astype("datetime64[D]")
    days = np.busday_offset(dates.values.astype("datetime64[D]"), n, roll="backward", holidays=holidays)
    return pd.Series(days.astype("datetime64[ns]"), index=dates.index)


def child_months(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Children looked after at each month end in the range, without short-break (V3/V4) placements."""
    cm = as_dates(tables["fact_child_month"], "month_end", "period_start", "dob")
    first = pd.Timestamp(from_month) + pd.offsets.MonthEnd(0)
    last = pd.Timestamp(to_month) + pd.offsets.MonthEnd(0)
    cm = cm[cm.month_end.between(first, last) & ~cm.ls.isin(SHORT_BREAKS)]
    return cm.reset_index(drop=True)


def health_iha_in_time(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children entering care in the month with an IHA within 20 working days."""
    pl = as_dates(tables["fact_care_episode"], "decom", "dec", "period_start")
    pl = pl.sort_values("decom")
    grouped = pl.groupby(["la_code", "child", "period_no"])
    periods = grouped.agg(period_start=("period_start", "min"), period_end=("dec", "max"),
                          first_ls=("ls", "first")).reset_index()
    still_open = grouped["dec"].apply(lambda s: s.isna().any()).to_numpy()
    periods.loc[still_open, "period_end"] = pd.NaT
    start = pd.Timestamp(from_month).to_period("M").to_timestamp()
    end = pd.Timestamp(to_month) + pd.offsets.MonthEnd(0)
    periods = periods[periods.period_start.between(start, end) & ~periods.first_ls.isin(SHORT_BREAKS)]
    periods = periods.assign(due_date=add_working_days(periods.period_start, 20, tables))

    iha = as_dates(tables["fact_health_assessment"], "assessment_date")
    iha = iha[iha.assessment_type == "IHA"][CHILD + ["assessment_date"]]
    hits = periods.merge(iha, on=CHILD)
    hits = hits[(hits.assessment_date >= hits.period_start)
                & (hits.period_end.isna() | (hits.assessment_date <= hits.period_end))]
    first = hits.groupby(CHILD + ["period_start"])["assessment_date"].min().rename("iha_date").reset_index()
    p = periods.merge(first, on=CHILD + ["period_start"], how="left")
    last_month = as_dates(tables["fact_child_month"], "month_end").groupby("la_code")["month_end"].max()
    p["last_month"] = p.la_code.map(last_month)

    done = p.iha_date.notna()
    excused = ~done & ((p.period_end <= p.due_date) | (p.last_month <= p.due_date))
    p = p.assign(month_end=p.period_start + pd.offsets.MonthEnd(0), counted=~excused,
                 in_time=p.iha_date <= p.due_date)
    p = with_authority(p.assign(team=team_at(p, tables, "month_end")))
    counts = p.groupby(ROW)[["in_time", "counted"]].sum().reset_index()
    counts = counts.rename(columns={"in_time": "numerator", "counted": "denominator"})
    return on_spine(counts, month_spine(tables, from_month, to_month), percent=True)


def health_status(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """Each child-month with iha_overdue, rha_overdue and last_review_late flags (see health_rha_in_time.sql)."""
    cm = child_months(tables, from_month, to_month)
    ha = as_dates(tables["fact_health_assessment"], "assessment_date")
    ha = ha[ha.assessment_type.isin(["IHA", "RHA"])].drop_duplicates(CHILD + ["assessment_date"])
    dob = as_dates(tables["dim_child"], "dob").set_index(CHILD)["dob"]
    ha = ha.join(dob, on=CHILD)
    under_5 = ha.assessment_date < ha.dob + pd.DateOffset(years=5)
    ha["next_due"] = (ha.assessment_date + pd.DateOffset(months=12)).where(
        ~under_5, ha.assessment_date + pd.DateOffset(months=6))
    ha = ha.sort_values(CHILD + ["assessment_date"])
    ha["prev_date"] = ha.groupby(CHILD)["assessment_date"].shift()
    ha["prev_due"] = ha.groupby(CHILD)["next_due"].shift()
    ha = ha[CHILD + ["assessment_date", "next_due", "prev_date", "prev_due"]].sort_values("assessment_date")

    cm = pd.merge_asof(cm.sort_values("month_end"), ha, left_on="month_end", right_on="assessment_date",
                       by=CHILD, direction="backward")
    cm["iha_due"] = add_working_days(cm.period_start, 20, tables)
    has = cm.assessment_date >= cm.period_start
    cm["rha_overdue"] = has & (cm.month_end > cm.next_due)
    cm["iha_overdue"] = ~has & (cm.month_end > cm.iha_due)
    cm["last_review_late"] = has & (cm.prev_date >= cm.period_start) & (cm.assessment_date > cm.prev_due)
    return cm


def by_team(frame: pd.DataFrame, flag: str) -> pd.DataFrame:
    """numerator (rows where `flag`) and denominator (rows) per team and month end, plus 'All teams' as their sum."""
    teams = frame.groupby(ROW)[flag].agg(numerator="sum", denominator="size").reset_index()
    authority = teams.groupby(KEY)[["numerator", "denominator"]].sum().reset_index().assign(team=ALL)
    return pd.concat([teams, authority], ignore_index=True)


def health_rha_in_time(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after at the month end whose latest review was on time and the next is not overdue."""
    cm = health_status(tables, from_month, to_month)
    cm["ok"] = ~(cm.rha_overdue | cm.iha_overdue | cm.last_review_late)
    return on_spine(by_team(cm, "ok"), month_spine(tables, from_month, to_month), percent=True)


def health_up_to_date(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after at the month end with no IHA or RHA overdue."""
    cm = health_status(tables, from_month, to_month)
    cm["ok"] = ~(cm.rha_overdue | cm.iha_overdue)
    return on_spine(by_team(cm, "ok"), month_spine(tables, from_month, to_month), percent=True)


def health_dental(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """% of children looked after 12 months+ at the month end with a dental check in the last 12 months."""
    cm = child_months(tables, from_month, to_month)
    cm = cm[cm.period_start + pd.DateOffset(months=12) - pd.Timedelta(days=1) <= cm.month_end]
    dental = as_dates(tables["fact_health_assessment"], "assessment_date")
    dental = dental[dental.assessment_type == "DENTAL"][CHILD + ["assessment_date"]].sort_values("assessment_date")
    cm = pd.merge_asof(cm.sort_values("month_end"), dental, left_on="month_end", right_on="assessment_date",
                       by=CHILD, direction="backward")
    cm["checked"] = cm.assessment_date + pd.DateOffset(months=12) >= cm.month_end
    return on_spine(by_team(cm, "checked"), month_spine(tables, from_month, to_month), percent=True)


def health_oc2_assessments(tables: dict[str, pd.DataFrame], from_month, to_month) -> pd.DataFrame:
    """DfE OC2: % of children looked after continuously 12 months+ at 31 March with an annual health assessment."""
    cm = as_dates(tables["fact_child_month"], "month_end", "period_start")
    first = pd.Timestamp(from_month) + pd.offsets.MonthEnd(0)
    last = pd.Timestamp(to_month) + pd.offsets.MonthEnd(0)
    cm = cm[(cm.month_end.dt.month == 3) & cm.month_end.between(first, last)]
    year_start = pd.to_datetime(pd.DataFrame({"year": cm.month_end.dt.year - 1, "month": 4, "day": 1}))
    cm = cm[cm.period_start <= year_start].assign(year_start=year_start)

    eps = as_dates(tables["fact_care_episode"], "decom", "dec")
    breaks = eps[eps.ls.isin(SHORT_BREAKS)][CHILD + ["decom", "dec"]].merge(cm[CHILD + ["month_end", "year_start"]],
                                                                           on=CHILD)
    breaks = breaks[(breaks.decom <= breaks.month_end) & (breaks.dec.isna() | (breaks.dec >= breaks.year_start))]
    cm = cm.merge(breaks[CHILD + ["month_end"]].drop_duplicates(), on=CHILD + ["month_end"], how="left",
                  indicator=True)
    cm = cm[cm["_merge"] == "left_only"].drop(columns="_merge")

    oc2 = tables["fact_oc2"][CHILD + ["return_year", "health_assessment"]]
    cm = cm.assign(return_year=cm.month_end.dt.year).merge(oc2, on=CHILD + ["return_year"], how="left")
    cm["assessed"] = cm.health_assessment.fillna(False).astype(bool)
    spine = month_spine(tables, from_month, to_month)
    return on_spine(by_team(cm, "assessed"), spine[spine.month_end.dt.month == 3], percent=True)
