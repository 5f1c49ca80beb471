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
-- source: fact_worker_spell, fact_child_month (for the data's end date)
-- polarity: lower is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- benchmark: workforce_agency_rate
-- headline: yes
-- extra columns: agency_headcount, headcount
with

spells as (
    -- a worker's spells must not overlap: one running past the start of the worker's next spell is cut short there
    select
        la_code, sw_id, coalesce(team, 'Unknown team') as team, fte,
        coalesce(agency_worker, false) as agency_worker, start_date,
        least(coalesce(end_date, date '9999-12-31'), lead(start_date) over w - 1) as end_date
    from fact_worker_spell
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
    window w as (partition by la_code, sw_id order by start_date)
),

bounds as (
    select
        last_day($from_month::date) as first_month,
        least(last_day($to_month::date), (
            select max(d) from (
                select max(month_end) as d from fact_child_month
                union all select last_day(max(start_date)) from fact_worker_spell
                union all select last_day(max(end_date)) from fact_worker_spell
            )
        )) as last_month
),

la_months as (
    select la_code, last_day(unnest(range(m0::timestamp, m1::timestamp + interval 1 day, interval 1 month))::date)
        as month_end
    from (
        select s.la_code, date_trunc('month', greatest(min(s.start_date), b.first_month)) as m0, b.last_month as m1
        from spells as s, bounds as b
        group by s.la_code, b.first_month, b.last_month
    )
),

team_spans as (
    select
        la_code, team, last_day(min(start_date)) as first_month,
        last_day(max(end_date)) as last_month
    from spells
    group by la_code, team
),

grid as (
    select la_code, 'All teams' as team, month_end from la_months
    union all
    select t.la_code, t.team, m.month_end
    from team_spans as t
    join la_months as m on m.la_code = t.la_code and m.month_end between t.first_month and t.last_month
),

in_post as (
    select m.la_code, s.team, m.month_end, s.fte, s.agency_worker
    from la_months as m
    join spells as s
        on s.la_code = m.la_code and s.start_date <= m.month_end
       and s.end_date >= m.month_end
),

by_team as (
    select
        la_code, team, month_end,
        sum(fte) as fte,
        count(*) as headcount,
        coalesce(sum(fte) filter (where not agency_worker), 0) as permanent_fte,
        count(*) filter (where not agency_worker) as permanent_headcount,
        coalesce(sum(fte) filter (where agency_worker), 0) as agency_fte,
        count(*) filter (where agency_worker) as agency_headcount
    from in_post
    group by la_code, team, month_end
),

totals as (
    select * from by_team
    union all
    select
        la_code, 'All teams' as team, month_end, sum(fte), sum(headcount), sum(permanent_fte),
        sum(permanent_headcount), sum(agency_fte), sum(agency_headcount)
    from by_team
    group by la_code, month_end
),

final as (
    select
        g.la_code,
        g.team,
        g.month_end,
        round(coalesce(t.agency_fte, 0), 2) as numerator,
        round(coalesce(t.fte, 0), 2) as denominator,
        case when round(t.fte, 2) > 0 then round(100.0 * round(t.agency_fte, 2) / round(t.fte, 2), 1) end as value,
        coalesce(t.agency_headcount, 0)::integer as agency_headcount,
        coalesce(t.headcount, 0)::integer as headcount
    from grid as g
    left join totals as t using (la_code, team, month_end)
    where ($team::varchar is null or g.team = $team::varchar)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
