-- title: Health assessments up to date
-- theme: health
-- question: Of the children looked after at each month end, what share had no health assessment overdue: their
--   initial health assessment done or not yet due, and no review health assessment overdue?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is the
--   team of their allocated worker at the month end, from fact_child_month, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children with no IHA or RHA overdue at the month end
-- denominator: children looked after at the month end (short-break legal status V3/V4 excluded)
-- rule: Statutory guidance 'Promoting the health and wellbeing of looked-after children' (DfE/DH, 2015): an initial
--   health assessment (IHA) within 20 working days of becoming looked after (Mon-Fri except England's bank holidays;
--   day 20 in time, day 21 late), then a review (RHA) at least every 6 months before the 5th birthday and every 12
--   months after it. Only assessments dated within the current period of care count. With no IHA or RHA in the
--   period, the IHA is overdue when the month end is after its due date. Otherwise the next assessment is due 6
--   calendar months after the latest one if the child was under 5 on its date, else 12 months (12 when the date of
--   birth is unknown): in time through the due date, overdue from the day after. An RHA recorded without an IHA
--   counts as the period's assessment. This is the state at the month end: an RHA done late but done counts as up
--   to date (health_rha_in_time also asks whether the latest review was on time).
-- source: fact_child_month_health (etl/derived_health.sql: iha_overdue, rha_overdue), series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, health_assessments
-- window: 12 months
-- headline: yes
-- short: Health assessments up to date
-- extra_columns: iha_overdue (no assessment in the period, past the IHA due date), rha_overdue (next assessment
--   overdue)

with

child_month as (
    select la_code, team, month_end, iha_overdue, rha_overdue
    from fact_child_month_health
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

counts as (
    -- per team; each child is in exactly one team at a month end, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where not rha_overdue and not iha_overdue) as numerator,
        count(*) as denominator,
        count(*) filter (where iha_overdue) as iha_overdue,
        count(*) filter (where rha_overdue) as rha_overdue
    from child_month
    group by la_code, month_end, team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
