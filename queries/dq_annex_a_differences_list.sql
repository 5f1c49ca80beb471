-- title: Children on which Annex A List 8 and the event data disagree
-- theme: data_quality
-- question: Which children are in care on the Annex A snapshot date in one source and not the other, or have a
--   different last visit, review, health assessment or dental check in each, and who is their social worker?
-- shape: list
-- grain: one row per child in care on the snapshot date of the Annex A list in $as_of's month, in either source,
--   whose finding is not 'agree'
-- keys: la_code, child
-- numerator: n/a
-- denominator: n/a
-- rule: As dq_annex_a_reconciliation (fact_annex_a_reconciliation, etl/derived_annex_a.sql): finding 'in Annex A
--   only' (on the list, not looked after in the SSDA903 episodes on the date), 'in the event data only', or 'dates
--   differ' (differs names which: last visit, review, health assessment, dental check). The dates of each side are
--   given; a pair is compared only where the event file covers the snapshot's month. team and social_worker from the
--   event data where the child is in it, else the list's Allocated Team and Allocated Worker.
-- source: fact_annex_a_reconciliation
-- polarity: lower is better
-- unit: children
-- params: $la_codes, $team, $as_of
-- requires: annex_a_list_8, episodes
-- window: 1 month
-- order: in Annex A only, in the event data only, dates differ; then child
-- beside_child: finding

with

children as (
    select *
    from fact_annex_a_reconciliation
    where ($la_codes is null or list_contains($la_codes, la_code))
      and ($team is null or team = $team)
      and month_end = last_day($as_of::date)
      and finding <> 'agree'
),

final as (
    select
        child,
        la_code,
        team,
        social_worker,
        finding,
        concat_ws(', ',
            case when visit_differs then 'last visit' end,
            case when review_differs then 'last review' end,
            case when health_differs then 'last health assessment' end,
            case when dental_differs then 'last dental check' end) as differs,
        snapshot_date,
        annex_last_visit,
        event_last_visit,
        annex_last_review,
        event_last_review,
        annex_last_health,
        event_last_health,
        annex_last_dental,
        event_last_dental
    from children
)

select * from final
order by case finding when 'in Annex A only' then 1 when 'in the event data only' then 2 else 3 end, la_code, child
