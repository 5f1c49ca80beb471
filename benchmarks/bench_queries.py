"""Measure query time: every measure for one authority's full history, and each series measure at national scale
as a ratio to the same measure computed with idiomatic vectorised pandas from the same tables, in the same run.

    python benchmarks/bench_queries.py [--db national.duckdb] [--build] [--repeat 3]

--build generates and loads the national-scale warehouse (150 authorities, Apr 2008 to Mar 2018) first.
"""

from __future__ import annotations

import argparse
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
PANDAS_MODULES = ("visits", "sw_changes", "missing", "health", "workforce", "reviews")
TABLES = ("dim_authority", "dim_child", "dim_worker", "dim_team", "dim_bank_holiday", "fact_episode",
          "fact_care_episode", "fact_placement", "source_coverage",
          "fact_child_month", "fact_allocation", "fact_visit", "fact_review", "fact_missing", "fact_oc2",
          "fact_health_assessment", "fact_worker_spell", "fact_establishment")


def best_of(fn, repeat: int) -> tuple[float, object]:
    """Fastest wall time of `repeat` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


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

    pandas_fns = pandas_functions()
    tables = {}
    t0 = time.perf_counter()
    for table in TABLES:
        tables[table] = con.execute(f"select * from {table}").df()  # table names are constants, not input
    print(f"\nread {len(tables)} tables into pandas in {time.perf_counter() - t0:.1f} s (not counted)")
    print("\nNational scale: SQL vs pandas (s), ratio = pandas / SQL:")
    ratios = []
    for name, fn in sorted(pandas_fns.items()):
        t_sql, _ = best_of(lambda name=name: queries.run(name, con.cursor(), from_month=first, to_month=last),
                           args.repeat)
        t_pd, _ = best_of(lambda fn=fn: fn(tables, first, last), max(1, args.repeat - 1))
        ratio = t_pd / t_sql
        ratios.append(ratio)
        next(r for r in rows if r["measure"] == name).update(national_sql_s=round(t_sql, 3),
                                                             national_pandas_s=round(t_pd, 3),
                                                             pandas_over_sql=round(ratio, 2))
        print(f"  {name:32s} SQL {t_sql:7.2f} s  pandas {t_pd:7.2f} s  ratio {ratio:6.1f}x", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if ratios:
        print(f"\nmedian ratio {statistics.median(ratios):.1f}x; slowest-relative {min(ratios):.1f}x; "
              f"peak RSS {peak:.0f} MiB (includes the pandas copies)")
    slow = [r["measure"] for r in rows if r["one_authority_ms"] > 250]
    print(f"measures over 250 ms for one authority: {slow or 'none'}")
    (RESULTS / "queries.json").write_text(json.dumps({"rows": rows, "peak_rss_mib": round(peak)}, indent=1,
                                                     default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
