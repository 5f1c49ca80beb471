-- title: Missing 7 days or more with no strategy meeting
-- theme: missing
-- question: Which episodes of a looked-after child missing or away for 7 days or more, in the 12 months to a date,
--   had no strategy meeting by the day they reached 7 days?
-- shape: list
-- grain: one row per missing or away episode (a child can appear more than once), as at $as_of
-- keys: la_code, child, mis_start
-- numerator: n/a
-- denominator: n/a
-- rule: As missing_strategy_meeting: an episode is prolonged when mis_end - mis_start >= 7 days or it is still open 7
--   days after it started, and reaches 7 days on mis_start + 7. Listed: episodes that reached 7 days in the 12
--   months to $as_of ($as_of - 1 year + 1 day to $as_of) with no strategy meeting for the child held from mis_start
--   to mis_start + 7 inclusive naming this episode or none. Team = the child's team at the end of the month the
--   episode reached 7 days (fact_child_month, or the month end before, else 'Unallocated'), as the series; social
--   worker allocated on $as_of. first_meeting_after is the first such meeting held later, on or before $as_of.
-- source: fact_missing_episode (etl/derived_missing.sql), fact_strategy_meeting, team_at_month_end(),
--   looked_after_at()
-- polarity: lower is better
-- unit: episodes
-- params: $la_codes, $team, $as_of
-- requires: missing, strategy_meetings
-- window: 12 months
-- scope: in the 12 months to $as_of
-- order: the longest missing first, then child
-- beside_child: days_missing
-- columns: child, la_code, team, social_worker, missing_type, mis_start, reached_7_days_on, mis_end (null while still
--   missing on $as_of), days_missing (to the return, or to $as_of), first_meeting_after

with

episodes as (
    select la_code, child, missing_type, mis_start, mis_end, mis_start + 7 as reached,
           last_day(mis_start + 7) as month_end
    from fact_missing_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and (mis_end is null or mis_end >= (mis_start + 7)::timestamp)
      and mis_start + 7 between ($as_of::date - interval 1 year)::date + 1 and $as_of::date
),

met as (
    select
        e.*,
        min(s.meeting_date) filter (where s.meeting_date <= e.reached) as meeting_in_time,
        min(s.meeting_date) filter (where s.meeting_date > e.reached) as meeting_later
    from episodes as e
    left join fact_strategy_meeting as s
        on s.la_code = e.la_code and s.child = e.child and s.meeting_date >= e.mis_start
       and s.meeting_date <= $as_of::date
       and (s.mis_start is null or s.mis_start = e.mis_start)
    group by all
),

with_team as (
    select * from team_at_month_end('met', la_codes := $la_codes)
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
        w.reached as reached_7_days_on,
        case when w.mis_end < $as_of::date + interval 1 day then w.mis_end end as mis_end,
        case when w.mis_end < $as_of::date + interval 1 day then datediff('day', w.mis_start, w.mis_end::date)
             else $as_of::date - w.mis_start end as days_missing,
        w.meeting_later as first_meeting_after
    from with_team as w
    left join on_as_of as o using (la_code, child)
    where w.meeting_in_time is null
      and ($team is null or w.team = $team)
)

select * from final
order by days_missing desc, la_code, child, mis_start
