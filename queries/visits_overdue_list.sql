-- title: Children whose statutory visit is overdue
-- theme: visits
-- question: Which children looked after on the date are overdue a statutory social worker visit, by how long, and
--   who is their social worker?
-- shape: list
-- grain: one row per child looked after on $as_of whose next statutory visit was due before $as_of
-- keys: la_code, child
-- numerator: n/a
-- denominator: n/a
-- rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 28 (as visits_in_time): due date =
--   placement start + 7 days while there is no visit on or after the current placement's start ('7 days after
--   placement start'); otherwise last visit + 42 days ('6 weeks'), or last visit + 3 calendar months ('3 months
--   (long-term placement)') when the placement in force on the date of the last visit is a long-term foster
--   placement (PLACE U1 or U4, any legal status) that had lasted at least one year at that visit. Overdue when
--   $as_of > due date (a visit exactly 42 days before $as_of is in time, 43 days is overdue). days_overdue = $as_of
--   - due date; last_visit_date is the last visit on or after the current placement's start (null if none yet) and
--   days_since_last_visit = $as_of - last_visit_date.
-- source: fact_care_episode (via looked_after_at), fact_allocation, fact_worker_spell, fact_visit,
--   visit_rule() and visit_due_date() (etl/derived_visits.sql)
-- polarity: lower is better
-- unit: children
-- params: $la_codes, $team, $as_of
-- requires: episodes, visits
-- window: 3 months
-- order: most days overdue first, then child
-- beside_child: days_overdue, days_since_last_visit

with

on_date as (
    select la_code, child, at_date, team, sw_id as social_worker, placement_start, place
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes is null or list_contains($la_codes, la_code))
      and ($team is null or team = $team)
),

visits as (
    select la_code, child, visit_date
    from fact_visit
    where ($la_codes is null or list_contains($la_codes, la_code))
      and visit_date <= $as_of::date
),

episodes as (
    select la_code, child, decom, place
    from fact_care_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
),

latest_visit as (
    select od.*, v.visit_date as latest_visit_date
    from on_date as od
    asof left join visits as v
        on v.la_code = od.la_code and v.child = od.child and v.visit_date <= od.at_date
),

last_visit as (
    select
        * exclude (latest_visit_date),
        case when latest_visit_date >= placement_start then latest_visit_date end as last_visit_date
    from latest_visit
),

placement_type_at_visit as (
    select lv.*, e.place as place_at_last_visit
    from last_visit as lv
    asof left join episodes as e
        on e.la_code = lv.la_code and e.child = lv.child and e.decom <= lv.last_visit_date
),

rules as (
    -- reg 28 timescales: visit_rule() in etl/derived_visits.sql
    select *, visit_rule(last_visit_date, place_at_last_visit, placement_start) as rule_applied
    from placement_type_at_visit
),

due as (
    select *, visit_due_date(rule_applied, placement_start, last_visit_date) as due_date
    from rules
),

final as (
    select
        child,
        la_code,
        team,
        social_worker,
        placement_start,
        last_visit_date,
        rule_applied,
        due_date,
        at_date - due_date as days_overdue,
        at_date - last_visit_date as days_since_last_visit
    from due
    where at_date > due_date
)

select * from final
order by days_overdue desc, la_code, child
