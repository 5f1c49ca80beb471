"""An Annex A workbook (annex_a.xlsx, List 8) for a generated authority: the children in care on the snapshot date with
the dates its own event data give, plus a few deliberate disagreements, so the Data quality page's reconciliation has
something to find in the demo (`python -m etl generate --annex-a`).

The list is worked out by loading the generated source into a temporary warehouse and reading it back, so it agrees
with the event data by the same rules the dashboard uses, except where it is made to disagree (DISAGREEMENTS).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from etl.contract import ANNEX_A_FILE, ANNEX_A_LIST_8

# The List 8 header row as Ofsted's template has it (docs/data-formats.md, 'Annex A'); Practice Lens reads some.
TEMPLATE = (
    "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "Does the Child have a Disability",
    "Date Started to be Looked After", "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
    "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review",
    "Date of Last Social Work Visit", "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment", "Date of Last Dental Check",
    "Number of Placements in the Last 12 months", "Date Ceased to be Looked After", "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement", "Placement Type", "Placement Provider", "Placement postcode",
    "URN of Placement", "Placement Location", "LA of Placement",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    "Allocated Team", "Allocated Worker",
)
# What the sample's workbook gets wrong on purpose (the Data quality page should find each):
DISAGREEMENTS = {
    "left_off": "a child in care in the event data is not on the list",
    "still_listed": "a child who had left care is listed as in care",
    "visit": "a child's last visit is 14 days earlier than the visits extract's",
    "review": "a child's last review is left blank",
    "health": "a child's last health assessment is a year earlier than the extract's",
}

LIST_SQL = """
with
periods as (
    select la_code, child, period_no, min(placement_start) as cla_start,
           case when bool_or(placement_end is null) then null else max(placement_end) end as cla_end
    from fact_placement
    group by all
),
listed as (
    -- in care on the date, or left care in the 6 months before it (the list's period)
    select p.*, coalesce(p.cla_end > $d::date, true) as in_care
    from periods as p
    where p.cla_start <= $d::date and (p.cla_end is null or p.cla_end > ($d::date - interval 6 month)::date)
    qualify row_number() over (partition by la_code, child order by cla_start desc) = 1
),
on_date as (
    select * from looked_after_at([$d::date])
),
placement_counts as (
    select la_code, child, count(*) as placements_12m
    from fact_placement
    where placement_start <= $d::date and not short_break
      and coalesce(placement_end, date '9999-12-31') > ($d::date + 1 - interval 12 month)::date
    group by all
),
missing as (
    select la_code, child,
           count(*) filter (where missing_type = 'M') as missing_12m,
           count(*) filter (where missing_type = 'A') as absent_12m
    from fact_missing
    where mis_start between ($d::date + 1 - interval 12 month)::date and $d::date
    group by all
),
last_missing as (
    select la_code, child, rhi_offered_at is not null or rhi_at is not null as offered, rhi_accepted
    from fact_missing
    where missing_type = 'M' and mis_start <= $d::date
    qualify row_number() over (partition by la_code, child order by mis_start desc) = 1
),
events as (
    select l.la_code, l.child,
        (select max(visit_date) from fact_visit as v where v.la_code = l.la_code and v.child = l.child
            and v.visit_date <= $d::date) as last_visit,
        (select max(review_date) from fact_review as r where r.la_code = l.la_code and r.child = l.child
            and r.review_date <= $d::date) as last_review,
        (select max(assessment_date) from fact_health_assessment as h where h.la_code = l.la_code
            and h.child = l.child and h.assessment_type <> 'DENTAL' and h.assessment_date <= $d::date) as last_health,
        (select max(assessment_date) from fact_health_assessment as h where h.la_code = l.la_code
            and h.child = l.child and h.assessment_type = 'DENTAL' and h.assessment_date <= $d::date) as last_dental
    from listed as l
)
select
    l.child, c.sex, c.ethnic, c.dob, l.cla_start, l.cla_end, l.in_care,
    o.ls, o.placement_start, o.place, case when o.team = 'Unallocated' then null else o.team end as team, o.sw_id,
    e.last_visit, e.last_review, e.last_health, e.last_dental,
    coalesce(pc.placements_12m, 0) as placements_12m,
    coalesce(m.missing_12m, 0) as missing_12m, coalesce(m.absent_12m, 0) as absent_12m,
    case when coalesce(m.missing_12m, 0) = 0 then null when lm.offered then 'a) Yes' else 'b) No' end as rhi_offered,
    case when coalesce(m.missing_12m, 0) = 0 or not lm.offered then null
         when lm.rhi_accepted then 'a) Yes' else 'b) No' end as rhi_accepted
from listed as l
join dim_child as c using (la_code, child)
left join on_date as o using (la_code, child)
left join events as e using (la_code, child)
left join placement_counts as pc using (la_code, child)
left join missing as m using (la_code, child)
left join last_missing as lm using (la_code, child)
order by l.child
"""

# a child who left care before the list's period, to list as still in care
LEFT_SQL = """
select p.child, c.sex, c.ethnic, c.dob, min(p.placement_start) as cla_start
from fact_placement as p
join dim_child as c using (la_code, child)
group by all
having bool_and(p.placement_end is not null) and max(p.placement_end) < ($d::date - interval 1 year)::date
order by p.child
limit 1
"""


def annex_rows(db: Path, snapshot: dt.date) -> tuple[pd.DataFrame, dict[str, str]]:
    """The List 8 rows for `snapshot` from a loaded warehouse, with the deliberate disagreements made; and which
    child each disagreement is (DISAGREEMENTS' keys -> child)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(LIST_SQL, {"d": snapshot}).df()
        left = con.execute(LEFT_SQL, {"d": snapshot}).df()
    finally:
        con.close()
    made: dict[str, str] = {}
    in_care = rows[rows["in_care"]]
    if len(in_care) < 8:
        return rows, made
    gone = in_care["child"].iloc[0]
    rows = rows[rows["child"] != gone].reset_index(drop=True)
    made["left_off"] = gone
    for key, column, change in (("visit", "last_visit", pd.DateOffset(days=-14)),
                                ("review", "last_review", None),
                                ("health", "last_health", pd.DateOffset(years=-1))):
        taken = set(made.values())
        pick = rows[rows["in_care"] & rows[column].notna() & ~rows["child"].isin(taken)]["child"].iloc[0]
        at = rows.index[rows["child"] == pick][0]
        rows.loc[at, column] = pd.NaT if change is None else pd.Timestamp(rows.loc[at, column]) + change
        made[key] = pick
    if len(left):
        extra = left.iloc[0].to_dict() | {"in_care": True, "placements_12m": 1, "missing_12m": 0, "absent_12m": 0}
        rows = pd.concat([rows, pd.DataFrame([extra])], ignore_index=True)
        made["still_listed"] = extra["child"]
    return rows, made


def _day(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def write_workbook(path: Path, rows: pd.DataFrame, snapshot: dt.date) -> None:
    """annex_a.xlsx with a List 8 sheet laid out as the template: a title, the 'Data as at' cell, the header row."""
    by_header = {c.published: c.name for c in ANNEX_A_LIST_8.columns}
    wb = Workbook()
    ws = wb.active
    ws.title = ANNEX_A_LIST_8.sheet
    ws["A1"] = "Annex A List 8: children in care (synthetic data, no real child)"
    ws["A1"].font = Font(bold=True)
    ws["A2"] = "Data as at"
    ws["B2"] = snapshot
    ws["B2"].number_format = "DD/MM/YYYY"
    ws.append([])
    ws.append(list(TEMPLATE))
    for r in rows.to_dict("records"):
        values = {
            "child": r["child"], "dob": _day(r["dob"]), "cla_start": _day(r["cla_start"]),
            "cla_end": _day(r.get("cla_end")), "legal_status": r.get("ls"),
            "last_review": _day(r.get("last_review")), "last_visit": _day(r.get("last_visit")),
            "last_health": _day(r.get("last_health")), "last_dental": _day(r.get("last_dental")),
            "placements_12m": r.get("placements_12m"), "placement_start": _day(r.get("placement_start")),
            "place": r.get("place"), "missing_12m": r.get("missing_12m"), "absent_12m": r.get("absent_12m"),
            "rhi_offered": r.get("rhi_offered"), "rhi_accepted": r.get("rhi_accepted"), "team": r.get("team"),
            "social_worker": r.get("sw_id"),
        }
        dob = _day(r["dob"])
        extra = {"Gender": {"1": "a) Male", "2": "b) Female"}.get(str(r.get("sex")), "c) Not stated/recorded"),
                 "Ethnicity": r.get("ethnic"),
                 "Age of Child (Years)": None if dob is None else (snapshot - dob).days // 365}
        line = []
        for head in TEMPLATE:
            name = by_header.get(head)
            value = values.get(name) if name else extra.get(head)
            line.append(None if value is None or (not isinstance(value, str) and pd.isna(value)) else
                        (int(value) if isinstance(value, float) else value))
        ws.append(line)
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    wb.save(path)


def write_annex_a(source: Path, snapshot: dt.date | None = None) -> dict[str, str]:
    """Write `source`/annex_a.xlsx as at `snapshot` (default: the last day the source's data cover); returns the
    deliberate disagreements (DISAGREEMENTS' keys -> child)."""
    from etl.load import load

    source = Path(source)
    (source / ANNEX_A_FILE).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "annex.duckdb"
        load([source], db)
        if snapshot is None:
            con = duckdb.connect(str(db), read_only=True)
            try:
                snapshot = con.execute("select max(month_end) from source_coverage").fetchone()[0]
            finally:
                con.close()
        rows, made = annex_rows(db, snapshot)
    write_workbook(source / ANNEX_A_FILE, rows, snapshot)
    return made
