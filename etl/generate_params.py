"""Calibration knobs of the synthetic authority, in one place, so realism can be tuned without touching the logic.

Figures follow the published statistics for a unitary authority of Slough's size (DfE SSDA903 and CSWW releases in
shared/reference/dfe); they are shapes to be near, not targets to fake.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --- children entering care ---
# Age at entry (band low, band high in years, weight): England starters, roughly 20/15/15/34/16 %.
ENTRY_AGE = ((0.0, 1.0, 0.18), (1.0, 5.0, 0.13), (5.0, 10.0, 0.15), (10.0, 16.0, 0.37), (16.0, 17.9, 0.17))
UASC_SHARE = 0.05  # unaccompanied asylum-seeking children among starters (older boys, N8, s20)
MALE_SHARE = 0.55

# Pathway weights by entry age band index (same order as ENTRY_AGE).
PATHWAYS = (
    {"adopt": 0.36, "sgo": 0.20, "proc_home": 0.16, "home_short": 0.20, "long_court": 0.08},
    {"adopt": 0.18, "sgo": 0.22, "proc_home": 0.22, "home_short": 0.28, "long_court": 0.10},
    {"sgo": 0.10, "proc_home": 0.20, "home_short": 0.37, "long_court": 0.26, "long_s20": 0.07},
    {"sgo": 0.03, "proc_home": 0.08, "home_short": 0.46, "long_court": 0.24, "long_s20": 0.16, "custody": 0.03},
    {"home_short": 0.47, "long_s20": 0.48, "custody": 0.05},
)

LONG_COURT_TO18_P = 0.30  # a care order that lasts to 18 (else ends after an exponential time) ...
LONG_COURT_MEAN = 3.5  # ... years
LONG_S20_TO18_P = 0.42
LONG_S20_MEAN = 1.5
STAY_YEARS = 1.66  # mean years in care per start (measured from the model): intake = size / STAY_YEARS a year

ETHNIC_MIX = {
    "WBRI": 40, "WIRI": 1, "WOTH": 8, "WROM": 2, "MWBC": 10, "MWBA": 4, "MWAS": 5, "MOTH": 5, "APKN": 7,
    "AIND": 3, "ABAN": 1, "AOTH": 3, "BAFR": 4, "BCRB": 2, "BOTH": 1, "OOTH": 3, "CHNE": 0.5, "REFU": 0.3,
    "NOBT": 0.5,
}
UASC_ETHNIC = {"AOTH": 35, "BAFR": 30, "OOTH": 25, "WOTH": 10}
CIN_MIX = {"N1": 62, "N2": 3, "N3": 3, "N4": 8, "N5": 14, "N6": 3, "N7": 0.5, "N8": 6.5}

# Placement type by age at placement start: (max age exclusive, {PLACE: weight}).
PLACE_BY_AGE = (
    (1.0, {"U4": 45, "U5": 15, "U6": 10, "U1": 8, "U2": 5, "U3": 3, "R3": 3, "P1": 3}),
    (5.0, {"U4": 50, "U5": 15, "U6": 8, "U1": 10, "U2": 6, "U3": 3, "P1": 4}),
    (13.0, {"U4": 55, "U5": 12, "U6": 8, "U1": 8, "U2": 4, "U3": 2, "K2": 6, "P1": 3, "S1": 1, "R1": 1}),
    (16.0, {"U4": 42, "U5": 10, "U6": 6, "U1": 5, "U2": 2, "K2": 28, "R1": 3, "S1": 2, "K1": 1, "P1": 3,
            "R5": 1}),
    (99.0, {"U4": 28, "U5": 8, "U6": 4, "U1": 3, "H5": 40, "K2": 15, "P2": 3, "R1": 2, "R5": 1, "P1": 1}),
)
KIN_PLACES = ("U1", "U2", "U3")
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
PROVIDER = {
    "U1": {"PR1": 1}, "U2": {"PR1": 1}, "U3": {"PR1": 1},
    "U4": {"PR1": 60, "PR4": 40}, "U5": {"PR1": 55, "PR4": 45}, "U6": {"PR1": 50, "PR4": 50},
    "K2": {"PR4": 75, "PR1": 15, "PR5": 10}, "K1": {"PR1": 50, "PR2": 50}, "H5": {"PR4": 70, "PR1": 20, "PR5": 10},
    "R1": {"PR3": 50, "PR4": 50}, "R3": {"PR4": 70, "PR5": 30}, "R5": {"PR3": 1}, "S1": {"PR4": 60, "PR5": 40},
    "P1": {"PR0": 1}, "P2": {"PR1": 60, "PR4": 40}, "A5": {"PR1": 60, "PR5": 40}, "A6": {"PR1": 60, "PR5": 40},
    "A3": {"PR1": 60, "PR5": 40}, "A4": {"PR1": 60, "PR5": 40},
}
URN_PLACES = ("K1", "K2", "H5", "R1", "R3", "S1")  # registered settings carry an Ofsted URN

# Placement durations (days): the chance a placement is a short one (breaks down or was for an emergency), for
# unstable children (share by age at entry) and the others, and the two mean durations.
UNSTABLE_OLDER_P = 0.32  # entered care aged 10+
UNSTABLE_YOUNGER_P = 0.10
UNSTABLE_SHORT_P = 0.80
FIRST_SHORT_P = 0.35  # an emergency first placement
LATER_SHORT_P = 0.08
SHORT_MEAN = 70.0
LONG_MEAN = 5.0 * 365
RPC_MIX = {"CARPL": 30, "CREQB": 15, "CREQO": 8, "CHILD": 8, "LAREQ": 10, "ALLEG": 3, "STAND": 3, "CLOSE": 3,
           "APPRR": 2, "PLACE": 8, "OTHER": 10}

# --- statutory practice ---
VISIT_FIRST_ON_TIME = 0.93
VISIT_LATE_P = 0.04  # an interval overruns its limit
VISIT_LATE_AFTER_CHANGE_P = 0.12  # within 90 days of a change of worker
VISIT_LATE_AFTER_CHANGE_STORY_P = 0.50  # same, in the story window (last ~18 months)
REVIEW_ON_TIME = 0.92
IHA_ON_TIME = 0.84
IHA_ON_TIME_STORY_END = 0.30  # falls to this over the last ~6 months
RHA_SKIP_P = 0.08  # an annual assessment missed (refused, not arranged) ...
RHA_SKIP_TEEN_P = 0.15  # ... and for 15+
RHA_LATE_P = 0.10
DENTAL_SKIP_P = 0.08
RHI_RECORD_P = 0.95  # an ended missing episode has a return interview record
RHI_RECORD_STORY_P = 0.82
RHI_ON_TIME_P = 0.90  # offered within 72 hours
RHI_ON_TIME_STORY_P = 0.72
RHI_ACCEPTED_P = 0.65

# Missing from care: share of children aged 11+ who go missing ("goers"), and their yearly rates (gamma mixtures).
MISSING_GOER_P = (0.185, 0.285)  # ages 11-12, 13+
MISSING_RATE = (0.9, 7.0)  # gamma shape, scale: mean ~6 episodes a year
AWAY_GOER_P = 0.12
AWAY_RATE = (0.6, 5.0)

# --- workforce ---
TARGET_CASELOAD = 14.6  # posts are funded for this many children per case-holding FTE ...
POST_FILL = 0.93  # ... allowing for vacancies and part-time staff
POSTS_PER_TEAM = 4
AGENCY_SPELL_MEAN = 240.0  # days
SW_REALLOC_RATE = 0.30  # reallocations a child-year for reasons other than the worker leaving
SW_REALLOC_STORY_RATE = 0.90  # extra, in the story window
SW_REASONS = {"MANAGE": 25, "CHCHAN": 20, "TSPROC": 15, "ORGRST": 10, "FCONTA": 5, "ABSENC": 10, "PCCHAN": 10,
              "OTHERS": 5}
LEAVE_REASONS = {"1": 68, "5": 8, "7": 8, "4": 3, "8": 6, "9": 5, "2": 2}

STORY_MONTHS = 18  # the inspectors' stories show in the last ~18 months of the data
IHA_STORY_MONTHS = 6


@dataclass(frozen=True)
class AuthorityParams:
    """Per-authority settings: size, yearly intake multipliers, workforce targets and how strong the stories are."""

    index: int
    la_code: str
    la_name: str
    slug: str
    size: float  # target children looked after at any time
    intake: dict[int, float]  # collection year -> multiplier on the starters' rate
    short_stay: dict[int, float]  # collection year -> multiplier on the share of short stays among starters
    missing: dict[int, float]  # collection year -> multiplier on missing and away episode rates
    agency: dict[int, float]  # CSWW year (to 30 Sept) -> target agency share of FTE
    turnover: dict[int, float]  # CSWW year -> permanent leavers FTE / FTE in post
    story: float  # 0..1 strength of the inspectors' stories


# The sample authority (index 0) mirrors the published shape of a Slough-sized unitary.
SAMPLE_SIZE = 200.0
SAMPLE_INTAKE = {2013: 1.0, 2014: 1.08, 2015: 1.15, 2016: 0.97, 2017: 0.90, 2018: 1.0}
SAMPLE_SHORT_STAY = {2013: 1.1, 2014: 1.15, 2015: 1.15, 2016: 0.95, 2017: 0.65, 2018: 0.75}
SAMPLE_MISSING = {2014: 0.9, 2015: 0.9, 2016: 0.9, 2017: 1.2, 2018: 1.45}  # 27 -> 41 -> 48 children missing
SAMPLE_AGENCY = {2013: 0.42, 2014: 0.48, 2015: 0.52, 2016: 0.52, 2017: 0.32, 2018: 0.33}
SAMPLE_TURNOVER = {2013: 0.22, 2014: 0.25, 2015: 0.28, 2016: 0.30, 2017: 0.18, 2018: 0.18}


def authority_params(index: int, rng: np.random.Generator, first_year: int, last_year: int) -> AuthorityParams:
    """Settings for authority `index`; the first authority is the Slough-sized sample, the others vary."""
    code = f"Z99{index + 1:06d}"
    name = "Sample Borough" if index == 0 else f"Sample Borough {index + 1}"
    slug = "sample-borough" if index == 0 else f"sample-borough-{index + 1}"
    years = range(first_year - 20, last_year + 2)
    if index == 0:
        return AuthorityParams(
            index, code, name, slug, SAMPLE_SIZE,
            {y: SAMPLE_INTAKE.get(y, 1.0) for y in years},
            {y: SAMPLE_SHORT_STAY.get(y, 1.0) for y in years},
            {y: SAMPLE_MISSING.get(y, 1.0) for y in years},
            {y: SAMPLE_AGENCY.get(y, 0.40) for y in years},
            {y: SAMPLE_TURNOVER.get(y, 0.22) for y in years},
            1.0,
        )
    size = float(np.clip(rng.lognormal(np.log(200.0), 0.55), 50, 700))
    walk = np.exp(np.cumsum(rng.normal(0, 0.06, len(years))))
    agency0 = rng.uniform(0.05, 0.45)
    agency = np.clip(agency0 + np.cumsum(rng.normal(0, 0.04, len(years))), 0.02, 0.65)
    turn0 = rng.uniform(0.10, 0.28)
    turnover = np.clip(turn0 + rng.normal(0, 0.03, len(years)), 0.05, 0.40)
    return AuthorityParams(
        index, code, name, slug, size,
        {y: float(w / walk.mean()) for y, w in zip(years, walk, strict=True)},
        {y: 1.0 for y in years},
        {y: 1.0 for y in years},
        {y: float(a) for y, a in zip(years, agency, strict=True)},
        {y: float(t) for y, t in zip(years, turnover, strict=True)},
        float(rng.uniform(0.2, 1.0)),
    )
