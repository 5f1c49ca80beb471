-- Derived tables for Ofsted's Annex A List 8 (children in care, loaded from annex_a.xlsx by etl/load_annex_a.py):
-- the children in care on the snapshot date, for the snapshot measures (queries/*_annex_a.sql), and their
-- reconciliation with the event data (queries/dq_annex_a_*.sql). Built after derived.sql (fact_care_episode,
-- worker_and_team_on(), dim_calendar); an authority without an Annex A workbook has no rows here.

-- fact_annex_a_child: one row per Annex A List 8 child in care on the list's snapshot date ("looked after on d": Date
-- Started to be Looked After on or before d, Date Ceased blank or after d; the loader keeps one such row per child).
-- Columns: la_code, child, snapshot_date, month_end (its month's end: where the snapshot's figure is shown), team (the
-- list's Allocated Team, 'Unallocated' when blank), social_worker, dob, cla_start, placement_start (Start Date of
-- Most Recent Placement, the start of care when blank), place, short_break (legal status V3/V4), first_due (the 20th
-- working day after cla_start: dim_calendar, Monday to Friday except England's bank holidays), the list's dates
-- (last_visit, last_review, last_health, last_dental) and counts (placements_12m, missing_12m, absent_12m),
-- rhi_offered, rhi_accepted, sheet_row.
create or replace table fact_annex_a_child as
with
in_care as (
    select *
    from fact_annex_a_cla
    where cla_start <= snapshot_date and (cla_end is null or cla_end > snapshot_date)
),
calendar as (
    select d, is_working_day, working_day_no from dim_calendar
)
select
    i.la_code,
    i.child,
    i.snapshot_date,
    last_day(i.snapshot_date) as month_end,
    coalesce(i.team, 'Unallocated') as team,
    i.social_worker,
    i.dob,
    i.cla_start,
    coalesce(i.placement_start, i.cla_start) as placement_start,
    i.place,
    coalesce(i.legal_status in ('V3', 'V4'), false) as short_break,
    w20.d as first_due,
    i.last_visit,
    i.last_review,
    i.last_health,
    i.last_dental,
    i.placements_12m,
    i.missing_12m,
    i.absent_12m,
    i.rhi_offered,
    i.rhi_accepted,
    i.sheet_row
from in_care as i
left join calendar as c0 on c0.d = i.cla_start
left join calendar as w20 on w20.working_day_no = c0.working_day_no + 20 and w20.is_working_day;

-- annex_a_differs(annex_date, event_date, covered_from): whether Annex A and the event data disagree on a date, where
-- the event source covers the snapshot's month from covered_from (its first month); null (not compared) when it does
-- not cover it. A date before covered_from cannot be in the event data, so either side's date before it counts as
-- none: an Annex A visit in 2012 is no disagreement with event data that begin in 2013.
create or replace macro annex_a_differs(annex_date, event_date, covered_from) as
    case
        when covered_from is null then null
        else (case when annex_date >= covered_from then annex_date end)
             is distinct from (case when event_date >= covered_from then event_date end)
    end;

-- fact_annex_a_reconciliation: one row per child in care on an Annex A snapshot date in either source: on Annex A
-- List 8 (fact_annex_a_child) or looked after in the SSDA903 episodes (fact_care_episode: started on or before the
-- date, not ended on or before it), for snapshots whose month the episodes cover (else there is nothing to
-- reconcile). in_annex_a, in_event; team and social_worker from the event data where the child is in it (the
-- allocated worker and their team on the date, worker_and_team_on()), else from the list; each of last visit,
-- review, health assessment (IHA or RHA) and dental check from both sides (event: the latest on or before the
-- snapshot date in fact_visit, fact_review, fact_health_assessment) and whether they differ (annex_a_differs(), only
-- where the extract or return covers the snapshot's month; null otherwise, and for a child in one source only).
-- finding: 'in Annex A only', 'in the event data only', 'dates differ' or 'agree'.
create or replace table fact_annex_a_reconciliation as
with
snapshots as (
    select distinct a.la_code, a.snapshot_date
    from fact_annex_a_cla as a
    semi join source_coverage as c
        on c.la_code = a.la_code and c.source = 'episodes' and c.month_end = last_day(a.snapshot_date)
),
annex as (
    select c.*
    from fact_annex_a_child as c
    semi join snapshots as s using (la_code, snapshot_date)
),
on_snapshot as (
    select e.la_code, e.child, e.child_key, e.dob, s.snapshot_date as at_date, e.placement_start, e.period_start,
           e.place, e.ls, e.placement_no
    from fact_care_episode as e
    join snapshots as s
        on s.la_code = e.la_code and e.decom <= s.snapshot_date
       and coalesce(e.dec, date '9999-12-31') > s.snapshot_date
),
event as (
    select la_code, child, at_date as snapshot_date, team, sw_id
    from worker_and_team_on('on_snapshot')
),
children as (
    select
        coalesce(a.la_code, v.la_code) as la_code,
        coalesce(a.child, v.child) as child,
        coalesce(a.snapshot_date, v.snapshot_date) as snapshot_date,
        a.child is not null as in_annex_a,
        v.child is not null as in_event,
        coalesce(v.team, a.team) as team,
        case when v.child is not null then v.sw_id else a.social_worker end as social_worker,
        a.last_visit as annex_last_visit,
        a.last_review as annex_last_review,
        a.last_health as annex_last_health,
        a.last_dental as annex_last_dental
    from annex as a
    full join event as v on v.la_code = a.la_code and v.child = a.child and v.snapshot_date = a.snapshot_date
),
visits as (
    select v.la_code, v.child, s.snapshot_date, max(v.visit_date) as last_date
    from fact_visit as v
    join snapshots as s on s.la_code = v.la_code and v.visit_date <= s.snapshot_date
    group by all
),
reviews as (
    select r.la_code, r.child, s.snapshot_date, max(r.review_date) as last_date
    from fact_review as r
    join snapshots as s on s.la_code = r.la_code and r.review_date <= s.snapshot_date
    group by all
),
health as (
    select h.la_code, h.child, s.snapshot_date, max(h.assessment_date) filter (where h.assessment_type <> 'DENTAL')
           as last_health, max(h.assessment_date) filter (where h.assessment_type = 'DENTAL') as last_dental
    from fact_health_assessment as h
    join snapshots as s on s.la_code = h.la_code and h.assessment_date <= s.snapshot_date
    group by all
),
covers as (
    -- where an event source covers the snapshot's month: the first day of the first month it covers
    select s.la_code, s.snapshot_date, c.source, date_trunc('month', min(c.month_end))::date as covered_from
    from snapshots as s
    join source_coverage as c on c.la_code = s.la_code and c.source in ('visits', 'reviews', 'health_assessments')
    group by all
    having bool_or(c.month_end = last_day(s.snapshot_date))
),
dated as (
    select
        c.*,
        v.last_date as event_last_visit,
        r.last_date as event_last_review,
        h.last_health as event_last_health,
        h.last_dental as event_last_dental,
        cv.covered_from as visits_from,
        cr.covered_from as reviews_from,
        ch.covered_from as health_from
    from children as c
    left join visits as v using (la_code, child, snapshot_date)
    left join reviews as r using (la_code, child, snapshot_date)
    left join health as h using (la_code, child, snapshot_date)
    left join covers as cv on cv.la_code = c.la_code and cv.snapshot_date = c.snapshot_date and cv.source = 'visits'
    left join covers as cr on cr.la_code = c.la_code and cr.snapshot_date = c.snapshot_date and cr.source = 'reviews'
    left join covers as ch
        on ch.la_code = c.la_code and ch.snapshot_date = c.snapshot_date and ch.source = 'health_assessments'
),
compared as (
    select
        *,
        case when in_annex_a and in_event then annex_a_differs(annex_last_visit, event_last_visit, visits_from) end
            as visit_differs,
        case when in_annex_a and in_event then annex_a_differs(annex_last_review, event_last_review, reviews_from) end
            as review_differs,
        case when in_annex_a and in_event then annex_a_differs(annex_last_health, event_last_health, health_from) end
            as health_differs,
        case when in_annex_a and in_event then annex_a_differs(annex_last_dental, event_last_dental, health_from) end
            as dental_differs
    from dated
)
select
    la_code,
    child,
    snapshot_date,
    last_day(snapshot_date) as month_end,
    team,
    social_worker,
    in_annex_a,
    in_event,
    case
        when not in_event then 'in Annex A only'
        when not in_annex_a then 'in the event data only'
        when coalesce(visit_differs or review_differs or health_differs or dental_differs, false) then 'dates differ'
        else 'agree'
    end as finding,
    annex_last_visit, event_last_visit, visit_differs,
    annex_last_review, event_last_review, review_differs,
    annex_last_health, event_last_health, health_differs,
    annex_last_dental, event_last_dental, dental_differs
from compared;
