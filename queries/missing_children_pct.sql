-- title: Share of looked-after children who went missing
-- theme: missing
-- question: Of the children looked after at any time in the 12 months to each month end, what share had a missing
--   episode that started in those 12 months?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is
--   their team (fact_child_month) at the month end, or if they had left care, at the last month end before their
--   latest placement in the 12 months ended, 'Unallocated' if that is before the 12 months or they were not looked
--   after then; one team per child per window, so team rows add up to the authority row)
-- keys: la_code, team, month_end
-- numerator: children in the denominator with at least one missing (M) episode starting in the 12 months
-- denominator: children looked after at any time in the 12 calendar months ending with the month end (an episode
--   begun on or before the month end and not ended before the window's first day), excluding short-break
--   (V3/V4) episodes as the DfE does: a child whose only care in the window was short breaks is not counted
-- rule: DfE SSDA903 children missing from care: 'children who went missing during the year' as a percentage of
--   'children looked after during the year' (SFR50/2017 Miss_Miss_DuringYear over all children looked after in the
--   year). At 31 March the 12 months are the DfE collection year (1 April to 31 March). Away from placement (A)
--   episodes are not counted, as in the DfE figure.
-- source: fact_missing, fact_care_episode, fact_child_month, series_rows() (etl/derived_health.sql)
-- polarity: neutral
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, missing
-- window: 12 months
-- benchmark: missing_children_pct

with

months as (
    select
        last_day(r.m::date) as month_end,
        (r.m - interval 11 month)::date as window_start
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

placements as (
    -- episodes in force (fact_care_episode: overlaps resolved), short breaks (V3/V4) left out episode by episode
    select la_code, child, decom as placement_start, dec as placement_end
    from fact_care_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and (ls is null or ls not in ('V3', 'V4'))
      and decom <= last_day($to_month::date)
      and (dec is null or dec >= date_trunc('month', $from_month::date) - interval 11 month)
),

looked_after_in_window as (
    -- one row per child and month end; team_month = the last month end in the window they were looked after at
    -- (the month end itself, or the last month end before their latest placement in the window ended)
    select
        p.la_code,
        p.child,
        m.month_end,
        m.window_start,
        case when bool_or(p.placement_end is null or p.placement_end > m.month_end) then m.month_end
             else last_day(max(p.placement_end) - interval 1 month) end as team_month
    from placements as p
    join months as m
        on p.placement_start <= m.month_end
       and coalesce(p.placement_end, date '9999-12-31') >= m.window_start
    group by p.la_code, p.child, m.month_end, m.window_start
),

went_missing as (
    select distinct
        la_code,
        child,
        last_day((date_trunc('month', mis_start) + to_months(r.k::integer))::date) as month_end
    from fact_missing
    cross join range(12) as r (k)
    where ($la_codes is null or list_contains($la_codes, la_code))
      and missing_type = 'M'
      and mis_start >= date_trunc('month', $from_month::date) - interval 11 month
      and mis_start <= last_day($to_month::date)
),

with_team as (
    select
        l.la_code,
        l.child,
        l.month_end,
        case when l.team_month >= l.window_start then coalesce(cm.team, 'Unallocated') else 'Unallocated' end as team,
        w.child is not null as missing
    from looked_after_in_window as l
    left join fact_child_month as cm
        on cm.la_code = l.la_code and cm.child = l.child and cm.month_end = l.team_month
    left join went_missing as w
        on w.la_code = l.la_code and w.child = l.child and w.month_end = l.month_end
),

counts as (
    -- per team; one team per child per window, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where missing) as numerator,
        count(*) as denominator
    from with_team
    group by la_code, month_end, team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
