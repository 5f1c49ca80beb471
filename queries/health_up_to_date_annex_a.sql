-- title: Health assessments up to date (Annex A snapshot)
-- theme: health
-- question: Of the children in care on the Annex A List 8 snapshot date, what share had no health assessment overdue
--   then, by the dates the list gives?
-- shape: series
-- grain: one row per authority, team and month end; a figure only for the month of the Annex A snapshot date,
--   worked out at that date; team = the list's Allocated Team, 'Unallocated' when blank
-- keys: la_code, team, month_end
-- numerator: children in the denominator with no health assessment overdue on the snapshot date
-- denominator: children on Annex A List 8 in care on the snapshot date, short breaks (legal status V3/V4) excluded
-- rule: As health_up_to_date (statutory guidance 'Promoting the health and wellbeing of looked-after children',
--   DfE/DH 2015): an initial assessment within 20 working days of the start of care, then a review every 6 months
--   before the 5th birthday and every 12 months after it. The list gives only the latest assessment (Date of Last
--   Health Assessment, initial or review): none, or one before the start of the current period of care, = the
--   initial assessment is due on the 20th working day after the start; otherwise the next is due 6 calendar months
--   after it if the child was under 5 on its date, else 12 (12 when the date of birth is unknown). In time through
--   the due date. Shown where the health assessments extract gives no data for the month (stands_in_for).
-- source: fact_annex_a_child (etl/derived_annex_a.sql: first_due from dim_calendar), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: annex_a_list_8
-- window: 1 month
-- stands_in_for: health_up_to_date
-- extra_columns: iha_overdue (no assessment in the period of care, past the 20th working day), rha_overdue (next
--   assessment overdue)

with

children as (
    select la_code, team, month_end, snapshot_date, dob, first_due,
           case when last_health >= cla_start then last_health end as last_health
    from fact_annex_a_child
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and not short_break
),

due as (
    select
        *,
        case
            when last_health is null then first_due
            when last_health < (dob + interval 5 year)::date then (last_health + interval 6 month)::date
            else (last_health + interval 12 month)::date
        end as next_due
    from children
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where snapshot_date <= next_due) as numerator,
        count(*) as denominator,
        count(*) filter (where last_health is null and snapshot_date > next_due) as iha_overdue,
        count(*) filter (where last_health is not null and snapshot_date > next_due) as rha_overdue
    from due
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
