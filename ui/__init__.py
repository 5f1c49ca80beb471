"""Streamlit-side helpers shared by app.py and pages: the cached warehouse, the filters, and reusable widgets."""
