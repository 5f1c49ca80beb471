-- title: Review health assessments in time
-- theme: health
-- question: Of the children looked after at each month end, what share had their latest review health assessment
--   (RHA) in time and their next one not yet overdue?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is the
--   team of their allocated worker at the month end, from fact_child_month, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children whose next assessment is not overdue at the month end and whose latest RHA (if any) was done
--   by its due date
-- denominator: children looked after at the month end (short-break legal status V3/V4 excluded)
-- rule: Statutory guidance 'Promoting the health and wellbeing of looked-after children' (DfE/DH, 2015): the health
--   assessment is reviewed at least every 6 months before the child's 5th birthday and at least every 12 months
--   after it. Only IHAs and RHAs dated within the current period of care (on or after its start) count. Next due =
--   the latest assessment + 6 calendar months if the child was under 5 on that assessment's date, else + 12 months
--   (12 when the date of birth is unknown); in time through the due date, overdue from the day after (last RHA on
--   31 Dec: under 5 due 30 Jun, so 30 Jun in time and 1 Jul overdue; 5 and over due 31 Dec next year). The latest
--   RHA itself was in time when it was done by the due date set by the assessment before it. Children not yet due
--   a first RHA (latest assessment is the first in the period) are in time when their IHA is not overdue: done, or
--   no assessment yet and the month end is on or before the IHA due date (20 working days after entering care,
--   Mon-Fri except England's bank holidays). Compare health_up_to_date (only 'nothing overdue now').
-- source: fact_child_month, fact_health_assessment, dim_child, dim_bank_holiday, dim_authority
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- extra_columns: rha_overdue (next RHA overdue), iha_overdue (no assessment and IHA past due), last_review_late
--   (nothing overdue now, but the latest RHA was done late), awaiting_first_rha (latest assessment is the first)

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

child_month as (
    select la_code, child, month_end, team, period_start
    from fact_child_month
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and (ls is null or ls not in ('V3', 'V4'))
),

assessments as (
    select la_code, child, assessment_date, bool_or(assessment_type = 'IHA') as is_iha
    from fact_health_assessment
    where ($la_codes is null or list_contains($la_codes, la_code))
      and assessment_type in ('IHA', 'RHA')
    group by la_code, child, assessment_date
),

children as (
    select la_code, child, dob
    from dim_child
    where ($la_codes is null or list_contains($la_codes, la_code))
),

holidays as (
    select holiday_date
    from dim_bank_holiday
),

next_due as (
    select
        a.*,
        (a.assessment_date + case when a.assessment_date < c.dob + interval 5 year then interval 6 month
                                  else interval 12 month end)::date as next_due
    from assessments as a
    left join children as c using (la_code, child)
),

chained as (
    -- each assessment is the latest one from its date until the day before the next
    select
        *,
        lag(assessment_date) over w as prev_date,
        lag(next_due) over w as prev_due,
        coalesce(lead(assessment_date) over w, date '9999-12-31') as latest_until
    from next_due
    window w as (partition by la_code, child order by assessment_date)
),

calendar as (
    -- every day since 1950 with the number of working days (Mon-Fri, not a bank holiday) up to and including it
    select day, is_working_day, sum(is_working_day::integer) over (order by day) as working_day_no
    from (
        select r.d::date as day, isodow(r.d) <= 5 and r.d::date not in (select holiday_date from holidays)
            as is_working_day
        from range(date '1950-01-01', last_day($to_month::date) + interval 60 day, interval 1 day) as r (d)
    )
),

latest as (
    select cm.*, h.assessment_date as last_date, h.next_due, h.prev_date, h.prev_due, w20.day as iha_due
    from child_month as cm
    left join chained as h
        on h.la_code = cm.la_code and h.child = cm.child
       and cm.month_end >= h.assessment_date and cm.month_end < h.latest_until
    left join calendar as c0 on c0.day = cm.period_start
    left join calendar as w20 on w20.working_day_no = c0.working_day_no + 20 and w20.is_working_day
),

judged as (
    select
        l.la_code,
        l.child,
        l.team,
        l.month_end,
        coalesce(l.last_date >= l.period_start and l.month_end > l.next_due, false) as rha_overdue,
        coalesce(l.last_date >= l.period_start, false) = false
            and coalesce(l.month_end > l.iha_due, false) as iha_overdue,
        coalesce(l.last_date >= l.period_start
                 and (l.prev_date is null or l.prev_date < l.period_start), false) as awaiting_first_rha,
        coalesce(l.last_date >= l.period_start and l.prev_date >= l.period_start
                 and l.last_date > l.prev_due, false) as last_review_late
    from latest as l
),

team_counts as (
    -- each child is in exactly one team at a month end, so the authority row is the sum of the team rows
    select
        la_code,
        team,
        month_end,
        count(*) filter (where not rha_overdue and not iha_overdue and not last_review_late) as numerator,
        count(*) as denominator,
        count(*) filter (where rha_overdue) as rha_overdue,
        count(*) filter (where iha_overdue) as iha_overdue,
        count(*) filter (where last_review_late and not rha_overdue) as last_review_late,
        count(*) filter (where awaiting_first_rha) as awaiting_first_rha
    from judged
    group by la_code, month_end, team
),

counts as (
    select
        la_code,
        team,
        month_end,
        numerator,
        denominator,
        rha_overdue,
        iha_overdue,
        last_review_late,
        awaiting_first_rha
    from team_counts
    union all
    select
        la_code,
        'All teams' as team,
        month_end,
        sum(numerator)::bigint as numerator,
        sum(denominator)::bigint as denominator,
        sum(rha_overdue)::bigint as rha_overdue,
        sum(iha_overdue)::bigint as iha_overdue,
        sum(last_review_late)::bigint as last_review_late,
        sum(awaiting_first_rha)::bigint as awaiting_first_rha
    from team_counts
    group by la_code, month_end
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
        coalesce(rha_overdue, 0) as rha_overdue,
        coalesce(iha_overdue, 0) as iha_overdue,
        coalesce(last_review_late, 0) as last_review_late,
        coalesce(awaiting_first_rha, 0) as awaiting_first_rha
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
