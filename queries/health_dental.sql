-- title: Dental checks in the last 12 months
-- theme: health
-- question: Of the children looked after for 12 months or more at each month end, what share had a dental check in
--   the last 12 months?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is the
--   team of their allocated worker at the month end, from fact_child_month, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children in the denominator whose latest dental check on or before the month end was no more than 12
--   months before it (check + 12 calendar months >= month end)
-- denominator: children looked after at the month end who had been looked after continuously for 12 months or more
--   (period of care start + 12 months - 1 day <= month end; short-break legal status V3/V4 excluded)
-- rule: Statutory guidance 'Promoting the health and wellbeing of looked-after children' (DfE/DH, 2015) and the DfE
--   OC2 outcome 'had their teeth checked by a dentist' for children looked after 12 months or more. Looked after 12
--   months at a date follows the DfE convention: care began on or before the same date a year earlier + 1 day (at 31
--   March: on or before 1 April of the year before). A check is due 12 calendar months after the last one: a check
--   on 30 June 2022 is in time at 30 June 2023 and overdue on 1 July 2023 (so the window is one day wider than the
--   DfE collection year). Any recorded check counts, including one before the period of care.
-- source: fact_child_month_health (etl/derived_health.sql: last_dental), series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, health_assessments
-- window: 12 months
-- benchmark: health_dental

with

cutoffs as (
    -- per month end m: in the cohort when care began on or before looked_after_since (period start + 12 months - 1 day
    -- <= m, i.e. start + 12 months <= the 1st of the next month); checked in time when the latest check is on or
    -- after checked_since (check + 12 months >= m: the same day a year earlier, or the 1st of March when m is 29
    -- February). Worked out once per month, not per child-month; tests/test_measures_health.py checks them against
    -- the rule's own date arithmetic for every day around every month end from 2000 to 2030.
    select
        last_day(r.m::date) as month_end,
        (r.m + interval 1 month - interval 12 month)::date as looked_after_since,
        case when day((last_day(r.m::date) - interval 12 month)::date) = day(last_day(r.m::date))
             then (last_day(r.m::date) - interval 12 month)::date
             else (last_day(r.m::date) - interval 12 month)::date + 1 end as checked_since
    from range(date_trunc('month', $from_month::date)::timestamp, last_day($to_month::date)::timestamp,
               interval 1 month) as r (m)
),

cohort as (
    select h.la_code, h.team, h.month_end, h.last_dental, k.checked_since
    from fact_child_month_health as h
    join cutoffs as k on k.month_end = h.month_end and h.period_start <= k.looked_after_since
    where ($la_codes is null or list_contains($la_codes, h.la_code))
),

counts as (
    -- per team; each child is in exactly one team at a month end, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where last_dental >= checked_since) as numerator,
        count(*) as denominator
    from cohort
    group by la_code, month_end, team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
