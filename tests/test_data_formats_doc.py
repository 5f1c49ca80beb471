"""docs/data-formats.md must say what etl/contract.py says: its generated part is re-rendered and compared."""

from __future__ import annotations

from etl.contract import ALL_FILES, ANNEX_A_SHEETS, FILES_BY_NAME
from etl.docs import BEGIN, DOC, END, main, render, updated


def test_committed_doc_matches_the_contract() -> None:
    text = DOC.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert updated(text) == text, "docs/data-formats.md is out of date: run `python -m etl.docs`"
    assert main(["--check"]) == 0


def test_every_file_and_column_has_its_row() -> None:
    text = DOC.read_text()
    for spec in ALL_FILES:
        assert f"### `{spec.folder}/{spec.filename}`" in text
        for col in spec.columns:
            assert f"| {col.name} | " in text, (spec.name, col.name)
    # Two rows worked out by hand from the contract: DECOM is a required, non-empty date; SDQ_SCORE an optional-value
    # whole number from 0 to 40.
    assert "| DECOM | date | required | no |  | Date episode commenced |" in text
    assert "| SDQ_SCORE | whole number | required | yes | 0 to 40 | Strengths and difficulties score |" in text
    assert "`" + "` `".join(FILES_BY_NAME["episodes"].columns[5].codes) + "`" in text  # every PLACE code
    # Annex A: every list's section, and every header each column accepts (the published one first)
    for sheet in ANNEX_A_SHEETS:
        assert f"### `annex_a.xlsx`, sheet `{sheet.sheet}` (optional)" in text
        for col in sheet.columns:
            assert f"| {col.name} | " in text and "; ".join(col.headers) in text, col.name
    assert "| Child Unique ID; Child ID; ChildID;" in text


def test_a_stale_doc_is_caught_and_repaired() -> None:
    text = DOC.read_text()
    stale = text.replace("| DECOM | date |", "| DECOM | text |")
    assert stale != text
    assert updated(stale) == text
    # The hand-written prose outside the markers is kept as it is.
    edited = text.replace("# Data formats", "# Data formats (edited)")
    assert updated(edited) == edited
    assert render() in text
