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
-- source: fact_child_month, fact_allocation, dim_authority
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- headline: yes
-- benchmark: sw_changes
-- extra_columns: children_4_plus (children with 4 or more workers), mean_workers (mean distinct workers per child)

with

authorities as (
    select la_code
    from dim_authority
    where ($la_codes is null or list_contains($la_codes, la_code))
),

coverage as (
    -- first and last month end of fact_child_month per authority (etl/derived_health.sql)
    select la_code, first_month, last_month
    from authority_coverage
    where ($la_codes is null or list_contains($la_codes, la_code))
),

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

child_month as (
    select la_code, child_key, month_end, team, (month_end - interval 1 year)::date + 1 as window_start
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

allocations as (
    -- earlier_dec: the latest end of the child's earlier allocations to the same worker, so a worker counts once in
    -- a window: at their earliest allocation in it
    select
        child_key, sw_id, sw_decom, coalesce(sw_dec, date '9999-12-31') as sw_dec,
        max(coalesce(sw_dec, date '9999-12-31')) over (
            partition by child_key, sw_id order by sw_decom rows between unbounded preceding and 1 preceding
        ) as earlier_dec
    from fact_allocation_keyed
    where ($la_codes is null or list_contains($la_codes, la_code))
      and sw_decom <= last_day($to_month::date)
),

worker_counts as (
    select
        any_value(cm.la_code) as la_code,
        cm.child_key,
        cm.month_end,
        any_value(cm.team) as team,
        count(a.sw_id) filter (where a.earlier_dec is null or a.earlier_dec < cm.window_start) as workers
    from child_month as cm
    left join allocations as a
        on a.child_key = cm.child_key and a.sw_decom <= cm.month_end and a.sw_dec >= cm.window_start
    group by cm.child_key, cm.month_end
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

counts as (
    -- the authority row sums its team rows
    select la_code, team, month_end, numerator, denominator, children_4_plus,
        round(workers / denominator, 2) as mean_workers
    from team_counts
    union all
    select la_code, 'All teams' as team, month_end, sum(numerator), sum(denominator), sum(children_4_plus),
        round(sum(workers) / sum(denominator), 2) as mean_workers
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
    select
        s.la_code, s.team, s.month_end,
        coalesce(c.numerator, 0) as numerator,
        coalesce(c.denominator, 0) as denominator,
        coalesce(c.children_4_plus, 0) as children_4_plus,
        c.mean_workers
    from spine as s
    left join counts as c using (la_code, team, month_end)
    union all
    select la_code, team, month_end, numerator, denominator, children_4_plus, mean_workers
    from counts
    where team <> 'All teams'
),

final as (
    select
        la_code,
        team,
        month_end,
        numerator,
        denominator,
        round(100.0 * numerator / nullif(denominator, 0), 1) as value,
        children_4_plus,
        mean_workers
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
