"""`python -m queries list|run|docs` from the shell, as an analyst scripting exports would use it."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import duckdb
import pandas as pd

import queries


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "queries", *args], capture_output=True, text=True, timeout=120)


def test_list_prints_every_measure_with_its_definition():
    out = _cli("list")
    assert out.returncode == 0
    for name in queries.measures():
        assert f"\n{name}  [" in "\n" + out.stdout
    assert "Rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 28" in out.stdout


def test_run_prints_the_same_numbers_as_the_registry(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    expected = queries.run("visits_in_time", con, la_codes=[la], from_month="2017-04", to_month="2018-03")
    con.close()
    out = _cli("run", "visits_in_time", "--db", str(sample_db), "--la", la, "--from", "2017-04", "--to", "2018-03")
    assert out.returncode == 0, out.stderr
    got = pd.read_csv(io.StringIO(out.stdout))
    assert len(got) == len(expected) and got["value"].tolist() == expected["value"].tolist()
    months = sorted(set(got["month_end"]))
    assert months[0] == "2017-04-30" and months[-1] == "2018-03-31"

    as_json = _cli("run", "visits_overdue_list", "--db", str(sample_db), "--la", la, "--as-of", "2018-03-31",
                   "--format", "json")
    rows = json.loads(as_json.stdout)
    assert rows, "the sample has children overdue a visit at March 2018 (the inspectors' story)"
    assert {"child", "la_code", "team", "social_worker", "days_overdue"} <= set(rows[0])
    assert [r["days_overdue"] for r in rows] == sorted((r["days_overdue"] for r in rows), reverse=True)


def test_unknown_measure_is_a_clear_error(sample_db):
    out = _cli("run", "visits_in_tme", "--db", str(sample_db))
    assert out.returncode == 2
    assert "no measure named 'visits_in_tme'" in out.stderr


def test_run_on_a_missing_warehouse_is_one_line_and_creates_nothing(tmp_path):
    for db in (tmp_path / "missing.duckdb", tmp_path / "no" / "such" / "folder.duckdb"):
        out = _cli("run", "visits_in_time", "--db", str(db))
        assert (out.returncode, out.stdout, out.stderr) == (
            2, "", f"no warehouse at {db}: run python -m etl load first\n")
    assert list(tmp_path.iterdir()) == []


def test_run_with_spc_adds_limits_rule_and_icons_in_csv_and_json(sample_db):
    from lens import early_warning

    con = duckdb.connect(str(sample_db), read_only=True)
    la = con.execute("select min(la_code) from dim_authority").fetchone()[0]
    rows = queries.run("health_iha_in_time", con, la_codes=[la])
    con.close()
    expected = early_warning.measure_spc(rows[rows["team"] == "All teams"], "higher is better", target=100)
    out = _cli("run", "health_iha_in_time", "--db", str(sample_db), "--la", la, "--spc")
    assert out.returncode == 0, out.stderr
    got = pd.read_csv(io.StringIO(out.stdout))
    assert {"mean", "upl", "lpl", "rule", "point_type", "variation", "assurance"} <= set(got.columns)
    mine = got[got["team"] == "All teams"].set_index("month_end")
    first = expected.points.iloc[0]
    assert mine["mean"].round(6).unique().tolist() == [round(first["mean"], 6)]
    assert mine["upl"].round(6).unique().tolist() == [round(first["upl"], 6)]
    assert mine["lpl"].round(6).unique().tolist() == [round(first["lpl"], 6)]
    assert mine.loc["2017-10-31", "rule"] == "outside_limits" and mine.loc["2017-10-31", "point_type"] == "concern"
    assert mine.loc["2017-12-31", "rule"] == "two_of_three"
    # March 2018 is partial (12 entrants not yet due): left out, so the series ends on Feb's concern
    assert set(mine["variation"]) == {"concern_low"} and set(mine["assurance"]) == {"inconsistent"}
    # every team is a series of its own, with its own limits
    assert got.groupby("team")["mean"].nunique(dropna=True).max() == 1 and got["mean"].nunique() > 1

    as_json = _cli("run", "health_iha_in_time", "--db", str(sample_db), "--la", la, "--to", "2018-02",
                   "--spc", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    records = [r for r in json.loads(as_json.stdout) if r["team"] == "All teams"]
    assert {"mean", "upl", "lpl", "rule", "point_type", "variation", "assurance"} <= set(records[0])
    last = records[-1]
    assert last["month_end"].startswith("2018-02-28") and last["point_type"] == "concern"
    assert (last["variation"], last["assurance"]) == ("concern_low", "inconsistent")
    assert last["signal_since"].startswith("2017-12-31")


def test_spc_for_a_list_or_a_table_is_a_one_line_error(sample_db):
    for name, shape in (("visits_overdue_list", "list"), ("overview", "table")):
        out = _cli("run", name, "--db", str(sample_db), "--spc")
        assert (out.returncode, out.stdout, out.stderr) == (
            2, "", f"--spc needs a series measure: {name} is a {shape}\n")


import pytest  # noqa: E402


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2018-13"], "--from must be a month like 2018-03 (or a date like 2018-03-31), not '2018-13'"),
    (["--to", "March"], "--to must be a month like 2018-03 (or a date like 2018-03-31), not 'March'"),
    (["--as-of", "2018-02-30"], "--as-of must be a month like 2018-03 (or a date like 2018-03-31), not '2018-02-30'"),
    (["--la", "Z1"], "no authority 'Z1' in the warehouse (it holds Z99000001): python -m queries run "
                     "filter_authorities lists them"),
    (["--team", "Nope"], "no team 'Nope' in the warehouse: python -m queries run filter_teams lists them"),
    (["--from", "2018-05", "--to", "2018-03"], "--from 2018-05 is after --to 2018-03"),
    (["--from", "2030-01", "--to", "2030-03"], "nothing to show: visits_in_time has no months from 2030-01 to "
     "2030-03 for these choices; try a period inside the data (python -m queries run filter_authorities gives each "
     "authority's months)"),
])
def test_every_cli_error_is_one_line_with_exit_code_2(sample_db, args, message):
    out = _cli("run", "visits_in_time", "--db", str(sample_db), *args)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", message + "\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2025-03"], "no data for 2025-03: Z99000001's data run from 2013-04 to 2018-03"),
    (["--month", "03/2018"], "--month must be a month like 2018-03 (or a date like 2018-03-31), not '03/2018'"),
    (["--la", "Z1"], "no authority 'Z1' in the warehouse (it holds Z99000001): python -m queries run "
                     "filter_authorities lists them"),
    (["--out", "/no/such/folder/pack.pdf"], "cannot write /no/such/folder/pack.pdf: the folder /no/such/folder "
                                             "does not exist"),
])
def test_board_pack_errors_are_one_line_with_exit_code_2_and_write_nothing(sample_db, tmp_path, args, message):
    base = {"--la": "Z99000001", "--month": "2018-03", "--out": str(tmp_path / "pack.pdf")}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [x for kv in base.items() for x in kv]
    out = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--db", str(sample_db), *flat],
                         capture_output=True, text=True, timeout=120)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", message + "\n")
    assert not (tmp_path / "pack.pdf").exists()
