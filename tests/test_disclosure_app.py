"""The disclosure policy as a user sees it (Streamlit AppTest, board mode): a hidden month marked in place, staff
figures shown, Data quality's values from rejected rows hidden; and names from the data shown as plain text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from lens.formatting import plain
from reports.board_pack import build
from tests.test_app import ROOT, array
from tests.warehouse_fixture import make_warehouse

D = dt.date


def month_rows(la: str, team: str, worker: str) -> dict[str, list[dict]]:
    """Children C1-C3 looked after from 1 Dec 2016 throughout; C4-C6 from 1 Dec 2016 to 10 Feb 2017; C7-C9 from
    1 Mar 2017. Every child visited in time (C1-C6 on 20 Dec, 20 Jan and 20 Feb, C1-C3 and C7-C9 on 5 and 20 Mar).
    Looked after at the month end: Dec 6, Jan 6, Feb 3 (C1-C3), Mar 6 (C1-C3, C7-C9).
    Visits in time: Dec 6 of 6, Jan 6 of 6, Feb 3 of 3 (hidden in board mode), Mar 6 of 6, all 100%."""
    kids = [f"C{i}" for i in range(1, 10)]
    episodes, visits = [], []
    for i, c in enumerate(kids, start=1):
        start = D(2016, 12, 1) if i <= 6 else D(2017, 3, 1)
        end = D(2017, 2, 10) if 4 <= i <= 6 else None
        episodes.append({"la_code": la, "child": c, "decom": start, "dec": end, "rec": "E11" if end else None,
                         "rne": "S", "ls": "C2", "place": "U4", "return_year": 2017})
        days = [D(2016, 12, 20), D(2017, 1, 20)] + ([D(2017, 2, 20)] if i <= 3 else [D(2017, 2, 5)] if i <= 6 else [])
        days += [D(2017, 3, 5), D(2017, 3, 20)] if i <= 3 or i >= 7 else []
        visits += [{"la_code": la, "child": c, "visit_date": d} for d in days]
    return {
        "dim_child": [{"la_code": la, "child": c, "dob": D(2010, 1, 1)} for c in kids],
        "fact_episode": episodes,
        "fact_visit": visits,
        "fact_allocation": [{"la_code": la, "child": c, "sw_id": worker, "sw_decom": e["decom"]}
                            for c, e in zip(kids, episodes, strict=True)],
        "fact_worker_spell": [{"la_code": la, "sw_id": worker, "team": team, "org_role": 5, "fte": 1.0,
                               "agency_worker": False, "start_date": D(2015, 1, 1)}],
        "dim_team": [{"la_code": la, "team": team}],
        "dim_worker": [{"la_code": la, "sw_id": worker, "team": team, "org_role": 5, "agency_worker": False}],
    }


@pytest.fixture()
def hidden_feb(tmp_path, monkeypatch):
    rows = month_rows("Z9", "Team A", "W1")
    rows["dim_authority"] = [{"la_code": "Z9", "la_name": "Small Borough"}]
    rows["load_log"] = [{"load_id": "L1", "loaded_at": dt.datetime(2017, 4, 2, 9, 0), "la_code": "Z9",
                         "file": "ssda903/2017/header.csv", "status": "loaded", "rows_read": 10, "rows_loaded": 9,
                         "rows_rejected": 1}]
    # a rejected row whose value is a child's date of birth: shown to analysts, never in board mode
    rows["rejected_rows"] = [{"load_id": "L1", "la_code": "Z9", "file": "ssda903/2017/header.csv", "line": 7,
                              "column_name": "DOB", "value": "31/02/2009 CHILD-X42", "reason": "unparseable date"}]
    db = make_warehouse(tmp_path / "feb.duckdb", rows)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    monkeypatch.setenv("PRACTICE_LENS_CHROMIUM", str(tmp_path / "no-chromium"))  # pack charts by reportlab: fast
    return db


class Downloads:
    """Every download button a run draws (label, file name, data), recorded as the page makes them."""

    def __init__(self, monkeypatch) -> None:
        import streamlit
        from streamlit.delta_generator import DeltaGenerator

        self.made: list[tuple[str, str, object]] = []
        original = DeltaGenerator.download_button

        def record(dg, label, data, *args, **kwargs):
            self.made.append((label, kwargs.get("file_name") or "", data))
            return original(dg, label, data, *args, **kwargs)

        monkeypatch.setattr(DeltaGenerator, "download_button", record)
        monkeypatch.setattr(streamlit, "download_button", lambda *a, **k: record(streamlit._main, *a, **k))

    def csv(self, name_part: str) -> list[list[str]]:
        data = next(d for label, name, d in self.made if label == "CSV" and name_part in name)
        text = (data() if callable(data) else data).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))


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


def test_a_hidden_month_is_marked_in_place_with_its_reason(hidden_feb, monkeypatch):
    got = Downloads(monkeypatch)
    at = app("app_pages/visits.py", month="Mar 2017", board="true", chart="Trend")
    assert next(m.value for m in at.metric if m.label.startswith("Latest")) == "100.0%"  # March: 6 of 6
    trend = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "Statutory visits" in json.loads(c.proto.spec)["layout"]["title"]["text"])
    line = trend["data"][0]
    months = [m[:7] for m in line["x"]]
    ys = dict(zip(months, array(line["y"]), strict=True))
    assert ys["2017-01"] == 100.0 and ys["2017-03"] == 100.0
    assert pd.isna(ys["2017-02"])  # February's 3 of 3 is not plotted...
    marks = [a for a in trend["layout"]["annotations"] if a.get("text") == "<5"]
    assert [(a["x"][:7], a["yref"], a["hovertext"]) for a in marks] == [
        ("2017-02", "paper", "Feb 2017: hidden: fewer than 5 children")]  # ...but marked where it would be
    assert any(t.get("name") == "Hidden in board mode (fewer than 5 children)" for t in trend["data"])
    assert any(s.get("type") == "rect" for s in trend["layout"]["shapes"])
    # the download behind the chart: February says why, with no count beside its '<5'
    rows = got.csv("statutory-visits-in-timescale-z9-2017-03")
    head = rows[0]
    feb = next(r for r in rows[1:] if r[head.index("Month")] == "2017-02-28")
    assert (feb[head.index("Numerator")], feb[head.index("Denominator")], feb[head.index("Value")]) == \
        ("<5", "<5", "suppressed")
    assert feb[head.index("Data note")] == "fewer than 5 children (board mode)"
    # outside board mode the same month is a point: 3 of 3
    at = app("app_pages/visits.py", month="Mar 2017", chart="Trend")
    trend = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "Statutory visits" in json.loads(c.proto.spec)["layout"]["title"]["text"])
    assert 100.0 in list(array(trend["data"][0]["y"]))
    assert not [a for a in trend["layout"].get("annotations", []) if a.get("text") == "<5"]


def test_the_month_hidden_says_so_in_the_finding_and_the_whole_hidden_chart_says_why(hidden_feb):
    at = app("app_pages/visits.py", month="Feb 2017", board="true")
    assert next(m.value for m in at.metric if m.label.startswith("Latest")) == "<5"
    spc = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spc["layout"]["title"]["text"].replace("<br>", " ").startswith(
        "Statutory visits in timescale: fewer than 5 children in February 2017 (hidden in board mode)")
    # the team breakdown: Team A's bar says why it has no length
    bars = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if "by team" in json.loads(c.proto.spec)["layout"]["title"]["text"])
    assert bars["data"][-1]["text"] == ["fewer than 5 children"]


def test_staff_fte_is_not_child_data_and_is_shown_on_the_heat_map_and_in_the_pack(hidden_feb):
    # one social worker, 1.0 FTE, permanent: agency rate 0 of 1 FTE = 0.0%, shown (staff, not children);
    # visits in time in February rests on 3 children: '<5'
    at = app(None, month="Feb 2017", board="true")
    heat = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"]
                and json.loads(c.proto.spec)["data"][0].get("mode") == "markers+text")
    cells = {(x, y): t for trace in heat["data"] for x, y, t in zip(trace["x"], trace["y"], trace["text"],
                                                                       strict=True)}
    assert cells[("All teams", "Agency social workers (rate)")] == "0.0%"
    assert cells[("All teams", "Statutory visits in timescale")] == "<5"
    # the board's caption says what '<5' means in a grid of percentages
    assert any("'<5': the figure rests on fewer than 5 children (not a percentage under 5)" in c.value
               for c in at.caption)
    tile = next(m for m in at.metric if m.label == queries.get("workforce_agency_rate").short_title)
    assert tile.value == "0.0%"
    con = duckdb.connect(str(hidden_feb), read_only=True)
    pack = build(con, "Z9", "2017-02")
    con.close()
    grid = pack.grid.set_index(["team", "measure"])
    assert grid.loc[("All teams", "workforce_agency_rate"), "text"] == "0.0%"
    assert grid.loc[("All teams", "visits_in_time"), "text"] == "<5"


def test_data_quality_hides_rejected_values_in_board_mode_on_screen_and_in_the_download(hidden_feb, monkeypatch):
    got = Downloads(monkeypatch)
    at = app("app_pages/data_quality.py", month="Mar 2017", board="true")
    table = next(d.value for d in at.dataframe if "Example value" in d.value.columns)
    assert table["Example value"].tolist() == ["(hidden in board mode)"]
    assert next(m.value for m in at.metric if m.label.startswith("Rows rejected")) == "<5"  # 1 row: a child's
    rows = got.csv("rejected-rows-by-reason")
    assert "CHILD-X42" not in str(rows) and "31/02/2009" not in str(rows)
    assert rows[1][rows[0].index("Rows rejected")] == "<5"
    # an analyst (demo mode) outside board mode sees the value: it is how they find the row to fix
    at = app("app_pages/data_quality.py", month="Mar 2017")
    table = next(d.value for d in at.dataframe if "Example value" in d.value.columns)
    assert table["Example value"].tolist() == ["31/02/2009 CHILD-X42"]


# ---------- names from the data are words, never Markdown or HTML ----------

EVIL_AUTHORITY = "[x](http://evil) ![i](http://evil/i.png) <b>x</b>"
EVIL_TEAM = "*Team* [A](http://evil.example) <img src=x> `code` :red[alarm]"


@pytest.fixture()
def evil(tmp_path, monkeypatch):
    rows = month_rows("Z9", EVIL_TEAM, "W1")
    other = month_rows("Z99", "Team B", "W2")  # a second authority, so Compare ranks and draws the evil name too
    for table, more in other.items():
        rows[table] = rows.get(table, []) + more
    rows["dim_authority"] = [{"la_code": "Z9", "la_name": EVIL_AUTHORITY}, {"la_code": "Z99", "la_name": "Other"}]
    db = make_warehouse(tmp_path / "evil.duckdb", rows)
    monkeypatch.setenv("PRACTICE_LENS_DB", str(db))
    return db


MARKDOWN_LINK = re.compile(r"(?<!\\)!?\[[^\]]*(?<!\\)\]\(")  # [text]( or ![alt]( not escaped
HTML_TAG = re.compile(r"(?<!\\)<(?:b|img|a)\b")


def bodies(at: AppTest) -> list[str]:
    """The Markdown body of every text element: titles, headers, markdown, captions, alerts, metrics and their help."""
    out = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                                "success") for e in at.get(kind)]
    out += [m.label for m in at.metric] + [m.help or "" for m in at.metric]
    return out


@pytest.mark.parametrize("page", [None, "app_pages/visits.py", "app_pages/compare.py", "app_pages/workforce.py"])
def test_names_from_the_data_are_shown_as_plain_text(evil, page):
    at = app(page, la="Z9", month="Mar 2017", team=EVIL_TEAM)
    texts = bodies(at)
    named = [t for t in texts if "evil" in t]
    assert named, "the authority's or the team's name is on the page"
    for t in named:
        assert not MARKDOWN_LINK.search(t), t  # no link and no image
        assert not HTML_TAG.search(t), t
        assert ":red[" not in t and "`code`" not in t and "*Team*" not in t, t
    assert any(plain(EVIL_AUTHORITY) in t for t in named) or page == "app_pages/compare.py"
    if page == "app_pages/compare.py":
        assert at.get("plotly_chart"), "two authorities: Compare draws its charts"
    for chart in at.get("plotly_chart"):  # Plotly draws <b>, <a href> and friends in its text: escaped
        for text in strings(json.loads(chart.proto.spec)):
            assert "<b>" not in text and "<img" not in text and "<a " not in text.lower(), text
            if "evil" in text:  # (a long name may be broken over lines by the chart's own <br>)
                flat = text.replace("<br>", " ")
                assert "&lt;b&gt;x&lt;/b&gt;" in flat or "&lt;img src=x&gt;" in flat, text


def strings(spec: object) -> list[str]:
    """Every string in a chart's JSON (titles, annotations, tick labels, hover text, categories)."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict):
        return [s for v in spec.values() for s in strings(v)]
    if isinstance(spec, list):
        return [s for v in spec for s in strings(v)]
    return []


def test_the_board_pack_prints_the_names_as_words(evil):
    from pypdf import PdfReader

    from reports.board_pack import render

    con = duckdb.connect(str(evil), read_only=True)
    pdf = render(build(con, "Z9", "2017-03"))
    con.close()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert EVIL_AUTHORITY in text  # as written: the PDF has no links, and reportlab's markup is escaped
    assert "*Team* [A](http://evil.example)" in text
