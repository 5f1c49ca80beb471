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
-- source: fact_child_month, fact_review, fact_placement, dim_calendar, review_data_start(), review_next_due()
--   (etl/derived_reviews.sql), series_rows()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, reviews
-- window: 6 months
-- extra_columns: first_review_overdue (no review yet in a period begun in the data, past 20 working days)

with

child_month as (
    select la_code, child, month_end, team, period_start
    from fact_child_month
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

periods as (
    select la_code, child, min(placement_start) as period_start,
           case when bool_or(placement_end is null) then null else max(placement_end) end as period_end
    from fact_placement
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
    group by la_code, child, period_no
),

reviews_numbered as (
    -- each review with its period of care and its number within it (a review outside any period has none)
    select
        r.la_code, r.child, r.review_date, p.period_start,
        row_number() over (partition by r.la_code, r.child, p.period_start order by r.review_date) as reviews_held
    from fact_review as r
    join periods as p
        on p.la_code = r.la_code and p.child = r.child and r.review_date >= p.period_start
       and (p.period_end is null or r.review_date <= p.period_end)
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], r.la_code))
),

latest as (
    -- the latest review on or before the month end; it counts only if it is in the current period of care
    select
        cm.*,
        case when rn.period_start = cm.period_start then rn.reviews_held else 0 end as reviews_held,
        case when rn.period_start = cm.period_start then rn.review_date end as last_review_date
    from child_month as cm
    asof left join reviews_numbered as rn
        on rn.la_code = cm.la_code and rn.child = cm.child and rn.review_date <= cm.month_end
),

calendar as (
    select d, is_working_day, working_day_no from dim_calendar
),

due as (
    select
        l.*,
        s.data_start,
        review_next_due(l.period_start, s.data_start, l.reviews_held, l.last_review_date, w.d) as due_date
    from latest as l
    join review_data_start() as s using (la_code)
    left join calendar as c0 on c0.d = l.period_start
    left join calendar as w on w.is_working_day and w.working_day_no = c0.working_day_no + 20
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
    from due
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
