"""Plans & legal: actions in children's plans, case supervision, pre-proceedings and court, strategy meetings when
children go missing for long, plans for children going home; and one child's year on a timeline (Drift)."""

from ui.drift import render_drift
from ui.theme import Chart, render_theme

render_theme(
    "Plans & legal",
    "Ofsted (2017): key actions in children's plans are not always carried out in good time and plans falter when a "
    "child gets a new social worker; supervision records lack actions and timescales; pre-proceedings are bypassed, "
    "and plans are not recorded when court is not pursued; strategy meetings are not always held when children go "
    "missing for long; children going home too often lack a multi-agency plan.",
    headline="plans_actions_on_time",
    more=(Chart("plans_actions_overdue"),
          Chart("plans_overdue_after_change", kind="columns", columns={"value_before": "90 days before a change",
                                                                       "value": "90 days after a change"}),
          Chart("supervision_in_time"), Chart("supervision_quality"),
          Chart("legal_proceedings_26_weeks"),
          Chart("legal_plo_days", kind="columns", columns={"value": "Decision to letter",
                                                           "median_days_to_meeting": "Decision to meeting"}),
          Chart("legal_no_plan"), Chart("missing_strategy_meeting"), Chart("return_home_plan")),
    lists=("plans_actions_overdue_list", "supervision_overdue_list", "legal_proceedings_list", "legal_no_plan_list",
           "missing_strategy_list", "return_home_plan_list"),
    after=render_drift,
)
