-- title: Children with 3 or more placements in 12 months
-- theme: reviews
-- question: Of the children looked after at each month end, what share had 3 or more placements in the 12 months to it?
-- shape: series
-- grain: one row per authority, team and month end; team = 'All teams' for the authority
-- keys: la_code, team, month_end
-- numerator: children looked after at the month end with 3 or more placements during the 12 months to the month end
-- denominator: children looked after at the month end (excluding an agreed series of short breaks, legal status V3/V4)
-- rule: DfE placement stability measure (children looked after at 31 March with three or more placements during the
--   year; published in la_cla_placement_stability.csv), here at every month end with a rolling 12 months. A
--   placement (fact_placement: consecutive episodes grouped unless RNE S, P, T, U or B or a gap starts a new one)
--   counts when the child was in it during the window (month end + 1 day - 12 months) to the month end: it started
--   on or before the month end and had not ended on or before the window's first day (placement_end > window start,
--   as in "looked after on d"); placements in an earlier period of care within the window count too. Exactly 3
--   counts. Children on a short break (legal status V3/V4) at the month end are excluded, as in the DfE's tables,
--   and a placement made only of short-break episodes (fact_placement.short_break) is not counted as a placement:
--   a series of short breaks is not a change of home. Team = the child's team at the month end (fact_child_month).
-- source: fact_child_month, fact_placement, authority_coverage
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes
-- window: 12 months
-- headline: yes
-- short: Children with 3+ placements
-- benchmark: placements_3plus
with

cohort as (
    select la_code, child_key, team, month_end, placement_no
    from fact_child_month
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and coalesce(ls, '') not in ('V3', 'V4')
),

placements as (
    -- placements do not overlap, so a child in placement k at d had 3 or more in the window exactly when
    -- placement k-2 ended after the window's first day (then k-1 and k did too)
    select child_key, placement_no, lag(placement_end, 2) over w as end_two_before
    from fact_placement
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and not short_break
    window w as (partition by child_key order by placement_no)
),

assessed as (
    select
        c.la_code, c.team, c.month_end,
        coalesce(p.end_two_before > (c.month_end + interval 1 day - interval 12 month)::date, false) as three_plus
    from cohort as c
    join placements as p using (child_key, placement_no)
),

team_counts as materialized (
    select
        la_code, team, month_end,
        count(*) filter (where three_plus)::integer as numerator,
        count(*)::integer as denominator
    from assessed
    group by la_code, team, month_end
),

final as (
    -- percent_series (etl/derived_health.sql): 'All teams' rows = sums of the team rows, for every month end in
    -- authority_coverage; value = round(100 * numerator / denominator, 1), null when the denominator is 0
    select
        la_code, team, month_end, numerator::integer as numerator, denominator::integer as denominator, value
    from percent_series('team_counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
