-- title: Missing episodes without a timely return interview
-- theme: missing
-- question: Which missing or away episodes, as at a date, ended in the last 3 months with no return interview or a
--   late one, and which children are still missing?
-- shape: list
-- grain: one row per missing or away episode (a child can appear more than once), as at $as_of
-- keys: la_code, child, mis_start
-- numerator: n/a
-- denominator: n/a
-- rule: Statutory guidance on children who run away or go missing from home or care (DfE, 2014): a return
--   interview is offered within 72 hours of the return, i.e. by mis_end + 72 hours (72 hours in time, 73 late;
--   date-only moments are midnight, so with dates only 3 days is in time and 4 days late). Listed: episodes that
--   ended in the 3 months up to $as_of (mis_end on a date after $as_of - 3 months and on or before $as_of) whose
--   offer is late ('offered late'), or with no offer or interview recorded by the end of $as_of once the 72 hours
--   ran out before $as_of began ('no interview recorded'); and episodes open on $as_of (started on or before it,
--   no return on or before it: 'still missing'). The offer time is the earlier of rhi_offered_at and rhi_at.
--   hours_late = hours after the 72-hour deadline (to the offer, or to the start of $as_of if none); worst first:
--   still missing (longest first), then no interview, then late offers, most hours late first.
-- source: fact_missing_episode (etl/derived_missing.sql: offer_at), looked_after_at() (team and social worker on
--   $as_of), fact_child_month
-- polarity: lower is better
-- unit: episodes
-- params: $la_codes, $team, $as_of
-- requires: missing, return_interviews
-- window: 3 months
-- scope: ended in the 3 months to $as_of, or still missing
-- columns: child, la_code, team (for a returned episode the child's team at the end of the month they came back, as
--   missing_rhi_in_time; for one still missing the team at $as_of, or the month end before, else 'Unallocated'),
--   social_worker (allocated sw_id on $as_of; null if not looked after then), missing_type, mis_start, mis_end
--   (null while still missing on $as_of), hours_to_offer, status, hours_late, days_missing
-- beside_child: hours_late

with

missing as (
    select
        la_code,
        child,
        missing_type,
        mis_start,
        case when mis_end < $as_of::date + interval 1 day then mis_end end as mis_end,
        case when offer_at < $as_of::date + interval 1 day then offer_at end as offer_at,
        return_team
    from fact_missing_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and mis_start <= $as_of::date
      and (mis_end is null or mis_end >= ($as_of::date - interval 3 month)::date + interval 1 day)
),

on_as_of as (
    select la_code, child, sw_id, team
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes is null or list_contains($la_codes, la_code))
),

judged as (
    select
        *,
        mis_end + interval 72 hour as deadline,
        case
            when mis_end is null then 'still missing'
            when offer_at is null and mis_end + interval 72 hour < $as_of::date then 'no interview recorded'
            when offer_at > mis_end + interval 72 hour then 'offered late'
        end as status
    from missing
),

listed as (
    select *
    from judged
    where status is not null
),

still_missing_keys as (
    select la_code, child, $as_of::date as month_end
    from listed
    where status = 'still missing'
),

still_missing_teams as (
    -- a child still missing belongs to their team at $as_of (team_at_month_end: fact_child_month at that month end,
    -- or the month end before if not looked after then, else 'Unallocated'); a returned one to the team at the end
    -- of the month they came back (fact_missing_episode.return_team), as missing_rhi_in_time counts them
    select distinct la_code, child, team from team_at_month_end('still_missing_keys', la_codes := $la_codes)
),

with_team as (
    select l.*, coalesce(t.team, l.return_team) as listed_team
    from listed as l
    left join still_missing_teams as t on l.status = 'still missing' and t.la_code = l.la_code and t.child = l.child
),

final as (
    select
        w.child,
        w.la_code,
        w.listed_team as team,
        o.sw_id as social_worker,
        w.missing_type,
        w.mis_start,
        w.mis_end,
        round(epoch(w.offer_at - w.mis_end) / 3600, 1) as hours_to_offer,
        w.status,
        round(epoch(case w.status
            when 'offered late' then w.offer_at - w.deadline
            when 'no interview recorded' then $as_of::date::timestamp - w.deadline
        end) / 3600, 1) as hours_late,
        case when w.status = 'still missing' then $as_of::date - w.mis_start
             else datediff('day', w.mis_start, w.mis_end::date) end as days_missing
    from with_team as w
    left join on_as_of as o using (la_code, child)
)

select *
from final
where ($team is null or team = $team)
order by
    case status when 'still missing' then 1 when 'no interview recorded' then 2 else 3 end,
    case when status = 'still missing' then days_missing end desc nulls last,
    hours_late desc nulls last,
    la_code,
    child,
    mis_start
