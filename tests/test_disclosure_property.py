"""Property: in board mode nothing that leaves Practice Lens holds a child count of 1-4 or a child's identifier.

Hypothesis makes small warehouses (tests/warehouse_fixture.make_warehouse): two or three teams (the first of 5 to 12
children, the others of 0 to 9), with random placements, visits, changes of social worker, reviews, health
assessments and missing episodes, so some teams' figures rest on 1 to 4 children and others do not. Every page is
drawn in board mode (Streamlit AppTest), with and without a team filter,
and its outputs read: every text element, every table cell, every chart's JSON (titles, annotations, hover text,
customdata, plotted values), every CSV and Excel download's bytes, and the board pack PDF's text (pypdf). Checked:

- no child's identifier anywhere;
- no "<n> children" (or episodes, reviews) with n from 1 to 4 in any text;
- no numerator or denominator of 1-4 in a table or download of a child measure, and no figure beside a '<5';
- primary: against the warehouse's own (unprotected) figures, a team-month whose numerator or denominator is 1-4 has
  no plotted point on its trend and no bar on the team chart;
- secondary: the teams the team chart hides hold together 0 or at least 5 of each count, so 'All teams' minus the
  teams shown cannot give a small one away.

Slow (about 9 s an example: nine pages and a pack); 10 examples (about 1.5 minutes) run in CI, DISCLOSURE_EXAMPLES=n
changes it (e.g. 50 before a release). With secondary suppression switched off it fails within 8 examples, with board
mode's protection off within 4.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import queries
from lens import disclosure
from tests.test_app import ROOT, array
from tests.warehouse_fixture import make_warehouse

D = dt.date
LA = "Z9"
MONTH = D(2017, 3, 31)
START = D(2016, 4, 1)
CHILD_MARK = "KIDX"  # every child id holds it; nothing shown in board mode may
PAGES = [None, "app_pages/visits.py", "app_pages/sw_changes.py", "app_pages/missing.py", "app_pages/health.py",
         "app_pages/workforce.py", "app_pages/reviews.py", "app_pages/compare.py", "app_pages/data_quality.py"]
# "2 children per FTE" is a caseload (a ratio), not a count of children: the lookahead lets it through
SMALL_COUNT_TEXT = re.compile(r"(?<![\d.,])[1-4] (children|child|episodes?|reviews?)\b(?! per\b)", re.I)
CHILD_MEASURES = {m for m, r in disclosure.RULES.items() if not r.staff}


@st.composite
def children(draw, teams: int) -> list[dict]:
    """One dict per child: team, start day, end day (or None), visit gap, allocations, reviews, health, missing."""
    out = []
    for t in range(teams):
        for _ in range(draw(st.integers(5, 12) if t == 0 else st.integers(0, 9))):  # one team big enough to show
            start = draw(st.integers(0, 330))
            length = draw(st.one_of(st.none(), st.integers(20, 300)))
            out.append({"team": t, "start": start, "end": None if length is None else start + length,
                        "gap": draw(st.integers(10, 70)), "workers": draw(st.integers(1, 4)),
                        "review_gap": draw(st.integers(60, 200)), "health": draw(st.booleans()),
                        "missing": draw(st.lists(st.tuples(st.integers(0, 360), st.integers(0, 12),
                                                           st.booleans()), max_size=2)),
                        "moves": draw(st.integers(0, 3))})
    return out


def tables(teams: int, kids: list[dict]) -> dict[str, list[dict]]:
    """The warehouse rows for these children (return year 2017: April 2016 to March 2017)."""
    day = lambda n: START + dt.timedelta(days=n)  # noqa: E731
    rows: dict[str, list[dict]] = {k: [] for k in ("dim_child", "fact_episode", "fact_visit", "fact_allocation",
                                                   "fact_review", "fact_health_assessment", "fact_missing")}
    rows["dim_authority"] = [{"la_code": LA, "la_name": "Property Borough"}]
    rows["dim_team"] = [{"la_code": LA, "team": f"Team {t + 1}"} for t in range(teams)]
    workers = [(f"SWK{t}{w}", t) for t in range(teams) for w in range(4)]
    rows["fact_worker_spell"] = [{"la_code": LA, "sw_id": w, "team": f"Team {t + 1}", "org_role": 5, "fte": 0.5 + i % 2,
                                  "agency_worker": i % 3 == 0, "start_date": D(2014, 1, 1)}
                                 for i, (w, t) in enumerate(workers)]
    rows["dim_worker"] = [{"la_code": LA, "sw_id": w, "team": f"Team {t + 1}", "org_role": 5,
                           "agency_worker": False} for w, t in workers]
    for i, k in enumerate(kids):
        child = f"{CHILD_MARK}{i:03d}"
        end = None if k["end"] is None or k["end"] > 364 else k["end"]
        last = end if end is not None else 364
        rows["dim_child"].append({"la_code": LA, "child": child, "dob": D(2008, 1 + i % 12, 1)})
        moves = [k["start"] + j * max(1, (last - k["start"]) // (k["moves"] + 1)) for j in range(k["moves"] + 1)]
        for j, m in enumerate(moves):
            stop = moves[j + 1] if j + 1 < len(moves) else end
            rows["fact_episode"].append({"la_code": LA, "child": child, "decom": day(m), "rne": "S" if j == 0 else "P",
                                         "ls": "C2", "place": "U4" if j % 2 == 0 else "R1", "return_year": 2017,
                                         "dec": None if stop is None else day(stop),
                                         "rec": None if stop is None else ("E11" if stop == end else "X1")})
        rows["fact_visit"] += [{"la_code": LA, "child": child, "visit_date": day(d)}
                               for d in range(k["start"] + 3, last, k["gap"])]
        team_workers = [w for w, t in workers if t == k["team"]]
        step = max(1, (last - k["start"]) // k["workers"])
        rows["fact_allocation"] += [{"la_code": LA, "child": child, "sw_id": team_workers[j % 4],
                                     "sw_decom": day(k["start"] + j * step)} for j in range(k["workers"])]
        rows["fact_review"] += [{"la_code": LA, "child": child, "review_date": day(d), "return_year": 2017}
                                for d in range(k["start"] + 15, last, k["review_gap"])]
        if k["health"]:
            rows["fact_health_assessment"].append({"la_code": LA, "child": child,
                                                   "assessment_date": day(min(k["start"] + 25, 364)),
                                                   "assessment_type": "IHA"})
        for offset, hours, interview in k["missing"]:
            if k["start"] <= offset < last:
                begin = dt.datetime.combine(day(offset), dt.time(20))
                rows["fact_missing"].append({"la_code": LA, "child": child, "missing_type": "M",
                                             "mis_start": day(offset), "mis_end": begin + dt.timedelta(hours=hours * 9),
                                             "return_year": 2017, "has_rhi_record": interview,
                                             "rhi_offered_at": begin + dt.timedelta(hours=30) if interview else None})
    rows["load_log"] = [{"load_id": "L1", "loaded_at": dt.datetime(2017, 4, 3), "la_code": LA, "status": "loaded",
                         "file": "ssda903/2017/header.csv", "rows_read": len(kids) + 1, "rows_loaded": len(kids),
                         "rows_rejected": 1}]
    rows["rejected_rows"] = [{"load_id": "L1", "la_code": LA, "file": "ssda903/2017/header.csv", "line": 2,
                              "column_name": "CHILD", "value": f"{CHILD_MARK}999", "reason": "unknown child"}]
    return {k: v for k, v in rows.items() if v}


class Outputs:
    """What one page run put out: texts, tables, charts and the downloads' data."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.tables: list[pd.DataFrame] = []
        self.charts: list[dict] = []
        self.downloads: list[tuple[str, str, object]] = []


def strings(spec: object) -> list[str]:
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict):
        return [s for v in spec.values() for s in strings(v)]
    if isinstance(spec, list):
        return [s for v in spec for s in strings(v)]
    return []


def read(at: AppTest, out: Outputs) -> None:
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "text", "exception"):
        out.texts += [str(e.value) for e in at.get(kind)]
    out.texts += [f"{m.label} {m.value} {m.help or ''}" for m in at.metric]
    out.texts += [e.label for e in at.expander]
    out.tables += [d.value for d in at.dataframe]
    out.charts += [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def bytes_of(data: object) -> bytes:
    return data() if callable(data) else data  # type: ignore[operator]


def download_frames(name: str, data: bytes) -> list[pd.DataFrame]:
    """A CSV's or an Excel workbook's data sheet, every cell as text."""
    if name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        return [pd.DataFrame(rows[1:], columns=rows[0])] if rows else []
    book = openpyxl.load_workbook(io.BytesIO(data))
    frames = []
    for ws in book.worksheets:
        values = [["" if v is None else v for v in r] for r in ws.values]
        if values:
            frames.append(pd.DataFrame(values[1:], columns=[str(c) for c in values[0]]))
    return frames


def measure_of(name: str) -> str | None:
    """The measure a download's file name is about (its title's slug), None for the Overview, grid and data quality."""
    from ui.widgets import slug

    found = [m for m in queries.measures() if slug(queries.get(m).title) in name]
    return max(found, key=lambda m: len(queries.get(m).title)) if found else None


def small(value: object) -> bool:
    """A number 1-4 (as a number or as the text of one)."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not np.isnan(v) and 0 < v < 5


def check_texts(texts: list[str], where: str) -> None:
    for t in texts:
        assert CHILD_MARK not in t, f"{where}: a child id in {t[:200]!r}"
        assert not SMALL_COUNT_TEXT.search(t), f"{where}: a count under 5 in {t[:200]!r}"


def check_table(df: pd.DataFrame, measure: str | None, where: str) -> None:
    check_texts([str(v) for v in df.astype(str).to_numpy().ravel()], where)
    if measure is not None and measure not in CHILD_MEASURES:
        return  # staff FTE and headcounts: not child data
    if "Measure" in df:  # the Overview's rows: one per measure, by title
        staff = {queries.get(m).title for m, r in disclosure.RULES.items() if r.staff}
        df = df[~df["Measure"].isin(staff)]
    counts = [c for c in df.columns if c in ("Numerator", "Denominator", "Numerator (as shown)",
                                               "Denominator (as shown)")]
    if measure == "workforce_caseload":
        counts = [c for c in counts if c.startswith("Numerator")]  # the denominator is staff FTE
    for c in counts:
        bad = df[c][df[c].map(small)]
        assert bad.empty, f"{where}: {c} {bad.tolist()}"
    shown_small = pd.Series(False, index=df.index)
    for c in counts:
        shown_small |= df[c].astype(str).eq(disclosure.SUPPRESSED)
    if "Value" in df and shown_small.any():
        beside = df.loc[shown_small, "Value"].astype(str)
        assert beside.isin(["suppressed", "", "not recorded"]).all(), f"{where}: a value beside '<5': {beside.tolist()}"


def raw_rows(db: Path, measure: str, team: str | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        df = queries.run(measure, con, la_codes=[LA], team=team, from_month=START, to_month=MONTH)
    finally:
        con.close()
    return df


def primary_small(rows: pd.DataFrame, measure: str) -> pd.Series:
    r = disclosure.rule(measure)
    out = pd.Series(False, index=rows.index)
    for c in r.counts:
        if c in rows:
            out |= rows[c].map(small)
    return out


def check_charts(charts: list[dict], db: Path, team: str | None, where: str) -> None:
    for spec in charts:
        check_texts(strings(spec), where)
        title = str(spec["layout"].get("title", {}).get("text", "")).replace("<br>", " ")
        hit = [m for m in CHILD_MEASURES if title.startswith(queries.get(m).title)
               and queries.get(m).shape == "series"]
        if not hit or not spec["data"]:
            continue
        measure = max(hit, key=lambda m: len(queries.get(m).title))
        raw = raw_rows(db, measure)
        if " by team, " in title:  # the team chart for MONTH: primary and secondary against the raw counts
            at = raw[(pd.to_datetime(raw["month_end"]) == pd.Timestamp(MONTH)) & (raw["team"] != "All teams")]
            drawn = {str(y) for trace in spec["data"] if trace.get("type") == "bar" and trace.get("marker", {}).get(
                "color") != "#8C8C8C" for y in trace.get("y", [])}
            for row, is_small in zip(at.itertuples(), primary_small(at, measure), strict=True):
                if is_small:
                    assert row.team not in drawn, f"{where}: {measure} bar for {row.team} on a count under 5"
            hidden, shown = at[~at["team"].isin(drawn)], at[at["team"].isin(drawn)]
            for c in disclosure.rule(measure).counts:
                if c in hidden:  # 'All teams' minus the teams shown would give 1-4, while a shown team could cover it
                    total = pd.to_numeric(hidden[c], errors="coerce").fillna(0).sum()
                    cover = (pd.to_numeric(shown[c], errors="coerce").fillna(0) > 0).any()
                    assert not (0 < total < 5 and cover), f"{where}: {measure}: hidden teams hold {total} {c}"
            continue
        first = spec["data"][0]
        if not str(first.get("x", [""])[0] if first.get("x") else "").startswith("20"):
            continue
        mine = raw[raw["team"] == (team or "All teams")].sort_values("month_end")
        hidden_months = {pd.Timestamp(m).strftime("%Y-%m") for m, s in
                         zip(mine["month_end"], primary_small(mine, measure), strict=True) if s}
        for trace in spec["data"]:
            xs, ys = trace.get("x"), trace.get("y")
            if not xs or ys is None or trace.get("name") in ("Target", None) and trace.get("mode") == "lines":
                continue
            if str(trace.get("name", "")).startswith(("Target", "England", "Statistical", "Region", "Published",
                                                      "Average", "Process", "Median")):
                continue
            values = array(ys) if isinstance(ys, dict | list) else []
            for x, y in zip(xs, values, strict=False):
                if str(x)[:7] in hidden_months:
                    assert np.isnan(y), f"{where}: {measure} plotted {y} for {str(x)[:7]}, which rests on 1-4"


def check_pack(pdf: bytes) -> None:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    check_texts([text], "board pack")


def record_downloads(mp: pytest.MonkeyPatch, into: list) -> None:
    import streamlit
    from streamlit.delta_generator import DeltaGenerator

    original = DeltaGenerator.download_button

    def record(dg, label, data, *args, **kwargs):
        into.append((label, kwargs.get("file_name") or "", data))
        return original(dg, label, data, *args, **kwargs)

    mp.setattr(DeltaGenerator, "download_button", record)
    mp.setattr(streamlit, "download_button", lambda *a, **k: record(streamlit._main, *a, **k))


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("DISCLOSURE_EXAMPLES", "10")), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_board_mode_never_shows_a_small_count_or_a_child_id(data):
    import streamlit

    teams = data.draw(st.integers(2, 3), label="teams")
    kids = data.draw(children(teams), label="children")
    team = data.draw(st.sampled_from([None, *[f"Team {t + 1}" for t in range(teams)]]), label="team filter")
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        db = make_warehouse(Path(tmp) / "w.duckdb", tables(teams, kids))
        mp.setenv("PRACTICE_LENS_DB", str(db))
        mp.setenv("PRACTICE_LENS_CHROMIUM", str(Path(tmp) / "no-chromium"))  # the pack's charts by reportlab
        mp.setenv("PRACTICE_LENS_COMPANION_DB", str(Path(tmp) / "companion.sqlite"))
        made: list = []
        record_downloads(mp, made)
        streamlit.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for key, value in {"board": "true", "month": "Mar 2017", "period": "12", "team": team}.items():
            if value is not None:
                at.query_params[key] = value
        for page in PAGES:
            made.clear()
            if page:
                at.switch_page(page)
            at.run()
            where = f"{page or 'overview'} (team {team})"
            assert not at.exception, [e.message for e in at.exception]
            out = Outputs()
            read(at, out)
            check_texts(out.texts, where)
            for df in out.tables:
                check_table(df, None, where)
            check_charts(out.charts, db, None if page == "app_pages/compare.py" else team, where)  # Compare: whole
            for label, name, payload in made:
                if label in ("PNG", "SVG"):
                    continue  # the same figure as the chart JSON checked above
                content = bytes_of(payload)
                if name.endswith(".pdf"):
                    check_pack(content)
                    continue
                for frame in download_frames(name, content):
                    check_table(frame, measure_of(name), f"{where}: {name}")
