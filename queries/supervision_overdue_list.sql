-- title: Children whose case supervision is overdue
-- theme: plans
-- question: Which looked-after children's cases have not been discussed in supervision within N weeks (the
--   supervision_weeks setting) on a date, and for how long?
-- shape: list
-- grain: one row per child looked after on $as_of whose case supervision is overdue
-- keys: la_code, child
-- numerator: n/a
-- denominator: n/a
-- rule: As supervision_in_time (supervision_on(), etl/derived_plans.sql): the next supervision is due N x 7 days
--   after the last one in the current period of care, or after the period's start while there has been none; the
--   child is listed when $as_of is after that day. Team and social worker: looked_after_at() on $as_of, so at a month
--   end the list is exactly the series' denominator - numerator.
-- source: looked_after_at(), dim_child_key, fact_supervision (supervision_on())
-- polarity: lower is better
-- unit: children
-- params: $la_codes, $team, $as_of, $supervision_weeks
-- requires: episodes, supervisions
-- window: 2 months
-- order: the most days overdue first, then child
-- beside_child: days_overdue
-- columns: child, la_code, team, social_worker, period_start, last_supervision (null: none in this period of care),
--   supervision_due, days_overdue ($as_of - supervision_due)

with

on_as_of as (
    select l.la_code, l.child, k.child_key, l.team, l.sw_id, l.at_date, l.period_start
    from looked_after_at([$as_of::date], la_codes := $la_codes) as l
    join dim_child_key as k using (la_code, child)
    where ($la_codes is null or list_contains($la_codes, l.la_code))
      and ($team is null or l.team = $team)
),

judged as (
    select * from supervision_on('on_as_of', $supervision_weeks)
),

final as (
    select
        child,
        la_code,
        team,
        sw_id as social_worker,
        period_start,
        last_supervision,
        supervision_due,
        at_date - supervision_due as days_overdue
    from judged
    where at_date > supervision_due
)

select * from final
order by days_overdue desc, la_code, child
