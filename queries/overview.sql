-- title: Overview: every headline measure against its target
-- theme: overview
-- question: For each headline measure, where is it now against its target, and is it getting better or worse?
-- shape: table
-- grain: one row per measure, la_code, team and month_end
-- keys: measure, la_code, team, month_end
-- numerator: the headline measure's own numerator
-- denominator: the headline measure's own denominator
-- rule: RAG: green when the value meets the target; amber when it misses by no more than amber_within
--   (points, or days/ratio in the measure's unit); red otherwise; grey when there is no value or no target, or the
--   month is not 'ok' (status 'no data': a source file does not cover it; 'partial': the measure looks back further
--   than the data goes; status_note says which). Direction of travel compares with the previous month and with 12
--   months earlier, using the measure's polarity: 'better', 'worse' or 'same'; only between two 'ok' months. Targets come from queries/targets.csv (an authority can edit its copy; setting
--   PRACTICE_LENS_TARGETS points at it); defaults are the statutory expectation or the latest England average.
-- source: the headline series (every measure whose header says `headline: yes`), queries/targets.csv
-- polarity: neutral
-- unit: as the measure
-- params: $la_codes, $team, $from_month, $to_month (passed to each headline measure)
-- inputs: headline series
with

headline_values as (
    select * from headline_values
),

targets as (
    select * from targets
),

with_history as (
    select
        v.*,
        case when lag(v.status) over w = 'ok' then lag(v.value) over w end as value_last_month,
        case when lag(v.status, 12) over w = 'ok' then lag(v.value, 12) over w end as value_last_year
    from headline_values as v
    window w as (partition by v.measure, v.la_code, v.team order by v.month_end)
),

scored as (
    select
        h.*,
        t.target,
        t.amber_within,
        t.basis as target_basis,
        case when h.higher_is_better then 1 when h.higher_is_better = false then -1 else 0 end as sign
    from with_history as h
    left join targets as t using (measure)
),

final as (
    select
        measure, title, theme, unit, la_code, team, month_end, numerator, denominator, value, status, status_note,
        target, amber_within, target_basis, higher_is_better,
        case
            when status <> 'ok' or value is null or target is null or sign = 0 then 'grey'
            when sign * (value - target) >= 0 then 'green'
            when sign * (value - target) >= -amber_within then 'amber'
            else 'red'
        end as rag,
        case when status = 'ok' then value - value_last_month end as change_last_month,
        case when status = 'ok' then value - value_last_year end as change_last_year,
        case
            when sign = 0 or status <> 'ok' or value is null or value_last_month is null then null
            when sign * (value - value_last_month) > 0 then 'better'
            when sign * (value - value_last_month) < 0 then 'worse'
            else 'same'
        end as direction_last_month,
        case
            when sign = 0 or status <> 'ok' or value is null or value_last_year is null then null
            when sign * (value - value_last_year) > 0 then 'better'
            when sign * (value - value_last_year) < 0 then 'worse'
            else 'same'
        end as direction_last_year
    from scored
)

select * from final
where month_end between last_day($from_month::date) and last_day($to_month::date)
order by measure, la_code, team, month_end
