-- title: Social worker vacancy rate
-- theme: workforce
-- question: Where the funded establishment is known, what share of funded social work FTE was vacant at each month end?
-- shape: series
-- grain: one row per authority, team and month end, only where the team's establishment is known at that month end;
--   team = 'All teams' sums the teams with a known establishment
-- keys: la_code, team, month_end
-- numerator: vacant FTE = max(0, establishment FTE - permanent FTE in post), per team; the authority sums its teams
-- denominator: establishment FTE (funded posts) of the teams with a known establishment at the month end
-- rule: CSWW vacancy (DfE children's social work workforce census): a vacancy is a funded post not filled by a
--   permanent employee, so agency workers cover vacancies rather than fill them (agency_cover_fte = the part of the
--   vacancies covered by the team's agency FTE; unfilled_fte = max(0, establishment - all FTE in post)). Establishment
--   at d: an establishment row with start_date <= d and (end_date is null or end_date >= d). In post at d: start_date
--   <= d and (end_date is null or end_date >= d), end_date being the last day in post. A team over establishment has
--   0 vacancies (it does not offset another team's). No rows where no establishment is known (the extract is
--   optional).
--   The value is worked out from the numerator and denominator as shown (FTE rounded to 2 decimal places).
--   Spells of one worker that overlap (a data error) are cut short at the start of the later spell.
-- source: fact_establishment, fact_workforce_month (in-post FTE per team and month), fact_worker_spell_clean
--   (months after the data end)
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: workforce, establishment
-- window: 1 month
-- benchmark: workforce_vacancy_rate
-- extra columns: establishment_fte, permanent_fte, agency_fte, agency_cover_fte, unfilled_fte
with

establishment as (
    select la_code, team, fte, start_date, end_date
    from fact_establishment
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
),

spells as (
    -- fact_worker_spell_clean (etl/derived_workforce.sql): overlapping spells already cut short
    select la_code, team, fte, agency_worker, start_date, end_date
    from fact_worker_spell_clean
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
),

months as (
    select last_day(unnest(range(
        date_trunc('month', $from_month::date)::timestamp,
        last_day($to_month::date)::timestamp + interval 1 day,
        interval 1 month
    ))::date) as month_end
),

funded as (
    select e.la_code, e.team, m.month_end, sum(e.fte) as establishment_fte
    from establishment as e
    join months as m on e.start_date <= m.month_end and coalesce(e.end_date, date '9999-12-31') >= m.month_end
    group by all
),

covered as (
    -- months fact_workforce_month holds (etl/derived_workforce.sql): in-post FTE per team already summed there
    select la_code, max(month_end) as last_month
    from fact_workforce_month
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
    group by la_code
),

in_post_covered as (
    select f.la_code, f.team, f.month_end, f.establishment_fte,
           coalesce(w.permanent_fte, 0) as permanent_fte, coalesce(w.agency_fte, 0) as agency_fte
    from funded as f
    join covered as c on c.la_code = f.la_code and f.month_end <= c.last_month
    left join fact_workforce_month as w
        on w.la_code = f.la_code and w.team = f.team and w.month_end = f.month_end
),

in_post_beyond as (
    -- establishment months after the data end: spells still open then count as in post
    select
        f.la_code, f.team, f.month_end, f.establishment_fte,
        coalesce(sum(s.fte) filter (where not s.agency_worker), 0) as permanent_fte,
        coalesce(sum(s.fte) filter (where s.agency_worker), 0) as agency_fte
    from funded as f
    left join covered as c on c.la_code = f.la_code
    left join spells as s
        on s.la_code = f.la_code and s.team = f.team and s.start_date <= f.month_end
       and s.end_date >= f.month_end
    where c.last_month is null or f.month_end > c.last_month
    group by all
),

in_post as (
    -- every funded team-month once: up to the data end from fact_workforce_month, after it from open spells
    select * from in_post_covered
    union all
    select * from in_post_beyond
),

by_team as (
    select
        la_code, team, month_end, establishment_fte, permanent_fte, agency_fte,
        greatest(0, establishment_fte - permanent_fte) as vacant_fte,
        least(greatest(0, establishment_fte - permanent_fte), agency_fte) as agency_cover_fte,
        greatest(0, establishment_fte - permanent_fte - agency_fte) as unfilled_fte
    from in_post
),

with_authority as (
    select * from by_team
    union all
    select
        la_code, 'All teams' as team, month_end, sum(establishment_fte), sum(permanent_fte), sum(agency_fte),
        sum(vacant_fte), sum(agency_cover_fte), sum(unfilled_fte)
    from by_team
    group by la_code, month_end
),

final as (
    select
        la_code,
        team,
        month_end,
        round(vacant_fte, 2) as numerator,
        round(establishment_fte, 2) as denominator,
        case when round(establishment_fte, 2) > 0
            then round(100.0 * round(vacant_fte, 2) / round(establishment_fte, 2), 1) end as value,
        round(establishment_fte, 2) as establishment_fte,
        round(permanent_fte, 2) as permanent_fte,
        round(agency_fte, 2) as agency_fte,
        round(agency_cover_fte, 2) as agency_cover_fte,
        round(unfilled_fte, 2) as unfilled_fte
    from with_authority
    where ($team::varchar is null or team = $team::varchar)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
