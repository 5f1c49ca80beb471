-- title: Prolonged missing episodes (7 days or more)
-- theme: missing
-- question: How many missing or away episodes reached 7 days in the month (each needs a strategy meeting), and how
--   many children were still missing after 7 days or more at the month end?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; an episode belongs to
--   the child's team at the end of the month it is counted in, from fact_child_month, or at the end of the month
--   before if they were not looked after then, else 'Unallocated'; team rows appear for months with episodes)
-- keys: la_code, team, month_end
-- numerator: missing (M) and away (A) episodes that reached 7 days missing in the month
-- denominator: n/a (a count)
-- rule: Statutory guidance on children who run away or go missing from home or care (DfE, 2014): a long or repeat
--   missing episode calls for a strategy meeting. An episode is prolonged when mis_end - mis_start >= 7 days, or it
--   is still open 7 days after it started (mis_start is a date, i.e. midnight, so an episode from 1 March that
--   ends at 00:00 on 8 March is prolonged and one ending at 23:59 on 7 March is not). It counts once, in the month
--   it reached 7 days (the month of mis_start + 7 days), so an episode still open at a month end and 7+ days old by
--   then has been counted in that month or before. still_missing_7_days is the stock: episodes still open at the
--   month end (no mis_end, or mis_end after the month-end date) that started 7 or more days before the month end.
-- source: fact_missing_episode (etl/derived_missing.sql), team_at_month_end(), series_rows()
-- polarity: lower is better
-- unit: episodes
-- params: $la_codes, $team, $from_month, $to_month
-- requires: missing
-- window: 1 month
-- extra_columns: still_missing_7_days (episodes still open at the month end and 7+ days old then), prolonged_missing
--   and prolonged_away (the numerator split by M and A)

with

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

prolonged as (
    select
        la_code,
        child,
        missing_type,
        mis_start,
        mis_end,
        last_day(mis_start + 7) as reached_month
    from fact_missing_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and (mis_end is null or mis_end >= (mis_start + 7)::timestamp)
      and mis_start + 7 <= last_day($to_month::date)
),

reached as (
    -- episodes counted in the month they reached 7 days
    select p.la_code, p.child, p.mis_start, p.missing_type, p.reached_month as month_end, true as reached_in_month,
           false as still_missing
    from prolonged as p
    where p.reached_month >= last_day($from_month::date)
),

open_at_month_end as (
    -- one row per month end at which a prolonged episode was still open and 7+ days old
    select
        p.la_code, p.child, p.mis_start, p.missing_type, m.month_end, false as reached_in_month,
        true as still_missing
    from prolonged as p
    join months as m
        on m.month_end >= p.mis_start + 7
       and coalesce(p.mis_end::date, date '9999-12-31') > m.month_end
),

episode_months as (
    select * from reached
    union all
    select * from open_at_month_end
),

rows_with_team as (
    select * from team_at_month_end('episode_months', la_codes := $la_codes)
),

counts as (
    -- per team; each episode-month is in one team, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where reached_in_month) as numerator,
        count(*) filter (where still_missing) as still_missing_7_days,
        count(*) filter (where reached_in_month and missing_type = 'M') as prolonged_missing,
        count(*) filter (where reached_in_month and missing_type = 'A') as prolonged_away
    from rows_with_team
    group by la_code, month_end, team
),

final as (
    select * from count_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
