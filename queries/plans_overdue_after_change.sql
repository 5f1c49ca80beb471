-- title: Plan actions overdue after a change of social worker
-- theme: plans
-- question: When a looked-after child's social worker changes, do the actions in their plan drift - how many of the
--   actions due in the 90 days after the change were not done by their due date, compared with the 90 days before?
-- shape: series
-- grain: one row per authority, team and month of the change (month_end = last day of the month the new allocation
--   began; team 'All teams' is the authority figure; a change's team is the new worker's team on the change date,
--   fact_sw_change; team rows appear for months with changes)
-- keys: la_code, team, month_end
-- numerator: actions due in the 90 days after the month's changes of social worker (the change day and the 89 days
--   after it) that were not done by their due date
-- denominator: actions due in the 90 days after the month's changes (changes whose 90 days are complete in the data)
-- rule: A change of social worker as in visits_after_change (etl/derived_plans.sql, fact_sw_change): a new allocation
--   to another worker while the child is looked after, not the first of a period of care. Not done by the due date:
--   COMPLETED_DATE after DUE_DATE, or none (an action done on its due date is in time). Before: actions due in the 90
--   days before the change (change - 90 to the day before). An action due in the windows of two changes counts for
--   each. Changes whose 90 days after would end after the plan actions extract's last month are left out until
--   complete.
-- source: fact_sw_change (etl/derived_plans.sql), fact_plan_action, source_coverage, percent_series()
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, sw_episodes, plan_actions
-- window: 3 months
-- pending: changes_pending
-- extra_columns: changes (changes of social worker counted), changes_pending (changes in the month whose 90 days
--   after are not yet inside the plan actions extract: not counted yet, and the month is partial), actions_before
--   and overdue_before (actions due in the 90 days before the changes, and those not done by their due date),
--   value_before (overdue_before as a % of actions_before: the comparison for value)

with

data_end as (
    select la_code, max(month_end) as last_month
    from source_coverage
    where source = 'plan_actions' and ($la_codes is null or list_contains($la_codes, la_code))
    group by la_code
),

changes as (
    -- complete: the 90 days after the change are inside the plan actions extract (else not counted yet: pending)
    select c.la_code, c.child, c.change_date, c.team, row_number() over () as change_id,
        c.change_date + 89 <= d.last_month as complete
    from fact_sw_change as c
    join data_end as d on d.la_code = c.la_code
    where ($la_codes is null or list_contains($la_codes, c.la_code))
      and c.change_date between date_trunc('month', $from_month::date) and last_day($to_month::date)
),

judged as (
    -- each change with the actions due in the 90 days either side of it
    select
        c.change_id,
        c.la_code,
        c.team,
        c.complete,
        last_day(c.change_date) as month_end,
        a.due_date >= c.change_date as after_change,
        coalesce(a.completed_date <= a.due_date, false) as in_time,
        a.action_id is not null as has_action
    from changes as c
    left join fact_plan_action as a
        on c.complete and a.la_code = c.la_code and a.child = c.child
       and a.due_date >= c.change_date - 90 and a.due_date < c.change_date + 90
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where has_action and after_change and not in_time) as numerator,
        count(*) filter (where has_action and after_change) as denominator,
        count(distinct change_id) filter (where complete) as changes,
        count(distinct change_id) filter (where not complete) as changes_pending,
        count(*) filter (where has_action and not after_change) as actions_before,
        count(*) filter (where has_action and not after_change and not in_time) as overdue_before
    from judged
    group by la_code, team, month_end
),

final as (
    select *, round(100.0 * overdue_before / nullif(actions_before, 0), 1) as value_before
    from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
