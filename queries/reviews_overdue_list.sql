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
-- source: fact_review, fact_care_episode (via looked_after_at), fact_allocation, fact_worker_spell, dim_calendar
--   (working days), review_data_start(), review_next_due(), review_rule() (etl/derived_reviews.sql)
-- polarity: lower is better
-- unit: days
-- params: $la_codes, $team, $as_of
-- requires: episodes, reviews
-- window: 6 months
-- beside_child: days_overdue
with

looked_after as (
    select la_code, child, team, sw_id as social_worker, period_start
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and ($team::varchar is null or team = $team::varchar)
),

data_start as (
    -- 1 April of the authority's first return year: review_data_start() in etl/derived_reviews.sql
    select * from review_data_start()
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
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
    -- reg 33 timescales: review_next_due() and review_rule() in etl/derived_reviews.sql
    select
        l.*,
        r.last_review_date,
        case when l.period_start >= s.data_start then r.reviews_held + 1 end as review_number_due,
        review_next_due(l.period_start, s.data_start, r.reviews_held, r.last_review_date, f.first_review_due)
            as due_date,
        review_rule(l.period_start, s.data_start, r.reviews_held) as rule_applied
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
