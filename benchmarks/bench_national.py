"""Every national-scale figure of issue 16 in one run: the ETL (load against its floors, peak memory, refreshing one
authority as a ratio to the full load), every series measure for every authority against 0.5 s and against pandas,
and every page's server time with all the authorities loaded against 1 s. Each part is its own script (see their
docstrings), run one after another on the same sources and the warehouse the ETL part loaded.

    python benchmarks/bench_national.py [--data DIR] [--repeat 3] [--skip-pandas] [--skip-floor]

--data: the national sources (default: generate 150 authorities, April 2008 to March 2018, into a temporary folder;
reused when DIR already holds them). --skip-floor leaves out the slow per-file floor (190 s on 2 cores).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def run(script: str, *args: str) -> None:
    """Run one benchmark script, its output shown as it comes."""
    print(f"\n===== {script} {' '.join(args)}", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / script), *args], check=True)
    print(f"===== {script}: {time.perf_counter() - started:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="the national source folders (generated when absent)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-floor", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_national_") as tmp:
        db = Path(tmp) / "national.duckdb"
        data = args.data or str(Path(tmp) / "sources")
        run("bench_etl.py", "--national", "--data", data, "--keep-db", str(db), "--no-json",
            *(["--skip-floor"] if args.skip_floor else []))
        run("bench_queries.py", "--db", str(db), "--repeat", str(args.repeat),
            *(["--skip-pandas"] if args.skip_pandas else []))
        run("bench_pages.py", "--db", str(db), "--repeat", str(args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
