-- title: Annex A lists loaded
-- theme: data_quality
-- question: Which Annex A lists were loaded, as at which date (and where that date was read), and how many children
--   in care do they hold?
-- shape: table
-- grain: one row per authority and Annex A list loaded
-- keys: la_code, list
-- numerator: n/a
-- denominator: n/a
-- rule: annex_a_snapshot as the loader wrote it (etl/load_annex_a.py): the snapshot date from authority.toml's
--   annex_a_date or a labelled cell above the header row; rows_kept = rows that went in, children_in_care = those in
--   care on the snapshot date (fact_annex_a_child).
-- source: annex_a_snapshot, fact_annex_a_child
-- polarity: neutral
-- unit: rows
-- params: $la_codes

with

snapshots as (
    select * from annex_a_snapshot
    where ($la_codes is null or list_contains($la_codes, la_code))
),

in_care as (
    select la_code, snapshot_date, count(*) as children_in_care
    from fact_annex_a_child
    group by la_code, snapshot_date
),

final as (
    select
        s.la_code,
        s.list,
        s.sheet,
        s.snapshot_date,
        s.date_from,
        s.header_row,
        s.rows_kept,
        coalesce(c.children_in_care, 0) as children_in_care
    from snapshots as s
    left join in_care as c using (la_code, snapshot_date)
)

select * from final order by la_code, list
