-- title: Authorities to compare an authority with
-- theme: filters
-- question: Which loaded authorities can an authority be compared with: every one, those in its region, or its
--   statistical neighbours?
-- shape: table
-- grain: one row per comparison group and loaded authority in it, the authority itself included
-- keys: grouping, la_code
-- numerator: n/a
-- denominator: n/a
-- rule: grouping 'all': every authority in the warehouse. 'region': the loaded authorities whose published figures
--   (benchmark_value, level 'la', from python -m etl benchmarks) name the same region as the authority's own
--   (group_label: the region's published name, else its code). 'neighbours': the authority and those of its ten
--   statistical neighbours (benchmark_neighbours: the DfE's grouping, matched on the DfE's three-digit authority
--   number) that are loaded (group_label: the grouping file, which says which revision). A group is returned only
--   when the authority has published figures and the group holds another loaded authority; synthetic authorities
--   (Z99 codes) have none, so only 'all' applies to them. is_focus marks the authority asked about.
-- source: dim_authority, benchmark_value, benchmark_neighbours
-- polarity: neutral
-- unit: n/a
-- params: $la_codes
with

loaded as (
    select la_code, la_name from dim_authority
),

focus as (
    select la_code from loaded
    where list_contains($la_codes::varchar[], la_code)
),

published as (
    -- each published authority's codes and region (any of its rows that names them)
    select
        area_code,
        any_value(old_la_code) filter (where old_la_code is not null) as old_la_code,
        any_value(region_code) filter (where region_code is not null) as region_code
    from benchmark_value
    where level = 'la'
    group by area_code
),

identity as (
    select p.* from published as p
    join focus as f on f.la_code = p.area_code
),

region_name as (
    select area_code as region_code, any_value(area_name) as region_label
    from benchmark_value
    where level = 'regional' and area_name is not null
    group by area_code
),

region_members as (
    select 'region' as grouping, coalesce(any_value(r.region_label), i.region_code) as group_label, p.area_code as la_code
    from identity as i
    join published as p on p.region_code = i.region_code
    left join region_name as r on r.region_code = i.region_code
    group by i.region_code, p.area_code
),

neighbour_members as (
    select 'neighbours' as grouping, any_value(n.grouping) as group_label, p.area_code as la_code
    from identity as i
    join benchmark_neighbours as n on n.old_la_code = i.old_la_code
    join published as p on p.old_la_code = n.neighbour_old_code
    group by p.area_code
    union all
    select 'neighbours', any_value(n.grouping), i.area_code
    from identity as i
    join benchmark_neighbours as n on n.old_la_code = i.old_la_code
    group by i.area_code
),

members as (
    select 'all' as grouping, 'every loaded authority' as group_label, la_code from loaded
    union all
    select * from region_members
    union all
    select * from neighbour_members
),

loaded_members as (
    -- a group is worth offering only when it holds another loaded authority besides the focus
    select m.grouping, m.group_label, m.la_code, l.la_name, m.la_code in (select la_code from focus) as is_focus,
           count(*) over (partition by m.grouping) as authorities
    from members as m
    join loaded as l using (la_code)
),

final as (
    select grouping, group_label, la_code, la_name, is_focus, authorities
    from loaded_members
    where authorities > 1 or grouping = 'all'
)

select * from final
order by case grouping when 'all' then 1 when 'region' then 2 else 3 end, la_name
