-- Derived tables for the missing measures (queries/missing_*.sql). Built by etl/warehouse.build_derived after
-- derived.sql and derived_health.sql (name order), whose team_at_month_end() macro it uses.

-- fact_missing_episode: one row per fact_missing row (missing 'M' or away 'A' episode).
-- Columns: la_code, child, missing_type, mis_start, mis_end (null while open), offer_at, rhi_at, hours_to_offer,
-- start_month, start_team, return_month, return_team, child_key (dim_child_key: the quicker key for a measure's joins
-- and windows at national scale).
-- Rules: offer_at = the earlier of rhi_offered_at and rhi_at (an interview that took place with no offer recorded
-- was offered when it took place); hours_to_offer = offer_at - mis_end in hours (1 decimal). start_month =
-- last_day(mis_start), return_month = last_day(mis_end) (null while open); start_team / return_team =
-- team_at_month_end() at those month ends: the child's team then, or at the month end before if they were not
-- looked after then, else 'Unallocated'.
create or replace table fact_missing_episode as
with
episodes as (
    select
        la_code,
        child,
        missing_type,
        mis_start,
        mis_end,
        least(rhi_offered_at, rhi_at) as offer_at,
        rhi_at,
        round(epoch(least(rhi_offered_at, rhi_at) - mis_end) / 3600, 1) as hours_to_offer,
        last_day(mis_start) as start_month,
        last_day(mis_end::date) as return_month
    from fact_missing
),
months as (
    select la_code, child, start_month as month_end
    from episodes
    union
    select la_code, child, return_month
    from episodes
    where return_month is not null
),
teams as (
    select * from team_at_month_end('months')
)
select e.*, s.team as start_team, r.team as return_team, k.child_key
from episodes as e
left join teams as s on s.la_code = e.la_code and s.child = e.child and s.month_end = e.start_month
left join teams as r on r.la_code = e.la_code and r.child = e.child and r.month_end = e.return_month
left join dim_child_key as k on k.la_code = e.la_code and k.child = e.child;
