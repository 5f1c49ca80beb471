"""The Plans & legal page and its Drift view as people use them (AppTest on the sample): numbers read back from the
page's elements, one child's year through the list rules and the audit log, nothing of it in board mode."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import queries
from lens import drift
from lens.audit import AuditLog
from tests.test_access import ROLES, signed_in
from tests.test_app import array

ROOT = Path(__file__).resolve().parent.parent
PAGE = "app_pages/plans_legal.py"
STORY = "C000566"  # the sample's child left unseen for four months after a change of worker in July 2017
OCT = dt.date(2017, 10, 31)


@pytest.fixture()
def env(sample_db, tmp_path, monkeypatch):
    """A copy of the sample warehouse with a roles file; the audit log goes in the companion file beside it."""
    db = tmp_path / "data" / "warehouse.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db, db)
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    monkeypatch.setenv("PRACTICE_LENS_ROLES", str(roles))
    for name in ("PRACTICE_LENS_AUDIT_DB", "PRACTICE_LENS_COMPANION_DB", "PRACTICE_LENS_SUPERVISION_WEEKS"):
        monkeypatch.delenv(name, raising=False)
    con = duckdb.connect(str(db), read_only=True)
    yield con, db.parent / "warehouse.companion.sqlite"
    con.close()


def app(user: dict | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if user is not None:
        at.user = user
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def buttons(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_the_page_shows_each_measure_as_its_query_gives_it(env):
    con, _ = env
    at = app(month="Oct 2017")
    titles = [s.value for s in at.subheader]
    for name in ("plans_actions_overdue", "plans_overdue_after_change", "supervision_in_time", "supervision_quality",
                 "legal_proceedings_26_weeks", "legal_plo_days", "legal_no_plan", "missing_strategy_meeting",
                 "return_home_plan"):
        assert queries.get(name).title in titles, name
    # the overdue actions chart's last point is the series' October figure, read from the chart itself
    overdue = queries.run("plans_actions_overdue", con, from_month="2016-11", to_month="2017-10")
    value = overdue.loc[overdue["team"] == "All teams", "value"].iloc[-1]
    chart = next(c for c in charts(at) if c["layout"]["title"]["text"].startswith("Plan actions overdue"))
    assert array(chart["data"][0]["y"])[-1] == value
    # before and after a change of worker: two lines, named
    change = next(c for c in charts(at) if "after a change" in c["layout"]["title"]["text"])
    assert {t["name"] for t in change["data"] if t.get("name")} >= {"90 days before a change",
                                                                    "90 days after a change"}


def test_the_drift_view_draws_the_chosen_childs_year_and_logs_the_view(env):
    con, store = env
    at = app(signed_in("analyst@council.test", name="Ann Alyst"), month="Oct 2017")
    assert at.subheader[-1].value == "Drift: one child's year"
    pick = at.selectbox(key="drift-pick")
    assert f"{STORY} (overdue actions)" in pick.options  # on the overdue actions list that month
    before = buttons(at)
    pick.set_value(STORY).run()
    assert not at.exception, [e.message for e in at.exception]
    # the child's events download as CSV or Excel (checked and logged at the click), never as an unlogged image
    after = buttons(at)
    assert (after.count("CSV"), after.count("Excel")) == (before.count("CSV") + 1, before.count("Excel") + 1)
    assert (after.count("PNG"), after.count("SVG")) == (before.count("PNG"), before.count("SVG"))
    events = queries.run("drift_history", con, la_codes=["Z99000001"], as_of=OCT, child=STORY)
    expected = drift.summary(events, OCT)
    shown = metrics(at)
    # read from the page: 4 overdue actions, 105 days since the last visit (18/7 to 31/10/2017)
    assert shown["Actions overdue"] == str(expected["overdue_actions"]) == "4"
    assert shown["Days since a visit"] == str(expected["days_since_visit"]) == "105"
    assert shown["New social workers"] == str(expected["changes"])
    timeline = charts(at)[-1]
    assert timeline["layout"]["title"]["text"] == f"Child {STORY}: the year to Oct 2017"
    assert timeline["layout"]["yaxis"]["ticktext"] == list(drift.LANES)
    overdue = next(t for t in timeline["data"] if t.get("name") == drift.OVERDUE)
    assert overdue["x"][1].startswith("2017-10-31")  # an overdue action's line runs to the as-at date
    views = [r for r in AuditLog(store).entries().to_dict("records") if r["measure"] == "drift_history"]
    assert len(views) == 1 and views[0]["who"] == "analyst@council.test" and views[0]["children"] == 1
    assert json.loads(views[0]["filters"])["child"] == STORY


def test_a_manager_sees_only_their_teams_children(env):
    con, _ = env
    team = queries.run("drift_history", con, la_codes=["Z99000001"], as_of=OCT, child=STORY)["team"].iloc[0]
    assert team != "CLA Team 2"
    at = app(signed_in("manager@council.test"), month="Oct 2017")
    at.text_input(key="drift-child").input(STORY).run()
    assert not at.exception
    assert f"No child {STORY} looked after on 31 Oct 2017 that you may see." in [w.value for w in at.warning]
    assert not [c for c in charts(at) if c["layout"]["title"]["text"].startswith("Child ")]


def test_board_mode_has_no_drift_view_and_no_child(env):
    at = app(None, month="Oct 2017", board="true")
    assert "Drift: one child's year" not in [s.value for s in at.subheader]
    assert not [t for t in at.text_input if t.key == "drift-child"]
    assert all("Child" not in d.value.columns for d in at.dataframe)
