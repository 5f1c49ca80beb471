-- title: Initial health assessments within 20 working days
-- theme: health
-- question: Of the children who started to be looked after in the month, what share had their initial health
--   assessment (IHA) within 20 working days?
-- shape: series
-- grain: one row per authority, team and month end of entry into care (team 'All teams' is the authority figure; a
--   child's team is their team at the end of the month they entered care, from fact_child_month, or at the end of
--   the month before if they were not looked after then, else 'Unallocated'; team rows appear for months with
--   entrants)
-- keys: la_code, team, month_end
-- numerator: children entering care in the month whose first IHA in the period of care was on or before the due date
-- denominator: children entering care in the month whose IHA is done, or overdue and not done
-- rule: Statutory guidance 'Promoting the health and wellbeing of looked-after children' (DfE/DH, 2015): the IHA
--   is done within 20 working days of the child becoming looked after. Entry = the start of a period of care
--   (fact_placement.period_start). Due date = the 20th working day after it (working days: Monday to Friday except
--   England's bank holidays, dim_bank_holiday from the `holidays` package); an IHA on working day 20 is in time, on
--   day 21 late (entering care on Monday 3 April 2023, Good Friday, Easter Monday and the 1 May bank holiday push
--   day 20 to Thursday 4 May). Only IHAs dated within the period of care count. Not counted (choice documented
--   here): a child with no IHA whose due date is on or after the authority's last month end in the warehouse (not
--   yet due: not_yet_due), or who left care on or before the due date (left_before_due); periods starting on a
--   short-break legal status (V3/V4) are out of scope. An IHA not done and past its due date counts as late.
-- source: fact_health_period (etl/derived_health.sql: period of care, iha_due, first_iha_date, entry_team),
--   authority_coverage, series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, health_assessments
-- window: 1 month
-- pending: not_yet_due
-- extra_columns: done_late (IHA after day 20), not_done (no IHA, past due), not_yet_due, left_before_due

with

periods as (
    select la_code, child, period_start, period_end, iha_due, first_iha_date, entry_month, entry_team
    from fact_health_period
    where ($la_codes is null or list_contains($la_codes, la_code))
      and period_start between date_trunc('month', $from_month::date) and last_day($to_month::date)
      and (first_ls is null or first_ls not in ('V3', 'V4'))
),

judged as (
    select
        p.la_code,
        p.entry_team as team,
        p.entry_month as month_end,
        case
            when p.first_iha_date <= p.iha_due then 'in time'
            when p.first_iha_date > p.iha_due then 'done late'
            when p.period_end <= p.iha_due then 'left before due'
            when c.last_month <= p.iha_due then 'not yet due'
            else 'not done'
        end as status
    from periods as p
    join authority_coverage as c using (la_code)
    where p.iha_due is not null
),

counts as (
    -- per team; each child is in one team at entry, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where status = 'in time') as numerator,
        count(*) filter (where status in ('in time', 'done late', 'not done')) as denominator,
        count(*) filter (where status = 'done late') as done_late,
        count(*) filter (where status = 'not done') as not_done,
        count(*) filter (where status = 'not yet due') as not_yet_due,
        count(*) filter (where status = 'left before due') as left_before_due
    from judged
    group by la_code, month_end, team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
