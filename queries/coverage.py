"""Absent data is *no data*: which months each measure's source files cover, and the status that gives each row.

A measure declares the files it is built on (`requires:`) and how far back it looks (`window:`). A month that any
of those files does not cover is `no data` (its figures are blanked, never shown as 0, and the reason is said); a
month whose look-back reaches before the data is `partial`; every other month is `ok`.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from etl.contract import SOURCE_LABELS

OK, PARTIAL, NO_DATA = "ok", "partial", "no data"
STATUSES = (OK, PARTIAL, NO_DATA)


def label(source: str) -> str:
    """How a sentence names a source file: 'the visits extract', 'SSDA903 episodes', 'Annex A List 8'."""
    return SOURCE_LABELS.get(source, source)


def covered_months(con: duckdb.DuckDBPyConnection, la_codes: list[str] | None,
                   sources: tuple[str, ...]) -> pd.DataFrame:
    """(la_code, source, month_end) for every month each source covers, for these authorities (None = all)."""
    df = con.execute(
        "select la_code, source, month_end from source_coverage "
        "where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code)) "
        "and list_contains($sources::varchar[], source)",
        {"la_codes": la_codes, "sources": list(sources)},
    ).df()
    df["month_end"] = pd.to_datetime(df["month_end"]).dt.date
    return df


def spans_text(months: list[dt.date]) -> str:
    """'Apr 2016 to Mar 2018' for the covered months, spans joined by ', ' (months in any order)."""
    ordered = sorted(set(months))
    spans: list[tuple[dt.date, dt.date]] = []
    for m in ordered:
        if spans and (pd.Timestamp(spans[-1][1]) + pd.offsets.MonthEnd(1)).date() == m:
            spans[-1] = (spans[-1][0], m)
        else:
            spans.append((m, m))
    return ", ".join(f"{a:%b %Y}" if a == b else f"{a:%b %Y} to {b:%b %Y}" for a, b in spans)


STATUS_SQL = """
with
pairs as (
    select pair, la_code, last_day(month_end::date) as m from status_pairs
),
required as (
    select unnest($sources::varchar[]) as source, generate_subscripts($sources::varchar[], 1) as k
),
counted as (
    -- per month and required source: is the month covered, and how many of the `window` months up to it are
    select
        p.pair, r.source, r.k,
        count(c.month_end) filter (where c.month_end = p.m) > 0 as covered,
        count(c.month_end) as in_window
    from pairs as p
    cross join required as r
    left join source_coverage as c
        on c.la_code = p.la_code and c.source = r.source
       and c.month_end between last_day((p.m - to_months($window - 1))::date) and p.m
    group by p.pair, r.source, r.k
),
final as (
    -- the first required source (in the header's order) that does not cover the month, or does not cover the look-back
    select
        pair,
        arg_min(source, k) filter (where not covered) as missing_source,
        arg_min(source, k) filter (where covered and in_window < $window) as partial_source,
        arg_min(in_window, k) filter (where covered and in_window < $window) as partial_have
    from counted
    group by pair
)
select * from final
"""


def status_of_rows(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame, sources: tuple[str, ...],
                   window: int) -> pd.DataFrame:
    """status and status_note for each distinct (la_code, month_end) in `keys` (month_end: any day of the month).

    One query over source_coverage for all rows (a series at national scale has ~100,000); the notes name the first
    required source, in the header's order, that lacks the month or the look-back.
    """
    pairs = keys[["la_code", "month_end"]].drop_duplicates().reset_index(drop=True)
    con.register("status_pairs", pairs.assign(pair=pairs.index))
    try:
        found = con.execute(STATUS_SQL, {"sources": list(sources), "window": window}).df()
    finally:
        con.unregister("status_pairs")
    out = pairs.join(found.set_index("pair"))
    missing = out["missing_source"].notna()
    partial = ~missing & out["partial_source"].notna()
    out["status"] = OK
    out.loc[partial, "status"] = PARTIAL
    out.loc[missing, "status"] = NO_DATA
    out["status_note"] = ""
    if missing.any():
        needed = out.loc[missing, ["la_code", "missing_source"]].drop_duplicates()
        covered = covered_months(con, sorted(needed["la_code"].unique()), tuple(needed["missing_source"].unique()))
        spans = {key: spans_text(list(part["month_end"])) for key, part in covered.groupby(["la_code", "source"])}
        out.loc[missing, "status_note"] = [
            f"no data: {label(s)} covers {spans[(la, s)]}" if (la, s) in spans else f"no data: {label(s)} not supplied"
            for la, s in zip(out.loc[missing, "la_code"], out.loc[missing, "missing_source"], strict=True)]
    if partial.any():
        out.loc[partial, "status_note"] = [
            f"partial: looks back {window} months and {label(s)} covers {int(n)} of them"
            for s, n in zip(out.loc[partial, "partial_source"], out.loc[partial, "partial_have"], strict=True)]
    return out[["la_code", "month_end", "status", "status_note"]]


def month_notes(con: duckdb.DuckDBPyConnection, la_code: str, month: dt.date,
                sources: tuple[str, ...]) -> dict[str, str]:
    """For each of `sources` that does not cover `month` for this authority, why: 'the visits extract not supplied'
    (a chart with a lane per source names the lanes that are empty for want of data, not for want of events)."""
    keys = pd.DataFrame({"la_code": [la_code], "month_end": [month]})
    out = {}
    for source in sources:
        row = status_of_rows(con, keys, (source,), 1).iloc[0]
        if row["status"] == NO_DATA:
            out[source] = str(row["status_note"]).removeprefix("no data: ")
    return out
