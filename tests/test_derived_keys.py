"""Integer child keys (etl/derived.sql): one per (la_code, child), carried onto the keyed copies measures join on."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tests.warehouse_fixture import make_warehouse

D = dt.date.fromisoformat

# Two authorities use the same child id "C1"; they are different children and must get different keys.
# Keys are numbered in (la_code, child) order:
#   (Z99000001, C1) -> 1, (Z99000001, C2) -> 2, (Z99000002, C1) -> 3
# C2 of Z99000001 has a header row but no episode (still keyed: dim_child).
TABLES = {
    "dim_child": [
        {"la_code": "Z99000001", "child": "C1", "dob": D("2010-01-01")},
        {"la_code": "Z99000001", "child": "C2", "dob": D("2011-01-01")},
        {"la_code": "Z99000002", "child": "C1", "dob": D("2012-01-01")},
    ],
    "fact_episode": [
        {"la_code": "Z99000001", "child": "C1", "decom": D("2020-01-10"), "rne": "S", "ls": "C2", "place": "U1",
         "return_year": 2020},
        {"la_code": "Z99000002", "child": "C1", "decom": D("2020-02-10"), "rne": "S", "ls": "C2", "place": "U1",
         "return_year": 2020},
    ],
    "fact_visit": [
        {"la_code": "Z99000001", "child": "C1", "visit_date": D("2020-01-15")},
        {"la_code": "Z99000002", "child": "C1", "visit_date": D("2020-02-12")},
        {"la_code": "Z99000002", "child": "C1", "visit_date": D("2020-03-01")},
    ],
    "fact_allocation": [
        {"la_code": "Z99000002", "child": "C1", "sw_id": "W1", "sw_decom": D("2020-02-10")},
    ],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_warehouse(tmp_path_factory.mktemp("keys") / "w.duckdb", TABLES)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_same_child_id_in_two_authorities_gets_two_keys(con) -> None:
    rows = con.execute("select la_code, child, child_key from dim_child_key order by child_key").fetchall()
    assert rows == [("Z99000001", "C1", 1), ("Z99000001", "C2", 2), ("Z99000002", "C1", 3)]


def test_keyed_copies_carry_the_authoritys_own_key(con) -> None:
    # visits: Z99000001/C1 -> key 1 (one visit); Z99000002/C1 -> key 3 (two visits), sorted by key then date
    visits = con.execute("select la_code, child_key, visit_date from fact_visit_keyed").fetchall()
    assert visits == [("Z99000001", 1, D("2020-01-15")), ("Z99000002", 3, D("2020-02-12")),
                      ("Z99000002", 3, D("2020-03-01"))]
    assert con.execute("select la_code, child_key, decom from fact_episode_keyed").fetchall() == [
        ("Z99000001", 1, D("2020-01-10")), ("Z99000002", 3, D("2020-02-10"))]
    assert con.execute("select la_code, child_key, sw_id from fact_allocation_keyed").fetchall() == [
        ("Z99000002", 3, "W1")]


def test_placements_and_child_months_carry_the_key(con) -> None:
    # each child has one open placement; child-months run from the April 2019 opening the 2020 return to March 2020:
    # Z99000001/C1 is looked after at 31/1, 29/2 and 31/3/2020 (3 rows, key 1); Z99000002/C1 from 10/2: 29/2 and
    # 31/3 (2 rows, key 3)
    assert con.execute("select la_code, child, child_key from fact_placement order by la_code").fetchall() == [
        ("Z99000001", "C1", 1), ("Z99000002", "C1", 3)]
    assert con.execute(
        "select la_code, child_key, count(*) from fact_child_month group by all order by la_code"
    ).fetchall() == [("Z99000001", 1, 3), ("Z99000002", 3, 2)]
