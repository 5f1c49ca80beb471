-- title: Children with 3 or more social workers in 12 months
-- theme: sw_changes
-- question: Of the children looked after at each month end, what share had 3 or more different social workers in
--   the 12 months to that day?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is
--   the team of their allocated worker at the month end, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children looked after at the month end with 3 or more different social workers (distinct SW_ID) whose
--   allocation overlapped the 12 months to the month end
-- denominator: children looked after at the month end
-- rule: DfE SSDA903 SWEpisodes measure "3 or more social workers during the year" (children looked after at 31 March;
--   published in la_cla_swcount.csv), applied at every month end. The 12 months to a month end d run from
--   (d - 1 year) + 1 day to d (at 31 March: 1 April to 31 March). An allocation counts when it began on or before d
--   and had not ended before the window opened (SW_DEC is the worker's last day, so an allocation ending the day
--   before the window opened does not count, one ending on its first day does). A worker allocated twice counts
--   once; allocations count whether or not the child was looked after at the time, as in the SWEpisodes table.
--   In an authority's first 12 months of allocation data the window reaches back before the data, so counts
--   there are too low.
-- source: sw_workers_in_year() (etl/derived_sw.sql: fact_child_month, fact_allocation), authority_coverage
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, sw_episodes
-- window: 12 months
-- headline: yes
-- short: Children with 3+ social workers
-- benchmark: sw_changes
-- extra_columns: children_4_plus (children with 4 or more workers), mean_workers (mean distinct workers per child)

with

worker_counts as (
    -- different social workers in the 12 months to each month end: sw_workers_in_year() in etl/derived_sw.sql
    select *
    from sw_workers_in_year($la_codes, $from_month, $to_month)
),

team_counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where workers >= 3) as numerator,
        count(*) as denominator,
        count(*) filter (where workers >= 4) as children_4_plus,
        sum(workers) as workers
    from worker_counts
    group by la_code, team, month_end
),

final as (
    -- percent_series (etl/derived_health.sql): 'All teams' rows = sums of the team rows, for every month end in
    -- authority_coverage; value = round(100 * numerator / denominator, 1), null when the denominator is 0
    -- counts stay hugeint (sum's type), as the measure has always returned them
    select
        la_code, team, month_end, numerator::hugeint as numerator, denominator::hugeint as denominator, value,
        children_4_plus::hugeint as children_4_plus, round(workers / nullif(denominator, 0), 2) as mean_workers
    from percent_series('team_counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
