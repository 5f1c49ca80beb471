-- title: Authorities in the warehouse
-- theme: filters
-- question: Which authorities can be chosen, and what period does each one's data cover?
-- shape: table
-- grain: one row per authority
-- keys: la_code
-- numerator: n/a
-- denominator: n/a
-- rule: An authority is listed once it has been loaded; its months run from the first to the last month end
--   with a child looked after (fact_child_month), or to the month of its Annex A snapshot if that is later (an
--   authority with only its Annex A workbook has that one month). synthetic is true only where its authority.toml said
--   `synthetic = true` (generated data); false for a warehouse loaded before that column existed.
-- source: dim_authority, fact_child_month, annex_a_snapshot
-- polarity: neutral
-- unit: n/a
-- params: none
with

authorities as (
    -- read through the row as JSON so a warehouse built before dim_authority.synthetic existed still opens
    select la_code, la_name, loaded_at, coalesce((to_json(a) ->> 'synthetic')::boolean, false) as synthetic
    from dim_authority as a
),

months as (
    -- the months of the SSDA903 episodes, and the month of an Annex A snapshot (an authority with only its Annex A
    -- workbook loaded is shown at that month)
    select la_code, min(month_end) as first_month, max(month_end) as last_month
    from (
        select la_code, month_end from fact_child_month
        union all
        select la_code, last_day(snapshot_date) from annex_a_snapshot
    )
    group by la_code
),

final as (
    select a.la_code, a.la_name, a.loaded_at, a.synthetic, m.first_month, m.last_month
    from authorities as a
    left join months as m using (la_code)
)

select * from final order by la_name
