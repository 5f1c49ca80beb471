-- title: Children with 3 or more placements in 12 months (list)
-- theme: reviews
-- question: Which children looked after on the date had 3 or more placements in the 12 months to it?
-- shape: list
-- grain: one row per child looked after on $as_of with 3 or more placements in the 12 months to $as_of
-- keys: la_code, child
-- numerator: n/a
-- denominator: n/a
-- rule: As placements_3plus (DfE placement stability measure): a placement (fact_placement) counts when it started
--   on or before $as_of and had not ended on or before the window's first day ($as_of + 1 day - 12 months); exactly
--   3 is on the list. Children on a short break (legal status V3/V4) on $as_of are excluded and placements made
--   only of short-break episodes are not counted, as in placements_3plus. Most placements first, then the most
--   recent move.
-- source: fact_placement (via looked_after_at), fact_allocation, fact_worker_spell
-- polarity: lower is better
-- unit: placements
-- params: $la_codes, $team, $as_of
-- requires: episodes
-- window: 12 months
-- beside_child: placements
with

looked_after as (
    select la_code, child, team, sw_id as social_worker, place, ls
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and ($team::varchar is null or team = $team::varchar)
      and coalesce(ls, '') not in ('V3', 'V4')
),

placement_counts as (
    select
        l.la_code, l.child,
        count(*) as placements,
        max(p.placement_start) as latest_placement_start
    from looked_after as l
    join (
        select la_code, child, placement_start, placement_end
        from fact_placement
        where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
          and not short_break
    ) as p
        on p.la_code = l.la_code and p.child = l.child
       and p.placement_start <= $as_of::date
       and (p.placement_end is null or p.placement_end > ($as_of::date + interval 1 day - interval 12 month)::date)
    group by l.la_code, l.child
),

final as (
    select
        l.child,
        l.la_code,
        l.team,
        l.social_worker,
        c.placements,
        c.latest_placement_start,
        l.place as current_place
    from looked_after as l
    join placement_counts as c using (la_code, child)
    where c.placements >= 3
)

select * from final
order by placements desc, latest_placement_start desc, la_code, child
