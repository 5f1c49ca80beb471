"""The measure registry: discovers queries/*.sql, parses their headers, validates and runs them with bound params.

Pages, exports and the CLI get numbers only through `run()`, so every number has one definition.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from etl.contract import SOURCE_LABELS
from queries import coverage

QUERY_DIR = Path(__file__).resolve().parent

# Header fields every measure file must state (`-- field: text`, continued by `--   more text`).
REQUIRED_FIELDS = (
    "title", "theme", "question", "shape", "grain", "keys", "numerator", "denominator", "rule",
    "source", "polarity", "unit", "params",
)
SHAPES = ("series", "list", "history", "table")
CHILD_SHAPES = ("list", "history")  # child-level: a list of children, or one child's history
POLARITIES = ("higher is better", "lower is better", "neutral")

# Parameters a measure may use, how they are coerced, and what they mean.
PARAMS: dict[str, str] = {
    "la_codes": "authorities to include (list of la_code); null = every authority in the warehouse",
    "team": "one team's name; null = all teams",
    "from_month": "first month of the series (a DATE; any day in the month)",
    "to_month": "last month of the series (a DATE; any day in the month)",
    "as_of": "the date a child-level list is worked out at",
    "child": "one child's identifier (a child's history, e.g. drift_history); null = no child",
    "supervision_weeks": "weeks within which each child's case should be discussed in supervision (default: the "
                         "supervision_weeks setting, PRACTICE_LENS_SUPERVISION_WEEKS)",
}

_PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_FIELD_RE = re.compile(r"^--\s*([a-z_]+):\s?(.*)$")
_CONT_RE = re.compile(r"^--\s{2,}(.*)$")


class NoWarehouse(Exception):
    """The warehouse file does not exist yet: a clear sentence beats DuckDB's traceback."""


def connect(db: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse at `db`; NoWarehouse (creating nothing) when there is no such file."""
    path = Path(db)
    if not path.is_file():
        raise NoWarehouse(f"no warehouse at {path}: run python -m etl load first")
    return duckdb.connect(str(path), read_only=True)


class SelectionError(ValueError):
    """Choices that select nothing (an unknown authority or team, a bad or back-to-front date): one line to fix."""


MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
DAY_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


def parse_month(text: str | None, flag: str) -> dt.date | None:
    """'2018-03' (or a full date) as the first of its month; SelectionError naming the flag when it is not one."""
    if text is None:
        return None
    if MONTH_RE.fullmatch(text) or DAY_RE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text[:7] + "-01") if len(text) == 7 else dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise SelectionError(f"{flag} must be a month like 2018-03 (or a date like 2018-03-31), not {text!r}")


def check_selection(con: duckdb.DuckDBPyConnection, la_codes: list[str] | None = None, team: str | None = None,
                    from_month: str | None = None, to_month: str | None = None, as_of: str | None = None) -> None:
    """Refuse choices that would select nothing, with one line saying what to do (the CLIs call this first)."""
    frm, to = parse_month(from_month, "--from"), parse_month(to_month, "--to")
    parse_month(as_of, "--as-of")
    if as_of is not None and len(as_of) == 7:
        raise SelectionError(f"--as-of is a day, like {as_of}-31, not a month ({as_of!r})")
    if frm and to and frm > to:
        raise SelectionError(f"--from {from_month} is after --to {to_month}")
    known = {r[0] for r in con.execute("select la_code from dim_authority").fetchall()}
    for code in la_codes or []:
        if code not in known:
            raise SelectionError(f"no authority {code!r} in the warehouse (it holds {', '.join(sorted(known)) or 'none'}"
                                 "): python -m queries run filter_authorities lists them")
    if team is not None:
        teams = set(run("filter_teams", con, la_codes=la_codes)["team"]) | {"All teams"}
        if team not in teams:
            raise SelectionError(f"no team {team!r} in {', '.join(la_codes or ['the warehouse'])}: "
                                 "python -m queries run filter_teams lists them")


@dataclass(frozen=True)
class Measure:
    """One measure: its SQL, its header fields and the parameters it binds."""

    name: str
    path: Path
    sql: str
    fields: dict[str, str]
    params: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.fields.get("title", self.name)

    @property
    def short_title(self) -> str:
        """A title that fits an Overview tile (header field `short`, else the title)."""
        return self.fields.get("short", self.title)

    @property
    def shape(self) -> str:
        return self.fields.get("shape", "")

    @property
    def theme(self) -> str:
        return self.fields.get("theme", "")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k.strip() for k in self.fields.get("keys", "").split(",") if k.strip())

    @property
    def requires(self) -> tuple[str, ...]:
        """The source files the measure is built on (contract names): a month one of them lacks is no data."""
        return tuple(r.strip() for r in self.fields.get("requires", "").split(",") if r.strip())

    @property
    def window(self) -> int:
        """How many months the measure looks back (a month with fewer months of data behind it is partial)."""
        m = re.match(r"\s*(\d+)", self.fields.get("window", ""))
        return int(m.group(1)) if m else 1

    @property
    def beside_child(self) -> tuple[str, ...]:
        """A list's columns the screen shows next to the child: how late, or what the list is sorted by."""
        return tuple(c.strip() for c in self.fields.get("beside_child", "").split(",") if c.strip())

    @property
    def higher_is_better(self) -> bool | None:
        p = self.fields.get("polarity", "")
        return True if p.startswith("higher") else False if p.startswith("lower") else None

    def definition(self) -> str:
        """The header as readable text (for `list`, the dashboard's definitions and the board pack)."""
        order = [f for f in REQUIRED_FIELDS if f in self.fields] + [
            f for f in self.fields if f not in REQUIRED_FIELDS]
        return "\n".join(f"{f.capitalize()}: {self.fields[f]}" for f in order if f not in ("title", "beside_child"))


def parse_header(sql: str) -> dict[str, str]:
    """Read the `-- field: value` comment block at the top of a measure file."""
    fields: dict[str, str] = {}
    last: str | None = None
    for line in sql.splitlines():
        if not line.startswith("--"):
            if line.strip() == "":
                continue
            break
        cont = _CONT_RE.match(line)
        m = _FIELD_RE.match(line)
        if cont and last:
            fields[last] = (fields[last] + " " + cont.group(1).strip()).strip()
        elif m:
            last = m.group(1)
            fields[last] = m.group(2).strip()
    return fields


def validate(measure: Measure) -> list[str]:
    """Problems with a measure's header or parameters (empty when it is well formed)."""
    problems = [f"{measure.name}: header lacks '{f}'" for f in REQUIRED_FIELDS if not measure.fields.get(f)]
    if measure.shape not in SHAPES:
        problems.append(f"{measure.name}: shape must be one of {SHAPES}")
    if measure.fields.get("polarity") and measure.fields["polarity"] not in POLARITIES:
        problems.append(f"{measure.name}: polarity must be one of {POLARITIES}")
    for p in measure.params:
        if p not in PARAMS:
            problems.append(f"{measure.name}: unknown parameter ${p}")
    if measure.shape == "list" and not measure.name.endswith("_list"):
        problems.append(f"{measure.name}: a child-level list's name must end in _list")
    if measure.shape == "history" and (not measure.name.endswith("_history") or "child" not in measure.params):
        problems.append(f"{measure.name}: one child's history must end in _history and take $child")
    if measure.shape in ("series", *CHILD_SHAPES) and not measure.requires:
        problems.append(f"{measure.name}: header lacks 'requires' (the source files it is built on)")
    for r in measure.requires:
        if r not in SOURCE_LABELS:
            problems.append(f"{measure.name}: requires unknown source {r!r}")
    stands_for = measure.fields.get("stands_in_for")
    if stands_for and (stands_for not in measures() or measures()[stands_for].shape != "series"
                       or measure.shape != "series"):
        problems.append(f"{measure.name}: stands_in_for must name a series measure, and it must be one")
    if measure.fields.get("pending") and measure.fields["pending"] not in measure.fields.get("extra_columns", ""):
        problems.append(f"{measure.name}: pending names a column not in extra_columns")
    body = measure.sql.split("\n\nwith", 1)[-1]
    for col in measure.beside_child:
        if measure.shape not in CHILD_SHAPES or not re.search(rf"\b{re.escape(col)}\b", body):
            problems.append(f"{measure.name}: beside_child names {col!r}, not a column of this child list")
    if measure.fields.get("window") and not re.fullmatch(r"\d+ months?", measure.fields["window"]):
        problems.append(f"{measure.name}: window must read 'N months'")
    return problems


@lru_cache(maxsize=1)
def measures() -> dict[str, Measure]:
    """Every measure in queries/, by name, in file order."""
    found: dict[str, Measure] = {}
    for path in sorted(QUERY_DIR.glob("*.sql")):
        sql = path.read_text()
        body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        params = tuple(dict.fromkeys(_PARAM_RE.findall(body)))
        found[path.stem] = Measure(path.stem, path, sql, parse_header(sql), params)
    return found


def get(name: str) -> Measure:
    """One measure by name, with a clear error for a typo."""
    try:
        return measures()[name]
    except KeyError:
        raise KeyError(f"no measure named {name!r}; try `python -m queries list`") from None


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    return dt.date.fromisoformat(text)


def coerce_params(measure: Measure, given: dict[str, Any], con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Bind only the parameters the SQL uses, with defaults taken from the warehouse's own dates."""
    out: dict[str, Any] = {}
    for p in measure.params:
        v = given.get(p)
        if p == "la_codes":
            if isinstance(v, str):
                v = [v]
            out[p] = list(v) if v else None
        elif p in ("team", "child"):
            out[p] = v or None
        elif p == "supervision_weeks":
            from lens import config

            out[p] = int(v) if v else config.supervision_weeks()
        elif p in ("from_month", "to_month", "as_of"):
            d = _as_date(v)
            if d is None:
                end = data_end(con, given.get("la_codes"))
                d = end if p != "from_month" else dt.date(end.year - 5, end.month, 1)
            out[p] = d
        else:
            out[p] = v
    return out


def _codes(la_codes: Any) -> list[str] | None:
    """la_codes as a list (one code, a list or a tuple), or None for every authority."""
    return [la_codes] if isinstance(la_codes, str) else (list(la_codes) if la_codes else None)


def data_end(con: duckdb.DuckDBPyConnection, la_codes: Any = None) -> dt.date:
    """The last month end any source of these authorities covers (the natural 'as at' for a first view).

    From source_coverage, so a date typed into the future never moves it.
    """
    codes = _codes(la_codes)
    row = con.execute(
        "select max(month_end) from source_coverage "
        "where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))",
        {"la_codes": codes},
    ).fetchone()
    return row[0] if row and row[0] else dt.date.today()


def measures_markdown() -> str:
    """Every measure's definition as Markdown, grouped by theme (docs/measures.md is this, committed)."""
    lines = ["# Measures", "", "Generated from the SQL headers in `queries/` by `python -m queries docs`; "
             "do not edit by hand.", ""]
    by_theme: dict[str, list[Measure]] = {}
    for m in measures().values():
        by_theme.setdefault(m.theme or "other", []).append(m)
    for theme, ms in by_theme.items():
        lines += [f"## {theme.replace('_', ' ').capitalize()}", ""]
        for m in ms:
            lines += [f"### {m.title} (`{m.name}`)", ""]
            lines += [f"- **{k.replace('_', ' ').capitalize()}**: {v}" for k, v in m.fields.items() if k != "title"]
            lines.append("")
    return "\n".join(lines)


def stand_in(name: str) -> Measure | None:
    """The snapshot measure that stands in for series `name` where its own sources give no data (header field
    `stands_in_for`, e.g. the Annex A List 8 figure for visits_in_time); None when there is none."""
    return next((m for m in measures().values() if m.fields.get("stands_in_for") == name), None)


def stand_in_rows(name: str, con: duckdb.DuckDBPyConnection, **params: Any) -> pd.DataFrame:
    """The rows of `name`'s stand-in that have data ('ok') in a month where `name` itself has none ('no data': its
    sources do not cover the month), for the authorities, team and months asked for. Where both have data, the event
    data's figure is the one shown and this is empty (Data quality reconciles the two)."""
    sub = stand_in(name)
    if sub is None:
        return pd.DataFrame()
    if not coverage.any_covered(con, _codes(params.get("la_codes")), sub.requires):
        return pd.DataFrame()  # no Annex A list for these authorities: nothing to stand in (and no query to run)
    df = run(sub.name, con, **params)
    ok = df[df["status"].eq(coverage.OK)] if len(df) else df
    if ok.empty:
        return ok.reset_index(drop=True)
    own = get(name)
    status = coverage.status_of_rows(con, ok, own.requires, own.window)
    absent = status.loc[status["status"].eq(coverage.NO_DATA), ["la_code", "month_end"]]
    return ok.merge(absent, on=["la_code", "month_end"]).reset_index(drop=True)


def headline_measures() -> list[Measure]:
    """The one series per theme that the Overview tiles and the board pack show (`headline: yes`)."""
    return [m for m in measures().values() if m.shape == "series" and m.fields.get("headline") == "yes"]


def targets() -> pd.DataFrame:
    """The targets file (measure, target, amber_within, basis); path from the `targets_path` setting."""
    from lens import config

    return pd.read_csv(config.get("targets_path"), dtype={"measure": str, "basis": str})


def england_averages() -> pd.DataFrame:
    """Published England averages per measure (measure, period_end, value, source), from the DfE files."""
    return pd.read_csv(QUERY_DIR / "england_averages.csv", parse_dates=["period_end"])


def headline_values(con: duckdb.DuckDBPyConnection, **params: Any) -> pd.DataFrame:
    """Every headline series stacked (from 12 months before $from_month, for the year-on-year change)."""
    p = dict(params)
    frm = coerce_params(get("overview"), p, con)["from_month"]
    p["from_month"] = dt.date(frm.year - 1, frm.month, 1)
    frames = []
    for m in headline_measures():
        df = run(m.name, con, **p)[["la_code", "team", "month_end", "numerator", "denominator", "value", "status",
                                    "status_note"]]
        frames.append(df.assign(measure=m.name, title=m.title, theme=m.theme, unit=m.fields.get("unit", ""),
                                higher_is_better=m.higher_is_better))
    cols = ["measure", "title", "theme", "unit", "higher_is_better", "la_code", "team", "month_end",
            "numerator", "denominator", "value", "status", "status_note"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)[cols]
    out["month_end"] = pd.to_datetime(out["month_end"]).dt.date
    for c in ("numerator", "denominator", "value"):
        out[c] = out[c].astype("float64")
    return out


def availability(name: str, con: duckdb.DuckDBPyConnection, la_codes: Any = None,
                 as_of: Any = None) -> pd.DataFrame:
    """status and status_note of a measure for each authority at the month of `as_of` (default: the data's end).

    A child list is only drawn for an authority whose sources cover that month (status ok or partial).
    """
    measure = get(name)
    codes = _codes(la_codes)
    month = _as_date(as_of) or data_end(con, codes)
    authorities = con.execute(
        "select la_code from dim_authority "
        "where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code)) order by la_code",
        {"la_codes": codes}).df()
    keys = authorities.assign(month_end=month)
    if not measure.requires:
        return keys.assign(status=coverage.OK, status_note="")[["la_code", "status", "status_note"]]
    out = coverage.status_of_rows(con, keys, measure.requires, measure.window)
    return out[["la_code", "status", "status_note"]]


def _authority_spine(con: duckdb.DuckDBPyConnection, bound: dict[str, Any], present: list[str]) -> pd.DataFrame:
    """'All teams' rows for each month of their data span in the range, for the authorities asked for that are not
    `present` in the measure's rows (so they read 'no data', rather than vanish)."""
    return con.execute(
        """
        select c.la_code, 'All teams' as team, last_day(r.m::date) as month_end
        from authority_coverage as c
        cross join range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
                         interval 1 month) as r (m)
        where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], c.la_code))
          and not list_contains($present::varchar[], c.la_code)
          and last_day(r.m::date) between c.first_month and c.last_month
        """,
        {"la_codes": bound.get("la_codes"), "from_month": bound["from_month"], "to_month": bound["to_month"],
         "present": present},
    ).df()


def _with_status(measure: Measure, df: pd.DataFrame, con: duckdb.DuckDBPyConnection,
                 bound: dict[str, Any]) -> pd.DataFrame:
    """A series with status and status_note per row; every figure of a no-data row blanked (never 0).

    An authority the measure's SQL gave no row for at all (its source file absent, say) gets an 'All teams' row for
    each month of its data span anyway, so it reads 'no data: ... not supplied' rather than vanishing.
    """
    if bound.get("team") in (None, "All teams") and {"from_month", "to_month"} <= set(bound):
        extra = _authority_spine(con, bound, df["la_code"].unique().tolist())
        if len(extra):
            extra["month_end"] = extra["month_end"].astype(df["month_end"].dtype if len(df) else "datetime64[us]")
            df = pd.concat([df, extra], ignore_index=True) if len(df) else extra.reindex(columns=df.columns)
            df = df.sort_values(["la_code", "month_end"], kind="stable").reset_index(drop=True)
    if df.empty:
        return df.assign(status=pd.Series(dtype="object"), status_note=pd.Series(dtype="object"))
    status = coverage.status_of_rows(con, df, measure.requires, measure.window)
    out = df.merge(status, on=["la_code", "month_end"], how="left", validate="many_to_one")
    pending = measure.fields.get("pending")
    if pending and pending in out:
        # outcomes not known yet at the data's end (e.g. entrants whose IHA is not yet due): the figure is partial
        waiting = out["status"].eq(coverage.OK) & out[pending].fillna(0).gt(0)
        out.loc[waiting, "status"] = coverage.PARTIAL
        out.loc[waiting, "status_note"] = [f"partial: {int(n)} not yet due at the end of the data"
                                           for n in out.loc[waiting, pending]]
    blank = out["status"].eq(coverage.NO_DATA)
    if blank.any():
        figures = [c for c in out.columns if c not in ("la_code", "team", "month_end", "status", "status_note")
                   and pd.api.types.is_numeric_dtype(out[c])]
        for c in figures:
            out[c] = out[c].astype("float64").mask(blank)
    return out


def run(name: str, con: duckdb.DuckDBPyConnection, **params: Any) -> pd.DataFrame:
    """Run measure `name` on `con` with its parameters bound by DuckDB (never formatted into the SQL).

    Series carry `status` (ok / partial / no data) and `status_note` per row, their figures blank where the sources
    do not cover the month; a child list holds no child of an authority whose sources do not cover $as_of's month.
    """
    measure = get(name)
    unknown = set(params) - set(PARAMS)
    if unknown:
        raise TypeError(f"unknown parameter(s) for {name}: {sorted(unknown)}")
    bound = coerce_params(measure, params, con)
    if measure.fields.get("inputs") == "headline series":
        # Composite measure: its SQL reads the headline series and the targets, registered on this connection.
        con.register("headline_values", headline_values(con, **params))
        con.register("targets", targets())
        try:
            return con.execute(measure.sql, bound).df()
        finally:
            con.unregister("headline_values")
            con.unregister("targets")
    df = con.execute(measure.sql, bound).df()
    if measure.shape == "series" and measure.requires:
        return _with_status(measure, df, con, bound)
    if measure.shape in CHILD_SHAPES and measure.requires and not df.empty:
        status = availability(name, con, sorted(df["la_code"].unique()), bound.get("as_of"))
        shown = status.loc[status["status"] != coverage.NO_DATA, "la_code"]
        return df[df["la_code"].isin(shown)].reset_index(drop=True)
    return df
