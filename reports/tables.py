"""The data behind a chart or list as CSV or Excel (with a sheet of definitions), ready to download."""

from __future__ import annotations

import io

import pandas as pd


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM so Excel opens it with the right characters."""
    return df.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, definitions: dict[str, str], about: dict[str, str] | None = None,
               sheet: str = "Data") -> bytes:
    """An .xlsx workbook: the data sheet, a 'Definitions' sheet (measure -> definition) and the export details."""
    buf = io.BytesIO()
    defs = pd.DataFrame({"Measure": list(definitions), "Definition": list(definitions.values())})
    with pd.ExcelWriter(buf, engine="xlsxwriter") as xl:
        data = df.copy()
        for col in data.columns:
            if isinstance(data[col].dtype, pd.DatetimeTZDtype):
                data[col] = data[col].dt.tz_localize(None)
        data.to_excel(xl, sheet_name=sheet, index=False)
        defs.to_excel(xl, sheet_name="Definitions", index=False)
        if about:
            pd.DataFrame({"Item": list(about), "Value": list(about.values())}).to_excel(
                xl, sheet_name="About", index=False)
        wrap = xl.book.add_format({"text_wrap": True, "valign": "top"})
        xl.sheets["Definitions"].set_column(0, 0, 28)
        xl.sheets["Definitions"].set_column(1, 1, 120, wrap)
        xl.sheets[sheet].set_column(0, max(0, len(data.columns) - 1), 16)
    return buf.getvalue()
