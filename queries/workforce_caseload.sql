-- title: Caseload (children looked after per case-holding FTE)
-- theme: workforce
-- question: How many children looked after were there per case-holding social worker FTE at each month end?
-- shape: series
-- grain: one row per authority, team and month end; team = 'All teams' for the authority. A team has a row in a
--   month when it has case-holding FTE in post or children allocated to its workers
-- keys: la_code, team, month_end
-- numerator: children looked after at the month end (team: children whose allocated worker is in that team;
--   'All teams': every child looked after, including those with no allocated worker)
-- denominator: FTE in post at the month end of case-holding workers (CSWW OrgRole 4 senior practitioner and
--   5 case holder; agency as well as permanent)
-- rule: Caseload as in the CSWW (DfE children's social work workforce census: cases / case-holding FTE), counting
--   children looked after only (fact_child_month: looked after on d = placement started on or before d and not
--   ended on or before d). A child's team = the team of the allocated worker's spell at the month end. In post on d:
--   start_date <= d and (end_date is null or end_date >= d). Value = numerator / denominator rounded to 1 decimal
--   place (a ratio, so the numerator may exceed the denominator); null when there is no case-holding FTE. Children
--   with no allocated worker ('Unallocated') count only in the 'All teams' row.
--   The value is worked out from the numerator and denominator as shown (FTE rounded to 2 decimal places).
--   Spells of one worker that overlap (a data error) are cut short at the start of the later spell.
-- source: fact_child_month, fact_workforce_month (from fact_worker_spell)
-- polarity: lower is better
-- unit: children per FTE
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, workforce
-- window: 1 month
-- benchmark: workforce_caseload
-- extra columns: case_holders_headcount
with

child_months as (
    select la_code, child, team, month_end
    from fact_child_month
    where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

la_months as (
    -- every month end from the authority's first to last child-month in the period, so an empty month still shows
    select la_code, last_day(unnest(range(m0::timestamp, m1::timestamp + interval 1 day, interval 1 month))::date)
        as month_end
    from (
        -- authority_coverage (etl/derived_health.sql): first and last month end of fact_child_month
        select
            la_code, date_trunc('month', greatest(first_month, last_day($from_month::date))) as m0,
            least(last_month, last_day($to_month::date)) as m1
        from authority_coverage
        where ($la_codes::varchar[] is null or list_contains($la_codes::varchar[], la_code))
          and first_month <= last_day($to_month::date) and last_month >= last_day($from_month::date)
    )
),

team_children as (
    select la_code, team, month_end, count(*) as children
    from child_months
    group by la_code, team, month_end
),

children as (
    select * from team_children
    union all
    select la_code, 'All teams' as team, month_end, sum(children) from team_children group by la_code, month_end
),

fte as (
    -- fact_workforce_month (etl/derived_workforce.sql): case holders (org_role 4, 5) in post per team and month end
    select w.la_code, w.team, w.month_end, w.case_fte as fte, w.case_headcount as headcount
    from fact_workforce_month as w
    semi join la_months as m using (la_code, month_end)
    where w.case_headcount > 0 or w.team = 'All teams'
),

grid as (
    select la_code, 'All teams' as team, month_end from la_months
    union
    select la_code, team, month_end from children where team not in ('All teams', 'Unallocated')
    union
    select la_code, team, month_end from fte
),

final as (
    select
        g.la_code,
        g.team,
        g.month_end,
        coalesce(c.children, 0)::integer as numerator,
        round(coalesce(f.fte, 0), 2) as denominator,
        case when round(f.fte, 2) > 0 then round(coalesce(c.children, 0) / round(f.fte, 2), 1) end as value,
        coalesce(f.headcount, 0)::integer as case_holders_headcount
    from grid as g
    left join children as c using (la_code, team, month_end)
    left join fte as f using (la_code, team, month_end)
    where ($team::varchar is null or g.team = $team::varchar)
)

select * from final
order by la_code, team <> 'All teams', team, month_end
