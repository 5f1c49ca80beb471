-- Derived tables for the workforce measures (queries/workforce_*.sql). Built by etl/warehouse.build_derived after
-- derived.sql and the other derived_*.sql files before it in name order; uses fact_worker_spell, fact_child_month.

-- fact_worker_spell_clean: one row per fact_worker_spell row, cleaned once.
-- Columns: la_code, sw_id, team ('Unknown team' when missing), org_role, fte, agency_worker (missing = false, i.e.
-- permanent), start_date, end_date (the last day in post; date '9999-12-31' while open).
-- Rule: a worker's spells must not overlap (a data error): one running past the start of the worker's next spell is
-- cut short the day before it. In post on day d: start_date <= d and end_date >= d.
create or replace table fact_worker_spell_clean as
select
    la_code,
    sw_id,
    coalesce(team, 'Unknown team') as team,
    org_role,
    fte,
    coalesce(agency_worker, false) as agency_worker,
    start_date,
    least(coalesce(end_date, date '9999-12-31'), lead(start_date) over w - 1) as end_date
from fact_worker_spell
window w as (partition by la_code, sw_id order by start_date);

-- fact_workforce_month: social workers in post per authority, team and month end (fact_worker_spell_clean).
-- Grain: one 'All teams' row per authority and month end from the month of its first spell to its data's end (the
-- latest of its own fact_child_month.month_end, the months its files cover (source_coverage) and its spells' start
-- and end months: one authority's data never
-- lengthens another's, so loading one authority leaves the others' rows as they were), plus one row per team and
-- month end from the team's first spell month to its last spell's end month within that span (zeros when no one is
-- in post).
-- Columns: la_code, team, month_end, fte, headcount, permanent_fte, permanent_headcount, agency_fte,
-- agency_headcount, case_fte (null when no case holder is in post), case_headcount (case holders: org_role 4 or 5).
-- FTE sums are unrounded; the 'All teams' figures are the sums of the team rows.
create or replace table fact_workforce_month as
with
data_end as (
    select la_code, max(d) as last_month from (
        select la_code, max(month_end) as d from fact_child_month group by la_code
        union all select la_code, max(month_end) from source_coverage group by la_code
        union all select la_code, last_day(max(start_date)) from fact_worker_spell group by la_code
        union all select la_code, last_day(max(end_date)) from fact_worker_spell group by la_code
    )
    group by la_code
),
la_months as (
    select la_code, last_day(unnest(range(m0::timestamp, m1::timestamp + interval 1 day, interval 1 month))::date)
        as month_end
    from (
        select s.la_code, date_trunc('month', min(s.start_date)) as m0, e.last_month as m1
        from fact_worker_spell_clean as s
        join data_end as e using (la_code)
        group by s.la_code, e.last_month
    )
),
team_spans as (
    select la_code, team, last_day(min(start_date)) as first_month, last_day(max(end_date)) as last_month
    from fact_worker_spell_clean
    group by la_code, team
),
grid as (
    select la_code, 'All teams' as team, month_end from la_months
    union all
    select t.la_code, t.team, m.month_end
    from team_spans as t
    join la_months as m on m.la_code = t.la_code and m.month_end between t.first_month and t.last_month
),
in_post as (
    select m.la_code, s.team, m.month_end, s.fte, s.agency_worker, s.org_role in (4, 5) as case_holder
    from la_months as m
    join fact_worker_spell_clean as s
        on s.la_code = m.la_code and s.start_date <= m.month_end and s.end_date >= m.month_end
),
by_team as (
    select
        la_code, team, month_end,
        sum(fte) as fte,
        count(*) as headcount,
        coalesce(sum(fte) filter (where not agency_worker), 0) as permanent_fte,
        count(*) filter (where not agency_worker) as permanent_headcount,
        coalesce(sum(fte) filter (where agency_worker), 0) as agency_fte,
        count(*) filter (where agency_worker) as agency_headcount,
        sum(fte) filter (where case_holder) as case_fte,
        count(*) filter (where case_holder) as case_headcount
    from in_post
    group by la_code, team, month_end
),
totals as (
    select * from by_team
    union all
    select
        la_code, 'All teams' as team, month_end, sum(fte), sum(headcount), sum(permanent_fte),
        sum(permanent_headcount), sum(agency_fte), sum(agency_headcount), sum(case_fte), sum(case_headcount)
    from by_team
    group by la_code, month_end
)
select
    g.la_code,
    g.team,
    g.month_end,
    coalesce(t.fte, 0) as fte,
    coalesce(t.headcount, 0) as headcount,
    coalesce(t.permanent_fte, 0) as permanent_fte,
    coalesce(t.permanent_headcount, 0) as permanent_headcount,
    coalesce(t.agency_fte, 0) as agency_fte,
    coalesce(t.agency_headcount, 0) as agency_headcount,
    t.case_fte,
    coalesce(t.case_headcount, 0) as case_headcount
from grid as g
left join totals as t using (la_code, team, month_end);
