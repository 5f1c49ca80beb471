-- Looked-after review timescales (Care Planning, Placement and Case Review (England) Regulations 2010, reg 33),
-- written once for the 'next review due' list and series (reviews_overdue_list, reviews_up_to_date): first review
-- within 20 working days of the start of the period of care, second within 3 months of the first, then not more
-- than 6 months after the previous one.

-- review_data_start(): one row per authority with data_start, 1 April of its first return year (reviews before it
-- were not collected, so where a period of care began earlier the reviews held before the data are unknown).
create or replace macro review_data_start() as table
select la_code, make_date(min(return_year) - 1, 4, 1) as data_start
from (
    select la_code, return_year from fact_review
    union all
    select la_code, return_year from fact_episode
)
group by la_code;

-- review_next_due(): when the next review is due, given the period of care's start, the authority's data_start, the
-- reviews held in the period so far, the latest of them and the 20th working day after the period's start. Where
-- the period began before the data: 6 months after the last review seen, or, if none has been seen, 6 months after
-- the day before the data begin (the latest it could be due).
create or replace macro review_next_due(period_start, data_start, reviews_held, last_review_date, first_review_due)
as
    case
        when period_start >= data_start and reviews_held = 0 then first_review_due
        when period_start >= data_start and reviews_held = 1 then (last_review_date + interval 3 month)::date
        when reviews_held >= 1 then (last_review_date + interval 6 month)::date
        else (data_start - 1 + interval 6 month)::date
    end;

-- review_rule(): the rule review_next_due() applied, in words.
create or replace macro review_rule(period_start, data_start, reviews_held) as
    case
        when period_start >= data_start and reviews_held = 0 then 'first review: 20 working days from the start of care'
        when period_start >= data_start and reviews_held = 1 then 'second review: 3 months after the first'
        when period_start >= data_start then 'later review: 6 months after the previous'
        when reviews_held >= 1 then 'care began before the data: 6 months after the last review seen'
        else 'care began before the data, no review seen: 6 months from the day before the data begin'
    end;

-- fact_review_in_period: one row per looked-after review (fact_review) held in a period of care, numbered within it,
-- worked out once for reviews_in_time and reviews_up_to_date. A review outside every period of care is left out.
-- Columns: la_code, child, child_key, review_date, period_start (of the period of care it was held in: the placements
-- of one period_no in fact_placement, from its first start to its last end, open while any is), review_seq (1 for the
-- period's first review), previous_review_date (the review before it in the period, null for the first),
-- first_review_due (the 20th working day after period_start, dim_calendar), data_start (review_data_start()), team
-- (the child's team at the review's month end, else - they left care in the month - at the month end before, else
-- 'Unallocated').
create or replace table fact_review_in_period as
with
periods as (
    select
        la_code, child, child_key, min(placement_start) as period_start,
        case when bool_or(placement_end is null) then null else max(placement_end) end as period_end
    from fact_placement
    group by la_code, child, child_key, period_no
),
in_period as (
    select r.la_code, r.child, p.child_key, r.review_date, p.period_start
    from fact_review as r
    join periods as p
        on p.la_code = r.la_code and p.child = r.child and r.review_date >= p.period_start
       and (p.period_end is null or r.review_date <= p.period_end)
),
numbered as (
    select
        *,
        row_number() over w as review_seq,
        lag(review_date) over w as previous_review_date
    from in_period
    window w as (partition by la_code, child, period_start order by review_date)
),
calendar as (
    -- working days (Monday to Friday, not an England bank holiday) and their running count: dim_calendar
    select d, is_working_day, working_day_no from dim_calendar
),
first_due as (
    select p.la_code, p.child, p.period_start, w.d as first_review_due
    from (select distinct la_code, child, period_start from numbered) as p
    join calendar as c on c.d = p.period_start
    join calendar as w on w.is_working_day and w.working_day_no = c.working_day_no + 20
),
child_months as (
    select child_key, month_end, team
    from fact_child_month
),
with_team as (
    select
        n.*,
        coalesce(m.team, b.team, 'Unallocated') as team
    from numbered as n
    left join child_months as m on m.child_key = n.child_key and m.month_end = last_day(n.review_date)
    left join child_months as b
        on b.child_key = n.child_key and b.month_end = (date_trunc('month', n.review_date) - interval 1 day)::date
)
select t.*, f.first_review_due, s.data_start
from with_team as t
join review_data_start() as s using (la_code)
left join first_due as f using (la_code, child, period_start);

-- fact_child_month_review: one row per fact_child_month row (a child looked after at a month end) with the reviews of
-- their current period of care as at the month end and when the next one is due, for reviews_up_to_date.
-- Columns: la_code, child_key, month_end, team, period_start, reviews_held (reviews held in the current period up to
-- the month end: the review_seq of the latest review on or before it when that review is in the current period, else
-- 0), last_review_date (that review, else null), first_review_due (the 20th working day after period_start),
-- data_start (review_data_start()) and due_date = review_next_due() of them.
create or replace table fact_child_month_review as
with
latest as (
    -- the latest review on or before the month end; it counts only if it is in the current period of care
    select
        cm.la_code, cm.child_key, cm.month_end, cm.team, cm.period_start,
        case when r.period_start = cm.period_start then r.review_seq else 0 end as reviews_held,
        case when r.period_start = cm.period_start then r.review_date end as last_review_date
    from fact_child_month as cm
    asof left join fact_review_in_period as r
        on r.child_key = cm.child_key and r.review_date <= cm.month_end
),
calendar as (
    select d, is_working_day, working_day_no from dim_calendar
)
select
    l.*,
    w.d as first_review_due,
    s.data_start,
    review_next_due(l.period_start, s.data_start, l.reviews_held, l.last_review_date, w.d) as due_date
from latest as l
join review_data_start() as s using (la_code)
left join calendar as c0 on c0.d = l.period_start
left join calendar as w on w.is_working_day and w.working_day_no = c0.working_day_no + 20;
