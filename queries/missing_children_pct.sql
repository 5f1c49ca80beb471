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
-- source: fact_missing_episode (child_key), fact_care_episode, fact_child_month, source_coverage, series_rows()
--   (etl/derived_health.sql). How: a child is in the 12 months to month end m when the episode they began last on or
--   before m (short breaks aside) was open at m - they were looked after at m (fact_child_month) - or ended in those
--   12 months; so the cohort is the month's snapshot plus, for each episode that ended, the up to 12 month ends after
--   it before the child's next episode began (no range join of every episode with every month)
-- polarity: neutral
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, missing
-- window: 12 months
-- benchmark: missing_children_pct


with

bounds as (
    -- month numbers (year * 12 + month - 1) of the first and last month asked for
    select
        year($from_month::date) * 12 + month($from_month::date) - 1 as first_idx,
        year($to_month::date) * 12 + month($to_month::date) - 1 as last_idx
),

episodes as (
    -- episodes other than short breaks (V3/V4) from fact_care_episode, where overlaps are resolved, so a child's
    -- episodes follow one another: the one begun last on or before a date is the one that ended last; next_idx is
    -- the month the child's next such episode began
    select
        la_code,
        child_key,
        decom,
        dec,
        year(dec) * 12 + month(dec) - 1 as dec_idx,
        lead(year(decom) * 12 + month(decom) - 1) over (
            partition by child_key order by decom, coalesce(dec, date '9999-12-31')
        ) as next_idx
    from fact_care_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and (ls is null or ls not in ('V3', 'V4'))
),

in_care as (
    -- looked after at the month end under such an episode: their team then (fact_child_month)
    select la_code, child_key, year(month_end) * 12 + month(month_end) - 1 as idx, team
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and (ls is null or ls not in ('V3', 'V4'))
),

uncovered_months as (
    -- month ends the authority's episodes do not cover (fact_child_month has no row there)
    select a.la_code, last_day(r.m::date) as month_end
    from dim_authority as a
    cross join range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
                     interval 1 month) as r (m)
    where ($la_codes is null or list_contains($la_codes, a.la_code))
      and not exists (
          select 1 from source_coverage as c
          where c.la_code = a.la_code and c.source = 'episodes' and c.month_end = last_day(r.m::date)
      )
),

in_care_uncovered as (
    select e.la_code, e.child_key, year(u.month_end) * 12 + month(u.month_end) - 1 as idx, 'Unallocated' as team
    from episodes as e
    join uncovered_months as u
        on u.la_code = e.la_code and e.decom <= u.month_end and coalesce(e.dec, date '9999-12-31') > u.month_end
),

left_care as (
    -- not looked after at the month end, but an episode ended in the 12 months to it (and the child's next one has
    -- not begun): team_month, the month end before the one the episode ended in, gives the team while it is inside
    -- the 12 months (up to 10 months after the episode's month), else 'Unallocated'
    select e.la_code, e.child_key, e.dec_idx, cm.team as team_then,
        unnest(range(greatest(e.dec_idx, b.first_idx),
                     least(e.dec_idx + 11, coalesce(e.next_idx - 1, e.dec_idx + 11), b.last_idx) + 1)) as idx
    from episodes as e
    cross join bounds as b
    left join fact_child_month as cm
        on cm.child_key = e.child_key and cm.month_end = last_day(e.dec - interval 1 month)
    where e.dec_idx between b.first_idx - 11 and b.last_idx
),

missing_starts as materialized (
    -- each child and month with the start of a missing (M) episode, as one number (child_key * 100000 + month
    -- number), worked out before the 12 months are spread
    select distinct f.child_key::bigint * 100000 + year(f.mis_start) * 12 + month(f.mis_start) - 1 as child_month
    from fact_missing_episode as f
    where f.child_key is not null  -- keyed children only (the loader keys every child)
      and ($la_codes is null or list_contains($la_codes, f.la_code))
      and f.missing_type = 'M'
      and f.mis_start >= date_trunc('month', $from_month::date) - interval 11 month
      and f.mis_start <= last_day($to_month::date)
),

went_missing as (
    -- each child and month whose 12 months include the start of a missing (M) episode
    select distinct s.child_month + r.k as child_month
    from missing_starts as s
    cross join range(12) as r (k)
),

cohort as (
    -- every child looked after at any time in the 12 months to each month end, once, with their team
    select la_code, child_key, idx, team from in_care
    union all
    select la_code, child_key, idx, team from in_care_uncovered
    union all
    select la_code, child_key, idx, case when idx <= dec_idx + 10 then coalesce(team_then, 'Unallocated')
                                         else 'Unallocated' end
    from left_care
),

counts as (
    -- per team; one team per child per window, so series_rows() sums them into 'All teams'
    select
        c.la_code,
        c.team,
        last_day(make_date((c.idx // 12)::integer, (c.idx % 12 + 1)::integer, 1)) as month_end,
        count(w.child_month) as numerator,
        count(*) as denominator
    from cohort as c
    left join went_missing as w on w.child_month = c.child_key::bigint * 100000 + c.idx
    group by c.la_code, c.idx, c.team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
