-- title: Longest time without a statutory visit
-- theme: visits
-- question: How long have children looked after gone without a social worker visit - typically (median) and at
--   worst - so that "one child was not visited for four months" shows up in the month it happens?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a child's team is
--   the team of their allocated worker at the month end, 'Unallocated' if none)
-- keys: la_code, team, month_end
-- numerator: the longest gap in days (a maximum, not a count) among children looked after at the month end: the
--   longest of (a) each gap between consecutive visits in a placement, or from the placement's start to its first
--   visit, that ended with a visit during the month, and (b) each child's gap still running at the month end
--   (month end - last visit in the current placement, or - the placement start if not yet visited)
-- denominator: n/a (value = numerator, a number of days)
-- rule: Care Planning, Placement and Case Review (England) Regulations 2010, reg 28: visits are counted per placement
--   (the clock restarts at each placement's start; a visit on the start day begins the placement's visits, a visit
--   on the day a placement ends belongs to the next placement). The statutory intervals are 7 days after a
--   placement starts, then 6 weeks (42 days), or 3 months for long-term placements (see visits_in_time): a longest
--   gap above 42 days means at least one child's visits lapsed unless their placement is long-term. Gaps are whole
--   days (visit date - previous visit date). Only children looked after at the month end are counted.
-- source: fact_child_month_visit (etl/derived_visits.sql: fact_child_month, fact_placement, fact_visit), dim_authority,
--   authority_coverage
-- polarity: lower is better
-- unit: days
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, visits
-- window: 12 months
-- extra_columns: children (looked after at the month end), median_days_without_visit and max_days_without_visit
--   (days since the last visit in the current placement, or since its start, at the month end),
--   children_over_42_days (children whose longest gap in the month, as in the numerator, exceeded 42 days)

with

authorities as (
    select la_code
    from dim_authority
    where ($la_codes is null or list_contains($la_codes, la_code))
),

coverage as (
    -- first and last month end of fact_child_month per authority (etl/derived_health.sql)
    select la_code, first_month, last_month
    from authority_coverage
    where ($la_codes is null or list_contains($la_codes, la_code))
),

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

child_gaps as (
    -- fact_child_month_visit (etl/derived_visits.sql): each child looked after at the month end with their last visit
    -- in the current placement and the longest gap ended by a visit in the month
    select
        la_code,
        child_key,
        month_end,
        team,
        month_end - coalesce(last_visit_date, placement_start) as days_without_visit,
        longest_ended_gap
    from fact_child_month_visit
    where ($la_codes is null or list_contains($la_codes, la_code))
      and month_end between last_day($from_month::date) and last_day($to_month::date)
),

child_longest as (
    select *, greatest(days_without_visit, coalesce(longest_ended_gap, 0)) as longest_gap
    from child_gaps
),

stats as (
    -- per team, and for the authority ('All teams': its own median over all its children) in the same pass; the
    -- authority's counts stay hugeint (sum's type), as the measure has always returned them
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        month_end,
        max(longest_gap) as longest_gap_days,
        case when grouping(team) = 1 then count(*)::hugeint else count(*) end as children,
        round(median(days_without_visit::integer), 1) as median_days_without_visit,
        max(days_without_visit) as max_days_without_visit,
        case when grouping(team) = 1 then (count(*) filter (where longest_gap > 42))::hugeint
             else count(*) filter (where longest_gap > 42) end as children_over_42_days
    from child_longest
    group by grouping sets ((la_code, team, month_end), (la_code, month_end))
),

spine as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
),

all_rows as (
    select
        s.la_code, s.team, s.month_end, st.longest_gap_days, coalesce(st.children, 0) as children,
        st.median_days_without_visit, st.max_days_without_visit,
        coalesce(st.children_over_42_days, 0) as children_over_42_days
    from spine as s
    left join stats as st using (la_code, team, month_end)
    union all
    select
        la_code, team, month_end, longest_gap_days, children, median_days_without_visit, max_days_without_visit,
        children_over_42_days
    from stats
    where team <> 'All teams'
),

final as (
    select
        la_code,
        team,
        month_end,
        longest_gap_days as numerator,
        null::bigint as denominator,
        longest_gap_days as value,
        children,
        median_days_without_visit,
        max_days_without_visit,
        children_over_42_days
    from all_rows
    where ($team is null or team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
