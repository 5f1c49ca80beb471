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
-- source: fact_child_month, fact_health_assessment, dim_authority
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- benchmark: health_dental

with

authorities as (
    select la_code
    from dim_authority
    where ($la_codes is null or list_contains($la_codes, la_code))
),

coverage as (
    select la_code, min(month_end) as first_month, max(month_end) as last_month
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
    group by la_code
),

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

child_month as (
    select la_code, child, month_end, team, period_start
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and (ls is null or ls not in ('V3', 'V4'))
),

dental as (
    -- each check is the latest one from its date until the day before the next
    select
        la_code,
        child,
        assessment_date,
        coalesce(lead(assessment_date) over (partition by la_code, child order by assessment_date),
                 date '9999-12-31') as latest_until
    from fact_health_assessment
    where ($la_codes is null or list_contains($la_codes, la_code))
      and assessment_type = 'DENTAL'
),

cohort as (
    select *
    from child_month
    where (period_start + interval 12 month)::date - 1 <= month_end
),

latest as (
    select c.*, d.assessment_date as last_dental
    from cohort as c
    left join dental as d
        on d.la_code = c.la_code and d.child = c.child
       and c.month_end >= d.assessment_date and c.month_end < d.latest_until
),

team_counts as (
    -- each child is in exactly one team at a month end, so the authority row is the sum of the team rows
    select
        la_code,
        team,
        month_end,
        count(*) filter (where (last_dental + interval 12 month)::date >= month_end) as numerator,
        count(*) as denominator
    from latest
    group by la_code, month_end, team
),

counts as (
    select
        la_code,
        team,
        month_end,
        numerator,
        denominator
    from team_counts
    union all
    select
        la_code,
        'All teams' as team,
        month_end,
        sum(numerator)::bigint as numerator,
        sum(denominator)::bigint as denominator
    from team_counts
    group by la_code, month_end
),

spine as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
),

all_rows as (
    select s.la_code, s.team, s.month_end, c.numerator, c.denominator
    from spine as s
    left join counts as c using (la_code, team, month_end)
    union all
    select la_code, team, month_end, numerator, denominator
    from counts
    where team <> 'All teams'
),

final as (
    select
        la_code,
        team,
        month_end,
        coalesce(numerator, 0) as numerator,
        coalesce(denominator, 0) as denominator,
        round(100.0 * numerator / nullif(denominator, 0), 1) as value
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
