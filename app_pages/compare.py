"""Compare: one measure across authorities, the month ranked and every authority's trend, yours highlighted."""

from ui.compare import render_compare

render_compare()
