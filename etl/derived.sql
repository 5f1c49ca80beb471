-- Derived warehouse tables and macros, built by the loader after the facts (and by test fixtures).
-- They hold shared *modelling* (what a placement is, who a child's worker and team are on a date), so each
-- measure in queries/ does not re-derive it. Measures' own rules (timescales, targets) stay in queries/.

-- dim_child_key: one integer per child (la_code, child), numbered in (la_code, child) order, so measures join,
-- partition and sort children on one integer instead of two strings (about twice as fast for ASOF joins and windows
-- at national scale). Children of dim_child and fact_episode: the loader rejects facts of children with no header
-- row, so every fact's child is keyed. The *_keyed tables below are facts with the key, for the measures.
create or replace table dim_child_key as
select la_code, child, (row_number() over (order by la_code, child))::integer as child_key
from (select la_code, child from dim_child union select la_code, child from fact_episode);

-- dim_worker_key: one integer per social worker (la_code, sw_id) in the workforce extract or the social worker
-- episodes, with the team of their latest spell (dim_worker.team, null if unknown), for fast ASOF joins.
create or replace table dim_worker_key as
select k.la_code, k.sw_id, (row_number() over (order by k.la_code, k.sw_id))::integer as worker_key, w.team
from (select la_code, sw_id from fact_worker_spell union select la_code, sw_id from fact_allocation) as k
left join dim_worker as w using (la_code, sw_id);

-- fact_allocation_keyed: fact_allocation with the child's and the worker's integer keys, sorted by child and start.
create or replace table fact_allocation_keyed as
select a.la_code, k.child_key, a.sw_id, w.worker_key, a.sw_decom, a.sw_dec
from fact_allocation as a
join dim_child_key as k using (la_code, child)
join dim_worker_key as w using (la_code, sw_id)
order by k.child_key, a.sw_decom;

-- fact_worker_spell_keyed: each worker's spells (worker_key, start_date, end_date, team), sorted by worker and start.
create or replace table fact_worker_spell_keyed as
select w.worker_key, s.start_date, s.end_date, s.team
from fact_worker_spell as s
join dim_worker_key as w using (la_code, sw_id)
order by w.worker_key, s.start_date;

-- fact_care_episode: every episode as the measures use it, one row per fact_episode row, on any day at most one
-- episode in force. Overlaps (an episode still open, or ending after, when the child's next episode starts: a DfE
-- validator error, listed by the loader in load_warnings as 'overlapping episodes') are resolved by one rule: the
-- later DECOM wins, so the earlier episode is treated as ending on the later one's DECOM (dec = least(DEC, next
-- DECOM); dec_recorded keeps the DEC as recorded). Legal status (ls) and placement type (place) are the episode's
-- own, so a change of legal status inside a placement (RNE L) is seen on the day it happened.
-- Placements and periods of care: consecutive episodes form one placement unless the later one starts a new
-- placement (RNE S, P, T, U or B: DfE SSDA903 guidance) or starts after a gap (the previous episode ended before
-- it began); a period of care starts with RNE 'S' or after a gap. placement_no / period_no count them per child.
create or replace table fact_care_episode as
with
ep as (
    -- one sort for both neighbours: the next episode's start and the previous episode's recorded end
    select
        e.la_code, e.child, k.child_key, e.decom, e.dec as dec_recorded, e.rne, e.ls, e.place, e.place_provider,
        e.rec, c.dob,
        lead(e.decom) over w as next_decom,
        lag(e.decom) over w as previous_decom,
        lag(e.dec) over w as previous_dec_recorded
    from fact_episode as e
    join dim_child_key as k using (la_code, child)
    left join dim_child as c using (la_code, child)
    window w as (partition by k.child_key order by e.decom)
),
effective as (
    -- dec: this episode's end, overlaps resolved (least(DEC, next DECOM)); previous_dec: the same for the episode
    -- before (its next DECOM is this one's), null for the child's first episode
    select
        * exclude (next_decom, previous_decom, previous_dec_recorded),
        case when next_decom is not null and (dec_recorded is null or dec_recorded > next_decom) then next_decom
             else dec_recorded end as dec,
        case when previous_decom is null then null
             when previous_dec_recorded is null or previous_dec_recorded > decom then decom
             else previous_dec_recorded end as previous_dec
    from ep
),
flagged as (
    select
        * exclude (previous_dec),
        case when rne in ('S', 'P', 'T', 'U', 'B') or previous_dec is null or previous_dec < decom
             then 1 else 0 end as new_placement,
        case when rne = 'S' or previous_dec is null or previous_dec < decom then 1 else 0 end as new_period
    from effective
)
select
    * exclude (new_placement, new_period),
    (sum(new_placement) over w)::integer as placement_no,
    (sum(new_period) over w)::integer as period_no,
    -- the start of the latest placement / period begun so far: its first episode's DECOM (rows in DECOM order)
    max(case when new_placement = 1 then decom end) over w as placement_start,
    max(case when new_period = 1 then decom end) over w as period_start
from flagged
window w as (partition by child_key order by decom rows unbounded preceding);

-- fact_placement: one row per placement (fact_care_episode grouped by placement_no). placement_end is the end of
-- its last episode (null while open); place and place_provider are its first episode's; first_ls its first legal
-- status; short_break is true when every episode of it is a short break (legal status V3 or V4).
create or replace table fact_placement as
select
    la_code, child, period_no, placement_no,
    min(decom) as placement_start,
    case when bool_or(dec is null) then null else max(dec) end as placement_end,
    arg_min(place, decom) as place,
    arg_min(place_provider, decom) as place_provider,
    arg_min(ls, decom) as first_ls,
    bool_and(coalesce(ls in ('V3', 'V4'), false)) as short_break,
    arg_max(rec, decom) as rec,
    min(period_start) as period_start,
    child_key
from fact_care_episode
group by la_code, child, child_key, period_no, placement_no;

-- worker_and_team_on(rows, la_codes := null): the rows of the table or CTE named `rows` (columns la_code, child,
-- child_key, dob, at_date, placement_start, period_start, place, ls, placement_no: a child looked after on at_date)
-- with the allocated social worker on that date (the latest allocation begun on or before it, if it has not ended
-- before it; otherwise none), the worker's team then (their latest spell begun on or before the date if still
-- running, else their latest team; 'Unallocated' with no worker) and the child's age in whole years. ASOF joins on
-- integer keys keep this linear and fast at national scale. The one definition behind looked_after_at() and
-- fact_child_month.
create or replace macro worker_and_team_on(rows, la_codes := null) as table
with
allocations as (
    select * from fact_allocation_keyed where la_codes is null or list_contains(la_codes, la_code)
),
alloc as (
    select
        r.*,
        case when coalesce(a.sw_dec, date '9999-12-31') >= r.at_date then a.sw_id end as sw_id,
        case when coalesce(a.sw_dec, date '9999-12-31') >= r.at_date then a.worker_key end as worker_key
    from query_table(rows) as r
    asof left join allocations as a
        on a.child_key = r.child_key and a.sw_decom <= r.at_date
),
team_on as (
    select al.*, case when coalesce(s.end_date, date '9999-12-31') >= al.at_date then s.team end as spell_team
    from alloc as al
    asof left join fact_worker_spell_keyed as s
        on s.worker_key = al.worker_key and s.start_date <= al.at_date
)
select
    t.la_code,
    t.child,
    t.at_date,
    t.placement_start,
    t.period_start,
    t.place,
    t.ls,
    t.placement_no,
    t.sw_id,
    case when t.sw_id is null then 'Unallocated' else coalesce(t.spell_team, w.team, 'Unallocated') end as team,
    t.dob,
    date_part('year', age(t.at_date::timestamp, t.dob::timestamp))::integer as age_years,
    t.child_key
from team_on as t
left join dim_worker_key as w on w.worker_key = t.worker_key;

-- looked_after_at(dates): one row per child looked after on each date in `dates` (a DATE[]): looked after on d
-- means an episode (fact_care_episode, overlaps resolved) started on or before d and not ended before or on d
-- (DfE: ceased on 31 March is not looked after at 31 March). ls and place are the episode's in force on d;
-- placement_start / period_start / placement_no its placement's and period's; social worker, team and age from
-- worker_and_team_on(). Optional la_codes := [...] limits it to those authorities (much faster for one authority's
-- child list).
create or replace macro looked_after_at(dates, la_codes := null) as table
with on_dates as (
    select e.la_code, e.child, e.child_key, e.dob, d.at_date, e.placement_start, e.period_start, e.place, e.ls,
           e.placement_no
    from fact_care_episode as e
    join (select unnest(dates)::date as at_date) as d
        on e.decom <= d.at_date and coalesce(e.dec, date '9999-12-31') > d.at_date
    where la_codes is null or list_contains(la_codes, e.la_code)
)
select * exclude (child_key) from worker_and_team_on('on_dates', la_codes := la_codes);

-- fact_child_month: every child looked after (as looked_after_at()) at every month end that the authority's
-- SSDA903 episodes cover (source_coverage, source 'episodes': the months of its return years, never after the
-- load), so one authority's future-dated row cannot stretch another's months. child_key as in dim_child_key.
create or replace table fact_child_month as
with
month_ends as (
    select distinct month_end as at_date from source_coverage where source = 'episodes'
),
on_month_ends as (
    select e.la_code, e.child, e.child_key, e.dob, d.at_date, e.placement_start, e.period_start, e.place, e.ls,
           e.placement_no
    from fact_care_episode as e
    join month_ends as d on e.decom <= d.at_date and coalesce(e.dec, date '9999-12-31') > d.at_date
),
covered as (
    select o.*
    from on_month_ends as o
    semi join source_coverage as c on c.la_code = o.la_code and c.month_end = o.at_date and c.source = 'episodes'
)
select * exclude (child_key), at_date as month_end, child_key
from worker_and_team_on('covered');

-- fact_visit_keyed: fact_visit's (la_code, child, visit_date) with the child's integer key and previous_visit_date (the
-- child's visit before it, in any placement; null for their first), sorted by child and date.
create or replace table fact_visit_keyed as
select
    v.la_code, k.child_key, v.visit_date,
    lag(v.visit_date) over (partition by k.child_key order by v.visit_date) as previous_visit_date
from fact_visit as v
join dim_child_key as k using (la_code, child)
order by k.child_key, v.visit_date;

-- fact_episode_keyed: fact_care_episode's (la_code, child_key, decom, ls, place), sorted by child and start (the
-- episode in force on a date, by ASOF join on child_key).
create or replace table fact_episode_keyed as
select la_code, child_key, decom, ls, place
from fact_care_episode
order by child_key, decom;

-- dim_calendar: every day from 1990 to 2040 with whether it is a working day in England (Monday to Friday and not a
-- bank holiday in dim_bank_holiday) and working_day_no, the running count of working days up to and including it.
-- The nth working day after d is the working day whose number is working_day_no(d) + n: the one calendar behind every
-- "within 20 working days" rule (initial health assessment, first looked-after review).
create or replace table dim_calendar as
select d, is_working_day, sum(is_working_day::integer) over (order by d) as working_day_no
from (
    select r.d::date as d, isodow(r.d) <= 5 and h.holiday_date is null as is_working_day
    from range(timestamp '1990-01-01', timestamp '2041-01-01', interval 1 day) as r (d)
    left join dim_bank_holiday as h on h.holiday_date = r.d::date
);
