-- title: Authorities in the warehouse
-- theme: filters
-- question: Which authorities can be chosen, and what period does each one's data cover?
-- shape: table
-- grain: one row per authority
-- keys: la_code
-- numerator: n/a
-- denominator: n/a
-- rule: An authority is listed once it has been loaded; its months run from the first to the last month end
--   with a child looked after (fact_child_month).
-- source: dim_authority, fact_child_month
-- polarity: neutral
-- unit: n/a
-- params: none
with

authorities as (
    select la_code, la_name, loaded_at from dim_authority
),

months as (
    select la_code, min(month_end) as first_month, max(month_end) as last_month
    from fact_child_month
    group by la_code
),

final as (
    select a.la_code, a.la_name, a.loaded_at, m.first_month, m.last_month
    from authorities as a
    left join months as m using (la_code)
)

select * from final order by la_name
