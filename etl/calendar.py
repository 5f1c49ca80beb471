"""Months and working days: England's bank holidays come from the maintained `holidays` package."""

from __future__ import annotations

import datetime as dt

import holidays
import pandas as pd

FIRST_YEAR = 1990
LAST_YEAR = 2040


def england_bank_holidays(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> pd.DataFrame:
    """Bank holidays in England (incl. substitute days) as a frame of holiday_date, name."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    rows = sorted(days.items())
    return pd.DataFrame({"holiday_date": [d for d, _ in rows], "name": [n for _, n in rows]})


def add_working_days(start: dt.date, n: int, bank_holidays: set[dt.date]) -> dt.date:
    """The date `n` working days after `start` (Mon-Fri, not a bank holiday); used by tests and the generator."""
    d = start
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in bank_holidays:
            n -= 1
    return d


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month-end date from the month of `first` to the month of `last`, inclusive."""
    out: list[dt.date] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        out.append(nxt - dt.timedelta(days=1))
        y, m = nxt.year, nxt.month
    return out
