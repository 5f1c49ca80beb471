-- title: Children with 3 or more social workers in 12 months
-- theme: sw_changes
-- question: Which children looked after on the date have had 3 or more different social workers in the 12 months to
--   that date, who were they, and when did the latest change happen?
-- shape: list
-- grain: one row per child looked after on $as_of with 3 or more different social workers in the 12 months to $as_of
-- keys: la_code, child
-- numerator: n/a
-- denominator: n/a
-- rule: As sw_changes (DfE SSDA903 SWEpisodes, "3 or more social workers during the year"): the 12 months to $as_of
--   run from ($as_of - 1 year) + 1 day to $as_of; an allocation counts when it began on or before $as_of and ended
--   (SW_DEC, the worker's last day) on or after the window's first day; a worker allocated twice counts once.
--   workers lists the SW_IDs in the order each was first allocated (earliest SW_DECOM among the counted
--   allocations); latest_change_date is the start (SW_DECOM) of the most recent counted allocation;
--   days_since_last_visit = $as_of - the last visit on or after the current placement's start (null if none yet,
--   as in visits_overdue_list).
-- source: fact_placement (via looked_after_at), fact_allocation, fact_worker_spell, fact_visit
-- polarity: lower is better
-- unit: children
-- params: $la_codes, $team, $as_of
-- requires: episodes, sw_episodes
-- window: 12 months
-- order: most workers first, then most recent change first, then child
-- beside_child: number_of_workers

with

on_date as (
    select la_code, child, at_date, team, sw_id as social_worker, placement_start
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes is null or list_contains($la_codes, la_code))
      and ($team is null or team = $team)
),

allocations as (
    select a.la_code, a.child, a.sw_id, a.sw_decom
    from fact_allocation as a
    join on_date as od
        on od.la_code = a.la_code and od.child = a.child
    where a.sw_decom <= $as_of::date
      and (a.sw_dec is null or a.sw_dec >= ($as_of::date - interval 1 year)::date + 1)
),

per_worker as (
    select la_code, child, sw_id, min(sw_decom) as first_start, max(sw_decom) as last_start
    from allocations
    group by all
),

per_child as (
    select
        la_code,
        child,
        count(*) as number_of_workers,
        string_agg(sw_id, ', ' order by first_start, sw_id) as workers,
        max(last_start) as latest_change_date
    from per_worker
    group by all
    having count(*) >= 3
),

last_visit as (
    select od.la_code, od.child, max(v.visit_date) as last_visit_date
    from on_date as od
    join fact_visit as v
        on v.la_code = od.la_code and v.child = od.child
       and v.visit_date between od.placement_start and od.at_date
    group by all
),

final as (
    select
        od.child,
        od.la_code,
        od.team,
        od.social_worker,
        pc.number_of_workers,
        pc.workers,
        pc.latest_change_date,
        od.at_date - lv.last_visit_date as days_since_last_visit
    from on_date as od
    join per_child as pc using (la_code, child)
    left join last_visit as lv using (la_code, child)
)

select * from final
order by number_of_workers desc, latest_change_date desc, la_code, child
