"""Sign-in end to end, not a mock: a real OpenID Connect provider (the OpenID-certified `oidc-provider`, run by
tests/oidc/provider.mjs) and `streamlit run app.py` configured for it as a council would configure Entra ID or
Google ([auth] in secrets.toml, a roles file), driven in Debian's headless Chromium through Playwright.

One provider and one app serve the whole module. Each person signs in in a browser context of their own (their own
cookies), through the provider's login form, and the app's audit file is read back after what they did.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from playwright import sync_api as playwright

import queries
from lens.audit import AuditLog

ROOT = Path(__file__).resolve().parent.parent
OIDC = ROOT / "tests" / "oidc"
SHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MONTH = "Mar 2018"
AS_OF = "2018-03-31"
MANAGER_TEAM, OTHER_TEAM = "CLA Team 2", "CLA Team 1"
USERS = {  # as the council's directory would hold them; the password is checked by the provider's login form
    "manager@council.test": {"password": "manager-pw", "name": "Morgan Manager", "groups": ["staff"]},
    "board@council.test": {"password": "board-pw", "name": "Bea Board", "groups": ["staff", "corporate-parenting"]},
    "analyst@council.test": {"password": "analyst-pw", "name": "Ann Alyst", "groups": ["staff", "pi-team"]},
    "visitor@council.test": {"password": "visitor-pw", "name": "Vic Visitor", "groups": ["staff"]},
}
ROLES = f"""
contact = "the Performance team (performance@council.test)"

[users."manager@council.test"]
role = "manager"
teams = ["{MANAGER_TEAM}"]

[groups."corporate-parenting"]
role = "board"

[groups."pi-team"]
role = "analyst"
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, what: str, log: Path, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} did not start: " + log.read_text(errors="replace")[-3000:])


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_db):
    """The provider and the app, wired as in docs/security.md; yields (app URL, issuer, audit file)."""
    node = shutil.which("node")
    if node is None or not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test identity provider is not installed: run scripts/install-test-deps.sh (needs Node.js 20+)")
    tmp = tmp_path_factory.mktemp("signin")
    app_port = _free_port()
    app_url = f"http://127.0.0.1:{app_port}"
    client = {"client_id": "practice-lens", "client_secret": secrets.token_urlsafe(24),
              "redirect_uri": f"{app_url}/oauth2callback"}
    users = {login: {**u, "email": login} for login, u in USERS.items()}
    (tmp / "oidc.json").write_text(json.dumps({"port": 0, "client": client, "users": users}))
    provider_log = tmp / "provider.log"
    provider = subprocess.Popen([node, str(OIDC / "provider.mjs"), str(tmp / "oidc.json")], cwd=OIDC,
                                stdout=provider_log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: "listening " in provider_log.read_text(), "the OpenID Connect provider", provider_log, 30)
        issuer = provider_log.read_text().split("listening ", 1)[1].split()[0]
        (tmp / "secrets.toml").write_text(f"""
[auth]
redirect_uri = "{client['redirect_uri']}"
cookie_secret = "{secrets.token_urlsafe(32)}"
client_id = "{client['client_id']}"
client_secret = "{client['client_secret']}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
client_kwargs = {{ prompt = "login" }}  # Streamlit asks for select_account by default; oidc-provider has no such prompt
""")
        (tmp / "roles.toml").write_text(ROLES)
        audit = tmp / "audit.sqlite"
        env = {**os.environ, "PRACTICE_LENS_DB": str(sample_db), "PRACTICE_LENS_ROLES": str(tmp / "roles.toml"),
               "PRACTICE_LENS_AUDIT_DB": str(audit)}
        app_log = tmp / "app.log"
        app = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
             str(app_port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--secrets.files", str(tmp / "secrets.toml")],
            cwd=ROOT, env=env, stdout=app_log.open("w"), stderr=subprocess.STDOUT)
        try:
            def healthy() -> bool:
                try:
                    return urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=2).read() == b"ok"
                except OSError:
                    return False

            _wait_for(healthy, "streamlit", app_log)
            yield app_url, issuer, audit
        finally:
            _stop(app)
    finally:
        _stop(provider)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run scripts/install-test-deps.sh")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def expected(sample_db) -> dict[str, pd.DataFrame]:
    """The visits list at the month the test opens, for the whole authority and for the manager's team."""
    with duckdb.connect(str(sample_db), read_only=True) as con:
        la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
        whole = queries.run("visits_overdue_list", con, la_codes=[la], as_of=AS_OF)
    mine = whole[whole["team"] == MANAGER_TEAM]
    assert len(mine) and len(whole[whole["team"] == OTHER_TEAM]) and len(whole) > len(mine)
    return {"whole": whole, "mine": mine, "la": la}


def _settled(page) -> None:
    """Wait until Streamlit has finished running the script and nothing on the page is stale."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)


def _open(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60_000)
    _settled(page)


def _sign_in(browser, site, email: str, password: str | None = None):
    """A new browser (own cookies) signed in through the provider's login form; returns its page at the app."""
    app_url, issuer, _ = site
    context = browser.new_context(viewport={"width": 1400, "height": 3400}, accept_downloads=True)  # a whole page
    page = context.new_page()
    _open(page, app_url, "Sign in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{issuer}/interaction/**", timeout=30_000)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password or USERS[email]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    page.get_by_text("Sign out").first.wait_for(timeout=60_000)
    _settled(page)
    return page


def _audit_rows(site, who: str) -> list[dict]:
    store = site[2]
    return [] if not store.exists() else [r for r in AuditLog(store).entries().iloc[::-1].to_dict("records")
                                          if r["who"] == who]


def _list_csv(page, tmp_path: Path) -> pd.DataFrame:
    """Download the visits list's CSV (the last CSV button on the page) and read it."""
    with page.expect_download(timeout=90_000) as info:
        page.locator("[data-testid='stDownloadButton'] button").filter(has_text="CSV").last.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return pd.read_csv(target, encoding="utf-8-sig")


def test_a_visit_before_sign_in_shows_the_sign_in_page_only(site, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    app_url = site[0]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    _open(page, f"{app_url}/visits?team=CLA+Team+1&month=Mar+2018", "Sign in")
    try:
        assert page.get_by_role("button", name="Sign in").is_visible()
        assert page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").count() == 0
        assert page.locator("[data-testid='stMetric']").count() == 0
        assert page.locator("[data-testid='stDataFrame']").count() == 0
        assert page.get_by_text("Demo mode").count() == 0
    finally:
        page.screenshot(path=str(SHOTS / "signin.png"), full_page=True)
    page.close()


def test_a_wrong_password_is_refused_by_the_provider(site, browser):
    app_url, issuer, _ = site
    page = browser.new_page()
    _open(page, app_url, "Sign in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{issuer}/interaction/**", timeout=30_000)
    page.get_by_label("Email").fill("analyst@council.test")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").filter(has_text="Wrong email or password.").wait_for(timeout=30_000)
    assert page.url.startswith(issuer)
    page.close()


def test_a_manager_sees_only_their_teams_children_even_with_another_team_in_the_url(site, browser, expected,
                                                                                     tmp_path):
    mine = expected["mine"]
    page = _sign_in(browser, site, "manager@council.test")
    _open(page, f"{site[0]}/visits?team={OTHER_TEAM.replace(' ', '+')}&month={MONTH.replace(' ', '+')}", "Visits")
    try:
        page.get_by_text(f"{len(mine)} children, worst first.").wait_for(timeout=30_000)
        page.get_by_text(f"Children in your teams only: {MANAGER_TEAM}.").wait_for(timeout=30_000)
        got = _list_csv(page, tmp_path)
    finally:
        page.screenshot(path=str(SHOTS / "signin-manager-own-team.png"), full_page=True)
    assert set(got["Team"]) == {MANAGER_TEAM}
    assert sorted(got["Child"]) == sorted(mine["child"])
    rows = _audit_rows(site, "manager@council.test")
    assert [(r["action"], r["format"], r["page"], r["children"]) for r in rows] == [
        ("view", "", "visits", mine["child"].nunique()), ("download", "csv", "visits", mine["child"].nunique())]
    for r in rows:
        assert json.loads(r["filters"]) == {"la_codes": [expected["la"]], "team": OTHER_TEAM, "as_of": AS_OF,
                                            "teams_shown": [MANAGER_TEAM]}
    page.context.close()


def test_a_board_user_is_in_board_mode_and_cannot_switch_it_off(site, browser):
    page = _sign_in(browser, site, "board@council.test")
    _open(page, f"{site[0]}/visits?board=false&month={MONTH.replace(' ', '+')}", "Visits")
    try:
        page.get_by_text("Board mode: no child-level data; numbers under 5 suppressed").first.wait_for(timeout=30_000)
        switch = page.get_by_role("switch", name="Board mode")  # Streamlit's toggle
        assert switch.is_checked() and switch.is_disabled()
        switch.click(force=True)  # a click on the disabled switch changes nothing
        _settled(page)
        assert switch.is_checked()
        assert page.get_by_text("children, worst first").count() == 0
        assert page.get_by_role("heading", name=queries.get("visits_overdue_list").title).count() == 0
        assert page.get_by_text("Board mode: no child-level data").count() >= 1
    finally:
        page.screenshot(path=str(SHOTS / "signin-board-mode.png"), full_page=True)
    assert _audit_rows(site, "board@council.test") == []
    page.context.close()


def test_an_analyst_sees_everything_and_reads_the_audit_log(site, browser, expected):
    whole = expected["whole"]
    page = _sign_in(browser, site, "analyst@council.test")
    _open(page, f"{site[0]}/visits?month={MONTH.replace(' ', '+')}", "Visits")
    page.get_by_role("heading", name=queries.get("visits_overdue_list").title).first.wait_for(timeout=30_000)
    page.get_by_text(f"{len(whole)} children, worst first.").wait_for(timeout=30_000)
    assert page.get_by_text("Children in your teams only").count() == 0
    _open(page, f"{site[0]}/data-quality", "Data quality")
    page.get_by_role("heading", name="Audit log: who saw lists of children").wait_for(timeout=30_000)
    page.screenshot(path=str(SHOTS / "signin-analyst-audit.png"), full_page=True)
    assert [r["children"] for r in _audit_rows(site, "analyst@council.test")] == [whole["child"].nunique()]
    page.context.close()


def test_a_signed_in_person_without_a_role_is_told_whom_to_ask(site, browser):
    page = _sign_in(browser, site, "visitor@council.test")
    try:
        page.get_by_role("heading", name="No access").wait_for(timeout=30_000)
        assert page.get_by_text("Signed in as: Vic Visitor <visitor@council.test>").is_visible()
        assert page.get_by_text("To get access, ask: the Performance team (performance@council.test)").is_visible()
        assert page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").count() == 0
    finally:
        page.screenshot(path=str(SHOTS / "signin-no-access.png"), full_page=True)
    page.context.close()
