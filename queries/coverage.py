"""Absent data is *no data*: which months each measure's source files cover, and the status that gives each row.

A measure declares the files it is built on (`requires:`) and how far back it looks (`window:`). A month that any
of those files does not cover is `no data` (its figures are blanked, never shown as 0, and the reason is said); a
month whose look-back reaches before the data is `partial`; every other month is `ok`.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from etl.contract import FILES_BY_NAME

OK, PARTIAL, NO_DATA = "ok", "partial", "no data"
STATUSES = (OK, PARTIAL, NO_DATA)


def label(source: str) -> str:
    """How a sentence names a source file: 'the visits extract', 'SSDA903 episodes'."""
    spec = FILES_BY_NAME.get(source)
    return spec.label if spec and spec.label else source


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


def _months_back(month: dt.date, n: int) -> list[dt.date]:
    """The n month ends ending with `month` (oldest first)."""
    end = pd.Timestamp(month) + pd.offsets.MonthEnd(0)
    return [(end - pd.offsets.MonthEnd(k)).date() for k in range(n - 1, -1, -1)]


def _status(by_source: dict[str, set[dt.date]], month: dt.date, sources: tuple[str, ...],
            window: int) -> tuple[str, str]:
    """(status, note) of one month, given the months each source covers for that authority."""
    for s in sources:
        if month not in by_source[s]:
            if not by_source[s]:
                return NO_DATA, f"no data: {label(s)} not supplied"
            return NO_DATA, f"no data: {label(s)} covers {spans_text(list(by_source[s]))}"
    if window > 1:
        back = _months_back(month, window)
        for s in sources:
            have = sum(m in by_source[s] for m in back)
            if have < window:
                return PARTIAL, f"partial: looks back {window} months and {label(s)} covers {have} of them"
    return OK, ""


def month_status(covered: pd.DataFrame, la_code: str, month: dt.date, sources: tuple[str, ...],
                 window: int) -> tuple[str, str]:
    """(status, note) of one authority's month for a measure built on `sources` that looks back `window` months."""
    return status_of_rows(covered, pd.DataFrame({"la_code": [la_code], "month_end": [month]}), sources,
                          window).iloc[0][["status", "status_note"]].tolist()


def status_of_rows(covered: pd.DataFrame, keys: pd.DataFrame, sources: tuple[str, ...],
                   window: int) -> pd.DataFrame:
    """status and status_note for each distinct (la_code, month_end) in `keys` (month_end: any day of the month)."""
    pairs = keys[["la_code", "month_end"]].drop_duplicates()
    months = (pd.to_datetime(pairs["month_end"]) + pd.offsets.MonthEnd(0)).dt.date
    per_la: dict[str, dict[str, set[dt.date]]] = {}
    for (la, source), part in covered.groupby(["la_code", "source"]):
        per_la.setdefault(la, {})[source] = set(part["month_end"])
    rows = []
    for la, given, month in zip(pairs["la_code"], pairs["month_end"], months, strict=True):
        by_source = {s: per_la.get(la, {}).get(s, set()) for s in sources}
        rows.append((la, given, *_status(by_source, month, sources, window)))
    return pd.DataFrame(rows, columns=["la_code", "month_end", "status", "status_note"])
