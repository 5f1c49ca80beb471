"""The audit log on screen: a row for every list of children drawn or downloaded (lens/audit.py keeps them), and the
Data quality page's section where analysts and admins read them.

A list counts as viewed when it appears: a list already on screen in this session's previous run, with the same
filters and children, is not counted again when a click elsewhere redraws the page. Every download is counted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

import queries
from lens import access as rules
from lens.access import Access
from lens.audit import AuditLog, filters_text, store_path
from ui.widgets import table_height

_NOW, _BEFORE, _PAGE = "_audit_on_screen", "_audit_on_screen_before", "_audit_page"


def new_run(page: str) -> None:
    """Start a run of `page` (its URL path): the lists on screen in the previous run become 'already seen'."""
    st.session_state[_BEFORE] = st.session_state.get(_NOW, set())
    st.session_state[_NOW] = set()
    st.session_state[_PAGE] = page


def page() -> str:
    """The URL path of the page this run draws ('home' for the Overview at /)."""
    return str(st.session_state.get(_PAGE, ""))


def filters_of(params: dict[str, Any], teams_shown: frozenset[str] | None) -> dict[str, Any]:
    """What the audit row says about the filters: the list's parameters and whose children it held."""
    return {**params, "teams_shown": "all" if teams_shown is None else sorted(teams_shown)}


def record_view(me: Access, measure: str, filters: dict[str, Any], df: pd.DataFrame) -> None:
    """Append a 'view' row unless the same list with the same filters and children was on screen in the last run.

    AuditUnavailable when the log cannot be written: the caller then does not show the list.
    """
    seen = (page(), measure, repr(sorted(filters.items(), key=lambda kv: kv[0])), len(df))
    if seen not in st.session_state.get(_BEFORE, set()):
        AuditLog(store_path()).record(who=me.who, name=me.name, role=me.role or "", action="view", page=page(),
                                      measure=measure, filters=filters, children=rules.children_in(df), rows=len(df))
    st.session_state.setdefault(_NOW, set()).add(seen)


def download_rows(me: Access, measure: str, params: dict[str, Any], df: pd.DataFrame) -> Callable[[str], pd.DataFrame]:
    """The rows a list's CSV or Excel button writes, checked and logged when clicked.

    Streamlit runs a download's function outside the page's run, where st.user cannot be read, so the person and the
    page are taken now; the same rule as a view (lens.access.list_scope) is applied again to the rows at the click.
    """
    where = page()

    def rows(fmt: str) -> pd.DataFrame:
        _, keep = rules.list_scope(me, params.get("team"))
        out = rules.narrow(df, keep)
        AuditLog(store_path()).record(who=me.who, name=me.name, role=me.role or "", action="download", page=where,
                                      measure=measure, filters=filters_of(params, keep),
                                      children=rules.children_in(out), rows=len(out), fmt=fmt)
        return out

    return rows


def section() -> None:
    """The Data quality page's audit section, for analysts and admins only: the latest views and downloads."""
    from ui import access, data

    if not access.current().sees_all_children:
        return
    st.subheader("Audit log: who saw lists of children")
    st.caption("Every list of children drawn on a page or downloaded, newest first (the latest 500; all of them: "
               "`python -m lens.audit export --out FILE.csv`). Kept outside the warehouse, so a load does not lose "
               "it.")
    log = data.audit_entries(limit=500)
    if log.empty:
        st.info("Nobody has viewed or downloaded a list of children yet.", icon=":material/info:")
        return
    titles = {name: m.title for name, m in queries.measures().items()}
    shown = log.assign(measure=log["measure"].map(lambda m: titles.get(m, m)), filters=log["filters"].map(filters_text))
    shown = shown[["at", "who", "role", "action", "page", "measure", "format", "filters", "children"]].rename(columns={
        "at": "When (UTC)", "who": "Who", "role": "Role", "action": "Action", "page": "Page", "measure": "List",
        "format": "Format", "filters": "Filters", "children": "Children"})
    st.dataframe(shown, hide_index=True, key="dq-audit", height=table_height(len(shown)))
