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
