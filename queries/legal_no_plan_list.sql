-- title: Children whose proceedings were not pursued, with no plan recorded
-- theme: legal
-- question: Which children's pre-proceedings ended without court in the 12 months to a date with no plan recorded
--   since?
-- shape: list
-- grain: one row per legal case (a child can appear more than once), as at $as_of
-- keys: la_code, child, plo_end
-- numerator: n/a
-- denominator: n/a
-- rule: As legal_no_plan: OUTCOME NOT_PURSUED, pre-proceedings ended (the latest of the PLO decision, letter and
--   meeting dates) in the 12 months to $as_of ($as_of - 1 year + 1 day to $as_of), and no action added to the child's
--   plan from that day to $as_of. Team = the child's team at $as_of (fact_child_month at that month end, or the month
--   end before, else 'Unallocated'), as the series; social worker allocated on $as_of.
-- source: fact_legal, fact_plan_action, team_at_month_end(), looked_after_at()
-- polarity: lower is better
-- unit: cases
-- params: $la_codes, $team, $as_of
-- requires: legal, plan_actions
-- window: 12 months
-- scope: pre-proceedings ended in the 12 months to $as_of
-- order: the longest without a plan first, then child
-- beside_child: days_without_plan
-- columns: child, la_code, team, social_worker, plo_decision_date, plo_letter_date, plo_meeting_date, plo_end (the
--   day pre-proceedings ended), days_without_plan ($as_of - plo_end)

with

cases as (
    select
        la_code, child, plo_decision_date, plo_letter_date, plo_meeting_date,
        greatest(plo_decision_date, plo_letter_date, plo_meeting_date) as plo_end
    from fact_legal
    where ($la_codes is null or list_contains($la_codes, la_code))
      and outcome = 'NOT_PURSUED'
      and coalesce(plo_decision_date, plo_letter_date, plo_meeting_date) is not null
),

listed as (
    select c.la_code, c.child, $as_of::date as month_end, c.* exclude (la_code, child)
    from cases as c
    where c.plo_end between ($as_of::date - interval 1 year)::date + 1 and $as_of::date
      and not exists (
          select 1 from fact_plan_action as a
          where a.la_code = c.la_code and a.child = c.child and a.raised_date between c.plo_end and $as_of::date
      )
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
        w.plo_decision_date,
        w.plo_letter_date,
        w.plo_meeting_date,
        w.plo_end,
        $as_of::date - w.plo_end as days_without_plan
    from with_team as w
    left join on_as_of as o using (la_code, child)
    where ($team is null or w.team = $team)
)

select * from final
order by days_without_plan desc, la_code, child
