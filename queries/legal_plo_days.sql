-- title: Days from the PLO decision to the letter and the meeting
-- theme: legal
-- question: Once the decision is made that the threshold for pre-proceedings is met, how quickly do parents get the
--   letter before proceedings, and the pre-proceedings meeting?
-- shape: series
-- grain: one row per authority, team and month end: letters and meetings in the 12 months to the month end (team
--   'All teams' is the authority figure, a median over all of them; a case belongs to the child's team at the month
--   end, from fact_child_month, or at the month end before if they were not looked after then, else 'Unallocated';
--   team rows appear for months with letters or meetings)
-- keys: la_code, team, month_end
-- numerator: the median days from PLO decision to letter (a median, not a count) over the letters sent in the 12
--   months to the month end (month end - 1 year + 1 day to the month end); null when none were sent
-- denominator: n/a (value = numerator, a number of days)
-- rule: Public law outline (Practice Direction 12A) pre-proceedings: after the legal planning meeting decides the
--   threshold is met, a letter before proceedings invites the parents to a pre-proceedings meeting. Days =
--   PLO_LETTER_DATE - PLO_DECISION_DATE (0 = the same day), and PLO_MEETING_DATE - PLO_DECISION_DATE for the
--   meetings held in the 12 months. No timescale is set in law: the letter (Ofsted 2017) asks that parents get the
--   letter "in good time". Cases with no PLO decision date are not counted (see legal_proceedings_26_weeks for
--   proceedings with no pre-proceedings).
-- source: fact_legal, team_at_month_end(), authority_coverage
-- polarity: lower is better
-- unit: days
-- params: $la_codes, $team, $from_month, $to_month
-- requires: legal
-- window: 12 months
-- extra_columns: letters (sent in the 12 months), median_days_to_meeting (decision to meeting, meetings held in the
--   12 months), meetings, max_days_to_letter, max_days_to_meeting

with

authorities as (
    select la_code
    from dim_authority
    where ($la_codes is null or list_contains($la_codes, la_code))
),

months as (
    select last_day(r.m::date) as month_end
    from range(date_trunc('month', $from_month::date), last_day($to_month::date) + interval 1 day,
               interval 1 month) as r (m)
),

steps as (
    select la_code, child, 'letter' as step, plo_letter_date as day, plo_letter_date - plo_decision_date as days
    from fact_legal
    where ($la_codes is null or list_contains($la_codes, la_code))
      and plo_decision_date is not null and plo_letter_date is not null
    union all
    select la_code, child, 'meeting', plo_meeting_date, plo_meeting_date - plo_decision_date
    from fact_legal
    where ($la_codes is null or list_contains($la_codes, la_code))
      and plo_decision_date is not null and plo_meeting_date is not null
),

step_months as (
    select s.la_code, s.child, m.month_end, s.step, s.days
    from steps as s
    join months as m on s.day between (m.month_end - interval 1 year)::date + 1 and m.month_end
),

with_team as (
    select * from team_at_month_end('step_months', la_codes := $la_codes)
),

counts as (
    select
        la_code,
        case when grouping(team) = 1 then 'All teams' else team end as team,
        month_end,
        round(median(days) filter (where step = 'letter'), 1) as numerator,
        count(*) filter (where step = 'letter') as letters,
        round(median(days) filter (where step = 'meeting'), 1) as median_days_to_meeting,
        count(*) filter (where step = 'meeting') as meetings,
        max(days) filter (where step = 'letter') as max_days_to_letter,
        max(days) filter (where step = 'meeting') as max_days_to_meeting
    from with_team
    group by grouping sets ((la_code, month_end), (la_code, month_end, team))
),

spine as (
    select a.la_code, 'All teams' as team, m.month_end
    from authorities as a
    join authority_coverage as c using (la_code)
    join months as m on m.month_end between c.first_month and c.last_month
),

row_keys as (
    select la_code, team, month_end from spine
    union
    select la_code, team, month_end from counts
),

final as (
    select
        k.la_code,
        k.team,
        k.month_end,
        c.numerator::double as numerator,
        null::bigint as denominator,
        c.numerator::double as value,
        coalesce(c.letters, 0) as letters,
        c.median_days_to_meeting::double as median_days_to_meeting,
        coalesce(c.meetings, 0) as meetings,
        c.max_days_to_letter,
        c.max_days_to_meeting
    from row_keys as k
    left join counts as c using (la_code, team, month_end)
    where ($team is null or k.team = $team)
)

select * from final
order by la_code, month_end, team = 'All teams' desc, team
