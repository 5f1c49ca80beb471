"""Plain English for what people read: one mapping from column names and codes to words, for screen and exports."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, NamedTuple

import pandas as pd

from lens.disclosure import HIDDEN, SUPPRESSED
from lens.formatting import day_label, is_missing
from lens.spc_chart import ASSURANCE_LABELS, POINT_NAMES, RULE_WORDS, VARIATION_LABELS

NOT_RECORDED = "not recorded"
NOT_APPLICABLE = "not applicable"


class Col(NamedTuple):
    """How a column reads: its heading, what it means, and its decimals (None: from the unit or the data)."""

    header: str
    meaning: str
    decimals: int | None = None


_UNIT = "decimals follow the measure's unit"

# Every output column of queries/*.sql (tests/test_labels.py checks none is missing), plus the source names.
COLUMNS: dict[str, Col] = {
    # keys shared by the measures
    "la_code": Col("Authority code", "The local authority's ONS code"),
    "la_name": Col("Authority", "The local authority's name"),
    "synthetic": Col("Synthetic data", "True when the authority's data was generated (no real child), from authority.toml"),
    "team": Col("Team", "Team of the child's allocated social worker ('All teams' is the authority figure)"),
    "month_end": Col("Month", "The month end the figure is worked out at"),
    "numerator": Col("Numerator", "The count (or FTE) meeting the measure: see the measure's definition"),
    "denominator": Col("Denominator", "The count (or FTE) the measure is out of: see the measure's definition"),
    "value": Col("Value", "The measure's value, in its unit (a percentage is numerator / denominator x 100)"),
    "numerator_shown": Col("Numerator (as shown)", "The numerator; in board mode '<5' for 1 to 4, 'hidden' when "
                                                   "it is hidden so a number under 5 cannot be worked out"),
    "denominator_shown": Col("Denominator (as shown)", "The denominator; in board mode '<5' for 1 to 4, 'hidden' "
                                                       "when it is hidden so a number under 5 cannot be worked out"),
    "suppressed": Col("Suppressed", "Yes when board mode hides this row's figures (lens/disclosure.py)"),
    "hidden_why": Col("Why hidden", "small: it rests on fewer than 5 children; secondary: it would let such a "
                                    "number be worked out (board mode)"),
    "status_note": Col("Data note", "Why a month has no figure ('no data: the visits extract was not supplied') or "
                                    "only a partial one (the measure looks back further than the data go)"),
    # comparing authorities (queries/compare_groups.sql, the Compare page's ranking)
    "grouping": Col("Comparison group", "all (every loaded authority), region or neighbours (statistical neighbours)"),
    "group_label": Col("Group", "The region's name, or the DfE grouping file the statistical neighbours come from"),
    "is_focus": Col("Authority in focus", "Yes for the authority the comparison is about"),
    "authorities": Col("Authorities", "How many loaded authorities the group holds", 0),
    "rank": Col("Rank", "Position among the authorities with a figure that month, 1 = best (the highest first for a "
                        "neutral measure); ties share a rank", 0),
    "meets_target": Col("Meets target", "Yes when the value is at or beyond the target in the measure's direction"),
    # child-level lists
    "child": Col("Child", "The child's identifier in the authority's returns"),
    "social_worker": Col("Social worker", "The child's allocated social worker (identifier)"),
    "sw_id": Col("Social worker", "Social worker's identifier"),
    "rule_applied": Col("Rule applied", "The statutory timescale used for the due date"),
    "due_date": Col("Due date", "When the visit, review or assessment was due"),
    "days_overdue": Col("Days overdue", "Days from the due date to the date of the list", 0),
    "days_since_last_visit": Col("Days since last visit", "Days from the last visit to the date of the list", 0),
    "placement_start": Col("Placement start", "Start of the current placement"),
    "last_visit_date": Col("Last visit", "Latest visit in the current placement"),
    "assessment": Col("Assessment", "Which health assessment or check is overdue"),
    "last_assessment_date": Col("Last assessment", "Latest assessment or check of that kind"),
    "period_start": Col("Period of care start", "When the child's current period of care began"),
    "last_review_date": Col("Last review", "Latest looked-after review"),
    "review_number_due": Col("Review number due", "Which review of the period of care is due (1 = first)", 0),
    "placements": Col("Placements", "Placements in the 12 months", 0),
    "latest_placement_start": Col("Latest placement start", "Start of the most recent placement"),
    "current_place": Col("Placement type", "SSDA903 placement type (PLACE) of the current placement"),
    "place": Col("Placement type", "SSDA903 placement type (PLACE)"),
    "number_of_workers": Col("Number of social workers", "Different social workers in the 12 months", 0),
    "workers": Col("Social workers", "Social workers in the 12 months, in the order allocated"),
    "latest_change_date": Col("Latest change", "Date the latest social worker was allocated"),
    "missing_type": Col("Missing or away", "Missing, or away from placement without authorisation"),
    "missing": Col("Missing or away", "Missing, or away from placement without authorisation"),
    "mis_start": Col("Missing from", "When the episode began"),
    "mis_end": Col("Returned", "When the child returned (none while still missing)"),
    "rhi_offered_at": Col("Return interview offered", "When the return home interview was offered"),
    "rhi_at": Col("Return interview held", "When the return home interview took place"),
    "rhi_accepted": Col("Return interview accepted", "Whether the child accepted the interview"),
    "hours_to_offer": Col("Hours to offer", "Hours from the return to the interview offer", 1),
    "status": Col("Status", "Where this row stands (for a measure's month: ok, partial or no data)"),
    "hours_late": Col("Hours late", "Hours past the 72-hour deadline", 1),
    "days_missing": Col("Days missing", "Days from the start of the episode to its end or the list date", 0),
    # series extras
    "done_late": Col("Done late", "Initial health assessments done after working day 20", 0),
    "not_done": Col("Not done", "No initial health assessment, past its due date", 0),
    "not_yet_due": Col("Not yet due", "No initial health assessment, not yet due", 0),
    "left_before_due": Col("Left care before due", "Left care on or before the due date with no assessment", 0),
    "oc2_records": Col("OC2 records", "Children in the cohort with an OC2 record for the year", 0),
    "teeth_checked": Col("Teeth checked", "Children in the cohort whose OC2 record shows a dental check", 0),
    "rha_overdue": Col("Review health assessment overdue", "Children whose next review health assessment is overdue",
                       0),
    "iha_overdue": Col("Initial health assessment overdue", "Children with no assessment, past the IHA due date", 0),
    "last_review_late": Col("Last health review late", "Nothing overdue now, but the latest review was late", 0),
    "awaiting_first_rha": Col("Awaiting first review health assessment", "Latest assessment is the first", 0),
    "episodes_in_month": Col("Missing episodes in month", "Missing episodes that started in the month", 0),
    "children_in_month": Col("Children missing in month", "Children with a missing episode starting in the month", 0),
    "away_episodes": Col("Away episodes in month", "Away-without-authorisation episodes started in the month", 0),
    "children_away_in_month": Col("Children away in month", "Children with an away episode starting in the month",
                                  0),
    "episodes_12m": Col("Missing episodes in 12 months", "Missing episodes started in the 12 months", 0),
    "away_episodes_12m": Col("Away episodes in 12 months", "Away episodes started in the 12 months", 0),
    "children_away_12m": Col("Children away in 12 months", "Children with an away episode in the 12 months", 0),
    "episodes_per_child": Col("Episodes per missing child", "Missing episodes per child missing, 12 months", 1),
    "still_missing_7_days": Col("Still missing after 7 days", "Episodes open at the month end and 7+ days old", 0),
    "prolonged_missing": Col("Prolonged missing", "Missing episodes that reached 7 days in the month", 0),
    "prolonged_away": Col("Prolonged away", "Away episodes that reached 7 days in the month", 0),
    "done_in_time": Col("Interview done in time", "Return interviews held within 72 hours", 0),
    "pct_done_in_time": Col("% interview done in time", "Return interviews held within 72 hours, per cent", 1),
    "offered_late": Col("Offered late", "Interview offered more than 72 hours after the return", 0),
    "no_interview_record": Col("No interview recorded", "Neither an offer nor an interview recorded", 0),
    "late_reviews": Col("Late reviews", "Reviews held after their due date", 0),
    "children_4_plus": Col("Children with 4+ social workers", "Children with 4 or more social workers in 12 months",
                           0),
    "mean_workers": Col("Mean social workers per child", "Mean different social workers per child, 12 months", 2),
    "band": Col("Band", "Number of social workers in the 12 months"),
    "band_label": Col("Band description", "The band in the DfE's words"),
    "band_order": Col("Band order", "Sort order of the band", 0),
    "changes_pending": Col("Changes not yet complete", "Changes in the month whose 90 days after are not over at "
                                                      "the end of the data: not counted yet (the month is partial)", 0),
    "changes_gap_before": Col("Changes with a gap before", "Changes with a gap over 42 days in the 90 days before",
                              0),
    "value_before": Col("% with a gap before", "Per cent of changes with a gap over 42 days before the change", 1),
    "mean_longest_gap_before": Col("Mean longest gap before (days)", "Mean longest visit gap, 90 days before", 1),
    "mean_longest_gap_after": Col("Mean longest gap after (days)", "Mean longest visit gap, 90 days after", 1),
    "children": Col("Children", "Children looked after at the month end", 0),
    "median_days_without_visit": Col("Median days without a visit", "Median days since the last visit", 1),
    "max_days_without_visit": Col("Most days without a visit", "Longest time since a last visit", 0),
    "children_over_42_days": Col("Children with a gap over 42 days", "Children whose longest gap exceeded 42 days",
                                 0),
    "children_7_days": Col("Children on the 7-day rule", "Children whose first visit in placement is due", 0),
    "children_6_weeks": Col("Children on the 6-week rule", "Children visited at most every 6 weeks", 0),
    "children_3_months": Col("Children on the 3-month rule", "Children in a long-term placement", 0),
    "overdue_7_days": Col("Overdue, 7-day rule", "Of those on the 7-day rule, overdue", 0),
    "overdue_6_weeks": Col("Overdue, 6-week rule", "Of those on the 6-week rule, overdue", 0),
    "overdue_3_months": Col("Overdue, 3-month rule", "Of those on the 3-month rule, overdue", 0),
    # workforce
    "headcount": Col("Headcount", "Social workers in post (people)", 0),
    "agency_headcount": Col("Agency headcount", "Agency social workers in post (people)", 0),
    "permanent_headcount": Col("Permanent headcount", "Permanent social workers in post (people)", 0),
    "case_holders_headcount": Col("Case holders", "Case-holding social workers in post (people)", 0),
    "permanent_fte": Col("Permanent FTE", "Full-time equivalent of permanent social workers", 2),
    "agency_fte": Col("Agency FTE", "Full-time equivalent of agency social workers", 2),
    "starters_fte": Col("Starters FTE", "Permanent starters in the month, FTE", 2),
    "starters_headcount": Col("Starters", "Permanent starters in the month (people)", 0),
    "leavers_fte": Col("Leavers FTE", "Permanent leavers in the month, FTE", 2),
    "leavers_headcount": Col("Leavers", "Permanent leavers in the month (people)", 0),
    "agency_leavers_fte": Col("Agency leavers FTE", "Agency leavers in the month, FTE", 2),
    "turnover_all_staff": Col("Turnover, all staff (%)", "All leavers in 12 months / average all-staff FTE", 1),
    "turnover_csww": Col("Turnover, census form (%)", "Leavers in 12 months / permanent FTE at the month end", 1),
    "establishment_fte": Col("Establishment FTE", "Funded social worker posts, FTE", 2),
    "agency_cover_fte": Col("Agency cover FTE", "Vacant FTE covered by agency workers", 2),
    "unfilled_fte": Col("Unfilled FTE", "Funded FTE with no one in post, permanent or agency", 2),
    # overview
    "measure": Col("Measure code", "The measure's name in queries/"),
    "title": Col("Measure", "The measure's title"),
    "theme": Col("Theme", "The dashboard page the measure belongs to"),
    "unit": Col("Unit", "The unit of the value"),
    "target": Col("Target", "The target from targets.csv"),
    "amber_within": Col("Amber within", "How close to the target counts as amber (in the unit)"),
    "target_basis": Col("Target basis", "Where the target comes from"),
    "higher_is_better": Col("Higher is better", "Yes when a higher value is better"),
    "rag": Col("RAG rating", "Red, amber or green against the target (grey: no target or no value)"),
    "change_last_month": Col("Change since last month", "Value minus last month's value"),
    "change_last_year": Col("Change since last year", "Value minus the value a year before"),
    "direction_last_month": Col("Direction since last month", "Better, worse or the same as last month"),
    "direction_last_year": Col("Direction since last year", "Better, worse or the same as a year before"),
    # SPC (lens/early_warning.py, docs/early-warning.md)
    "mean": Col("Average (SPC)", "The average of the 'ok' months the limits are worked out from"),
    "upl": Col("Upper process limit", "Average + 2.66 x the average moving range: a value above it is unusual"),
    "lpl": Col("Lower process limit", "Average - 2.66 x the average moving range: a value below it is unusual"),
    "provisional": Col("Provisional limits", "Yes when the limits rest on fewer than 20 months"),
    "point_type": Col("SPC point", "Common cause, improvement, concern or (no better direction) unusual change"),
    "variation": Col("Variation icon", "The SPC variation icon as at the series' last month with data"),
    "assurance": Col("Assurance icon", "Whether the process will reliably meet the target, as at the last month"),
    "signal_since": Col("Signal since", "The first month of the ongoing run of unusual months of the same kind"),
    "early_warning": Col("Early warning", "What the SPC chart says of the latest month, and since when"),
    # data quality and filters
    "file": Col("File", "The source file"),
    # published benchmarks (queries/benchmark_context.sql)
    "period_end": Col("Published for", "The date the published figure is for (31 March, or 30 September)"),
    "neighbours_mean": Col("Statistical neighbours (mean)", "Mean of the ten statistical neighbours' figures"),
    "neighbours_median": Col("Statistical neighbours (median)", "Median of the ten statistical neighbours' figures"),
    "neighbours_n": Col("Neighbours with a figure", "How many of the ten neighbours had a published figure", 0),
    "neighbour_grouping": Col("Neighbour grouping", "The DfE statistical-neighbour file the neighbours come from"),
    "region_value": Col("Region", "The published figure for the authority's region"),
    "england_value": Col("England", "The published figure for England"),
    "q1": Col("Lower quartile", "A quarter of authorities are at or below this"),
    "q2": Col("Median authority", "Half of authorities are at or below this"),
    "q3": Col("Upper quartile", "Three quarters of authorities are at or below this"),
    "n_authorities": Col("Authorities", "Authorities with a published figure", 0),
    "rank_high": Col("Rank (highest first)", "Rank among authorities, the highest figure first", 0),
    "rank_low": Col("Rank (lowest first)", "Rank among authorities, the lowest figure first", 0),
    "line": Col("Line", "Line number in the file (the header is line 1)", 0),
    "rule": Col("Rule", "The DfE or contract rule the row breaks (data quality), or the special-cause rule that "
                        "fired for the month (SPC)"),
    "action": Col("What was done", "Blanked (the value emptied), kept (as recorded) or ended early (an overlapping "
                                   "episode treated as ending when the next one starts)"),
    "source": Col("File", "The source file (SSDA903 table or case-system extract)"),
    "months_covered": Col("Months covered", "How many months the file holds data for", 0),
    "gaps": Col("Months missing inside", "Months between the first and last that the file does not cover", 0),
    "first_review_overdue": Col("First review overdue", "Children whose first review (20 working days from the "
                                                        "start of care) was overdue", 0),
    "reached_7_days_on": Col("Reached 7 days on", "The day the episode reached 7 days missing (start + 7 days)"),
    "reached_this_month": Col("Reached 7 days this month", "Yes when it reached 7 days in the month of the date"),
    "return_interview": Col("Return interview", "Done, offered, none recorded, or not yet (still missing)"),
    "iha_due": Col("IHA due", "20 working days after the start of care"),
    "first_iha_date": Col("IHA done", "The first initial health assessment in the period of care"),
    "working_days_late": Col("Working days late", "Working days from the due date to the IHA (or to the data's "
                                                  "end if not done)", 0),
    "loaded_at": Col("Loaded at", "When the load ran"),
    "data": Col("Data", "The kind of data"),
    "rows_held": Col("Rows held", "Rows in the warehouse", 0),
    "latest_date": Col("Latest date", "The latest date in the data"),
    "last_loaded_at": Col("Last loaded", "When the data was last loaded"),
    "load_id": Col("Load ID", "Identifier of the load run"),
    "rows_read": Col("Rows read", "Rows in the file", 0),
    "rows_loaded": Col("Rows loaded", "Rows kept", 0),
    "rows_rejected": Col("Rows rejected", "Rows kept out for breaking a rule of the input contract", 0),
    "rows_superseded": Col("Rows superseded", "Valid rows a later return restates (the later one is loaded): rows "
                           "read = loaded + rejected + superseded", 0),
    "duration_s": Col("Duration (seconds)", "How long the file took to load", 2),
    "sha256": Col("SHA-256 checksum", "Fingerprint of the file, to trace a number to it"),
    "column_name": Col("Column", "The column that broke the rule"),
    "reason": Col("Reason", "Why the row was kept out"),
    "first_line": Col("First line", "The first line in the file with this problem", 0),
    "example_value": Col("Example value", "A value that broke the rule, as written in the file"),
    "first_month": Col("First month", "First month with a child looked after"),
    "last_month": Col("Last month", "Last month with a child looked after"),
    # plans, supervision, legal, strategy meetings, returns home (queries/plans_*, supervision_*, legal_*, ...)
    "action_id": Col("Action", "The action's identifier in the case system"),
    "plan_type": Col("Plan", "Which plan the action is in (care, pathway, permanence, ...)"),
    "raised_date": Col("Raised", "The day the action was added to the plan"),
    "owner_sw_id": Col("Action owner", "The worker responsible for the action"),
    "owner_is_social_worker": Col("Owner is the social worker", "Whether the action's owner is the child's allocated "
                                                                "social worker on the date (no: the owner moved on)"),
    "days_overdue_total": Col("Days overdue (total)", "Days overdue added up over the overdue actions", 0),
    "mean_days_overdue": Col("Days overdue (mean)", "Mean days overdue per overdue action", 1),
    "max_days_overdue": Col("Days overdue (most)", "The most days any action was overdue", 0),
    "changes": Col("Changes of social worker", "Changes of social worker counted in the month", 0),
    "actions_before": Col("Actions due before", "Actions due in the 90 days before the changes", 0),
    "overdue_before": Col("Overdue before", "Of the actions due in the 90 days before, those not done by their due "
                                            "date", 0),
    "last_supervision": Col("Last supervision", "The latest case supervision in the current period of care"),
    "supervision_due": Col("Supervision due", "The last day the next case supervision is in time"),
    "never_supervised": Col("No supervision yet", "Children with no case supervision yet in their period of care", 0),
    "with_actions": Col("With actions", "Supervision records that set out actions", 0),
    "plo_decision_date": Col("PLO decision", "The decision that the threshold for pre-proceedings is met"),
    "plo_letter_date": Col("Letter before proceedings", "The letter before proceedings sent to the parents"),
    "plo_meeting_date": Col("Pre-proceedings meeting", "The pre-proceedings meeting with the parents"),
    "plo_end": Col("Pre-proceedings ended", "The latest of the PLO decision, letter and meeting dates"),
    "days_without_plan": Col("Days without a plan", "Days since pre-proceedings ended with no plan recorded", 0),
    "proceedings_issued_date": Col("Proceedings issued", "The day care proceedings were issued"),
    "final_order_date": Col("Final order", "The day the final order was made (blank while proceedings go on)"),
    "weeks_open": Col("Weeks in court", "Weeks from issue to the final order, or to the date while open", 1),
    "over_26_weeks": Col("Over 26 weeks", "Open for more than 26 weeks (182 days)"),
    "without_pre_proceedings": Col("No pre-proceedings", "Issued with no PLO decision and no emergency order"),
    "open_proceedings": Col("Proceedings open", "Care proceedings open at the month end", 0),
    "open_over_26_weeks": Col("Open over 26 weeks", "Open care proceedings more than 26 weeks old at the month end",
                              0),
    "issued_in_year": Col("Issued in the year", "Care proceedings issued in the 12 months", 0),
    "issued_without_plo": Col("Issued without pre-proceedings", "Issued in the 12 months with no PLO decision and no "
                                                                "emergency order", 0),
    "letters": Col("Letters", "Letters before proceedings sent in the 12 months", 0),
    "meetings": Col("Meetings", "Pre-proceedings meetings held in the 12 months", 0),
    "median_days_to_meeting": Col("Days to meeting (median)", "Median days from the PLO decision to the meeting", 1),
    "max_days_to_letter": Col("Days to letter (most)", "The most days from a PLO decision to its letter", 0),
    "max_days_to_meeting": Col("Days to meeting (most)", "The most days from a PLO decision to its meeting", 0),
    "first_meeting_after": Col("Strategy meeting later", "The first strategy meeting held after the 7th day"),
    "meeting_later": Col("Meeting after day 7", "Episodes whose strategy meeting came after they reached 7 days", 0),
    "ceased_date": Col("Went home", "The day the child ceased to be looked after"),
    "plan_agreed_date": Col("Plan agreed late", "The day a return home plan was agreed after the child went home "
                                                "(blank: none agreed yet)"),
    "agencies": Col("Agencies", "Agencies that agreed the plan", 0),
    "days_since_return": Col("Days since going home", "Days from going home to the date", 0),
    "planned_returns": Col("Planned returns", "Returns home as part of the care plan (REC E4A)", 0),
    "multi_agency": Col("Multi-agency plans", "Plans in time agreed by 2 or more agencies", 0),
    "plan_late": Col("Plan agreed late", "Plans agreed after the child had gone home", 0),
    "lane": Col("What", "The kind of event: social worker, visit, review, plan action, supervision, missing"),
    "event_date": Col("Date", "The day it happened (an action: its due date)"),
    "end_date": Col("Until", "The day it ended (an allocation, a missing episode) or was done (an action)"),
    "label": Col("Item", "The worker, the action or the event"),
    "detail": Col("Detail", "More about the event"),
    "event_id": Col("Event", "The event's identifier"),
    # SSDA903 and extract codes, should a table carry them
    "ls": Col("Legal status", "SSDA903 legal status (LS)"),
    "legal_status": Col("Legal status", "SSDA903 legal status (LS)"),
    "rne": Col("Reason for new episode", "SSDA903 reason for new episode (RNE)"),
    "rec": Col("Reason episode ceased", "SSDA903 reason episode ceased (REC)"),
    "cin": Col("Category of need", "SSDA903 category of need (CIN)"),
    "place_provider": Col("Placement provider", "SSDA903 placement provider (PLACE_PROVIDER)"),
    "review_code": Col("Participation in review", "SSDA903 review participation code (REVIEW_CODE)"),
    "assessment_type": Col("Assessment", "Kind of health assessment"),
    # Ofsted Annex A List 8 (queries/*_annex_a.sql, queries/dq_annex_a_*.sql)
    "list": Col("Annex A list", "Which Annex A list (annex_a_list_8: List 8, children in care)"),
    "sheet": Col("Sheet", "The workbook's sheet the list was read from"),
    "snapshot_date": Col("Snapshot date", "The day the Annex A list describes (when it was extracted)"),
    "date_from": Col("Date read from", "Where the snapshot date was read: authority.toml or a cell of the sheet"),
    "header_row": Col("Header row", "The sheet's row holding the column headers", 0),
    "rows_kept": Col("Rows kept", "Rows of the list that went into the warehouse", 0),
    "children_in_care": Col("Children in care", "Children on the list in care on its snapshot date", 0),
    "placements_not_recorded": Col("Placements not recorded", "Children with no number of placements on the list",
                                   0),
    "offer_not_recorded": Col("Offer not recorded", "Children whose return interview offer is neither Y nor N", 0),
    "accepted": Col("Accepted", "Children the list says accepted the return interview", 0),
    "in_both": Col("In both", "Children in care on the snapshot date in Annex A and in the event data", 0),
    "only_annex_a": Col("In Annex A only", "Children on Annex A List 8, not looked after in the episodes then", 0),
    "only_event": Col("In the event data only", "Children looked after in the episodes, not on Annex A List 8", 0),
    "visit_differs": Col("Last visit differs", "Annex A and the visits extract give different last visits"),
    "review_differs": Col("Last review differs", "Annex A and the SSDA903 reviews give different last reviews"),
    "health_differs": Col("Last health assessment differs", "Annex A and the health assessments extract disagree"),
    "dental_differs": Col("Last dental check differs", "Annex A and the health assessments extract disagree"),
    "finding": Col("Finding", "In Annex A only, in the event data only, or dates differ"),
    "differs": Col("Dates that differ", "Which of last visit, review, health assessment and dental check differ"),
    "annex_last_visit": Col("Annex A last visit", "Date of Last Social Work Visit on Annex A List 8"),
    "event_last_visit": Col("Recorded last visit", "The latest visit on or before the snapshot date (visits extract)"),
    "annex_last_review": Col("Annex A last review", "Date of Latest Statutory Review on Annex A List 8"),
    "event_last_review": Col("Recorded last review", "The latest review on or before the snapshot date (SSDA903)"),
    "annex_last_health": Col("Annex A last health assessment", "Date of Last Health Assessment on Annex A List 8"),
    "event_last_health": Col("Recorded last health assessment", "The latest initial or review health assessment on "
                                                               "or before the snapshot date (health extract)"),
    "annex_last_dental": Col("Annex A last dental check", "Date of Last Dental Check on Annex A List 8"),
    "event_last_dental": Col("Recorded last dental check", "The latest dental check on or before the snapshot date "
                                                           "(health extract)"),
}

# --- code lists (words from shared/reference/ssda903-codes.md and the DfE SSDA903 guidance) ---

PLACE: dict[str, str] = {
    "A3": "Placed for adoption: with consent, with current foster carer",
    "A4": "Placed for adoption: with consent, not with current foster carer",
    "A5": "Placed for adoption: placement order, with current foster carer",
    "A6": "Placed for adoption: placement order, not with current foster carer",
    "H5": "Semi-independent living (supported lodgings)",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "K3": "Supported accommodation (from 2025/26)",
    "P1": "Placed with parents",
    "P2": "Independent living",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/health trust",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "Residential school",
    "T0": "Temporary: all types of temporary move",
    "T1": "Temporary: period in hospital",
    "T2": "Temporary: child on holiday",
    "T3": "Temporary: while usual foster carer is on holiday",
    "T4": "Temporary: 7 days or less, any other reason",
    "U1": "Foster: relative or friend, long-term",
    "U2": "Foster: relative or friend, FFA/concurrent",
    "U3": "Foster: relative or friend, not long-term or FFA",
    "U4": "Foster: other carer, long-term",
    "U5": "Foster: other carer, FFA/concurrent",
    "U6": "Foster: other carer, not long-term or FFA",
    "Z1": "Other placement",
    "Z11": "Other placement (2025/26 code Z11)",
    "Z12": "Other placement (2025/26 code Z12)",
    "Z13": "Other placement (2025/26 code Z13)",
    "Z14": "Other placement (2025/26 code Z14)",
}
LS: dict[str, str] = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order",
    "E1": "Placement order",
    "V2": "Accommodated under s20 (single period)",
    "V3": "Short breaks (each break recorded)",
    "V4": "Short breaks (agreement recorded)",
    "L1": "Police protection",
    "L2": "Emergency protection order",
    "L3": "Child assessment order",
    "J1": "Youth justice: remanded",
    "J2": "Youth justice: PACE transfer",
    "J3": "Youth justice: youth rehabilitation order",
}
RNE: dict[str, str] = {  # DfE guidance wording (the shared reference notes garble P and U)
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer",
    "T": "Change of placement, same carer",
    "U": "Change of legal status, placement and carer",
    "B": "Change of legal status and placement, same carer",
}
REC: dict[str, str] = {
    "E11": "Adopted: application unopposed",
    "E12": "Adopted: consent dispensed with",
    "E2": "Died",
    "E3": "Care taken over by another authority",
    "E4A": "Returned home to parents (planned)",
    "E4B": "Returned home to parents (not planned)",
    "E13": "Left care to live with parents or relatives",
    "E41": "Residence or child arrangements order",
    "E45": "Special guardianship: former foster carer, relative or friend",
    "E46": "Special guardianship: former foster carer, not relative or friend",
    "E47": "Special guardianship: other carer, relative or friend",
    "E48": "Special guardianship: other carer, not relative or friend",
    "E5": "Moved to independent living (with support)",
    "E6": "Moved to independent living (no formal support)",
    "E7": "Transferred to adult residential care",
    "E8": "Period of care ended (other reason)",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessed as 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18, stayed with former foster carers",
    "X1": "Episode ceased, new episode began the same day",
}
CIN: dict[str, str] = {
    "N1": "Abuse or neglect", "N2": "Child's disability", "N3": "Parental illness or disability",
    "N4": "Family in acute stress", "N5": "Family dysfunction", "N6": "Socially unacceptable behaviour",
    "N7": "Low income", "N8": "Absent parenting",
}
PLACE_PROVIDER: dict[str, str] = {
    "PR0": "Parent or other person with parental responsibility", "PR1": "Own authority",
    "PR2": "Other authority", "PR3": "Other public sector", "PR4": "Private", "PR5": "Voluntary",
}
REVIEW_CODE: dict[str, str] = {
    "PN0": "Child under 4", "PN1": "Attended and spoke", "PN2": "Attended, views conveyed by an advocate",
    "PN3": "Attended, views conveyed non-verbally", "PN4": "Did not attend, briefed an advocate",
    "PN5": "Did not attend, views conveyed by other means", "PN6": "Did not attend, no views conveyed",
    "PN7": "Not applicable or other",
}
MISSING: dict[str, str] = {"M": "Missing", "A": "Away without authorisation"}
ASSESSMENT: dict[str, str] = {
    "IHA": "Initial health assessment", "RHA": "Review health assessment", "DENTAL": "Dental check",
}

RULE: dict[str, str] = {k.upper(): v[:1].upper() + v[1:] for k, v in RULE_WORDS.items()}
POINT_TYPE: dict[str, str] = {k.upper(): v for k, v in POINT_NAMES.items() if k}
VARIATION: dict[str, str] = {k.upper(): v for k, v in VARIATION_LABELS.items()}
ASSURANCE: dict[str, str] = {k.upper(): v for k, v in ASSURANCE_LABELS.items()}

# Which code list a column holds, and whether the code stays in front of the words ('U5 Foster: ...').
CODE_COLUMNS: dict[str, tuple[dict[str, str], bool]] = {
    "place": (PLACE, True), "current_place": (PLACE, True),
    "ls": (LS, True), "legal_status": (LS, True),
    "rne": (RNE, True), "rec": (REC, True), "cin": (CIN, True),
    "place_provider": (PLACE_PROVIDER, True), "review_code": (REVIEW_CODE, True),
    "missing": (MISSING, False), "missing_type": (MISSING, False),
    "assessment": (ASSESSMENT, False), "assessment_type": (ASSESSMENT, False),
    "rule": (RULE, False), "point_type": (POINT_TYPE, False), "variation": (VARIATION, False),
    "assurance": (ASSURANCE, False),
}
HOURS_COLUMNS = ("hours_to_offer", "hours_late")
DAYS_COLUMNS = ("days_overdue", "days_since_last_visit", "days_missing", "max_days_without_visit",
                "median_days_without_visit", "mean_longest_gap_before", "mean_longest_gap_after")
# Columns that carry the measure's unit; their decimals follow it.
UNIT_COLUMNS = ("value", "target", "change_last_month", "change_last_year", "amber_within", "mean", "upl", "lpl")
UNIT_DECIMALS = {"%": 1, "children per FTE": 1, "FTE": 2, "children": 0, "episodes": 0, "days": 0,
                 "placements": 0, "files": 0, "rows": 0}
# a count measure has no denominator; an authority without a figure is not ranked
MISSING_WORDS = {"denominator": NOT_APPLICABLE, "rank": "not ranked", "meets_target": "no figure"}


def _key(column: str) -> str:
    return str(column).strip().lower()


def header(column: str) -> str:
    """The heading a person reads; an unknown column becomes 'Sentence case with spaces'."""
    spec = COLUMNS.get(_key(column))
    if spec:
        return spec.header
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def meaning(column: str) -> str:
    """What a column holds, for the Definitions sheet ('' when unknown)."""
    spec = COLUMNS.get(_key(column))
    return spec.meaning if spec else ""


def headers(columns: list[str] | pd.Index) -> list[str]:
    """Readable headings, unique: a second column with the same heading keeps its own name."""
    out: list[str] = []
    for c in columns:
        h = header(c)
        if h in out:
            h = f"{h} ({c})"
        out.append(h)
    return out


def hours_text(hours: Any) -> str:
    """A duration in hours as people say it: '3 hours', '2 days 5 hours', '45 minutes'."""
    if is_missing(hours):
        return NOT_RECORDED
    h = float(hours)
    sign = "-" if h < 0 else ""
    minutes = round(abs(h) * 60)
    if minutes < 60:
        return f"{sign}{_plural(minutes, 'minute')}" if minutes else "0 hours"
    days, rest = divmod(round(minutes / 60), 24)
    parts = ([_plural(days, "day")] if days else []) + ([_plural(rest, "hour")] if rest or not days else [])
    return sign + " ".join(parts)


def days_text(days: Any) -> str:
    """A number of days as people say it: '1 day', '12 days', '18.5 days'."""
    if is_missing(days):
        return NOT_RECORDED
    d = float(days)
    return _plural(int(d), "day") if d.is_integer() else f"{d:g} days"


def date_text(value: Any, with_time: bool = False) -> str:
    """A date as people write it, '4 Mar 2018'; a moment as '4 Mar 2018, 21:03'."""
    if is_missing(value):
        return NOT_RECORDED
    return day_label(value) + (f", {pd.Timestamp(value):%H:%M}" if with_time else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe(column: str, value: Any) -> str:
    """One value as words: codes described, durations spoken, dates as '31 Mar 2018', missing as 'not recorded'."""
    key = _key(column)
    if is_missing(value):
        return MISSING_WORDS.get(key, NOT_RECORDED)
    if key in CODE_COLUMNS:
        codes, keep_code = CODE_COLUMNS[key]
        code = str(value).strip()
        words = codes.get(code.upper())
        return code if words is None else f"{code.upper()} {words}" if keep_code else words
    if key in HOURS_COLUMNS:
        return hours_text(value)
    if key in DAYS_COLUMNS:
        return days_text(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return date_text(value, pd.Timestamp(value) != pd.Timestamp(value).normalize())
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:,.{decimals(column, pd.Series([value]))}f}"
    return str(value)


def decimals(column: str, values: pd.Series, unit: str = "") -> int:
    """Decimal places for a numeric column: its own, else its measure unit's, else what the data needs (at most 2)."""
    key = _key(column)
    spec = COLUMNS.get(key)
    if spec and spec.decimals is not None:
        return spec.decimals
    if key in UNIT_COLUMNS and unit in UNIT_DECIMALS:
        return UNIT_DECIMALS[unit]
    if pd.api.types.is_integer_dtype(values):
        return 0
    nums = pd.to_numeric(values, errors="coerce").dropna().astype("float64").round(2)
    if nums.empty or (nums == nums.round(0)).all():
        return 0
    return 1 if (nums == nums.round(1)).all() else 2


def has_time(values: pd.Series) -> bool:
    """True when any date-time in the column has a time of day (a moment, not a date)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dropna()
        return bool((stamps != stamps.dt.normalize()).any())
    return any(isinstance(v, dt.datetime) and not is_missing(v) and v.time() != dt.time() for v in values)


def is_numeric(values: pd.Series) -> bool:
    """A column of numbers (not yes/no)."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def shown_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Counts as board mode shows them: numerator/denominator replaced by their '<5' display copies when present."""
    out = df.reset_index(drop=True)
    for col in ("numerator", "denominator"):
        if f"{col}_shown" in out:
            out[col] = out.pop(f"{col}_shown")
    return out


def beside_child(df: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """A child list as the screen shows it: the child, then `columns` (a list's header `beside_child`: how late each
    child is), then the rest in the list's own order, so a laptop shows the figure that matters without scrolling."""
    if "child" not in df:
        return df
    first = ["child", *[c for c in columns if c in df and c != "child"]]
    return df[[*first, *[c for c in df.columns if c not in first]]]


def rounded(df: pd.DataFrame, unit: str = "") -> pd.DataFrame:
    """Numbers at the measure's precision: percentages and rates to 1 decimal, counts as whole numbers."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if is_numeric(s):
            d = decimals(col, s, unit)
            r = s.astype("float64").round(d) if not pd.api.types.is_integer_dtype(s) else s
            out[col] = r.astype("Int64") if d == 0 and (r.dropna() == r.dropna().round(0)).all() else r
    return out


def readable(df: pd.DataFrame, unit: str = "", missing: str | None = NOT_RECORDED) -> pd.DataFrame:
    """A display copy: readable headings, codes as words, numbers rounded, missing as 'not recorded'.

    Dates stay dates and numbers stay numbers (a column with gaps becomes mixed: the words fill the gaps only).
    With `missing=None` the gaps stay empty (the screen puts the words in at display time).
    """
    out = rounded(shown_counts(df), unit)
    hidden = pd.Series(False, index=out.index)
    for col in ("numerator", "denominator"):
        if col in out and out[col].dtype == object:
            hidden |= out[col].isin([SUPPRESSED, HIDDEN])
    for col in out.columns:
        key, s = _key(col), out[col]
        if key in CODE_COLUMNS:
            out[col] = s.map(lambda v, k=key: describe(k, v)).astype(object)
        elif pd.api.types.is_bool_dtype(s) or (s.dtype == object and s.map(lambda v: isinstance(v, bool)).any()):
            out[col] = s.map(lambda v: v if is_missing(v) else "Yes" if v else "No").astype(object)
        if missing is not None and out[col].isna().any():
            word = MISSING_WORDS.get(key, missing)
            filled = out[col].astype(object).where(out[col].notna(), word)
            if key == "value":
                filled = filled.where(~(hidden & out[col].isna()), "suppressed")
            out[col] = filled
    out.columns = headers(list(out.columns))
    return out
