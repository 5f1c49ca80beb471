"""The input contract: every source file, its columns, types and code lists, in one place.

`docs/data-formats.md` is checked against this module by the tests; the loader and the
generator both read it, so the files we write and the files we accept cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# --- code lists (DfE SSDA903 guidance and the CSWW census; see shared/reference/ssda903-codes.md) ---

SEX = ("1", "2", "M", "F", "U")
ETHNIC = (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)
RNE = ("S", "P", "L", "T", "U", "B")
LS = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")
CIN = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
PLACE = (
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
    "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12",
    "Z13", "Z14",
)
PLACE_PROVIDER = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
REC = (
    "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5",
    "E6", "E7", "E8", "E9", "E14", "E15", "E16", "E17", "X1",
)
REASON_PLACE_CHANGE = (
    "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE",
    "CUSTOD", "OTHER",
)
REVIEW_CODE = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
MISSING = ("M", "A")
SW_REASON = (
    "MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
    "OTHERS",
)
SDQ_REASON = ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")
FLAG01 = ("0", "1")
YES_NO = ("Y", "N")
ASSESSMENT_TYPE = ("IHA", "RHA", "DENTAL")
ORG_ROLE = ("1", "2", "3", "4", "5", "6")
REASON_LEAVE = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
# Case-system extracts for plans, supervision, legal work, strategy meetings and returns home (Practice Lens codes).
PLAN_TYPE = ("CARE", "PATHWAY", "PERMANENCE", "PLACEMENT", "HEALTH", "EDUCATION", "OTHER")
LEGAL_OUTCOME = ("ISSUED", "NOT_PURSUED")
STRATEGY_REASON = ("MISSING", "CSE", "CCE", "S47", "OTHER")

# Reasons an episode ceased that mean the child went home to their family (SSDA903 REC): returned home to parents
# or another person with parental responsibility, as part of the care plan (E4A) or not (E4B), or left care to live
# with parents or relatives (E13). The return-home measures count these periods of care.
RETURN_HOME_REC = ("E4A", "E4B", "E13")

# Placement codes that start a new placement for stability counts and visit timescales.
NEW_PLACEMENT_RNE = ("S", "P", "T", "U", "B")

# --- identifiers and text ---

# authority.toml's la_code: an ONS area code (E England, W Wales, S Scotland, N Northern Ireland, then 8 digits,
# e.g. E06000039), upper case, nothing around it; Z99 and 6 digits is kept for synthetic authorities (the sample).
LA_CODE_PATTERN = r"[EWSN][0-9]{8}"
SYNTHETIC_LA_CODE_PATTERN = r"Z99[0-9]{6}"
LA_NAME_MAX_LENGTH = 100

# Longest value (in characters) an identifier or text column may hold: a longer one is a broken export, and a team
# name is repeated on every child-month, so a 1 MB one would fill memory.
MAX_LENGTH: dict[str, int] = {"id": 64, "text": 100}
# Unicode categories an identifier or text value must not contain: controls (NUL, tab, line breaks), invisible
# format characters (bidi overrides such as U+202E, zero-width spaces, a stray byte-order mark) and line and
# paragraph separators. A value with one could look like another, or reorder the text shown around it.
UNPRINTABLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")
UNPRINTABLE_RE2 = "[" + "".join(f"\\p{{{c}}}" for c in UNPRINTABLE_CATEGORIES) + "]"  # DuckDB (RE2) class

# Team names the measures use for their own rows: the authority total of every series and the children with no
# allocated worker (etl/derived*.sql and queries/*.sql use these literals; ui/filters.py imports ALL_TEAMS).
ALL_TEAMS = "All teams"
UNALLOCATED = "Unallocated"
RESERVED_TEAMS = (ALL_TEAMS, UNALLOCATED)
# A source team with a reserved name (any case) is stored with this after it, so it neither merges with those rows
# nor drops out of the authority total: "Unallocated" becomes "Unallocated (source team)".
RESERVED_SUFFIX = " (source team)"

# Collection years loaded from ssda903/YYYY/: from this year to the year after the load (a return in progress).
FIRST_RETURN_YEAR = 2000


@dataclass(frozen=True)
class Column:
    """One column of a source file: its contract type and, for codes, the allowed values."""

    name: str
    kind: str  # "id" | "text" | "date" | "datetime" | "int" | "number" | "code"
    required: bool = True  # the column must be present in the file header
    nullable: bool = False  # an empty value is allowed
    codes: tuple[str, ...] = ()
    help: str = ""
    low: float | None = None  # inclusive lower bound for int/number
    high: float | None = None  # inclusive upper bound for int/number
    # A value that breaks a rule: "reject" keeps the whole row out; "blank" keeps the row, empties this value and
    # lists a warning (for details no measure depends on: a bad MOTHER must not drop the child).
    on_error: str = "reject"
    # SSDA903 only: a date after the return's collection year (31 March): "reject" the row (an event that cannot
    # be in this return) or "blank" the value with a warning (an end date: the episode was open at 31 March).
    after_year: str | None = None
    # id and text: the longest value allowed, in characters (MAX_LENGTH by kind unless given).
    max_length: int | None = None
    # text: names with a meaning of their own in the measures (any case): stored with RESERVED_SUFFIX, with a warning.
    reserved: tuple[str, ...] = ()
    # date: may lie after the day of the load (a due date), so "date after the load date" does not apply.
    future_ok: bool = False

    @property
    def limit(self) -> int | None:
        """The longest value allowed (id and text columns), so a runaway field is a rejected row, not a crash."""
        return self.max_length or MAX_LENGTH.get(self.kind)


@dataclass(frozen=True)
class SourceFile:
    """A CSV file in a source folder, with its columns and row rules."""

    name: str  # e.g. "episodes"
    folder: str  # "ssda903/YYYY" or "extracts"
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row across years (latest return wins)
    help: str
    date_order: tuple[tuple[str, str], ...] = ()  # (start, end): end must not be before start
    child_column: str | None = "CHILD"  # must name a child in header.csv of that authority
    standard: str = ""
    label: str = ""  # how people name this file in a sentence: "the visits extract"
    # The date the row's event happened: it must not be before the child's birth; an episode must start before
    # the 18th birthday (DfE validator), any other event after it is listed as a warning.
    event_date: str | None = None
    # (column, other, action): `column` given while `other` is empty breaks a DfE rule, e.g. REC without DEC;
    # action "blank" empties `column` with a warning, "keep" keeps it with a warning.
    needs: tuple[tuple[str, str, str], ...] = ()
    # At least one of these columns must have a value, else the row is rejected ("missing required value").
    one_of: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, kind: str, help: str = "", **kw) -> Column:
    return Column(name=name, kind=kind, help=help, **kw)


DFE = "DfE SSDA903 children looked after return"
CASE = "Case-system extract (Practice Lens contract)"
CSWW = "Children's social work workforce census (DfE) codes"

SSDA903_FILES: tuple[SourceFile, ...] = (
    SourceFile(
        name="header",
        folder="ssda903/YYYY",
        standard=DFE,
        help="One row per child looked after during the year.",
        label="the SSDA903 header",
        key=("CHILD",),
        child_column=None,
        columns=(
            _c("CHILD", "id", "Child's unique identifier within the authority"),
            _c("SEX", "code", "Sex", codes=SEX, on_error="blank"),
            _c("DOB", "date", "Date of birth", on_error="blank"),
            _c("ETHNIC", "code", "Ethnic origin", codes=ETHNIC, on_error="blank"),
            _c("UPN", "text", "Unique pupil number", nullable=True, required=False, on_error="blank"),
            _c("MOTHER", "code", "Is the child a mother (1) or not (0)", codes=FLAG01, nullable=True,
               required=False, on_error="blank"),
            _c("MC_DOB", "date", "Date of birth of the mother's child", nullable=True, required=False,
               on_error="blank"),
        ),
    ),
    SourceFile(
        name="episodes",
        folder="ssda903/YYYY",
        standard=DFE,
        help="One row per episode of care (a period with one legal status and one placement).",
        label="SSDA903 episodes",
        key=("CHILD", "DECOM"),
        date_order=(("DECOM", "DEC"),),
        event_date="DECOM",
        needs=(("REC", "DEC", "blank"), ("DEC", "REC", "keep")),
        columns=(
            _c("CHILD", "id"),
            _c("DECOM", "date", "Date episode commenced", after_year="reject"),
            _c("RNE", "code", "Reason for new episode", codes=RNE),
            _c("LS", "code", "Legal status", codes=LS),
            _c("CIN", "code", "Category of need", codes=CIN, on_error="blank"),
            _c("PLACE", "code", "Placement type", codes=PLACE),
            _c("PLACE_PROVIDER", "code", "Placement provider", codes=PLACE_PROVIDER, nullable=True,
               on_error="blank"),
            _c("DEC", "date", "Date episode ceased (blank if open)", nullable=True, after_year="blank"),
            _c("REC", "code", "Reason episode ceased (blank if open)", codes=REC, nullable=True,
               on_error="blank"),
            _c("REASON_PLACE_CHANGE", "code", "Reason for placement change", codes=REASON_PLACE_CHANGE,
               nullable=True, on_error="blank"),
            _c("HOME_POST", "text", "Partial postcode of home", nullable=True, required=False, on_error="blank"),
            _c("PL_POST", "text", "Partial postcode of placement", nullable=True, required=False, on_error="blank"),
            _c("URN", "text", "Ofsted URN of the placement", nullable=True, required=False, on_error="blank"),
        ),
    ),
    SourceFile(
        name="reviews",
        folder="ssda903/YYYY",
        standard=DFE,
        help="One row per looked-after review.",
        label="SSDA903 reviews",
        key=("CHILD", "REVIEW"),
        event_date="REVIEW",
        columns=(
            _c("CHILD", "id"),
            _c("DOB", "date", "Date of birth", nullable=True, required=False, on_error="blank"),
            _c("REVIEW", "date", "Date of review", after_year="reject"),
            _c("REVIEW_CODE", "code", "Participation code", codes=REVIEW_CODE, nullable=True, on_error="blank"),
        ),
    ),
    SourceFile(
        name="missing",
        folder="ssda903/YYYY",
        standard=DFE,
        help="One row per missing (M) or away from placement without authorisation (A) episode.",
        label="SSDA903 missing episodes",
        key=("CHILD", "MIS_START"),
        date_order=(("MIS_START", "MIS_END"),),
        event_date="MIS_START",
        columns=(
            _c("CHILD", "id"),
            _c("DOB", "date", "Date of birth", nullable=True, required=False, on_error="blank"),
            _c("MISSING", "code", "M missing, A away without authorisation", codes=MISSING),
            _c("MIS_START", "date", "Start of the episode", after_year="reject"),
            _c("MIS_END", "datetime", "End (return); blank if still missing; a time may follow the date",
               nullable=True),
        ),
    ),
    SourceFile(
        name="oc2",
        folder="ssda903/YYYY",
        standard=DFE,
        help="Outcomes for children looked after continuously for 12 months at 31 March.",
        label="SSDA903 OC2 outcomes",
        key=("CHILD",),
        columns=(
            _c("CHILD", "id"),
            _c("DOB", "date", "Date of birth", nullable=True, required=False, on_error="blank"),
            _c("SDQ_SCORE", "int", "Strengths and difficulties score", nullable=True, low=0, high=40),
            _c("SDQ_REASON", "code", "Reason no SDQ", codes=SDQ_REASON, nullable=True),
            _c("CONVICTED", "code", "Convicted during the year", codes=FLAG01, nullable=True),
            _c("HEALTH_CHECK", "code", "Health surveillance checks up to date (under 5)", codes=FLAG01,
               nullable=True),
            _c("IMMUNISATIONS", "code", "Immunisations up to date", codes=FLAG01, nullable=True),
            _c("TEETH_CHECK", "code", "Dental check in the year", codes=FLAG01, nullable=True),
            _c("HEALTH_ASSESSMENT", "code", "Annual health assessment in the year", codes=FLAG01,
               nullable=True),
            _c("SUBSTANCE_MISUSE", "code", "Identified as having a substance misuse problem", codes=FLAG01,
               nullable=True),
            _c("INTERVENTION_RECEIVED", "code", "Received an intervention", codes=FLAG01, nullable=True),
            _c("INTERVENTION_OFFERED", "code", "Offered an intervention but refused", codes=FLAG01,
               nullable=True),
        ),
    ),
    SourceFile(
        name="sw_episodes",
        folder="ssda903/YYYY",
        standard=DFE + " (SWEpisodes table, from 2023/24; earlier years from the case system)",
        help="One row per allocation of a social worker to a child.",
        label="social worker episodes",
        key=("CHILD", "SW_ID", "SW_DECOM"),
        date_order=(("SW_DECOM", "SW_DEC"),),
        event_date="SW_DECOM",
        columns=(
            _c("CHILD", "id"),
            _c("DOB", "date", "Date of birth", nullable=True, required=False, on_error="blank"),
            _c("SW_ID", "id", "Social worker's identifier (SWE registration number)"),
            _c("SW_DECOM", "date", "Date the allocation began", after_year="reject"),
            _c("SW_DEC", "date", "Date the allocation ended (blank if open)", nullable=True, after_year="blank"),
            _c("SW_REASON", "code", "Reason the allocation ended", codes=SW_REASON, nullable=True,
               on_error="blank"),
        ),
    ),
)

EXTRACT_FILES: tuple[SourceFile, ...] = (
    SourceFile(
        name="visits",
        folder="extracts",
        standard=CASE,
        help="One row per statutory social work visit to a child looked after.",
        label="the visits extract",
        key=("CHILD", "VISIT_DATE"),
        event_date="VISIT_DATE",
        columns=(
            _c("CHILD", "id"),
            _c("SW_ID", "id", "Worker who visited", nullable=True, on_error="blank"),
            _c("VISIT_DATE", "date", "Date of the visit"),
            _c("SEEN_ALONE", "code", "Child seen alone (Y/N)", codes=YES_NO, nullable=True, on_error="blank"),
        ),
    ),
    SourceFile(
        name="health_assessments",
        folder="extracts",
        standard=CASE,
        help="One row per health assessment or dental check.",
        label="the health assessments extract",
        key=("CHILD", "ASSESSMENT_DATE", "ASSESSMENT_TYPE"),
        event_date="ASSESSMENT_DATE",
        columns=(
            _c("CHILD", "id"),
            _c("ASSESSMENT_DATE", "date", "Date the assessment was done"),
            _c("ASSESSMENT_TYPE", "code", "IHA initial, RHA review, DENTAL check", codes=ASSESSMENT_TYPE),
        ),
    ),
    SourceFile(
        name="return_interviews",
        folder="extracts",
        standard=CASE,
        help="One row per missing episode for which a return home interview was recorded.",
        label="the return interviews extract",
        key=("CHILD", "MIS_START"),
        date_order=(("MIS_START", "RHI_OFFERED_DATE"), ("MIS_START", "RHI_DATE")),
        columns=(
            _c("CHILD", "id"),
            _c("MIS_START", "date", "Start of the missing episode (matches missing.csv)"),
            _c("RHI_OFFERED_DATE", "datetime", "When the interview was offered (date, optional time)",
               nullable=True),
            _c("RHI_DATE", "datetime", "When the interview took place (date, optional time)", nullable=True),
            _c("RHI_ACCEPTED", "code", "Child accepted the interview (Y/N)", codes=YES_NO, nullable=True,
               on_error="blank"),
        ),
    ),
    SourceFile(
        name="workforce",
        folder="extracts",
        standard=CSWW,
        help="One row per worker per role spell (a change of team or role starts a new row).",
        label="the workforce extract",
        key=("SW_ID", "START_DATE"),
        child_column=None,
        date_order=(("START_DATE", "END_DATE"),),
        columns=(
            _c("SW_ID", "id", "Social worker's identifier"),
            _c("TEAM", "text", "Team name", reserved=RESERVED_TEAMS),
            _c("ORG_ROLE", "code", "Organisational role (CSWW OrgRole)", codes=ORG_ROLE),
            _c("AGENCY_WORKER", "code", "1 agency, 0 employed by the authority", codes=FLAG01),
            _c("FTE", "number", "Full-time equivalent", low=0, high=1.5),
            _c("START_DATE", "date", "Start of the spell"),
            _c("END_DATE", "date", "End of the spell (blank if in post)", nullable=True),
            _c("REASON_LEAVE", "code", "Reason for leaving (CSWW ReasonLeave)", codes=REASON_LEAVE,
               nullable=True, on_error="blank"),
        ),
    ),
)

ESTABLISHMENT = SourceFile(
    name="establishment",
    folder="extracts",
    standard=CASE,
    help="Optional: funded social worker posts (FTE) per team over time; gives the vacancy rate where known.",
    label="the establishment extract",
    key=("TEAM", "START_DATE"),
    child_column=None,
    date_order=(("START_DATE", "END_DATE"),),
    columns=(
        _c("TEAM", "text", "Team name (as in workforce.csv)", reserved=RESERVED_TEAMS),
        _c("FTE", "number", "Funded social worker posts, FTE", low=0, high=500),
        _c("START_DATE", "date", "First day this establishment applies"),
        _c("END_DATE", "date", "Last day it applies (blank if current)", nullable=True),
    ),
)
EXTRACT_FILES = EXTRACT_FILES + (ESTABLISHMENT,)

# Optional extracts of what the case system holds about plans, supervision, legal work, strategy meetings and returns
# home (Ofsted's letter: actions in plans not done in time, supervision without actions and timescales, pre-proceedings
# bypassed, no strategy meeting for long missing episodes, no plan for children returning home). Without one, its
# measures say no data.
PLAN_FILES: tuple[SourceFile, ...] = (
    SourceFile(
        name="plan_actions",
        folder="extracts",
        standard=CASE,
        help="Optional: one row per action in a child's plan (care, pathway or permanence plan), with its due date "
             "and when it was done.",
        label="the plan actions extract",
        key=("CHILD", "ACTION_ID"),
        date_order=(("RAISED_DATE", "DUE_DATE"), ("RAISED_DATE", "COMPLETED_DATE")),
        event_date="RAISED_DATE",
        columns=(
            _c("CHILD", "id"),
            _c("ACTION_ID", "id", "The action's identifier in the case system (unique for the child)"),
            _c("PLAN_TYPE", "code", "Which plan the action is in", codes=PLAN_TYPE, nullable=True,
               on_error="blank"),
            _c("RAISED_DATE", "date", "Date the action was agreed (added to the plan)"),
            _c("DUE_DATE", "date", "Date it is due: may be after the day of the load", future_ok=True),
            _c("COMPLETED_DATE", "date", "Date it was done (blank while open)", nullable=True),
            _c("OWNER_SW_ID", "id", "Worker responsible for the action", nullable=True, on_error="blank"),
        ),
    ),
    SourceFile(
        name="supervisions",
        folder="extracts",
        standard=CASE,
        help="Optional: one row per case supervision of a child's case (the child's case discussed by the social "
             "worker and their manager).",
        label="the supervisions extract",
        key=("CHILD", "SUPERVISION_DATE"),
        event_date="SUPERVISION_DATE",
        columns=(
            _c("CHILD", "id"),
            _c("SUPERVISION_DATE", "date", "Date of the supervision"),
            _c("SW_ID", "id", "Social worker supervised", nullable=True, on_error="blank"),
            _c("MANAGER_ID", "id", "Manager who supervised", nullable=True, on_error="blank"),
            _c("ACTIONS_RECORDED", "code", "The record sets out actions (Y/N; blank counts as N)", codes=YES_NO,
               nullable=True, on_error="blank"),
            _c("TIMESCALES_RECORDED", "code", "The actions have timescales (Y/N; blank counts as N)", codes=YES_NO,
               nullable=True, on_error="blank"),
        ),
    ),
    SourceFile(
        name="legal",
        folder="extracts",
        standard=CASE,
        help="Optional: one row per legal case of a child looked after: pre-proceedings under the public law outline "
             "(PLO) and care proceedings. A case that went straight to court has no PLO dates.",
        label="the legal extract",
        key=("CHILD", "PLO_DECISION_DATE", "PROCEEDINGS_ISSUED_DATE"),
        date_order=(("PLO_DECISION_DATE", "PLO_LETTER_DATE"), ("PLO_DECISION_DATE", "PLO_MEETING_DATE"),
                    ("PROCEEDINGS_ISSUED_DATE", "FINAL_ORDER_DATE")),
        needs=(("PLO_LETTER_DATE", "PLO_DECISION_DATE", "keep"), ("PLO_MEETING_DATE", "PLO_DECISION_DATE", "keep"),
               ("FINAL_ORDER_DATE", "PROCEEDINGS_ISSUED_DATE", "keep")),
        one_of=("PLO_DECISION_DATE", "PROCEEDINGS_ISSUED_DATE"),
        columns=(
            _c("CHILD", "id"),
            _c("PLO_DECISION_DATE", "date", "Legal planning meeting's decision that the threshold for pre-proceedings "
               "is met", nullable=True),
            _c("PLO_LETTER_DATE", "date", "Letter before proceedings sent to the parents", nullable=True),
            _c("PLO_MEETING_DATE", "date", "Pre-proceedings meeting with the parents", nullable=True),
            _c("PROCEEDINGS_ISSUED_DATE", "date", "Care proceedings issued (application made to court)",
               nullable=True),
            _c("FINAL_ORDER_DATE", "date", "Final order made (proceedings concluded)", nullable=True),
            _c("OUTCOME", "code", "ISSUED went to court; NOT_PURSUED decided not to go to court; blank while "
               "pre-proceedings go on", codes=LEGAL_OUTCOME, nullable=True),
        ),
    ),
    SourceFile(
        name="strategy_meetings",
        folder="extracts",
        standard=CASE,
        help="Optional: one row per strategy meeting (or discussion) held about a child looked after.",
        label="the strategy meetings extract",
        key=("CHILD", "MEETING_DATE"),
        date_order=(("MIS_START", "MEETING_DATE"),),
        event_date="MEETING_DATE",
        columns=(
            _c("CHILD", "id"),
            _c("MEETING_DATE", "date", "Date of the meeting"),
            _c("REASON", "code", "Why it was held: MISSING from care, CSE / CCE sexual or criminal exploitation, "
               "S47 child protection enquiry, OTHER", codes=STRATEGY_REASON, nullable=True, on_error="blank"),
            _c("MIS_START", "date", "Start of the missing episode it was held about (as in missing.csv), if any",
               nullable=True),
        ),
    ),
    SourceFile(
        name="return_home_plans",
        folder="extracts",
        standard=CASE,
        help="Optional: one row per multi-agency plan for a child returning home from care.",
        label="the return home plans extract",
        key=("CHILD", "CEASED_DATE"),
        event_date="CEASED_DATE",
        columns=(
            _c("CHILD", "id"),
            _c("CEASED_DATE", "date", "Date the child ceased to be looked after (the episode's DEC in the return)"),
            _c("PLAN_AGREED_DATE", "date", "Date the plan was agreed (blank if not yet agreed)", nullable=True),
            _c("AGENCIES", "int", "Number of agencies that agreed the plan (social care, health, school, ...)",
               nullable=True, low=0, high=30, on_error="blank"),
        ),
    ),
)
EXTRACT_FILES = EXTRACT_FILES + PLAN_FILES

ALL_FILES: tuple[SourceFile, ...] = SSDA903_FILES + EXTRACT_FILES
FILES_BY_NAME: dict[str, SourceFile] = {f.name: f for f in ALL_FILES}

# Date formats accepted, tried in order (DuckDB strptime formats).
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DATETIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                    "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%Y-%m-%d")

AUTHORITY_FILE = "authority.toml"  # keys: la_code (LA_CODE_PATTERN, e.g. E06000039), la_name


# --- Ofsted Annex A (ILACS): the inspection lists councils already produce, as one Excel workbook ---
# Headers as Ofsted's Annex A template publishes them (List 8 'children in care': the template's own wording, as
# reproduced in Social Finance's liia-tools, liiatools/spec/annex_a/samples/Annex_A.xlsx and
# liiatools/annex_a_pipeline/spec/Annex_A_schema.yml and Annex_A_schema_2020.yml; see docs/data-formats.md) come
# first in each column's `headers`; the other names are variants authorities' exports use. Headers are matched on
# header_key() (case, spacing, punctuation, curly quotes and a '(Y/N)' ignored), so one entry covers
# 'Child Unique ID', 'CHILD_UNIQUE_ID' and 'child unique id'.

ANNEX_A_FILE = "annex_a.xlsx"  # in the source folder, beside authority.toml
ANNEX_A_DATE_KEY = "annex_a_date"  # authority.toml: the date the workbook's lists were extracted (its snapshot)
# A cell above the header row that names the snapshot: its text starts with one of these (header_key() compared),
# and the date is in the same cell ('Data as at 31/03/2018') or the next non-empty cell to its right.
ANNEX_A_DATE_LABELS = ("data as at", "as at", "snapshot date", "date of extract", "extract date", "data extracted",
                       "data date", "date of data", "report date", "run date")
ANNEX_A_HEADER_ROWS = 30  # the header row is looked for in the sheet's first rows (titles may sit above it)
ANNEX_A_STANDARD = "Ofsted ILACS Annex A (children's social care data for inspection)"
# Codes in an Annex A cell: 'E1: Placement order', 'a) U1: Foster placement ...', 'C2' -> the SSDA903 code.
ANNEX_A_CODE_RE = r"(?:^|[^A-Za-z0-9])([A-Z][0-9]{1,2})(?=$|[^A-Za-z0-9])"
# Yes/no cells: 'Y', 'Yes', 'a) Yes', '1' are yes; 'N', 'No', 'b) No', '0' no; 'Unknown', 'c) Unknown' and
# blank are not recorded (null). Keys are header_key() of the cell.
ANNEX_A_FLAGS: dict[str, bool | None] = {
    "y": True, "yes": True, "ayes": True, "1": True, "true": True,
    "n": False, "no": False, "bno": False, "0": False, "false": False,
    "unknown": None, "cunknown": None, "notknown": None, "notrecorded": None,
}


def header_key(text: object) -> str:
    """A header (or cell) as compared: lower case, curly quotes and '&' plain, '(Y/N)' dropped, only letters and
    digits kept, so 'Child Unique ID', 'CHILD_UNIQUE_ID' and 'child unique id ' are one name."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = re.sub(r"\(\s*y\s*/\s*n\s*\)|\(\s*yes\s*/\s*no\s*\)", " ", s).replace("&", " and ")
    return re.sub(r"[^a-z0-9]", "", s)


@dataclass(frozen=True)
class AnnexColumn:
    """A column of an Annex A list: where it goes, its type and every header authorities give it."""

    name: str  # column of fact_annex_a_cla
    kind: str  # "id" | "date" | "int" | "flag" | "code" | "text"
    headers: tuple[str, ...]  # the published header first, then the variants accepted
    help: str = ""
    required: bool = True  # the header must be in the sheet
    nullable: bool = True  # an empty cell is allowed
    codes: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    # a bad value: "reject" keeps the row out (rejected_rows); "blank" empties the value and lists a warning
    on_error: str = "blank"
    reserved: tuple[str, ...] = ()

    @property
    def published(self) -> str:
        return self.headers[0]

    @property
    def limit(self) -> int | None:
        return MAX_LENGTH.get(self.kind)


@dataclass(frozen=True)
class AnnexSheet:
    """One list (sheet) of the Annex A workbook that Practice Lens loads."""

    name: str  # the source's name in source_coverage and in measures' `requires:`
    sheet: str  # the published sheet name
    label: str  # how a sentence names it
    help: str
    columns: tuple[AnnexColumn, ...]
    sheet_re: str  # sheet names accepted (matched on the name lower-cased, punctuation as spaces)

    @property
    def required_columns(self) -> tuple[AnnexColumn, ...]:
        return tuple(c for c in self.columns if c.required)

    def header_map(self) -> dict[str, AnnexColumn]:
        """header_key() of every accepted header -> its column (one mapping: a header names one column)."""
        out: dict[str, AnnexColumn] = {}
        for col in self.columns:
            for h in col.headers:
                k = header_key(h)
                if k in out and out[k].name != col.name:
                    raise ValueError(f"Annex A header {h!r} would name both {out[k].name} and {col.name}")
                out[k] = col
        return out


def _a(name: str, kind: str, headers: tuple[str, ...], help: str = "", **kw) -> AnnexColumn:
    return AnnexColumn(name=name, kind=kind, headers=headers, help=help, **kw)


ANNEX_A_LIST_8 = AnnexSheet(
    name="annex_a_list_8",
    sheet="List 8",
    label="Annex A List 8",
    help="Children in care: one row per child looked after in the period the list covers, with the dates of their "
         "latest visit, review, health assessment and dental check as at the snapshot date.",
    sheet_re=r"list ?0?8( .*)?",
    columns=(
        _a("child", "id", ("Child Unique ID", "Child ID", "ChildID", "Child Unique Identifier", "Unique Child ID",
                           "Child Identifier", "Child Reference", "LA Child ID", "CHILD"),
           "The child's identifier in the case system (the SSDA903 CHILD, so the two can be reconciled)",
           nullable=False, on_error="reject"),
        _a("dob", "date", ("Date of Birth", "DOB", "Child's Date of Birth"), "Date of birth"),
        _a("cla_start", "date", ("Date Started to be Looked After", "Date Started Looked After",
                                 "Date Child Started to be Looked After",
                                 "Date Started to be Looked After (Current Period)", "Date Entered Care",
                                 "Date Started in Care"),
           "Start of the current period of care", nullable=False, on_error="reject"),
        _a("cla_end", "date", ("Date Ceased to be Looked After", "Date Ceased Looked After",
                               "Date Child Ceased to be Looked After", "Date Left Care"),
           "End of care (blank while looked after)", on_error="reject"),
        _a("legal_status", "code", ("Child's Legal Status", "Legal Status", "Current Legal Status"),
           "Legal status (the SSDA903 code is read from text such as 'C2: FCO')", required=False, codes=LS),
        _a("last_review", "date", ("Date of Latest Statutory Review", "Date of Last Statutory Review",
                                   "Date of Last Review", "Date of Latest Review", "Date of Last CLA Review",
                                   "Date of Last LAC Review", "Date of Latest CLA Review", "Last Review Date"),
           "The latest looked-after review"),
        _a("last_visit", "date", ("Date of Last Social Work Visit", "Date of Last Statutory Visit",
                                  "Date of the Last Statutory Visit", "Date of Last Statutory Social Work Visit",
                                  "Date of Latest Statutory Visit", "Date of Last Visit", "Last Social Work Visit",
                                  "Last Statutory Visit Date"),
           "The latest statutory social work visit"),
        _a("last_health", "date", ("Date of Last Health Assessment", "Date of Latest Health Assessment",
                                   "Last Health Assessment Date", "Date of Last Health Assessment (IHA or RHA)"),
           "The latest health assessment (initial or review)"),
        _a("last_dental", "date", ("Date of Last Dental Check", "Date of Latest Dental Check",
                                   "Date of Last Dental Check-up", "Last Dental Check Date",
                                   "Date of Last Dental Assessment"),
           "The latest dental check"),
        _a("placements_12m", "int", ("Number of Placements in the Last 12 months",
                                     "Number of Placements in Last 12 Months", "No. of Placements in the Last 12 Months",
                                     "Placements in the Last 12 Months", "Number of Placements (Last 12 Months)"),
           "Placements in the 12 months to the snapshot", low=0, high=100),
        _a("placement_start", "date", ("Start Date of Most Recent Placement", "Start Date of Current Placement",
                                       "Start Date of Latest Placement", "Placement Start Date",
                                       "Date of Current Placement"),
           "Start of the current placement (visit timescales run from it)", required=False),
        _a("place", "code", ("Placement Type", "Current Placement Type", "Type of Placement"),
           "Placement type (the SSDA903 PLACE code is read from text such as 'a) U1: Foster placement')",
           required=False, codes=PLACE),
        _a("missing_12m", "int", ("Number of Episodes the Child has been 'Missing' from their Placement in the "
                                  "last 12 months",
                                  "Number of Episodes Missing from Placement in the Last 12 Months",
                                  "Number of Missing Episodes in the Last 12 Months",
                                  "Missing Episodes in the Last 12 Months"),
           "Missing episodes in the 12 months to the snapshot", low=0, high=1000),
        _a("absent_12m", "int", ("Number of Episodes the Child has been 'Absent' from their Placement in the last "
                                 "12 months",
                                 "Number of Episodes Absent from Placement in the Last 12 Months",
                                 "Number of Absent Episodes in the Last 12 Months",
                                 "Absent Episodes in the Last 12 Months"),
           "Away-from-placement (absent) episodes in the 12 months", low=0, high=1000),
        _a("rhi_offered", "flag", ("Was the child offered a Return Interview after their last missing episode (Y/N)?",
                                   "Was the child offered a Return Home Interview after their last missing episode",
                                   "Return Interview Offered", "Return Home Interview Offered",
                                   "Offered Return Interview"),
           "Offered a return interview after the last missing episode (Y, N; Unknown or blank: not recorded)"),
        _a("rhi_accepted", "flag", ("Did the child accept a Return Interview after their last missing episode (Y/N)?",
                                    "Did the child accept a Return Home Interview after their last missing episode",
                                    "Return Interview Accepted", "Return Home Interview Accepted",
                                    "Accepted Return Interview"),
           "Accepted the return interview (Y, N; Unknown or blank: not recorded)"),
        _a("team", "text", ("Allocated Team", "Team", "Allocated Team Name"),
           "The allocated worker's team (blank: 'Unallocated')", required=False, reserved=RESERVED_TEAMS),
        _a("social_worker", "text", ("Allocated Worker", "Allocated Social Worker", "Social Worker"),
           "The allocated worker, as the workbook names them", required=False),
    ),
)
ANNEX_A_SHEETS: tuple[AnnexSheet, ...] = (ANNEX_A_LIST_8,)

# Every source a measure may be built on (`requires:`), with how a sentence names it: the CSV files and the Annex A
# lists. source_coverage holds the months each covers (an Annex A list: the month of its snapshot date).
SOURCE_LABELS: dict[str, str] = {f.name: f.label or f.name for f in ALL_FILES} | {
    s.name: s.label for s in ANNEX_A_SHEETS}
