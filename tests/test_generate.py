"""The generator writes sources in exactly the input contract, deterministically, with the inspectors' stories in them.

Contract checks read every generated file with DuckDB's CSV reader (all columns as text) and test each value
against etl/contract.py; story checks recompute what the dashboard must find from the files themselves.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import functools
import re
import tomllib
from bisect import bisect_right
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from etl import contract
from etl.calendar import add_working_days, england_bank_holidays
from etl.generate import collection_years, generate, month_range
from etl.generate_events import Context, add_months

DMY = "%d/%m/%Y"
ISO = "%Y-%m-%d"
YEARS = (2014, 2015, 2016, 2017, 2018)
D0, D1 = dt.date(2013, 4, 1), dt.date(2018, 3, 31)


# ---------- small pure helpers, worked by hand ----------

def test_month_range_covers_whole_months() -> None:
    # '2013-04'..'2018-03' runs from 1 April 2013 to 31 March 2018; '2016-02'..'2016-02' is the 29 days of a leap Feb.
    assert month_range("2013-04", "2018-03") == (D0.toordinal(), D1.toordinal())
    a, b = month_range("2016-02", "2016-02")
    assert (dt.date.fromordinal(a), dt.date.fromordinal(b)) == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    with pytest.raises(ValueError, match="before start"):
        month_range("2018-03", "2018-02")
    with pytest.raises(ValueError, match="expected YYYY-MM"):
        month_range("2018-13", "2019-01")


def test_cli_rejects_bad_months_without_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from etl.__main__ import main

    assert main(["generate", "--out", str(tmp_path / "x"), "--start", "2018", "--end", "2018-03"]) == 2
    assert "bad month '2018'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_collection_years_are_clipped_to_the_data() -> None:
    # Jan..Jun 2016 touches the year ending 31 Mar 2016 (from 1 Jan) and the one ending 31 Mar 2017 (to 30 Jun).
    got = [(y, dt.date.fromordinal(a), dt.date.fromordinal(b)) for y, a, b in
           collection_years(*month_range("2016-01", "2016-06"))]
    assert got == [(2016, dt.date(2016, 1, 1), dt.date(2016, 3, 31)), (2017, dt.date(2016, 4, 1), dt.date(2016, 6, 30))]
    # A window of exactly April..March is one whole year.
    assert [y for y, _, _ in collection_years(*month_range("2016-04", "2017-03"))] == [2017]


def test_add_months_clamps_to_month_end() -> None:
    # 31 Jan 2016 + 1 month = 29 Feb 2016 (leap year); 31 Mar 2017 + 3 months = 30 Jun 2017; 30 Nov 2014 + 3 = 28 Feb.
    assert add_months(dt.date(2016, 1, 31).toordinal(), 1) == dt.date(2016, 2, 29).toordinal()
    assert add_months(dt.date(2017, 3, 31).toordinal(), 3) == dt.date(2017, 6, 30).toordinal()
    assert add_months(dt.date(2014, 11, 30).toordinal(), 3) == dt.date(2015, 2, 28).toordinal()
    assert add_months(dt.date(2018, 3, 31).toordinal(), -18) == dt.date(2016, 9, 30).toordinal()


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # Easter 2016: Good Friday 25 March, Easter Monday 28 March. One working day after Thursday 24 March is
    # Tuesday 29 March; the generator's fast lookup agrees with etl.calendar.add_working_days.
    from etl.generate import working_days

    lo, hi = dt.date(2016, 1, 1).toordinal(), dt.date(2016, 12, 31).toordinal()
    ctx = Context(lo + 300, hi - 10, working_days(lo, hi), 1.0)
    hols = set(england_bank_holidays(2016, 2016)["holiday_date"])
    thursday = dt.date(2016, 3, 24)
    assert dt.date.fromordinal(ctx.add_wd(thursday.toordinal(), 1)) == dt.date(2016, 3, 29)
    assert add_working_days(thursday, 1, hols) == dt.date(2016, 3, 29)
    # 20 working days from Friday 1 April 2016 (no holiday until 2 May) is Friday 29 April.
    assert dt.date.fromordinal(ctx.add_wd(dt.date(2016, 4, 1).toordinal(), 20)) == dt.date(2016, 4, 29)


# ---------- the generated sample ----------

@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated"))[0]


def _rows(path: Path) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect()
    rel = con.execute(f"select * from read_csv('{path}', all_varchar = true, header = true)")
    return [d[0] for d in rel.description], rel.fetchall()


def _files(source: Path, years: tuple[int, ...] = YEARS) -> list[tuple[contract.SourceFile, Path, int]]:
    out = []
    for f in contract.ALL_FILES:
        if f.folder == "extracts":
            out.append((f, source / "extracts" / f.filename, 0))
        else:
            out.extend((f, source / "ssda903" / str(y) / f.filename, y) for y in years)
    return out


@functools.cache
def _parse(value: str, kind: str, folder: str) -> dt.datetime:
    fmt = DMY if folder != "extracts" else ISO
    if kind == "datetime" and " " in value:
        fmt += " %H:%M"
    return dt.datetime.strptime(value, fmt)


def test_every_contract_file_is_written_with_the_contract_header(sample: Path) -> None:
    for f, path, _ in _files(sample):
        assert path.exists(), path
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == ",".join(f.column_names), path


def _check_values(source: Path, years: tuple[int, ...]) -> None:
    """Codes in their lists, required values present, dates in the file's format, numbers in range, no end before
    start, and each return's dates inside its collection year."""
    for f, path, year in _files(source, years):
        cols, rows = _rows(path)
        assert rows, f"{path} is empty"
        for row in rows:
            rec = dict(zip(cols, row, strict=True))
            for c in f.columns:
                v = rec[c.name]
                if v is None or v == "":
                    assert c.nullable, (path, c.name, row)
                    continue
                if c.codes:
                    assert v in c.codes, (path, c.name, v)
                if c.kind in ("date", "datetime"):
                    _parse(v, c.kind, f.folder)
                if c.kind in ("int", "number"):
                    x = float(v)
                    assert (c.low is None or x >= c.low) and (c.high is None or x <= c.high), (path, c.name, v)
            for a, b in f.date_order:
                if rec[a] and rec[b]:
                    assert _parse(rec[a], "datetime", f.folder) <= _parse(rec[b], "datetime", f.folder), (path, row)
            if year:
                ys, ye = dt.datetime(year - 1, 4, 1), dt.datetime(year, 3, 31)
                for name in ("DECOM", "SW_DECOM", "MIS_START", "REVIEW"):
                    if name in rec:
                        assert _parse(rec[name], "date", f.folder) <= ye, (path, row)
                if "REVIEW" in rec:
                    assert _parse(rec["REVIEW"], "date", f.folder) >= ys, (path, row)


def test_values_follow_the_contract(sample: Path) -> None:
    _check_values(sample, YEARS)


def test_missing_end_may_carry_a_time_and_interviews_are_datetimes(sample: Path) -> None:
    _, mis = _rows(sample / "ssda903" / "2017" / "missing.csv")
    assert any(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", r[4] or "") for r in mis)
    _, rhi = _rows(sample / "extracts" / "return_interviews.csv")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[2]) for r in rhi if r[2])


def test_a_return_holds_everything_open_in_its_year(sample: Path) -> None:
    """Each return holds every episode open at any time in its year; an episode open at 31 March is blank-ended there
    and appears again in the next return (the loader's latest-wins de-duplication relies on this)."""
    views: dict[int, dict[tuple[str, str], tuple]] = {}
    for y in YEARS:
        _, rows = _rows(sample / "ssda903" / str(y) / "episodes.csv")
        ys, ye = dt.date(y - 1, 4, 1), dt.date(y, 3, 31)
        views[y] = {(r[0], r[1]): r for r in rows}
        assert len(views[y]) == len(rows)  # (CHILD, DECOM) is unique within a return
        for r in rows:
            assert dt.datetime.strptime(r[1], DMY).date() <= ye
            if r[7]:
                assert dt.datetime.strptime(r[7], DMY).date() >= ys
            assert (r[7] is None) == (r[8] is None)  # DEC and REC blank together
    spanning = 0
    for y in YEARS[:-1]:
        for key, r in views[y].items():
            if r[7] is None:
                assert key in views[y + 1], key
                spanning += 1
    assert spanning > 150  # most children looked after at 31 March carry into the next return
    # Headers: exactly the children with an episode in that return.
    for y in YEARS:
        _, hdr = _rows(sample / "ssda903" / str(y) / "header.csv")
        assert sorted(r[0] for r in hdr) == sorted({k[0] for k in views[y]})


def test_every_child_and_worker_is_known(sample: Path) -> None:
    children: set[str] = set()
    for y in YEARS:
        _, hdr = _rows(sample / "ssda903" / str(y) / "header.csv")
        children |= {r[0] for r in hdr}
    _, wf = _rows(sample / "extracts" / "workforce.csv")
    workers = {r[0] for r in wf}
    for f, path, _ in _files(sample):
        if f.child_column is None:
            continue
        cols, rows = _rows(path)
        i = cols.index("CHILD")
        assert {r[i] for r in rows} <= children, path
        if "SW_ID" in cols:
            j = cols.index("SW_ID")
            assert {r[j] for r in rows if r[j]} <= workers, path


def test_oc2_health_assessment_matches_the_assessment_rows(sample: Path) -> None:
    _, ha = _rows(sample / "extracts" / "health_assessments.csv")
    done: dict[str, list[dt.date]] = defaultdict(list)
    for child, day, kind in ha:
        if kind in ("IHA", "RHA"):
            done[child].append(dt.date.fromisoformat(day))
    for y in (2015, 2016, 2017, 2018):
        cols, rows = _rows(sample / "ssda903" / str(y) / "oc2.csv")
        ys, ye = dt.date(y - 1, 4, 1), dt.date(y, 3, 31)
        i = cols.index("HEALTH_ASSESSMENT")
        for r in rows:
            has = any(ys <= d <= ye for d in done[r[0]])
            assert (r[i] == "1") == has, (y, r)


def test_names_and_codes_are_obviously_synthetic(sample: Path) -> None:
    meta = tomllib.loads((sample / contract.AUTHORITY_FILE).read_text())
    assert meta == {"la_code": "Z99000001", "la_name": "Sample Borough", "synthetic": True}
    _, hdr = _rows(sample / "ssda903" / "2018" / "header.csv")
    assert all(re.fullmatch(r"C\d{6}", r[0]) for r in hdr)
    assert all(r[4] is None or re.fullmatch(r"Z\d{12}", r[4]) for r in hdr)
    _, wf = _rows(sample / "extracts" / "workforce.csv")
    assert all(re.fullmatch(r"SW\d{4}", r[0]) for r in wf)
    assert {r[1] for r in wf} == {"CLA Team 1", "CLA Team 2", "CLA Team 3", "CLA Team 4"}
    _, eps = _rows(sample / "ssda903" / "2018" / "episodes.csv")
    assert all(r[10].startswith("ZZ") and r[11].startswith("ZZ") for r in eps)
    assert all(r[12] is None or r[12].startswith("SCZ") for r in eps)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path, sample: Path) -> None:
    again = generate(tmp_path / "again")[0]
    other = generate(tmp_path / "other", seed=7)[0]
    for _, path, _ in _files(sample):
        rel = path.relative_to(sample)
        assert filecmp.cmp(path, again / rel, shallow=False), rel
    assert not filecmp.cmp(sample / "extracts" / "visits.csv", other / "extracts" / "visits.csv", shallow=False)


@pytest.fixture(scope="module")
def several(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("several"), seed=11, authorities=3, start="2016-04", end="2018-03")


def test_several_authorities_are_independent_and_named_in_turn(several: list[Path], tmp_path: Path) -> None:
    assert [r.name for r in several] == ["sample-borough", "sample-borough-2", "sample-borough-3"]
    metas = [tomllib.loads((r / contract.AUTHORITY_FILE).read_text()) for r in several]
    assert [m["la_code"] for m in metas] == ["Z99000001", "Z99000002", "Z99000003"]
    assert [m["la_name"] for m in metas] == ["Sample Borough", "Sample Borough 2", "Sample Borough 3"]
    for root in several:
        assert sorted(p.name for p in (root / "ssda903").iterdir()) == ["2017", "2018"]
        _check_values(root, (2017, 2018))
    sizes = [len(_rows(r / "ssda903" / "2018" / "header.csv")[1]) for r in several]
    assert len(set(sizes)) == 3  # authorities differ in size
    # The first authority of a many-authority run is the same as a run of one (same seed and window).
    alone = generate(tmp_path / "alone", seed=11, start="2016-04", end="2018-03")[0]
    assert filecmp.cmp(alone / "extracts" / "visits.csv", several[0] / "extracts" / "visits.csv", shallow=False)


def test_generated_sources_load_with_no_rejected_rows(several: list[Path], tmp_path: Path) -> None:
    from etl.load import load

    report = load(several, tmp_path / "warehouse.duckdb")
    assert report.rows_rejected == 0, report.rejected_by_reason
    assert report.rows_loaded > 10_000


# ---------- the inspectors' stories ----------

def _periods(sample: Path) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Periods of care per child from the episodes (latest return wins), open periods ending after the data."""
    latest: dict[tuple[str, str], tuple] = {}
    for y in YEARS:
        for r in _rows(sample / "ssda903" / str(y) / "episodes.csv")[1]:
            latest[(r[0], r[1])] = r
    out: dict[str, list[list[dt.date]]] = defaultdict(list)
    for r in sorted(latest.values(), key=lambda r: (r[0], dt.datetime.strptime(r[1], DMY))):
        start = dt.datetime.strptime(r[1], DMY).date()
        end = dt.datetime.strptime(r[7], DMY).date() if r[7] else dt.date(2100, 1, 1)
        if r[2] == "S" or not out[r[0]] or out[r[0]][-1][1] < start:
            out[r[0]].append([start, end])
        else:
            out[r[0]][-1][1] = end
    return {c: [tuple(p) for p in ps] for c, ps in out.items()}


def test_one_child_goes_about_four_months_unseen(sample: Path) -> None:
    periods = _periods(sample)
    visits: dict[str, list[dt.date]] = defaultdict(list)
    for child, _, day, _ in _rows(sample / "extracts" / "visits.csv")[1]:
        visits[child].append(dt.date.fromisoformat(day))
    long_gaps = []
    for child, days in visits.items():
        days.sort()
        starts = [p[0] for p in periods[child]]
        for a, b in zip(days, days[1:], strict=False):
            if bisect_right(starts, a) == bisect_right(starts, b) and (b - a).days > 110:
                long_gaps.append((child, a, b))
    assert len(long_gaps) == 1, long_gaps
    _, a, b = long_gaps[0]
    assert 115 <= (b - a).days <= 125
    assert b >= dt.date(2016, 10, 1)  # in the last ~18 months


def test_some_children_have_three_or_more_social_workers_in_the_last_year(sample: Path) -> None:
    _, rows = _rows(sample / "ssda903" / "2018" / "sw_episodes.csv")
    workers: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        workers[r[0]].add(r[2])
    counts = [len(s) for s in workers.values()]
    assert sum(c >= 3 for c in counts) >= 30
    assert sum(c >= 4 for c in counts) >= 5
    _, old = _rows(sample / "ssda903" / "2015" / "sw_episodes.csv")
    before: dict[str, set[str]] = defaultdict(set)
    for r in old:
        before[r[0]].add(r[2])
    assert sum(len(s) >= 3 for s in before.values()) < sum(c >= 3 for c in counts)


def _visit_late_share(sample: Path, after_change: bool) -> float:
    """Share of visit intervals over 42 days begun within 90 days after a change of worker (or not), last 18 months."""
    changes: dict[str, list[dt.date]] = defaultdict(list)
    for y in (2017, 2018):
        for r in _rows(sample / "ssda903" / str(y) / "sw_episodes.csv")[1]:
            changes[r[0]].append(dt.datetime.strptime(r[3], DMY).date())
    visits: dict[str, list[dt.date]] = defaultdict(list)
    for child, _, day, _ in _rows(sample / "extracts" / "visits.csv")[1]:
        visits[child].append(dt.date.fromisoformat(day))
    late = total = 0
    for child, days in visits.items():
        days.sort()
        ch = sorted(set(changes[child]))[1:]  # the first allocation is not a change
        for a, b in zip(days, days[1:], strict=False):
            if a < dt.date(2016, 10, 1):
                continue
            near = any(c <= a < c + dt.timedelta(days=90) or a <= c < b for c in ch)
            if near == after_change and (b - a).days <= 200:
                total += 1
                late += (b - a).days > 42
    return late / total


def test_visits_lapse_after_a_change_of_worker(sample: Path) -> None:
    assert _visit_late_share(sample, True) > 2 * _visit_late_share(sample, False)


def test_initial_health_assessments_slip_in_the_last_months(sample: Path) -> None:
    hols = set(england_bank_holidays(2013, 2019)["holiday_date"])
    iha: dict[str, list[dt.date]] = defaultdict(list)
    for child, day, kind in _rows(sample / "extracts" / "health_assessments.csv")[1]:
        if kind == "IHA":
            iha[child].append(dt.date.fromisoformat(day))
    on_time: dict[str, list[bool]] = {"before": [], "last6": []}
    for child, ps in _periods(sample).items():
        for start, _ in ps:
            due = add_working_days(start, 20, hols)
            if start < dt.date(2016, 10, 1) or due > D1:
                continue
            done = [d for d in iha[child] if start <= d]
            ok = bool(done) and min(done) <= due
            on_time["last6" if start >= dt.date(2017, 10, 1) else "before"].append(ok)
    before = sum(on_time["before"]) / len(on_time["before"])
    last6 = sum(on_time["last6"]) / len(on_time["last6"])
    assert before >= 0.7
    assert last6 <= before - 0.25, (before, last6)


def test_some_missing_episodes_get_no_or_a_late_return_interview(sample: Path) -> None:
    ended = {}
    for y in YEARS:
        for r in _rows(sample / "ssda903" / str(y) / "missing.csv")[1]:
            if r[4]:
                ended[(r[0], dt.datetime.strptime(r[3], DMY).date())] = dt.datetime.strptime(r[4], DMY + " %H:%M")
    offers = {}
    for r in _rows(sample / "extracts" / "return_interviews.csv")[1]:
        offers[(r[0], dt.date.fromisoformat(r[1]))] = dt.datetime.strptime(r[2], ISO + " %H:%M")
    assert set(offers) <= set(ended)
    stats = {"old": [0, 0, 0], "new": [0, 0, 0]}  # episodes, no interview, offered after 72 hours
    for key, back in ended.items():
        s = stats["new" if back.date() >= dt.date(2016, 10, 1) else "old"]
        s[0] += 1
        if key not in offers:
            s[1] += 1
        elif offers[key] - back > dt.timedelta(hours=72):
            s[2] += 1
    old, new = stats["old"], stats["new"]
    assert new[1] / new[0] >= 0.12 and new[2] / new[0] >= 0.15, new  # last 18 months: ~19% none, ~27% late
    assert old[1] / old[0] < 0.08 and old[2] / old[0] < 0.13, old  # before: ~5% none, ~10% late
