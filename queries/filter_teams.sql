-- title: Teams in the chosen authorities
-- theme: filters
-- question: Which teams can be chosen?
-- shape: table
-- grain: one row per authority and team
-- keys: la_code, team
-- numerator: n/a
-- denominator: n/a
-- rule: Teams named in the workforce extract, plus 'Unallocated' when children have no allocated worker.
-- source: dim_team, fact_child_month
-- polarity: neutral
-- unit: n/a
-- params: $la_codes
with

teams as (
    select la_code, team from dim_team
    union
    select distinct la_code, team from fact_child_month where team = 'Unallocated'
),

final as (
    select la_code, team from teams
    where ($la_codes is null or list_contains($la_codes, la_code))
)

select * from final order by team = 'Unallocated', team
