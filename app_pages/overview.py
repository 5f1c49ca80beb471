"""Overview: a tile per headline measure, what got worse first."""

from ui.overview import render_overview

render_overview()
