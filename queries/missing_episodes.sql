-- title: Children going missing
-- theme: missing
-- question: How many looked-after children went missing in the 12 months to each month end, and how many missing
--   and away episodes started in the month?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; an episode belongs to
--   the child's team at the end of the month it started, from fact_child_month, or the child's latest earlier
--   month-end team if they were not looked after at that month end, else 'Unallocated'; a child with episodes in
--   two teams counts in both teams' rows but once in 'All teams')
-- keys: la_code, team, month_end
-- numerator: children with at least one missing (M) episode starting in the 12 months to the month end
-- denominator: n/a (a count)
-- rule: DfE SSDA903 'children who went missing during the year': a child counts once however many episodes; an
--   episode belongs to the month of MIS_START. The rolling 12 months to a month end are the 12 calendar months
--   ending with it (at 31 March: 1 April to 31 March, the DfE collection year). Away from placement without
--   authorisation (A) episodes are counted separately, as the DfE does. episodes_per_child = missing episodes in the
--   12 months / children missing in the 12 months (DfE 'average number of missing incidents per missing child').
-- source: fact_missing, fact_child_month, dim_authority
-- polarity: neutral
-- unit: children
-- params: $la_codes, $team, $from_month, $to_month
-- extra_columns: episodes_in_month and children_in_month (missing episodes starting in the month, children they
--   concern), away_episodes and children_away_in_month (the same for A episodes), episodes_12m, away_episodes_12m,
--   children_away_12m (rolling 12 months), episodes_per_child (episodes_12m / children missing in 12 months)

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
    select la_code, child, month_end, team
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
),

missing as (
    select la_code, child, missing_type, mis_start
    from fact_missing
    where ($la_codes is null or list_contains($la_codes, la_code))
      and mis_start >= date_trunc('month', $from_month::date) - interval 11 month
      and mis_start <= last_day($to_month::date)
),

episodes as (
    select m.*, coalesce(cm.team, 'Unallocated') as team
    from missing as m
    asof left join child_month as cm
        on cm.la_code = m.la_code and cm.child = m.child and cm.month_end <= last_day(m.mis_start)
),

rolling as (
    -- each episode counts in the month it started and the 11 month ends after it
    select
        e.la_code,
        e.child,
        e.team,
        e.missing_type,
        r.k = 0 as in_month,
        last_day((date_trunc('month', e.mis_start) + to_months(r.k::integer))::date) as month_end
    from episodes as e
    cross join range(12) as r (k)
),

in_range as (
    select r.*
    from rolling as r
    join coverage as c on c.la_code = r.la_code and r.month_end between c.first_month and c.last_month
    where r.month_end between last_day($from_month::date) and last_day($to_month::date)
),

counts as (
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        month_end,
        count(distinct child) filter (where missing_type = 'M') as numerator,
        count(*) filter (where missing_type = 'M' and in_month) as episodes_in_month,
        count(distinct child) filter (where missing_type = 'M' and in_month) as children_in_month,
        count(*) filter (where missing_type = 'A' and in_month) as away_episodes,
        count(distinct child) filter (where missing_type = 'A' and in_month) as children_away_in_month,
        count(*) filter (where missing_type = 'M') as episodes_12m,
        count(*) filter (where missing_type = 'A') as away_episodes_12m,
        count(distinct child) filter (where missing_type = 'A') as children_away_12m
    from in_range
    group by grouping sets ((la_code, month_end), (la_code, month_end, team))
),

spine as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
),

all_rows as (
    select s.la_code, s.team, s.month_end, c.* exclude (la_code, team, month_end)
    from spine as s
    left join counts as c using (la_code, team, month_end)
    union all by name
    select *
    from counts
    where team <> 'All teams'
),

final as (
    select
        la_code,
        team,
        month_end,
        coalesce(numerator, 0) as numerator,
        null::bigint as denominator,
        coalesce(numerator, 0) as value,
        coalesce(episodes_in_month, 0) as episodes_in_month,
        coalesce(children_in_month, 0) as children_in_month,
        coalesce(away_episodes, 0) as away_episodes,
        coalesce(children_away_in_month, 0) as children_away_in_month,
        coalesce(episodes_12m, 0) as episodes_12m,
        coalesce(away_episodes_12m, 0) as away_episodes_12m,
        coalesce(children_away_12m, 0) as children_away_12m,
        round(episodes_12m / nullif(numerator, 0), 1) as episodes_per_child
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
