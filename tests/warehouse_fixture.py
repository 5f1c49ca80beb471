"""Build a tiny warehouse from hand-written rows, for measure tests whose expected values are worked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from etl.warehouse import build_derived, create_schema


def make_warehouse(path: Path | str, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Create a warehouse at `path` holding `tables` (table name -> rows as dicts), then the derived tables.

    Columns not given in a row are null. dim_authority rows are added for every la_code seen, if not given.
    Returns the path; open it read-only in the test, as the dashboard does.
    """
    path = Path(path)
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        la_codes: set[str] = set()
        for table, rows in tables.items():
            if not rows:
                continue
            frame = pd.DataFrame(rows)  # noqa: F841 - read by DuckDB's replacement scan
            cols = ", ".join(frame.columns)
            con.execute(f"insert into {table} ({cols}) select {cols} from frame")
            la_codes |= {r["la_code"] for r in rows if "la_code" in r}
        if "dim_authority" not in tables:
            for code in sorted(la_codes):
                con.execute("insert into dim_authority (la_code, la_name) values (?, ?)",
                            [code, f"Test Authority {code}"])
        build_derived(con)
    finally:
        con.close()
    return path
