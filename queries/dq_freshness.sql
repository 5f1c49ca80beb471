-- title: Data freshness
-- theme: data_quality
-- question: How recent is each kind of data, and how many rows does the warehouse hold?
-- shape: table
-- grain: one row per authority and table
-- keys: la_code, data
-- numerator: n/a
-- denominator: n/a
-- rule: The latest date in each fact table; a table whose latest date is well before the others has probably
--   not been refreshed (for example a visits extract from an older run).
-- source: fact_episode, fact_visit, fact_review, fact_missing, fact_health_assessment, fact_allocation,
--   fact_worker_spell, load_log
-- polarity: neutral
-- unit: dates
-- params: $la_codes
with

dates as (
    select la_code, 'Episodes (SSDA903)' as data, count(*) as rows_held, max(greatest(decom, coalesce(dec, decom))) as latest_date
    from fact_episode group by la_code
    union all
    select la_code, 'Reviews (SSDA903)', count(*), max(review_date) from fact_review group by la_code
    union all
    select la_code, 'Missing episodes (SSDA903)', count(*), max(mis_start) from fact_missing group by la_code
    union all
    select la_code, 'Social worker episodes', count(*), max(greatest(sw_decom, coalesce(sw_dec, sw_decom)))
    from fact_allocation group by la_code
    union all
    select la_code, 'Visits (case system)', count(*), max(visit_date) from fact_visit group by la_code
    union all
    select la_code, 'Health assessments (case system)', count(*), max(assessment_date)
    from fact_health_assessment group by la_code
    union all
    select la_code, 'Workforce (case system)', count(*), max(greatest(start_date, coalesce(end_date, start_date)))
    from fact_worker_spell group by la_code
),

loaded as (
    select la_code, max(loaded_at) as last_loaded_at from load_log group by la_code
),

final as (
    select d.la_code, d.data, d.rows_held, d.latest_date, l.last_loaded_at
    from dates as d
    left join loaded as l using (la_code)
    where ($la_codes is null or list_contains($la_codes, d.la_code))
)

select * from final order by la_code, data
