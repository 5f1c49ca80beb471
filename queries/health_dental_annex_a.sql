-- title: Dental checks in the last 12 months (Annex A snapshot)
-- theme: health
-- question: Of the children in care for 12 months or more on the Annex A List 8 snapshot date, what share had a
--   dental check in the 12 months to it?
-- shape: series
-- grain: one row per authority, team and month end; a figure only for the month of the Annex A snapshot date,
--   worked out at that date; team = the list's Allocated Team, 'Unallocated' when blank
-- keys: la_code, team, month_end
-- numerator: children in the denominator whose Date of Last Dental Check + 12 calendar months is on or after the
--   snapshot date
-- denominator: children on Annex A List 8 in care on the snapshot date who had been in care for 12 months or more
--   (Date Started to be Looked After + 12 months - 1 day on or before the snapshot date), short breaks (legal status
--   V3/V4) excluded
-- rule: As health_dental (statutory guidance, 2015; the DfE OC2 outcome for children looked after 12 months or
--   more): a check is due 12 calendar months after the last one, so a check on 30 June 2017 is in time on 30 June
--   2018 and overdue on 1 July 2018. Any check the list gives counts, including one before the period of care.
--   Shown where the health assessments extract gives no data for the month (stands_in_for).
-- source: fact_annex_a_child (etl/derived_annex_a.sql), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: annex_a_list_8
-- window: 1 month
-- stands_in_for: health_dental

with

children as (
    select la_code, team, month_end, snapshot_date, last_dental
    from fact_annex_a_child
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and not short_break
      and (cla_start + interval 12 month - interval 1 day)::date <= snapshot_date
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where (last_dental + interval 12 month)::date >= snapshot_date) as numerator,
        count(*) as denominator
    from children
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
