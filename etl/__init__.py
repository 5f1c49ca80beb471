"""Extract, validate and load: statutory returns and case-system extracts into the DuckDB warehouse."""
