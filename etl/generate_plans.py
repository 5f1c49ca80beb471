"""Plans, case supervision, legal work, strategy meetings and returns home for the synthetic authority.

Drawn from one random stream of their own (seeded after every other draw of the authority), so adding them leaves
the calibrated returns and extracts exactly as they were. The letter's stories show in the last ~18 months: actions
in children's plans go overdue after a change of social worker (and the one child left unseen for four months has
every action due after the change done months late), supervision records lose their actions and timescales, one
case goes to court with no pre-proceedings, one long missing episode gets no strategy meeting and fewer children
go home with an agreed plan. All dates are day ordinals.
"""

from __future__ import annotations

import random
from bisect import bisect_right

from etl.contract import RETURN_HOME_REC
from etl.generate_children import YEAR, Child, Period
from etl.generate_events import MINUTES, Context
from etl.generate_workforce import Workforce

# --- plan actions: raised at entry and at each review, due 2 to 12 weeks later ---
ACTIONS_PER_PLAN = (2, 5)  # from, to (exclusive)
DUE_DAYS = (14, 28, 28, 42, 42, 56, 84)
ACTION_LATE_P = 0.10  # done after its due date
ACTION_LATE_AFTER_CHANGE_P = 0.20  # due in the 90 days after a change of social worker ...
ACTION_LATE_AFTER_CHANGE_STORY_P = 0.45  # ... in the story window
ACTION_LATE_MEAN = 25.0  # days late, when late (at most ACTION_LATE_MAX: picked up at a later review)
ACTION_LATE_MAX = 200
# --- case supervision: every 3 to 6 weeks, sometimes longer ---
SUPERVISION_LATE_P = 0.07
SUPERVISION_LATE_STORY_P = 0.14
SUPERVISION_ACTIONS_P = 0.92
SUPERVISION_ACTIONS_STORY_P = 0.75
SUPERVISION_TIMESCALES_P = 0.90  # of those with actions
SUPERVISION_TIMESCALES_STORY_P = 0.70
# --- legal ---
PLO_BYPASS_P = 0.04  # care proceedings with no pre-proceedings, not an emergency
PLO_BYPASS_STORY_P = 0.10
PLO_NOT_PURSUED_P = 0.30  # a long s20 (V2) period with pre-proceedings that ended without court
PLAN_AFTER_NOT_PURSUED_P = 0.85  # a plan recorded within weeks of the decision not to go to court
PLAN_AFTER_NOT_PURSUED_STORY_P = 0.40
# --- strategy meetings for episodes missing 7 days or more ---
MEETING_P = 0.92
MEETING_STORY_P = 0.70
MEETING_IN_TIME_P = 0.85  # by the day the episode reached 7 days
OTHER_MEETING_P = 0.04  # a period with a strategy meeting about something else (exploitation, s47)
# --- returns home: a multi-agency plan agreed by the day the child left care ---
RETURN_PLAN_P = {"E4A": 0.85, "E4B": 0.35, "E13": 0.70}
RETURN_PLAN_STORY_P = {"E4A": 0.55, "E4B": 0.20, "E13": 0.45}


def _allocated(p: Period, day: int) -> str:
    """The social worker allocated to the child on `day` ('' if none)."""
    for sw, start, end, _ in reversed(p.allocations):
        if start <= day:
            return sw if end is None or end >= day else ""
    return ""


class Teams:
    """Which team a worker was in, and who managed that team, on a day (from the workforce's spells)."""

    def __init__(self, wf: Workforce):
        self.spells: dict[str, list[tuple[int, int, int]]] = {}
        self.managers: dict[int, list[tuple[int, int, str]]] = {}
        for s in sorted(wf.spells, key=lambda s: s.start):
            self.spells.setdefault(s.sw, []).append((s.start, s.end or 10**9, s.team))
            if s.role == 3:
                self.managers.setdefault(s.team, []).append((s.start, s.end or 10**9, s.sw))

    def manager(self, sw: str, day: int) -> str:
        team = next((t for a, b, t in reversed(self.spells.get(sw, [])) if a <= day), None)
        if team is None:
            return ""
        return next((m for a, b, m in reversed(self.managers.get(team, [])) if a <= day <= b), "")


class PlanWriter:
    """Writes one child's plan actions, supervisions, legal cases, strategy meetings and return home plans."""

    def __init__(self, w, dates, ctx: Context, wf: Workforce, r: random.Random):
        self.w, self.dates, self.ctx, self.r = w, dates, ctx, r
        self.teams = Teams(wf)
        self.bypass_told = False  # the story's case that went to court with no pre-proceedings
        self.meeting_story_told = False  # the story's long missing episode with no strategy meeting
        self._id_n = 0

    def write(self, child: Child, sched: list) -> None:
        """Every row of these five extracts for one child, from the schedules ChildWriter drew for them."""
        self._id_n = 0  # actions are numbered per child: A0001, A0002, ...
        for p, _visits, reviews, _health, missing in sched:
            self._actions(child, p, reviews)
            self._supervisions(child, p)
            self._legal(child, p)
            self._meetings(child, p, missing)
            self._return_home(child, p)

    # --- plan actions ---
    def _late_p(self, p: Period, due: int) -> float:
        changes = [a[1] for a in p.allocations[1:]]
        k = bisect_right(changes, due)
        if k and changes[k - 1] > due - 90:
            return self.ctx.blend(ACTION_LATE_AFTER_CHANGE_P, ACTION_LATE_AFTER_CHANGE_STORY_P, due)
        return ACTION_LATE_P

    def _actions(self, child: Child, p: Period, reviews: list[int]) -> None:
        r, ctx, D = self.r, self.ctx, self.dates
        lines = self.w.lines("plan_actions")
        stop = min(p.end - 1, ctx.d1)
        # the story child's plan was agreed at a meeting three weeks before their worker went: nothing in it is done
        extra = [p.lapse_at - 21] if p.lapse_at else []
        plans = [d for d in sorted([p.start, *reviews, *extra]) if ctx.d0 <= d <= stop]
        for day in plans:
            age = (day - child.dob) / YEAR
            for _ in range(r.randrange(*ACTIONS_PER_PLAN)):
                due = day + DUE_DAYS[r.randrange(len(DUE_DAYS))]
                u = r.random()
                if p.lapse_at and p.lapse_at <= due < p.lapse_at + 150:
                    done = due + 60 + r.randrange(60)  # the story child: nothing done until long after
                elif u < self._late_p(p, due):
                    done = due + 1 + min(ACTION_LATE_MAX, int(r.expovariate(1 / ACTION_LATE_MEAN)))
                else:
                    done = day + r.randrange(1, due - day + 1)
                if done and (done > ctx.d1 or done >= p.end):
                    done = 0  # not done by the extract, or the child left care first
                kind = "PATHWAY" if age >= 16 and r.random() < 0.6 else (
                    "PERMANENCE" if day >= p.start + 120 and r.random() < 0.3 else
                    ("CARE", "CARE", "CARE", "HEALTH", "EDUCATION", "PLACEMENT")[r.randrange(6)])
                lines.append(f"{child.cid},{self._next_id(child)},{kind},{D.i(day)},{D.i(due)},"
                             f"{D.i(done) if done else ''},{_allocated(p, day)}")

    def _next_id(self, child: Child) -> str:
        self._id_n += 1
        return f"A{self._id_n:04d}"

    # --- case supervision ---
    def _supervisions(self, child: Child, p: Period) -> None:
        r, ctx, D = self.r, self.ctx, self.dates
        lines = self.w.lines("supervisions")
        stop = min(p.end - 1, ctx.d1)
        day = (p.start if p.start >= ctx.d0 else ctx.d0) + r.randrange(7, 35)
        while day <= stop:
            sw = _allocated(p, day)
            story = day >= ctx.story_from
            actions = r.random() < ctx.blend(SUPERVISION_ACTIONS_P, SUPERVISION_ACTIONS_STORY_P, day)
            timescales = actions and r.random() < ctx.blend(SUPERVISION_TIMESCALES_P, SUPERVISION_TIMESCALES_STORY_P,
                                                            day)
            flags = ("Y" if actions else "N", "Y" if timescales else "N")
            if r.random() < 0.02:
                flags = ("", "")  # not filled in
            lines.append(f"{child.cid},{D.i(day)},{sw},{self.teams.manager(sw, day) if sw else ''},{flags[0]},"
                         f"{flags[1]}")
            late = SUPERVISION_LATE_STORY_P if story else SUPERVISION_LATE_P
            if r.random() < late:
                day += 43 + int(r.expovariate(1 / 20))
            else:
                day += r.randrange(21, 43)

    # --- pre-proceedings and care proceedings ---
    def _legal(self, child: Child, p: Period) -> None:
        r, ctx, D = self.r, self.ctx, self.dates
        lines = self.w.lines("legal")
        eps = p.episodes
        c1 = next((i for i, e in enumerate(eps) if e.ls == "C1"), None)
        if c1 is not None:
            lead = [e.decom for e in eps[:c1] if e.ls in ("L1", "L2", "L3")]
            # applied for after any emergency order (which is why it had no pre-proceedings), before the ICO
            issued = max(eps[c1].decom - r.randrange(0, 8), child.dob, *lead[:1])
            if issued > ctx.d1 or issued < ctx.d0 - 2 * 365:
                return
            after = next((e.decom for e in eps[c1 + 1:] if e.ls != "C1"), None)
            final = after if after is not None else (p.end if p.end <= ctx.d1 else 0)
            if final and final > ctx.d1:
                final = 0
            emergency = bool(lead)
            plo = ""
            if not emergency:
                bypass_p = ctx.blend(PLO_BYPASS_P, PLO_BYPASS_STORY_P, issued)
                story = issued >= ctx.story_from and not self.bypass_told
                if story or r.random() < bypass_p:
                    self.bypass_told = self.bypass_told or story
                else:
                    decision = issued - 30 - r.randrange(120)
                    letter = decision + 1 + r.randrange(10)
                    meeting = letter + 5 + r.randrange(16)
                    if meeting >= issued:
                        meeting = issued - 1
                        letter = min(letter, meeting)
                    plo = f"{D.i(decision)},{D.i(letter)},{D.i(meeting)}"
            lines.append(f"{child.cid},{plo or ',,'},{D.i(issued)},{D.i(final) if final else ''},ISSUED")
            return
        # a long period under s20 (V2): pre-proceedings some of the time, which end without court
        if eps and all(e.ls == "V2" for e in eps) and min(p.end, ctx.d1) - p.start >= 150:
            if r.random() >= PLO_NOT_PURSUED_P:
                return
            decision = p.start + 30 + r.randrange(90)
            if decision < ctx.d0 or decision + 40 > min(p.end, ctx.d1):
                return
            letter = decision + 1 + r.randrange(10)
            meeting = letter + 5 + r.randrange(16)
            lines.append(f"{child.cid},{D.i(decision)},{D.i(letter)},{D.i(meeting)},,,NOT_PURSUED")
            if r.random() < ctx.blend(PLAN_AFTER_NOT_PURSUED_P, PLAN_AFTER_NOT_PURSUED_STORY_P, meeting):
                raised = meeting + 1 + r.randrange(20)
                if raised <= min(p.end - 1, ctx.d1):
                    due = raised + 28
                    done = raised + r.randrange(1, 29)
                    done_s = D.i(done) if done <= min(p.end - 1, ctx.d1) else ""
                    self.w.lines("plan_actions").append(
                        f"{child.cid},{self._next_id(child)},CARE,{D.i(raised)},{D.i(due)},{done_s},"
                        f"{_allocated(p, raised)}")

    # --- strategy meetings ---
    def _meetings(self, child: Child, p: Period, missing: list[tuple[str, int, int]]) -> None:
        r, ctx, D = self.r, self.ctx, self.dates
        lines = self.w.lines("strategy_meetings")
        for _, start, end in missing:
            day = start // MINUTES
            reached = day + 7
            if reached > ctx.d1 or (end >= 0 and end < reached * MINUTES):
                continue  # not missing for 7 days
            if day >= ctx.story_from and not self.meeting_story_told:
                self.meeting_story_told = True
                continue  # the story: a long missing episode and no strategy meeting
            if r.random() >= ctx.blend(MEETING_P, MEETING_STORY_P, day):
                continue
            held = day + 1 + r.randrange(7) if r.random() < MEETING_IN_TIME_P else reached + 1 + r.randrange(6)
            if held <= ctx.d1:
                lines.append(f"{child.cid},{D.i(held)},MISSING,{D.i(day)}")
        if r.random() < OTHER_MEETING_P:
            stop = min(p.end - 1, ctx.d1)
            first = max(p.start, ctx.d0)
            if first < stop:
                held = first + r.randrange(stop - first)
                if not any(start // MINUTES <= held <= start // MINUTES + 7 for _, start, _ in missing):
                    lines.append(f"{child.cid},{D.i(held)},{('CSE', 'CCE', 'S47')[r.randrange(3)]},")

    # --- returns home ---
    def _return_home(self, child: Child, p: Period) -> None:
        r, ctx, D = self.r, self.ctx, self.dates
        if p.rec not in RETURN_HOME_REC or not ctx.d0 <= p.end <= ctx.d1:
            return
        chance = RETURN_PLAN_STORY_P[p.rec] if p.end >= ctx.story_from else RETURN_PLAN_P[p.rec]
        u = r.random()
        if u < chance:
            agreed = max(p.start, p.end - r.randrange(0, 21))
        elif u < chance + 0.10:
            agreed = p.end + 1 + r.randrange(30)  # agreed after the child had gone home
            if agreed > ctx.d1:
                return
        elif u < chance + 0.20:
            agreed = 0  # a plan begun, never agreed
        else:
            return
        agencies = 2 + r.randrange(4) if r.random() < 0.8 else 1
        self.w.lines("return_home_plans").append(
            f"{child.cid},{D.i(p.end)},{D.i(agreed) if agreed else ''},{agencies}")
