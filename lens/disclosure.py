"""The disclosure policy in one place: which figures about children board mode and the board pack may show.

docs/security.md ('Disclosure policy') says the same in words, with worked examples. In short:

- **Primary**: a row (a team, or the authority, in a month) is hidden when any count of children it rests on is 1 to 4
  (the threshold is the `suppress_below` setting): its numerator or its denominator (the DfE's convention), and with
  the `suppress_complement` setting the children *not* in the numerator too (28 of 30 visited in time says 2 were
  not). Zero is shown: it names nobody.
- **Secondary**: the teams of an authority add up to its 'All teams' figure (and the same children are counted by
  other measures), so a hidden team could be worked out from the total and the other teams. The hidden teams of a
  month must together hold 0 or at least 5 of every count; while they do not, the next-smallest team is hidden too.
  The bands of a distribution (children by number of social workers) are treated the same way, within a team and
  across teams.
- **Derived figures** go with their row: the value (a %, a ratio, a longest gap), the month's change, its RAG colour,
  chart points, tooltips and downloads. A change from or to a hidden month is hidden.
- **Not suppressed**: staff FTE, headcounts and the workforce rates built only on them (agency rate, turnover,
  vacancies): they are not data about children. Caseload's numerator counts children, so it is suppressed.
- In board mode a measure's breakdown columns about children (e.g. overdue_6_weeks) are left out of tables and
  downloads; only the figures a board sees (value, numerator, denominator, and the columns a chart draws) remain.

Every caller goes through `protect()` (series and distributions), `protect_overview()` (the Overview's rows) or
`protect_counts()` (data quality tables); nothing here imports Streamlit.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lens import config

SUPPRESSED = "<5"  # a count of 1 to 4 children, as shown
HIDDEN = "hidden"  # a figure hidden so that a count under 5 cannot be worked out from the others (secondary)
ALL_TEAMS = "All teams"
SMALL, SECONDARY = "small", "secondary"  # why a row is hidden (the `hidden_why` column)

KEYS = ("measure", "title", "theme", "unit", "la_code", "la_name", "team", "month_end", "band", "band_label",
        "band_order", "status", "status_note")


def threshold() -> int:
    """Counts from 1 up to (not including) this are suppressed (setting suppress_below, default 5)."""
    return config.suppress_below()


def small_words() -> str:
    """'fewer than 5 children': what a hidden point, cell or tile says in place of its figure."""
    return f"fewer than {threshold()} children"


def secondary_words() -> str:
    """What a figure hidden by secondary suppression says in place of its value."""
    return f"hidden so that a number under {threshold()} cannot be worked out from the other figures"


def reason_words(why: str | None) -> str:
    """The words for a hidden row's reason ('' for a row that is shown)."""
    return small_words() if why == SMALL else secondary_words() if why == SECONDARY else ""


def is_small(count: object, below: int | None = None) -> bool:
    """True for a count from 1 up to (not including) the threshold; zero is not disclosive and is shown."""
    below = threshold() if below is None else below
    try:
        c = float(count)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not pd.isna(c) and 0 < c < below


@dataclass(frozen=True)
class Rule:
    """How one measure's rows are protected.

    counts: columns that count children (or their episodes, reviews, changes of worker: 1 to 4 of those is 1 to 4
      children at most); they add up over teams. parts: (part, whole) pairs whose difference counts children too.
    figures: columns worked out from the counts, hidden with their row. keep: further columns a board may see.
    staff: staff FTE and headcounts only (not child data): nothing is suppressed and every column is kept.
    bands: a distribution (a row per band): its bands add up to the team's children, so they are protected together.
    """

    counts: tuple[str, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()
    figures: tuple[str, ...] = ("value",)
    keep: tuple[str, ...] = ()
    staff: bool = False
    bands: bool = False


PERCENT = Rule(counts=("numerator", "denominator"), parts=(("numerator", "denominator"),))
COUNT = Rule(counts=("numerator",), figures=("value",))
STAFF = Rule(staff=True)

# Every series measure (and the distribution) the dashboard or the board pack shows: tests/test_disclosure.py
# fails when a new one is not here, so nobody forgets to decide.
RULES: dict[str, Rule] = {
    "visits_in_time": PERCENT,
    "visits_gaps": Rule(counts=("children",), figures=("value", "numerator")),  # a longest gap: days, not a count
    "visits_after_change": Rule(counts=("numerator", "denominator", "changes_gap_before"),
                                parts=(("numerator", "denominator"), ("changes_gap_before", "denominator")),
                                figures=("value", "value_before")),
    "sw_changes": PERCENT,
    "sw_count_distribution": Rule(counts=("numerator", "denominator"), bands=True),
    "missing_rhi_in_time": PERCENT,
    "missing_children_pct": PERCENT,
    "missing_episodes": COUNT,
    "missing_prolonged": COUNT,
    "health_up_to_date": PERCENT,
    "health_iha_in_time": PERCENT,
    "health_rha_in_time": PERCENT,
    "health_dental": PERCENT,
    "health_oc2_assessments": PERCENT,
    "reviews_in_time": PERCENT,
    "reviews_up_to_date": PERCENT,
    "placements_3plus": PERCENT,
    "stability_long_term": PERCENT,
    # children per case-holding FTE: the numerator counts children; the FTE and headcount are staff figures
    "workforce_caseload": Rule(counts=("numerator",), keep=("case_holders_headcount",)),
    "workforce_agency_rate": STAFF,
    "workforce_in_post": STAFF,
    "workforce_turnover": STAFF,
    "workforce_vacancy_rate": STAFF,
    # plans, supervision and legal work (case-system extracts): actions, supervisions, cases and episodes are each
    # about one child, so 1 to 4 of them is 1 to 4 children at most
    "plans_actions_overdue": Rule(counts=("numerator", "children"),
                                  figures=("value", "days_overdue_total", "mean_days_overdue", "max_days_overdue")),
    "plans_actions_on_time": PERCENT,
    "plans_overdue_after_change": Rule(counts=("numerator", "denominator", "overdue_before", "actions_before"),
                                       parts=(("numerator", "denominator"), ("overdue_before", "actions_before")),
                                       figures=("value", "value_before")),
    "supervision_in_time": PERCENT,
    "supervision_quality": PERCENT,
    "legal_proceedings_26_weeks": PERCENT,
    "legal_plo_days": Rule(counts=("letters", "meetings"),  # medians of days, hidden with the cases they rest on
                           figures=("value", "numerator", "median_days_to_meeting", "max_days_to_letter",
                                    "max_days_to_meeting")),
    "legal_no_plan": PERCENT,
    "missing_strategy_meeting": PERCENT,
    "return_home_plan": PERCENT,
    # Annex A List 8 snapshots and their reconciliation with the event data: children
    "visits_in_time_annex_a": PERCENT,
    "reviews_up_to_date_annex_a": PERCENT,
    "health_up_to_date_annex_a": PERCENT,
    "health_dental_annex_a": PERCENT,
    "placements_3plus_annex_a": PERCENT,
    "missing_rhi_offered_annex_a": PERCENT,
    "dq_annex_a_reconciliation": Rule(counts=("numerator", "denominator", "in_both", "only_annex_a", "only_event",
                                              "visit_differs", "review_differs", "health_differs", "dental_differs"),
                                      parts=(("numerator", "denominator"),),
                                      keep=("in_both", "only_annex_a", "only_event", "visit_differs", "review_differs",
                                            "health_differs", "dental_differs")),
}


def rule(measure: str) -> Rule:
    """The measure's rule; a measure nobody classified is treated as percentages of children (never shown raw)."""
    return RULES.get(measure, PERCENT)


def _count_columns(df: pd.DataFrame, r: Rule, complement: bool | None = None) -> list[pd.Series]:
    """Every count of children a row rests on: the declared counts and, where the complement setting says so, for
    each part, whole minus part (the children outside the numerator)."""
    out = [pd.to_numeric(df[c], errors="coerce") for c in r.counts if c in df]
    complement = config.suppress_complement() if complement is None else complement
    for part, whole in r.parts if complement else ():
        if part in df and whole in df:
            out.append(pd.to_numeric(df[whole], errors="coerce") - pd.to_numeric(df[part], errors="coerce"))
    return out


def _primary(counts: Sequence[pd.Series], index: pd.Index, below: int) -> pd.Series:
    small = pd.Series(False, index=index)
    for c in counts:
        small |= (c > 0) & (c < below)
    return small


def _protect_groups(hidden: np.ndarray, counts: Sequence[np.ndarray], groups: Sequence[np.ndarray], below: int,
                    order: np.ndarray) -> np.ndarray:
    """Secondary suppression: in every group of rows that add up to a total, the hidden rows must together hold 0 or
    at least `below` of every count; while they do not, hide the visible row with the smallest such count above 0
    (ties: `order`, e.g. the team's name). A group is looked at again whenever one of its rows is hidden for another
    group (a row can be in two: a team's band is in its team's bands and in the band's teams). Returns the rows
    hidden by this rule (positions as a boolean array)."""
    hidden = hidden.copy()
    extra = np.zeros(len(hidden), dtype=bool)
    member: dict[int, list[int]] = defaultdict(list)
    for gi, g in enumerate(groups):
        for pos in g:
            member[int(pos)].append(gi)
    work = deque(gi for gi, g in enumerate(groups) if len(g) > 1 and hidden[g].any() and not hidden[g].all())
    queued = set(work)
    while work:
        gi = work.popleft()
        queued.discard(gi)
        g = groups[gi]
        changed = True
        while changed:
            changed = False
            for c in counts:
                vals = c[g]
                total = vals[hidden[g]].sum()
                if not 0 < total < below:
                    continue
                candidates = g[~hidden[g] & (vals > 0)]
                if len(candidates) == 0:
                    continue  # nothing left that could cover it: the total itself is under the threshold
                pick = int(candidates[np.lexsort((order[candidates], c[candidates]))[0]])
                hidden[pick] = extra[pick] = changed = True
                for other in member[pick]:
                    if other != gi and other not in queued:
                        work.append(other)
                        queued.add(other)
    return extra


def hidden_reasons(measure: str, df: pd.DataFrame, below: int | None = None) -> pd.Series:
    """Why each row of a measure's frame is hidden in board mode: 'small', 'secondary' or None (shown).

    The frame should hold every team of each month (secondary suppression weighs the teams against each other).
    """
    below = threshold() if below is None else below
    r = rule(measure)
    out = pd.Series(None, index=df.index, dtype=object)
    if r.staff or df.empty:
        return out
    counts = _count_columns(df, r)
    small = _primary(counts, df.index, below).to_numpy()
    frame = df.reset_index(drop=True)
    team = frame["team"].astype(str) if "team" in frame else pd.Series("", index=frame.index)
    key = [c for c in ("la_code", "month_end") if c in frame]
    banded = r.bands and "band" in frame
    groups: list[np.ndarray] = []
    if key:  # the teams of a month (of a band) add up to 'All teams'; a team's bands add up to its children
        across = key + (["band"] if banded else [])
        groups += [np.asarray(ix) for ix in frame[team != ALL_TEAMS].groupby(across, sort=False).groups.values()]
        if banded:
            groups += [np.asarray(ix) for ix in frame.groupby(key + ["team"], sort=False).groups.values()]
    if banded:
        counts = [pd.to_numeric(df["numerator"], errors="coerce")]  # the bands add up: their total is protected
    arrays = [c.fillna(0).to_numpy(dtype="float64") for c in counts]
    order = (team + "|" + (frame["band"].astype(str) if "band" in frame else "")).rank(method="dense").to_numpy()
    extra = _protect_groups(small, arrays, groups, below, order)
    out[small] = SMALL
    out[extra & ~small] = SECONDARY
    return out


def protect(measure: str, df: pd.DataFrame, below: int | None = None) -> pd.DataFrame:
    """A measure's frame as board mode may show it (a copy; a staff measure's rows and columns as they are, each
    marked `suppressed` false).

    Hidden rows (`suppressed` true, `hidden_why` 'small' or 'secondary') lose every count and figure (NaN); their
    `numerator_shown` / `denominator_shown` read '<5' where that count is 1-4 and 'hidden' otherwise, and their
    status_note says why. Columns a board does not see (a measure's breakdowns about children) are dropped.
    """
    r = rule(measure)
    if df.empty:
        return df.copy()
    if r.staff:  # nothing hidden, and said so: hidden_mask() would otherwise treat FTE under 5 as a small count
        return df.assign(suppressed=False, hidden_why=pd.Series(None, index=df.index, dtype=object))
    below = threshold() if below is None else below
    why = hidden_reasons(measure, df, below)
    hide = why.notna()
    out = df.copy()
    for col in ("numerator", "denominator"):
        if col in out:
            raw = out[col]
            counted = col in r.counts
            shown = raw.astype(object).where(~hide, HIDDEN)
            if counted:
                shown = shown.where(~(hide & raw.map(lambda v: is_small(v, below))), SUPPRESSED)
            out[f"{col}_shown"] = shown
    for col in {*r.counts, *r.figures, "numerator", "denominator"} & set(out.columns):
        if col == "denominator" and col not in r.counts and col not in r.figures:
            continue  # e.g. caseload's FTE: a staff figure, shown
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64").where(~hide)
    out["suppressed"] = hide
    out["hidden_why"] = why
    if "status_note" in out:
        note = why.map(lambda w: f"{reason_words(w)} (board mode)" if isinstance(w, str) else None)
        out["status_note"] = note.where(hide, out["status_note"])
    keep = set(KEYS) | {"numerator", "denominator", "value", "numerator_shown", "denominator_shown", "suppressed",
                        "hidden_why", *r.figures, *r.keep}
    return out[[c for c in out.columns if c in keep]]


def protect_overview(ov: pd.DataFrame, below: int | None = None) -> pd.DataFrame:
    """The Overview's rows (every headline measure) as board mode may show them: each measure protected by its own
    rule, a hidden month's RAG grey, and a change from or to a hidden month (or from a month not in the frame, whose
    state is unknown here) hidden with its direction."""
    if ov.empty:
        return ov.assign(suppressed=pd.Series(dtype=bool), hidden_why=pd.Series(dtype=object))
    parts = []
    for name, part in ov.groupby("measure", sort=False):
        protected = protect(str(name), part, below)
        for col in ov.columns:  # the Overview's own columns (target, rag, changes) come back
            if col not in protected:
                protected[col] = part[col]
        parts.append(protected)
    out = pd.concat(parts).loc[ov.index]
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    for col in ("numerator", "denominator"):  # a staff measure's rows: its counts as they are
        if f"{col}_shown" in out:
            out[f"{col}_shown"] = out[f"{col}_shown"].where(out[f"{col}_shown"].notna(), out[col])
    months = pd.to_datetime(out["month_end"]).dt.to_period("M")
    keys = list(zip(out["measure"], out["la_code"], out["team"], strict=True))
    shown = {(k, m) for k, m, h in zip(keys, months, out["suppressed"], strict=True) if not h}
    for col, back in (("change_last_month", 1), ("change_last_year", 12)):
        if col not in out:
            continue
        known = pd.Series([(k, m - back) in shown for k, m in zip(keys, months, strict=True)], index=out.index)
        ok = known & ~out["suppressed"]
        out[col] = pd.to_numeric(out[col], errors="coerce").where(ok)
        direction = col.replace("change", "direction")
        if direction in out:
            out[direction] = out[direction].where(ok, None)
    if "rag" in out:
        out["rag"] = out["rag"].where(~out["suppressed"], "grey")
    return out


def protect_counts(df: pd.DataFrame, count_columns: Iterable[str], below: int | None = None) -> pd.DataFrame:
    """A display copy of a table (data quality's rows read, loaded, rejected) with every count of 1-4 as '<5'."""
    out = df.copy()
    for col in count_columns:
        if col in out:
            out[col] = out[col].astype(object).map(lambda v: SUPPRESSED if is_small(v, below) else v)
    return out


def hidden_mask(rows: pd.DataFrame) -> pd.Series:
    """The rows board mode hides: the `suppressed` column of a protected frame; for a frame that was never protected,
    every row with a numerator or denominator of 1-4 (so a caller that forgets cannot show more)."""
    if "suppressed" in rows:
        return rows["suppressed"].fillna(False).astype(bool)
    small = pd.Series(False, index=rows.index)
    for col in ("numerator", "denominator"):
        if col in rows:
            small |= rows[col].map(is_small).astype(bool)
    return small


def shown_value(value: object, why: object, unit: str) -> str:
    """A figure as a tile, cell or metric shows it: '<5', 'Hidden' (secondary) or the value in its unit."""
    from lens.formatting import fmt_value

    if why == SMALL:
        return SUPPRESSED
    if why == SECONDARY:
        return "Hidden"
    return fmt_value(value, unit)
