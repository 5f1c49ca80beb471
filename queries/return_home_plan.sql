-- title: Children returning home with an agreed plan
-- theme: plans
-- question: Of the children who left care to go home to their family in the 12 months to the month end, how many had
--   a multi-agency plan agreed by the day they went home?
-- shape: series
-- grain: one row per authority, team and month end: returns home in the 12 months to the month end (team 'All teams'
--   is the authority figure; a child belongs to their team at the end of the month they went home, or the month end
--   before, fact_return_home; team rows appear for months with returns)
-- keys: la_code, team, month_end
-- numerator: of those children, the ones with a return home plan agreed on or before the day they ceased to be
--   looked after
-- denominator: periods of care that ended with the child going home (REC E4A returned home to parents as part of the
--   care plan, E4B not part of it, E13 to live with parents or relatives: etl/contract.py RETURN_HOME_REC) in the 12
--   months to the month end (month end - 1 year + 1 day to the month end); short breaks (V3, V4) left out
-- rule: Ofsted's monitoring letter (2017): "multi-agency plans to ensure that the needs of children returning home
--   from care are met were too often not in place". A plan (return_home_plans.csv) is matched on CHILD and
--   CEASED_DATE = the DEC of the episode that ended the period of care; it counts when PLAN_AGREED_DATE <= that DEC
--   (agreed on the day they went home counts, the day after does not). A period has ended when no later episode
--   starts on or before its DEC (fact_return_home, etl/derived_plans.sql).
-- source: fact_return_home (etl/derived_plans.sql: fact_care_episode, fact_return_home_plan), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, return_home_plans
-- window: 12 months
-- extra_columns: planned_returns (REC E4A), multi_agency (plans in time agreed by 2 or more agencies), plan_late (a
--   plan agreed after the child went home, by the month end)

with

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

returns as (
    select r.la_code, r.team, m.month_end, r.rec, r.plan_in_time, r.agencies,
           r.plan_agreed_date > r.ceased_date and r.plan_agreed_date <= m.month_end as plan_late
    from fact_return_home as r
    join months as m on r.ceased_date between (m.month_end - interval 1 year)::date + 1 and m.month_end
    where ($la_codes is null or list_contains($la_codes, r.la_code))
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where plan_in_time) as numerator,
        count(*) as denominator,
        count(*) filter (where rec = 'E4A') as planned_returns,
        count(*) filter (where plan_in_time and agencies >= 2) as multi_agency,
        count(*) filter (where plan_late) as plan_late
    from returns
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
