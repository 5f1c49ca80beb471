"""Children's care histories for the synthetic authority: who comes into care, why, for how long, and where they live.

Dates are day ordinals (datetime.date.toordinal) throughout: integer arithmetic keeps national-scale runs fast.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from etl import generate_params as P

YEAR = 365.25


class Table:
    """A weighted choice table: `pick(r)` returns a key with probability proportional to its weight."""

    __slots__ = ("keys", "cum", "total")

    def __init__(self, weights: dict[str, float]):
        self.keys = tuple(weights)
        self.cum = tuple(accumulate(weights.values()))
        self.total = self.cum[-1]

    def pick(self, r: random.Random) -> str:
        return self.at(r.random())

    def at(self, u: float) -> str:
        """The key at quantile `u` (0 <= u < 1)."""
        return self.keys[bisect(self.cum, u * self.total)]


class Strata:
    """Stratified draws for the few choices that decide how long children stay (pathway, care to 18).

    Each named choice walks its own Weyl sequence (u + golden ratio mod 1) from a random start, so over any run of
    children the shares come out as weighted: the number looked after wanders far less than independent draws
    would make it, while who gets which pathway still looks random.
    """

    STEP = 0.6180339887498949

    def __init__(self, r: random.Random):
        self.r = r
        self.u: dict[object, float] = {}

    def next(self, key: object) -> float:
        u = self.u.get(key)
        u = self.r.random() if u is None else (u + self.STEP) % 1.0
        self.u[key] = u
        return u


ETHNIC = Table(P.ETHNIC_MIX)
UASC_ETHNIC = Table(P.UASC_ETHNIC)
CIN = Table(P.CIN_MIX)
RPC = Table(P.RPC_MIX)
AGE_BANDS = Table({str(i): w for i, (_, _, w) in enumerate(P.ENTRY_AGE)})
PLACES = tuple((hi, Table(w)) for hi, w in P.PLACE_BY_AGE)
PROVIDERS = {k: Table(v) for k, v in P.PROVIDER.items()}
KIN = Table({"U1": 5, "U2": 3, "U3": 2})
E17_FROM = dt.date(2017, 4, 1).toordinal()  # "remained with former foster carers" reported from 2017/18


class Placement:
    """One placement: where the child lives from `start` (a new placement = a new carer or setting)."""

    __slots__ = ("start", "place", "provider", "urn", "post")

    def __init__(self, start: int, place: str, provider: str, urn: str, post: str):
        self.start, self.place, self.provider, self.urn, self.post = start, place, provider, urn, post


class Episode:
    """An SSDA903 episode: one legal status and one placement; `dec` is the next episode's start or the period end."""

    __slots__ = ("decom", "dec", "rne", "ls", "placement", "rpc", "rec")

    def __init__(self, decom: int, rne: str, ls: str, placement: Placement, rpc: str):
        self.decom, self.rne, self.ls, self.placement, self.rpc = decom, rne, ls, placement, rpc
        self.dec = 0
        self.rec = "X1"


class Period:
    """A period of care: from starting to be looked after (RNE S) to ceasing (the last episode's REC)."""

    __slots__ = ("child", "start", "end", "rec", "cin", "home_post", "episodes", "placements", "allocations",
                 "team", "missing_rate", "away_rate", "lapse_at")

    def __init__(self, child: Child, start: int):
        self.child = child
        self.start = start
        self.end = 0
        self.rec = ""
        self.cin = ""
        self.home_post = ""
        self.episodes: list[Episode] = []
        self.placements: list[Placement] = []
        self.allocations: list[list] = []  # [sw_id, sw_decom, sw_dec or None, sw_reason]
        self.team = 0
        self.missing_rate = 0.0
        self.away_rate = 0.0
        self.lapse_at = 0  # the story child: date from which one ~4-month gap in visits starts


class Child:
    """A child and their periods of care."""

    __slots__ = ("dob", "sex", "ethnic", "uasc", "periods", "mc_dob", "cid", "upn")

    def __init__(self, dob: int, sex: str, ethnic: str, uasc: bool):
        self.dob, self.sex, self.ethnic, self.uasc = dob, sex, ethnic, uasc
        self.periods: list[Period] = []
        self.mc_dob = 0
        self.cid = ""
        self.upn = ""


def birthday(dob: int, years: int) -> int:
    """Ordinal of the `years`-th birthday (29 February birthdays fall on 1 March)."""
    d = dt.date.fromordinal(dob)
    try:
        return dt.date(d.year + years, d.month, d.day).toordinal()
    except ValueError:
        return dt.date(d.year + years, 3, 1).toordinal()


def _exp(r: random.Random, mean: float) -> int:
    return int(r.expovariate(1.0 / mean))


def _place_for_age(r: random.Random, age: float) -> str:
    for hi, table in PLACES:
        if age < hi:
            return table.pick(r)
    return PLACES[-1][1].pick(r)


def _placement(r: random.Random, start: int, place: str) -> Placement:
    provider = PROVIDERS[place].pick(r) if place in PROVIDERS else ""
    urn = f"SCZ{r.randrange(1, 80):05d}" if place in P.URN_PLACES else ""
    post = f"ZZ{r.randrange(1, 20)} {r.randrange(1, 10)}"
    return Placement(start, place, provider, urn, post)


def _leaving_rec(r: random.Random, age: float, end: int, at_18: bool) -> str:
    if at_18:
        if end >= E17_FROM and r.random() < 0.2:
            return "E17"
        return ("E8", "E8", "E8", "E5", "E5", "E6", "E8")[r.randrange(7)]
    if age < 16:
        return ("E41", "E45", "E4A", "E4A", "E13", "E46", "E3")[r.randrange(7)]
    return ("E5", "E6", "E4B", "E4B", "E13", "E8")[r.randrange(6)]


def _legal_plan(r: random.Random, path: str, start: int, age: float, b18: int, uasc: bool, strata: Strata
                ) -> tuple[list[tuple[int, str]], int, str, int]:
    """Legal statuses [(from, LS)], period end, REC, and a forced placement date (adoption placement or home)."""
    lead: list[tuple[int, str]] = []
    t = start
    if path in ("proc_home", "sgo", "adopt", "long_court"):
        u = r.random()
        if u < 0.12:
            lead = [(t, ("L1", "L2")[r.randrange(2)])]
            t += 1 + r.randrange(3)
        elif u < 0.40:
            lead = [(t, "V2")]
            t += 14 + r.randrange(80)
    forced = 0
    if path == "home_short":
        ls = "V2" if r.random() < 0.9 or age < 10 else "J1"
        if r.random() < 0.07:
            ls = "C1"
        end = start + 1 + _exp(r, 80)
        rec = ("E4A", "E4A", "E4A", "E4A", "E4A", "E4B", "E4B", "E13", "E13", "E13", "E3", "E8")[r.randrange(12)]
        plan = [(start, ls)]
    elif path == "custody":
        plan = [(start, "J1" if r.random() < 0.7 else "J2")]
        end = start + 10 + r.randrange(110)
        rec = ("E9", "E9", "E8", "E4B", "E4B")[r.randrange(5)]
    elif path == "long_s20":
        plan = [(start, "V2")]
        if uasc or strata.next("s20_to_18") < P.LONG_S20_TO18_P:
            end = b18
        else:
            end = start + 60 + _exp(r, P.LONG_S20_MEAN * YEAR)
        rec = ""
    else:
        c1_end = t + 180 + r.randrange(150)
        plan = lead + [(t, "C1")]
        if path == "proc_home":
            end = c1_end
            rec = ("E4A", "E4A", "E41", "E13", "E13")[r.randrange(5)]
            if r.random() < 0.3:
                forced = end - 30 - r.randrange(90)
        elif path == "sgo":
            end = c1_end + r.randrange(60)
            rec = "E45" if r.random() < 0.45 else "E46"
        elif path == "adopt":
            plan.append((c1_end, "E1"))
            forced = c1_end + 60 + r.randrange(180)
            end = forced + 150 + r.randrange(180)
            rec = "E11" if r.random() < 0.85 else "E12"
        else:  # long_court
            plan.append((c1_end, "C2"))
            to_18 = strata.next("court_to_18") < P.LONG_COURT_TO18_P
            end = b18 if to_18 else c1_end + _exp(r, P.LONG_COURT_MEAN * YEAR)
            rec = ""
    if end >= b18:
        end, rec = b18, _leaving_rec(r, 18.0, b18, True)
    elif not rec:
        rec = _leaving_rec(r, (end - start) / YEAR + age, end, False)
    end = max(end, start + 1)
    plan = [(d, ls) for d, ls in plan if d < end]
    if forced and not (plan[0][0] + 20 < forced < end - 5):
        forced = 0
    return plan, end, rec, forced


def _placements(r: random.Random, sp: Strata, child: Child, path: str, start: int, end: int, forced: int,
                horizon: int
                ) -> list[Placement]:
    """Placements of a period: a renewal process of short and long placements, plus any forced move.

    Some children (more of them older) are unstable: most of their placements break down within months. The
    others may start in a short emergency placement and then mostly stay put.
    """
    out: list[Placement] = []
    t = start
    first = True
    stop = min(end, horizon)
    older = (start - child.dob) / YEAR >= 10
    unstable = sp.next(("unstable", older)) < (P.UNSTABLE_OLDER_P if older else P.UNSTABLE_YOUNGER_P)
    while t < stop:
        age = (t - child.dob) / YEAR
        if child.uasc:
            place = "H5" if age >= 16 and r.random() < 0.6 else "U4"
        elif path == "sgo" and (first or r.random() < 0.5):
            place = KIN.pick(r)
        else:
            place = _place_for_age(r, age)
        if path in ("adopt", "sgo") and place not in P.FOSTER:
            place = "U4"
        out.append(_placement(r, t, place))
        if unstable:
            short_p = P.UNSTABLE_SHORT_P
        elif first:
            short_p = P.FIRST_SHORT_P
        else:
            short_p = P.LATER_SHORT_P
        short = sp.next(short_p) < short_p  # stratified: moves per year vary less between runs
        t += 1 + (_exp(r, P.SHORT_MEAN) if short else _exp(r, P.LONG_MEAN))
        first = False
        if forced and t >= forced > out[-1].start:
            break
    if forced and forced < stop:
        out = [p for p in out if p.start < forced]
        if path == "adopt":
            place = "A6" if r.random() < 0.35 else "A5"
        else:
            place = "P1"
        out.append(_placement(r, forced, place))
    return out


def _episodes(r: random.Random, plan: list[tuple[int, str]], placements: list[Placement], end: int
              ) -> list[Episode]:
    """Split a period at every change of legal status or placement into SSDA903 episodes."""
    ls_at = dict(plan)
    pl_at = {p.start: p for p in placements}
    cuts = sorted(set(ls_at) | set(pl_at))
    eps: list[Episode] = []
    ls, pl = plan[0][1], placements[0]
    for d in cuts:
        if d >= end:
            break
        new_ls, new_pl = d in ls_at and d != cuts[0], d in pl_at and d != cuts[0]
        ls = ls_at.get(d, ls)
        pl = pl_at.get(d, pl)
        if not eps:
            rne = "S"
        elif new_ls and new_pl:
            rne = "P"
        elif new_ls:
            rne = "L"
        else:
            rne = "T"
        rpc = ""
        if rne in ("P", "T"):
            rpc = "CARPL" if pl.place in ("A5", "A6", "P1") else RPC.pick(r)
        eps.append(Episode(d, rne, ls, pl, rpc))
    for a, b in zip(eps, eps[1:], strict=False):
        a.dec = b.decom
    eps[-1].dec = end
    return eps


_PATHWAY_CACHE: dict[tuple[int, float], Table] = {}


def _pathways(band: int, short_stay: float) -> Table:
    """Pathway table for an age band, with short stays made more or less common by `short_stay`."""
    key = (band, short_stay)
    if key not in _PATHWAY_CACHE:
        w = dict(P.PATHWAYS[band])
        w["home_short"] = w["home_short"] * short_stay
        _PATHWAY_CACHE[key] = Table(w)
    return _PATHWAY_CACHE[key]


def simulate_period(r: random.Random, strata: Strata, child: Child, start: int, horizon: int, keep_from: int,
                    short_stay: float = 1.0, rp: random.Random | None = None, sp: Strata | None = None
                    ) -> Period:
    """One period of care from `start`; only its dates (no episodes) if it ends before `keep_from`.

    `r` draws who comes in and for how long; `rp` (default `r`) draws where they live, so placement settings can
    be tuned without changing who is looked after when.
    """
    rp = rp or r
    sp = sp or strata
    age = (start - child.dob) / YEAR
    band = 0
    while band < len(P.ENTRY_AGE) - 1 and age >= P.ENTRY_AGE[band][1]:
        band += 1
    path = "long_s20" if child.uasc else _pathways(band, short_stay).at(strata.next(("path", band)))
    b18 = birthday(child.dob, 18)
    plan, end, rec, forced = _legal_plan(r, path, start, age, b18, child.uasc, strata)
    period = Period(child, start)
    period.end, period.rec = end, rec
    if end < keep_from:
        return period  # no detail needed: the caller keeps it only to decide on a later re-entry
    period.cin = "N8" if child.uasc else CIN.pick(rp)
    period.home_post = f"ZZ{rp.randrange(1, 20)} {rp.randrange(1, 10)}"
    period.placements = _placements(rp, sp, child, path, start, end, forced, horizon)
    period.episodes = _episodes(rp, plan, period.placements, end)
    period.episodes[-1].rec = rec
    return period


def simulate_child(r: random.Random, strata: Strata, start: int, horizon: int, keep_from: int,
                   short_stay: Callable[[int], float] = lambda day: 1.0, rp: random.Random | None = None,
                   sp: Strata | None = None) -> Child | None:
    """A child who starts to be looked after on `start`, with any later re-entries; None if never in our window.

    `short_stay(day)` scales how common short stays (quick returns home) are for a period starting on `day`.
    """
    if r.random() < P.UASC_SHARE:
        age = 14.0 + 3.9 * r.random()
        sex, uasc = ("1" if r.random() < 0.92 else "2"), True
        ethnic = UASC_ETHNIC.pick(r)
    else:
        lo, hi, _ = P.ENTRY_AGE[int(AGE_BANDS.pick(r))]
        age = lo + (hi - lo) * r.random()
        sex, uasc = ("1" if r.random() < P.MALE_SHARE else "2"), False
        ethnic = ETHNIC.pick(r)
    dob = start - int(age * YEAR) - 1
    child = Child(dob, sex, ethnic, uasc)
    t = start
    for _ in range(3):
        period = simulate_period(r, strata, child, t, horizon, keep_from, short_stay(t), rp, sp)
        if period.episodes:
            child.periods.append(period)
        if period.rec not in ("E4A", "E4B", "E13") or r.random() >= 0.12:
            break
        t = period.end + 30 + _exp(r, 300)
        if t >= horizon or (t - dob) / YEAR >= 17.5:
            break
    if not child.periods:
        return None
    if sex == "2" and not uasc and r.random() < 0.03:
        first = max(birthday(dob, 15), child.periods[0].start)
        last = child.periods[-1].end
        if first < last:
            child.mc_dob = first + r.randrange(last - first)
    return child
