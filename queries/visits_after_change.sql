-- title: Visits lapsing after a change of social worker
-- theme: sw_changes
-- question: When a looked-after child's social worker changes, do their visits lapse - how often is there a gap of
--   more than 6 weeks in the 90 days after the change, compared with the 90 days before?
-- shape: series
-- grain: one row per authority, team and month of the change (month_end = last day of the month the new allocation
--   began; team 'All teams' is the authority figure; a change's team is the new worker's team on the change date,
--   from fact_worker_spell, else dim_worker, else 'Unallocated'; an 'All teams' row for every month the authority
--   has children looked after and for any other month with a change)
-- keys: la_code, team, month_end
-- numerator: changes of social worker in the month followed by a gap of more than 42 days without a visit in the
--   90 days after the change
-- denominator: changes of social worker in the month whose 90 days after the change are complete in the data
-- rule: A change of social worker is an allocation (SW_DECOM) that begins on a day the child is looked after, to a
--   worker other than the one in the child's previous allocation, where that previous allocation was still open or
--   ended on or after the start of the current period of care - so the first allocation of a period of care is not
--   a change. Visit gaps: the after window runs from the change date to 90 days later (or the end of the period of
--   care if sooner); the before window from 90 days before the change (or the start of the period of care if later)
--   to the day before the change. Its longest gap is the longest run of days between consecutive points in
--   (window start, visits in the window, window end) - e.g. a change on 1 March with visits on 20 March and 10 May
--   and window end 30 May gives gaps 19, 51, 20: longest 51 (> 42, a lapse). A visit on the change day counts in the
--   after window. 42 days is the reg 28 interval (Care Planning, Placement and Case Review (England) Regulations
--   2010) for most placements; long-term placements may lawfully go 3 months, so this is an indicator of lapses,
--   not a statutory count. Changes whose after window would end after the authority's last recorded visit are left
--   out until it is complete.
-- source: fact_allocation_keyed, fact_placement, fact_visit_keyed (each visit with the child's visit before it),
--   fact_worker_spell_keyed, dim_worker_key (etl/derived.sql), dim_authority, authority_coverage
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, sw_episodes, visits
-- window: 3 months
-- pending: changes_pending
-- extra_columns: changes_pending (changes in the month whose 90 days after are not yet complete in the data: left out
--   of the figure until they are; the month is partial while there are any), changes_gap_before (changes with a gap
--   over 42 days in the 90 days before), value_before (% of changes with such a gap before, the comparison for
--   value), mean_longest_gap_before and mean_longest_gap_after (mean over the changes of the longest gap in each
--   window, days)

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

data_end as (
    select la_code, max(visit_date) as last_visit_in_data
    from fact_visit_keyed
    where ($la_codes is null or list_contains($la_codes, la_code))
    group by la_code
),

periods as (
    select
        child_key,
        period_no,
        min(placement_start) as period_start,
        case when bool_or(placement_end is null) then null else max(placement_end) end as period_end
    from fact_placement
    where ($la_codes is null or list_contains($la_codes, la_code))
    group by child_key, period_no
),

allocations as (
    select
        la_code,
        child_key,
        sw_id,
        worker_key,
        sw_decom,
        lag(sw_id) over w as prev_sw_id,
        lag(sw_dec) over w as prev_sw_dec
    from fact_allocation_keyed
    where ($la_codes is null or list_contains($la_codes, la_code))
    window w as (partition by child_key order by sw_decom, sw_id)
),

changes as (
    select
        a.la_code,
        a.child_key,
        a.sw_id,
        a.worker_key,
        a.sw_decom as change_date,
        greatest(a.sw_decom - 90, p.period_start) as before_start,
        least(a.sw_decom + 90, coalesce(p.period_end, a.sw_decom + 90)) as after_end
    from allocations as a
    join periods as p
        on p.child_key = a.child_key
       and p.period_start <= a.sw_decom and (p.period_end is null or p.period_end > a.sw_decom)
    where a.prev_sw_id is not null
      and a.prev_sw_id <> a.sw_id
      and (a.prev_sw_dec is null or a.prev_sw_dec >= p.period_start)
      and a.sw_decom between date_trunc('month', $from_month::date) and last_day($to_month::date)
),

judged_changes as (
    -- complete: the after window ends on or before the authority's last recorded visit
    select c.*, c.after_end <= d.last_visit_in_data as complete
    from changes as c
    join data_end as d on d.la_code = c.la_code
),

change_team as (
    -- the new worker's team on the change date: their latest spell begun on or before it and not ended before it
    -- (fact_worker_spell_keyed), else their latest team (dim_worker_key), else 'Unallocated'; one row per child,
    -- worker and change date
    select
        c.la_code, c.child_key, c.change_date, c.before_start, c.after_end, c.complete,
        coalesce(arg_max(coalesce(s.team, w.team, 'Unallocated'), s.start_date), any_value(w.team), 'Unallocated')
            as team
    from judged_changes as c
    left join fact_worker_spell_keyed as s
        on s.worker_key = c.worker_key
       and s.start_date <= c.change_date and (s.end_date is null or s.end_date >= c.change_date)
    left join dim_worker_key as w
        on w.worker_key = c.worker_key
    group by c.la_code, c.child_key, c.sw_id, c.change_date, c.before_start, c.after_end, c.complete
),

numbered as (
    select row_number() over () as change_id, *
    from change_team
    where complete
),

longest as (
    -- the longest gap between consecutive points of (window start, its visits, window end): the first visit's gap
    -- from the start, the end's gap from the last visit, or a visit's gap from the one before it when that one is in
    -- the window too (the end - the start when the window has no visit). A visit on the change day is an after visit.
    select
        n.la_code,
        n.team,
        last_day(n.change_date) as month_end,
        greatest(
            coalesce(min(w.visit_date) filter (where w.visit_date < n.change_date), n.change_date) - n.before_start,
            n.change_date - coalesce(max(w.visit_date) filter (where w.visit_date < n.change_date), n.before_start),
            coalesce(max(w.visit_date - w.previous_visit_date)
                filter (where w.visit_date < n.change_date and w.previous_visit_date >= n.before_start), 0)
        ) as longest_gap_before,
        greatest(
            coalesce(min(w.visit_date) filter (where w.visit_date >= n.change_date), n.after_end) - n.change_date,
            n.after_end - coalesce(max(w.visit_date) filter (where w.visit_date >= n.change_date), n.change_date),
            coalesce(max(w.visit_date - w.previous_visit_date)
                filter (where w.visit_date >= n.change_date and w.previous_visit_date >= n.change_date), 0)
        ) as longest_gap_after
    from numbered as n
    left join fact_visit_keyed as w
        -- the child's visits from the before window's start to the after window's end, each with the one before it
        on w.child_key = n.child_key
       and w.visit_date between n.before_start and n.after_end
    group by n.change_id, n.la_code, n.team, n.change_date, n.before_start, n.after_end
),

counts as (
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        month_end,
        count(*) filter (where longest_gap_after > 42) as numerator,
        count(*) as denominator,
        count(*) filter (where longest_gap_before > 42) as changes_gap_before,
        round(avg(longest_gap_before), 1) as mean_longest_gap_before,
        round(avg(longest_gap_after), 1) as mean_longest_gap_after
    from longest
    group by grouping sets ((la_code, month_end), (la_code, month_end, team))
),

pending_counts as (
    -- changes not yet complete, per month of the change
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        last_day(change_date) as month_end,
        count(*) as changes_pending
    from change_team
    where not complete
    group by grouping sets ((la_code, last_day(change_date)), (la_code, last_day(change_date), team))
),

spine as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
),

row_keys as (
    select la_code, team, month_end from spine
    union
    select la_code, team, month_end from counts
    union
    select la_code, team, month_end from pending_counts
),

all_rows as (
    select
        k.la_code, k.team, k.month_end,
        coalesce(c.numerator, 0) as numerator,
        coalesce(c.denominator, 0) as denominator,
        coalesce(c.changes_gap_before, 0) as changes_gap_before,
        c.mean_longest_gap_before,
        c.mean_longest_gap_after,
        coalesce(p.changes_pending, 0) as changes_pending
    from row_keys as k
    left join counts as c using (la_code, team, month_end)
    left join pending_counts as p using (la_code, team, month_end)
),

final as (
    select
        la_code,
        team,
        month_end,
        numerator,
        denominator,
        round(100.0 * numerator / nullif(denominator, 0), 1) as value,
        changes_gap_before,
        round(100.0 * changes_gap_before / nullif(denominator, 0), 1) as value_before,
        mean_longest_gap_before,
        mean_longest_gap_after,
        changes_pending
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
