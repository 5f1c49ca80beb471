"""Compare authorities on one measure: the latest month ranked with the measure's polarity, and the group's median
month by month. Only figures with data are ranked: a 'no data' month is never a 0, and a partial one says so."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lens import disclosure
from lens.formatting import month_label

OK, PARTIAL, NO_DATA = "ok", "partial", "no data"
RANK_COLUMNS = ["rank", "la_code", "la_name", "value", "numerator", "denominator", "status", "status_note",
                "meets_target", "is_focus"]


def authority_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The 'All teams' rows of a series (one per authority and month), month_end as a date."""
    out = df[df["team"] == "All teams"].copy() if "team" in df else df.copy()
    out["month_end"] = pd.to_datetime(out["month_end"]).dt.date
    if "status" not in out:
        out["status"], out["status_note"] = OK, ""
    return out


def ranked(df: pd.DataFrame, month: dt.date, names: dict[str, str], focus: str,
           higher_is_better: bool | None, target: float | None = None) -> pd.DataFrame:
    """One row per authority for `month`, best first: rank 1 is the best (the highest for a neutral measure; ties
    share a rank); authorities with no figure that month (no data, suppressed in board mode, or nothing to count)
    come last, unranked, with status_note saying why.

    meets_target: the value is at or beyond the target in the measure's direction (None without a target, a
    neutral measure or no figure).
    """
    rows = authority_rows(df)
    rows = rows[rows["month_end"] == month]
    out = pd.DataFrame({"la_code": sorted(names)}).merge(rows, on="la_code", how="left")
    out["la_name"] = out["la_code"].map(names)
    out["status"] = out["status"].fillna(NO_DATA)
    out["status_note"] = out["status_note"].where(out["status_note"].notna() & (out["status_note"] != ""),
                                                  out["status"].map({NO_DATA: f"no data for {month_label(month)}"}))
    out["status_note"] = out["status_note"].fillna("")
    value = pd.to_numeric(out["value"], errors="coerce").where(out["status"] != NO_DATA)
    out["value"] = value
    blank = value.isna() & (out["status"] != NO_DATA)
    if "suppressed" in out:  # board mode: a figure built on a count under 5 is not shown, so not ranked
        hidden = blank & out["suppressed"].fillna(False).astype(bool)
        out.loc[hidden, "status_note"] = f"hidden in board mode ({disclosure.small_words()})"
        blank &= ~hidden
    out.loc[blank, "status_note"] = "no figure: nothing to count this month"
    out["rank"] = value.rank(ascending=higher_is_better is False, method="min").astype("Int64")
    if target is None or higher_is_better is None:
        out["meets_target"] = None
    else:
        meets = value >= target if higher_is_better else value <= target
        out["meets_target"] = meets.astype(object).where(value.notna(), None)
    out["is_focus"] = out["la_code"] == focus
    for col in ("numerator", "denominator"):
        if col not in out:
            out[col] = pd.NA
    out = out.sort_values(["rank", "la_name"], na_position="last", kind="stable").reset_index(drop=True)
    return out[RANK_COLUMNS]


def group_median(df: pd.DataFrame, exclude: str | None = None) -> pd.DataFrame:
    """month_end, value (the median of the authorities' 'ok' figures that month), authorities (how many)."""
    rows = authority_rows(df)
    ok = rows[rows["status"].eq(OK) & rows["value"].notna()]
    if exclude is not None:
        ok = ok[ok["la_code"] != exclude]
    if ok.empty:
        return pd.DataFrame({"month_end": [], "value": [], "authorities": []})
    out = ok.groupby("month_end")["value"].agg(["median", "size"]).reset_index()
    return out.rename(columns={"median": "value", "size": "authorities"})


def position_sentence(table: pd.DataFrame, month: dt.date, shown_value: str, higher_is_better: bool | None) -> str:
    """'Sample Borough 7 is 12th of 150 authorities with a figure for March 2018 (best first): 85.3%.', or why it
    is not ranked."""
    focus = table[table["is_focus"]]
    ranked_n = int(table["rank"].notna().sum())
    if focus.empty:
        return ""
    row = focus.iloc[0]
    when = pd.Timestamp(month).strftime("%B %Y")
    if pd.isna(row["rank"]):
        note = str(row["status_note"] or "no figure").removeprefix("no data: ")
        return f"{row['la_name']} is not ranked for {when}: {note}."
    order = "highest first" if higher_is_better is None else "best first"
    partial = " (partial data)" if row["status"] == PARTIAL else ""
    return (f"{row['la_name']} is {_ordinal(int(row['rank']))} of {authorities(ranked_n)} with a figure for {when} "
            f"({order}): {shown_value}{partial}.")


def authorities(n: int) -> str:
    """'1 authority', '4 authorities'."""
    return f"{n} authority" if n == 1 else f"{n} authorities"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
