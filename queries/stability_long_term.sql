-- title: Long-term placement stability
-- theme: reviews
-- question: Of the under-16s looked after for 2.5 years or more, what share had been in the same placement for 2 years or more?
-- shape: series
-- grain: one row per authority, team and month end; team = 'All teams' for the authority
-- keys: la_code, team, month_end
-- numerator: children in the cohort in the same placement for 2 years or more at the month end (or placed for
--   adoption, with the adoption placement and the one before it together lasting 2 years or more)
-- denominator: children looked after at the month end, aged under 16, looked after continuously for 2.5 years or
--   more (excluding an agreed series of short breaks, legal status V3/V4)
-- rule: DfE long-term placement stability measure (children looked after continuously for at least 2.5 years on
--   31 March aged under 16, living in the same placement for at least 2 years, or placed for adoption and their
--   adoption placement together with their previous placement lasting at least 2 years; published in
--   la_cla_placement_stability.csv), here at every month end. Continuously looked after for 2.5 years: the period
--   of care began on or before month end - 30 months; same placement for 2 years: the current placement began on or
--   before month end - 2 years (month arithmetic; exactly 2 years counts). Simplification: "placed for adoption" =
--   the current placement's type is A3-A6, and the previous placement must be in the same period of care (it is
--   contiguous with the adoption placement by construction of fact_placement). Age in whole years at the month end
--   (no date of birth: not in the cohort). Team = the child's team at the month end (fact_child_month).
-- source: fact_child_month, fact_placement, authority_coverage, dim_child
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes
-- window: 1 month
-- benchmark: stability_long_term
with

cutoffs as (
    -- per month end: in care since on or before care_cutoff (2.5 years), in placement since place_cutoff (2 years)
    select
        last_day(m::date) as month_end,
        (last_day(m::date) - interval 30 month)::date as care_cutoff,
        (last_day(m::date) - interval 2 year)::date as place_cutoff
    from range(date_trunc('month', $from_month::date)::timestamp, last_day($to_month::date)::timestamp,
               interval 1 month) as r(m)
),

cohort as (
    select m.la_code, m.child_key, m.team, m.month_end, m.placement_start, m.placement_no, m.place, k.place_cutoff
    from fact_child_month as m
    join cutoffs as k on k.month_end = m.month_end and m.period_start <= k.care_cutoff
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], m.la_code))
      and coalesce(m.ls, '') not in ('V3', 'V4')
      and m.age_years < 16
),

before_adoption as (
    -- the placement just before an adoption placement (A3-A6) in the same period of care
    select a.child_key, a.placement_no, p.placement_start as previous_start
    from fact_placement as a
    join fact_placement as p
        on p.child_key = a.child_key and p.period_start = a.period_start
       and p.placement_no = a.placement_no - 1
    where a.place in ('A3', 'A4', 'A5', 'A6')
      and ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], a.la_code))
),

assessed as (
    select
        c.la_code, c.team, c.month_end,
        (
            c.placement_start <= c.place_cutoff
            or (c.place in ('A3', 'A4', 'A5', 'A6') and coalesce(b.previous_start <= c.place_cutoff, false))
        )::integer as stable
    from cohort as c
    left join before_adoption as b using (child_key, placement_no)
),

team_counts as materialized (
    select la_code, team, month_end, sum(stable)::integer as numerator, count(*)::integer as denominator
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
