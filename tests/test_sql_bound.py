"""Every value reaches DuckDB or SQLite as a bound parameter: SQL text built with an f-string, str.format, % or +
may hold only identifiers and fragments from the code (table and column names from etl/contract.py, generated
placeholders), and every such place says so with a `# sql: identifiers` comment (on its first line or the line
above), so a reviewer reads each one. A new SQL string formatted without the comment fails here."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("queries", "etl", "lens", "ui", "reports")
MARK = "sql: identifiers"
# text that reads as SQL (a statement, or a fragment a statement is built from)
SQL = re.compile(r"\b(select\b.*\bfrom|insert\s+into|delete\s+from|update\s+\w+(\.\w+)?\s+set|create\s+(or\s+replace\s+)?"
                 r"(temp\s+)?(table|view|schema|macro)|drop\s+(table|schema|view)|attach\b|detach\b|explain\b|"
                 r"copy\b.*\bto\b|set\s+search_path|read_csv|exists\s*\(\s*select)", re.I | re.S)
# a formatted value inside SQL quotes ('{...}'): a value, not an identifier; only these, each checked in its code
QUOTED_SLOT = re.compile(r"'[^'\n]*\{\}[^'\n]*'")
QUOTED_ALLOWED = {
    ("etl/load_sql.py", "where action = '{}' order by file_id, line"),  # 'reject' or 'keep', refused otherwise
    ("etl/warehouse.py", "set search_path = '{},main'"),  # the SCOPE schema name, a constant
    # child_issues_sql: the reason (one of two words written there) and the contract's column names
    ("etl/load_sql.py", "when clean and day >= (dob + interval 18 year)::date then '{}'"),
    ("etl/load_sql.py", "case when j.reason = 'unknown child' then '{}' else '{}' end as column_name,"),
}


def _text(node: ast.AST) -> str | None:
    """A string literal's text, an f-string's with {} for each formatted part; None for anything else."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def formatted_sql(path: Path) -> list[tuple[int, int, str]]:
    """(first line, last line, text) of every SQL string built by formatting in a Python file; the first line is the
    first line of the statement it is in (a note above `con.execute(f"...")` or `return f\"\"\"...` flags it)."""
    found = []
    tree = ast.parse(path.read_text())
    simple = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and not isinstance(
        n, ast.FunctionDef | ast.ClassDef | ast.If | ast.For | ast.While | ast.With | ast.Try)]
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
            text = _text(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            text = _text(node.func.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            parts = [_text(node.left), _text(node.right)]
            text = "".join(p for p in parts if p) if any(parts) else None
        if text and SQL.search(text):
            last = node.end_lineno or node.lineno
            within = [st.lineno for st in simple if st.lineno <= node.lineno and (st.end_lineno or 0) >= last]
            found.append((max(within, default=node.lineno), last, text))
    return found


def comments(path: Path) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return {t.start[0]: t.string for t in tokens if t.type == tokenize.COMMENT}


def files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))


def test_every_formatted_sql_string_is_flagged_as_identifiers_only():
    unflagged = []
    for path in files():
        notes = comments(path)
        for first, last, text in formatted_sql(path):
            if not any(MARK in notes.get(n, "") for n in range(first - 1, last + 1)):
                unflagged.append(f"{path.relative_to(ROOT)}:{first}: {text.strip()[:80]!r}")
    assert unflagged == [], "SQL built by formatting without a '# sql: identifiers' note:\n" + "\n".join(unflagged)


def test_no_value_is_formatted_inside_sql_quotes():
    slots = set()
    for path in files():
        for _, _, text in formatted_sql(path):
            for m in QUOTED_SLOT.finditer(text):
                line = text.splitlines()[text[:m.start()].count("\n")].strip()
                slots.add((str(path.relative_to(ROOT)), line))
    unexpected = {s for s in slots if not any(s[0] == f and a in s[1] for f, a in QUOTED_ALLOWED)}
    assert unexpected == set(), unexpected


def test_the_check_finds_what_it_must():
    # the scan itself can fail: an unflagged f-string query and a quoted value are both caught
    sample = ROOT / "tests" / "_sql_sample.py"
    sample.write_text('def f(con, name, team):\n    con.execute(f"select * from t where team = \'{team}\'")\n'
                      '    con.execute("select * from {}".format(name))\n'
                      '    con.execute("delete from x where a = %s" % name)\n')
    try:
        found = formatted_sql(sample)
        assert [first for first, _, _ in found] == [2, 3, 4]
        assert not any(MARK in c for c in comments(sample).values())
        assert QUOTED_SLOT.search(found[0][2])
    finally:
        sample.unlink()


def test_measure_files_bind_their_parameters():
    # queries/*.sql are run with $params bound by DuckDB: no Python formatting marks in them
    for path in sorted((ROOT / "queries").glob("*.sql")):
        sql = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("--"))
        assert not re.search(r"\{[a-z_]*\}|%\(|%s\b", sql), path.name
