-- title: Loads of each file
-- theme: data_quality
-- question: Which files were loaded, when, with how many rows read, loaded and rejected?
-- shape: table
-- grain: one row per load and file
-- keys: load_id, file
-- numerator: n/a
-- denominator: n/a
-- rule: Every `python -m etl load` run appends one row per contract file (status loaded, empty: a header and no
--   rows, or missing; ignored: a folder under ssda903/ that is not a year), with the file's sha256, so a number can
--   be traced to the exact file it came from. Every row read is loaded, rejected or superseded: rows_superseded =
--   rows_read - rows_loaded - rows_rejected are valid rows that a later return restates (the same child's episode,
--   review or missing episode in the next collection year's file, which is kept instead).
-- source: load_log
-- polarity: neutral
-- unit: rows
-- params: $la_codes
with

load_log as (
    select * from load_log
),

final as (
    select load_id, loaded_at, la_code, file, status, rows_read, rows_loaded, rows_rejected,
           rows_read - rows_loaded - rows_rejected as rows_superseded, round(duration_s, 2) as duration_s, sha256
    from load_log
    where ($la_codes is null or list_contains($la_codes, la_code))
)

select * from final order by loaded_at desc, file
