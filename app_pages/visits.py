"""Visits: are children seen by their social worker within the statutory timescales?"""

from ui.theme import Chart, render_theme

render_theme(
    "Visits",
    "Ofsted: 'one child was not visited by their social worker for four months'. Statutory visits: within a week of "
    "a placement starting, then at least every 6 weeks (3-monthly in a settled long-term placement).",
    headline="visits_in_time",
    more=(Chart("visits_gaps"),),
    lists=("visits_overdue_list",),
)
