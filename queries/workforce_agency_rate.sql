-- title: Agency social workers (rate)
-- theme: workforce
-- question: What share of the social work FTE in post at each month end was agency staff?
-- shape: series
-- grain: one row per authority, team and month end; team = 'All teams' for the authority
-- keys: la_code, team, month_end
-- numerator: FTE of agency social workers (AgencyWorker 1) in post at the month end
-- denominator: FTE of all social workers (agency and permanent, all roles) in post at the month end
-- rule: CSWW agency rate (DfE children's social work workforce census): agency FTE / (agency + permanent FTE) in
--   post, published as at 30 September; here at every month end. In post on d: start_date <= d and (end_date is
--   null or end_date >= d), end_date being the last day in post. Team = the team of the spell in post. Value null
--   when no one is in post. A missing AgencyWorker flag counts as permanent.
--   The value is worked out from the numerator and denominator as shown (FTE rounded to 2 decimal places).
--   Spells of one worker that overlap (a data error) are cut short at the start of the later spell.
-- source: fact_workforce_month (from fact_worker_spell, fact_child_month for the data's end date)
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: workforce
-- window: 1 month
-- benchmark: workforce_agency_rate
-- headline: yes
-- short: Agency social workers
-- extra columns: agency_headcount, headcount
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
        round(coalesce(t.agency_fte, 0), 2) as numerator,
        round(coalesce(t.fte, 0), 2) as denominator,
        case when round(t.fte, 2) > 0 then round(100.0 * round(t.agency_fte, 2) / round(t.fte, 2), 1) end as value,
        coalesce(t.agency_headcount, 0)::integer as agency_headcount,
        coalesce(t.headcount, 0)::integer as headcount
    from totals as t
    where ($team::varchar is null or t.team = $team::varchar)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
