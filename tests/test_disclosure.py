"""The disclosure policy (lens/disclosure.py) on hand-made frames: what board mode hides, what it shows, and why.

Every expected figure is worked out by hand in the comments (threshold 5: counts 1 to 4 are small, 0 is shown).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import queries
from lens import disclosure
from lens.disclosure import HIDDEN, SECONDARY, SMALL, SUPPRESSED, hidden_mask, protect, protect_overview

M = pd.Timestamp("2018-03-31")


def teams(rows: list[tuple], month: pd.Timestamp = M) -> pd.DataFrame:
    """A series frame from (team, numerator, denominator) rows, value = 100 * numerator / denominator."""
    df = pd.DataFrame(rows, columns=["team", "numerator", "denominator"])
    return df.assign(la_code="Z9", month_end=month, value=(100 * df["numerator"] / df["denominator"]).round(1),
                     status="ok", status_note="")


def why(out: pd.DataFrame) -> dict[str, str | None]:
    return {t: (w if isinstance(w, str) else None) for t, w in zip(out["team"], out["hidden_why"], strict=True)}


def test_every_measure_a_board_can_see_has_a_rule():
    shown = {n for n, m in queries.measures().items() if m.shape == "series"} | {"sw_count_distribution"}
    assert shown <= set(disclosure.RULES), shown - set(disclosure.RULES)
    assert set(disclosure.RULES) <= set(queries.measures())  # and no rule for a measure that no longer exists


def test_a_team_of_three_children_is_hidden_and_so_is_the_next_smallest_team():
    # All teams 50 of 60; A 3 of 3 (small); B 20 of 25; C 27 of 32. With A hidden, A = All - B - C (3 = 60 - 25 - 32),
    # so the next-smallest team is hidden too: by numerator (3 hidden < 5) the smallest other is B (20 < 27).
    # Hidden then: numerators 3 + 20 = 23, denominators 3 + 25 = 28, both 5 or more: nothing can be worked out.
    out = protect("visits_in_time", teams([("All teams", 50, 60), ("A", 3, 3), ("B", 20, 25), ("C", 27, 32)]))
    assert why(out) == {"All teams": None, "A": SMALL, "B": SECONDARY, "C": None}
    assert out["value"].isna().tolist() == [False, True, True, False]
    assert out["numerator_shown"].tolist() == [50, SUPPRESSED, HIDDEN, 27]
    assert out["denominator_shown"].tolist() == [60, SUPPRESSED, HIDDEN, 32]
    assert out["numerator"].isna().tolist() == [False, True, True, False]  # no raw count behind a '<5'
    assert out.loc[out["team"] == "A", "status_note"].item() == "fewer than 5 children (board mode)"
    assert out.loc[out["team"] == "B", "status_note"].item().startswith("hidden so that a number under 5")


def test_secondary_suppression_keeps_going_until_the_hidden_teams_hold_five():
    # A 1 of 1 and B 2 of 2 are small: hidden denominators 1 + 2 = 3 < 5, so the smallest other, C (12), is hidden
    # too: 1 + 2 + 12 = 15. Numerators: 1 + 2 + 10 = 13. D (30 of 40) stays.
    out = protect("visits_in_time", teams([("All teams", 43, 55), ("A", 1, 1), ("B", 2, 2), ("C", 10, 12),
                                           ("D", 30, 40)]))
    assert why(out) == {"All teams": None, "A": SMALL, "B": SMALL, "C": SECONDARY, "D": None}


def test_a_hidden_numerator_is_covered_even_when_its_denominator_is_large():
    # A 2 of 30: the numerator 2 is small, so the row is hidden (denominator and rate would give it: 6.7% of 30 = 2).
    # Hidden numerators 2 < 5: the smallest other numerator above 0 is C's 6 (B's is 0, which cannot help).
    out = protect("sw_changes", teams([("All teams", 28, 100), ("A", 2, 30), ("B", 0, 35), ("C", 6, 15),
                                       ("D", 20, 20)]))
    assert why(out) == {"All teams": None, "A": SMALL, "B": None, "C": SECONDARY, "D": None}
    assert out.loc[out["team"] == "A", "denominator_shown"].item() == HIDDEN  # never 30 beside a '<5'


def test_zero_is_shown_and_the_complement_only_with_the_setting(monkeypatch):
    # 0 of 12 names nobody: shown. 28 of 30 says 2 children were not visited in time: shown by default (the DfE's
    # convention: numerator and denominator), hidden when the council's setting counts the children outside it too.
    frame = teams([("All teams", 28, 42), ("A", 0, 12), ("B", 28, 30)])
    assert why(protect("visits_in_time", frame)) == {"All teams": None, "A": None, "B": None}
    monkeypatch.setenv("PRACTICE_LENS_SUPPRESS_COMPLEMENT", "true")
    # B hidden (30 - 28 = 2 not visited); with All teams' 14 not visited, A's 12 would give B's 2 away, so A (the
    # only other team with children outside the numerator) is hidden too: 2 + 12 = 14. All teams stays.
    assert why(protect("visits_in_time", frame)) == {"All teams": None, "A": SECONDARY, "B": SMALL}


def test_staff_figures_are_never_suppressed_but_caseloads_count_children():
    # Agency rate 4 FTE of 10: FTE are staff, not children: shown as they are, with every staff column
    staff = teams([("All teams", 4, 10), ("A", 1, 2.5)]).assign(agency_headcount=[4, 1], headcount=[10, 3])
    out = protect("workforce_agency_rate", staff)
    assert out["value"].tolist() == [40.0, 40.0] and list(out.columns[:-2]) == list(staff.columns)
    # marked as seen, nothing hidden: SPC and the heat map read that rather than guess from FTE under 5
    assert out["suppressed"].tolist() == [False, False] and out["hidden_why"].isna().all()
    assert not hidden_mask(out).any()
    # caseload: 3 children per 1.5 FTE: the 3 children are hidden (and the ratio 2.0 with them: 2.0 x 1.5 = 3),
    # the FTE (a staff figure) is shown; team B is hidden as well, so All teams - B cannot give A
    case = teams([("All teams", 23, 4.5), ("A", 3, 1.5), ("B", 20, 3.0)]).assign(case_holders_headcount=[5, 2, 3])
    out = protect("workforce_caseload", case)
    assert why(out) == {"All teams": None, "A": SMALL, "B": SECONDARY}
    assert out["denominator"].tolist() == [4.5, 1.5, 3.0] and out["value"].isna().tolist() == [False, True, True]
    assert "case_holders_headcount" in out


def test_a_longest_gap_of_three_days_is_not_a_count_but_three_children_are():
    # visits_gaps: numerator and value are days (a maximum), `children` is the count. A: 3 days among 12 children:
    # shown. B: 40 days among 3 children: hidden (it is one of 3 children's gaps), and C with it (3 + 8 = 11 >= 5)
    df = pd.DataFrame({"la_code": "Z9", "team": ["All teams", "A", "B", "C"], "month_end": M,
                       "numerator": [40, 3, 40, 20], "denominator": None, "value": [40, 3, 40, 20],
                       "children": [23, 12, 3, 8], "median_days_without_visit": [10, 2, 30, 12], "status": "ok"})
    out = protect("visits_gaps", df)
    assert why(out) == {"All teams": None, "A": None, "B": SMALL, "C": SECONDARY}
    assert out.loc[out["team"] == "B", "numerator_shown"].item() == HIDDEN  # days, so never '<5'
    assert "children" not in out and "median_days_without_visit" not in out  # breakdowns about children: not shown


def test_a_measures_breakdowns_about_children_are_left_out_but_a_drawn_one_stays():
    df = teams([("All teams", 30, 40)]).assign(overdue_6_weeks=[3], children_7_days=[2])
    assert list(protect("visits_in_time", df).columns) == [
        "team", "numerator", "denominator", "la_code", "month_end", "value", "status", "status_note",
        "numerator_shown", "denominator_shown", "suppressed", "hidden_why"]
    # visits after a change: the 'before' rate is drawn beside the value, so it stays (and is hidden with its row:
    # 2 of the 3 changes had a gap before, so the row rests on 3 changes, at most 3 children)
    after = teams([("All teams", 1, 3)]).assign(changes_gap_before=[2], value_before=[66.7])
    out = protect("visits_after_change", after)
    assert "value_before" in out and "changes_gap_before" not in out
    assert out["value_before"].isna().all() and out["value"].isna().all()


def test_a_distribution_hides_enough_bands_and_teams():
    # Team A's 40 children by number of social workers: bands 0: 0, 1: 36, 2: 3, 3: 1, 4+: 0. Bands 2 and 3 are
    # small; together 4 < 5, and the total 40 is known (the same children are every measure's denominator), so the
    # smallest other band above 0, band 1 (36), is hidden too: 3 + 1 + 36 = 40. Bands 0 and 4+ (0%) stay.
    # Team B's 50 children: 1: 20, 2: 20, 3: 10, 4+: 0 (no small band). All teams = A + B.
    # Across teams, band 2's hidden A (3) would be All teams - B: so B's band 2 (20) is hidden as well, and so on:
    # band 3 (A 1 -> B 10 hidden), band 1 (A 36, hidden for A's own bands: 36 >= 5, nothing more).
    # B's own bands then: 2 (20) and 3 (10) hidden, 30 >= 5: fine.
    rows = []
    for team, counts in (("A", [0, 36, 3, 1, 0]), ("B", [0, 20, 20, 10, 0]), ("All teams", [0, 56, 23, 11, 0])):
        total = sum(counts)
        for band, n in zip(["0", "1", "2", "3", "4+"], counts, strict=True):
            rows.append({"la_code": "Z9", "team": team, "month_end": M, "band": band, "numerator": n,
                         "denominator": total, "value": round(100 * n / total, 1), "band_label": band,
                         "band_order": 0})
    out = protect("sw_count_distribution", pd.DataFrame(rows))
    hidden = {(t, b): w for t, b, w in zip(out["team"], out["band"], out["hidden_why"], strict=True)
              if isinstance(w, str)}
    assert hidden == {("A", "1"): SECONDARY, ("A", "2"): SMALL, ("A", "3"): SMALL,
                      ("B", "2"): SECONDARY, ("B", "3"): SECONDARY}
    a = out[out["team"] == "A"].set_index("band")["value"]
    assert a["0"] == 0.0 and a["4+"] == 0.0 and a[["1", "2", "3"]].isna().all()


def test_a_team_with_fewer_than_five_children_hides_every_band():
    rows = [{"la_code": "Z9", "team": "A", "month_end": M, "band": b, "numerator": n, "denominator": 4,
             "value": 25.0 * n} for b, n in (("1", 4), ("2", 0))]
    out = protect("sw_count_distribution", pd.DataFrame(rows))
    assert out["suppressed"].all()  # even the band of 0: out of 4 children, '0%' says the other band holds all 4


def overview(rows: list[tuple]) -> pd.DataFrame:
    cols = ["measure", "la_code", "team", "month_end", "numerator", "denominator", "value", "status", "rag",
            "change_last_month", "direction_last_month", "change_last_year", "direction_last_year"]
    return pd.DataFrame(rows, columns=cols)


def test_a_change_from_or_to_a_hidden_month_is_hidden():
    jan, feb, mar = pd.Timestamp("2018-01-31"), pd.Timestamp("2018-02-28"), M
    ov = overview([
        ("visits_in_time", "Z9", "All teams", jan, 30, 40, 75.0, "ok", "red", None, None, None, None),
        ("visits_in_time", "Z9", "All teams", feb, 3, 4, 75.0, "ok", "red", 0.0, "same", None, None),
        ("visits_in_time", "Z9", "All teams", mar, 36, 40, 90.0, "ok", "amber", 15.0, "better", None, None),
        ("workforce_agency_rate", "Z9", "All teams", feb, 1, 4, 25.0, "ok", "red", None, None, None, None),
        ("workforce_agency_rate", "Z9", "All teams", mar, 1, 4, 25.0, "ok", "red", 0.0, "same", None, None),
    ])
    out = protect_overview(ov).set_index(["measure", "month_end"])
    # February rests on 4 children: hidden, grey; its change from January (0.0) would give it away with January's
    # 75%; March's change from February (+15.0 on 90%) would too. January's change: no December here, so unknown.
    assert out.loc[("visits_in_time", feb), "suppressed"] and out.loc[("visits_in_time", feb), "rag"] == "grey"
    assert out.xs("visits_in_time")["change_last_month"].isna().all()
    assert pd.isna(out.loc[("visits_in_time", mar), "direction_last_month"])
    assert out.loc[("visits_in_time", mar), "value"] == 90.0  # March itself is shown
    # staff FTE: nothing hidden, March's change from February kept
    assert not out.xs("workforce_agency_rate")["suppressed"].any()
    assert out.loc[("workforce_agency_rate", mar), "change_last_month"] == 0.0
    assert out.loc[("workforce_agency_rate", mar), "numerator_shown"] == 1


def test_hidden_mask_of_a_frame_never_protected_hides_small_counts():
    rows = pd.DataFrame({"numerator": [3, 10], "denominator": [20, 20]})
    assert disclosure.hidden_mask(rows).tolist() == [True, False]


@pytest.mark.parametrize(("value", "why", "shown"), [(93.9, None, "93.9%"), (np.nan, SMALL, "<5"),
                                                     (np.nan, SECONDARY, "Hidden")])
def test_a_tile_says_less_than_five_or_hidden(value, why, shown):
    assert disclosure.shown_value(value, why, "%") == shown


def test_the_threshold_is_a_setting(monkeypatch):
    monkeypatch.setenv("PRACTICE_LENS_SUPPRESS_BELOW", "10")
    out = protect("visits_in_time", teams([("All teams", 30, 40), ("A", 8, 9)], month=pd.Timestamp(dt.date(2018, 1, 31))))
    assert why(out) == {"All teams": None, "A": SMALL}
    assert disclosure.small_words() == "fewer than 10 children"
