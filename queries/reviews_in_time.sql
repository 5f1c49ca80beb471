-- title: Looked-after reviews in time
-- theme: reviews
-- question: Of the looked-after reviews held in each month, what share were held within the statutory timescale?
-- shape: series
-- grain: one row per authority, team and month end; team = 'All teams' for the authority
-- keys: la_code, team, month_end
-- numerator: reviews held in the month that were held on or before their due date
-- denominator: reviews held in the month that can be assessed (see rule)
-- rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 33: first review within 20 working
--   days of the start of the period of care, second within 3 months of the first, then not more than 6 months after
--   the previous one. Due dates: first = the 20th working day after the period starts (Mon-Fri, not an England bank
--   holiday from dim_bank_holiday; the start day is day 0); second = first review date + 3 calendar months; later =
--   previous review date + 6 months (month arithmetic: 31 Aug + 3 months = 30 Nov). A review on its due date is in
--   time, the day after is late. Reviews are numbered within the period of care they fall in (periods from
--   fact_placement; a review after the period's last day is not counted). Where a period of care began before the
--   authority's data (1 April of its first return year) the reviews before the data are unknown: the first review
--   seen is not assessed and later ones are assessed against 6 months. A review that is overdue and not yet held
--   is not in this series until it is held (then it counts as late in its month): see reviews_overdue_list for
--   children whose next review is overdue on a date. Team = the child's team at the month end (fact_child_month;
--   for a child who left care during the month, the team at the month end before; else 'Unallocated').
-- source: fact_review, fact_placement, fact_child_month, dim_calendar (working days), authority_coverage,
--   review_data_start() (etl/derived_reviews.sql)
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, reviews
-- window: 6 months
-- headline: yes
-- short: Reviews in time
-- extra columns: late_reviews
with

reviews as (
    select la_code, child, review_date
    from fact_review
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
),

placements as (
    select la_code, child, period_no, placement_start, placement_end
    from fact_placement
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
),

data_start as (
    -- 1 April of the authority's first return year: review_data_start() in etl/derived_reviews.sql
    select * from review_data_start()
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
),

periods as (
    select
        la_code, child, min(placement_start) as period_start,
        case when bool_or(placement_end is null) then null else max(placement_end) end as period_end
    from placements
    group by la_code, child, period_no
),

calendar as (
    -- working days (Monday to Friday, not an England bank holiday) and their running count: dim_calendar
    select d, is_working_day, working_day_no from dim_calendar
),

first_due as (
    select p.la_code, p.child, p.period_start, w.d as first_review_due
    from periods as p
    join calendar as c on c.d = p.period_start
    join calendar as w on w.is_working_day and w.working_day_no = c.working_day_no + 20
),

reviews_in_period as (
    select r.la_code, r.child, r.review_date, p.period_start
    from reviews as r
    join periods as p
        on p.la_code = r.la_code and p.child = r.child and r.review_date >= p.period_start
       and (p.period_end is null or r.review_date <= p.period_end)
),

numbered as (
    select
        *,
        row_number() over w as review_seq,
        lag(review_date) over w as previous_review_date
    from reviews_in_period
    window w as (partition by la_code, child, period_start order by review_date)
),

assessed as (
    select
        n.la_code, n.child, n.review_date,
        case
            when n.period_start >= s.data_start and n.review_seq = 1 then f.first_review_due
            when n.period_start >= s.data_start and n.review_seq = 2 then (n.previous_review_date + interval 3 month)::date
            when n.review_seq >= 2 then (n.previous_review_date + interval 6 month)::date
        end as due_date
    from numbered as n
    join data_start as s using (la_code)
    left join first_due as f using (la_code, child, period_start)
),

in_range as (
    select
        la_code, child, review_date, last_day(review_date) as month_end,
        (review_date <= due_date)::integer as in_time
    from assessed
    where due_date is not null
      and review_date between date_trunc('month', $from_month::date) and last_day($to_month::date)
),

child_months as (
    select la_code, child, month_end, team
    from fact_child_month
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
),

at_month_end as (
    select r.*, m.team
    from in_range as r
    left join child_months as m
        on m.la_code = r.la_code and m.child = r.child and m.month_end = r.month_end
),

with_team as (
    -- the child's team at the review's month end, else (left care in the month) at the month end before
    select la_code, month_end, in_time, team from at_month_end where team is not null
    union all
    select r.la_code, r.month_end, r.in_time, coalesce(b.team, 'Unallocated') as team
    from at_month_end as r
    left join child_months as b
        on b.la_code = r.la_code and b.child = r.child
       and b.month_end = (date_trunc('month', r.review_date) - interval 1 day)::date
    where r.team is null
),

team_counts as (
    select la_code, team, month_end, sum(in_time)::integer as numerator, count(*)::integer as denominator
    from with_team
    group by la_code, team, month_end
),

final as (
    -- percent_series (etl/derived_health.sql): 'All teams' rows = sums of the team rows, for every month end in
    -- authority_coverage; value = round(100 * numerator / denominator, 1), null when the denominator is 0
    select
        la_code, team, month_end, numerator::integer as numerator, denominator::integer as denominator, value,
        (denominator - numerator)::integer as late_reviews
    from percent_series('team_counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
