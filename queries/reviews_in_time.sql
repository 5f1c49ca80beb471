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
-- source: fact_review_in_period (etl/derived_reviews.sql: fact_review, fact_placement, fact_child_month, dim_calendar
--   working days, review_data_start()), authority_coverage
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
    -- fact_review_in_period (etl/derived_reviews.sql): each review held in a period of care, its number in the
    -- period, the review before it, the 20th working day after the period's start and the child's team then
    select la_code, team, review_date, period_start, review_seq, previous_review_date, first_review_due, data_start
    from fact_review_in_period
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and review_date between date_trunc('month', $from_month::date) and last_day($to_month::date)
),

assessed as (
    select
        la_code, team, review_date,
        case
            when period_start >= data_start and review_seq = 1 then first_review_due
            when period_start >= data_start and review_seq = 2 then (previous_review_date + interval 3 month)::date
            when review_seq >= 2 then (previous_review_date + interval 6 month)::date
        end as due_date
    from reviews
),

in_range as (
    select la_code, team, last_day(review_date) as month_end, (review_date <= due_date)::integer as in_time
    from assessed
    where due_date is not null
),

team_counts as (
    select la_code, team, month_end, sum(in_time)::integer as numerator, count(*)::integer as denominator
    from in_range
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
