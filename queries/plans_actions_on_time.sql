-- title: Plan actions done by their due date
-- theme: plans
-- question: Of the actions in looked-after children's plans that fell due in the month, how many were done by their
--   due date?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; an action belongs to
--   the child's team at the end of the month it fell due, from fact_child_month, or at the month end before if they
--   were not looked after then, else 'Unallocated'; team rows appear for months with actions due)
-- keys: la_code, team, month_end
-- numerator: actions due in the month that were done on or before their due date
-- denominator: actions due in the month (DUE_DATE in the month) whose child was looked after on the due date
-- rule: Done by the due date: COMPLETED_DATE <= DUE_DATE (an action done on its due date is in time, the day after
--   is late). Looked after on the due date: an episode (fact_care_episode) started on or before it and not ended on
--   or before it. Every action due in the month is judged by its due date, so a month's figure is final at its end.
--   Actions raised before the extract's first month are not in it (window).
-- source: fact_plan_action, fact_care_episode, team_at_month_end(), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, plan_actions
-- window: 3 months
-- extra_columns: done_late (done after the due date, by the data's end), not_done (not done by the data's end)

with

actions as (
    select a.la_code, a.child, a.action_id, a.due_date, a.completed_date, last_day(a.due_date) as month_end
    from fact_plan_action as a
    where ($la_codes is null or list_contains($la_codes, a.la_code))
      and a.due_date between date_trunc('month', $from_month::date) and last_day($to_month::date)
),

looked_after as (
    select a.*
    from actions as a
    semi join fact_care_episode as e
        on e.la_code = a.la_code and e.child = a.child
       and e.decom <= a.due_date and coalesce(e.dec, date '9999-12-31') > a.due_date
),

with_team as (
    select * from team_at_month_end('looked_after', la_codes := $la_codes)
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where completed_date <= due_date) as numerator,
        count(*) as denominator,
        count(*) filter (where completed_date > due_date) as done_late,
        count(*) filter (where completed_date is null) as not_done
    from with_team
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
