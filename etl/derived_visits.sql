-- Statutory visit timescales (Care Planning, Placement and Case Review (England) Regulations 2010, reg 28), written
-- once for every visits measure and list: within 1 week of a placement starting, then at intervals of not more than
-- 6 weeks in the first year of the placement, then not more than 3 months where the placement is intended to last
-- until 18. That intention is not in the SSDA903 data; the documented proxy is a foster placement (PLACE U1-U6)
-- under a full care order (LS C2 on the date of the last visit) that has lasted at least a year at that visit.

-- visit_rule(): which timescale applies, given the last visit in the current placement (null if none yet).
create or replace macro visit_rule(last_visit_date, place, ls_at_last_visit, placement_start) as
    case
        when last_visit_date is null then '7 days after placement start'
        when place in ('U1', 'U2', 'U3', 'U4', 'U5', 'U6')
             and ls_at_last_visit = 'C2'
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
