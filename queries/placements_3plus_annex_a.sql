-- title: Children with 3 or more placements in 12 months (Annex A snapshot)
-- theme: reviews
-- question: Of the children in care on the Annex A List 8 snapshot date, what share had 3 or more placements in the
--   12 months to it, as the list counts them?
-- shape: series
-- grain: one row per authority, team and month end; a figure only for the month of the Annex A snapshot date;
--   team = the list's Allocated Team, 'Unallocated' when blank
-- keys: la_code, team, month_end
-- numerator: children in the denominator whose Number of Placements in the Last 12 months is 3 or more
-- denominator: children on Annex A List 8 in care on the snapshot date with the number recorded, short breaks
--   (legal status V3/V4) excluded
-- rule: As placements_3plus (the DfE placement stability measure), from the authority's own count in the list
--   rather than worked out from episodes: the list counts placements in the 12 months to the snapshot date.
--   Children whose count is blank or unreadable are left out (placements_not_recorded). Shown where SSDA903
--   episodes give no data for the month (stands_in_for).
-- source: fact_annex_a_child (etl/derived_annex_a.sql), percent_series()
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: annex_a_list_8
-- window: 1 month
-- stands_in_for: placements_3plus
-- extra_columns: placements_not_recorded (in care on the date, no number of placements)

with

children as (
    select la_code, team, month_end, placements_12m
    from fact_annex_a_child
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and not short_break
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where placements_12m >= 3) as numerator,
        count(placements_12m) as denominator,
        count(*) filter (where placements_12m is null) as placements_not_recorded
    from children
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
