"""Small-number suppression for board views: counts under the threshold show as '<5', and so do % built on them."""

from __future__ import annotations

import pandas as pd

from lens import config

SUPPRESSED = "<5"


def is_small(count: object, below: int | None = None) -> bool:
    """True for a count from 1 up to (not including) the threshold; zero is not disclosive and is shown."""
    below = config.suppress_below() if below is None else below
    try:
        c = float(count)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not pd.isna(c) and 0 < c < below


def suppress_series(df: pd.DataFrame, below: int | None = None) -> pd.DataFrame:
    """A copy of a measure frame with small counts and the values built on them suppressed.

    Adds a boolean `suppressed` column; where it is true, `value` is set to NaN (a chart leaves a gap) and
    `numerator`/`denominator` are replaced by '<5' in the object-typed display copies `numerator_shown` and
    `denominator_shown`.
    """
    out = df.copy()
    num_small = out["numerator"].map(lambda v: is_small(v, below)) if "numerator" in out else False
    den_small = out["denominator"].map(lambda v: is_small(v, below)) if "denominator" in out else False
    out["suppressed"] = num_small | den_small
    if "value" in out:
        out["value"] = out["value"].astype("float64").where(~out["suppressed"])
    for col in ("numerator", "denominator"):
        if col in out:
            small = out[col].map(lambda v: is_small(v, below))
            out[f"{col}_shown"] = out[col].astype(object).where(~small, SUPPRESSED)
    return out


def suppress_table(df: pd.DataFrame, count_columns: list[str], below: int | None = None) -> pd.DataFrame:
    """A display copy of a table with every small count in `count_columns` shown as '<5'."""
    out = df.copy()
    for col in count_columns:
        if col in out:
            out[col] = out[col].astype(object).map(lambda v: SUPPRESSED if is_small(v, below) else v)
    return out
