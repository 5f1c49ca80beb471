"""Missing: children missing or away from placement, and whether they get a timely return interview."""

from ui.theme import Chart, render_theme

render_theme(
    "Missing",
    "Ofsted: children who go missing are not always offered a timely return home interview. Statutory guidance "
    "(2014): offer an independent return interview within 72 hours of the child's return.",
    headline="missing_rhi_in_time",
    more=(Chart("missing_episodes"), Chart("missing_prolonged")),
    lists=("missing_rhi_list", "missing_prolonged_list"),
)
