"""The synthetic authority's social workers: posts, spells (starters, leavers, agency cover) and who holds which child.

Posts are filled one after another; when a post falls vacant the authority hires agency or permanent staff so that
the agency share follows its target, and each workforce year (to 30 September) a set number of permanent staff
leave, so turnover follows its target too. Children are then allocated to case holders by a sweep through time.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable

from etl import generate_params as P
from etl.generate_children import Period, Table

LEAVE_REASONS = Table(P.LEAVE_REASONS)
SW_REASONS = Table(P.SW_REASONS)


class Spell:
    """A worker's spell in one role and team; `end` is the last day in post (0 while in post)."""

    __slots__ = ("sw", "team", "role", "agency", "fte", "start", "end", "reason")

    def __init__(self, sw: str, team: int, role: int, agency: bool, fte: float, start: int):
        self.sw, self.team, self.role, self.agency, self.fte, self.start = sw, team, role, agency, fte, start
        self.end = 0
        self.reason = ""


def csww_year(o: int) -> int:
    """The census year a date falls in: 1 October to 30 September, named by the September's year."""
    d = dt.date.fromordinal(o)
    return d.year + 1 if d.month >= 10 else d.year


def _fte(r: random.Random) -> float:
    u = r.random()
    return 1.0 if u < 0.75 else 0.8 if u < 0.87 else 0.6 if u < 0.95 else 0.5


class Workforce:
    """Posts per team and the spells that filled them between `t0` and `t1` (both day ordinals)."""

    def __init__(self, r: random.Random, agency: dict[int, float], turnover: dict[int, float],
                 cla_at: Callable[[int], int], t0: int, t1: int):
        self.r, self.agency, self.turnover, self.cla_at, self.t0, self.t1 = r, agency, turnover, cla_at, t0, t1
        n_case = self._needed(t0)
        self.n_teams = max(1, round(n_case / P.POSTS_PER_TEAM))
        # posts: (team, manager?) - one team manager per team, case holders shared out round-robin
        self.posts = [(t, True) for t in range(self.n_teams)] + [(i % self.n_teams, False) for i in range(n_case)]
        self.spells: list[Spell] = []
        self.current: list[Spell | None] = [None] * len(self.posts)
        self.next_agency = [False] * len(self.posts)
        self.closed = [False] * len(self.posts)  # no longer funded: not refilled when the holder leaves
        self.post_log: list[tuple[int, int, int]] = []  # (day, team, +1 opened / -1 closed)
        self._n = 0
        self._events: list[tuple[int, int, int, str, int]] = []
        self._seq = 0
        self._year_leavers = 0.0
        self._leaving: set[int] = set()
        self._simulate()

    def _needed(self, day: int) -> int:
        """Case-holding posts funded for the children looked after on `day` (caseload target, allowing vacancies)."""
        return max(2, round(self.cla_at(day) / P.TARGET_CASELOAD / P.POST_FILL))

    # --- event plumbing ---
    def _push(self, day: int, kind: str, post: int) -> None:
        self._seq += 1
        heapq.heappush(self._events, (day, 0 if post < 0 else 1, self._seq, kind, post))

    def _new_id(self) -> str:
        self._n += 1
        return f"SW{self._n:04d}"

    def _share(self) -> float:
        """Agency share of FTE in post, counting vacant posts as the kind of hire already decided for them."""
        fte = ag = 0.0
        for s, nxt, closed in zip(self.current, self.next_agency, self.closed, strict=True):
            if s is None:
                if closed:
                    continue
                fte += 1.0
                ag += 1.0 if nxt else 0.0
            else:
                fte += s.fte
                ag += s.fte if s.agency else 0.0
        return ag / fte if fte else 0.0

    def _hire(self, post: int, start: int, agency: bool) -> Spell:
        team, manager = self.posts[post]
        role = 3 if manager else (4 if self.r.random() < 0.2 else 5)
        spell = Spell(self._new_id(), team, role, agency, 1.0 if agency or manager else _fte(self.r), start)
        self.spells.append(spell)
        self.current[post] = spell
        if agency:
            self._push(max(start + 30, self.t0) + int(self.r.expovariate(1 / P.AGENCY_SPELL_MEAN)), "leave", post)
        return spell

    def _simulate(self) -> None:
        r = self.r
        # the posts start with the target share of agency staff, all in case-holding posts
        target = self.agency.get(csww_year(self.t0), 0.3)
        case_posts = [i for i, (_, manager) in enumerate(self.posts) if not manager]
        n_agency = min(len(case_posts), round(target * len(self.posts)))
        agency_posts = set(r.sample(case_posts, n_agency))
        for post in range(len(self.posts)):
            agency = post in agency_posts
            back = 10 + r.randrange(300) if agency else 60 + r.randrange(3000)
            self._hire(post, self.t0 - back, agency)
        self.post_log = [(min(sp.start for sp in self.spells), team, 1) for team, _ in self.posts]
        y = dt.date.fromordinal(self.t0).year
        for year in range(y - 1, dt.date.fromordinal(self.t1).year + 1):
            oct1 = dt.date(year, 10, 1).toordinal()
            if self.t0 < oct1 <= self.t1:
                self._push(oct1, "year", -1)
            for month in range(1, 13):
                first = dt.date(year, month, 1).toordinal()
                if self.t0 <= first <= self.t1:
                    self._push(first, "month", -1)
        self._year_start(self.t0)
        # as if this census year's leavers before t0 had left already
        perm_fte = sum(s.fte for s in self.current if s is not None and not s.agency)
        before = (dt.date.fromordinal(self.t0).month - 10) % 12
        self._year_leavers = self.turnover.get(csww_year(self.t0), 0.2) * perm_fte * before / 12
        while self._events:
            day, _, _, kind, post = heapq.heappop(self._events)
            if day > self.t1:
                break
            if kind == "year":
                self._year_start(day)
            elif kind == "month":
                self._posts(day)
                self._month(day)
            elif kind == "leave":
                self._leave(post, day)
            elif kind == "fill":
                self._fill(post, day)
            elif kind == "promote":
                self._promote(post, day)

    def _year_start(self, day: int) -> None:
        """A new census year (to 30 September): reset the leavers count and decide promotions."""
        r = self.r
        self._year_leavers = 0.0
        span = dt.date(csww_year(day), 9, 30).toordinal() - day + 1
        for i, s in enumerate(self.current):
            if s is not None and not s.agency and s.role == 5 and r.random() < 0.07 * span / 365.0:
                self._push(day + r.randrange(span), "promote", i)

    def _month(self, day: int) -> None:
        """Schedule this month's permanent leavers so that, by 30 September, leavers' FTE is the turnover target
        times the permanent FTE in post (tracked month by month, so it follows the staff actually in post)."""
        r = self.r
        d = dt.date.fromordinal(day)
        months_done = (d.month - 10) % 12 + 1  # October is month 1 of the census year
        days = (dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1) - d).days
        perm = [i for i, s in enumerate(self.current) if s is not None and not s.agency and i not in self._leaving]
        perm_fte = sum(self.current[i].fte for i in perm)
        goal = self.turnover.get(csww_year(day), 0.2) * perm_fte * months_done / 12
        for i in r.sample(perm, len(perm)):
            fte = self.current[i].fte
            if self._year_leavers + fte > goal + 0.5:
                continue
            self._year_leavers += fte
            self._leaving.add(i)
            self._push(day + r.randrange(days), "leave", i)

    def _posts(self, day: int) -> None:
        """Open or close case-holding posts as the number of children looked after changes (each month)."""
        needed = self._needed(day)
        active = [i for i, (_, manager) in enumerate(self.posts) if not manager and not self.closed[i]]
        per_team = [0] * self.n_teams
        for i in active:
            per_team[self.posts[i][0]] += 1
        if needed > len(active):
            for _ in range(needed - len(active)):
                team = min(range(self.n_teams), key=lambda t: (per_team[t], t))
                per_team[team] += 1
                self.posts.append((team, False))
                self.current.append(None)
                self.next_agency.append(False)
                self.closed.append(False)
                self.post_log.append((day, team, 1))
                self._vacant(len(self.posts) - 1, day)
        elif needed < len(active) - 1:  # a little slack before a post is cut
            order = sorted(active, key=lambda i: (self.current[i] is not None, self.r.random()))
            for i in order[: len(active) - needed]:
                self.closed[i] = True
                self.post_log.append((day, self.posts[i][0], -1))

    def _leave(self, post: int, day: int) -> None:
        s = self.current[post]
        if s is None or s.end:
            return
        s.end = day
        s.reason = "9" if s.agency else LEAVE_REASONS.pick(self.r)
        self.current[post] = None
        self._leaving.discard(post)
        if not self.closed[post]:
            self._vacant(post, day)

    def _vacant(self, post: int, day: int) -> None:
        """A post fell vacant on `day`: decide agency or permanent cover and when it starts."""
        self.next_agency[post] = False
        # Hire whichever kind brings the agency share nearer its target (managers are rarely agency staff).
        target = self.agency.get(csww_year(day), 0.3)
        self.next_agency[post] = True
        with_agency = abs(self._share() - target)
        self.next_agency[post] = False
        with_perm = abs(self._share() - target)
        if self.posts[post][1]:
            agency = with_agency < with_perm and self.r.random() < 0.4
        elif abs(with_agency - with_perm) < 0.01:
            agency = self.r.random() < 0.5
        else:
            agency = with_agency < with_perm
        if self.posts[post][1]:
            gap = 0  # someone acts up as team manager at once
        elif agency:
            gap = self.r.randrange(0, 15)
        else:
            gap = self.r.randrange(20, 90)
        self.next_agency[post] = agency
        self._push(day + 1 + gap, "fill", post)

    def _fill(self, post: int, day: int) -> None:
        if self.current[post] is None and not self.closed[post]:
            self._hire(post, day, self.next_agency[post])

    def _promote(self, post: int, day: int) -> None:
        s = self.current[post]
        if s is None or s.role != 5 or s.start >= day:
            return
        s.end = day - 1
        new = Spell(s.sw, s.team, 4, s.agency, s.fte, day)
        self.spells.append(new)
        self.current[post] = new

    def establishment(self) -> list[tuple[int, float, int, int]]:
        """Funded posts per team over time, managers included: (team, FTE, first day, last day or 0)."""
        rows = []
        for team in range(self.n_teams):
            count, start, held = 0, 0, 0
            changes = sorted((d, delta) for d, t, delta in self.post_log if t == team)
            for i, (day, delta) in enumerate(changes):
                count += delta
                if i + 1 < len(changes) and changes[i + 1][0] == day:
                    continue
                if start:
                    rows.append((team, float(held), start, day - 1))
                start, held = day, count
            rows.append((team, float(held), start, 0))
        return rows


class Allocator:
    """Sweep through time allocating each looked-after child to a case holder in their team, and reallocating."""

    def __init__(self, r: random.Random, wf: Workforce, periods: list[Period], t0: int, t1: int,
                 story_from: int, story: float, lapses: dict[int, int]):
        self.r, self.wf, self.t0, self.t1 = r, wf, t0, t1
        self.pool: list[dict[str, int]] = [{} for _ in range(wf.n_teams)]  # team -> {sw: role} in post
        self.cases: dict[str, dict[int, Period]] = {}
        self.team_load = [0] * wf.n_teams
        self.by_id: dict[int, Period] = {}
        self.pending: dict[int, Period] = {}
        self.n_posts = [0] * wf.n_teams
        for team, manager in wf.posts:
            if not manager:
                self.n_posts[team] += 1
        ev: list[tuple[int, int, int, str, object]] = []
        seq = 0

        def push(day: int, prio: int, kind: str, obj: object) -> None:
            nonlocal seq
            seq += 1
            ev.append((day, prio, seq, kind, obj))

        first: dict[str, Spell] = {}
        last: dict[str, Spell] = {}
        for s in wf.spells:
            first.setdefault(s.sw, s)
            last[s.sw] = s
        self.worker_start = {sw: s.start for sw, s in first.items()}
        for sw, s in first.items():
            push(max(s.start, t0), 0, "wstart", s)
            end = last[sw].end
            if end:
                push(end + 1, 1, "wend", sw)
        for s in wf.spells:
            if s.sw in last and s is not first[s.sw]:
                push(max(s.start, t0), 0, "role", s)
        base = P.SW_REALLOC_RATE / 365.0
        extra = P.SW_REALLOC_STORY_RATE * story / 365.0
        for p in periods:
            if p.end < t0:
                continue
            self.by_id[id(p)] = p
            push(max(p.start, t0), 3, "cstart", p)
            if p.end <= t1:
                push(p.end, -1, "cend", p)
            t = float(max(p.start, t0))
            top = base + extra
            stop = min(p.end, t1)
            while True:
                t += r.expovariate(top)
                if t >= stop:
                    break
                rate = base + (extra if t >= story_from else 0.0)
                if r.random() < rate / top:
                    push(int(t), 4, "realloc", (p, SW_REASONS.pick(r)))
            if id(p) in lapses:
                push(lapses[id(p)], 4, "realloc", (p, "ABSENC"))
        ev.sort(key=lambda e: e[:3])
        for day, _, _, kind, obj in ev:
            getattr(self, "_" + kind)(day, obj)

    # --- choosing a worker ---
    def _choose(self, team: int, exclude: str = "") -> str:
        cands = [sw for sw, role in self.pool[team].items() if role in (4, 5) and sw != exclude]
        if not cands:
            cands = [sw for sw, role in self.pool[team].items() if sw != exclude]
        if not cands:
            cands = [sw for pool in self.pool for sw, role in pool.items() if role in (4, 5) and sw != exclude]
        if not cands:
            return ""
        r = self.r
        return min(cands, key=lambda sw: (len(self.cases[sw]), r.random()))

    def _assign(self, p: Period, sw: str, day: int, reason_prev: str) -> None:
        if p.allocations:
            prev = p.allocations[-1]
            if prev[2] is None:
                self.cases[prev[0]].pop(id(p), None)
                if prev[1] >= day:  # allocated today to someone who also leaves today: that allocation never began
                    p.allocations.pop()
                else:
                    prev[2] = day - 1
                    prev[3] = reason_prev
        if not sw:
            self.pending[id(p)] = p
            return
        p.allocations.append([sw, day, None, ""])
        self.cases[sw][id(p)] = p

    # --- events ---
    def _wstart(self, day: int, s: Spell) -> None:
        self.pool[s.team][s.sw] = s.role
        self.cases.setdefault(s.sw, {})
        for p in list(self.pending.values()):
            if p.end > day:
                del self.pending[id(p)]
                self._assign(p, self._choose(p.team), day, "")

    def _role(self, day: int, s: Spell) -> None:
        if s.sw in self.pool[s.team]:
            self.pool[s.team][s.sw] = s.role

    def _wend(self, day: int, sw: str) -> None:
        for pool in self.pool:
            pool.pop(sw, None)
        for p in list(self.cases.get(sw, {}).values()):
            self._assign(p, self._choose(p.team, sw), day, "LEFTRL")

    def _cstart(self, day: int, p: Period) -> None:
        n_posts = self.n_posts
        p.team = min(range(self.wf.n_teams), key=lambda t: (self.team_load[t] / max(1, n_posts[t]), t))
        self.team_load[p.team] += 1
        sw = self._choose(p.team)
        start = day
        if p.start < self.t0 and sw:
            start = max(p.start, self.worker_start[sw], day - self.r.randrange(400))
        self._assign(p, sw, start, "")

    def _cend(self, day: int, p: Period) -> None:
        self.team_load[p.team] -= 1
        self.pending.pop(id(p), None)
        if p.allocations and p.allocations[-1][2] is None:
            a = p.allocations[-1]
            a[2] = day
            self.cases[a[0]].pop(id(p), None)

    def _realloc(self, day: int, obj: tuple[Period, str]) -> None:
        p, reason = obj
        if not p.allocations or p.allocations[-1][2] is not None or p.allocations[-1][1] >= day or day >= p.end:
            return
        current = p.allocations[-1][0]
        if reason == "TSPROC" and self.wf.n_teams > 1:
            self.team_load[p.team] -= 1
            p.team = (p.team + 1 + self.r.randrange(self.wf.n_teams - 1)) % self.wf.n_teams
            self.team_load[p.team] += 1
        sw = self._choose(p.team, current)
        if sw:
            self._assign(p, sw, day, reason)
