-- title: Rejected rows by reason
-- theme: data_quality
-- question: In the latest load of each authority, how many rows were kept out of the measures, and why?
-- shape: table
-- grain: one row per authority, file, column and reason
-- keys: la_code, file, column_name, reason
-- numerator: n/a
-- denominator: n/a
-- rule: A row that breaks a rule of the input contract (unparseable date, code not in the code list, end before
--   start, unknown child, ...) is kept in rejected_rows, not in the facts; this counts them for the latest load.
-- source: rejected_rows, load_log
-- polarity: lower is better
-- unit: rows
-- params: $la_codes
with

rejected_rows as (
    select * from rejected_rows
),

latest_load as (
    select la_code, arg_max(load_id, loaded_at) as load_id
    from load_log
    group by la_code
),

final as (
    select r.la_code, r.file, r.column_name, r.reason, count(*) as rows_rejected,
           min(r.line) as first_line, any_value(r.value) as example_value
    from rejected_rows as r
    join latest_load as l using (la_code, load_id)
    where ($la_codes is null or list_contains($la_codes, r.la_code))
    group by all
)

select * from final order by rows_rejected desc, file, reason
