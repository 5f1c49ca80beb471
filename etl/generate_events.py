"""Statutory practice around each period of care: visits, reviews, health assessments, missing episodes, interviews.

Each schedule follows the statutory timescale (shared/reference/ssda903-codes.md) mostly in time, with some late,
and carries the inspectors' stories in the last months of the data. All dates are day ordinals.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from dataclasses import dataclass, field

from etl import generate_params as P
from etl.generate_children import YEAR, Period, Strata, birthday

MINUTES = 1440


def add_months(o: int, n: int) -> int:
    """The same day `n` calendar months later (clamped to the month's last day), as an ordinal."""
    d = dt.date.fromordinal(o)
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    day = d.day
    while True:
        try:
            return dt.date(y, m, day).toordinal()
        except ValueError:
            day -= 1


@dataclass
class Context:
    """What every schedule needs: the data window, working days and the story windows."""

    d0: int  # first day of data
    d1: int  # last day of data
    working_days: list[int]  # sorted ordinals of working days (Mon-Fri, not bank holidays)
    story: float  # 0..1 strength of the stories for this authority
    missing_trend: dict[int, float] = field(default_factory=dict)  # collection year -> missing rate multiplier
    story_from: int = 0  # stories show from here (last ~18 months)
    iha_from: int = 0  # IHA timeliness declines from here (last ~6 months)

    def __post_init__(self) -> None:
        self.story_from = add_months(self.d1 + 1, -P.STORY_MONTHS)
        self.iha_from = add_months(self.d1 + 1, -P.IHA_STORY_MONTHS)
        self._april = {y: dt.date(y, 4, 1).toordinal() for y in range(1900, 2200)}

    def collection_year(self, o: int) -> int:
        """The SSDA903 collection year (to 31 March) holding day `o`."""
        y = dt.date.fromordinal(o).year
        return y + 1 if o >= self._april[y] else y

    def add_wd(self, o: int, n: int) -> int:
        """The date `n` working days after `o`."""
        i = bisect_right(self.working_days, o)
        return self.working_days[i + n - 1]

    def blend(self, base: float, story_value: float, day: int) -> float:
        """`base` before the story window, moving towards `story_value` (by the story strength) inside it."""
        return base + (story_value - base) * self.story if day >= self.story_from else base


def _foster_c2(p: Period, day: int) -> bool:
    for e in reversed(p.episodes):
        if e.decom <= day:
            return e.ls == "C2" and e.placement.place in P.FOSTER
    return False


def visits(r: random.Random, p: Period, ctx: Context) -> list[int]:
    """Visit dates: within 7 days of each placement start, then <= 6 weeks (3 months once long-term), some late."""
    out: list[int] = []
    end = min(p.end - 1, ctx.d1)
    if end < ctx.d0:
        return out
    changes = [a[1] for a in p.allocations[1:]]
    lapse = p.lapse_at
    last = 0  # the latest visit, in or before the data window
    places = p.placements
    for i, pl in enumerate(places):
        ps = pl.start
        pe = places[i + 1].start if i + 1 < len(places) else p.end
        if pe <= ctx.d0 or ps > end:
            continue
        anniversary = add_months(ps, 12)
        if ps < ctx.d0:
            v = ctx.d0 - r.randrange(1, 40)
        else:
            v = ps + (r.randrange(0, 8) if r.random() < P.VISIT_FIRST_ON_TIME else r.randrange(8, 21))
            if last:  # a late first visit never leaves a gap as long as the story child's
                v = max(ps, min(v, last + 105), last + 1)
            if v >= pe:
                continue
            last = v
            if ctx.d0 <= v <= end:
                out.append(v)
        while True:
            long_term = v >= anniversary and _foster_c2(p, v)
            limit = add_months(v, 3) - v if long_term else 42
            k = bisect_right(changes, v + limit)
            recent = k > 0 and changes[k - 1] > v - 90
            if recent:
                late_p = ctx.blend(P.VISIT_LATE_AFTER_CHANGE_P, P.VISIT_LATE_AFTER_CHANGE_STORY_P, v)
            else:
                late_p = P.VISIT_LATE_P
            if r.random() < late_p:  # late, but never as late as the one story child's ~4 months
                nxt = v + limit + 1 + min(14 if long_term else 40, int(r.expovariate(1 / 12)))
            else:
                nxt = v + r.randrange(int(limit * 0.55), limit + 1)
            if lapse and v <= lapse < nxt:
                # the story child: a last visit just before the change of worker, then ~4 months unseen
                w = lapse - r.randrange(2, 9)
                if v < w < nxt:
                    v = last = w
                    if ctx.d0 <= v <= end:
                        out.append(v)
                nxt = v + 118 + r.randrange(6)
                lapse = 0
            elif (nxt + 6) % 7 >= 5 and r.random() < 0.85 and nxt - 2 > v:
                nxt -= (nxt + 6) % 7 - 4
            if nxt >= pe:
                break
            v = last = nxt
            if ctx.d0 <= v <= end:
                out.append(v)
            elif v > end:
                break
    return out


def reviews(r: random.Random, p: Period, ctx: Context) -> list[int]:
    """Review dates: first within 20 working days, second within 3 months, then within 6 months; mostly in time."""
    out: list[int] = []
    if r.random() < P.REVIEW_ON_TIME:
        d = ctx.add_wd(p.start, 8 + r.randrange(13))
    else:
        d = ctx.add_wd(p.start, 21 + r.randrange(15))
    n = 1
    stop = min(p.end - 1, ctx.d1)
    while d <= stop:
        if d >= ctx.d0:
            out.append(d)
        limit = add_months(d, 3 if n == 1 else 6)
        if r.random() < P.REVIEW_ON_TIME:
            d = max(d + 20, limit - r.randrange(35))
        else:
            d = limit + 1 + r.randrange(40)
        n += 1
    return out


def health(r: random.Random, p: Period, ctx: Context, strata: Strata) -> list[tuple[int, str]]:
    """IHA within 20 working days (declining at the end), RHA 6-monthly under 5 and yearly from 5, dental yearly.

    Whether a review assessment is missed, late or in time is a stratified draw, so the authority's yearly share
    of children with their annual assessment stays near its calibrated level.
    """
    out: list[tuple[int, str]] = []
    dob = p.child.dob
    stop = p.end - 1
    on_time = P.IHA_ON_TIME
    if p.start >= ctx.iha_from:
        frac = (p.start - ctx.iha_from) / max(1, ctx.d1 - ctx.iha_from)
        on_time -= (P.IHA_ON_TIME - P.IHA_ON_TIME_STORY_END) * ctx.story * min(1.0, 0.3 + frac)
    if r.random() < on_time:
        iha = ctx.add_wd(p.start, 3 + r.randrange(18))
    else:
        iha = ctx.add_wd(p.start, 21 + min(80, int(r.expovariate(1 / 15))))
    if iha <= stop and r.random() > 0.03:
        out.append((iha, "IHA"))
    prev = iha
    five = birthday(dob, 5)
    fifteen = birthday(dob, 15)
    while True:
        due = add_months(prev, 6 if prev < five else 12)
        skip = P.RHA_SKIP_TEEN_P if prev >= fifteen else P.RHA_SKIP_P
        if prev < five:
            skip /= 3
        u = strata.next("rha")
        if u < skip:
            prev = due
            continue
        if u < skip + P.RHA_LATE_P:
            d = due + 1 + min(30, int(r.expovariate(1 / 15)))
        else:
            d = due - r.randrange(25 if prev < five else 60)
        if d > stop:
            break
        out.append((d, "RHA"))
        prev = d
    d = max(p.start + 30 + r.randrange(90), birthday(dob, 1))
    while d <= stop:
        u = r.random()
        if u >= P.DENTAL_SKIP_P:
            out.append((d, "DENTAL"))
        due = add_months(d, 12)
        d = due + 1 + int(r.expovariate(1 / 40)) if u > 0.92 else due - r.randrange(60)
    out.sort()
    return out


def missing_rates(r: random.Random, p: Period) -> None:
    """Decide whether a child aged 11+ in this period goes missing or away, and how often (episodes a year)."""
    b11 = birthday(p.child.dob, 11)
    if b11 >= p.end:
        return
    age = (max(p.start, b11) - p.child.dob) / YEAR
    if r.random() < P.MISSING_GOER_P[1 if age >= 13 else 0]:
        p.missing_rate = r.gammavariate(*P.MISSING_RATE) + 0.3
    if r.random() < P.AWAY_GOER_P:
        p.away_rate = r.gammavariate(*P.AWAY_RATE) + 0.2


def missing(r: random.Random, p: Period, ctx: Context) -> list[tuple[str, int, int]]:
    """Missing (M) and away (A) episodes: (type, start minute, end minute or -1 if not back by the data end)."""
    out: list[tuple[str, int, int]] = []
    rate = p.missing_rate + p.away_rate
    if rate <= 0:
        return out
    b11 = birthday(p.child.dob, 11)
    t = float(max(p.start, b11, ctx.d0 - 30))
    stop = min(p.end, ctx.d1 + 1)
    top = max(ctx.missing_trend.values(), default=1.0)
    gap = 365.0 / (rate * top)
    while True:
        t += r.expovariate(1.0 / gap)
        day = int(t)
        if day >= stop - 1:
            break
        if r.random() * top > ctx.missing_trend.get(ctx.collection_year(day), 1.0):
            continue  # thinning: the year's rate is below the top rate
        kind = "M" if r.random() * rate < p.missing_rate else "A"
        start = day * MINUTES + 14 * 60 + r.randrange(10 * 60)
        dur = int(min(20 * MINUTES, r.lognormvariate(6.4, 1.0)))  # median ~10 hours
        end = min(start + dur, p.end * MINUTES + 10 * 60, (p.end - 1) * MINUTES + 23 * 60)
        if end < start:
            end = start + 60
        if end // MINUTES > ctx.d1:
            end = -1
        if day >= ctx.d0:
            out.append((kind, start, end))
        if end < 0:
            break
        t = max(t, end / MINUTES + 1)
    return out


def _office_hours(r: random.Random, minute: int) -> int:
    """Move a moment into office hours (9:00-17:00), to the next morning if it falls in the evening or night."""
    day, m = divmod(minute, MINUTES)
    if m < 9 * 60:
        m = 9 * 60 + r.randrange(120)
    elif m >= 17 * 60:
        day, m = day + 1, 9 * 60 + r.randrange(180)
    return day * MINUTES + m


def return_interview(r: random.Random, end: int, ctx: Context) -> tuple[int, int, str] | None:
    """(offered minute, interview minute or -1, accepted Y/N) for an episode that ended at minute `end`; or None."""
    day = end // MINUTES
    if r.random() >= ctx.blend(P.RHI_RECORD_P, P.RHI_RECORD_STORY_P, day):
        return None
    if r.random() < ctx.blend(P.RHI_ON_TIME_P, P.RHI_ON_TIME_STORY_P, day):
        offered = _office_hours(r, end + 120 + r.randrange(60 * 60))
        offered = min(offered, end + 72 * 60 - r.randrange(1, 120))
    else:
        offered = max(_office_hours(r, end + 73 * 60 + int(r.expovariate(1 / (4 * MINUTES)))), end + 73 * 60)
    if offered // MINUTES > ctx.d1:
        return None
    if r.random() < P.RHI_ACCEPTED_P:
        done = _office_hours(r, offered + r.randrange(48 * 60))
        return offered, (done if done // MINUTES <= ctx.d1 else -1), "Y"
    return offered, -1, "N"
