"""Loader robustness (issue 10, "Trust"): identifiers, broken sources, killed loads and two loads at once.

Sources are the hand-written fixtures of test_load.py (la_a Z99000901, la_b Z99000902) with files overwritten. The
hypothesis tests write broken files and require one of two outcomes: the load goes in with every row read counted
(loaded, rejected with a documented reason, or superseded), or it stops with a one-line LoadError naming a file of
the source and the warehouse file is byte for byte as it was. Never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import queries
from etl.__main__ import main as etl_main
from etl.contract import ALL_TEAMS, RESERVED_SUFFIX, UNALLOCATED
from etl.load import LoadError, LoadReport, load
from etl.load_lock import lock_path, warehouse_lock
from etl.load_sources import first_unprintable, read_authority, year_folders
from etl.load_sql import REASONS, WARNINGS
from tests.test_load import EP_HEADER, FIXTURES, LA_A, LA_B, make_source, q, sha

ROOT = Path(__file__).resolve().parent.parent
LA_C = "Z99000903"


def files_beside(db: Path) -> list[str]:
    """Names in the warehouse's folder: after any load, finished or failed, only the warehouse itself."""
    return sorted(p.name for p in db.parent.iterdir())


def authority_toml(code: str, name: str = "Test Borough") -> str:
    """authority.toml text with both values as TOML basic strings (JSON escapes are valid TOML)."""
    return f"la_code = {json.dumps(code)}\nla_name = {json.dumps(name)}\n"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding la_a: every test copies it, so the other authority's rows can be checked untouched."""
    db = tmp_path_factory.mktemp("base") / "w.duckdb"
    load([FIXTURES / "la_a"], db)
    return db


def copy_db(base_db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "w.duckdb"
    shutil.copyfile(base_db, db)
    return db


def la_a_rows(db: Path) -> list[tuple]:
    """la_a's children, episodes and workers: a load of another authority must leave them as they were."""
    return q(db, "select 'child', child, dob::varchar from dim_child where la_code = $la union all "
                 "select 'episode', child, decom::varchar from fact_episode where la_code = $la union all "
                 "select 'spell', sw_id, team from fact_worker_spell where la_code = $la order by all", {"la": LA_A})


# ---------- authority.toml: la_code is an ONS code, la_name one printable line ----------

@pytest.mark.parametrize("code", ["E06000039", "W06000015", "S12000033", "N09000003", "Z99000001"])
def test_ons_codes_and_the_synthetic_prefix_are_accepted(tmp_path: Path, code: str) -> None:
    (tmp_path / "authority.toml").write_text(authority_toml(code))
    assert read_authority(tmp_path) == (code, "Test Borough")


@pytest.mark.parametrize("code", [
    "z99000001", "e06000039",  # lower case would be a second authority beside Z99000001
    "E0600003", "E060000391", "X06000039", "Z98000001", " E06000039", "E06000039\n", "E0600\n0039",
    "E06000039'; drop table dim_child; --", "../../etc/passwd", "\u202eE06000039", "E06000039\x00", "Ｅ06000039",
])
def test_la_code_must_be_an_ons_code_in_capitals(tmp_path: Path, code: str) -> None:
    (tmp_path / "authority.toml").write_text(authority_toml(code))
    with pytest.raises(LoadError) as err:
        read_authority(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{tmp_path / 'authority.toml'}: la_code ")
    assert "is not an ONS area code" in message and "E06000039" in message
    assert first_unprintable(message) is None  # one line: no newline, NUL or bidi override echoed back


@pytest.mark.parametrize("name", ["Two\nlines", "Tab\there", "\u202eevil", "x" * 101, "nul\x00"])
def test_la_name_must_be_one_short_printable_line(tmp_path: Path, name: str) -> None:
    (tmp_path / "authority.toml").write_text(authority_toml("E06000039", name))
    with pytest.raises(LoadError, match="la_name .* must be one line of at most 100 printable characters") as err:
        read_authority(tmp_path)
    assert first_unprintable(str(err.value)) is None


def test_a_lower_case_la_code_is_refused_not_loaded_as_a_second_authority(tmp_path: Path, base_db: Path) -> None:
    db = copy_db(base_db, tmp_path / "wh")
    before = sha(db)
    source = make_source(tmp_path, files={"authority.toml": authority_toml(LA_A.lower(), "Fixture Borough A")})
    with pytest.raises(LoadError, match="authority.toml: la_code 'z99000901' is not an ONS area code"):
        load([source], db)
    assert sha(db) == before and files_beside(db) == ["w.duckdb"]


def test_authority_toml_saved_with_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    source = make_source(tmp_path, base="la_b")
    (source / "authority.toml").write_bytes(b"\xef\xbb\xbf" + authority_toml(LA_B, "Fixture Borough B").encode())
    db = tmp_path / "w.duckdb"
    load([source], db)
    assert q(db, "select la_code, la_name from dim_authority") == [(LA_B, "Fixture Borough B")]


# ---------- identifiers in the rows: printable and bounded, reserved team names ----------

def test_bad_identifiers_reject_the_row_with_a_reason_and_a_readable_value(tmp_path: Path, base_db: Path) -> None:
    big = "T" * 1_000_000  # a 1 MB team name: repeated on every child-month it would fill memory
    source = make_source(tmp_path, base="la_b", files={
        "ssda903/2017/header.csv": "\n".join([
            "CHILD,SEX,DOB,ETHNIC",
            "C1,2,03/03/2008,WBRI",                 # 2 ok
            "C\x002,2,03/03/2008,WBRI",              # 3 NUL inside
            "\u202eC3,2,03/03/2008,WBRI",            # 4 bidi override
            f"{'K' * 65},2,03/03/2008,WBRI",         # 5 65 characters
            f"{'K' * 64},2,03/03/2008,WBRI",         # 6 ok: 64 is the limit
            '"C\n7",2,03/03/2008,WBRI',              # 7 a line break inside quotes (one row over lines 7-8)
        ]) + "\n",
        "extracts/workforce.csv": "\n".join([
            "SW_ID,TEAM,ORG_ROLE,AGENCY_WORKER,FTE,START_DATE,END_DATE,REASON_LEAVE",
            "SW1,Team North,5,0,1,01/01/2016,,",            # 2 ok
            f"SW2,{big},5,0,1,01/01/2016,,",                # 3 1 MB team
            f"SW3,{'N' * 101},5,0,1,01/01/2016,,",          # 4 101 characters
            f"SW4,{'N' * 100},5,0,1,01/01/2016,,",          # 5 ok: 100 is the limit
            "SW\t5,Team North,5,0,1,01/01/2016,,",          # 6 a tab in SW_ID
        ]) + "\n",
        "extracts/visits.csv": "CHILD,SW_ID,VISIT_DATE,SEEN_ALONE\nC1,SW\u200b1,01/10/2016,Y\n",  # zero-width space
    })
    db = copy_db(base_db, tmp_path / "wh")
    report = load([source], db)
    assert q(db, "select file, line, column_name, value, reason from rejected_rows where la_code = $la order by all",
             {"la": LA_B}) == [
        ("extracts/workforce.csv", 3, "TEAM", "T" * 200 + "... (1000000 characters)", "value too long"),
        ("extracts/workforce.csv", 4, "TEAM", "N" * 101, "value too long"),
        ("extracts/workforce.csv", 6, "SW_ID", "SW<U+0009>5", "unprintable character"),
        ("ssda903/2017/header.csv", 3, "CHILD", "C<U+0000>2", "unprintable character"),
        ("ssda903/2017/header.csv", 4, "CHILD", "<U+202E>C3", "unprintable character"),
        ("ssda903/2017/header.csv", 5, "CHILD", "K" * 65, "value too long"),
        ("ssda903/2017/header.csv", 7, "CHILD", "C<U+000A>7", "unprintable character"),
    ]
    # a descriptive identifier (the visit's worker) is blanked, the visit kept
    assert q(db, "select file, line, column_name, value, rule, action from load_warnings where la_code = $la",
             {"la": LA_B}) == [("extracts/visits.csv", 2, "SW_ID", "SW<U+200B>1", "unprintable character",
                                "blanked")]
    assert q(db, "select child, sw_id from fact_visit where la_code = $la", {"la": LA_B}) == [("C1", None)]
    assert q(db, "select child from dim_child where la_code = $la order by 1", {"la": LA_B}) == [
        ("C1",), ("K" * 64,)]
    assert q(db, "select sw_id, length(team) from fact_worker_spell where la_code = $la order by 1",
             {"la": LA_B}) == [("SW1", 10), ("SW4", 100)]
    assert report.rejected_by_reason == {"value too long": 3, "unprintable character": 4}


def _series(db: Path) -> dict[str, pd.DataFrame]:
    """Every series measure on la_a over its data, sorted by team and month."""
    out = {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        for name, measure in queries.measures().items():
            if measure.shape != "series":
                continue
            params = {"la_codes": [LA_A], "team": None, "from_month": dt.date(2015, 4, 30),
                      "to_month": dt.date(2017, 3, 31)}
            df = queries.run(name, con, **{k: v for k, v in params.items() if k in measure.params})
            out[name] = df.sort_values(["team", "month_end"]).reset_index(drop=True)
    finally:
        con.close()
    return out


def test_a_team_named_like_the_total_or_unallocated_is_renamed_and_no_total_loses_a_child(tmp_path: Path) -> None:
    # la_a's Team South becomes "All teams" and Team North "unallocated", in workforce and establishment alike.
    renamed = {"Team South": ALL_TEAMS, "Team North": UNALLOCATED.lower()}
    files = {}
    for rel in ("extracts/workforce.csv", "extracts/establishment.csv"):
        text = (FIXTURES / "la_a" / rel).read_text()
        for old, new in renamed.items():
            text = text.replace(old, new)
        files[rel] = text
    plain, clash = tmp_path / "plain.duckdb", tmp_path / "clash.duckdb"
    load([FIXTURES / "la_a"], plain)
    report = load([make_source(tmp_path, files=files)], clash)
    stored = {old: new + RESERVED_SUFFIX for old, new in renamed.items()}
    assert q(clash, "select team from dim_team order by 1") == [(stored["Team South"],), (stored["Team North"],)]
    assert q(clash, "select file, line, value, rule, action from load_warnings order by all") == [
        ("extracts/establishment.csv", 2, "unallocated", "reserved team name", "renamed"),
        ("extracts/establishment.csv", 3, "All teams", "reserved team name", "renamed"),
        ("extracts/workforce.csv", 2, "unallocated", "reserved team name", "renamed"),
        ("extracts/workforce.csv", 3, "unallocated", "reserved team name", "renamed"),
        ("extracts/workforce.csv", 4, "All teams", "reserved team name", "renamed"),
        ("extracts/workforce.csv", 5, "All teams", "reserved team name", "renamed"),
    ]
    assert report.rows_rejected == 0
    # Every series measure gives the same figures, the teams under their stored names: the authority total
    # ('All teams') keeps every child and worker, and the real 'Unallocated' row is not merged with the team.
    before, after = _series(plain), _series(clash)
    assert before.keys() == after.keys() and len(before) > 10
    for name in before:
        expected = before[name].assign(team=before[name]["team"].replace(stored))
        expected = expected.sort_values(["team", "month_end"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(after[name], expected, obj=name)


def test_the_reserved_names_are_the_ones_the_measures_and_the_dashboard_use() -> None:
    import ui.filters
    from lens import rebase_log

    assert ui.filters.ALL_TEAMS is ALL_TEAMS and rebase_log.ALL_TEAMS == ALL_TEAMS
    assert f"'{ALL_TEAMS}' as team" in (ROOT / "etl" / "derived_health.sql").read_text()  # series_rows()
    assert f"then '{UNALLOCATED}'" in (ROOT / "etl" / "derived.sql").read_text()  # looked_after_at()
    assert f'ALL_TEAMS = "{ALL_TEAMS}"' in (ROOT / "reports" / "board_pack.py").read_text()


# ---------- silent cases made loud ----------

@pytest.mark.parametrize(("header", "message"), [
    ("CHILD,SEX,DOB,ETHNIC\x00", "the header line holds character U+0000 at position 21 (a NUL byte"),
    ("CHILD\tSEX\tDOB\tETHNIC", "the header line holds character U+0009 at position 6 (a tab"),
    ('CHILD,SEX,DOB,"ETHNIC', "the header line has an unclosed quote"),
])
def test_a_broken_header_line_stops_the_load_naming_the_file(tmp_path: Path, base_db: Path, header: str,
                                                             message: str) -> None:
    # A NUL after the last name used to hide that column: its values loaded as empty, with exit 0.
    db = copy_db(base_db, tmp_path / "wh")
    before = sha(db)
    source = make_source(tmp_path, base="la_b", files={"ssda903/2017/header.csv": f"{header}\nC1,2,03/03/2008,WBRI\n"})
    with pytest.raises(LoadError) as err:
        load([source], db)
    assert str(err.value).startswith(f"{source / 'ssda903/2017/header.csv'}: cannot be read: {message}")
    assert "\n" not in str(err.value)
    assert sha(db) == before and files_beside(db) == ["w.duckdb"]


def test_a_header_only_file_is_loaded_as_empty_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = make_source(tmp_path, files={"ssda903/2017/episodes.csv": EP_HEADER + "\n\n"})
    db = tmp_path / "w.duckdb"
    assert etl_main(["load", str(source), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"  empty (a header line and no rows: check the export): {LA_A} ssda903/2017/episodes.csv" in out
    assert "files: 23 read, 0 missing" in out  # an empty file was read: it is not missing
    assert q(db, "select status, rows_read, rows_loaded, rows_rejected from load_log "
                 "where file = 'ssda903/2017/episodes.csv'") == [("empty", 0, 0, 0)]
    assert q(db, "select count(*) from load_log where status = 'empty'") == [(1,)]


def test_year_folders_outside_the_range_stop_the_load_and_other_folders_are_reported(
        tmp_path: Path, base_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = dt.date(2026, 6, 1)
    for year, ok in [(1999, False), (2000, True), (2027, True), (2028, False)]:
        ssda = tmp_path / f"y{year}" / "ssda903"
        (ssda / str(year)).mkdir(parents=True)
        if ok:
            assert year_folders(ssda, today) == ([year], [])
        else:
            with pytest.raises(LoadError, match=f"{year} is not a collection year that can be loaded "
                                                "\\(2000 to 2027\\)"):
                year_folders(ssda, today)
    db = copy_db(base_db, tmp_path / "wh")
    before = sha(db)
    source = make_source(tmp_path, name="old")
    shutil.copytree(source / "ssda903/2016", source / "ssda903/1850")
    with pytest.raises(LoadError, match=f"{source / 'ssda903/1850'}: 1850 is not a collection year"):
        load([source], db)
    assert sha(db) == before and files_beside(db) == ["w.duckdb"]
    # '20x7' was skipped without a word: now a load_log row (status ignored) and a line of the summary
    source = make_source(tmp_path, name="typo")
    shutil.move(source / "ssda903/2017", source / "ssda903/20x7")
    assert etl_main(["load", str(source), "--db", str(db)]) == 0
    assert f"  ignored (not a collection year: name year folders ssda903/YYYY): {LA_A} ssda903/20x7/" in \
        capsys.readouterr().out
    assert q(db, "select file, status, rows_read from load_log where status = 'ignored'") == [
        ("ssda903/20x7/", "ignored", None)]


# ---------- killed loads and two loads at once ----------

# Runs a load that writes each progress message to `log` and, when the message starts with `stage`, SIGKILLs itself
# ("kill"; stage "swap": just before os.replace, the new file complete) or prints "holding" and waits for a line on
# stdin ("hold", with the warehouse's lock held).
HELPER = """
import os, signal, sys
from pathlib import Path
from etl.load import load
db, stage, action, log, sources = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
def progress(fraction, message):
    with open(log, "a") as fh:
        fh.write(message + "\\n")
    if message.startswith(stage):
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        print("holding", flush=True)
        sys.stdin.readline()
if stage == "swap":
    os.replace = lambda src, dst: os.kill(os.getpid(), signal.SIGKILL)
load([Path(s) for s in sources], Path(db), progress=progress)
"""


def helper(db: Path, stage: str, action: str, log: Path, *sources: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HELPER, str(db), stage, action, str(log), *map(str, sources)],
                            cwd=ROOT, **kw)


@pytest.mark.slow
def test_a_killed_load_leaves_the_old_warehouse_and_the_next_load_clears_its_files(tmp_path: Path,
                                                                                  base_db: Path) -> None:
    db = copy_db(base_db, tmp_path / "wh")
    before = sha(db)
    left: list[str] = []
    for stage in ["replacing these authorities", "reading episodes", "building placements", "swap"]:
        proc = helper(db, stage, "kill", tmp_path / "log", FIXTURES / "la_b")
        assert proc.wait(timeout=60) == -9, stage
        assert sha(db) == before, stage
        assert q(db, "select count(*) from dim_child") == [(3,)]  # la_a's 3 children, readable
        # this load's file (and .wal) is left; the killed load before it cleared the previous one's (they piled up)
        now = [name for name in files_beside(db) if name.startswith("w.duckdb.tmp-")]
        assert now and not set(now) & set(left) and len({name.split(".")[2] for name in now}) == 1, (stage, now)
        left = now
    report = load([FIXTURES / "la_b"], db)
    assert report.leftovers == left
    assert f"removed {len(left)} file" in report.summary()
    assert files_beside(db) == ["w.duckdb"]
    assert q(db, "select la_code, count(*) from dim_child group by 1 order by 1") == [(LA_A, 3), (LA_B, 1)]


@pytest.mark.slow
def test_two_loads_at_once_take_turns_and_keep_every_authority(tmp_path: Path, base_db: Path) -> None:
    # The warehouse holds A; B and C are loaded at the same time. Without the lock C copied A, swapped in A + C,
    # then B swapped in A + B: C's children were gone and both loads said they had succeeded.
    db = copy_db(base_db, tmp_path / "wh")
    c = make_source(tmp_path, base="la_b", name="la_c", files={"authority.toml": authority_toml(LA_C, "Borough C")})
    b_log, c_log = tmp_path / "b.log", tmp_path / "c.log"
    b = helper(db, "building placements", "hold", b_log, FIXTURES / "la_b", stdin=subprocess.PIPE,
               stdout=subprocess.PIPE, text=True)
    c_load = None
    try:
        assert b.stdout.readline() == "holding\n"  # B has copied A, built B and holds the lock
        before = sha(db)
        refused = subprocess.run([sys.executable, "-m", "etl", "load", str(c), "--db", str(db)], cwd=ROOT,
                                 capture_output=True, text=True, timeout=60,
                                 env={**os.environ, "PRACTICE_LENS_LOAD_LOCK_TIMEOUT": "0.3"})
        assert (refused.returncode, refused.stdout) == (1, "")
        assert refused.stderr == (
            f"\nload failed: {db}: another load into this warehouse is still running (process {b.pid}); waited "
            "0.3 s (PRACTICE_LENS_LOAD_LOCK_TIMEOUT), try again when it has finished\nThe warehouse was not "
            "changed.\n")
        assert sha(db) == before
        c_load = helper(db, "-", "none", c_log, c, env={**os.environ, "PRACTICE_LENS_LOAD_LOCK_TIMEOUT": "60"})
        deadline = time.monotonic() + 60
        while not c_log.exists() and time.monotonic() < deadline:  # C has started: it checks its sources first
            time.sleep(0.05)
        time.sleep(1.0)
        assert c_load.poll() is None and c_log.read_text() == "checking source folders\n"  # C waits for the lock
        b.stdin.write("go\n")
        b.stdin.flush()
        assert b.wait(timeout=60) == 0
        assert c_load.wait(timeout=60) == 0
    finally:
        for proc in (b, c_load):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    # C started from A and B, once B was in (a copy of the warehouse with C's rows replaced)
    assert "replacing these authorities in a copy of the existing warehouse" in c_log.read_text()
    assert q(db, "select la_code, count(*) from dim_child group by 1 order by 1") == [(LA_A, 3), (LA_B, 1), (LA_C, 1)]
    assert [r[0] for r in q(db, "select la_code from load_log where file = 'authority.toml' order by load_id")] == [
        LA_A, LA_B, LA_C]  # C's load took its time under the lock, after B's
    assert files_beside(db) == ["w.duckdb"]


def test_the_lock_is_taken_in_turn_and_the_file_goes_with_the_last_holder(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with warehouse_lock(db, timeout=1):
        assert lock_path(db).read_text() == str(os.getpid())
        with pytest.raises(LoadError, match="another load into this warehouse is still running"):
            with warehouse_lock(db, timeout=0):
                pass
    assert not lock_path(db).exists()
    with warehouse_lock(db, timeout=0):  # free again
        pass


# ---------- generated broken sources ----------

def check_outcome(run: Callable[[], LoadReport], db: Path, source: Path) -> LoadReport | None:
    """Run a load of `source` into a copy of the base warehouse and check it went in cleanly or changed nothing."""
    before, a_rows = sha(db), la_a_rows(db)
    try:
        report = run()
    except LoadError as err:
        message = str(err)
        assert first_unprintable(message) is None, message  # one line
        assert message.startswith(str(source)), message  # names the file (or folder) at fault
        assert sha(db) == before
        assert files_beside(db) == ["w.duckdb"]
        return None
    assert files_beside(db) == ["w.duckdb"]
    assert la_a_rows(db) == a_rows
    for read, loaded, rejected in q(db, "select rows_read, rows_loaded, rows_rejected from load_log "
                                        "where la_code = $la and status in ('loaded', 'empty')", {"la": LA_B}):
        assert 0 <= loaded and 0 <= rejected and loaded + rejected <= read
    for (reason,) in q(db, "select distinct reason from rejected_rows"):
        assert reason in REASONS
    for (rule,) in q(db, "select distinct rule from load_warnings"):
        assert rule in WARNINGS
    for (value,) in q(db, "select value from rejected_rows where value is not null union all "
                          "select value from load_warnings where value is not null"):
        assert len(value) <= 240 and first_unprintable(value) is None, value
    for (value,) in q(db, "select child from dim_child union all select sw_id from dim_worker union all "
                          "select team from dim_team"):
        assert len(value) <= 100 + len(RESERVED_SUFFIX) and first_unprintable(value) is None, value
    return report


TARGETS = ["ssda903/2017/header.csv", "ssda903/2017/episodes.csv", "extracts/workforce.csv", "extracts/visits.csv",
           "ssda903/2017/missing.csv"]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _cell(value: str) -> str:
    """RFC 4180: quoted when it holds a comma, a quote or either line-break character (csv.writer misses a lone CR)."""
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


def _csv(rows: list[list[str]], end: str = "\n") -> str:
    return "".join(",".join(map(_cell, row)) + end for row in rows)


@st.composite
def broken_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A contract file of la_a (under la_b's authority) broken in one of the ways exports break."""
    rel = draw(st.sampled_from(TARGETS))
    text = (FIXTURES / "la_a" / rel).read_text()
    rows = _rows(text)
    width = len(rows[0])
    kind = draw(st.sampled_from([
        "random bytes", "windows-1252", "bom", "quoted newline", "duplicate header", "missing header", "empty",
        "header only", "big field", "column order", "nul in header", "truncated", "extra field", "utf-16",
        "crlf and blank lines",
    ]))
    if kind == "random bytes":
        return rel, draw(st.binary(max_size=300))
    if kind == "windows-1252":
        rows[1][0] = "Zoë"
        return rel, _csv(rows).encode("cp1252")
    if kind == "bom":
        return rel, b"\xef\xbb\xbf" + text.encode()
    if kind == "quoted newline":
        row, col = draw(st.integers(1, len(rows) - 1)), draw(st.integers(0, width - 1))
        rows[row][col] = rows[row][col][:2] + "\n" + rows[row][col][2:]
    elif kind == "duplicate header":
        rows[0][draw(st.integers(0, width - 1))] = rows[0][draw(st.integers(0, width - 1))].lower()
    elif kind == "missing header":
        drop = draw(st.integers(0, width - 1))
        rows = [r[:drop] + r[drop + 1:] for r in rows]
    elif kind == "empty":
        return rel, b""
    elif kind == "header only":
        rows = rows[:1]
    elif kind == "big field":
        size = draw(st.sampled_from([1_000_000, 3_000_000]))  # DuckDB reads lines up to 2 MB
        rows[draw(st.integers(1, len(rows) - 1))][draw(st.integers(0, width - 1))] = "x" * size
    elif kind == "column order":
        order = draw(st.permutations(range(width)))
        rows = [[r[i] for i in order] for r in rows]
    elif kind == "nul in header":
        return rel, text.replace("\n", "\x00\n", 1).encode()
    elif kind == "truncated":
        data = text.encode()
        return rel, data[:draw(st.integers(1, len(data)))]
    elif kind == "extra field":
        rows[draw(st.integers(1, len(rows) - 1))].append("extra")
    elif kind == "utf-16":
        return rel, text.encode("utf-16-le")
    elif kind == "crlf and blank lines":
        return rel, (text.replace("\n", "\r\n") + "\r\n\r\n").encode()
    return rel, _csv(rows).encode()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(broken=broken_file())
def test_broken_files_load_cleanly_or_stop_with_a_clear_error(base_db: Path, broken: tuple[str, bytes]) -> None:
    rel, data = broken
    with tempfile.TemporaryDirectory() as tmp:
        source = make_source(Path(tmp), base="la_b")
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_bytes(data)
        db = copy_db(base_db, Path(tmp) / "wh")
        check_outcome(lambda: load([source], db), db, source)


CHILDREN = st.sampled_from(["C1", "C2", "C1"])  # the same child often twice, with two dates of birth
NASTY = st.one_of(
    st.text(max_size=12),  # any characters: NUL, controls, bidi overrides, quotes, commas, line breaks
    st.sampled_from(["31/02/2017", "00/00/0000", "29/02/2017", "29/02/2016", "2099-01-01", "01/01/1850", "1/1/17",
                     "01/13/2017", "", " ", ALL_TEAMS, "unallocated", "\u202eC1", "C1\x00", '"', "a,b", "x\ny"]),
)


@st.composite
def messy_rows(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, int]]:
    """Well-formed CSV with bad values (any column order, any characters, impossible and future dates, a 1 MB
    field), and the number of rows written to each file."""
    files, counts = {}, {}
    for rel, good in [
        ("ssda903/2017/header.csv", ["C1", "2", "03/03/2008", "WBRI"]),
        ("ssda903/2017/episodes.csv", ["C1", "01/09/2016", "S", "V2", "N5", "U4", "PR1", "", "", ""]),
        ("extracts/workforce.csv", ["SW1", "Team North", "5", "0", "1", "01/01/2016", "", ""]),
    ]:
        header = _rows((FIXTURES / ("la_b" if rel.startswith("ssda") else "la_a") / rel).read_text())[0]
        rows = []
        for _ in range(draw(st.integers(1, 4))):
            row = [draw(NASTY) if draw(st.integers(0, 3)) == 0 else value for value in good]
            row[0] = draw(st.one_of(CHILDREN, NASTY)) if draw(st.booleans()) else row[0]
            rows.append(row)
        if draw(st.integers(0, 3)) == 0:  # one 1 MB value (a line over DuckDB's 2 MB would stop the load)
            rows[draw(st.integers(0, len(rows) - 1))][draw(st.integers(0, len(good) - 1))] = "v" * 1_000_000
        order = draw(st.permutations(range(len(header))))
        files[rel] = _csv([[r[i] for i in order] for r in [header, *rows]], draw(st.sampled_from(["\n", "\r\n"])))
        counts[rel] = len(rows)
    return files, counts


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(messy=messy_rows())
def test_bad_values_in_well_formed_files_are_rejected_or_blanked_with_a_reason(
        base_db: Path, messy: tuple[dict[str, str], dict[str, int]]) -> None:
    files, counts = messy
    with tempfile.TemporaryDirectory() as tmp:
        source = make_source(Path(tmp), base="la_b", files=files)
        db = copy_db(base_db, Path(tmp) / "wh")
        report = check_outcome(lambda: load([source], db), db, source)
        assert report is not None, "a well-formed CSV file must load"
        assert {f.file: f.rows_read for f in report.files if f.file in counts} == counts
