"""`python -m etl generate`: write synthetic authorities' source folders in the input contract, deterministically.

Each authority gets its own numpy Generator (seed + authority index), so authorities are independent and a run of
many authorities starts with the same sample authority as a run of one. Rows stream to disk child by child.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sys
import time
from bisect import bisect_right
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from etl import contract
from etl import generate_params as P
from etl.calendar import england_bank_holidays
from etl.generate_children import YEAR, Child, Period, Strata, simulate_child
from etl.generate_events import Context
from etl.generate_plans import PlanWriter
from etl.generate_workforce import Allocator, Workforce
from etl.generate_write import (
    STREAMS,
    ChildWriter,
    Dates,
    SourceWriter,
    child_upn,
    write_authority_toml,
    write_workforce,
)

BURN_IN_YEARS = 18.6  # a child in care at the start may have come in as a baby up to 18 years before
WARM_UP_DAYS = 365  # workers and allocations are simulated from a year before the data starts


def month_range(start: str, end: str) -> tuple[int, int]:
    """First day of month `start` and last day of month `end` ('YYYY-MM'), as day ordinals."""
    for month in (start, end):
        if not re.fullmatch(r"\d{4}-(0?[1-9]|1[0-2])", month):
            raise ValueError(f"bad month {month!r}, expected YYYY-MM")
    y0, m0 = (int(x) for x in start.split("-"))
    y1, m1 = (int(x) for x in end.split("-"))
    d0 = dt.date(y0, m0, 1).toordinal()
    d1 = dt.date(y1 + (m1 == 12), m1 % 12 + 1, 1).toordinal() - 1
    if d1 < d0:
        raise ValueError(f"end {end} is before start {start}")
    return d0, d1


def collection_years(d0: int, d1: int) -> list[tuple[int, int, int]]:
    """(year, first day, last day) of each SSDA903 collection year (to 31 March) overlapping the data, clipped."""
    a, b = dt.date.fromordinal(d0), dt.date.fromordinal(d1)
    out = []
    for y in range(a.year + (a.month >= 4), b.year + (b.month >= 4) + 1):
        ys = max(d0, dt.date(y - 1, 4, 1).toordinal())
        ye = min(d1, dt.date(y, 3, 31).toordinal())
        out.append((y, ys, ye))
    return out


def working_days(lo: int, hi: int) -> list[int]:
    """Ordinals of England's working days (Mon-Fri, not bank holidays) from `lo` to `hi`."""
    a, b = dt.date.fromordinal(lo), dt.date.fromordinal(hi)
    hol = {d.toordinal() for d in england_bank_holidays(a.year, b.year)["holiday_date"]}
    return [o for o in range(lo, hi + 1) if (o + 6) % 7 < 5 and o not in hol]


def _collection_year(o: int) -> int:
    d = dt.date.fromordinal(o)
    return d.year + (d.month >= 4)


def _children(r: random.Random, rp: random.Random, params: P.AuthorityParams, d0: int, d1: int) -> list[Child]:
    """Children coming into care from the burn-in start to the data end (kept if in care after the warm-up start).

    Each month's intake is its expected number (rounded at random), spread at random over the month: an
    authority's intake varies less than a Poisson count would, and the published yearly figures stay near.
    """
    out: list[Child] = []
    strata = Strata(r)
    placement_strata = Strata(rp)
    per_day = params.size / P.STAY_YEARS / YEAR

    def short_stay(day: int) -> float:
        return params.short_stay.get(_collection_year(day), 1.0)

    first = dt.date.fromordinal(d0 - int(BURN_IN_YEARS * YEAR))
    y, m = first.year, first.month
    while True:
        start = dt.date(y, m, 1).toordinal()
        if start > d1:
            return out
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        days = dt.date(y, m, 1).toordinal() - start
        expected = per_day * days * params.intake.get(_collection_year(start), 1.0)
        n = int(expected) + (r.random() < expected - int(expected))
        for day in sorted(start + r.randrange(days) for _ in range(n)):
            if day > d1:
                break
            child = simulate_child(r, strata, day, d1 + 1, d0 - WARM_UP_DAYS, short_stay, rp, placement_strata)
            if child is not None:
                out.append(child)


def _lapse_child(r: random.Random, periods: list[Period], d0: int, d1: int) -> dict[int, int]:
    """Pick the one child who goes ~4 months unseen after a change of worker; {id(period): change date}."""
    day = d1 - 250
    if day - 400 < d0 - WARM_UP_DAYS:
        return {}
    cands = []
    for p in periods:
        if p.start <= day - 400 and p.end > day + 170:
            cover = [pl for pl in p.placements if pl.start <= day + 170]
            if cover and cover[-1].start <= day - 60:
                cands.append(p)
    if not cands:
        return {}
    p = cands[r.randrange(len(cands))]
    p.lapse_at = day
    return {id(p): day}


def _counter(periods: list[Period]) -> Callable[[int], int]:
    """cla_at(day): how many children are looked after on `day` (started on or before, not yet ceased)."""
    starts = sorted(p.start for p in periods)
    ends = sorted(p.end for p in periods)
    return lambda day: bisect_right(starts, day) - bisect_right(ends, day)


def generate_authority(out: Path, seed: int, index: int, d0: int, d1: int) -> tuple[Path, dict[str, int]]:
    """Simulate authority `index` and write its source folder under `out`; returns the folder and row counts."""
    rng = np.random.default_rng(seed + index)
    years = collection_years(d0, d1)
    params = P.authority_params(index, rng, years[0][0], years[-1][0])
    # one stream per component, so that tuning one leaves the others' draws unchanged
    seeds = [int(s) for s in rng.integers(2**62, size=5 + len(STREAMS))]
    t0 = d0 - WARM_UP_DAYS
    children = _children(random.Random(seeds[0]), random.Random(seeds[4]), params, d0, d1)
    periods = [p for c in children for p in c.periods]
    lapses = _lapse_child(random.Random(seeds[1]), periods, d0, d1)
    wf = Workforce(random.Random(seeds[2]), params.agency, params.turnover, _counter(periods), t0, d1)
    lo = d0 - 21 * 366
    ctx = Context(d0, d1, working_days(lo, d1 + 3 * 366), params.story, params.missing)
    Allocator(random.Random(seeds[3]), wf, periods, t0, d1, ctx.story_from, params.story, lapses)

    root = out / params.slug
    if (root / contract.AUTHORITY_FILE).exists():
        shutil.rmtree(root)
    write_authority_toml(root, params.la_code, params.la_name)
    w = SourceWriter(root, [y for y, _, _ in years])
    first_day = min([lo] + [c.dob for c in children] + [s.start for s in wf.spells])
    dates = Dates(first_day, d1 + 3 * 366)
    cw = ChildWriter(w, dates, ctx, years, seeds[5:])
    # drawn after every other draw, so the plans extracts leave everything calibrated before them as it was
    pw = PlanWriter(w, dates, ctx, wf, random.Random(int(rng.integers(2**62))))
    n = 0
    for child in children:
        if not any(p.start <= d1 and p.end >= d0 for p in child.periods):
            continue
        n += 1
        child.cid = f"C{n:06d}"
        child.upn = child_upn(index, n)
        pw.write(child, cw.write(child))
        w.flush()
    write_workforce(w, dates, wf, [f"CLA Team {t + 1}" for t in range(wf.n_teams)], d1)
    w.close()
    return root, dict(sorted(w.counts.items()))


def _one(job: tuple[Path, int, int, int, int]) -> tuple[int, Path, dict[str, int], float]:
    out, seed, index, d0, d1 = job
    t = time.perf_counter()
    root, counts = generate_authority(out, seed, index, d0, d1)
    return index, root, counts, time.perf_counter() - t


def generate(out: Path, seed: int = 2018, authorities: int = 1, start: str = "2013-04", end: str = "2018-03",
             progress: bool = False, workers: int | None = None, annex_a: bool = False) -> list[Path]:
    """Write `authorities` synthetic source folders under `out`; returns them in authority order.

    With `annex_a`, each also gets an Annex A workbook (annex_a.xlsx, List 8 as at the data's last day) agreeing with
    its event data but for a few deliberate disagreements (etl/generate_annex_a.py); the other files are the same.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    d0, d1 = month_range(start, end)
    jobs = [(out, seed, i, d0, d1) for i in range(authorities)]
    workers = workers or min(authorities, os.cpu_count() or 1)
    roots: dict[int, Path] = {}
    totals: dict[str, int] = {}
    began = time.perf_counter()

    def done(index: int, root: Path, counts: dict[str, int], secs: float) -> None:
        roots[index] = root
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
        if progress:
            print(f"[{len(roots)}/{authorities}] {root.name}: {counts.get('header', 0):,} header rows, "
                  f"{counts.get('visits', 0):,} visits ({secs:.1f}s)", file=sys.stderr, flush=True)

    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(_one, jobs):
                done(*res)
    else:
        for job in jobs:
            done(*_one(job))
    if annex_a:
        from etl.generate_annex_a import write_annex_a

        for index in sorted(roots):
            made = write_annex_a(roots[index], dt.date.fromordinal(d1))
            if progress:
                print(f"{roots[index].name}: annex_a.xlsx written, made to disagree on {len(made)} children",
                      file=sys.stderr, flush=True)
    if progress:
        rows = ", ".join(f"{k} {v:,}" for k, v in sorted(totals.items()))
        print(f"generated {authorities} authorit{'y' if authorities == 1 else 'ies'} in "
              f"{time.perf_counter() - began:.1f}s under {out}: {rows}", file=sys.stderr, flush=True)
    return [roots[i] for i in range(authorities)]


def generate_cli(args: argparse.Namespace) -> int:
    """Entry point for `python -m etl generate`."""
    try:
        month_range(args.start, args.end)
        if args.authorities < 1:
            raise ValueError("--authorities must be at least 1")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    generate(Path(args.out), seed=args.seed, authorities=args.authorities, start=args.start, end=args.end,
             progress=True, annex_a=args.annex_a)
    return 0
