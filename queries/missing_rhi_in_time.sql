-- title: Return home interviews offered within 72 hours
-- theme: missing
-- question: Of the missing and away episodes that ended (the child came back) in the month, what share had a
--   return home interview offered within 72 hours of the return?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; an episode belongs to
--   the child's team at the end of the month they returned, from fact_child_month, or at the end of the month
--   before if they were not looked after then, else 'Unallocated'; team rows appear for months with returns)
-- keys: la_code, team, month_end
-- numerator: episodes ended in the month with an interview offered no later than 72 hours after the return
-- denominator: missing (M) and away (A) episodes whose MIS_END falls in the month
-- rule: Statutory guidance on children who run away or go missing from home or care (DfE, 2014): a return
--   interview is offered within 72 hours of the child's return. In time means rhi_offered_at <= mis_end + 72 hours
--   (72 hours in time, 73 late). Moments given as a date only are midnight, so with dates only an offer 3 days after
--   the return date is in time and 4 days is late. An interview that took place with no offer time recorded counts
--   as offered when it took place (the offer time is the earlier of rhi_offered_at and rhi_at). Episodes still open
--   (no MIS_END) are not counted: they are on missing_rhi_list.
-- source: fact_missing_episode (etl/derived_missing.sql: offer_at, return_month, return_team), series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: missing, return_interviews
-- window: 1 month
-- headline: yes
-- short: Return interviews within 72 hours
-- extra_columns: done_in_time and pct_done_in_time (interview took place within 72 hours, of the same episodes),
--   offered_late (an offer after 72 hours), no_interview_record (neither an offer nor an interview recorded)

with

returned as (
    select la_code, return_team as team, return_month as month_end, mis_end, offer_at, rhi_at
    from fact_missing_episode
    where ($la_codes is null or list_contains($la_codes, la_code))
      and mis_end >= date_trunc('month', $from_month::date)
      and mis_end < last_day($to_month::date) + interval 1 day
),

judged as (
    select
        *,
        offer_at <= mis_end + interval 72 hour as offered_in_time,
        rhi_at <= mis_end + interval 72 hour as done_in_time,
        offer_at > mis_end + interval 72 hour as offered_late,
        offer_at is null as no_record
    from returned
),

counts as (
    -- per team; each episode is in one team, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where offered_in_time) as numerator,
        count(*) as denominator,
        count(*) filter (where done_in_time) as done_in_time,
        count(*) filter (where offered_late) as offered_late,
        count(*) filter (where no_record) as no_interview_record
    from judged
    group by la_code, month_end, team
),

final as (
    select
        * exclude (offered_late, no_interview_record),
        round(100.0 * done_in_time / nullif(denominator, 0), 1) as pct_done_in_time,
        offered_late,
        no_interview_record
    from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
