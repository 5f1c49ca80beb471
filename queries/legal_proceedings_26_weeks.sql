-- title: Care proceedings concluded within 26 weeks
-- theme: legal
-- question: Of the care proceedings that ended in the 12 months to the month end, how many ended within the 26 weeks
--   the law allows; how many open proceedings have run past 26 weeks; and how many were issued with no
--   pre-proceedings when there was no emergency?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a case belongs to the
--   child's team at the month end, from fact_child_month, or at the month end before if they were not looked after
--   then, else 'Unallocated'; team rows appear for months with cases)
-- keys: la_code, team, month_end
-- numerator: proceedings with a final order in the 12 months to the month end that lasted no more than 26 weeks
-- denominator: proceedings with a final order in the 12 months to the month end (month end - 1 year + 1 day to the
--   month end)
-- rule: Children and Families Act 2014 s14 (Children Act 1989 s32(1)(a)): care proceedings are to be completed within
--   26 weeks of the day the application was issued. Duration = FINAL_ORDER_DATE - PROCEEDINGS_ISSUED_DATE in days;
--   within 26 weeks when <= 182 days (exactly 26 weeks is within; 182 days + 1 is over). Open at a month end m:
--   issued on or before m and no final order on or before m; over 26 weeks when m - issued > 182. Issued without
--   pre-proceedings: issued in the 12 months to the month end with no PLO decision date, and no emergency (no episode
--   with legal status L1 police protection, L2 emergency protection order or L3 child assessment order starting in
--   the 30 days up to the issue date: the letter accepts emergency action, not a bypassed PLO).
-- source: fact_legal, fact_care_episode, team_at_month_end(), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: legal
-- window: 12 months
-- extra_columns: open_proceedings (open at the month end), open_over_26_weeks (of those, open more than 182 days),
--   issued_in_year (issued in the 12 months to the month end), issued_without_plo (of those, with no pre-proceedings
--   and no emergency)

with

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

cases as (
    select l.la_code, l.child, l.plo_decision_date, l.proceedings_issued_date as issued, l.final_order_date as final
    from fact_legal as l
    where ($la_codes is null or list_contains($la_codes, l.la_code))
      and l.proceedings_issued_date is not null
),

flagged as (
    select
        c.*,
        exists (
            select 1 from fact_care_episode as e
            where e.la_code = c.la_code and e.child = c.child and e.ls in ('L1', 'L2', 'L3')
              and e.decom between c.issued - 30 and c.issued
        ) as emergency
    from cases as c
),

case_months as (
    select
        f.la_code,
        f.child,
        m.month_end,
        f.final between (m.month_end - interval 1 year)::date + 1 and m.month_end as concluded_in_year,
        f.final - f.issued <= 182 as within_26_weeks,
        f.issued <= m.month_end and coalesce(f.final, date '9999-12-31') > m.month_end as open_now,
        m.month_end - f.issued > 182 as over_26_weeks,
        f.issued between (m.month_end - interval 1 year)::date + 1 and m.month_end as issued_in_year,
        f.plo_decision_date is null and not f.emergency as without_plo
    from flagged as f
    join months as m
        on f.issued <= m.month_end and coalesce(f.final, date '9999-12-31') > (m.month_end - interval 1 year)::date
),

with_team as (
    select * from team_at_month_end('case_months', la_codes := $la_codes)
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where concluded_in_year and within_26_weeks) as numerator,
        count(*) filter (where concluded_in_year) as denominator,
        count(*) filter (where open_now) as open_proceedings,
        count(*) filter (where open_now and over_26_weeks) as open_over_26_weeks,
        count(*) filter (where issued_in_year) as issued_in_year,
        count(*) filter (where issued_in_year and without_plo) as issued_without_plo
    from with_team
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
