-- title: Missing 7 days or more: strategy meeting held
-- theme: missing
-- question: When a looked-after child has been missing or away for 7 days, is a strategy meeting held by then
--   ("strategy meetings ... are not always convened ... when children go missing for prolonged periods")?
-- shape: series
-- grain: one row per authority, team and month end: episodes that reached 7 days in the 12 months to the month end
--   (team 'All teams' is the authority figure; an episode belongs to the child's team at the end of the month it
--   reached 7 days, from fact_child_month, or at the month end before if they were not looked after then, else
--   'Unallocated'; team rows appear for months with such episodes)
-- keys: la_code, team, month_end
-- numerator: of those episodes, the ones with a strategy meeting held from the day the child went missing to the day
--   the episode reached 7 days
-- denominator: missing (M) and away (A) episodes that reached 7 days (mis_start + 7) in the 12 months to the month
--   end (month end - 1 year + 1 day to the month end)
-- rule: Prolonged as in missing_prolonged: mis_end - mis_start >= 7 days, or still open 7 days after it started; it
--   reaches 7 days on mis_start + 7. Statutory guidance on children who run away or go missing from home or care
--   (DfE, 2014): a long missing episode calls for a strategy meeting. A meeting counts for an episode when it is for
--   the same child, held between mis_start and mis_start + 7 inclusive (a meeting on the day the episode reached 7
--   days counts, the day after does not) and names this episode in MIS_START or names none.
-- source: fact_missing_episode (etl/derived_missing.sql), fact_strategy_meeting, team_at_month_end(),
--   percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: missing, strategy_meetings
-- window: 12 months
-- extra_columns: meeting_later (no meeting by the 7th day but one held after it, by the month end)

with

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

episodes as (
    select la_code, child, mis_start, mis_start + 7 as reached, last_day(mis_start + 7) as month_end
    from fact_missing_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and (mis_end is null or mis_end >= (mis_start + 7)::timestamp)
      and mis_start + 7 <= last_day($to_month::date)
),

met as (
    select
        e.*,
        min(s.meeting_date) filter (where s.meeting_date <= e.reached) as meeting_in_time,
        min(s.meeting_date) filter (where s.meeting_date > e.reached) as meeting_later
    from episodes as e
    left join fact_strategy_meeting as s
        on s.la_code = e.la_code and s.child = e.child and s.meeting_date >= e.mis_start
       and (s.mis_start is null or s.mis_start = e.mis_start)
    group by all
),

with_team as (
    -- the team at the end of the month it reached 7 days
    select * from team_at_month_end('met', la_codes := $la_codes)
),

episode_months as (
    select w.la_code, w.team, m.month_end, w.meeting_in_time, w.meeting_later
    from with_team as w
    join months as m on w.reached between (m.month_end - interval 1 year)::date + 1 and m.month_end
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where meeting_in_time is not null) as numerator,
        count(*) as denominator,
        count(*) filter (where meeting_in_time is null and meeting_later <= month_end) as meeting_later
    from episode_months
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
