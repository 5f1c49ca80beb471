"""Time lens.spc.spc() for 40 measures x 10 teams x 60 months (400 series) as a ratio to a plain pandas rolling mean
over the same series in the same run, with peak memory.

    python benchmarks/bench_spc.py [--repeat 3] [--measures 40] [--teams 10] [--months 60]

The data are synthetic (seeded): noisy levels with a step change in some series, 2% missing months, and a rebase
in every fifth series. Measures, never asserts.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lens.spc import POLARITIES, spc, summary_sentence  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def make_series(measures: int, teams: int, months: int, seed: int = 2018) -> list[tuple[pd.Series, str, list]]:
    """(values indexed by month end, polarity, rebase months) for every measure and team."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2013-04-30", periods=months, freq="ME")
    out = []
    for m in range(measures):
        for t in range(teams):
            y = rng.normal(70, 6, months)
            if (m + t) % 3 == 0:
                y[months * 2 // 3:] += rng.choice([-12, 12])
            y[rng.random(months) < 0.02] = np.nan
            rebase = [index[months * 3 // 5]] if (m * teams + t) % 5 == 0 else []
            out.append((pd.Series(y, index=index), POLARITIES[m % 3], rebase))
    return out


def best_of(fn, repeat: int) -> float:
    """Fastest wall time of `repeat` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measures", type=int, default=40)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    data = make_series(args.measures, args.teams, args.months)

    def baseline() -> None:
        for s, _, _ in data:
            s.rolling(12, min_periods=1).mean()

    def run_spc() -> None:
        for s, polarity, rebase in data:
            spc(s, polarity, target=75.0, rebase=rebase)

    def run_spc_and_sentence() -> None:
        for s, polarity, rebase in data:
            summary_sentence(spc(s, polarity, target=75.0, rebase=rebase), "%")

    run_spc()  # warm imports and caches
    base = best_of(baseline, args.repeat)
    took = best_of(run_spc, args.repeat)
    with_sentence = best_of(run_spc_and_sentence, args.repeat)
    tracemalloc.start()
    run_spc()
    peak_traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    result = {
        "series": len(data), "months": args.months,
        "baseline_rolling_mean_s": round(base, 4), "spc_s": round(took, 4),
        "spc_ms_per_series": round(1000 * took / len(data), 3), "ratio_to_baseline": round(took / base, 1),
        "spc_and_sentence_s": round(with_sentence, 4),
        "peak_traced_mib_during_spc": round(peak_traced, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "spc.json").write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
