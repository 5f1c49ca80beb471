"""Published context for a figure, LAIT style: the quartile band (A best) and rank among all authorities, with the
measure's polarity applied to what queries/benchmark_context.sql returns."""

from __future__ import annotations

import math

import pandas as pd

BANDS = ("A", "B", "C", "D")
NARROW = "too narrow to band"


def band(value: float | None, q1: float | None, q2: float | None, q3: float | None,
         higher_is_better: bool | None) -> str | None:
    """The quartile band of a value among all authorities: A is the best quarter, D the worst (LAIT).

    Higher is better: A from the upper quartile up, B from the median, C from the lower quartile, D below it; lower
    is better the mirror image (A up to the lower quartile). A value on a boundary takes the better band. None for a
    neutral measure or a missing figure; NARROW when the middle half of authorities share one value (q1 == q3), so
    a band would say more than the figures do.
    """
    if higher_is_better is None or any(x is None or (isinstance(x, float) and math.isnan(x))
                                       for x in (value, q1, q2, q3)):
        return None
    if q1 == q3:
        return NARROW
    if higher_is_better:
        return "A" if value >= q3 else "B" if value >= q2 else "C" if value >= q1 else "D"
    return "A" if value <= q1 else "B" if value <= q2 else "C" if value <= q3 else "D"


def with_bands(context: pd.DataFrame, polarity: dict[str, bool | None]) -> pd.DataFrame:
    """benchmark_context rows with `band` and `rank` (1 = best) by each measure's polarity (measure -> higher is
    better; None = neutral: no band, rank by the highest)."""
    out = context.copy()
    hib = out["measure"].map(polarity)
    out["band"] = [band(v, a, b, c, h) for v, a, b, c, h in
                   zip(out["value"], out["q1"], out["q2"], out["q3"], hib, strict=True)]
    out["rank"] = out["rank_high"].where(hib.ne(False), out["rank_low"])
    return out
