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
-- source: fact_missing, fact_child_month, dim_authority
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- headline: yes
-- extra_columns: done_in_time and pct_done_in_time (interview took place within 72 hours, of the same episodes),
--   offered_late (an offer after 72 hours), no_interview_record (neither an offer nor an interview recorded)

with

authorities as (
    select la_code
    from dim_authority
    where ($la_codes is null or list_contains($la_codes, la_code))
),

coverage as (
    select la_code, min(month_end) as first_month, max(month_end) as last_month
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
    group by la_code
),

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

returned as (
    select
        la_code,
        child,
        mis_start,
        mis_end,
        last_day(mis_end::date) as month_end,
        least(rhi_offered_at, rhi_at) as offer_at,
        rhi_at
    from fact_missing
    where ($la_codes is null or list_contains($la_codes, la_code))
      and mis_end >= date_trunc('month', $from_month::date)
      and mis_end < last_day($to_month::date) + interval 1 day
),

team_candidates as (
    -- the team at the end of the return month, else (not looked after then) at the end of the month before
    select la_code, child, mis_start, month_end as at_month, 0 as preference
    from returned
    union all
    select la_code, child, mis_start, last_day(month_end - interval 1 month), 1
    from returned
),

episode_team as (
    select
        c.la_code,
        c.child,
        c.mis_start,
        coalesce(arg_min(cm.team, c.preference) filter (where cm.team is not null), 'Unallocated') as team
    from team_candidates as c
    left join fact_child_month as cm
        on cm.la_code = c.la_code and cm.child = c.child and cm.month_end = c.at_month
    group by c.la_code, c.child, c.mis_start
),

with_team as (
    select r.*, t.team
    from returned as r
    join episode_team as t using (la_code, child, mis_start)
),

judged as (
    select
        *,
        offer_at <= mis_end + interval 72 hour as offered_in_time,
        rhi_at <= mis_end + interval 72 hour as done_in_time,
        offer_at > mis_end + interval 72 hour as offered_late,
        offer_at is null as no_record
    from with_team
),

counts as (
    select
        j.la_code,
        case when grouping(j.team) = 1 then 'All teams' else j.team end as team,
        j.month_end,
        count(*) filter (where j.offered_in_time) as numerator,
        count(*) as denominator,
        count(*) filter (where j.done_in_time) as done_in_time,
        count(*) filter (where j.offered_late) as offered_late,
        count(*) filter (where j.no_record) as no_interview_record
    from judged as j
    join coverage as c on c.la_code = j.la_code and j.month_end between c.first_month and c.last_month
    group by grouping sets ((j.la_code, j.month_end), (j.la_code, j.month_end, j.team))
),

spine as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
),

all_rows as (
    select s.la_code, s.team, s.month_end, c.* exclude (la_code, team, month_end)
    from spine as s
    left join counts as c using (la_code, team, month_end)
    union all by name
    select *
    from counts
    where team <> 'All teams'
),

final as (
    select
        la_code,
        team,
        month_end,
        coalesce(numerator, 0) as numerator,
        coalesce(denominator, 0) as denominator,
        round(100.0 * numerator / nullif(denominator, 0), 1) as value,
        coalesce(done_in_time, 0) as done_in_time,
        round(100.0 * done_in_time / nullif(denominator, 0), 1) as pct_done_in_time,
        coalesce(offered_late, 0) as offered_late,
        coalesce(no_interview_record, 0) as no_interview_record
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
