-- title: Proceedings not pursued, with no plan recorded
-- theme: legal
-- question: When pre-proceedings end in a decision not to go to court, is a plan for the child recorded ("when legal
--   processes are halted ... plans are not always formally agreed or recorded")?
-- shape: series
-- grain: one row per authority, team and month end: cases whose pre-proceedings ended without court in the 12 months
--   to the month end (team 'All teams' is the authority figure; a case belongs to the child's team at the month
--   end, from fact_child_month, or at the month end before if they were not looked after then, else 'Unallocated';
--   team rows appear for months with cases)
-- keys: la_code, team, month_end
-- numerator: of those cases, the ones with no plan recorded by the month end
-- denominator: cases with OUTCOME NOT_PURSUED whose pre-proceedings ended in the 12 months to the month end (month
--   end - 1 year + 1 day to the month end)
-- rule: Pre-proceedings end on the latest of the PLO decision, letter and meeting dates. A plan is recorded when an
--   action is added to the child's plan (plan_actions, any plan type) on or after that day and on or before the
--   month end: the contract has no separate record of the plan agreed when court is not pursued, so the plan's
--   first action stands for it. Cases with no PLO date are not counted.
-- source: fact_legal, fact_plan_action, team_at_month_end(), percent_series()
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: legal, plan_actions
-- window: 12 months

with

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

cases as (
    select la_code, child, greatest(plo_decision_date, plo_letter_date, plo_meeting_date) as plo_end
    from fact_legal
    where ($la_codes is null or list_contains($la_codes, la_code))
      and outcome = 'NOT_PURSUED'
      and coalesce(plo_decision_date, plo_letter_date, plo_meeting_date) is not null
),

case_months as (
    select
        c.la_code,
        c.child,
        m.month_end,
        not exists (
            select 1 from fact_plan_action as a
            where a.la_code = c.la_code and a.child = c.child
              and a.raised_date between c.plo_end and m.month_end
        ) as no_plan
    from cases as c
    join months as m on c.plo_end between (m.month_end - interval 1 year)::date + 1 and m.month_end
),

with_team as (
    select * from team_at_month_end('case_months', la_codes := $la_codes)
),

counts as (
    select la_code, team, month_end, count(*) filter (where no_plan) as numerator, count(*) as denominator
    from with_team
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
