-- title: Review health assessments in time
-- theme: health
-- question: Of the children looked after at each month end, what share had their latest review health assessment
--   (RHA) in time and their next one not yet overdue?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is the
--   team of their allocated worker at the month end, from fact_child_month, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children whose next assessment is not overdue at the month end and whose latest RHA (if any) was done
--   by its due date
-- denominator: children looked after at the month end (short-break legal status V3/V4 excluded)
-- rule: Statutory guidance 'Promoting the health and wellbeing of looked-after children' (DfE/DH, 2015): the health
--   assessment is reviewed at least every 6 months before the child's 5th birthday and at least every 12 months
--   after it. Only IHAs and RHAs dated within the current period of care (on or after its start) count. Next due =
--   the latest assessment + 6 calendar months if the child was under 5 on that assessment's date, else + 12 months
--   (12 when the date of birth is unknown); in time through the due date, overdue from the day after (last RHA on
--   31 Dec: under 5 due 30 Jun, so 30 Jun in time and 1 Jul overdue; 5 and over due 31 Dec next year). The latest
--   RHA itself was in time when it was done by the due date set by the assessment before it. Children not yet due
--   a first RHA (latest assessment is the first in the period) are in time when their IHA is not overdue: done, or
--   no assessment yet and the month end is on or before the IHA due date (20 working days after entering care,
--   Mon-Fri except England's bank holidays). Compare health_up_to_date (only 'nothing overdue now').
-- source: fact_child_month_health (etl/derived_health.sql: latest assessment, due dates, iha_overdue,
--   rha_overdue), series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, health_assessments
-- window: 12 months
-- extra_columns: rha_overdue (next RHA overdue), iha_overdue (no assessment and IHA past due), last_review_late
--   (nothing overdue now, but the latest RHA was done late), awaiting_first_rha (latest assessment is the first)

with

child_month as (
    select la_code, team, month_end, period_start, last_date, prev_date, prev_due, iha_overdue, rha_overdue
    from fact_child_month_health
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

judged as (
    select
        la_code,
        team,
        month_end,
        rha_overdue,
        iha_overdue,
        coalesce(last_date >= period_start and (prev_date is null or prev_date < period_start), false)
            as awaiting_first_rha,
        coalesce(last_date >= period_start and prev_date >= period_start and last_date > prev_due, false)
            as last_review_late
    from child_month
),

counts as (
    -- per team; each child is in exactly one team at a month end, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where not rha_overdue and not iha_overdue and not last_review_late) as numerator,
        count(*) as denominator,
        count(*) filter (where rha_overdue) as rha_overdue,
        count(*) filter (where iha_overdue) as iha_overdue,
        count(*) filter (where last_review_late and not rha_overdue) as last_review_late,
        count(*) filter (where awaiting_first_rha) as awaiting_first_rha
    from judged
    group by la_code, month_end, team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
