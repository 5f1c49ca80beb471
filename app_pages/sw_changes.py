"""Social worker changes: how many social workers each child has had, and whether visits lapse after a change."""

from ui.theme import Chart, render_theme

render_theme(
    "Social worker changes",
    "Ofsted: senior managers 'do not oversee or analyse the number of changes of social worker each child "
    "experiences'. Here every child's workers in the last 12 months are counted, and visits after a change checked.",
    headline="sw_changes",
    more=(Chart("sw_count_distribution", kind="bands", band="band_label"),
          Chart("visits_after_change", kind="columns", columns={"value_before": "90 days before a change",
                                                                "value": "90 days after a change"})),
    lists=("sw_changes_list",),
)
