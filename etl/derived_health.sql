-- Derived tables and macros for the health measures (queries/health_*.sql), plus the series scaffolding the health
-- and missing measures share. Built by etl/warehouse.build_derived after derived.sql (fact_placement,
-- fact_child_month) and before derived_missing.sql (name order), which uses the shared macros defined here.
-- Measures keep their own rule (numerator, denominator); these hold the modelling they have in common.

-- authority_coverage: one row per authority with data: the first and last month end any of its sources covers
-- (source_coverage). Series measures produce rows only for month ends in this span; the registry marks each row's
-- status (ok / partial / no data) from the months the measure's own sources cover.
create or replace table authority_coverage as
select la_code, min(month_end) as first_month, max(month_end) as last_month
from source_coverage
group by la_code;

-- source_coverage_run: each authority's unbroken runs of months that each source file covers (source_coverage), as
-- month numbers (year * 12 + month - 1), each with covers: all that source's runs in words, 'Apr 2016 to Mar 2018,
-- Sep 2019' (as queries/coverage.spans_text() writes them). A series row's status (queries/coverage.py) reads these
-- few rows, not every covered month.
create or replace table source_coverage_run as
with
covered as (
    -- distinct: a month listed twice would otherwise break the idx - row_number() runs below
    select distinct la_code, source, year(month_end) * 12 + month(month_end) - 1 as idx
    from source_coverage
),
runs as (
    -- consecutive months share idx - row_number()
    select la_code, source, min(idx) as first_idx, max(idx) as last_idx
    from (
        select *, idx - row_number() over (partition by la_code, source order by idx) as run
        from covered
    )
    group by la_code, source, run
),
spans as (
    select
        la_code,
        source,
        string_agg(
            strftime(make_date((first_idx // 12)::integer, (first_idx % 12 + 1)::integer, 1), '%b %Y')
            || case when last_idx > first_idx
                    then ' to ' || strftime(make_date((last_idx // 12)::integer, (last_idx % 12 + 1)::integer, 1),
                                            '%b %Y')
                    else '' end,
            ', ' order by first_idx) as covers
    from runs
    group by la_code, source
)
select r.la_code, r.source, r.first_idx, r.last_idx, s.covers
from runs as r
join spans as s using (la_code, source)
order by r.la_code, r.source, r.first_idx;

-- team_at_month_end(keys, la_codes := null): each row of the table or CTE named `keys` (a string; columns la_code,
-- child, month_end) with `team`: the child's team at that month end (fact_child_month), or, if they were not looked
-- after then, at the month end before, else 'Unallocated'. One ASOF join on the integer child_key (dim_child_key)
-- instead of a lookup per candidate month: about ten times faster than joining on (la_code, child) at national scale.
create or replace macro team_at_month_end(keys, la_codes := null) as table
with
keyed as materialized (
    select k.*, d.child_key as team_child_key
    from query_table(keys) as k
    left join dim_child_key as d on d.la_code = k.la_code and d.child = k.child
),
child_months as (
    -- only the children asked about: a hash semi join is much cheaper than sorting every child-month
    select f.child_key, f.month_end, f.team
    from fact_child_month as f
    semi join keyed as q on q.team_child_key = f.child_key
    where la_codes is null or list_contains(la_codes, f.la_code)
)
select
    k.* exclude (team_child_key),
    case when cm.month_end >= last_day(k.month_end - interval 1 month) then cm.team else 'Unallocated' end as team
from keyed as k
asof left join child_months as cm
    on cm.child_key = k.team_child_key and cm.month_end <= k.month_end;

-- series_rows(counts, la_codes, only_team, from_month, to_month, month_of_year := null, sum_teams := true): the rows
-- of a series measure from its per-team counts (the table or CTE named `counts`: la_code, team, month_end, then
-- count columns). One 'All teams' row per authority (dim_authority, filtered by la_codes) and month end between
-- last_day(from_month) and last_day(to_month) inside authority_coverage (only month `month_of_year` if given),
-- plus the team rows in coverage. With sum_teams the 'All teams' counts are the sums of the team rows (right when
-- each counted item is in exactly one team); otherwise `counts` carries its own 'All teams' rows. Count columns
-- are 0 where nothing was counted. only_team (not null) keeps that team's rows only.
create or replace macro series_rows(counts, la_codes, only_team, from_month, to_month, month_of_year := null,
                                    sum_teams := true) as table
with
team_counts as materialized (
    -- read once: the caller's counts are used for both kinds of row
    select * from query_table(counts)
),
authorities as (
    select la_code
    from dim_authority
    where la_codes is null or list_contains(la_codes, la_code)
),
months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', from_month::date), last_day(to_month::date) + interval 1 day,
               interval 1 month) as r (m)
    where month_of_year is null or month(r.m) = month_of_year
),
spine as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join authority_coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
),
authority_counts as (
    select *
    from team_counts
    where team = 'All teams' and not sum_teams
    union all by name
    select la_code, 'All teams' as team, month_end, sum(columns(* exclude (la_code, team, month_end)))::bigint
    from team_counts
    where team <> 'All teams' and sum_teams
    group by la_code, month_end
),
all_rows as (
    select s.la_code, s.team, s.month_end, c.* exclude (la_code, team, month_end)
    from spine as s
    left join authority_counts as c using (la_code, team, month_end)
    union all by name
    select t.*
    from team_counts as t
    join authority_coverage as c on c.la_code = t.la_code and t.month_end between c.first_month and c.last_month
    where t.team <> 'All teams'
)
select la_code, team, month_end, coalesce(columns(* exclude (la_code, team, month_end)), 0)
from all_rows
where only_team is null or team = only_team;

-- percent_series(counts, la_codes, only_team, from_month, to_month, month_of_year := null): series_rows() for a
-- percentage measure: la_code, team, month_end, numerator, denominator, value = round(100 * numerator /
-- denominator, 1) (null when the denominator is 0), then the other count columns.
create or replace macro percent_series(counts, la_codes, only_team, from_month, to_month, month_of_year := null)
as table
select
    la_code,
    team,
    month_end,
    numerator,
    denominator,
    round(100.0 * numerator / nullif(denominator, 0), 1) as value,
    columns(* exclude (la_code, team, month_end, numerator, denominator))
from series_rows(counts, la_codes, only_team, from_month, to_month, month_of_year := month_of_year);

-- count_series(counts, la_codes, only_team, from_month, to_month, sum_teams := true): series_rows() for a count
-- measure: la_code, team, month_end, numerator, denominator (null), value = numerator, then the other columns.
create or replace macro count_series(counts, la_codes, only_team, from_month, to_month, sum_teams := true) as table
select
    la_code,
    team,
    month_end,
    numerator,
    null::bigint as denominator,
    numerator as value,
    columns(* exclude (la_code, team, month_end, numerator))
from series_rows(counts, la_codes, only_team, from_month, to_month, sum_teams := sum_teams);

-- fact_health_period: one row per period of care (fact_placement.period_no) with its IHA due date and first IHA.
-- Columns: la_code, child, period_no, period_start, period_end (null while open), first_ls (legal status of its
-- first episode), iha_due, first_iha_date, entry_month (last_day(period_start)), entry_team.
-- Rules: iha_due = the 20th working day after period_start (working days: Monday to Friday except dim_bank_holiday;
-- 'Promoting the health and wellbeing of looked-after children', DfE/DH 2015: IHA within 20 working days).
-- first_iha_date = the earliest IHA dated within the period (on or after its start, on or before its end).
-- entry_team = team_at_month_end() at entry_month.
create or replace table fact_health_period as
with
periods as (
    -- first_ls: the legal status of the period's first episode (fact_care_episode), not of its whole placement
    select
        la_code,
        child,
        period_no,
        min(period_start) as period_start,
        case when bool_or(dec is null) then null else max(dec) end as period_end,
        arg_min(ls, decom) as first_ls
    from fact_care_episode
    group by la_code, child, period_no
),
calendar as (
    -- working days from dim_calendar (etl/derived.sql)
    select d as day, is_working_day, working_day_no from dim_calendar
),
due as (
    select p.*, w20.day as iha_due
    from periods as p
    left join calendar as c0 on c0.day = p.period_start
    left join calendar as w20 on w20.working_day_no = c0.working_day_no + 20 and w20.is_working_day
),
first_iha as (
    select d.la_code, d.child, d.period_no, min(i.assessment_date) as first_iha_date
    from due as d
    join fact_health_assessment as i
        on i.la_code = d.la_code and i.child = d.child
       and i.assessment_date >= d.period_start
       and i.assessment_date <= coalesce(d.period_end, date '9999-12-31')
    where i.assessment_type = 'IHA'
    group by d.la_code, d.child, d.period_no
),
entry_months as (
    select distinct la_code, child, last_day(period_start) as month_end
    from periods
),
entry_teams as (
    select * from team_at_month_end('entry_months')
)
select d.*, f.first_iha_date, last_day(d.period_start) as entry_month, t.team as entry_team
from due as d
left join first_iha as f using (la_code, child, period_no)
left join entry_teams as t on t.la_code = d.la_code and t.child = d.child and t.month_end = last_day(d.period_start);

-- fact_health_review: one row per child and date with an IHA or RHA (both on one date count once).
-- Columns: la_code, child, assessment_date, is_iha, review_months, next_due, prev_date, prev_due, child_key
-- (dim_child_key).
-- Rule: the next assessment is due review_months calendar months later: 6 if the child was under 5 on the date,
-- else 12 (12 when the date of birth is unknown); prev_date / prev_due = the child's assessment before and the due
-- date it set (DfE/DH 2015: reviews every 6 months before the 5th birthday, every 12 months after).
create or replace table fact_health_review as
with
assessments as (
    select la_code, child, assessment_date, bool_or(assessment_type = 'IHA') as is_iha
    from fact_health_assessment
    where assessment_type in ('IHA', 'RHA')
    group by la_code, child, assessment_date
),
next_due as (
    select
        a.*,
        case when a.assessment_date < c.dob + interval 5 year then 6 else 12 end as review_months,
        (a.assessment_date + to_months(review_months))::date as next_due
    from assessments as a
    left join dim_child as c using (la_code, child)
)
select
    n.*,
    lag(n.assessment_date) over w as prev_date,
    lag(n.next_due) over w as prev_due,
    k.child_key
from next_due as n
left join dim_child_key as k using (la_code, child)
window w as (partition by n.la_code, n.child order by n.assessment_date);

-- fact_child_month_health: one row per fact_child_month row (child looked after at a month end), short-break legal
-- status (V3/V4) excluded. Columns: la_code, child, month_end, team, period_start, iha_due (fact_health_period),
-- last_date / next_due / prev_date / prev_due (the latest fact_health_review row on or before the month end, any
-- period), last_dental (latest DENTAL check on or before the month end), and the shared flags:
-- rha_overdue = the latest IHA/RHA is in the current period (on or after period_start) and the month end is after
-- its next_due (in time through the due date); iha_overdue = no IHA/RHA in the period and the month end is after
-- iha_due (day 20 in time, day 21 late).
create or replace table fact_child_month_health as
with
dental as (
    -- by the integer child key (dim_child_key), as the joins below: much quicker than (la_code, child) at scale
    select k.child_key, a.assessment_date
    from fact_health_assessment as a
    join dim_child_key as k using (la_code, child)
    where a.assessment_type = 'DENTAL'
),
iha_due as (
    select distinct k.child_key, p.period_start, p.iha_due
    from fact_health_period as p
    join dim_child_key as k using (la_code, child)
),
child_month as (
    -- with the IHA due date of the child's current period (joined before the ASOF join, the smaller side built)
    select cm.la_code, cm.child, cm.child_key, cm.month_end, cm.team, cm.period_start, i.iha_due
    from fact_child_month as cm
    left join iha_due as i using (child_key, period_start)
    where cm.ls is null or cm.ls not in ('V3', 'V4')
),
events as (
    -- every IHA/RHA (fact_health_review) and dental check by child and date
    select child_key, assessment_date as on_date,
           {'last_date': assessment_date, 'next_due': next_due, 'prev_date': prev_date, 'prev_due': prev_due} as review,
           null::date as dental
    from fact_health_review
    union all
    select child_key, assessment_date, null, assessment_date
    from dental
),
state as (
    -- each child's health record as at the end of each date with an event: the latest review (a struct, so its
    -- fields stay together) and the latest dental check. One ASOF join of the child-months to this, not two.
    select distinct on (child_key, on_date)
        child_key, on_date,
        last_value(review ignore nulls) over w as review,
        last_value(dental ignore nulls) over w as last_dental
    from events
    window w as (partition by child_key order by on_date range between unbounded preceding and current row)
),
with_dental as (
    select cm.*, s.review.last_date, s.review.next_due, s.review.prev_date, s.review.prev_due, s.last_dental
    from child_month as cm
    asof left join state as s
        on s.child_key = cm.child_key and s.on_date <= cm.month_end
)
select
    w.la_code,
    w.child,
    w.month_end,
    w.team,
    w.period_start,
    w.iha_due,
    w.last_date,
    w.next_due,
    w.prev_date,
    w.prev_due,
    w.last_dental,
    coalesce(w.last_date >= w.period_start and w.month_end > w.next_due, false) as rha_overdue,
    coalesce(w.last_date >= w.period_start, false) = false
        and coalesce(w.month_end > w.iha_due, false) as iha_overdue
from with_dental as w;

-- fact_oc2_cohort: the DfE's OC2 cohort (queries/health_oc2_assessments.sql states the rule) at each 31 March the
-- episodes cover: children looked after at 31 March (fact_child_month) whose period of care began on or before 1 April
-- of the year before, with no short-break (V3/V4) episode open during the year; with their team at 31 March and their
-- OC2 record for the return year ending that day (has_oc2; health_assessment and teeth_check false without one).
create or replace table fact_oc2_cohort as
with
child_month as (
    select la_code, child, month_end, team, period_start
    from fact_child_month
    where month(month_end) = 3
),
short_breaks as (
    select la_code, child, decom, dec
    from fact_care_episode
    where ls in ('V3', 'V4')
),
cohort as (
    select cm.*
    from child_month as cm
    where cm.period_start <= make_date(year(cm.month_end) - 1, 4, 1)
      and not exists (
          select 1
          from short_breaks as s
          where s.la_code = cm.la_code and s.child = cm.child
            and s.decom <= cm.month_end
            and (s.dec is null or s.dec >= make_date(year(cm.month_end) - 1, 4, 1))
      )
)
select
    c.la_code, c.child, c.month_end, c.team,
    o.child is not null as has_oc2,
    coalesce(o.health_assessment, false) as health_assessment,
    coalesce(o.teeth_check, false) as teeth_check
from cohort as c
left join fact_oc2 as o
    on o.la_code = c.la_code and o.child = c.child and o.return_year = year(c.month_end)
order by c.la_code, c.month_end;
