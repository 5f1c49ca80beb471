-- title: Children by number of social workers in 12 months
-- theme: sw_changes
-- question: How many children looked after at each month end had 0, 1, 2, 3, or 4 or more different social workers
--   in the 12 months to that day?
-- shape: table
-- grain: one row per authority, team, month end and band (bands '0', '1', '2', '3', '4+' always present, 0 when
--   no child is in the band; team 'All teams' is the authority figure; a child's team is the team of their
--   allocated worker at the month end, 'Unallocated' if none)
-- keys: la_code, team, month_end, band
-- numerator: children looked after at the month end whose number of different social workers (distinct SW_ID whose
--   allocation overlapped the 12 months to the month end) falls in the band
-- denominator: children looked after at the month end
-- rule: As sw_changes (DfE SSDA903 SWEpisodes, la_cla_swcount.csv "3 or more social workers during the year"): the
--   12 months to month end d run from (d - 1 year) + 1 day to d; an allocation counts when it began on or before d
--   and ended (SW_DEC, the worker's last day) on or after the window's first day; a worker counts once. Band '0'
--   means no allocation overlapped the 12 months (unallocated throughout). band_label follows the DfE's wording
--   ('3 social workers during the year'). value = % of the month end's children in the band (one decimal).
--   In an authority's first 12 months of allocation data the window reaches back before the data, so counts
--   there are too low.
-- source: sw_workers_in_year() (etl/derived_sw.sql: fact_child_month, fact_allocation), dim_authority,
--   authority_coverage
-- polarity: neutral
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, sw_episodes
-- window: 12 months

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

bands as (
    select * from (values
        (0, '0', 'No social worker during the year'),
        (1, '1', '1 social worker during the year'),
        (2, '2', '2 social workers during the year'),
        (3, '3', '3 social workers during the year'),
        (4, '4+', '4 or more social workers during the year')
    ) as b (band_order, band, band_label)
),

worker_counts as (
    -- different social workers in the 12 months to each month end: sw_workers_in_year() in etl/derived_sw.sql
    select la_code, child_key, month_end, team, least(workers, 4) as band_order
    from sw_workers_in_year($la_codes, $from_month, $to_month)
),

counts as (
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        month_end,
        band_order,
        count(*) as children
    from worker_counts
    group by grouping sets ((la_code, month_end, band_order), (la_code, month_end, team, band_order))
),

groups as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
    union
    select distinct la_code, team, month_end
    from counts
    where team <> 'All teams'
),

cells as (
    select g.la_code, g.team, g.month_end, b.band_order, b.band, b.band_label, coalesce(c.children, 0) as numerator
    from groups as g
    cross join bands as b
    left join counts as c using (la_code, team, month_end, band_order)
),

with_totals as (
    select *, (sum(numerator) over (partition by la_code, team, month_end))::bigint as denominator
    from cells
    where ($team is null or team = $team)
),

final as (
    select
        la_code,
        team,
        month_end,
        band,
        numerator,
        denominator,
        round(100.0 * numerator / nullif(denominator, 0), 1) as value,
        band_label,
        band_order
    from with_totals
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team, band_order
