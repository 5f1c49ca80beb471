-- title: Looked-after reviews up to date
-- theme: reviews
-- question: Of the children looked after at each month end, what share had no looked-after review overdue then?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is
--   the team of their allocated worker at the month end, from fact_child_month, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: children looked after at the month end whose next review was not overdue (due on or after the month end)
-- denominator: children looked after at the month end
-- rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 33, as reviews_overdue_list (which
--   names, at a month end, exactly the denominator - numerator): the next review is due 20 working days after the
--   start of the period of care when none has been held in it, 3 months after the first, then 6 months after the
--   previous; where the period of care began before the authority's data (1 April of its first return year) 6
--   months after the last review seen, or 6 months from the day before the data begin. Reviews counted are those of
--   the current period of care held on or before the month end. A review due on the month end itself is not yet
--   overdue. The state at the month end (reviews_in_time asks whether each review held was on time).
-- source: fact_child_month_review (etl/derived_reviews.sql: fact_child_month, fact_review, fact_placement,
--   dim_calendar, review_data_start(), review_next_due()), series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, reviews
-- window: 6 months
-- extra_columns: first_review_overdue (no review yet in a period begun in the data, past 20 working days)


with

child_month as (
    -- fact_child_month_review (etl/derived_reviews.sql): each child looked after at the month end with the reviews
    -- of their current period of care so far and when the next is due (review_next_due())
    select la_code, team, month_end, period_start, reviews_held, data_start, due_date
    from fact_child_month_review
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

counts as (
    -- per team; each child is in one team at a month end, so series_rows() sums them into 'All teams'
    select
        la_code,
        team,
        month_end,
        count(*) filter (where due_date >= month_end) as numerator,
        count(*) as denominator,
        count(*) filter (where due_date < month_end and reviews_held = 0 and period_start >= data_start)
            as first_review_overdue
    from child_month
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
