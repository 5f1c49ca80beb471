"""Time generate + load at one authority (default) or national scale (--national), against floors measured in the
same run, with each step's peak memory (RSS of its own subprocess, DuckDB included).

    python benchmarks/bench_etl.py [--national] [--bulk] [--data DIR] [--no-json] [--keep-db PATH]
                                   [--compare-with REV [--rounds N]]

Floors: `floor` is the issue's definition, DuckDB merely copying every CSV file, all columns as text, into a new
DuckDB file (`create table raw_i as select * from read_csv(f, all_varchar=true)` per file); `batched floor` is
the fastest such copy, one read_csv call per kind of file with its columns given (what the loader itself does).
Goal: load within 3x of the floor and within 2x of the batched floor, under 2 GiB peak memory. `refresh` then loads
one authority (the middle one) again into the loaded warehouse, as a new month for one authority would be: goal, time
in proportion to that authority, so a small fraction of the full load. --compare-with REV times the loader of an earlier
git revision and this one alternately on the same sources, each round's wall time, CPU time and peak memory and the
median round's ratios (e.g. a change must stay within 10% of the time and memory).
--bulk writes quick shape-realistic sources with DuckDB (benchmarks/etl_bulk.py) instead of running the generator.
--data DIR keeps (or reuses, if present) the sources in DIR.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
GOAL_RATIO = 3.0
GOAL_BATCHED_RATIO = 2.0
GOAL_RSS_MIB = 2048


def _csv_files(sources: list[Path]) -> list[Path]:
    return sorted(p for s in sources for p in s.rglob("*.csv"))


def step_generate(out: Path, national: bool, bulk: bool) -> dict:
    """Write the sources; returns their folders."""
    if bulk:
        from benchmarks.etl_bulk import write_bulk_sources

        sources = write_bulk_sources(out, authorities=150 if national else 1)
    else:
        from etl.generate import generate

        kw = {"authorities": 150, "start": "2008-04", "end": "2018-03"} if national else {}
        sources = generate(out, **kw)
    return {"sources": [str(s) for s in sources]}


def step_floor(sources: list[Path], db: Path) -> dict:
    """The issue's floor: one CREATE TABLE AS read_csv(all_varchar) per file into a new DuckDB file."""
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("set enable_progress_bar = false")
    rows = 0
    for i, path in enumerate(_csv_files(sources)):
        con.execute(f"create table raw_{i} as select * from read_csv($f, all_varchar = true)", {"f": str(path)})
        rows += con.execute(f"select count(*) from raw_{i}").fetchone()[0]
    con.close()
    return {"rows": rows}


def step_floor_batched(sources: list[Path], db: Path) -> dict:
    """The tightest floor: one read_csv per kind of file (and header layout), columns given, all text."""
    import duckdb

    groups: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for path in _csv_files(sources):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = tuple(next(csv.reader([fh.readline()])))
        groups[(path.name, header)].append(str(path))
    con = duckdb.connect(str(db))
    con.execute("set enable_progress_bar = false")
    rows = 0
    for i, ((_, header), files) in enumerate(groups.items()):
        con.execute(f"create table raw_{i} as select * from read_csv($f, header = true, auto_detect = false, "
                    "columns = $c)", {"f": files, "c": dict.fromkeys(header, "VARCHAR")})
        rows += con.execute(f"select count(*) from raw_{i}").fetchone()[0]
    con.close()
    return {"rows": rows}


def step_load(sources: list[Path], db: Path) -> dict:
    """The loader, as `python -m etl load` runs it."""
    from etl.load import load

    report = load(sources, db)
    return {"rows": report.rows_read, "rows_loaded": report.rows_loaded, "rows_rejected": report.rows_rejected,
            "files": report.files_loaded, "missing": len(report.missing)}


def step_refresh(sources: list[Path], db: Path) -> dict:
    """The loader on one authority's sources, into a warehouse that already holds every authority."""
    from etl.load import load

    report = load(sources, db)
    return {"rows": report.rows_read, "authorities": len(report.authorities)}


STEPS = {"generate": step_generate, "floor": step_floor, "floor_batched": step_floor_batched, "load": step_load,
         "refresh": step_refresh}


def checkout(rev: str, into: Path) -> Path:
    """The project's files at git revision `rev`, unpacked into `into` (to time an earlier loader in the same run)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_load_at(tree: Path, sources: list[Path], db: Path) -> dict:
    """`python -m etl load` of the code in `tree` in its own process: seconds and peak RSS (MiB)."""
    script = (f"import json, resource, sys, time; sys.path.insert(0, {str(tree)!r}); from pathlib import Path; "
              "from etl.load import load; t = time.perf_counter(); "
              f"load([Path(s) for s in {[str(s) for s in sources]!r}], Path({str(db)!r})); "
              "u = resource.getrusage(resource.RUSAGE_SELF); "
              "print(json.dumps({'seconds': time.perf_counter() - t, 'cpu_seconds': u.ru_utime + u.ru_stime, "
              "'peak_rss_mib': u.ru_maxrss / 1024}))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tree)
    if out.returncode:
        raise SystemExit(f"load at {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare_with(rev: str, sources: list[Path], work: Path, rounds: int) -> None:
    """Time this loader and the one at `rev` alternately on the same sources; print each round and the ratios."""
    old_tree = checkout(rev, work / "baseline")
    rows = []
    for i in range(rounds):
        for label, tree in (("baseline " + rev, old_tree), ("this tree", ROOT)):
            db = work / f"cmp_{i}_{'old' if tree == old_tree else 'new'}.duckdb"
            r = run_load_at(tree, sources, db)
            rows.append((label, i + 1, r["seconds"], r["peak_rss_mib"], r["cpu_seconds"]))
            db.unlink(missing_ok=True)
            print(f"  {label:<22} round {i + 1}: {r['seconds']:6.1f} s ({rows[-1][4]:5.1f} s of CPU), "
                  f"peak RSS {r['peak_rss_mib']:,.0f} MiB", flush=True)
    ratios = []
    for i in range(rounds):
        old, new = rows[2 * i], rows[2 * i + 1]
        ratios.append((new[2] / old[2], new[3] / old[3], new[4] / old[4]))
        print(f"round {i + 1}: time {ratios[-1][0]:.2f}x, peak memory {ratios[-1][1]:.2f}x, "
              f"CPU time {ratios[-1][2]:.2f}x of {rev}")
    # the median round: this machine is shared, and one round's ratio can move by 0.2 either way
    print(f"median of {rounds} rounds: time {statistics.median(r[0] for r in ratios):.2f}x, "
          f"peak memory {statistics.median(r[1] for r in ratios):.2f}x, "
          f"CPU time {statistics.median(r[2] for r in ratios):.2f}x of {rev}")


def run_step(name: str, *args: str) -> dict:
    """Run one step in its own Python process; returns its result with seconds and peak RSS (MiB)."""
    out = subprocess.run([sys.executable, __file__, "--step", name, *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"step {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_main(name: str, args: list[str]) -> None:
    """Inside the step's subprocess: time the step, then report time and this process's peak RSS as JSON."""
    if name == "generate":
        call_args: tuple = (Path(args[0]), args[1] == "1", args[2] == "1")
    else:
        call_args = ([Path(s) for s in json.loads(args[0])], Path(args[1]))
    started = time.perf_counter()
    result = STEPS[name](*call_args)
    result["seconds"] = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux; the generator's worker processes count too (the largest of them).
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    result["peak_rss_mib"] = peak / 1024
    print(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--national", action="store_true", help="150 authorities, April 2008 to March 2018")
    parser.add_argument("--bulk", action="store_true", help="quick DuckDB-written sources instead of the generator")
    parser.add_argument("--data", help="folder for the sources (reused if it already holds them)")
    parser.add_argument("--no-json", action="store_true", help="do not write benchmarks/results/etl_*.json")
    parser.add_argument("--keep-db", help="keep the loaded warehouse at this path (for bench_queries, bench_pages)")
    parser.add_argument("--skip-floor", action="store_true", help="leave out the per-file floor (slow nationally)")
    parser.add_argument("--compare-with", metavar="REV",
                        help="instead of the floors, time the loader at git revision REV and this one, alternately")
    parser.add_argument("--rounds", type=int, default=2, help="rounds for --compare-with")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.step:
        child_main(args.step, rest)
        return 0
    scale = "national" if args.national else "one authority"
    tmp = tempfile.TemporaryDirectory(prefix="bench_etl_")
    work = Path(tmp.name)
    data = Path(args.data) if args.data else work / "sources"
    results: dict[str, dict] = {}
    existing = sorted(p.parent for p in data.glob("*/authority.toml")) if data.exists() else []
    if existing:
        sources = existing
        print(f"reusing {len(sources)} source folders in {data}", file=sys.stderr)
    else:
        print(f"generating ({scale}) ...", file=sys.stderr, flush=True)
        results["generate"] = run_step("generate", str(data), str(int(args.national)), str(int(args.bulk)))
        sources = [Path(s) for s in results["generate"]["sources"]]
    size = sum(p.stat().st_size for p in _csv_files(sources))
    if args.compare_with:
        print(f"{len(sources)} source(s), {size / 2**20:,.0f} MiB of CSV: loader at {args.compare_with} vs this tree")
        compare_with(args.compare_with, sources, work, args.rounds)
        return 0
    src_json = json.dumps([str(s) for s in sources])
    for name in ("floor_batched", "load") if args.skip_floor else ("floor", "floor_batched", "load"):
        print(f"{name} ...", file=sys.stderr, flush=True)
        results[name] = run_step(name, src_json, str(work / f"{name}.duckdb"))
    if len(sources) > 1:  # a new load of one authority into the warehouse of all of them
        print("refresh ...", file=sys.stderr, flush=True)
        shutil.copyfile(work / "load.duckdb", work / "refresh.duckdb")
        one = sources[len(sources) // 2]
        results["refresh"] = run_step("refresh", json.dumps([str(one)]), str(work / "refresh.duckdb"))
        results["refresh"]["source"] = str(one)
    if args.keep_db:
        shutil.copyfile(work / "load.duckdb", args.keep_db)
    load_s = results["load"]["seconds"]
    ratio = load_s / results["floor"]["seconds"] if "floor" in results else float("nan")
    ratio_batched = load_s / results["floor_batched"]["seconds"]
    print(f"\nETL benchmark, {scale}: {len(sources)} source(s), {len(_csv_files(sources)):,} CSV files, "
          f"{size / 2**20:,.0f} MiB, {results['load']['rows']:,} rows "
          f"({results['load']['rows_loaded']:,} loaded, {results['load']['rows_rejected']:,} rejected)")
    print(f"{'step':<32}{'seconds':>10}{'peak RSS MiB':>14}")
    labels = {"generate": "generate", "floor": "floor (CTAS per file)", "floor_batched": "batched floor (read per kind)",
              "load": "load", "refresh": "refresh one authority"}
    for name, label in labels.items():
        if name in results:
            print(f"{label:<32}{results[name]['seconds']:>10.1f}{results[name]['peak_rss_mib']:>14,.0f}")
    print((f"load / floor: {ratio:.2f}x (goal <= {GOAL_RATIO:g}x); " if "floor" in results else "")
          + f"load / batched floor: {ratio_batched:.2f}x "
          f"(goal <= {GOAL_BATCHED_RATIO:g}x); load peak RSS {results['load']['peak_rss_mib']:,.0f} MiB "
          f"(goal < {GOAL_RSS_MIB:,} MiB)")
    if "refresh" in results:
        r = results["refresh"]
        print(f"refresh one authority ({Path(r['source']).name}, {r['rows']:,} rows) into {len(sources)}: "
              f"{r['seconds']:.1f} s = {r['seconds'] / load_s:.2f}x the full load; peak RSS {r['peak_rss_mib']:,.0f} MiB")
    if not args.no_json:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"etl_{'national' if args.national else 'one'}{'_bulk' if args.bulk else ''}.json"
        out.write_text(json.dumps({"scale": scale, "bulk": args.bulk, "csv_files": len(_csv_files(sources)),
                                   "csv_mib": size / 2**20, "ratio_to_floor": ratio,
                                   "ratio_to_batched_floor": ratio_batched,
                                   "refresh_over_load": results["refresh"]["seconds"] / load_s
                                   if "refresh" in results else None, "steps": results}, indent=2))
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
