"""How numbers, months and findings are written, the same on every page, chart and report."""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

import pandas as pd

PERCENT_UNITS = ("%",)


def plain(text: object) -> str:
    """Text from the data or from people (an authority's or a team's name, a name typed in a form) shown as itself in
    Streamlit's Markdown (st.markdown, st.caption, st.title, a metric's help...), never as a link, an image or
    formatting: every Markdown and HTML punctuation mark is backslash-escaped."""
    return "".join("\\" + c if c in MARKDOWN_MARKS else c for c in str(text))


MARKDOWN_MARKS = set("\\`*_{}[]()<>#+-.!|~$:=")


def chart_text(text: object) -> str:
    """Text from the data shown as itself in a Plotly chart (titles, annotations, tick labels, hover text render a
    subset of HTML, links included): <, > and & as entities, so a name like <a href=...> is only words."""
    return html.escape(str(text), quote=False)


def chart_value(text: object) -> str:
    """What a chart's click gives back (a team's tick label) as the name in the data."""
    return html.unescape(str(text))


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def day_label(value: Any) -> str:
    """'4 Mar 2018': the one way a date is written on screen, in exports and in the pack."""
    if is_missing(value):
        return ""
    t = pd.Timestamp(value)
    return f"{t.day} {t:%b %Y}"


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


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def span_words(first: Any, last: Any) -> str:
    """'over the year', 'over two years', 'over 18 months', 'over the month' between two month ends (24 month ends
    from April to March read as two years, as 12 month ends from March to March do as one)."""
    n = (pd.Timestamp(last).year - pd.Timestamp(first).year) * 12 + pd.Timestamp(last).month - \
        pd.Timestamp(first).month
    if n > 1 and n % 12 == 11:
        n += 1
    if n == 12:
        return "over the year"
    if n and n % 12 == 0:
        return f"over {NUMBER_WORDS.get(n // 12, n // 12)} years"
    return "over the month" if n == 1 else f"over {n} months"


def change_is_flat(first: float, last: float, unit: str) -> bool:
    """Too small a change to call a rise or a fall: under 1 point for a percentage, else under 2% of the start
    (and under 0.5 in the unit)."""
    d = abs(float(last) - float(first))
    if unit in PERCENT_UNITS:
        return d < 1.0
    return d < max(0.5, 0.02 * abs(float(first)))


def trend_direction(values: pd.Series, months: pd.Series, unit: str, higher_is_better: bool | None) -> str | None:
    """'better', 'worse', 'flat' or 'unrated' (neutral polarity) from the first to the last value shown; None
    with fewer than two values. What a sparkline's colour and a finding's verb both follow."""
    pairs = [(m, v) for m, v in zip(months, values, strict=False) if not is_missing(v)]
    if len(pairs) < 2:
        return None
    first, last = float(pairs[0][1]), float(pairs[-1][1])
    if change_is_flat(first, last, unit):
        return "flat"
    if higher_is_better is None:
        return "unrated"
    return "better" if (last > first) == bool(higher_is_better) else "worse"


def meets(value: float, target: float, higher_is_better: bool) -> bool:
    """Whether a value meets its target, with the measure's polarity."""
    return value >= target if higher_is_better else value <= target


def target_clause(values: pd.Series, months: pd.Series, target: float | None, higher_is_better: bool | None) -> str:
    """'on target since Jan 2017', 'above target since Mar 2016', 'below target throughout' for the months shown."""
    if target is None or is_missing(target) or higher_is_better is None:
        return ""
    pairs = [(m, float(v)) for m, v in zip(months, values, strict=False) if not is_missing(v)]
    if not pairs:
        return ""
    side = meets(pairs[-1][1], target, higher_is_better)
    since = pairs[-1][0]
    for m, v in reversed(pairs):
        if meets(v, target, higher_is_better) != side:
            break
        since = m
    if side:
        words = "on target"
    else:
        words = "below target" if higher_is_better else "above target"
    return f"{words} throughout" if since == pairs[0][0] and len(pairs) > 1 else f"{words} since {month_label(since)}"


def finding(title: str, unit: str, values: pd.Series, months: pd.Series, higher_is_better: bool | None,
            suppressed: bool | str = False, target: float | None = None) -> str:
    """A plain-English title that states the finding over the period shown, with its polarity and target:
    'Children with 3 or more social workers rose from 13.0% to 39.6% over two years; above target since Jan 2017'.

    `suppressed`: board mode hides the last month's figure ('fewer than 5 children', or the words given)."""
    if suppressed and len(months):
        words = suppressed if isinstance(suppressed, str) else "fewer than 5 children"
        return f"{title}: {words} in {month_long(list(months)[-1])} (hidden in board mode)"
    pairs = [(m, v) for m, v in zip(months, values, strict=False) if not is_missing(v)]
    if not pairs:
        return f"{title}: no data for this period"
    last_month, last = pairs[-1]
    when = month_long(last_month)
    if len(pairs) < 2:
        return f"{title}: {fmt_value(last, unit)} in {when}"
    first_month, first = pairs[0]
    low, high = min(float(v) for _, v in pairs), max(float(v) for _, v in pairs)
    if change_is_flat(float(first), float(last), unit) and not change_is_flat(low, high, unit):
        # the same at both ends but not in between (e.g. 0 episodes, then 1 in some months): not 'held'
        span = span_words(first_month, last_month).removeprefix("over ")
        bottom = fmt_value(low, unit) if unit in PERCENT_UNITS else fmt_value(low, "")
        head = (f"{title}: about {fmt_value(last, unit)} at both ends of {span} "
                f"(between {bottom} and {fmt_value(high, unit)})")
    elif change_is_flat(float(first), float(last), unit):
        head = f"{title} held at about {fmt_value(last, unit)} {span_words(first_month, last_month)}"
    else:
        verb = "rose" if float(last) > float(first) else "fell"
        head = (f"{title} {verb} from {fmt_value(first, unit)} to {fmt_value(last, unit)} "
                f"{span_words(first_month, last_month)}")
    clause = target_clause(pd.Series([v for _, v in pairs]), pd.Series([m for m, _ in pairs]), target,
                           higher_is_better)
    return f"{head}; {clause}" if clause else head


def as_date(value: Any) -> dt.date | None:
    """A datetime.date from a date-like value (None when missing)."""
    if is_missing(value):
        return None
    return pd.Timestamp(value).date()
