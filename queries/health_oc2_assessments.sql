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
-- source: fact_child_month, fact_care_episode, fact_oc2, series_rows() (etl/derived_health.sql)
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, oc2
-- window: 12 months
-- benchmark: health_oc2_assessments
-- extra_columns: oc2_records (cohort children with an OC2 row for the year), teeth_checked (of the cohort, OC2
--   TEETH_CHECK = 1)

with

child_month as (
    select la_code, child, month_end, team, period_start
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month(month_end) = 3
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

short_breaks as (
    select la_code, child, decom, dec
    from fact_care_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and ls in ('V3', 'V4')
),

oc2 as (
    select la_code, child, return_year, health_assessment, teeth_check
    from fact_oc2
    where ($la_codes is null or list_contains($la_codes, la_code))
),

cohort as (
    select cm.*
    from child_month as cm
    where cm.period_start <= make_date(year(cm.month_end) - 1, 4, 1)
      and not exists (
          select 1
          from short_breaks as s
          where s.la_code = cm.la_code and s.child = cm.child
            and s.decom <= cm.month_end
            and (s.dec is null or s.dec >= make_date(year(cm.month_end) - 1, 4, 1))
      )
),

with_oc2 as (
    select c.*, o.child is not null as has_oc2, coalesce(o.health_assessment, false) as health_assessment,
           coalesce(o.teeth_check, false) as teeth_check
    from cohort as c
    left join oc2 as o
        on o.la_code = c.la_code and o.child = c.child and o.return_year = year(c.month_end)
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
    from with_oc2
    group by la_code, month_end, team
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month, month_of_year := 3)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
