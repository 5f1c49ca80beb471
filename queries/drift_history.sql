-- title: One child's case history (drift)
-- theme: plans
-- question: For one looked-after child, what happened in the year to a date - changes of social worker, visits,
--   reviews, plan actions due and done, case supervision, missing episodes - so a manager sees drift at a glance?
-- shape: history
-- grain: one row per event of child $child in the 12 months to $as_of (a social worker's allocation, a visit, a
--   review, a plan action, a case supervision, a missing episode), if the child is looked after on $as_of
-- keys: la_code, child, event_id
-- numerator: n/a
-- denominator: n/a
-- rule: The window runs from the later of the start of the child's current period of care and $as_of - 1 year + 1 day,
--   to $as_of. Social worker: each allocation in the window (from its start or the window's, to its end or $as_of),
--   status 'change' when it began in the window with a change of social worker (fact_sw_change, as
--   visits_after_change), else 'allocated'. Visit: 'late' when more than 42 days after the child's visit before it (or, for the first in the
--   placement, after the placement's start: the 6-week rule of most placements): 'after more than 6 weeks', else
--   'within 6 weeks'.
--   Plan action (raised in the current period of care, due or open in the window): 'done in time' (COMPLETED_DATE
--   <= DUE_DATE), 'done late', 'overdue' (due before $as_of, not done by it) or 'not yet due'; event_date = due date,
--   end_date = the day it was done (on or before $as_of). Supervision: 'actions and timescales' or 'no actions or
--   timescales' (as supervision_quality). Missing: from mis_start to the return (or $as_of while missing). team and
--   social_worker: the child's on $as_of (looked_after_at()), on every row, so a manager sees only their teams'
--   children.
-- source: looked_after_at(), fact_allocation, fact_sw_change, fact_visit_keyed, fact_placement, fact_review,
--   fact_plan_action, fact_supervision, fact_missing_episode
-- polarity: neutral
-- unit: events
-- params: $la_codes, $team, $as_of, $child
-- requires: episodes
-- window: 1 month
-- columns: child, la_code, team, social_worker, lane (Social worker, Visits, Reviews, Plan actions, Supervision,
--   Missing), event_date, end_date, label, status, detail, event_id

with

who as (
    select la_code, child, team, sw_id, period_start,
           greatest(period_start, ($as_of::date - interval 1 year)::date + 1) as window_start
    from looked_after_at([$as_of::date], la_codes := $la_codes)
    where child = $child
      and ($la_codes is null or list_contains($la_codes, la_code))
      and ($team is null or team = $team)
),

allocations as (
    select
        w.la_code, w.child, 'Social worker' as lane,
        greatest(a.sw_decom, w.window_start) as event_date,
        least(coalesce(a.sw_dec, $as_of::date), $as_of::date) as end_date,
        a.sw_id as label,
        case when c.change_date >= w.window_start then 'change' else 'allocated' end as status,
        'allocated from ' || strftime(a.sw_decom, '%d %b %Y')
            || coalesce(' to ' || strftime(a.sw_dec, '%d %b %Y'), '') as detail,
        'sw:' || a.sw_id || ':' || strftime(a.sw_decom, '%Y-%m-%d') as event_id
    from who as w
    join fact_allocation as a on a.la_code = w.la_code and a.child = w.child
    left join fact_sw_change as c on c.la_code = a.la_code and c.child = a.child and c.change_date = a.sw_decom
    where a.sw_decom <= $as_of::date and coalesce(a.sw_dec, date '9999-12-31') >= w.window_start
),

placements as (
    select p.child_key, p.placement_start, coalesce(p.placement_end, date '9999-12-31') as placement_end
    from fact_placement as p
    join who as w using (la_code, child)
),

visits as (
    select
        w.la_code, w.child, 'Visits' as lane, v.visit_date as event_date, null::date as end_date, 'visit' as label,
        v.visit_date - greatest(coalesce(v.previous_visit_date, p.placement_start), p.placement_start) as gap
    from who as w
    join dim_child_key as k using (la_code, child)
    join fact_visit_keyed as v on v.child_key = k.child_key
    left join placements as p
        on p.child_key = v.child_key and p.placement_start <= v.visit_date and v.visit_date < p.placement_end
    where v.visit_date between w.window_start and $as_of::date
),

reviews as (
    select w.la_code, w.child, 'Reviews' as lane, r.review_date as event_date, null::date as end_date,
           'review' as label, 'held' as status, coalesce('participation ' || r.review_code, '') as detail,
           'review:' || strftime(r.review_date, '%Y-%m-%d') as event_id
    from who as w
    join fact_review as r on r.la_code = w.la_code and r.child = w.child
    where r.review_date between w.window_start and $as_of::date
),

actions as (
    select
        w.la_code, w.child, 'Plan actions' as lane, a.due_date as event_date,
        case when a.completed_date <= $as_of::date then a.completed_date end as end_date,
        a.action_id || coalesce(' (' || lower(a.plan_type) || ')', '') as label,
        case
            when a.completed_date <= $as_of::date and a.completed_date <= a.due_date then 'done in time'
            when a.completed_date <= $as_of::date then 'done late'
            when a.due_date < $as_of::date then 'overdue'
            else 'not yet due'
        end as status,
        'raised ' || strftime(a.raised_date, '%d %b %Y') || ', due ' || strftime(a.due_date, '%d %b %Y')
            || coalesce(', done ' || strftime(case when a.completed_date <= $as_of::date then a.completed_date end,
                                              '%d %b %Y'), '')
            || coalesce(', owner ' || a.owner_sw_id, '') as detail,
        'action:' || a.action_id as event_id
    from who as w
    join fact_plan_action as a on a.la_code = w.la_code and a.child = w.child
    where a.raised_date between w.period_start and $as_of::date
      and (a.due_date >= w.window_start or coalesce(a.completed_date, date '9999-12-31') >= w.window_start)
),

supervisions as (
    select w.la_code, w.child, 'Supervision' as lane, s.supervision_date as event_date, null::date as end_date,
           'supervision' as label,
           case when coalesce(s.actions_recorded and s.timescales_recorded, false) then 'actions and timescales'
                else 'no actions or timescales' end as status,
           coalesce('with ' || s.manager_id, '') as detail,
           'supervision:' || strftime(s.supervision_date, '%Y-%m-%d') as event_id
    from who as w
    join fact_supervision as s on s.la_code = w.la_code and s.child = w.child
    where s.supervision_date between w.window_start and $as_of::date
),

missing as (
    select w.la_code, w.child, 'Missing' as lane, m.mis_start as event_date,
           least(coalesce(m.mis_end::date, $as_of::date), $as_of::date) as end_date,
           case m.missing_type when 'A' then 'away' else 'missing' end as label,
           case when m.mis_end < $as_of::date + interval 1 day then 'returned' else 'still missing' end as status,
           '' as detail,
           'missing:' || strftime(m.mis_start, '%Y-%m-%d') as event_id
    from who as w
    join fact_missing_episode as m on m.la_code = w.la_code and m.child = w.child
    where m.mis_start <= $as_of::date and coalesce(m.mis_end::date, date '9999-12-31') >= w.window_start
),

events as (
    select la_code, child, lane, event_date, end_date, label, status, detail, event_id from allocations
    union all
    select la_code, child, lane, event_date, end_date, label,
           case when gap > 42 then 'after more than 6 weeks' else 'within 6 weeks' end,
           gap || ' days since the last visit (or the placement''s start)',
           'visit:' || strftime(event_date, '%Y-%m-%d')
    from visits
    union all
    select * from reviews
    union all
    select * from actions
    union all
    select * from supervisions
    union all
    select * from missing
),

final as (
    select w.child, w.la_code, w.team, w.sw_id as social_worker, e.lane, e.event_date, e.end_date, e.label,
           e.status, e.detail, e.event_id
    from events as e
    join who as w using (la_code, child)
)

select * from final
order by lane, event_date, event_id
