"""Reviews & stability: looked-after reviews in time, placement moves and long-term stability."""

from ui.theme import Chart, render_theme

render_theme(
    "Reviews & stability",
    "Reviews within 20 working days of entering care, then 3 months, then every 6 months (2010 regulations, "
    "reg 33). Stability: children with 3 or more placements in a year, and long-term placements that last.",
    headline="reviews_in_time",
    more=(Chart("reviews_up_to_date"), Chart("placements_3plus"), Chart("stability_long_term")),
    lists=("reviews_overdue_list", "placements_3plus_list"),
)
