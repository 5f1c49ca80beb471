"""Measure each page's server time on the sample authority (Streamlit AppTest), cold (caches cleared) and warm,
with a trivial one-line app measured in the same run as the baseline.

    python benchmarks/bench_pages.py [--db warehouse.duckdb] [--repeat 3]

Goal: every page under 1.5 s server time on the sample authority, and under 1 s with a national-scale warehouse
(--db with 100 or more authorities loaded: the pages show the first authority, Compare every authority). Compare is
timed on its default measure and on the slowest series measure at national scale (missing_children_pct).

Early warning: the time a page spends in SPC (every lens.early_warning.measure_spc call: the headline, each team,
the download table, every Overview measure) and in drawing SPC figures (spc_figure) is timed inside the same warm
runs, so 'page without SPC' = warm time - SPC time. Goal: SPC adds under 100 ms to a page. Also timed: SPC for every
series measure and every team of the authority at once, from results already queried.
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
         "app_pages/workforce.py", "app_pages/reviews.py", "app_pages/data_quality.py", "app_pages/compare.py"]
SLOW_COMPARE = "missing_children_pct"  # the slowest series measure for every authority: Compare's worst case
RESULTS = ROOT / "benchmarks" / "results"
_bump = itertools.count(1)


def _check_rendered(at: AppTest, page: str) -> None:
    """Refuse a run that did not draw the page: an exception, or an error box (e.g. real data with no sign-in
    configured stops every page at its refusal, which would be timed as a very fast page)."""
    assert not at.exception, (page, [e.message for e in at.exception])
    assert not at.error, (page, [e.body for e in at.error])


def page_time(page: str, cold: bool, query: dict | None = None) -> float:
    """Server time to run the router and the page once; cold = as after a new load (every cache misses)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if cold:  # caches are keyed on the warehouse file's mtime: a new mtime is a new warehouse
        db = Path(os.environ["PRACTICE_LENS_DB"])
        stamp = time.time() + next(_bump)
        os.utime(db, (stamp, stamp))
    at.switch_page(page)
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    _check_rendered(at, page)
    return elapsed


_spc = {"compute": 0.0, "figure": 0.0, "calls": 0}


def _timed(fn, kind: str):
    """fn, adding its wall time to _spc[kind]."""
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _spc[kind] += time.perf_counter() - t
            _spc["calls"] += kind == "compute"
    return wrapper


def instrument_spc() -> None:
    """Time every SPC computation and SPC figure the pages make (the pages run in this process under AppTest)."""
    import lens.early_warning
    import lens.spc_chart
    import reports.board_pack
    import ui.early_warning

    lens.early_warning.measure_spc = _timed(lens.early_warning.measure_spc, "compute")
    figure = _timed(lens.spc_chart.spc_figure, "figure")
    ui.early_warning.spc_figure = figure
    reports.board_pack.spc_figure = figure


def spc_page_time(page: str) -> tuple[float, float, float, int]:
    """(warm page s, SPC computing s, SPC figures s, SPC series) for one warm run of the page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()  # warm the caches
    _spc.update(compute=0.0, figure=0.0, calls=0)
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    _check_rendered(at, page)
    return elapsed, _spc["compute"], _spc["figure"], _spc["calls"]


def spc_everything(db: Path) -> tuple[float, int, float]:
    """(SPC s, series, querying s): SPC for every series measure and team of one authority (last 24 months)."""
    import duckdb

    import queries
    from lens import early_warning

    con = duckdb.connect(str(db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    t = time.perf_counter()
    frames = {m.name: queries.run(m.name, con, la_codes=[la], from_month="2016-04", to_month="2018-03")
              for m in queries.measures().values() if m.shape == "series"}
    queried = time.perf_counter() - t
    con.close()
    targets = queries.targets().set_index("measure")["target"].to_dict()
    n = 0
    t = time.perf_counter()
    for name, df in frames.items():
        polarity = queries.get(name).fields["polarity"]
        for _, rows in df.groupby("team"):
            early_warning.measure_signal(name, name, "", rows, polarity, targets.get(name))
            n += 1
    return time.perf_counter() - t, n, queried


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

    import duckdb

    import queries
    from ui.compare import _label

    with duckdb.connect(str(db), read_only=True) as con:
        authorities = con.execute("select count(*) from dim_authority").fetchone()[0]
    goal = 1.0 if authorities >= 100 else 1.5
    base = min(baseline_time() for _ in range(args.repeat))
    print(f"{authorities} authorities loaded; goal: every page under {goal:g} s server time (cold)")
    print(f"baseline (one-line app): {base * 1000:.0f} ms")
    rows = []
    runs = [(page, None) for page in PAGES]
    if SLOW_COMPARE in queries.measures():
        runs.append(("app_pages/compare.py", {"measure": _label(SLOW_COMPARE)}))
    for page, query in runs:
        label = page + (f" ({SLOW_COMPARE})" if query else "")
        cold_runs = [page_time(page, cold=True, query=query) for _ in range(args.repeat)]
        warm = min(page_time(page, cold=False, query=query) for _ in range(args.repeat))
        cold = min(cold_runs)
        rows.append({"page": label, "cold_s": round(cold, 3), "cold_slowest_s": round(max(cold_runs), 3),
                     "warm_s": round(warm, 3), "cold_over_baseline": round(cold / base, 1), "goal_s": goal})
        print(f"{label:48s} cold {cold:6.2f} s (slowest {max(cold_runs):5.2f})  warm {warm:6.2f} s  "
              f"cold/baseline {cold / base:5.1f}x" + (f"  OVER {goal:g} s" if cold > goal else ""), flush=True)
    instrument_spc()
    spc_rows = []
    print("\nEarly warning (warm runs, best of --repeat):")
    for page in PAGES:
        runs = [spc_page_time(page) for _ in range(args.repeat)]
        total, compute, figure, calls = min(runs)
        spc_rows.append({"page": page, "warm_s": round(total, 3), "spc_compute_s": round(compute, 4),
                         "spc_figure_s": round(figure, 4), "spc_series": calls,
                         "page_without_spc_s": round(total - compute - figure, 3)})
        print(f"{page:26s} page {total * 1000:6.0f} ms  SPC {compute * 1000:5.1f} ms for {calls:2d} series"
              f" + figures {figure * 1000:5.1f} ms  without SPC {(total - compute - figure) * 1000:6.0f} ms"
              + ("  OVER 100 ms" if compute + figure > 0.1 else ""), flush=True)
    every, n_series, queried = spc_everything(db)
    print(f"SPC for every series measure and team at one authority: {n_series} series in {every * 1000:.0f} ms "
          f"({every / n_series * 1000:.2f} ms a series; querying them took {queried * 1000:.0f} ms)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps({
        "baseline_s": base, "rows": rows, "spc": spc_rows,
        "spc_every_series": {"series": n_series, "s": round(every, 4), "querying_s": round(queried, 3)},
        "peak_rss_mib": peak}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
