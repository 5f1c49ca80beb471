-- title: Statutory visits in timescale (Annex A snapshot)
-- theme: visits
-- question: Of the children in care on the Annex A List 8 snapshot date, what share had their statutory social
--   worker visit in timescale then, by the dates the list gives?
-- shape: series
-- grain: one row per authority, team and month end; a figure only for the month of the Annex A snapshot date,
--   worked out at that date (not at the month end); team = the list's Allocated Team, 'Unallocated' when blank
-- keys: la_code, team, month_end
-- numerator: children in the denominator whose next statutory visit was not yet due on the snapshot date
--   (snapshot date <= due date)
-- denominator: children on Annex A List 8 in care on the snapshot date (Date Started to be Looked After on or before
--   it, Date Ceased to be Looked After blank or after it)
-- rule: As visits_in_time (Care Planning, Placement and Case Review (England) Regulations 2010, reg 28), from the
--   list's own dates: the placement start is Start Date of Most Recent Placement (Date Started to be Looked After
--   when it is blank or the column absent); Date of Last Social Work Visit counts when on or after it. visit_rule()
--   and visit_due_date() (etl/derived_visits.sql): due 7 days after the placement start while there is no visit in
--   the placement, else last visit + 42 days, or + 3 calendar months when Placement Type is U1 or U4 and the last
--   visit was on or after the placement's first anniversary. A visit exactly 42 days before the snapshot date is
--   in time, 43 days overdue. Shown where the visits extract gives no data for the month (stands_in_for).
-- source: fact_annex_a_child (etl/derived_annex_a.sql, from Annex A List 8), visit_rule(), visit_due_date(),
--   percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: annex_a_list_8
-- window: 1 month
-- stands_in_for: visits_in_time
-- extra_columns: children_7_days, children_6_weeks, children_3_months (children under each rule) and
--   overdue_7_days, overdue_6_weeks, overdue_3_months (of those, overdue)

with

children as (
    select
        la_code, team, month_end, snapshot_date, placement_start, place,
        case when last_visit >= placement_start then last_visit end as last_visit_in_placement
    from fact_annex_a_child
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

rules as (
    -- the placement type of the current placement is its type at a visit in it
    select *, visit_rule(last_visit_in_placement, place, placement_start) as rule_applied
    from children
),

status as (
    select *, snapshot_date <= visit_due_date(rule_applied, placement_start, last_visit_in_placement) as in_time
    from rules
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
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
