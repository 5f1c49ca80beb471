"""Sign-in and roles on screen: Streamlit's OpenID Connect (st.login, st.user, secrets.toml [auth]), the role of the
person signed in (lens/access.py, from the roles file), and the pages shown instead of the app: sign in, no access,
not set up, and demo mode's refusal of real data. The rules themselves are applied where data is read (ui/data.py)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from lens import access as rules
from lens import config
from lens.access import DEMO, Access, Roles, RolesError
from lens.formatting import plain
from ui import data

DEMO_BANNER = ("**Demo mode**: generated sample data (no real child), no sign-in. Before loading real data, configure "
               "sign-in: see docs/security.md.")
DEMO_REFUSED = ("This warehouse holds data that is not marked synthetic, and no sign-in is configured, so Practice "
                "Lens will not show it: configure sign-in ([auth] in .streamlit/secrets.toml and a roles file "
                "named by PRACTICE_LENS_ROLES, see docs/security.md). If this is a sample built by an earlier "
                "version, delete the warehouse file and restart to rebuild it.")


def signin_configured() -> bool:
    """Whether an identity provider is configured: Streamlit puts is_logged_in in st.user only when [auth] exists."""
    return "is_logged_in" in st.user.to_dict()


@functools.lru_cache(maxsize=4)
def _roles(path: str, mtime_ns: int) -> Roles:
    return rules.load_roles(path)


def roles() -> Roles:
    """The roles file named by the roles_path setting, read again when it changes; RolesError if missing or invalid."""
    path = Path(config.get("roles_path"))
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _roles(str(path), mtime)


def current() -> Access:
    """What the person using this session may see: demo access without sign-in, else their role from the roles file.

    Worked out from st.user on every call (it cannot be set from the URL or the session); no role when the roles file
    cannot be used. Without sign-in, data not marked synthetic gets no access at all.
    """
    if not signin_configured():
        return DEMO if demo_refusal() is None else Access(who="demo", name="", role=None, demo=True)
    if not st.user.get("is_logged_in"):
        return Access(who="", name="", role=None)
    try:
        return rules.resolve(st.user.to_dict(), roles())
    except RolesError:
        return Access(who=str(st.user.get("email") or ""), name=str(st.user.get("name") or ""), role=None)


def demo_refusal() -> str | None:
    """Why demo mode (no sign-in) may not open this warehouse (an authority not marked synthetic), or None."""
    auths = data.authorities()
    if len(auths) and not auths["synthetic"].fillna(False).astype(bool).all():
        return DEMO_REFUSED
    return None


def _providers() -> list[str | None]:
    """The named providers in secrets.toml ([auth.microsoft], [auth.google], ...), or [None] for [auth] alone."""
    try:
        section = st.secrets.get("auth") or {}
    except StreamlitSecretNotFoundError:
        section = {}
    named = [k for k, v in section.items() if isinstance(v, Mapping) and "client_id" in v]
    return named or [None]


def _sign_in_page() -> None:
    st.title("Practice Lens")
    st.subheader("Sign in")
    st.markdown("Practice Lens shows information about children looked after, so only people your council has given "
                "a role can see it. Sign in with your council account.")
    for provider in _providers():
        label = "Sign in" if provider is None else f"Sign in with {provider.replace('-', ' ').title()}"
        if st.button(label, type="primary", icon=":material/login:", key=f"sign-in-{provider or 'default'}"):
            st.login(provider)


def _sign_out(sidebar: bool = False) -> None:
    if (st.sidebar if sidebar else st).button("Sign out", icon=":material/logout:", key="sign-out"):
        st.logout()


def _no_access_page(me: Access, contact: str) -> None:
    st.title("Practice Lens")
    st.subheader("No access")
    st.markdown("You are signed in, but your account has no role in Practice Lens, so it shows you nothing.")
    st.text(f"Signed in as: {me.name + ' ' if me.name else ''}<{me.who or 'no email address given'}>")
    st.text(f"To get access, ask: {contact}")
    st.caption("Quote the email address above. Your council decides who may see information about children.")
    _sign_out()


def _not_set_up(reason: str) -> None:
    st.title("Practice Lens")
    st.subheader("Not set up yet")
    st.markdown("Sign-in works, but the file that gives people their roles cannot be used, so nobody can see "
                "anything yet. Whoever runs Practice Lens can fix it:")
    st.text(reason)
    _sign_out()


def gate() -> Access:
    """Before any filter or page: who is this and what may they see? Draws the page they get instead and stops the run
    when that is nothing (not signed in, no role, roles file unusable, real data without sign-in)."""
    if signin_configured():
        if not st.user.get("is_logged_in"):
            _sign_in_page()
            st.stop()
        try:
            known = roles()
        except RolesError as exc:
            _not_set_up(str(exc))
            st.stop()
        me = rules.resolve(st.user.to_dict(), known)
        if me.role is None:
            _no_access_page(me, known.contact)
            st.stop()
        data.ensure_warehouse()
        data.stop_if_out_of_date(sample=demo_refusal() is None)
        st.sidebar.caption(f"Signed in as {plain(me.label)}")
        _sign_out(sidebar=True)
        return me
    data.ensure_warehouse()
    refused = demo_refusal()
    if refused:
        st.title("Practice Lens")
        st.error(refused, icon=":material/lock:")
        st.stop()
    data.stop_if_out_of_date(sample=True)
    st.info(DEMO_BANNER, icon=":material/science:")
    return DEMO


def note_narrowed(df: pd.DataFrame) -> None:
    """Under a list a manager sees: whose children it holds (their own teams only)."""
    teams = df.attrs.get("teams_shown")
    if teams:
        st.caption(f"Children in your teams only: {plain(', '.join(teams))}.")

