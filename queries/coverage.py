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


def any_covered(con: duckdb.DuckDBPyConnection, la_codes: list[str] | None, sources: tuple[str, ...]) -> bool:
    """Does any of these sources cover any month for any of these authorities (None = all)?"""
    return bool(con.execute(
        "select exists (select 1 from source_coverage "
        "where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code)) "
        "and list_contains($sources::varchar[], source))",
        {"la_codes": la_codes, "sources": list(sources)}).fetchone()[0])


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
    -- the (authority, month) pairs asked about (status_pairs: la_code, month_end, pair = row number from 0)
    select pair, la_code, year(month_end::date) * 12 + month(month_end::date) - 1 as idx from status_pairs
),
required as (
    select unnest($sources::varchar[]) as source, unnest($labels::varchar[]) as label,
        generate_subscripts($sources::varchar[], 1) as k
),
runs as (
    -- the authorities' unbroken runs of covered months per required source, with the words for all of them
    -- (source_coverage_run, etl/derived_health.sql)
    select u.la_code, u.source, u.first_idx, u.last_idx, u.covers
    from source_coverage_run as u
    semi join (select distinct la_code from pairs) as p using (la_code)
    where list_contains($sources::varchar[], u.source)
),
counted as (
    -- per pair and required source: is the month covered, and how many of the `window` months up to it are (each
    -- run's overlap with the look-back, summed)
    select
        p.pair, r.k, r.source, r.label,
        coalesce(bool_or(p.idx between u.first_idx and u.last_idx), false) as covered,
        coalesce(sum(greatest(0, least(u.last_idx, p.idx) - greatest(u.first_idx, p.idx - $window + 1) + 1)), 0)
            as in_window,
        any_value(u.covers) as covers
    from pairs as p
    cross join required as r
    left join runs as u on u.la_code = p.la_code and u.source = r.source
    group by p.pair, r.k, r.source, r.label
),
judged as (
    -- the first required source (in the header's order) that does not cover the month, or does not cover the look-back
    select
        c.pair,
        arg_min(c.source, c.k) filter (where not c.covered) as missing_source,
        arg_min(c.label, c.k) filter (where not c.covered) as missing_label,
        -- arg_min_null: the first missing source's words even when they are null (it was never supplied)
        arg_min_null(c.covers, c.k) filter (where not c.covered) as missing_covers,
        arg_min(c.label, c.k) filter (where c.covered and c.in_window < $window) as partial_label,
        arg_min(c.in_window, c.k) filter (where c.covered and c.in_window < $window) as partial_have
    from counted as c
    group by c.pair
),
final as (
    select
        j.pair,
        case when j.missing_source is not null then $no_data
             when j.partial_label is not null then $partial
             else $ok end as status,
        case when j.missing_source is not null
                 then $no_data || ': ' || j.missing_label || coalesce(' covers ' || j.missing_covers, ' not supplied')
             when j.partial_label is not null
                 then $partial || ': looks back ' || $window || ' months and ' || j.partial_label || ' covers '
                      || j.partial_have || ' of them'
             else '' end as status_note
    from judged as j
)
select status, status_note from final
order by pair
"""


def status_of_rows(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame, sources: tuple[str, ...],
                   window: int) -> pd.DataFrame:
    """status and status_note for each distinct (la_code, month_end) in `keys` (month_end: any day of the month).

    One query over source_coverage_run (each source's runs of covered months, built at load) for all rows (a series
    at national scale has ~100,000); the notes name the first required source, in the header's order, that lacks the
    month (and the months it does cover) or the look-back.
    """
    pairs = keys[["la_code", "month_end"]].drop_duplicates().reset_index(drop=True)
    con.register("status_pairs", pairs.assign(pair=pairs.index))
    try:
        found = con.execute(STATUS_SQL, {"sources": list(sources), "labels": [label(s) for s in sources],
                                         "window": window, "ok": OK, "partial": PARTIAL, "no_data": NO_DATA}
                            ).fetchnumpy()
    finally:
        con.unregister("status_pairs")
    if len(found["status"]) != len(pairs):  # one row per pair, in pair order, or the statuses would be misplaced
        raise RuntimeError(f"coverage status: {len(found['status'])} rows for {len(pairs)} (authority, month) pairs")
    return pairs.assign(status=found["status"], status_note=found["status_note"])


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
