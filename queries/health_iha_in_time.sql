-- title: Initial health assessments within 20 working days
-- theme: health
-- question: Of the children who started to be looked after in the month, what share had their initial health
--   assessment (IHA) within 20 working days?
-- shape: series
-- grain: one row per authority, team and month end of entry into care (team 'All teams' is the authority figure; a
--   child's team is their team at the end of the month they entered care, from fact_child_month, or at the end of
--   the month before if they were not looked after then, else 'Unallocated'; team rows appear for months with
--   entrants)
-- keys: la_code, team, month_end
-- numerator: children entering care in the month whose first IHA in the period of care was on or before the due date
-- denominator: children entering care in the month whose IHA is done, or overdue and not done
-- rule: Statutory guidance 'Promoting the health and wellbeing of looked-after children' (DfE/DH, 2015): the IHA
--   is done within 20 working days of the child becoming looked after. Entry = the start of a period of care
--   (fact_placement.period_start). Due date = the 20th working day after it (working days: Monday to Friday except
--   England's bank holidays, dim_bank_holiday from the `holidays` package); an IHA on working day 20 is in time, on
--   day 21 late (entering care on Monday 3 April 2023, Good Friday, Easter Monday and the 1 May bank holiday push
--   day 20 to Thursday 4 May). Only IHAs dated within the period of care count. Not counted (choice documented
--   here): a child with no IHA whose due date is on or after the authority's last month end in the warehouse (not
--   yet due: not_yet_due), or who left care on or before the due date (left_before_due); periods starting on a
--   short-break legal status (V3/V4) are out of scope. An IHA not done and past its due date counts as late.
-- source: fact_placement, fact_health_assessment, dim_bank_holiday, fact_child_month, dim_authority
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- extra_columns: done_late (IHA after day 20), not_done (no IHA, past due), not_yet_due, left_before_due

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

periods as (
    select
        la_code,
        child,
        period_no,
        min(period_start) as period_start,
        case when bool_or(placement_end is null) then null else max(placement_end) end as period_end,
        arg_min(ls, placement_start) as first_ls
    from fact_placement
    where ($la_codes is null or list_contains($la_codes, la_code))
    group by la_code, child, period_no
    having min(period_start) between date_trunc('month', $from_month::date) and last_day($to_month::date)
),

iha as (
    select la_code, child, assessment_date
    from fact_health_assessment
    where ($la_codes is null or list_contains($la_codes, la_code))
      and assessment_type = 'IHA'
),

holidays as (
    select holiday_date
    from dim_bank_holiday
),

calendar as (
    -- every day around the range with the number of working days (Mon-Fri, not a bank holiday) up to it
    select day, is_working_day, sum(is_working_day::integer) over (order by day) as working_day_no
    from (
        select r.d::date as day, isodow(r.d) <= 5 and r.d::date not in (select holiday_date from holidays)
            as is_working_day
        from range(date_trunc('month', $from_month::date) - interval 14 day,
                   last_day($to_month::date) + interval 60 day, interval 1 day) as r (d)
    )
),

due as (
    -- the 20th working day after entering care
    select p.*, w20.day as due_date
    from periods as p
    join calendar as c0 on c0.day = p.period_start
    join calendar as w20 on w20.working_day_no = c0.working_day_no + 20 and w20.is_working_day
    where p.first_ls is null or p.first_ls not in ('V3', 'V4')
),

first_iha as (
    select d.la_code, d.child, d.period_start, min(i.assessment_date) as iha_date
    from due as d
    join iha as i
        on i.la_code = d.la_code and i.child = d.child
       and i.assessment_date >= d.period_start
       and (d.period_end is null or i.assessment_date <= d.period_end)
    group by d.la_code, d.child, d.period_start
),

judged as (
    select
        d.la_code,
        d.child,
        last_day(d.period_start) as month_end,
        case
            when f.iha_date <= d.due_date then 'in time'
            when f.iha_date > d.due_date then 'done late'
            when d.period_end <= d.due_date then 'left before due'
            when c.last_month <= d.due_date then 'not yet due'
            else 'not done'
        end as status
    from due as d
    join coverage as c using (la_code)
    left join first_iha as f using (la_code, child, period_start)
    where last_day(d.period_start) between c.first_month and c.last_month
),

team_candidates as (
    -- the team at the end of the month of entry, else (not looked after then) at the end of the month before
    select la_code, child, month_end, month_end as at_month, 0 as preference
    from judged
    union all
    select la_code, child, month_end, last_day(month_end - interval 1 month), 1
    from judged
),

child_team as (
    select
        c.la_code,
        c.child,
        c.month_end,
        coalesce(arg_min(cm.team, c.preference) filter (where cm.team is not null), 'Unallocated') as team
    from team_candidates as c
    left join fact_child_month as cm
        on cm.la_code = c.la_code and cm.child = c.child and cm.month_end = c.at_month
    group by c.la_code, c.child, c.month_end
),

with_team as (
    select j.*, t.team
    from judged as j
    join child_team as t using (la_code, child, month_end)
),

counts as (
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        month_end,
        count(*) filter (where status = 'in time') as numerator,
        count(*) filter (where status in ('in time', 'done late', 'not done')) as denominator,
        count(*) filter (where status = 'done late') as done_late,
        count(*) filter (where status = 'not done') as not_done,
        count(*) filter (where status = 'not yet due') as not_yet_due,
        count(*) filter (where status = 'left before due') as left_before_due
    from with_team
    group by grouping sets ((la_code, month_end), (la_code, month_end, team))
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
        coalesce(done_late, 0) as done_late,
        coalesce(not_done, 0) as not_done,
        coalesce(not_yet_due, 0) as not_yet_due,
        coalesce(left_before_due, 0) as left_before_due
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
