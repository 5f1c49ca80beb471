"""Practice Lens: the router. Page config, sign-in and role, the shared sidebar filters, then the page chosen."""

import streamlit as st

from ui import access, audit, data, filters

st.set_page_config(page_title="Practice Lens", page_icon=":material/visibility:", layout="wide")

# Sign-in (or demo mode on synthetic data), then the warehouse: a visit that may see nothing stops here with a page
# of its own (sign in, no access, demo refused). What each role sees is enforced where data is read (ui/data.py).
data.begin_run()  # every figure of this run from one warehouse file, even if a load swaps in a new one meanwhile
access.gate()
chosen = filters.sidebar()
st.session_state["_filters"] = chosen

pages = {
    "Practice Lens": [
        # Streamlit serves the default page at "/" only: its own url_path is reserved but never served. So "home" is
        # that reserved name, and a hidden twin of the same file answers links and bookmarks to /overview.
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="home", default=True),
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
                visibility="hidden"),
        st.Page("app_pages/compare.py", title="Compare authorities", icon=":material/leaderboard:", url_path="compare"),
    ],
    "Themes": [
        st.Page("app_pages/visits.py", title="Visits", icon=":material/home:", url_path="visits"),
        st.Page("app_pages/sw_changes.py", title="Social worker changes", icon=":material/swap_horiz:",
                url_path="social-worker-changes"),
        st.Page("app_pages/missing.py", title="Missing", icon=":material/directions_run:", url_path="missing"),
        st.Page("app_pages/health.py", title="Health", icon=":material/health_and_safety:", url_path="health"),
        st.Page("app_pages/workforce.py", title="Workforce", icon=":material/groups:", url_path="workforce"),
        st.Page("app_pages/reviews.py", title="Reviews & stability", icon=":material/event_available:",
                url_path="reviews-stability"),
        st.Page("app_pages/plans_legal.py", title="Plans & legal", icon=":material/gavel:", url_path="plans-legal"),
    ],
    "About the data": [
        st.Page("app_pages/data_quality.py", title="Data quality", icon=":material/fact_check:", url_path="data-quality"),
    ],
}
page = st.navigation(pages)
audit.new_run(page.url_path or "home")  # the audit log names the page a list of children was seen on
page.run()
