"""The sample authority with every case-system extract removed (only the SSDA903 returns): every page and the board
pack say 'no data' where a file is absent, with the reason, and show no figure and no list of children built on it.

Before this, the Overview showed red 0-2% figures and 'changes of social worker 0.0%, on target', and the visits list
named every child as overdue.
"""

from __future__ import annotations

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
