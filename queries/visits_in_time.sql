-- title: Statutory visits in timescale
-- theme: visits
-- question: Of the children looked after at each month end, what share had their statutory social worker visits
--   in timescale, i.e. their next visit was not yet overdue on that day?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is
--   the team of their allocated worker at the month end, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children looked after at the month end whose next statutory visit was not yet due (month end <= due date)
-- denominator: children looked after at the month end
-- rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 28: a child is visited within 1 week
--   of the start of any placement, then at intervals of not more than 6 weeks for the first year of the placement,
--   then not more than 3 months where the placement is intended to last until the child is 18, otherwise 6 weeks.
--   Due date = placement start + 7 days while there is no visit on or after the placement start (rule
--   '7 days after placement start'); otherwise last visit in the placement + 42 days (rule '6 weeks'), or last visit
--   + 3 calendar months (rule '3 months (long-term placement)') when the placement is intended to last until 18:
--   in SSDA903 terms a long-term foster placement, PLACE U1 or U4, in force on the date of the last visit (any legal
--   status), that has lasted at least one year at that visit (last visit on or after the first anniversary of its
--   start; an interval begun in the first year is a first-year interval of at most 6 weeks). U2/U5 (fostering for
--   adoption), U3/U6 (not long-term) and every other placement stay at 6 weeks. Day counting: "within N days"
--   means the visit date <= start + N days, so a child last visited exactly 42 days before the month end is in time
--   and 43 days is overdue; 3 months is calendar months (31 March + 3 months = 30 June; the day after is overdue).
--   A visit on the placement's start day counts as the first visit in that placement.
-- source: fact_child_month_visit (etl/derived_visits.sql: fact_child_month with each child's last visit in the
--   placement, the placement type then, visit_rule() and visit_due_date()), authority_coverage
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, visits
-- window: 3 months
-- headline: yes
-- short: Visits in timescale
-- extra_columns: children_7_days, children_6_weeks, children_3_months (children under each rule) and
--   overdue_7_days, overdue_6_weeks, overdue_3_months (of those, overdue)


with

child_month as (
    -- fact_child_month_visit (etl/derived_visits.sql): each child looked after at the month end with the reg 28
    -- rule that applies (visit_rule()) and the date their next visit is due (visit_due_date())
    select la_code, team, month_end, rule_applied, due_date
    from fact_child_month_visit
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

status as (
    select *, month_end <= due_date as in_time
    from child_month
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where in_time) as numerator,
        count(*) as denominator,
        count(*) filter (where rule_applied = '7 days after placement start') as children_7_days,
        count(*) filter (where rule_applied = '6 weeks') as children_6_weeks,
        count(*) filter (where rule_applied = '3 months (long-term placement)') as children_3_months,
        count(*) filter (where rule_applied = '7 days after placement start' and not in_time) as overdue_7_days,
        count(*) filter (where rule_applied = '6 weeks' and not in_time) as overdue_6_weeks,
        count(*) filter (where rule_applied = '3 months (long-term placement)' and not in_time) as overdue_3_months
    from status
    group by la_code, team, month_end
),

final as (
    -- percent_series (etl/derived_health.sql): 'All teams' rows = sums of the team rows, for every month end in
    -- authority_coverage; value = round(100 * numerator / denominator, 1), null when the denominator is 0
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
