"""The sample authority with every case-system extract removed (only the SSDA903 returns): every page and the board
pack say 'no data' where a file is absent, with the reason, and show no figure and no list of children built on it.

Before this, the Overview showed red 0-2% figures and 'changes of social worker 0.0%, on target', and the visits list
named every child as overdue.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import queries
from etl.load import load
from reports.board_pack import board_pack_pdf

ROOT = Path(__file__).resolve().parent.parent
EXTRACT_MEASURES = {  # headline measure -> why it has no data
    "visits_in_time": "no data: the visits extract not supplied",
    "health_up_to_date": "no data: the health assessments extract not supplied",
    "health_rha_in_time": "no data: the health assessments extract not supplied",
    "missing_rhi_in_time": "no data: the return interviews extract not supplied",
}
# The plans, supervision, legal, strategy meeting and return home extracts: each file -> the series and lists built on
# it (every one of them says no data, with that file's name, when it is absent).
PLAN_FILES = {
    "plan_actions": (("plans_actions_overdue", "plans_actions_on_time", "plans_overdue_after_change"),
                     ("plans_actions_overdue_list",), "the plan actions extract"),
    "supervisions": (("supervision_in_time", "supervision_quality"), ("supervision_overdue_list",),
                     "the supervisions extract"),
    "legal": (("legal_proceedings_26_weeks", "legal_plo_days", "legal_no_plan"),
              ("legal_proceedings_list", "legal_no_plan_list"), "the legal extract"),
    "strategy_meetings": (("missing_strategy_meeting",), ("missing_strategy_list",), "the strategy meetings extract"),
    "return_home_plans": (("return_home_plan",), ("return_home_plan_list",), "the return home plans extract"),
}


@pytest.fixture(scope="module")
def no_extracts_db(tmp_path_factory, sample_sources) -> Path:
    base = tmp_path_factory.mktemp("no_extracts")
    sources = []
    for src in sample_sources:
        dst = base / src.name
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("extracts"))
        sources.append(dst)
    db = base / "w.duckdb"
    load(sources, db)
    return db


@pytest.fixture()
def env(no_extracts_db, monkeypatch):
    monkeypatch.setenv("PRACTICE_LENS_DB", str(no_extracts_db))
    con = duckdb.connect(str(no_extracts_db), read_only=True)
    yield con
    con.close()


def app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every message, caption and markdown on the page, as one string."""
    parts = [e.value for kind in ("warning", "info", "success", "caption", "markdown") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_measures_on_absent_extracts_are_no_data_in_every_month(env):
    for measure, note in EXTRACT_MEASURES.items():
        df = queries.run(measure, env, from_month="2013-04", to_month="2018-03")
        assert len(df) >= 60 and set(df["status"]) == {"no data"}, measure
        assert df["value"].isna().all() and df["numerator"].isna().all(), measure
        assert set(df["status_note"]) == {note}, measure
    for name in ("visits_overdue_list", "health_overdue_list", "missing_rhi_list", "health_iha_late_list"):
        assert queries.run(name, env, as_of="2018-03-31", from_month="2016-04", to_month="2018-03").empty, name
    for series, lists, label in PLAN_FILES.values():
        for measure in series:
            df = queries.run(measure, env, from_month="2013-04", to_month="2018-03")
            assert len(df) >= 60 and set(df["status"]) == {"no data"}, measure
            assert df["value"].isna().all() and df["numerator"].isna().all(), measure
            assert set(df["status_note"]) == {f"no data: {label} not supplied"}, measure
        for name in lists:
            assert queries.run(name, env, as_of="2018-03-31").empty, name
    # measures on the returns alone are unaffected
    ok = queries.run("placements_3plus", env, from_month="2018-03", to_month="2018-03")
    assert ok.loc[ok["team"] == "All teams", "status"].tolist() == ["ok"]


def test_overview_tiles_say_no_data_and_never_score_it(env):
    at = app()
    tiles = {m.label: m.value for m in at.metric}
    titles = {queries.get(m).short_title: m for m in EXTRACT_MEASURES if queries.get(m).fields.get("headline") == "yes"}
    assert titles
    for title in titles:
        assert tiles[title] == "No data", title
    # no 0% anywhere, and no 'on target' for a measure that has no data
    assert not any(v.startswith("0.0") for v in tiles.values())
    shown = texts(at)
    assert "no data: the visits extract not supplied" in shown
    assert "with no data" in shown


@pytest.mark.parametrize(("page", "note", "list_title"), [
    ("app_pages/visits.py", "the visits extract not supplied", "Children whose statutory visit is overdue"),
    ("app_pages/health.py", "the health assessments extract not supplied", "health assessment or dental check"),
    ("app_pages/missing.py", "the return interviews extract not supplied", "without a timely return interview"),
    ("app_pages/workforce.py", "the workforce extract not supplied", None),
])
def test_theme_pages_say_no_data_and_draw_no_list(env, page, note, list_title):
    at = app(page)
    shown = texts(at)
    assert note in shown
    assert not [d for d in at.dataframe if "Child" in d.value.columns]  # no child named on data that is absent
    if list_title:
        assert any(list_title in s.value for s in at.subheader)
        assert any(w.value == f"No list of children: {note}." for w in at.warning)
    for m in at.metric:
        assert m.value in ("No data", "—") or not m.label.startswith("Latest"), (m.label, m.value)


def test_data_quality_lists_the_absent_files_and_what_each_covers(env):
    at = app("app_pages/data_quality.py")
    cover = next(d.value for d in at.dataframe if "Months covered" in d.value.columns)
    by_file = dict(zip(cover["File"], cover["Months covered"], strict=True))
    assert by_file["the visits extract"] == 0 and by_file["SSDA903 episodes"] == 60


def test_board_pack_says_no_data_where_a_file_is_absent(env):
    text = "\n".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(
        board_pack_pdf(env, "Z99000001", "2018-03"))).pages)
    flat = " ".join(text.split())
    assert "no data: the visits extract not supplied for March 2018" in flat
    assert "with no data (a source file not supplied)" in flat


@pytest.fixture(scope="module")
def one_absent(tmp_path_factory, sample_sources):
    """A warehouse of the sample without one of the plans extracts (built once per file, on first use)."""
    built: dict[str, Path] = {}

    def make(name: str) -> Path:
        if name not in built:
            base = tmp_path_factory.mktemp(f"no_{name}")
            dst = base / sample_sources[0].name
            shutil.copytree(sample_sources[0], dst, ignore=shutil.ignore_patterns(f"{name}.csv"))
            built[name] = base / "w.duckdb"
            load([dst], built[name])
        return built[name]

    return make


@pytest.mark.parametrize("file", list(PLAN_FILES))
def test_each_plans_extract_absent_alone_is_no_data_for_its_measures_only(one_absent, file):
    series, lists, label = PLAN_FILES[file]
    with duckdb.connect(str(one_absent(file)), read_only=True) as con:
        for measure in series:
            df = queries.run(measure, con, from_month="2017-04", to_month="2018-03")
            assert set(df["status"]) == {"no data"} and df["value"].isna().all(), measure
            assert set(df["status_note"]) == {f"no data: {label} not supplied"}, measure
        for name in lists:
            assert queries.run(name, con, as_of="2018-03-31").empty, name
            assert queries.availability(name, con, as_of="2018-03-31")["status_note"].tolist() == [
                f"no data: {label} not supplied"]
        # the other files' measures still have their figures
        others = [m for f, (ms, _, _) in PLAN_FILES.items() if f != file for m in ms
                  if file not in queries.get(m).requires]
        for measure in others:
            df = queries.run(measure, con, from_month="2018-03", to_month="2018-03")
            row = df[df["team"] == "All teams"]
            pending = queries.get(measure).fields.get("pending")  # outcomes not known yet at the data's end
            if pending and int(row[pending].iloc[0]) > 0:
                assert row["status"].tolist() == ["partial"], measure
            else:
                assert row["status"].tolist() == ["ok"], measure


def test_plans_page_says_no_data_draws_no_list_and_the_drift_view_names_the_empty_lanes(env):
    at = app("app_pages/plans_legal.py")
    shown = texts(at)
    for _, _, label in PLAN_FILES.values():
        assert f"{label} not supplied" in shown, label
    assert not [m for m in at.metric if m.label.startswith("Latest")]  # no headline figure, not even a 0
    assert "No data for plan actions done by their due date in this period: the plan actions extract not " \
           "supplied." in [w.value for w in at.warning]
    assert not [d for d in at.dataframe if "Child" in d.value.columns]
    warnings = [w.value for w in at.warning]
    for _, lists, label in PLAN_FILES.values():
        for name in lists:
            assert f"No list of children: {label} not supplied." in warnings, name
    # one child's year still draws from the returns, its empty lanes saying why
    at.text_input(key="drift-child").input("C000566").run()
    assert not at.exception, [e.message for e in at.exception]
    chart = json.loads(at.get("plotly_chart")[-1].proto.spec)
    why = {a["y"]: a["text"] for a in chart["layout"]["annotations"] if a["text"].startswith("no data")}
    # lanes from the top: Social worker 5, Visits 4, Reviews 3, Plan actions 2, Supervision 1, Missing 0
    assert why == {4: "no data: the visits extract not supplied", 2: "no data: the plan actions extract not supplied",
                   1: "no data: the supervisions extract not supplied"}
