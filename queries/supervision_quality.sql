-- title: Supervision records with actions and timescales
-- theme: plans
-- question: Of the case supervisions in the month, how many records set out actions with timescales ("records
--   sometimes lack clear actions and timescales")?
-- shape: series
-- grain: one row per authority, team and month end (team 'All teams' is the authority figure; a supervision belongs
--   to the child's team at the end of its month, from fact_child_month, or at the month end before if they were not
--   looked after then, else 'Unallocated'; team rows appear for months with supervisions)
-- keys: la_code, team, month_end
-- numerator: supervisions in the month whose record has actions (ACTIONS_RECORDED Y) and timescales for them
--   (TIMESCALES_RECORDED Y)
-- denominator: case supervisions in the month (SUPERVISION_DATE in the month)
-- rule: Ofsted's monitoring letter (2017): "records sometimes lack clear actions and timescales". A blank flag counts
--   as not recorded. Every supervision in the extract counts, whether or not the child was still looked after.
-- source: fact_supervision, team_at_month_end(), percent_series()
-- polarity: higher is better
-- unit: %
-- params: $la_codes, $team, $from_month, $to_month
-- requires: supervisions
-- window: 1 month
-- extra_columns: with_actions (records with actions, with or without timescales)

with

supervisions as (
    select la_code, child, last_day(supervision_date) as month_end,
           coalesce(actions_recorded, false) as actions, coalesce(timescales_recorded, false) as timescales
    from fact_supervision
    where ($la_codes is null or list_contains($la_codes, la_code))
      and supervision_date between date_trunc('month', $from_month::date) and last_day($to_month::date)
),

with_team as (
    select * from team_at_month_end('supervisions', la_codes := $la_codes)
),

counts as (
    select
        la_code,
        team,
        month_end,
        count(*) filter (where actions and timescales) as numerator,
        count(*) as denominator,
        count(*) filter (where actions) as with_actions
    from with_team
    group by la_code, team, month_end
),

final as (
    select * from percent_series('counts', $la_codes, $team, $from_month, $to_month)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
