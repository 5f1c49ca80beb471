-- title: Months each file covers
-- theme: data_quality
-- question: For each source file, which months does the warehouse hold data for, so that a measure built on it is
--   'no data' (never 0) outside them?
-- shape: table
-- grain: one row per authority and contract source file (files never supplied included, with no months)
-- keys: la_code, source
-- numerator: n/a
-- denominator: n/a
-- rule: source_coverage (built by the loader; see docs/data-formats.md 'Absent files and years'): an SSDA903 file
--   covers the 12 months of its return year; a visits, health assessments, return interviews, plan actions or
--   supervisions extract the months from its first to its last dated row; workforce and establishment from their
--   first start to the data's end while a row is open; legal, strategy meetings and return home plans (rare events)
--   from their first dated row to the data's end; never after the month of the load. months_covered counts them; gaps counts the months
--   between first_month and last_month that are not covered (a year's file missing, say).
-- source: source_coverage, load_log, dim_authority
-- polarity: neutral
-- unit: months
-- params: $la_codes
with

authorities as (
    select la_code from dim_authority
    where ($la_codes is null or list_contains($la_codes, la_code))
),

sources as (
    -- every file the loader expected (load_log lists absent ones as 'missing') or that covers some month
    select distinct regexp_extract(file, '([a-z0-9_]+)\.csv$', 1) as source
    from load_log
    where file like '%.csv'
    union
    select distinct source from source_coverage
),

covered as (
    select la_code, source, min(month_end) as first_month, max(month_end) as last_month, count(*) as months_covered
    from source_coverage
    where ($la_codes is null or list_contains($la_codes, la_code))
    group by la_code, source
),

final as (
    select
        a.la_code,
        s.source,
        c.first_month,
        c.last_month,
        coalesce(c.months_covered, 0) as months_covered,
        coalesce(datediff('month', c.first_month, c.last_month) + 1 - c.months_covered, 0) as gaps
    from authorities as a
    cross join sources as s
    left join covered as c on c.la_code = a.la_code and c.source = s.source
)

select * from final order by la_code, months_covered = 0 desc, source
