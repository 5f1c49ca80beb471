-- title: Plan actions overdue
-- theme: plans
-- question: How many actions in looked-after children's plans were overdue at the month end, and by how long, so that
--   "key actions within children's plans are not always carried out in good time" shows as a number?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; an action belongs to
--   the team of the child's allocated worker at the month end, from fact_child_month, 'Unallocated' if none; team
--   rows appear for months with overdue actions)
-- keys: la_code, team, month_end
-- numerator: actions overdue at the month end: due before the month end and not done by it, in the plans of children
--   looked after at the month end
-- denominator: n/a (a count)
-- rule: An action due on day d is in time when it is done on or before d (COMPLETED_DATE <= DUE_DATE) and overdue
--   from d + 1 until the day it is done. At a month end m it is overdue when DUE_DATE < m and it has no
--   COMPLETED_DATE or one after m; days_overdue = m - DUE_DATE (an action due on 30 March and not done is 1 day
--   overdue at 31 March; one due on 31 March is not yet overdue). Only children looked after at the month end
--   (fact_child_month) and actions raised in their current period of care (raised on or after its start) are
--   counted: when a child leaves care their plan ends, and an action left open then does not come back if they
--   return. Actions raised before the extract's first month are not in it, so the first few months may count too
--   few (window).
-- source: fact_plan_action, fact_child_month, count_series()
-- polarity: lower is better
-- unit: actions
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, plan_actions
-- window: 3 months
-- extra_columns: children (with one or more overdue actions), days_overdue_total (days overdue summed over the
--   actions), mean_days_overdue (per overdue action; 0 when none), max_days_overdue

with

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

actions as (
    select la_code, child, action_id, raised_date, due_date, completed_date
    from fact_plan_action
    where ($la_codes is null or list_contains($la_codes, la_code))
      and due_date < last_day($to_month::date)
),

overdue as (
    -- one row per action and month end at which it was overdue
    select a.la_code, a.child, a.action_id, a.raised_date, m.month_end, m.month_end - a.due_date as days_overdue
    from actions as a
    join months as m
        on a.due_date < m.month_end and coalesce(a.completed_date, date '9999-12-31') > m.month_end
),

looked_after as (
    select o.*, cm.team
    from overdue as o
    join fact_child_month as cm on cm.la_code = o.la_code and cm.child = o.child and cm.month_end = o.month_end
    where o.raised_date >= cm.period_start
),

counts as (
    -- the authority's own rows (a child counts once in 'All teams'; means and maxima are not sums of the teams')
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        month_end,
        count(*) as numerator,
        count(distinct child) as children,
        sum(days_overdue) as days_overdue_total,
        round(avg(days_overdue), 1) as mean_days_overdue,
        max(days_overdue) as max_days_overdue
    from looked_after
    group by grouping sets ((la_code, month_end), (la_code, month_end, team))
),

final as (
    select * from count_series('counts', $la_codes, $team, $from_month, $to_month, sum_teams := false)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
