-- title: Children whose initial health assessment was late
-- theme: health
-- question: Which children who entered care in the period did not have their initial health assessment (IHA)
--   within 20 working days, and by how long was it late?
-- shape: list
-- grain: one row per period of care that began between $from_month and $to_month and whose IHA was late or not done
-- keys: la_code, child, period_start
-- numerator: n/a
-- denominator: n/a
-- rule: As health_iha_in_time (statutory guidance 'Promoting the health and wellbeing of looked-after children',
--   DfE/DH 2015: the IHA within 20 working days of becoming looked after). Due = the 20th working day after the start
--   of the period of care (Monday to Friday except England's bank holidays; day 20 in time, day 21 late). Listed:
--   'done late' (the first IHA in the period after the due date) and 'not done' (no IHA in the period, past the due
--   date, still looked after then and due before the authority's last month end): for one month, exactly the
--   series' denominator - numerator. Periods starting on a short-break legal status (V3/V4) are out of scope. Team =
--   the child's team at the end of the entry month (as the series); social_worker = the allocated worker then.
--   working_days_late = working days from the due date to the IHA (or, if not done, to the authority's last month
--   end in the warehouse).
-- source: fact_health_period (etl/derived_health.sql), fact_child_month, dim_calendar, authority_coverage
-- polarity: lower is better
-- unit: children
-- params: $la_codes, $team, $from_month, $to_month
-- requires: episodes, health_assessments
-- window: 1 month
-- order: not done first, then the most working days late, then child
-- beside_child: working_days_late
-- columns: child, la_code, team, social_worker, period_start, iha_due, first_iha_date (null if not done), status,
--   working_days_late

with

periods as (
    select la_code, child, period_start, period_end, iha_due, first_iha_date, entry_month, entry_team
    from fact_health_period
    where ($la_codes is null or list_contains($la_codes, la_code))
      and period_start between date_trunc('month', $from_month::date) and last_day($to_month::date)
      and (first_ls is null or first_ls not in ('V3', 'V4'))
      and iha_due is not null
),

judged as (
    -- the same cases, in the same order, as health_iha_in_time
    select
        p.*,
        c.last_month,
        case
            when p.first_iha_date <= p.iha_due then 'in time'
            when p.first_iha_date > p.iha_due then 'done late'
            when p.period_end <= p.iha_due then 'left before due'
            when c.last_month <= p.iha_due then 'not yet due'
            else 'not done'
        end as status
    from periods as p
    join authority_coverage as c using (la_code)
),

late as (
    select * from judged where status in ('done late', 'not done')
),

calendar as (
    select d, working_day_no from dim_calendar
),

final as (
    select
        l.child,
        l.la_code,
        l.entry_team as team,
        cm.sw_id as social_worker,
        l.period_start,
        l.iha_due,
        l.first_iha_date,
        l.status,
        (upto.working_day_no - due.working_day_no)::integer as working_days_late
    from late as l
    join calendar as due on due.d = l.iha_due
    join calendar as upto on upto.d = coalesce(l.first_iha_date, l.last_month)
    left join fact_child_month as cm
        on cm.la_code = l.la_code and cm.child = l.child and cm.month_end = l.entry_month
    where ($team is null or l.entry_team = $team)
)

select * from final
order by status = 'not done' desc, working_days_late desc, la_code, child, period_start
