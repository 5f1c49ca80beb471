-- title: Social workers in post
-- theme: workforce
-- question: How many social workers (FTE and headcount) were in post at each month end, and how many were agency?
-- shape: series
-- grain: one row per authority, team and month end; team = 'All teams' for the authority
-- keys: la_code, team, month_end
-- numerator: FTE of social workers in post at the month end (all roles, permanent and agency)
-- denominator: n/a (a count: value = numerator)
-- rule: A worker is in post on day d when a workforce spell has start_date <= d and (end_date is null or
--   end_date >= d); end_date is the last day in post, so a worker whose end_date is the month end is in post at that
--   month end (and is a leaver in that month). Team = the team of the spell in post. Headcount counts distinct
--   workers. Extra columns split permanent (AgencyWorker 0) and agency (AgencyWorker 1); note the DfE children's
--   social work workforce census (CSWW) calls only permanent staff "in post" (permanent_fte). A team has rows from
--   the month of its first spell to the month its last spell ends (or the data's end while any spell is open).
--   Spells of one worker that overlap (a data error) are cut short at the start of the later spell.
-- source: fact_workforce_month (from fact_worker_spell, fact_child_month for the data's end date)
-- polarity: neutral
-- unit: FTE
-- params: $la_codes, $team, $from_month, $to_month
-- requires: workforce
-- window: 1 month
-- extra columns: headcount, permanent_fte, permanent_headcount, agency_fte, agency_headcount
with

totals as (
    -- fact_workforce_month (etl/derived_workforce.sql): FTE and headcount in post per team and month end
    select *
    from fact_workforce_month
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

final as (
    select
        t.la_code,
        t.team,
        t.month_end,
        round(coalesce(t.fte, 0), 2) as numerator,
        null::double as denominator,
        round(coalesce(t.fte, 0), 2) as value,
        coalesce(t.headcount, 0)::integer as headcount,
        round(coalesce(t.permanent_fte, 0), 2) as permanent_fte,
        coalesce(t.permanent_headcount, 0)::integer as permanent_headcount,
        round(coalesce(t.agency_fte, 0), 2) as agency_fte,
        coalesce(t.agency_headcount, 0)::integer as agency_headcount
    from totals as t
    where ($team::varchar is null or t.team = $team::varchar)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
