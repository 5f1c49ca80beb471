-- title: Case supervision in time
-- theme: plans
-- question: Was every looked-after child's case discussed in supervision within the interval the authority sets
--   (every N weeks: the supervision_weeks setting, 6 by default)?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is the
--   team of their allocated worker at the month end, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children looked after at the month end whose latest case supervision in their current period of care
--   was no more than N weeks before the month end (or who came into care no more than N weeks before it)
-- denominator: children looked after at the month end (fact_child_month)
-- rule: No regulation sets how often a child's case is supervised: N is the authority's policy (setting
--   supervision_weeks, PRACTICE_LENS_SUPERVISION_WEEKS; $supervision_weeks). The next supervision is due N x 7 days
--   after the last one in the current period of care, or after the period's start while there has been none
--   (supervision_on(), etl/derived_plans.sql); a child is in time at the month end while month end <= that day: a
--   supervision exactly N weeks before the month end is in time, N weeks and a day is late. Supervisions before
--   the current period of care do not count.
-- source: fact_child_month, fact_supervision (supervision_on(), etl/derived_plans.sql), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month, $supervision_weeks
-- requires: episodes, supervisions
-- window: 2 months
-- extra_columns: never_supervised (children with no supervision yet in their period of care, in time or not)

with

child_months as (
    select la_code, child, child_key, month_end, month_end as at_date, period_start, team
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

judged as (
    select * from supervision_on('child_months', $supervision_weeks)
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where at_date <= supervision_due) as numerator,
        count(*) as denominator,
        count(*) filter (where last_supervision is null) as never_supervised
    from judged
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
