-- title: Care proceedings past 26 weeks or without pre-proceedings
-- theme: legal
-- question: Which children's care proceedings are open past 26 weeks on a date, and which were issued in the last 12
--   months with no pre-proceedings when there was no emergency?
-- shape: list
-- grain: one row per legal case (a child can appear more than once), as at $as_of
-- keys: la_code, child, proceedings_issued_date
-- numerator: n/a
-- denominator: n/a
-- rule: As legal_proceedings_26_weeks: listed when open on $as_of (issued on or before it, no final order on or before
--   it) for more than 182 days ($as_of - issued > 182: exactly 26 weeks is within), or issued in the 12 months to
--   $as_of ($as_of - 1 year + 1 day to $as_of) with no PLO decision date and no emergency (no L1, L2 or L3 episode
--   starting in the 30 days up to the issue date). A case can be both. Team = the child's team at $as_of
--   (fact_child_month at that month end, or the month end before, else 'Unallocated'), as the series; social worker
--   allocated on $as_of.
-- source: fact_legal, fact_care_episode, team_at_month_end(), looked_after_at()
-- polarity: lower is better
-- unit: cases
-- params: $la_codes, $team, $as_of
-- requires: legal
-- window: 12 months
-- order: open past 26 weeks first (longest first), then issued without pre-proceedings, then child
-- beside_child: weeks_open
-- columns: child, la_code, team, social_worker, plo_decision_date (null: none), proceedings_issued_date,
--   final_order_date (null while open on $as_of), weeks_open (to $as_of or the final order, 1 decimal),
--   over_26_weeks (open on $as_of past 182 days), without_pre_proceedings (issued in the 12 months with no PLO and
--   no emergency)

with

cases as (
    select l.la_code, l.child, l.plo_decision_date, l.proceedings_issued_date as issued, l.final_order_date as final
    from fact_legal as l
    where ($la_codes is null or list_contains($la_codes, l.la_code))
      and l.proceedings_issued_date <= $as_of::date
),

judged as (
    select
        c.*,
        coalesce(c.final, date '9999-12-31') > $as_of::date and $as_of::date - c.issued > 182 as over_26_weeks,
        c.issued > ($as_of::date - interval 1 year)::date and c.plo_decision_date is null
            and not exists (
                select 1 from fact_care_episode as e
                where e.la_code = c.la_code and e.child = c.child and e.ls in ('L1', 'L2', 'L3')
                  and e.decom between c.issued - 30 and c.issued
            ) as without_pre_proceedings
    from cases as c
),

listed as (
    select la_code, child, $as_of::date as month_end, * exclude (la_code, child)
    from judged
    where over_26_weeks or without_pre_proceedings
),

with_team as (
    select * from team_at_month_end('listed', la_codes := $la_codes)
),

on_as_of as (
    select la_code, child, sw_id
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes is null or list_contains($la_codes, la_code))
),

final as (
    select
        w.child,
        w.la_code,
        w.team,
        o.sw_id as social_worker,
        w.plo_decision_date,
        w.issued as proceedings_issued_date,
        case when w.final <= $as_of::date then w.final end as final_order_date,
        round((least(coalesce(w.final, $as_of::date), $as_of::date) - w.issued) / 7.0, 1) as weeks_open,
        w.over_26_weeks,
        w.without_pre_proceedings
    from with_team as w
    left join on_as_of as o using (la_code, child)
    where ($team is null or w.team = $team)
)

select * from final
order by over_26_weeks desc, weeks_open desc, la_code, child, proceedings_issued_date
