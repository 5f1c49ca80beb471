"""Measure each page's server time on the sample authority (Streamlit AppTest), cold (caches cleared) and warm,
with a trivial one-line app measured in the same run as the baseline.

    python benchmarks/bench_pages.py [--db warehouse.duckdb] [--repeat 3]

Goal: every page under 1.5 s server time on the sample authority.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = ["app_pages/overview.py", "app_pages/visits.py", "app_pages/sw_changes.py", "app_pages/missing.py", "app_pages/health.py",
         "app_pages/workforce.py", "app_pages/reviews.py", "app_pages/data_quality.py"]
RESULTS = ROOT / "benchmarks" / "results"
_bump = itertools.count(1)


def page_time(page: str, cold: bool) -> float:
    """Server time to run the router and the page once; cold = as after a new load (every cache misses)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if cold:  # caches are keyed on the warehouse file's mtime: a new mtime is a new warehouse
        db = Path(os.environ["PRACTICE_LENS_DB"])
        stamp = time.time() + next(_bump)
        os.utime(db, (stamp, stamp))
    at.switch_page(page)
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    assert not at.exception, (page, [e.message for e in at.exception])
    return elapsed


def baseline_time() -> float:
    """Server time of a one-line app: what AppTest itself costs."""
    at = AppTest.from_string("import streamlit as st\nst.write('hello')")
    t = time.perf_counter()
    at.run()
    return time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="warehouse to use (default: generate and load the sample authority)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "warehouse.duckdb"
    if not db.exists():
        from etl.generate import generate
        from etl.load import load

        load(list(generate(Path(tmp.name) / "src", seed=2018)), db)
    os.environ["PRACTICE_LENS_DB"] = str(db)

    base = min(baseline_time() for _ in range(args.repeat))
    print(f"baseline (one-line app): {base * 1000:.0f} ms")
    rows = []
    for page in PAGES:
        cold = min(page_time(page, cold=True) for _ in range(args.repeat))
        warm = min(page_time(page, cold=False) for _ in range(args.repeat))
        rows.append({"page": page, "cold_s": round(cold, 3), "warm_s": round(warm, 3),
                     "cold_over_baseline": round(cold / base, 1)})
        print(f"{page:26s} cold {cold:6.2f} s  warm {warm:6.2f} s  cold/baseline {cold / base:5.1f}x"
              + ("  OVER 1.5 s" if cold > 1.5 else ""), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps({"baseline_s": base, "rows": rows, "peak_rss_mib": peak},
                                                   indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
