-- title: Rows kept with a warning
-- theme: data_quality
-- question: In the latest load of each authority, which rows broke a DfE or contract rule but were kept (a value
--   blanked, the row kept as recorded, or an overlapping episode ended early), in which file and on which line?
-- shape: table
-- grain: one row per warning (a row that breaks two rules has two)
-- keys: la_code, file, line, column_name, rule
-- numerator: n/a
-- denominator: n/a
-- rule: The loader's rules that keep the row (etl/load_sql.py WARNINGS, listed in docs/data-formats.md): e.g.
--   'overlapping episodes' (an episode still open when the child's next one started: the later DECOM wins),
--   'REC without DEC' (blanked), 'DEC without REC' (kept), 'date after the collection year' (an end date blanked),
--   'code not in list' in a descriptive column (blanked). value is the value as in the file (for overlapping
--   episodes: the recorded DEC and the file and line of the later episode).
-- source: load_warnings, load_log
-- polarity: lower is better
-- unit: rows
-- params: $la_codes
with

load_warnings as (
    select * from load_warnings
),

load_log as (
    select * from load_log
),

latest_load as (
    select la_code, arg_max(load_id, loaded_at) as load_id
    from load_log
    group by la_code
),

final as (
    select w.la_code, w.file, w.line, w.column_name, w.rule, w.action, w.value
    from load_warnings as w
    join latest_load as l using (la_code, load_id)
    where ($la_codes is null or list_contains($la_codes, w.la_code))
)

select * from final order by la_code, file, line, column_name
