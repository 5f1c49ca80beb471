-- fact_child_month_workers: one row per child looked after at a month end (fact_child_month) with `workers`, the
-- number of different social workers allocated to the child at any time in the 12 months to that month end (window:
-- month end - 1 year + 1 day to the month end; an allocation's end date is the worker's last day; allocations count
-- whether or not the child was looked after at the time). Columns: la_code, child_key, month_end, team (the child's
-- team at the month end), workers. The one definition behind sw_changes and sw_count_distribution, worked out once at
-- load (it is the slow part of both at national scale).
-- A worker counts once in a window, at their earliest allocation that reaches it (earlier_dec: the latest end of the
-- child's earlier allocations to the same worker), which avoids a count(distinct) over the fan-out.
create or replace table fact_child_month_workers as
with
child_month as (
    select la_code, child_key, month_end, team, (month_end - interval 1 year)::date + 1 as window_start
    from fact_child_month
),
allocations as (
    select
        child_key, sw_id, sw_decom, coalesce(sw_dec, date '9999-12-31') as sw_dec,
        max(coalesce(sw_dec, date '9999-12-31')) over (
            partition by child_key, sw_id order by sw_decom rows between unbounded preceding and 1 preceding
        ) as earlier_dec
    from fact_allocation_keyed
)
select
    any_value(cm.la_code) as la_code,
    cm.child_key,
    cm.month_end,
    any_value(cm.team) as team,
    count(a.sw_id) filter (where a.earlier_dec is null or a.earlier_dec < cm.window_start) as workers
from child_month as cm
left join allocations as a
    on a.child_key = cm.child_key and a.sw_decom <= cm.month_end and a.sw_dec >= cm.window_start
group by cm.child_key, cm.month_end;

-- sw_workers_in_year(la_codes, from_month, to_month): fact_child_month_workers for these authorities (null = all)
-- and the month ends from last_day(from_month) to last_day(to_month).
create or replace macro sw_workers_in_year(la_codes, from_month, to_month) as table
select la_code, child_key, month_end, team, workers
from fact_child_month_workers
where (la_codes is null or list_contains(la_codes, la_code))
  and month_end between last_day(from_month::date) and last_day(to_month::date);
