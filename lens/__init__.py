"""Practice Lens shared code: settings, charts, suppression; importable without Streamlit."""
