"""Exports: chart images, CSV/Excel tables and the board pack, usable from pages and the command line."""
