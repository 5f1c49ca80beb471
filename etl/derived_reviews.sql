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
