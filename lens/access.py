"""Who may see what: roles from a TOML file (users by email claim, groups by `groups` claim) and the rules that keep
child-level data to the people allowed it. Pure logic, so the rules are tested without a browser; ui/access.py and
ui/data.py apply them where the data is read.

Roles, least to most: board (aggregates only, small numbers suppressed, always board mode), manager (child-level
lists for their own teams only), analyst (everything, every export), admin (as analyst; for the people who run the
app). A person matched by several entries (their email and some groups) gets the strongest role; a manager matched
by several manager entries sees the union of their teams. No entry, no access.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

ROLES = ("board", "manager", "analyst", "admin")
CHILD_ROLES = ("manager", "analyst", "admin")  # may see child-level lists (a manager only for their teams)
ALL_CHILDREN_ROLES = ("analyst", "admin")  # every child, every export, and the audit log
DEFAULT_CONTACT = "the person who manages Practice Lens in your council"


class RolesError(ValueError):
    """The roles file cannot be used; the message names the file and what is wrong, in one line."""


class NotAllowed(Exception):
    """This person may not see the data asked for; the message says why in words they can act on."""


@dataclass(frozen=True)
class Grant:
    """One entry of the roles file: a role and, for a manager, the teams whose children they may see."""

    role: str
    teams: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Roles:
    """The roles file, read: entries by lower-cased email and by group, and whom to ask for access."""

    users: dict[str, Grant] = field(default_factory=dict)
    groups: dict[str, Grant] = field(default_factory=dict)
    contact: str = DEFAULT_CONTACT


@dataclass(frozen=True)
class Access:
    """What the person using the app may see: who they are, their role (None = no access) and a manager's teams."""

    who: str  # the email claim ('' when the provider gave none); 'demo' in demo mode
    name: str
    role: str | None
    teams: frozenset[str] = frozenset()
    demo: bool = False

    @property
    def sees_children(self) -> bool:
        """Any child-level list at all (a manager's narrowed to their teams)."""
        return self.role in CHILD_ROLES

    @property
    def sees_all_children(self) -> bool:
        """Every child of every team, and the audit log."""
        return self.role in ALL_CHILDREN_ROLES

    @property
    def board_only(self) -> bool:
        """Board mode on whatever the URL or the toggle says."""
        return not self.sees_children

    @property
    def label(self) -> str:
        """'Jo Bloggs (jo@council.gov.uk), manager: CLA Team 1' for the sidebar and the no-access page."""
        who = f"{self.name} ({self.who})" if self.name and self.who and self.name != self.who else (
            self.who or self.name or "unknown")
        role = self.role or "no role"
        return f"{who}, {role}" + (f": {', '.join(sorted(self.teams))}" if self.role == "manager" else "")


DEMO = Access(who="demo", name="Demo (sample data, no sign-in)", role="analyst", demo=True)


def _grant(where: str, entry: Any) -> Grant:
    """One [users."..."] or [groups."..."] table as a Grant; RolesError on anything but a known role and team names."""
    if not isinstance(entry, Mapping):
        raise RolesError(f"{where}: must be a table with role = ...")
    unknown = set(entry) - {"role", "teams"}
    if unknown:
        raise RolesError(f"{where}: unknown key {sorted(unknown)[0]!r} (only role and teams)")
    role = entry.get("role")
    if role not in ROLES:
        raise RolesError(f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")
    teams = entry.get("teams", [])
    if not isinstance(teams, list) or not all(isinstance(t, str) and t.strip() for t in teams):
        raise RolesError(f"{where}: teams must be a list of team names")
    if role == "manager" and not teams:
        raise RolesError(f"{where}: a manager needs teams = [...] (the teams whose children they may see)")
    if role != "manager" and teams:
        raise RolesError(f"{where}: teams apply to a manager only")
    return Grant(role, frozenset(t.strip() for t in teams))


def parse_roles(text: str, where: str = "roles file") -> Roles:
    """Roles from the TOML text of a roles file; RolesError (one line) when it is not valid."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesError(f"{where}: not valid TOML: {exc}") from exc
    unknown = set(doc) - {"users", "groups", "contact"}
    if unknown:
        raise RolesError(f"{where}: unknown key {sorted(unknown)[0]!r} (only contact, [users.\"...\"], "
                         f"[groups.\"...\"])")
    contact = doc.get("contact", DEFAULT_CONTACT)
    if not isinstance(contact, str) or not contact.strip():
        raise RolesError(f"{where}: contact must be text (whom people without access should ask)")
    tables = {}
    for kind in ("users", "groups"):
        section = doc.get(kind, {})
        if not isinstance(section, Mapping):
            raise RolesError(f"{where}: {kind} must be tables like [{kind}.\"...\"]")
        tables[kind] = {(k.strip().lower() if kind == "users" else k.strip()): _grant(f"{where}: {kind}.{k!r}", v)
                        for k, v in section.items()}
    return Roles(users=tables["users"], groups=tables["groups"], contact=contact.strip())


def load_roles(path: str | Path) -> Roles:
    """The roles file at `path`; RolesError (one line) when it is missing or not valid."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RolesError(f"{path}: roles file not found (set PRACTICE_LENS_ROLES; see roles.example.toml)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RolesError(f"{path}: cannot be read: {exc}") from exc
    return parse_roles(text, str(path))


def _groups(claims: Mapping[str, Any]) -> list[str]:
    """The `groups` claim as a list of strings (Entra ID sends object ids; a provider may send one string)."""
    groups = claims.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return [g for g in groups if isinstance(g, str)] if isinstance(groups, Iterable) else []


def resolve(claims: Mapping[str, Any], roles: Roles) -> Access:
    """The access of a signed-in person from their identity token's claims: their email entry and group entries.

    An email the provider marks unverified (`email_verified: false`) matches no entry.
    """
    email = claims.get("email")
    email = email.strip() if isinstance(email, str) else ""
    name = claims.get("name")
    name = name.strip() if isinstance(name, str) else ""
    grants = []
    if email and claims.get("email_verified", True) is not False and email.lower() in roles.users:
        grants.append(roles.users[email.lower()])
    grants += [roles.groups[g] for g in _groups(claims) if g in roles.groups]
    if not grants:
        return Access(who=email, name=name, role=None)
    role = max((g.role for g in grants), key=ROLES.index)
    teams = frozenset().union(*(g.teams for g in grants if g.role == "manager")) if role == "manager" else frozenset()
    return Access(who=email, name=name, role=role, teams=teams)


def board_mode(url_value: str | None, toggle: bool, access: Access) -> bool:
    """Board mode fails closed: any `board` URL value but an explicit 'false' turns it on; a board role never leaves it."""
    if access.board_only:
        return True
    if url_value is not None:
        return url_value.strip().lower() != "false"
    return bool(toggle)


def list_scope(access: Access, team: str | None) -> tuple[str | None, frozenset[str] | None]:
    """For a child-level list asked for `team`: (team to ask the query for, teams to keep; None = all).

    A manager gets their own teams whatever was asked: the team asked for if it is one of theirs, else all of theirs.
    NotAllowed for a role that sees no child.
    """
    if not access.sees_children:
        raise NotAllowed(f"Your role ({access.role or 'none'}) shows no child-level data: lists of children are not "
                         "shown.")
    if access.sees_all_children:
        return team, None
    if team in access.teams:
        return team, frozenset({team})
    return None, access.teams


def narrow(df: pd.DataFrame, keep: frozenset[str] | None) -> pd.DataFrame:
    """The rows of a child-level list whose `team` is one of `keep` (all rows when `keep` is None)."""
    if keep is None:
        return df
    if "team" not in df:
        raise NotAllowed("This list does not say each child's team, so it is not shown to a team manager.")
    return df[df["team"].isin(keep)].reset_index(drop=True)


def children_in(df: pd.DataFrame) -> int:
    """How many children a list names (an episode list may name a child twice)."""
    return int(df["child"].nunique()) if "child" in df else len(df)
