"""Data quality: what was loaded, what was rejected and why, what is missing, how fresh each table is."""


from ui.data_quality import render_data_quality

render_data_quality()
