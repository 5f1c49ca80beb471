"""Time generate + load at one authority (default) or national scale (--national), against floors measured in the
same run, with each step's peak memory (RSS of its own subprocess, DuckDB included).

    python benchmarks/bench_etl.py [--national] [--bulk] [--data DIR] [--no-json]

Floors: `floor` is the issue's definition, DuckDB merely copying every CSV file, all columns as text, into a new
DuckDB file (`create table raw_i as select * from read_csv(f, all_varchar=true)` per file); `batched floor` is
the fastest such copy, one read_csv call per kind of file with its columns given (what the loader itself does).
Goal: load within 3x of the floor, and under 2 GiB peak memory.
--bulk writes quick shape-realistic sources with DuckDB (benchmarks/etl_bulk.py) instead of running the generator.
--data DIR keeps (or reuses, if present) the sources in DIR.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
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


STEPS = {"generate": step_generate, "floor": step_floor, "floor_batched": step_floor_batched, "load": step_load}


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
    src_json = json.dumps([str(s) for s in sources])
    for name in ("floor", "floor_batched", "load"):
        print(f"{name} ...", file=sys.stderr, flush=True)
        results[name] = run_step(name, src_json, str(work / f"{name}.duckdb"))
    load_s = results["load"]["seconds"]
    ratio = load_s / results["floor"]["seconds"]
    ratio_batched = load_s / results["floor_batched"]["seconds"]
    print(f"\nETL benchmark, {scale}: {len(sources)} source(s), {len(_csv_files(sources)):,} CSV files, "
          f"{size / 2**20:,.0f} MiB, {results['load']['rows']:,} rows "
          f"({results['load']['rows_loaded']:,} loaded, {results['load']['rows_rejected']:,} rejected)")
    print(f"{'step':<32}{'seconds':>10}{'peak RSS MiB':>14}")
    labels = {"generate": "generate", "floor": "floor (CTAS per file)", "floor_batched": "batched floor (read per kind)",
              "load": "load"}
    for name, label in labels.items():
        if name in results:
            print(f"{label:<32}{results[name]['seconds']:>10.1f}{results[name]['peak_rss_mib']:>14,.0f}")
    print(f"load / floor: {ratio:.2f}x (goal <= {GOAL_RATIO:g}x); load / batched floor: {ratio_batched:.2f}x; "
          f"load peak RSS {results['load']['peak_rss_mib']:,.0f} MiB (goal < {GOAL_RSS_MIB:,} MiB)")
    if not args.no_json:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"etl_{'national' if args.national else 'one'}{'_bulk' if args.bulk else ''}.json"
        out.write_text(json.dumps({"scale": scale, "bulk": args.bulk, "csv_files": len(_csv_files(sources)),
                                   "csv_mib": size / 2**20, "ratio_to_floor": ratio,
                                   "ratio_to_batched_floor": ratio_batched, "steps": results}, indent=2))
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
