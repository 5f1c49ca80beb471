"""The audit log (issue 10, "Trust"): every view or download of a list of children is one row (who, when, page or
download, filters, how many children) in a SQLite file outside the warehouse; board users add none; a load keeps it;
analysts read it on the Data quality page; `python -m lens.audit export` writes it to CSV."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from lens.access import Access
from lens.audit import AuditLog
from tests.test_access import ROLES, child_tables, signed_in

ROOT = Path(__file__).resolve().parent.parent
ANALYST = signed_in("analyst@council.test", name="Ann Alyst")


@pytest.fixture()
def env(sample_db, tmp_path, monkeypatch):
    """A copy of the sample warehouse with nothing set for the audit file: it goes in the companion file beside it."""
    db = tmp_path / "data" / "warehouse.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db, db)
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    monkeypatch.setenv("PRACTICE_LENS_ROLES", str(roles))
    for name in ("PRACTICE_LENS_AUDIT_DB", "PRACTICE_LENS_COMPANION_DB"):
        monkeypatch.delenv(name, raising=False)
    con = duckdb.connect(str(db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    con.close()
    yield db, la, db.parent / "warehouse.companion.sqlite"


def app(page: str | None, user: dict, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.user = user
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rows(store: Path) -> list[dict]:
    return [] if not store.exists() else AuditLog(store).entries().iloc[::-1].to_dict("records")


def test_a_list_view_appends_one_row_with_its_count_and_filters(env):
    db, la, store = env
    with duckdb.connect(str(db), read_only=True) as con:
        expected = queries.run("visits_overdue_list", con, la_codes=[la], team="CLA Team 1", as_of="2017-03-31")
    assert len(expected)
    at = app("app_pages/visits.py", ANALYST, team="CLA Team 1", month="Mar 2017")
    assert len(child_tables(at)[0]) == len(expected)
    [row] = rows(store)
    assert {k: row[k] for k in ("who", "name", "role", "action", "page", "measure", "format", "children", "rows")} == {
        "who": "analyst@council.test", "name": "Ann Alyst", "role": "analyst", "action": "view", "page": "visits",
        "measure": "visits_overdue_list", "format": "", "children": expected["child"].nunique(),
        "rows": len(expected)}
    assert json.loads(row["filters"]) == {"la_codes": [la], "team": "CLA Team 1", "as_of": "2017-03-31",
                                          "teams_shown": "all"}
    assert pd.Timestamp(row["at"]).tzinfo is not None
    at.run()  # a redraw of the same list (a click elsewhere on the page) is the same view
    assert len(rows(store)) == 1
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/visits.py").run()  # coming back to it is a new one
    assert [r["action"] for r in rows(store)] == ["view", "view"]


def test_a_page_with_two_lists_appends_a_row_for_each_even_an_empty_one(env):
    db, la, store = env
    with duckdb.connect(str(db), read_only=True) as con:
        expected = {m: queries.run(m, con, la_codes=[la], as_of="2018-03-31")["child"].nunique()
                    for m in ("missing_rhi_list", "missing_prolonged_list")}
    assert 0 in expected.values()  # the prolonged list is empty this month: looked at all the same
    app("app_pages/missing.py", ANALYST)
    assert {r["measure"]: r["children"] for r in rows(store)} == expected


def test_a_list_download_appends_one_row_when_clicked_after_the_same_check(env, monkeypatch):
    """Streamlit runs a download's function outside the page's run: ui.audit.download_rows is that function."""
    from ui import audit

    db, la, store = env
    with duckdb.connect(str(db), read_only=True) as con:
        whole = queries.run("visits_overdue_list", con, la_codes=[la], as_of="2018-03-31")
    manager = Access("manager@council.test", "Man Ager", "manager", frozenset({"CLA Team 2"}))
    params = {"la_codes": [la], "team": "CLA Team 1", "as_of": "2018-03-31"}  # another team's, asked in the URL
    monkeypatch.setattr(audit, "page", lambda: "visits")
    download = audit.download_rows(manager, "visits_overdue_list", params, whole)  # (as if a wider frame got here)
    assert rows(store) == []  # nothing until the click
    got = download("csv")
    mine = whole[whole["team"] == "CLA Team 2"]
    assert len(got) == len(mine) and set(got["team"]) == {"CLA Team 2"}
    [row] = rows(store)
    assert (row["who"], row["action"], row["format"], row["page"], row["children"], row["rows"]) == (
        "manager@council.test", "download", "csv", "visits", mine["child"].nunique(), len(mine))
    assert json.loads(row["filters"]) == {**params, "teams_shown": ["CLA Team 2"]}
    download("xlsx")  # every download counts
    assert [r["format"] for r in rows(store)] == ["csv", "xlsx"]


def test_a_board_users_views_append_nothing(env):
    _, _, store = env
    board = signed_in("b@council.test", groups=["board-members"])
    for page in ("app_pages/visits.py", "app_pages/missing.py", "app_pages/health.py", "app_pages/reviews.py",
                 "app_pages/sw_changes.py", "app_pages/data_quality.py"):
        at = app(page, board, board="false")
        assert child_tables(at) == []
    assert rows(store) == []


def test_no_list_is_shown_when_its_view_cannot_be_recorded(env, tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("PRACTICE_LENS_AUDIT_DB", str(tmp_path / "a-file" / "audit.sqlite"))  # cannot be created
    at = app("app_pages/visits.py", ANALYST)
    assert child_tables(at) == []
    assert any(i.value.startswith("The list is not shown because its view cannot be recorded: the audit log ")
               for i in at.info)


def test_the_log_survives_a_load_of_a_new_warehouse(env, sample_sources):
    db, _, store = env
    app("app_pages/visits.py", ANALYST)
    before = db.stat().st_ino
    done = subprocess.run([sys.executable, "-m", "etl", "load", *map(str, sample_sources), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert db.stat().st_ino != before  # a new file was swapped in
    assert len(rows(store)) == 1
    app("app_pages/visits.py", ANALYST)
    assert len(rows(store)) == 2


def test_analysts_read_the_log_on_the_data_quality_page_and_managers_do_not(env):
    app("app_pages/visits.py", ANALYST)
    at = app("app_pages/data_quality.py", ANALYST)
    assert "Audit log: who saw lists of children" in [s.value for s in at.subheader]
    log = at.dataframe[-1].value  # the last table on the page
    assert log[["Who", "Action", "Page", "List"]].values.tolist() == [
        ["analyst@council.test", "view", "visits", queries.get("visits_overdue_list").title]]
    # the filters in words, not the JSON the log stores
    assert log["Filters"].iloc[0].startswith("as at ") and "authority " in log["Filters"].iloc[0]
    assert "{" not in log["Filters"].iloc[0]
    manager = app("app_pages/data_quality.py", signed_in("manager@council.test"))
    assert "Audit log: who saw lists of children" not in [s.value for s in manager.subheader]


# ---------- the export ----------

def export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lens.audit", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_export_writes_every_row_of_every_replica_to_csv(tmp_path):
    a, b = AuditLog(tmp_path / "a.sqlite"), AuditLog(tmp_path / "b.sqlite")
    when = pd.Timestamp("2018-04-03T09:00:00Z").to_pydatetime()
    common = {"role": "analyst", "page": "visits", "measure": "visits_overdue_list", "children": 3, "rows": 3}
    a.record(who="x@council.test", name="=HYPERLINK(\"http://evil\")", action="view",
             filters={"team": None}, when=when, **common)
    b.record(who="y@council.test", name="Y", action="download", fmt="csv", filters={"team": "CLA Team 1"},
             when=when.replace(hour=8), **common)
    out = tmp_path / "audit.csv"
    done = export("export", "--out", str(out), "--store", str(a.path), "--store", str(b.path))
    assert done.returncode == 0 and done.stderr == f"2 rows written to {out}\n"
    got = pd.read_csv(out, keep_default_na=False)
    assert got["who"].tolist() == ["y@council.test", "x@council.test"]  # oldest first, across both files
    assert got["name"].tolist() == ["Y", "'=HYPERLINK(\"http://evil\")"]  # never a formula in a spreadsheet
    assert got.columns.tolist()[:6] == ["id", "at", "who", "name", "role", "action"]
    since = export("export", "--out", "-", "--store", str(a.path), "--store", str(b.path), "--since", "2018-04-03")
    assert since.returncode == 0 and len(since.stdout.splitlines()) == 3


@pytest.mark.parametrize(("args", "message"), [
    (["export", "--out", "{tmp}/x.csv", "--store", "{tmp}/none.sqlite"],
     "audit export: no audit log at {tmp}/none.sqlite (nothing has been viewed yet, or the path is wrong)"),
    (["export", "--out", "{tmp}/x.csv", "--store", "{tmp}/a.sqlite", "--since", "last week"],
     "audit export: --since must be a date YYYY-MM-DD, not 'last week'"),
    (["export", "--out", "{tmp}/no/such/folder/x.csv", "--store", "{tmp}/a.sqlite"],
     "audit export: folder {tmp}/no/such/folder does not exist"),
    (["export", "--out", "{tmp}/x.csv", "--store", "{tmp}/not-sqlite.sqlite"],
     "audit export: {tmp}/not-sqlite.sqlite is not a readable audit log: file is not a database"),
])
def test_export_says_what_is_wrong_in_one_line_and_exits_2(tmp_path, args, message):
    AuditLog(tmp_path / "a.sqlite").record(who="x", name="x", role="analyst", action="view", page="visits",
                                           measure="m", filters={}, children=1, rows=1)
    (tmp_path / "not-sqlite.sqlite").write_text("hello, this is not a database " * 10)
    done = export(*[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2
    assert done.stderr == message.format(tmp=tmp_path) + "\n"
    assert not (tmp_path / "x.csv").exists()


def test_the_log_keeps_its_columns_and_refuses_an_unknown_action(tmp_path):
    log = AuditLog(tmp_path / "a.sqlite")
    log.record(who="x", name="x", role="analyst", action="view", page="visits", measure="m", filters={}, children=1,
               rows=1)
    with sqlite3.connect(log.path) as con:
        assert [r[1] for r in con.execute("pragma table_info(audit)")] == [
            "id", "at", "who", "name", "role", "action", "page", "measure", "format", "filters", "children", "rows",
            "host"]
    with pytest.raises(ValueError, match="action must be one of"):
        log.record(who="x", name="x", role="analyst", action="delete", page="", measure="m", filters={}, children=0,
                   rows=0)


def test_logged_filters_read_as_words_and_anything_else_as_stored():
    from lens.audit import filters_text

    raw = json.dumps({"la_codes": ["Z99000001"], "team": None, "as_of": "2018-03-31", "teams_shown": "all"})
    assert filters_text(raw) == "authority Z99000001 · as at 2018-03-31 · teams shown all"
    assert filters_text(json.dumps({"new_key": [1, 2]})) == "new key 1, 2"
    assert filters_text("not json") == "not json" and filters_text("[1]") == "[1]"
