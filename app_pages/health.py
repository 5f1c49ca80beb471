"""Health: initial and review health assessments and dental checks on time."""

from ui.theme import Chart, render_theme

render_theme(
    "Health",
    "Statutory guidance (2015): an initial health assessment within 20 working days of entering care, then review "
    "assessments every 6 months under 5 and every 12 months from 5; an annual dental check.",
    headline="health_up_to_date",
    more=(Chart("health_iha_in_time"), Chart("health_rha_in_time"), Chart("health_dental"),
          Chart("health_oc2_assessments")),
    lists=("health_overdue_list", "health_iha_late_list"),
)
