-- title: Children going missing
-- theme: missing
-- question: How many looked-after children went missing in the 12 months to each month end, and how many missing
--   and away episodes started in the month?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; an episode belongs to
--   the child's team at the end of the month it started, from fact_child_month, or at the end of the month before
--   if they were not looked after at that month end, else 'Unallocated'; a child with episodes in two teams counts
--   in both teams' rows but once in 'All teams'; team rows appear for months with episodes in the 12 months)
-- keys: la_code, team, month_end
-- numerator: children with at least one missing (M) episode starting in the 12 months to the month end
-- denominator: n/a (a count)
-- rule: DfE SSDA903 'children who went missing during the year': a child counts once however many episodes; an
--   episode belongs to the month of MIS_START. The rolling 12 months to a month end are the 12 calendar months
--   ending with it (at 31 March: 1 April to 31 March, the DfE collection year). Away from placement without
--   authorisation (A) episodes are counted separately, as the DfE does. episodes_per_child = missing episodes in the
--   12 months / children missing in the 12 months (DfE 'average number of missing incidents per missing child').
-- source: fact_missing_episode (etl/derived_missing.sql: start_team, child_key), series_rows()
-- polarity: neutral
-- unit: children
-- params: $la_codes, $team, $from_month, $to_month
-- requires: missing
-- window: 1 month
-- extra_columns: episodes_in_month and children_in_month (missing episodes starting in the month, children they
--   concern), away_episodes and children_away_in_month (the same for A episodes), episodes_12m, away_episodes_12m,
--   children_away_12m (rolling 12 months), episodes_per_child (episodes_12m / children missing in 12 months)

with

bounds as (
    -- month numbers (year * 12 + month - 1): the range asked for, and 11 months before it for the rolling window
    select
        year($from_month::date) * 12 + month($from_month::date) - 1 as first_idx,
        year($to_month::date) * 12 + month($to_month::date) - 1 as last_idx
),

missing as (
    -- the child as its integer key (dim_child_key, kept in fact_missing_episode), for a quicker window below
    select m.la_code, m.child_key as child, m.missing_type, m.mis_start, m.start_team as team
    from fact_missing_episode as m
    where m.child_key is not null  -- keyed children only (the loader keys every child)
      and ($la_codes is null or list_contains($la_codes, m.la_code))
      and m.mis_start >= date_trunc('month', $from_month::date) - interval 11 month
      and m.mis_start <= last_day($to_month::date)
),

episodes as (
    -- each episode twice: under the child's team and under 'All teams', so one pass computes both kinds of row
    select la_code, child, missing_type, year(mis_start) * 12 + month(mis_start) - 1 as idx, team
    from missing
    union all
    select la_code, child, missing_type, year(mis_start) * 12 + month(mis_start) - 1, 'All teams'
    from missing
),

child_months as (
    -- one row per child, team, type and start month, with the episodes in it
    select la_code, team, missing_type, child, idx, count(*) as episodes
    from episodes
    group by la_code, team, missing_type, child, idx
),

in_month as (
    select
        la_code,
        team,
        idx,
        sum(episodes) filter (where missing_type = 'M') as episodes_in_month,
        count(*) filter (where missing_type = 'M') as children_in_month,
        sum(episodes) filter (where missing_type = 'A') as away_episodes,
        count(*) filter (where missing_type = 'A') as children_away_in_month
    from child_months
    group by la_code, team, idx
),

child_edges as (
    -- a child counts from a start month to 11 months after it; starts no more than 12 months apart form one run
    select
        *,
        lag(idx) over w as prev_idx,
        lead(idx) over w as next_idx
    from child_months
    window w as (partition by child, team, missing_type order by idx)
),

child_changes as (
    -- +1 when a run begins, -1 in the month after it ends
    select
        la_code,
        team,
        idx,
        sum(case when missing_type = 'M' then delta else 0 end) as missing_change,
        sum(case when missing_type = 'A' then delta else 0 end) as away_change
    from (
        select la_code, team, missing_type, idx, 1 as delta
        from child_edges
        where prev_idx is null or idx - prev_idx > 12
        union all
        select la_code, team, missing_type, idx + 12, -1
        from child_edges
        where next_idx is null or next_idx - idx > 12
    )
    group by la_code, team, idx
),

team_spine as (
    select t.la_code, t.team, r.idx
    from (select distinct la_code, team from episodes) as t
    cross join bounds as b
    cross join range(b.first_idx - 11, b.last_idx + 1) as r (idx)
),

rolled as (
    select
        s.la_code,
        s.team,
        s.idx,
        sum(coalesce(c.missing_change, 0)) over w_all as numerator,
        m.episodes_in_month,
        m.children_in_month,
        m.away_episodes,
        m.children_away_in_month,
        sum(coalesce(m.episodes_in_month, 0)) over w_12 as episodes_12m,
        sum(coalesce(m.away_episodes, 0)) over w_12 as away_episodes_12m,
        sum(coalesce(c.away_change, 0)) over w_all as children_away_12m
    from team_spine as s
    left join child_changes as c using (la_code, team, idx)
    left join in_month as m using (la_code, team, idx)
    window
        w_all as (partition by s.la_code, s.team order by s.idx rows between unbounded preceding and current row),
        w_12 as (partition by s.la_code, s.team order by s.idx rows between 11 preceding and current row)
),

counts as (
    select
        la_code,
        team,
        last_day(make_date((idx // 12)::integer, (idx % 12 + 1)::integer, 1)) as month_end,
        * exclude (la_code, team, idx)
    from rolled
    where idx >= (select first_idx from bounds)
      and (team = 'All teams' or episodes_12m + away_episodes_12m > 0)
),

final as (
    select *, round(episodes_12m / nullif(numerator, 0), 1) as episodes_per_child
    from count_series('counts', $la_codes, $team, $from_month, $to_month, sum_teams := false)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
