"""How numbers, months and findings are written, the same on every page, chart and report."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

PERCENT_UNITS = ("%",)


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def month_label(value: Any) -> str:
    """'Mar 2018' for any date-like value."""
    if is_missing(value):
        return ""
    return pd.Timestamp(value).strftime("%b %Y")


def month_long(value: Any) -> str:
    """'March 2018' for any date-like value (for sentences)."""
    if is_missing(value):
        return ""
    return pd.Timestamp(value).strftime("%B %Y")


def fmt_value(value: Any, unit: str) -> str:
    """A value with its unit: '78.0%', '12 children', '14.2 children per FTE', '—' when missing."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return "—"
    v = float(value)
    if unit in PERCENT_UNITS:
        return f"{v:.1f}%"
    text = f"{v:,.0f}" if math.isclose(v, round(v)) else f"{v:,.1f}"
    return f"{text} {unit}".strip() if unit else text


def fmt_change(delta: Any, unit: str) -> str:
    """A signed change: '+3.2 pts', '-4 days', '' when missing."""
    if is_missing(delta):
        return ""
    d = float(delta)
    if unit in PERCENT_UNITS:
        return f"{d:+.1f} pts"
    text = f"{d:+,.0f}" if math.isclose(d, round(d)) else f"{d:+,.1f}"
    return f"{text} {unit}".strip()


def finding(title: str, unit: str, values: pd.Series, months: pd.Series, higher_is_better: bool | None,
            suppressed: bool = False) -> str:
    """A plain-English title that states the finding: 'Children visited in time fell to 78.0% in March 2018'."""
    pairs = [(m, v) for m, v in zip(months, values, strict=False) if not is_missing(v)]
    if not pairs:
        return f"{title}: no data for this period"
    last_month, last = pairs[-1]
    when = month_long(last_month)
    shown = "fewer than 5" if suppressed else fmt_value(last, unit)
    if suppressed or len(pairs) < 2:
        return f"{title}: {shown} in {when}"
    prev = pairs[-2][1]
    if math.isclose(float(last), float(prev)):
        verb = "held at"
    else:
        verb = "rose to" if float(last) > float(prev) else "fell to"
    return f"{title} {verb} {shown} in {when}"


def as_date(value: Any) -> dt.date | None:
    """A datetime.date from a date-like value (None when missing)."""
    if is_missing(value):
        return None
    return pd.Timestamp(value).date()
