"""Roles and what each sees (issue 10, "Trust"): the rules in lens/access.py, the synthetic mark that lets demo mode
open a warehouse, and the app as each role gets it (AppTest with st.user set as Streamlit's sign-in would set it).
The real sign-in against an OpenID Connect provider is in tests/test_signin_browser.py."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from etl.load import load
from etl.load_sources import LoadError
from lens import access
from lens.access import Access, NotAllowed, RolesError
from tests.warehouse_fixture import make_warehouse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
D = dt.date
ROLES = """
contact = "the Performance team (performance@council.test)"

[users."analyst@council.test"]
role = "analyst"

[users."Manager@Council.test"]
role = "manager"
teams = ["CLA Team 2"]

[groups."board-members"]
role = "board"

[groups."team-3-managers"]
role = "manager"
teams = ["CLA Team 3"]
"""


# ---------- the rules ----------

def test_roles_file_gives_each_entry_its_role_and_a_manager_their_teams():
    roles = access.parse_roles(ROLES)
    assert roles.contact == "the Performance team (performance@council.test)"
    assert access.resolve({"email": "ANALYST@council.test"}, roles).role == "analyst"  # emails match in any case
    manager = access.resolve({"email": "manager@council.test", "name": "Man Ager"}, roles)
    assert (manager.role, manager.teams, manager.name) == ("manager", frozenset({"CLA Team 2"}), "Man Ager")
    assert access.resolve({"email": "x@council.test", "groups": ["board-members"]}, roles).role == "board"
    assert access.resolve({"email": "x@council.test", "groups": "board-members"}, roles).role == "board"
    nobody = access.resolve({"email": "x@council.test", "groups": ["other"]}, roles)
    assert nobody.role is None and nobody.who == "x@council.test"
    # the strongest role wins; manager entries add up their teams
    assert access.resolve({"email": "analyst@council.test", "groups": ["board-members"]}, roles).role == "analyst"
    both = access.resolve({"email": "manager@council.test", "groups": ["team-3-managers", "board-members"]}, roles)
    assert (both.role, both.teams) == ("manager", frozenset({"CLA Team 2", "CLA Team 3"}))
    # an email the provider says is not verified matches nothing
    assert access.resolve({"email": "analyst@council.test", "email_verified": False}, roles).role is None


@pytest.mark.parametrize(("text", "message"), [
    ('[users."a@b"]\nrole = "boss"', "roles file: users.'a@b': role must be one of board, manager, analyst, admin, "
                                     "not 'boss'"),
    ('[users."a@b"]\nrole = "manager"', "roles file: users.'a@b': a manager needs teams = [...] (the teams whose "
                                        "children they may see)"),
    ('[groups."g"]\nrole = "analyst"\nteams = ["T"]', "roles file: groups.'g': teams apply to a manager only"),
    ('[users."a@b"]\nrole = "analyst"\nteam = ["T"]', "roles file: users.'a@b': unknown key 'team' (only role and "
                                                      "teams)"),
    ('[people."a@b"]\nrole = "analyst"', "roles file: unknown key 'people'"),
    ("users = [", "roles file: not valid TOML"),
])
def test_a_bad_roles_file_is_refused_in_one_line(text, message):
    with pytest.raises(RolesError) as err:
        access.parse_roles(text)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_missing_roles_file_and_the_committed_example():
    with pytest.raises(RolesError, match="roles file not found"):
        access.load_roles(ROOT / "no-such-roles.toml")
    example = access.load_roles(ROOT / "roles.example.toml")
    assert {g.role for g in [*example.users.values(), *example.groups.values()]} == set(access.ROLES)


ANALYST = Access("a@council.test", "A", "analyst")
MANAGER = Access("m@council.test", "M", "manager", frozenset({"CLA Team 2"}))
BOARD = Access("b@council.test", "B", "board")


@pytest.mark.parametrize(("url", "toggle", "who", "expected"), [
    (None, False, ANALYST, False), (None, True, ANALYST, True),
    ("true", False, ANALYST, True), ("false", False, ANALYST, False), ("FALSE", True, ANALYST, False),
    ("1", False, ANALYST, True), ("maybe", False, ANALYST, True), ("", False, ANALYST, True),
    ("0", False, ANALYST, True), ("no", False, ANALYST, True),
    (None, False, BOARD, True), ("false", False, BOARD, True),
])
def test_board_mode_fails_closed_and_a_board_role_cannot_leave_it(url, toggle, who, expected):
    assert access.board_mode(url, toggle, who) is expected


def test_list_scope_refuses_a_board_role_and_keeps_a_manager_to_their_teams():
    df = pd.DataFrame({"child": ["A", "B", "C", "C"], "team": ["CLA Team 1", "CLA Team 2", "CLA Team 2", "CLA Team 2"]})
    with pytest.raises(NotAllowed, match="board"):
        access.list_scope(BOARD, None)
    assert access.list_scope(ANALYST, "CLA Team 1") == ("CLA Team 1", None)
    assert access.list_scope(MANAGER, "CLA Team 2") == ("CLA Team 2", frozenset({"CLA Team 2"}))
    assert access.list_scope(MANAGER, "CLA Team 1") == (None, frozenset({"CLA Team 2"}))  # another team's: their own
    assert access.list_scope(MANAGER, None) == (None, frozenset({"CLA Team 2"}))
    kept = access.narrow(df, frozenset({"CLA Team 2"}))
    assert kept["child"].tolist() == ["B", "C", "C"] and access.children_in(kept) == 2
    assert access.narrow(df, None) is df


# ---------- synthetic data and demo mode ----------

def test_generated_sources_are_marked_synthetic_and_loaded_so(sample_sources, sample_db):
    assert "synthetic = true" in (sample_sources[0] / "authority.toml").read_text()
    with duckdb.connect(str(sample_db), read_only=True) as con:
        assert con.execute("select bool_and(synthetic) from dim_authority").fetchone()[0] is True
        assert queries.run("filter_authorities", con)["synthetic"].tolist() == [True]


def test_an_authority_without_the_mark_is_not_synthetic_and_a_bad_mark_stops_the_load(tmp_path):
    src = tmp_path / "la_b"
    shutil.copytree(FIXTURES / "la_b", src)
    toml = src / "authority.toml"
    toml.write_text(toml.read_text().replace("synthetic = true\n", ""))
    load([src], tmp_path / "w.duckdb")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select la_code, synthetic from dim_authority").fetchall() == [("Z99000902", False)]
    toml.write_text(toml.read_text() + 'synthetic = "yes"\n')
    with pytest.raises(LoadError) as err:
        load([src], tmp_path / "w2.duckdb")
    assert str(err.value) == f"{toml}: synthetic must be true or false, not 'yes'"


def test_a_warehouse_from_before_the_mark_still_opens_as_not_synthetic(tmp_path):
    db = make_warehouse(tmp_path / "old.duckdb", {"dim_authority": [{"la_code": "Z9", "la_name": "Old Borough"}]})
    with duckdb.connect(str(db)) as con:
        con.execute("alter table dim_authority drop column synthetic")
    with duckdb.connect(str(db), read_only=True) as con:
        assert queries.run("filter_authorities", con)[["la_code", "synthetic"]].values.tolist() == [["Z9", False]]


# ---------- the app as each role gets it ----------

@pytest.fixture()
def roles_env(sample_db, tmp_path, monkeypatch):
    """The sample warehouse, a roles file, an audit file of this test's own."""
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(sample_db))
    monkeypatch.setenv("PRACTICE_LENS_ROLES", str(roles))
    monkeypatch.setenv("PRACTICE_LENS_AUDIT_DB", str(tmp_path / "audit.sqlite"))
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    last = pd.Timestamp(queries.run("filter_authorities", con)["last_month"].max()).date()
    yield con, la, last
    con.close()


def signed_in(email: str | None = None, **claims) -> dict:
    """st.user as Streamlit fills it from an identity token (is_logged_in False: nobody has signed in yet)."""
    return {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email, **claims}


def app(page: str | None = None, user: dict | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if user is not None:
        at.user = user
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def child_tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if "Child" in d.value.columns]


def test_without_sign_in_the_sample_opens_in_demo_mode_with_a_banner(roles_env):
    at = app("app_pages/visits.py")
    assert at.info[0].value.startswith("**Demo mode**: generated sample data (no real child), no sign-in.")
    assert len(child_tables(at)) == 1  # demo mode is an analyst's view of made-up children


@pytest.mark.parametrize("drop_column", [False, True])
def test_without_sign_in_real_data_is_refused_with_how_to_configure_it(tmp_path, monkeypatch, drop_column):
    db = make_warehouse(tmp_path / "real.duckdb", {
        "dim_authority": [{"la_code": "E06000039", "la_name": "A Real Council", "synthetic": False},
                          {"la_code": "Z99000001", "la_name": "Sample Borough"}],
        "dim_child": [{"la_code": "E06000039", "child": "A", "dob": D(2010, 1, 1)}],
        "fact_episode": [{"la_code": "E06000039", "child": "A", "decom": D(2017, 1, 2), "rne": "S", "ls": "C2",
                          "place": "U4", "return_year": 2017}],
    })
    if drop_column:  # a warehouse loaded before authorities were marked
        with duckdb.connect(str(db)) as con:
            con.execute("alter table dim_authority drop column synthetic")
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    at = app()
    assert [e.value for e in at.error] == [
        "This warehouse holds data that is not marked synthetic, and no sign-in is configured, so Practice Lens will "
        "not show it: configure sign-in ([auth] in .streamlit/secrets.toml and a roles file named by "
        "PRACTICE_LENS_ROLES, see docs/security.md). If this is a sample built by an earlier version, delete the "
        "warehouse file and restart to rebuild it."]
    assert not at.metric and not at.selectbox and not at.dataframe and not at.markdown


def test_a_visit_before_sign_in_gets_the_sign_in_page_and_nothing_else(roles_env):
    at = app(None, signed_in())
    assert [t.value for t in at.title] == ["Practice Lens"] and [s.value for s in at.subheader] == ["Sign in"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.selectbox and not at.toggle and not at.metric and not at.dataframe and not at.info


def test_a_signed_in_person_without_a_role_sees_who_they_are_and_whom_to_ask(roles_env):
    at = app(None, signed_in("someone@council.test", name="Some One", groups=["other"]))
    assert [s.value for s in at.subheader] == ["No access"]
    assert [t.value for t in at.text] == ["Signed in as: Some One <someone@council.test>",
                                          "To get access, ask: the Performance team (performance@council.test)"]
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.selectbox and not at.toggle and not at.metric and not at.dataframe


def test_a_missing_roles_file_lets_nobody_in(roles_env, monkeypatch, tmp_path):
    monkeypatch.setenv("PRACTICE_LENS_ROLES", str(tmp_path / "nowhere.toml"))
    at = app(None, signed_in("analyst@council.test"))
    assert [s.value for s in at.subheader] == ["Not set up yet"]
    assert "roles file not found" in at.text[0].value
    assert not at.selectbox and not at.metric


def test_a_manager_sees_only_their_teams_children_whatever_the_url_says(roles_env):
    con, la, last = roles_env
    mine = queries.run("visits_overdue_list", con, la_codes=[la], team="CLA Team 2", as_of=last)
    assert len(mine) and len(queries.run("visits_overdue_list", con, la_codes=[la], team="CLA Team 1", as_of=last))
    for team in (None, "CLA Team 1", "CLA Team 2"):
        at = app("app_pages/visits.py", signed_in("manager@council.test"), **({"team": team} if team else {}))
        [table] = child_tables(at)
        assert set(table["Team"]) == {"CLA Team 2"} and len(table) == len(mine), team
        assert "Children in your teams only: CLA Team 2." in [c.value for c in at.caption]
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_a_board_user_is_always_in_board_mode_and_sees_no_child(roles_env):
    for board in (None, "false", "0"):
        at = app("app_pages/visits.py", signed_in("b@council.test", groups=["board-members"]),
                 **({"board": board} if board is not None else {}))
        assert "Board mode" in at.markdown[0].value, board
        toggle = at.toggle(key="board")
        assert toggle.value is True and toggle.disabled
        assert child_tables(at) == [] and all("Child" not in d.value.columns for d in at.dataframe)


def test_board_mode_from_the_url_fails_closed_for_everyone(roles_env):
    for board in ("1", "maybe", "yes", ""):
        at = app("app_pages/visits.py", signed_in("analyst@council.test"), board=board)
        assert "Board mode" in at.markdown[0].value, board
        assert child_tables(at) == [], board
    assert len(child_tables(app("app_pages/visits.py", signed_in("analyst@council.test"), board="false"))) == 1


def test_an_analyst_sees_every_teams_children(roles_env):
    con, la, last = roles_env
    expected = queries.run("visits_overdue_list", con, la_codes=[la], as_of=last)
    at = app("app_pages/visits.py", signed_in("analyst@council.test"))
    [table] = child_tables(at)
    assert len(table) == len(expected) and set(table["Team"]) == set(expected["team"]) and len(set(table["Team"])) > 1


def test_row_values_on_the_data_quality_page_are_for_analysts(roles_env, tmp_path, monkeypatch):
    db = tmp_path / "dfe_cases.duckdb"
    load([FIXTURES / "dfe_cases"], db)  # its return has rows kept with a warning, each with its value
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))

    def values(email: str) -> list[str]:
        at = app("app_pages/data_quality.py", signed_in(email))
        return next(e for e in at.expander if e.label.startswith("Every warning")).dataframe[0].value["Value"].tolist()

    shown = values("analyst@council.test")
    assert "E4A" in shown and "(shown to analysts)" not in shown
    assert set(values("manager@council.test")) == {"(shown to analysts)"}  # a value can name another team's child
