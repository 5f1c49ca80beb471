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


COVERED_RUNS_SQL = """
with
covered as (
    select la_code, source, year(month_end) * 12 + month(month_end) - 1 as idx
    from source_coverage
    where list_contains($la_codes::varchar[], la_code) and list_contains($sources::varchar[], source)
),
numbered as (
    -- consecutive months share idx - row_number(): one run per unbroken span
    select la_code, source, idx, idx - row_number() over (partition by la_code, source order by idx) as run
    from covered
),
final as (
    select la_code, source, min(idx) as first_idx, max(idx) as last_idx
    from numbered
    group by la_code, source, run
)
select * from final
order by la_code, source, first_idx
"""


def covered_spans(con: duckdb.DuckDBPyConnection, la_codes: list[str], sources: tuple[str, ...]) -> dict:
    """{(la_code, source): 'Apr 2016 to Mar 2018'} for each source with any covered month, for these authorities."""
    runs = con.execute(COVERED_RUNS_SQL, {"la_codes": la_codes, "sources": list(sources)}).fetchall()
    out: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for la_code, source, first_idx, last_idx in runs:
        out.setdefault((la_code, source), []).append((first_idx, last_idx))
    return {key: _runs_text(spans) for key, spans in out.items()}


def spans_text(months: list[dt.date]) -> str:
    """'Apr 2016 to Mar 2018' for the covered months, spans joined by ', ' (months in any order)."""
    runs: list[tuple[int, int]] = []
    for idx in sorted({m.year * 12 + m.month - 1 for m in months}):
        if runs and runs[-1][1] + 1 == idx:
            runs[-1] = (runs[-1][0], idx)
        else:
            runs.append((idx, idx))
    return _runs_text(runs)


def _runs_text(runs: list[tuple[int, int]]) -> str:
    """Runs of month numbers (year * 12 + month - 1), first to last, as 'Apr 2016 to Mar 2018, May 2019'."""
    def name(idx: int) -> str:
        return f"{dt.date(idx // 12, idx % 12 + 1, 1):%b %Y}"
    return ", ".join(name(a) if a == b else f"{name(a)} to {name(b)}" for a, b in runs)


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
        # one note per authority and source, written once and mapped onto the rows
        needed = out.loc[missing, ["la_code", "missing_source"]].drop_duplicates()
        spans = covered_spans(con, sorted(needed["la_code"].unique()), tuple(needed["missing_source"].unique()))
        needed["note"] = [
            f"no data: {label(s)} covers {spans[(la, s)]}" if (la, s) in spans else f"no data: {label(s)} not supplied"
            for la, s in zip(needed["la_code"], needed["missing_source"], strict=True)]
        notes = out.loc[missing, ["la_code", "missing_source"]].merge(needed, how="left")["note"]
        out.loc[missing, "status_note"] = notes.to_numpy()
    if partial.any():
        have = out.loc[partial, ["partial_source", "partial_have"]]
        kinds = have.drop_duplicates()
        kinds["note"] = [f"partial: looks back {window} months and {label(s)} covers {int(n)} of them"
                         for s, n in zip(kinds["partial_source"], kinds["partial_have"], strict=True)]
        out.loc[partial, "status_note"] = have.merge(kinds, how="left")["note"].to_numpy()
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
