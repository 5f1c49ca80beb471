-- title: Missing children offered a return interview (Annex A snapshot)
-- theme: missing
-- question: Of the children in care on the Annex A List 8 snapshot date who went missing in the 12 months to it,
--   what share were offered a return interview after their last missing episode?
-- shape: series
-- grain: one row per authority, team and month end; a figure only for the month of the Annex A snapshot date;
--   team = the list's Allocated Team, 'Unallocated' when blank
-- keys: la_code, team, month_end
-- numerator: children in the denominator the list says were offered a return interview after their last missing
--   episode (Y)
-- denominator: children on Annex A List 8 in care on the snapshot date with 1 or more episodes missing from their
--   placement in the last 12 months (absent episodes alone are not counted)
-- rule: Statutory guidance on children who run away or go missing from home or care (DfE, 2014): a return interview
--   is offered after every missing episode. The list says only whether one was offered after the last episode, not
--   when, so this is not the 72-hour measure (missing_rhi_in_time): it is shown in its place, labelled, where the
--   missing and return interview files give no data for the month (stands_in_for). Unknown or blank counts as not
--   offered (offer_not_recorded).
-- source: fact_annex_a_child (etl/derived_annex_a.sql), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: annex_a_list_8
-- window: 1 month
-- stands_in_for: missing_rhi_in_time
-- extra_columns: offer_not_recorded (neither Y nor N), accepted (the list says the child accepted it)

with

children as (
    select la_code, team, month_end, rhi_offered, rhi_accepted
    from fact_annex_a_child
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
      and missing_12m >= 1
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where rhi_offered) as numerator,
        count(*) as denominator,
        count(*) filter (where rhi_offered is null) as offer_not_recorded,
        count(*) filter (where rhi_accepted) as accepted
    from children
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
