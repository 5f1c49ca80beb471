-- title: Published benchmarks: statistical neighbours, region, England and the spread of all authorities
-- theme: benchmarks
-- question: For each measure the DfE publishes, what was this authority's published figure each year, and how does
--   it compare with its ten statistical neighbours, its region, England and every other authority?
-- shape: table
-- grain: one row per measure and published period (31 March, or 30 September for the workforce) with a figure for
--   the authority
-- keys: measure, period_end
-- numerator: n/a
-- denominator: n/a
-- rule: The DfE's Local Authority Interactive Tool (LAIT) convention. neighbours_mean / neighbours_median: the mean
--   (LAIT) and the median (the DfE's outcomes and enablers dashboard) of the published figures of the authority's
--   ten statistical neighbours (benchmark_neighbours; neighbours_n says how many had a figure that year; the
--   grouping's file name says which revision). region_value / england_value: the published regional and national
--   figures. q1, q2, q3: the quartiles of every authority's figure that period by linear interpolation (DuckDB
--   quantile_cont, as R's and numpy's default); n_authorities counts them; rank_high is this authority's rank with
--   the highest figure 1st, rank_low with the lowest 1st (ties share a rank). The quartile band (A best) and the
--   rank with the measure's polarity are applied by lens/benchmarks.py. The authority is found by its la_code (an
--   ONS code such as E06000039) among the published authorities.
-- source: benchmark_value, benchmark_neighbours (python -m etl benchmarks), dim_authority
-- polarity: neutral
-- unit: as the measure
-- params: $la_codes
with

authority as (
    select la_code from dim_authority
    where list_contains($la_codes::varchar[], la_code)
),

published as (
    select * from benchmark_value
),

mine as (
    select p.measure, p.period_end, p.value, p.old_la_code, p.area_code
    from published as p
    join authority as a on a.la_code = p.area_code
    where p.level = 'la'
),

identity as (
    -- the authority's old number and region, from any of its published rows
    select any_value(p.old_la_code) filter (where p.old_la_code is not null) as old_la_code,
           any_value(p.region_code) filter (where p.region_code is not null) as region_code
    from published as p
    join authority as a on a.la_code = p.area_code
),

neighbour_codes as (
    select n.neighbour_old_code, n.grouping
    from benchmark_neighbours as n
    join identity as i on i.old_la_code = n.old_la_code
),

neighbour_values as (
    select p.measure, p.period_end, p.value
    from published as p
    join neighbour_codes as n on n.neighbour_old_code = p.old_la_code
    where p.level = 'la' and p.value is not null
),

neighbours as (
    select measure, period_end, round(avg(value), 2) as neighbours_mean, round(median(value), 2) as neighbours_median,
           count(*) as neighbours_n
    from neighbour_values
    group by measure, period_end
),

spread as (
    select
        measure, period_end,
        quantile_cont(value, 0.25) as q1, quantile_cont(value, 0.5) as q2, quantile_cont(value, 0.75) as q3,
        count(*) as n_authorities
    from published
    where level = 'la' and value is not null
    group by measure, period_end
),

ranks as (
    select
        measure, period_end, area_code,
        rank() over (partition by measure, period_end order by value desc) as rank_high,
        rank() over (partition by measure, period_end order by value asc) as rank_low
    from published
    where level = 'la' and value is not null
),

region as (
    select p.measure, p.period_end, p.value as region_value
    from published as p
    join identity as i on i.region_code = p.area_code
    where p.level = 'regional'
),

england as (
    select measure, period_end, value as england_value
    from published
    where level = 'national'
),

final as (
    select
        m.measure,
        m.period_end,
        m.value,
        n.neighbours_mean,
        n.neighbours_median,
        coalesce(n.neighbours_n, 0) as neighbours_n,
        (select any_value(grouping) from neighbour_codes) as neighbour_grouping,
        r.region_value,
        e.england_value,
        s.q1,
        s.q2,
        s.q3,
        s.n_authorities,
        k.rank_high,
        k.rank_low
    from mine as m
    left join neighbours as n using (measure, period_end)
    left join region as r using (measure, period_end)
    left join england as e using (measure, period_end)
    left join spread as s using (measure, period_end)
    left join ranks as k on k.measure = m.measure and k.period_end = m.period_end and k.area_code = m.area_code
)

select * from final order by measure, period_end
