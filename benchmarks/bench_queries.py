"""Measure query time: every measure for one authority's full history; every series measure for every authority
in the warehouse (full history, and the Compare page's default 24 months) against the 0.5 s goal, as a ratio to a
baseline query measured in the same run (a plain count of fact_child_month per authority, team and month: the least
any series measure does); and each series measure at national scale as a ratio to the same measure computed with
idiomatic vectorised pandas from the same tables, in the same run (goal: SQL at least 5x faster).

    python benchmarks/bench_queries.py [--db national.duckdb] [--build] [--repeat 3] [--skip-pandas]

--build generates and loads the national-scale warehouse (150 authorities, Apr 2008 to Mar 2018) first. Each time is
the best of --repeat runs; the spread (slowest / best) says how noisy the machine was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import queries  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
GOAL_ALL_S = 0.5  # every series measure for every authority
GOAL_PANDAS_RATIO = 5.0
BASELINE_SQL = "select la_code, team, month_end, count(*) from fact_child_month group by all"
PANDAS_MODULES = ("visits", "sw_changes", "missing", "health", "workforce", "reviews")
TABLES = ("dim_authority", "dim_child", "dim_worker", "dim_team", "dim_bank_holiday", "fact_episode",
          "fact_care_episode", "fact_placement", "source_coverage",
          "fact_child_month", "fact_allocation", "fact_visit", "fact_review", "fact_missing", "fact_oc2",
          "fact_health_assessment", "fact_worker_spell", "fact_establishment")


def best_of(fn, repeat: int) -> tuple[float, object]:
    """Fastest wall time of `repeat` calls, and the last result."""
    t, _, out = timed(fn, repeat)
    return t, out


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(fastest, slowest) wall time of `repeat` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), max(times), out


def pandas_functions() -> dict[str, object]:
    """Every pandas baseline, by measure name."""
    found = {}
    for mod in PANDAS_MODULES:
        try:
            m = importlib.import_module(f"benchmarks.pandas_measures.{mod}")
        except ModuleNotFoundError:
            continue
        for name in queries.measures():
            if hasattr(m, name):
                found[name] = getattr(m, name)
    return found


def build_national(db: Path) -> None:
    """Generate and load the national-scale warehouse."""
    from etl.generate import generate
    from etl.load import load

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        sources = generate(Path(tmp), seed=2018, authorities=150, start="2008-04", end="2018-03")
        print(f"generated 150 authorities in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        load(list(sources), db)
        print(f"loaded in {time.perf_counter() - t:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(RESULTS / "national.duckdb"))
    parser.add_argument("--build", action="store_true", help="generate and load the national warehouse first")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-pandas", action="store_true", help="leave out the pandas baselines (slow)")
    args = parser.parse_args()
    db = Path(args.db)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.build or not db.exists():
        build_national(db)

    con = duckdb.connect(str(db), read_only=True)
    las = [r[0] for r in con.execute("select la_code from dim_authority order by la_code").fetchall()]
    first, last = con.execute("select min(month_end), max(month_end) from fact_child_month").fetchone()
    # the authority nearest the median size stands for 'one authority'
    one = con.execute("select la_code from fact_child_month where month_end = $m group by la_code "
                      "order by count(*) limit 1 offset $o", {"m": last, "o": len(las) // 2}).fetchone()[0]
    print(f"warehouse: {len(las)} authorities, {first} to {last}; one authority = {one}")
    visits = con.execute("select count(*) from fact_visit").fetchone()[0]
    print(f"fact_visit rows: {visits:,}")

    rows = []
    print("\nOne authority, full history (ms):")
    for name, m in queries.measures().items():
        if m.theme in ("filters",) and name != "filter_authorities":
            continue
        t, df = best_of(lambda name=name: queries.run(name, con.cursor(), la_codes=[one], from_month=first,
                                                      to_month=last, as_of=last), args.repeat)
        rows.append({"measure": name, "one_authority_ms": round(t * 1000, 1), "rows": len(df)})
        print(f"  {name:32s} {t * 1000:8.1f} ms  {len(df):7d} rows", flush=True)

    series = [name for name, m in queries.measures().items() if m.shape == "series"]
    base, base_slow, _ = timed(lambda: con.execute(BASELINE_SQL).fetchall(), max(5, args.repeat))
    print(f"\nEvery authority ({len(las)}), every series measure (s, best of {args.repeat}; goal < {GOAL_ALL_S:g} s):")
    print(f"  baseline (count of fact_child_month per authority, team and month): {base * 1000:.0f} ms "
          f"(slowest {base_slow * 1000:.0f} ms)")
    print(f"  {'measure':32s} {'full history':>12s} {'/baseline':>9s} {'spread':>7s} {'24 months':>10s}  rows")
    idx = last.year * 12 + last.month - 1 - 23  # the Compare page's default period: the last 24 months
    recent = max(first, dt.date(idx // 12, idx % 12 + 1, 1))
    over = []
    for name in series:
        t_all, slow, df = timed(lambda name=name: queries.run(name, con.cursor(), from_month=first, to_month=last),
                                args.repeat)
        t_24, _, _ = timed(lambda name=name: queries.run(name, con.cursor(), from_month=recent, to_month=last),
                           args.repeat)
        row = next(r for r in rows if r["measure"] == name)
        row.update(all_authorities_s=round(t_all, 3), all_authorities_24m_s=round(t_24, 3),
                   all_over_baseline=round(t_all / base, 1), all_spread=round(slow / t_all, 2))
        flag = "  OVER" if t_all >= GOAL_ALL_S else ""
        over += [name] if flag else []
        print(f"  {name:32s} {t_all:12.3f} {t_all / base:9.1f} {slow / t_all:7.2f} {t_24:10.3f}  {len(df):,}{flag}",
              flush=True)
    print(f"series measures at or over {GOAL_ALL_S:g} s for every authority (full history): {over or 'none'}")

    ratios = []
    if not args.skip_pandas:
        pandas_fns = pandas_functions()
        tables = {}
        t0 = time.perf_counter()
        for table in TABLES:
            tables[table] = con.execute(f"select * from {table}").df()  # table names are constants, not input
        print(f"\nread {len(tables)} tables into pandas in {time.perf_counter() - t0:.1f} s (not counted)")
        print(f"\nNational scale: SQL vs pandas (s), ratio = pandas / SQL (goal >= {GOAL_PANDAS_RATIO:g}x):")
        print("  (both sides give the same rows: where a baseline computes only the authority rows, the SQL measure is "
              "run for team 'All teams'; the SQL side is queries.run, status and notes included)")
        for name, fn in sorted(pandas_fns.items()):
            t_pd, out = best_of(lambda fn=fn: fn(tables, first, last), max(1, args.repeat - 1))
            every_team = "team" in out.columns
            if every_team:
                t_sql = next(r for r in rows if r["measure"] == name)["all_authorities_s"]
            else:
                t_sql, _ = best_of(lambda name=name: queries.run(name, con.cursor(), team="All teams",
                                                                 from_month=first, to_month=last), args.repeat)
            ratio = t_pd / t_sql
            ratios.append(ratio)
            next(r for r in rows if r["measure"] == name).update(national_sql_s=round(t_sql, 3),
                                                                 national_pandas_s=round(t_pd, 3),
                                                                 pandas_over_sql=round(ratio, 2),
                                                                 pandas_rows="every team" if every_team
                                                                 else "All teams")
            print(f"  {name:32s} SQL {t_sql:7.2f} s  pandas {t_pd:7.2f} s  ratio {ratio:6.1f}x  "
                  f"{'every team' if every_team else 'All teams':10s}"
                  + ("  UNDER 5x" if ratio < GOAL_PANDAS_RATIO else ""), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if ratios:
        print(f"\nmedian ratio {statistics.median(ratios):.1f}x; slowest-relative {min(ratios):.1f}x")
    print(f"peak RSS {peak:.0f} MiB" + (" (includes the pandas copies)" if ratios else ""))
    slow = [r["measure"] for r in rows if r["one_authority_ms"] > 250]
    print(f"measures over 250 ms for one authority: {slow or 'none'}")
    (RESULTS / "queries.json").write_text(json.dumps({"rows": rows, "peak_rss_mib": round(peak), "baseline_s": base,
                                                      "authorities": len(las)}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
