-- title: Social worker turnover (12 months)
-- theme: workforce
-- question: What share of the permanent social work FTE left the authority in the 12 months to each month end?
-- shape: series
-- grain: one row per authority, team and month end; team = 'All teams' for the authority
-- keys: la_code, team, month_end
-- numerator: FTE of permanent social workers who left in the 12 months to the month end (leavers_fte summed over
--   the month and the 11 before it)
-- denominator: average permanent FTE in post over the period = mean of the 13 month-end counts from the month end
--   12 months before to this month end (fewer where the data begin later)
-- rule: CSWW counts permanent staff only for turnover (DfE children's social work workforce census: leavers FTE in
--   the year to 30 September / FTE in post at 30 September); here a rolling 12 months with an average denominator,
--   and the census's own form in turnover_csww (leavers 12 months / permanent FTE at the month end). A leaver is a
--   worker whose spell ends (end_date = last day in post) with no further spell of the same worker starting on or
--   before the next day: a change of team or role is not a leaver; a worker whose end_date is the month end leaves
--   in that month, one leaving the day after leaves next month. A starter is a first spell, or one beginning more
--   than a day after the worker's previous spell ended. A leaver counts in the team of the spell that ended;
--   starters, leavers and turnover are permanent staff (AgencyWorker 0; missing flag = permanent) except
--   turnover_all_staff (all leavers / average all-staff FTE). Value can exceed 100 % in a small team with many
--   short spells (leavers are counted in full, the average FTE is not).
--   The value is worked out from the numerator and denominator as shown (FTE rounded to 2 decimal places).
--   Spells of one worker that overlap (a data error) are cut short at the start of the later spell.
-- source: fact_worker_spell_clean, fact_workforce_month (from fact_worker_spell, fact_child_month for the data's
--   end date)
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: workforce
-- window: 12 months
-- benchmark: workforce_turnover
-- bounded: no (a rate, not a share: leavers in a year can exceed the average FTE of a small team)
-- extra columns: starters_fte, starters_headcount, leavers_fte, leavers_headcount (permanent, in the month),
--   agency_leavers_fte (in the month), turnover_all_staff (%), turnover_csww (%)
with

spells as (
    -- fact_worker_spell_clean (etl/derived_workforce.sql): overlapping spells already cut short
    select la_code, sw_id, team, fte, agency_worker, start_date, end_date
    from fact_worker_spell_clean
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
),

bounds as (
    -- the rolling window needs the 12 month ends before the first month shown
    select
        last_day((last_day($from_month::date) - interval 12 month)::date) as first_month,
        last_day($from_month::date) as show_from,
        last_day($to_month::date) as last_month
),

in_post_by_month as (
    -- fact_workforce_month (etl/derived_workforce.sql): every team and month end up to the data's end
    select w.la_code, w.team, w.month_end, w.fte, w.permanent_fte
    from fact_workforce_month as w, bounds as b
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], w.la_code))
      and w.month_end between b.first_month and b.last_month
),

sequenced as (
    select
        *,
        lag(start_date) over w as prev_start,
        lag(end_date) over w as prev_end,
        lead(start_date) over w as next_start
    from spells
    window w as (partition by la_code, sw_id order by start_date)
),

moves as (
    -- starters and leavers of the authority's social work workforce, in the month they happen
    select la_code, team, last_day(start_date) as month_end, fte, agency_worker, 1 as starter, 0 as leaver
    from sequenced
    where prev_start is null or prev_end < start_date - 1
    union all
    select la_code, team, last_day(end_date) as month_end, fte, agency_worker, 0 as starter, 1 as leaver
    from sequenced
    where end_date < date '9999-12-31' and (next_start is null or next_start > end_date + 1)
),

team_moves as (
    select
        la_code, team, month_end,
        coalesce(sum(fte) filter (where starter = 1 and not agency_worker), 0) as starters_fte,
        count(*) filter (where starter = 1 and not agency_worker) as starters_headcount,
        coalesce(sum(fte) filter (where leaver = 1 and not agency_worker), 0) as leavers_fte,
        count(*) filter (where leaver = 1 and not agency_worker) as leavers_headcount,
        coalesce(sum(fte) filter (where leaver = 1 and agency_worker), 0) as agency_leavers_fte
    from moves
    group by la_code, team, month_end
),

moves_by_month as (
    select * from team_moves
    union all
    select
        la_code, 'All teams' as team, month_end, sum(starters_fte), sum(starters_headcount), sum(leavers_fte),
        sum(leavers_headcount), sum(agency_leavers_fte)
    from team_moves
    group by la_code, month_end
),

monthly as (
    select
        p.la_code, p.team, p.month_end,
        p.fte,
        p.permanent_fte,
        coalesce(v.starters_fte, 0) as starters_fte,
        coalesce(v.starters_headcount, 0) as starters_headcount,
        coalesce(v.leavers_fte, 0) as leavers_fte,
        coalesce(v.leavers_headcount, 0) as leavers_headcount,
        coalesce(v.agency_leavers_fte, 0) as agency_leavers_fte
    from in_post_by_month as p
    left join moves_by_month as v using (la_code, team, month_end)
),

rolling as (
    select
        *,
        sum(leavers_fte) over w12 as leavers_fte_12m,
        sum(leavers_fte + agency_leavers_fte) over w12 as all_leavers_fte_12m,
        avg(permanent_fte) over w13 as avg_permanent_fte,
        avg(fte) over w13 as avg_fte
    from monthly
    window
        w12 as (partition by la_code, team order by month_end rows between 11 preceding and current row),
        w13 as (partition by la_code, team order by month_end rows between 12 preceding and current row)
),

final as (
    select
        la_code,
        team,
        month_end,
        round(leavers_fte_12m, 2) as numerator,
        round(avg_permanent_fte, 2) as denominator,
        case when round(avg_permanent_fte, 2) > 0
            then round(100.0 * round(leavers_fte_12m, 2) / round(avg_permanent_fte, 2), 1) end as value,
        round(starters_fte, 2) as starters_fte,
        starters_headcount,
        round(leavers_fte, 2) as leavers_fte,
        leavers_headcount,
        round(agency_leavers_fte, 2) as agency_leavers_fte,
        case when avg_fte > 0 then round(100.0 * all_leavers_fte_12m / avg_fte, 1) end as turnover_all_staff,
        case when permanent_fte > 0 then round(100.0 * leavers_fte_12m / permanent_fte, 1) end as turnover_csww
    from rolling, bounds
    where month_end >= bounds.show_from
      and ($team::varchar is null or team = $team::varchar)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
