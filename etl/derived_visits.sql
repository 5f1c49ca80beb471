-- Statutory visit timescales (Care Planning, Placement and Case Review (England) Regulations 2010, reg 28), written
-- once for every visits measure and list: within 1 week of a placement starting, then at intervals of not more than
-- 6 weeks in the first year of the placement, then not more than 6 weeks, or not more than 3 months where the
-- placement is intended to last until the child is 18. SSDA903 says that intention with PLACE U1 and U4 (long-term
-- fostering, with a relative or friend / with another carer); every other placement, including U2/U5 (fostering for
-- adoption) and U3/U6 (not long-term), stays at 6 weeks after its first year, whatever the legal status.

-- visit_rule(): which timescale applies, given the last visit in the current placement (null if none yet), the
-- placement type in force on the date of that visit and the placement's start. 3 months needs a U1/U4 placement
-- that had lasted a year at the last visit (the visit on or after the first anniversary of its start): an interval
-- begun in the first year is a first-year interval of at most 6 weeks.
create or replace macro visit_rule(last_visit_date, place_at_last_visit, placement_start) as
    case
        when last_visit_date is null then '7 days after placement start'
        when place_at_last_visit in ('U1', 'U4')
             and last_visit_date >= (placement_start + interval 1 year)::date
            then '3 months (long-term placement)'
        else '6 weeks'
    end;

-- visit_due_date(): the last day the next visit is in time ("within N days": day N in time, day N+1 late).
create or replace macro visit_due_date(rule_applied, placement_start, last_visit_date) as
    case rule_applied
        when '7 days after placement start' then placement_start + 7
        when '6 weeks' then last_visit_date + 42
        else (last_visit_date + interval 3 month)::date
    end;

-- fact_child_month_visit: one row per fact_child_month row (a child looked after at a month end) with their visits
-- as at that month end, worked out once for the visits measures instead of per query (two ASOF joins over every
-- child-month are what made them slow at national scale).
-- Columns: la_code, child_key, month_end, team, placement_start; last_visit_date = the latest visit on or before the
-- month end if it is in the current placement (on or after placement_start), else null; place_at_last_visit = PLACE
-- of the episode in force on that visit's date (fact_episode_keyed); rule_applied and due_date = visit_rule() and
-- visit_due_date() for them (the next visit is in time while month_end <= due_date); longest_ended_gap = the longest
-- gap in days ended by a visit in this month (each visit's gap from the previous visit in its placement, or from the
-- placement's start; null when the child had no visit in the month or none inside a placement). Placements are
-- fact_placement's [placement_start, placement_end): a visit on the day a placement ends belongs to the next one.
create or replace table fact_child_month_visit as
with
placements as (
    select child_key, placement_start, coalesce(placement_end, date '9999-12-31') as placement_end
    from fact_placement
),
ended_gaps as (
    -- each visit's gap from the previous visit in its placement (previous_visit_date, when on or after the
    -- placement's start), or from the placement's start; null for a visit outside any placement
    select
        v.child_key,
        v.visit_date,
        case
            when p.placement_start is null then null
            when v.previous_visit_date >= p.placement_start then v.visit_date - v.previous_visit_date
            else v.visit_date - p.placement_start
        end as gap_days
    from fact_visit_keyed as v
    left join placements as p
        on p.child_key = v.child_key and p.placement_start <= v.visit_date and v.visit_date < p.placement_end
),
visit_months as (
    -- per child and month with a visit: the month's last visit and the longest gap that ended in the month
    select child_key, last_day(visit_date) as month_end, max(visit_date) as last_visit_date,
        max(gap_days) as longest_ended_gap
    from ended_gaps
    group by child_key, last_day(visit_date)
),
visit_month_place as (
    -- the placement type in force on the date of each month's last visit
    select vm.*, e.place
    from visit_months as vm
    asof left join fact_episode_keyed as e
        on e.child_key = vm.child_key and e.decom <= vm.last_visit_date
),
latest as (
    -- the latest month with a visit on or before the month end: its last visit is the child's latest visit
    select
        cm.la_code, cm.child_key, cm.month_end, cm.team, cm.placement_start,
        case when v.last_visit_date >= cm.placement_start then v.last_visit_date end as last_visit_date,
        case when v.last_visit_date >= cm.placement_start then v.place end as place_at_last_visit,
        case when v.month_end = cm.month_end then v.longest_ended_gap end as longest_ended_gap
    from fact_child_month as cm
    asof left join visit_month_place as v
        on v.child_key = cm.child_key and v.last_visit_date <= cm.month_end
),
ruled as (
    select *, visit_rule(last_visit_date, place_at_last_visit, placement_start) as rule_applied
    from latest
)
select
    la_code, child_key, month_end, team, placement_start, last_visit_date, place_at_last_visit, rule_applied,
    visit_due_date(rule_applied, placement_start, last_visit_date) as due_date, longest_ended_gap
from ruled;
