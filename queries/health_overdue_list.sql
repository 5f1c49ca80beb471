-- title: Children with a health assessment or dental check overdue
-- theme: health
-- question: Which children looked after on a date have their initial or review health assessment, or their dental
--   check, overdue, and by how long?
-- shape: list
-- grain: one row per child and overdue assessment ('IHA', 'RHA' or 'DENTAL'; a child can have an RHA and a dental
--   check overdue), as at $as_of
-- keys: la_code, child, assessment
-- numerator: n/a
-- denominator: n/a
-- rule: Statutory guidance 'Promoting the health and wellbeing of looked-after children' (DfE/DH, 2015), with the
--   same rules as health_up_to_date and health_dental: IHA due 20 working days after the period of care began
--   (Mon-Fri except England's bank holidays) while no IHA or RHA is recorded in the period; otherwise next due 6
--   calendar months after the latest assessment if the child was under 5 on its date, else 12 months; a dental
--   check is due 12 months after the last one, for children looked after 12 months or more (DfE convention; with no
--   check on record it fell due when the child completed 12 months: period start + 12 months - 1 day). Overdue
--   means $as_of is after the due date (days_overdue = $as_of - due_date; for a never-checked child's dental check it
--   can be 0 on the day they complete 12 months). Only records dated on or before $as_of count. Children on a
--   short-break legal status (V3/V4) are out of scope. Worst (most days overdue) first.
-- source: looked_after_at() (children, team and social worker on $as_of), fact_health_period (iha_due) and
--   fact_health_review (latest IHA/RHA, next due) from etl/derived_health.sql, fact_health_assessment (dental)
-- polarity: lower is better
-- unit: children
-- params: $la_codes, $team, $as_of
-- requires: episodes, health_assessments
-- window: 12 months
-- columns: child, la_code, team, social_worker, assessment, rule_applied, last_assessment_date (latest IHA/RHA in
--   the period for IHA/RHA rows, latest dental check for DENTAL; null if none), due_date, days_overdue
-- beside_child: days_overdue

with

on_as_of as (
    select la_code, child, team, sw_id, period_start, ls
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes is null or list_contains($la_codes, la_code))
      and (ls is null or ls not in ('V3', 'V4'))
),

assessments as (
    select la_code, child, assessment_date, assessment_type
    from fact_health_assessment
    where ($la_codes is null or list_contains($la_codes, la_code))
      and assessment_date <= $as_of::date
),

periods as (
    select la_code, child, period_start, iha_due
    from fact_health_period
    where ($la_codes is null or list_contains($la_codes, la_code))
),

reviews as (
    select la_code, child, assessment_date, review_months, next_due
    from fact_health_review
    where ($la_codes is null or list_contains($la_codes, la_code))
      and assessment_date <= $as_of::date
),

iha_due as (
    select o.*, p.iha_due
    from on_as_of as o
    left join periods as p using (la_code, child, period_start)
),

last_health as (
    -- the latest IHA/RHA in the current period of care, on or before $as_of
    select
        o.la_code,
        o.child,
        max(h.assessment_date) as last_date,
        arg_max(h.review_months, h.assessment_date) as review_months,
        arg_max(h.next_due, h.assessment_date) as next_due
    from on_as_of as o
    join reviews as h
        on h.la_code = o.la_code and h.child = o.child and h.assessment_date >= o.period_start
    group by o.la_code, o.child
),

last_dental as (
    select la_code, child, max(assessment_date) as last_date
    from assessments
    where assessment_type = 'DENTAL'
    group by la_code, child
),

health_due as (
    select
        d.*,
        h.last_date,
        case
            when h.last_date is null then 'IHA'
            else 'RHA'
        end as assessment,
        case
            when h.last_date is null then '20 working days after entering care'
            when h.review_months = 6 then '6 months (under 5 at the last assessment)'
            else '12 months (5 or over at the last assessment)'
        end as rule_applied,
        coalesce(h.next_due, d.iha_due) as due_date
    from iha_due as d
    left join last_health as h using (la_code, child)
),

dental_due as (
    select
        o.*,
        l.last_date,
        'DENTAL' as assessment,
        '12 months (dental check)' as rule_applied,
        coalesce((l.last_date + interval 12 month)::date, (o.period_start + interval 12 month)::date - 1) as due_date
    from on_as_of as o
    left join last_dental as l using (la_code, child)
    where (o.period_start + interval 12 month)::date - 1 <= $as_of::date
),

overdue as (
    select la_code, child, team, sw_id, assessment, rule_applied, last_date, due_date
    from health_due
    where $as_of::date > due_date
    union all
    select la_code, child, team, sw_id, assessment, rule_applied, last_date, due_date
    from dental_due
    where last_date is null or $as_of::date > due_date
),

final as (
    select
        child,
        la_code,
        team,
        sw_id as social_worker,
        assessment,
        rule_applied,
        last_date as last_assessment_date,
        due_date,
        $as_of::date - due_date as days_overdue
    from overdue
    where ($team is null or team = $team)
)

select *
from final
order by days_overdue desc, la_code, child, assessment
