-- title: Looked-after reviews up to date (Annex A snapshot)
-- theme: reviews
-- question: Of the children in care on the Annex A List 8 snapshot date, what share had no looked-after review
--   overdue then, by the dates the list gives?
-- shape: series
-- grain: one row per authority, team and month end; a figure only for the month of the Annex A snapshot date,
--   worked out at that date; team = the list's Allocated Team, 'Unallocated' when blank
-- keys: la_code, team, month_end
-- numerator: children in the denominator whose next review was due on or after the snapshot date
-- denominator: children on Annex A List 8 in care on the snapshot date
-- rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 33, as reviews_up_to_date: first
--   review within 20 working days of the start of care (Mon-Fri except England's bank holidays), second within 3
--   months of the first, then every 6 months. The list gives only the latest review (Date of Latest Statutory
--   Review) and the start of the current period of care, so: no review, or one before the start of care, = the first
--   is due on the 20th working day after the start; a review on or before that day is taken to be the first (next
--   due 3 calendar months after it); a later review is taken to be a later one (next due 6 months after it), so a
--   first review held late is judged at 6 months. A review due on the snapshot date itself is not yet overdue.
--   Shown where SSDA903 reviews give no data for the month (stands_in_for).
-- source: fact_annex_a_child (etl/derived_annex_a.sql: first_due from dim_calendar), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: annex_a_list_8
-- window: 1 month
-- stands_in_for: reviews_up_to_date
-- extra_columns: first_review_overdue (no review yet in the period of care, past the 20th working day)

with

children as (
    select la_code, team, month_end, snapshot_date, cla_start, first_due,
           case when last_review >= cla_start then last_review end as last_review
    from fact_annex_a_child
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

due as (
    select
        *,
        case
            when last_review is null then first_due
            when last_review <= first_due then (last_review + interval 3 month)::date
            else (last_review + interval 6 month)::date
        end as next_due
    from children
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where snapshot_date <= next_due) as numerator,
        count(*) as denominator,
        count(*) filter (where last_review is null and snapshot_date > next_due) as first_review_overdue
    from due
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
