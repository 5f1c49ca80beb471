-- title: Overdue actions in children's plans
-- theme: plans
-- question: Which actions in looked-after children's plans are overdue on a date, by how long, and is the worker who
--   owns each still the child's social worker?
-- shape: list
-- grain: one row per overdue action (a child can appear more than once), as at $as_of
-- keys: la_code, child, action_id
-- numerator: n/a
-- denominator: n/a
-- rule: As plans_actions_overdue: an action is overdue on $as_of when DUE_DATE < $as_of and it has no COMPLETED_DATE
--   or one after $as_of; days_overdue = $as_of - DUE_DATE. Only children looked after on $as_of (looked_after_at()),
--   with their team and allocated social worker that day, and actions raised in their current period of care, so at
--   a month end the list is exactly the series' numerator. owner_is_social_worker is false when the action's owner is not the child's allocated worker on
--   $as_of (the owner moved on: the drift the letter describes after a change of worker); null when no owner is
--   recorded.
-- source: fact_plan_action, looked_after_at()
-- polarity: lower is better
-- unit: actions
-- params: $la_codes, $team, $as_of
-- requires: episodes, plan_actions
-- window: 3 months
-- order: the most days overdue first, then child, then action
-- beside_child: days_overdue
-- columns: child, la_code, team, social_worker, action_id, plan_type, raised_date, due_date, days_overdue,
--   owner_sw_id, owner_is_social_worker

with

on_as_of as (
    select la_code, child, team, sw_id, period_start
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes is null or list_contains($la_codes, la_code))
),

actions as (
    select la_code, child, action_id, plan_type, raised_date, due_date, owner_sw_id
    from fact_plan_action
    where ($la_codes is null or list_contains($la_codes, la_code))
      and due_date < $as_of::date
      and coalesce(completed_date, date '9999-12-31') > $as_of::date
),

final as (
    select
        o.child,
        o.la_code,
        o.team,
        o.sw_id as social_worker,
        a.action_id,
        a.plan_type,
        a.raised_date,
        a.due_date,
        $as_of::date - a.due_date as days_overdue,
        a.owner_sw_id,
        case when a.owner_sw_id is not null then a.owner_sw_id = coalesce(o.sw_id, '') end as owner_is_social_worker
    from actions as a
    join on_as_of as o using (la_code, child)
    where a.raised_date >= o.period_start
      and ($team is null or o.team = $team)
)

select * from final
order by days_overdue desc, la_code, child, action_id
