-- Derived tables and macros for the plans, supervision and legal measures (queries/plans_*.sql, supervision_*.sql,
-- legal_*.sql). Built by etl/warehouse.build_derived after derived.sql, derived_health.sql and derived_missing.sql
-- (name order): it uses fact_placement, fact_allocation_keyed and fact_worker_spell_keyed.

-- fact_sw_change: one row per change of social worker of a child looked after, the rule of visits_after_change: an
-- allocation (SW_DECOM) that begins on a day the child is looked after (inside a period of care: from its start, to
-- before its end), to a worker other than the one of the child's previous allocation, where that previous allocation
-- was still open or ended on or after the start of the current period of care (the first allocation of a period of
-- care is not a change). Columns: la_code, child, child_key, change_date, period_start, period_end (null while open),
-- sw_id (the new worker), team = the new worker's team on the change date (their latest spell begun on or before it
-- and not ended before it, else their latest team, else 'Unallocated').
create or replace table fact_sw_change as
with
periods as (
    select
        la_code, child, child_key, period_no,
        min(placement_start) as period_start,
        case when bool_or(placement_end is null) then null else max(placement_end) end as period_end
    from fact_placement
    group by la_code, child, child_key, period_no
),
allocations as (
    select
        child_key, sw_id, worker_key, sw_decom,
        lag(sw_id) over w as prev_sw_id,
        lag(sw_dec) over w as prev_sw_dec
    from fact_allocation_keyed
    window w as (partition by child_key order by sw_decom, sw_id)
),
changes as (
    select p.la_code, p.child, a.child_key, a.sw_decom as change_date, p.period_start, p.period_end, a.sw_id,
           a.worker_key
    from allocations as a
    join periods as p
        on p.child_key = a.child_key
       and p.period_start <= a.sw_decom and (p.period_end is null or p.period_end > a.sw_decom)
    where a.prev_sw_id is not null
      and a.prev_sw_id <> a.sw_id
      and (a.prev_sw_dec is null or a.prev_sw_dec >= p.period_start)
),
spell_team as (
    select c.*, case when coalesce(s.end_date, date '9999-12-31') >= c.change_date then s.team end as spell_team
    from changes as c
    asof left join fact_worker_spell_keyed as s
        on s.worker_key = c.worker_key and s.start_date <= c.change_date
)
select
    t.la_code, t.child, t.child_key, t.change_date, t.period_start, t.period_end, t.sw_id,
    coalesce(t.spell_team, w.team, 'Unallocated') as team
from spell_team as t
left join dim_worker_key as w on w.worker_key = t.worker_key;

-- fact_supervision_keyed: fact_supervision's (la_code, child_key, supervision_date), sorted by child and date, for the
-- ASOF join of supervision_on().
create or replace table fact_supervision_keyed as
select s.la_code, k.child_key, s.supervision_date
from fact_supervision as s
join dim_child_key as k using (la_code, child)
order by k.child_key, s.supervision_date;

-- supervision_on(rows, weeks): each row of the table or CTE named `rows` (columns la_code, child, child_key, at_date,
-- period_start: a child looked after on at_date, as fact_child_month or looked_after_at() give them) with
-- last_supervision = the child's latest case supervision on or before at_date in the current period of care (on or
-- after period_start; null if none yet) and supervision_due = the last day the next one is in time: weeks * 7 days
-- after the last one, or after the period's start while there has been none ("every N weeks": a supervision exactly
-- N weeks after the last is in time, one day later is late). The one definition behind supervision_in_time and
-- supervision_overdue_list.
create or replace macro supervision_on(rows, weeks) as table
with latest as (
    select
        r.*,
        case when s.supervision_date >= r.period_start then s.supervision_date end as last_supervision
    from query_table(rows) as r
    asof left join fact_supervision_keyed as s
        on s.child_key = r.child_key and s.supervision_date <= r.at_date
)
select *, (coalesce(last_supervision, period_start) + 7 * weeks)::date as supervision_due
from latest;

-- fact_return_home: one row per period of care that ended with the child going home to their family (the episode
-- that ended it ceased with REC E4A, E4B or E13: etl/contract.py RETURN_HOME_REC), short breaks (legal status V3,
-- V4) left out. A period has ended when its episode has a DEC and no later episode starts on or before that day.
-- Columns: la_code, child, child_key, ceased_date (the DEC), rec, return_month (last_day(ceased_date)), team (the
-- child's team at the end of that month, or the month before if they were not looked after then, else
-- 'Unallocated'), sw_id (the social worker allocated on their last day looked after, ceased_date - 1), and the plan:
-- plan_agreed_date and agencies from return_home_plans matched on CHILD and CEASED_DATE (null if none),
-- plan_in_time = a plan agreed on or before ceased_date.
create or replace table fact_return_home as
with
episodes as (
    select la_code, child, child_key, decom, dec_recorded, rec, ls, lead(decom) over w as next_decom
    from fact_care_episode
    window w as (partition by child_key order by decom)
),
returns as (
    select la_code, child, child_key, dec_recorded as ceased_date, rec, last_day(dec_recorded) as month_end,
           (dec_recorded - 1)::date as at_date
    from episodes
    where dec_recorded is not null
      and (next_decom is null or next_decom > dec_recorded)
      and rec in ('E4A', 'E4B', 'E13')
      and (ls is null or ls not in ('V3', 'V4'))
),
teams as (
    select * from team_at_month_end('returns')
),
workers as (
    select t.*, case when coalesce(a.sw_dec, date '9999-12-31') >= t.at_date then a.sw_id end as sw_id
    from teams as t
    asof left join fact_allocation_keyed as a
        on a.child_key = t.child_key and a.sw_decom <= t.at_date
)
select
    w.la_code, w.child, w.child_key, w.ceased_date, w.rec, w.month_end as return_month, w.team, w.sw_id,
    p.plan_agreed_date, p.agencies, coalesce(p.plan_agreed_date <= w.ceased_date, false) as plan_in_time
from workers as w
left join fact_return_home_plan as p
    on p.la_code = w.la_code and p.child = w.child and p.ceased_date = w.ceased_date;
