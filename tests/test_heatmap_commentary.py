"""Performance on a page (measures x teams, each cell coloured and carrying its value) and the month's commentary
(kept beside the warehouse, shown and exported as plain text), read from the app as a user sees them."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from etl.load import load
from lens.commentary import Commentary, as_frame, read
from lens.heatmap import performance_grid
from reports.tables import csv_bytes, xlsx_bytes
from tests.warehouse_fixture import make_warehouse

ROOT = Path(__file__).resolve().parent.parent
D = dt.date


def overview_rows(rows: list[tuple]) -> pd.DataFrame:
    cols = ["measure", "title", "theme", "unit", "team", "month_end", "numerator", "denominator", "value", "status",
            "rag", "higher_is_better", "target"]
    return pd.DataFrame(rows, columns=cols)


def test_grid_cells_say_the_value_no_data_and_suppressed_counts():
    m = D(2018, 3, 31)
    ov = overview_rows([
        ("visits_in_time", "Visits", "visits", "%", "All teams", m, 18, 20, 90.0, "ok", "amber", True, 95),
        ("visits_in_time", "Visits", "visits", "%", "North", m, 3, 4, 75.0, "ok", "red", True, 95),
        ("visits_in_time", "Visits", "visits", "%", "South", m, 15, 16, 93.8, "ok", "amber", True, 95),
        ("health_up_to_date", "Health", "health", "%", "All teams", m, None, None, None, "no data", "grey", True, 90),
    ])
    grid = performance_grid(ov, m)
    assert grid[["team", "title", "text", "key"]].values.tolist() == [
        ["All teams", "Health", "No data", "grey"], ["All teams", "Visits", "90.0%", "amber"],
        ["North", "Visits", "75.0%", "red"], ["South", "Visits", "93.8%", "amber"]]
    # board mode: North's 3 of 4 rests on counts under 5, so it reads '<5' and is not coloured by its value
    board = performance_grid(ov, m, board=True).set_index(["team", "title"])
    assert tuple(board.loc[("North", "Visits"), ["text", "key"]]) == ("<5", "grey")


def test_grid_names_wrap_on_the_axes_but_cells_keep_them():
    from lens.charts import heatmap

    m = D(2018, 3, 31)
    title = "Children with 3 or more social workers in 12 months"
    ov = overview_rows([
        ("sw_changes", title, "sw_changes", "%", "All teams", m, 8, 20, 40.0, "ok", "red", False, 27),
        ("sw_changes", title, "sw_changes", "%", "CLA Team 1", m, 3, 4, 75.0, "ok", "red", False, 27),
    ])
    for board, lines in ((False, ["Children with 3 or more social", "workers in 12 months"]),
                         (True, ["Children with 3 or more social", "workers in 12 months"])):
        fig = heatmap(performance_grid(ov, m, board=board), "", board=board).to_plotly_json()["layout"]
        assert fig["xaxis"]["tickvals"] == ["All teams", "CLA Team 1"]  # a click reads back these names
        assert fig["xaxis"]["ticktext"] == ["All<br>teams", "CLA<br>Team 1"]
        assert fig["yaxis"]["ticktext"] == ["<br>".join(lines)]
    # board mode: CLA Team 1's 3 of 4 is '<5', grey, and the key says grey is 'not rated', not 'no target'
    fig = heatmap(performance_grid(ov, m, board=True), "", board=True)
    assert {t.name for t in fig.data} == {"Off target", "Not rated (no target, <5 or no data)"}


@pytest.fixture()
def tiny(tmp_path, monkeypatch) -> Path:
    """Three children in Team A visited in time (visits in time 3 of 3 = 100%, target 95: green)."""
    rows = {
        "dim_authority": [{"la_code": "Z9", "la_name": "Tiny Test Borough"}],
        "dim_child": [{"la_code": "Z9", "child": c, "dob": D(2010, 1, 1)} for c in ("A", "B", "C")],
        "fact_episode": [{"la_code": "Z9", "child": c, "decom": D(2017, 1, 2), "rne": "S", "ls": "C2",
                          "place": "U4", "return_year": 2017} for c in ("A", "B", "C")],
        "fact_visit": [{"la_code": "Z9", "child": c, "visit_date": D(2017, 3, 20)} for c in ("A", "B", "C")],
        "fact_allocation": [{"la_code": "Z9", "child": c, "sw_id": "W1", "sw_decom": D(2017, 1, 2)}
                            for c in ("A", "B", "C")],
        "fact_worker_spell": [{"la_code": "Z9", "sw_id": "W1", "team": "Team A", "org_role": 5, "fte": 1.0,
                               "agency_worker": False, "start_date": D(2015, 1, 1)}],
        "dim_worker": [{"la_code": "Z9", "sw_id": "W1", "team": "Team A", "org_role": 5, "agency_worker": False}],
    }
    db = make_warehouse(tmp_path / "tiny.duckdb", rows)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    monkeypatch.setenv("PRACTICE_LENS_COMPANION_DB", str(tmp_path / "companion.sqlite"))
    return db


def app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_overview_heat_map_reads_each_cell(tiny):
    at = app(month="Mar 2017")
    heat = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if any(t.get("marker", {}).get("symbol") == "square" for t in json.loads(c.proto.spec)["data"]))
    cells = {(x, y): (t["name"], text) for t in heat["data"] for x, y, text in zip(t["x"], t["y"], t["text"],
                                                                                   strict=True)}
    assert cells[("All teams", "Statutory visits in timescale")] == ("On target", "100.0%")
    assert cells[("Team A", "Statutory visits in timescale")] == ("On target", "100.0%")
    # the absent extracts read 'No data' (grey), never a coloured 0
    assert cells[("All teams", "Agency social workers (rate)")][1] in ("No data", "0.0%")
    assert heat["layout"]["xaxis"]["categoryarray"] == ["All teams", "Team A"]


def test_commentary_is_shown_as_plain_text_and_exported_as_text(tiny, tmp_path):
    text = "=1+1 <b>Visits</b> <script>alert(1)</script> " + "x" * (10_000 - 45)
    assert len(text) == 10_000
    Commentary(tmp_path / "companion.sqlite").add("visits_in_time", "Z9", "2017-03", text, action="=HYPERLINK(1)",
                                                  owner="Head of service", due="April 2017", author="Analyst")
    at = app("app_pages/visits.py", month="Mar 2017")
    shown = [t.value for t in at.text]
    assert text in shown  # st.text: as written, never rendered as HTML or Markdown
    assert not any("<script>" in m.value for m in at.markdown)
    assert any("What is being done: =HYPERLINK(1)" in t for t in shown)
    # exported as text: CSV with the OWASP prefix, XLSX a string cell, never a formula
    table = as_frame(read(tmp_path / "companion.sqlite", "Z9", "2017-03"))
    assert "'=HYPERLINK(1)" in csv_bytes(table).decode("utf-8-sig") and "'=1+1 <b>" in csv_bytes(table).decode(
        "utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, {}, None)))
    cells = [c for row in book["Data"].iter_rows() for c in row if c.value in ("=HYPERLINK(1)", text)]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    # a text too long is refused, with the reason
    with pytest.raises(ValueError, match="at most 10,000"):
        Commentary(tmp_path / "companion.sqlite").add("visits_in_time", "Z9", "2017-03", "x" * 10_001,
                                                      author="Analyst")


def test_commentary_survives_a_load_of_a_new_warehouse_and_reaches_the_board_pack(tmp_path, monkeypatch):
    from reports.board_pack import board_pack_pdf

    fixture = Path(__file__).resolve().parent / "fixtures" / "la_a"
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("PRACTICE_LENS_COMPANION_DB", str(tmp_path / "companion.sqlite"))
    load([fixture], db)
    Commentary(tmp_path / "companion.sqlite").add("visits_in_time", "Z99000901", "2017-03",
                                                  "Two visits missed while a worker was off sick.",
                                                  action="Reallocate the cases", owner="Team manager",
                                                  due="30 April 2017", author="Performance team")
    load([fixture], db)  # a new warehouse swapped in
    notes = read(tmp_path / "companion.sqlite", "Z99000901", "2017-03")
    assert notes["visits_in_time"].what == "Two visits missed while a worker was off sick."
    import duckdb

    pdf = board_pack_pdf(duckdb.connect(str(db), read_only=True), "Z99000901", "2017-03")
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Two visits missed while a worker was off sick." in flat
    assert "Reallocate the cases" in flat and "Team manager" in flat
