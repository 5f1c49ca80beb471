-- title: Children who went home with no agreed plan
-- theme: plans
-- question: Which children left care to go home to their family in the 12 months to a date with no multi-agency plan
--   agreed by the day they went home?
-- shape: list
-- grain: one row per return home (a child can appear more than once), as at $as_of
-- keys: la_code, child, ceased_date
-- numerator: n/a
-- denominator: n/a
-- rule: As return_home_plan (fact_return_home, etl/derived_plans.sql): periods of care that ended with REC E4A, E4B
--   or E13 in the 12 months to $as_of ($as_of - 1 year + 1 day to $as_of) with no return home plan agreed on or
--   before the day they went home. Team = the child's team at the end of the month they went home (or the month end
--   before), as the series; social_worker = the worker allocated on their last day looked after.
-- source: fact_return_home (etl/derived_plans.sql)
-- polarity: lower is better
-- unit: children
-- params: $la_codes, $team, $as_of
-- requires: episodes, return_home_plans
-- window: 12 months
-- scope: went home in the 12 months to $as_of
-- order: the most recent return first, then child
-- beside_child: ceased_date
-- columns: child, la_code, team, social_worker, ceased_date, rec (E4A, E4B, E13), plan_agreed_date (a plan agreed
--   after they went home, on or before $as_of; null if none), agencies, days_since_return ($as_of - ceased_date)

with

returns as (
    select *
    from fact_return_home
    where ($la_codes is null or list_contains($la_codes, la_code))
      and ceased_date between ($as_of::date - interval 1 year)::date + 1 and $as_of::date
      and not plan_in_time
),

final as (
    select
        child,
        la_code,
        team,
        sw_id as social_worker,
        ceased_date,
        rec,
        case when plan_agreed_date <= $as_of::date then plan_agreed_date end as plan_agreed_date,
        case when plan_agreed_date <= $as_of::date then agencies end as agencies,
        $as_of::date - ceased_date as days_since_return
    from returns
    where ($team is null or team = $team)
)

select * from final
order by ceased_date desc, la_code, child
