-- title: Annual health assessments (DfE OC2 measure)
-- theme: health
-- question: Of the children looked after continuously for 12 months or more at 31 March, what share had their
--   annual health assessment in the year (the DfE's published OC2 measure)?
-- shape: series
-- grain: one row per authority, team and 31 March in the period (March month ends only; team 'All teams' is the
--   authority figure; a child's team is the team of their allocated worker at 31 March, from fact_child_month)
-- keys: la_code, team, month_end
-- numerator: children in the denominator whose OC2 record for the return year ending that 31 March says
--   HEALTH_ASSESSMENT = 1
-- denominator: children looked after at 31 March who had been looked after continuously since 1 April of the year
--   before or earlier, with no short-break (V3/V4) episode during the year
-- rule: DfE definition (SSDA903 OC2 return; published as OC2_healthassmt / OC2_12mths in SFR50/2017 and as 'Had
--   their annual health assessment' in the CLA outcomes tables): the cohort is children looked after continuously for
--   at least 12 months at 31 March, i.e. the period of care began on or before 1 April of the previous year and was
--   still open at 31 March (a period ending on 31 March is not looked after that day), excluding children with any
--   V3/V4 short-break episode open during the year (as the DfE validator's CONTINUOUSLY_LOOKED_AFTER flag does). The
--   cohort is derived from episodes, not from which children have OC2 rows, so a missing OC2 row counts as no
--   assessment (oc2_records shows how many cohort children have one). Compare with the England average.
-- source: fact_oc2_cohort (etl/derived_health.sql: fact_child_month, fact_care_episode, fact_oc2), series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, oc2
-- window: 12 months
-- benchmark: health_oc2_assessments
-- extra_columns: oc2_records (cohort children with an OC2 row for the year), teeth_checked (of the cohort, OC2
--   TEETH_CHECK = 1)

with

cohort as (
    -- the cohort, each child with their OC2 record for the year, built at load (etl/derived_health.sql)
    select la_code, team, month_end, has_oc2, health_assessment, teeth_check
    from fact_oc2_cohort
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

counts as (
    -- per team; each child is in exactly one team at 31 March, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where health_assessment) as numerator,
        count(*) as denominator,
        count(*) filter (where has_oc2) as oc2_records,
        count(*) filter (where teeth_check) as teeth_checked
    from cohort
    group by la_code, month_end, team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month, month_of_year := 3)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
