-- title: Children whose looked-after review is overdue
-- theme: reviews
-- question: Which children looked after on the date have a next review that is overdue, and by how long?
-- shape: list
-- grain: one row per child looked after on $as_of whose next review is overdue
-- keys: la_code, child
-- numerator: n/a
-- denominator: n/a
-- rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 33: first review within 20 working
--   days of the start of the period of care (the 20th working day after it, Mon-Fri not an England bank holiday;
--   the start day is day 0), second within 3 months of the first, then not more than 6 months after the previous.
--   The next review is overdue when its due date is before $as_of (on the due date itself it is not yet overdue);
--   days_overdue = $as_of - due_date. Reviews counted are those of the current period of care on or before $as_of.
--   Where the period of care began before the authority's data (1 April of its first return year) earlier reviews
--   are unknown: review_number_due is null, the next review is due 6 months after the last one seen, or, if none
--   has been seen, 6 months after the day before the data begin (the latest it could be due).
-- source: fact_review, fact_placement (via looked_after_at), fact_episode, fact_allocation, fact_worker_spell,
--   dim_calendar (working days)
-- polarity: lower is better
-- unit: days
-- params: $la_codes, $team, $as_of
-- requires: episodes, reviews
-- window: 6 months
with

looked_after as (
    select la_code, child, team, sw_id as social_worker, period_start
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and ($team::varchar is null or team = $team::varchar)
),

data_start as (
    -- 1 April of the authority's first return year: reviews before it were not collected
    select la_code, make_date(min(return_year) - 1, 4, 1) as data_start
    from (
        select la_code, return_year from fact_review
        union all
        select la_code, return_year from fact_episode
    )
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
    group by la_code
),

calendar as (
    -- working days (Monday to Friday, not an England bank holiday) and their running count: dim_calendar
    select d, is_working_day, working_day_no from dim_calendar
),

first_due as (
    select l.la_code, l.child, w.d as first_review_due
    from looked_after as l
    join calendar as c on c.d = l.period_start
    join calendar as w on w.is_working_day and w.working_day_no = c.working_day_no + 20
),

reviews_so_far as (
    select l.la_code, l.child, count(r.review_date) as reviews_held, max(r.review_date) as last_review_date
    from looked_after as l
    left join (
        select la_code, child, review_date
        from fact_review
        where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
    ) as r
        on r.la_code = l.la_code and r.child = l.child
       and r.review_date between l.period_start and $as_of::date
    group by l.la_code, l.child
),

next_due as (
    select
        l.*,
        r.last_review_date,
        case when l.period_start >= s.data_start then r.reviews_held + 1 end as review_number_due,
        case
            when l.period_start >= s.data_start and r.reviews_held = 0 then f.first_review_due
            when l.period_start >= s.data_start and r.reviews_held = 1
                then (r.last_review_date + interval 3 month)::date
            when r.reviews_held >= 1 then (r.last_review_date + interval 6 month)::date
            else (s.data_start - 1 + interval 6 month)::date
        end as due_date,
        case
            when l.period_start >= s.data_start and r.reviews_held = 0
                then 'first review: 20 working days from the start of care'
            when l.period_start >= s.data_start and r.reviews_held = 1 then 'second review: 3 months after the first'
            when l.period_start >= s.data_start then 'later review: 6 months after the previous'
            when r.reviews_held >= 1 then 'care began before the data: 6 months after the last review seen'
            else 'care began before the data, no review seen: 6 months from the day before the data begin'
        end as rule_applied
    from looked_after as l
    join reviews_so_far as r using (la_code, child)
    join data_start as s using (la_code)
    left join first_due as f using (la_code, child)
),

final as (
    select
        child,
        la_code,
        team,
        social_worker,
        period_start,
        last_review_date,
        review_number_due,
        due_date,
        ($as_of::date - due_date) as days_overdue,
        rule_applied
    from next_due
    where due_date < $as_of::date
)

select * from final
order by days_overdue desc, la_code, child
