-- title: Files missing from the latest load
-- theme: data_quality
-- question: Which expected files were absent when each authority was last loaded?
-- shape: table
-- grain: one row per authority and file
-- keys: la_code, file
-- numerator: n/a
-- denominator: n/a
-- rule: The loader records every contract file it expected but did not find (status 'missing'); measures built
--   on a missing file show no data rather than a wrong zero.
-- source: load_log
-- polarity: lower is better
-- unit: files
-- params: $la_codes
with

load_log as (
    select * from load_log
),

latest_load as (
    select la_code, arg_max(load_id, loaded_at) as load_id
    from load_log
    group by la_code
),

final as (
    select g.la_code, g.file, g.loaded_at
    from load_log as g
    join latest_load as l using (la_code, load_id)
    where g.status = 'missing'
      and ($la_codes is null or list_contains($la_codes, g.la_code))
)

select * from final order by file
