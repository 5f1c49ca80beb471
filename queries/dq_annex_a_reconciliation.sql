-- title: Annex A List 8 agreeing with the event data
-- theme: data_quality
-- question: On the Annex A List 8 snapshot date, what share of the children in care in either source are in both
--   and have the same last visit, review, health assessment and dental check in each?
-- shape: series
-- grain: one row per authority, team and month end; a figure only for the month of the Annex A snapshot date, worked
--   out at that date; team = the child's team in the event data (their allocated worker's on the date, 'Unallocated'
--   if none), or the list's Allocated Team for a child on the list only
-- keys: la_code, team, month_end
-- numerator: children in both sources whose compared dates all agree
-- denominator: children in care on the snapshot date in either source: on Annex A List 8 (Date Started to be Looked
--   After on or before it, Date Ceased blank or after it) or looked after in the SSDA903 episodes (an episode
--   started on or before it and not ended on or before it)
-- rule: fact_annex_a_reconciliation (etl/derived_annex_a.sql). The event data's last visit, review, health
--   assessment (initial or review) and dental check are the latest on or before the snapshot date in the visits
--   extract, the SSDA903 reviews and the health assessments extract. A pair of dates is compared only where that
--   file covers the snapshot's month, and a date before the first month it covers counts as none on either side (it
--   cannot be in the event data). Two dates differ when they are not the same day, or one side has none.
--   dq_annex_a_differences_list names the denominator - numerator children.
-- source: fact_annex_a_reconciliation (fact_annex_a_child, fact_care_episode, worker_and_team_on(), fact_visit,
--   fact_review, fact_health_assessment, source_coverage), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: annex_a_list_8, episodes
-- window: 1 month
-- extra_columns: in_both, only_annex_a, only_event (children in one source only), visit_differs, review_differs,
--   health_differs, dental_differs (children in both whose date differs)

with

children as (
    select *
    from fact_annex_a_reconciliation
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where finding = 'agree') as numerator,
        count(*) as denominator,
        count(*) filter (where in_annex_a and in_event) as in_both,
        count(*) filter (where finding = 'in Annex A only') as only_annex_a,
        count(*) filter (where finding = 'in the event data only') as only_event,
        count(*) filter (where visit_differs) as visit_differs,
        count(*) filter (where review_differs) as review_differs,
        count(*) filter (where health_differs) as health_differs,
        count(*) filter (where dental_differs) as dental_differs
    from children
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
