-- title: Children missing for 7 days or more
-- theme: missing
-- question: Which missing or away episodes reached 7 days in the month to a date (each needs a strategy meeting),
--   which children are still missing after 7 days or more, and did they get a return interview?
-- shape: list
-- grain: one row per missing or away episode (a child can appear more than once), as at $as_of
-- keys: la_code, child, mis_start
-- numerator: n/a
-- denominator: n/a
-- rule: As missing_prolonged (statutory guidance on children who run away or go missing from home or care, DfE
--   2014: a long missing episode calls for a strategy meeting): an episode is prolonged when mis_end - mis_start >= 7
--   days, or it is still open 7 days after it started (mis_start is a date, i.e. midnight: an episode from 1 March
--   ending at 00:00 on 8 March is prolonged, one ending at 23:59 on 7 March is not). Listed: episodes that reached 7
--   days (mis_start + 7) in the calendar month of $as_of, on or before $as_of ('reached 7 days this month': at a
--   month end, exactly the series' numerator for that month), and episodes still open on $as_of (no return on or
--   before it) that started 7 or more days before it ('still missing': at a month end, the series'
--   still_missing_7_days). An episode can be both. Team = the child's team at $as_of (fact_child_month at that
--   month end, or the month end before if they were not looked after then, else 'Unallocated'), as the series.
--   return_interview: 'offered' / 'done' (by $as_of), 'none recorded' once returned, 'not yet (still missing)'.
--   Strategy meetings are not in the input contract yet, so they are not shown.
-- source: fact_missing_episode (etl/derived_missing.sql), team_at_month_end(), looked_after_at() (social worker)
-- polarity: lower is better
-- unit: episodes
-- params: $la_codes, $team, $as_of
-- requires: missing
-- window: 1 month
-- order: still missing first (longest first), then the most days missing, then child
-- beside_child: days_missing
-- columns: child, la_code, team, social_worker (allocated on $as_of; null if not looked after then), missing_type,
--   mis_start, reached_7_days_on, mis_end (null while still missing on $as_of), days_missing (to the return, or to
--   $as_of), status ('still missing' / 'returned'), reached_this_month (true when it reached 7 days in $as_of's
--   month), return_interview

with

episodes as (
    select la_code, child, missing_type, mis_start, mis_end, offer_at, rhi_at
    from fact_missing_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and mis_start + 7 <= $as_of::date
      and (mis_end is null or mis_end >= (mis_start + 7)::timestamp)
),

judged as (
    select
        *,
        coalesce(mis_end::date, date '9999-12-31') > $as_of::date as still_missing,
        mis_start + 7 >= date_trunc('month', $as_of::date)::date as reached_this_month
    from episodes
),

listed as (
    select la_code, child, $as_of::date as month_end, *  exclude (la_code, child)
    from judged
    where still_missing or reached_this_month
),

with_team as (
    select * from team_at_month_end('listed', la_codes := $la_codes)
),

on_as_of as (
    select la_code, child, sw_id
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes is null or list_contains($la_codes, la_code))
),

final as (
    select
        w.child,
        w.la_code,
        w.team,
        o.sw_id as social_worker,
        w.missing_type,
        w.mis_start,
        w.mis_start + 7 as reached_7_days_on,
        case when not w.still_missing then w.mis_end end as mis_end,
        case when w.still_missing then $as_of::date - w.mis_start
             else datediff('day', w.mis_start, w.mis_end::date) end as days_missing,
        case when w.still_missing then 'still missing' else 'returned' end as status,
        w.reached_this_month,
        case
            when w.rhi_at < $as_of::date + interval 1 day then 'done'
            when w.offer_at < $as_of::date + interval 1 day then 'offered'
            when w.still_missing then 'not yet (still missing)'
            else 'none recorded'
        end as return_interview
    from with_team as w
    left join on_as_of as o using (la_code, child)
    where ($team is null or w.team = $team)
)

select * from final
order by status = 'still missing' desc, days_missing desc, la_code, child, mis_start
