"""Derive England averages per measure from the DfE files in ../shared/reference/dfe into queries/england_averages.csv.

Run again when the reference files change; tests check the committed file still matches them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DFE = ROOT.parent / "shared" / "reference" / "dfe"
OUT = ROOT / "queries" / "england_averages.csv"

SQL = """
with
stability as (
    select * from read_csv($stability, all_varchar=true, header=true) where geographic_level = 'National'
),
health as (
    select * from read_csv($health, all_varchar=true, header=true) where geographic_level = 'National'
),
swcount as (
    select * from read_csv($swcount, all_varchar=true, header=true) where geographic_level = 'National'
),
csww as (
    select * from read_csv($csww, all_varchar=true, header=true) where geographic_level = 'National'
),
oc2_2016 as (select * from read_csv($oc2_2016, all_varchar=true, header=true) where geog_l = 'NATIONAL'),
oc2_2017 as (select * from read_csv($oc2_2017, all_varchar=true, header=true) where geog_l = 'NATIONAL'),
miss_2016 as (select * from read_csv($miss_2016, all_varchar=true, header=true) where geog_l = 'NATIONAL'),
miss_2017 as (select * from read_csv($miss_2017, all_varchar=true, header=true) where geog_l = 'NATIONAL'),
cla_2016 as (select * from read_csv($cla_2016, all_varchar=true, header=true) where geog_l = 'NATIONAL'),
cla_2017 as (select * from read_csv($cla_2017, all_varchar=true, header=true) where geog_l = 'NATIONAL'),
rows as (
    select 'placements_3plus' as measure, make_date(time_period::int, 3, 31) as period_end,
           children_percent::double as value, 'DfE CLA statistics: placement stability' as source
    from stability
    where cla_group = 'CLA on 31 March' and placement_stability = 'With 3 or more placements during the year'
    union all
    select 'stability_long_term', make_date(time_period::int, 3, 31), children_percent::double,
           'DfE CLA statistics: placement stability'
    from stability
    where placement_stability = 'Living with the same carer for at least 2 years'
    union all
    select 'health_oc2_assessments', make_date(time_period::int, 3, 31), children_percent::double,
           'DfE CLA statistics: outcomes (OC2)'
    from health
    where characteristic = 'Health assessments: Children looked after all ages'
      and breakdown = 'Had their annual health assessment'
    union all
    select 'health_oc2_assessments', date '2016-03-31',
           round(100.0 * CLA_healthassmt::double / CLA_12mths::double, 1), 'DfE SFR41/2016 OC2' from oc2_2016
    union all
    select 'health_oc2_assessments', date '2017-03-31',
           round(100.0 * OC2_healthassmt::double / OC2_12mths::double, 1), 'DfE SFR50/2017 OC2' from oc2_2017
    union all
    select 'health_dental', make_date(time_period::int, 3, 31), children_percent::double,
           'DfE CLA statistics: outcomes (OC2)'
    from health
    where characteristic = 'Health assessments: Children looked after all ages'
      and breakdown = 'Had their teeth checked by a dentist'
    union all
    select 'health_dental', date '2016-03-31',
           round(100.0 * CLA_teethcheck::double / CLA_12mths::double, 1), 'DfE SFR41/2016 OC2' from oc2_2016
    union all
    select 'health_dental', date '2017-03-31',
           round(100.0 * OC2_teethcheck::double / OC2_12mths::double, 1), 'DfE SFR50/2017 OC2' from oc2_2017
    union all
    select 'sw_changes', make_date(time_period::int, 3, 31), percentage::double,
           'DfE CLA statistics: social worker changes'
    from swcount
    where cla_group = 'CLA on 31 March' and sw_stability = '3 or more social workers during the year'
    union all
    select 'missing_children_pct', date '2016-03-31',
           round(100.0 * m.CLA_MissDuringYear::double / c.CLA_2016::double, 1), 'DfE SFR41/2016 missing'
    from miss_2016 m, cla_2016 c
    union all
    select 'missing_children_pct', date '2017-03-31',
           round(100.0 * m.Miss_Miss_DuringYear::double / c.CLA_2017::double, 1), 'DfE SFR50/2017 missing'
    from miss_2017 m, cla_2017 c
    union all
    select 'workforce_agency_rate', make_date(time_period::int, 9, 30), agency_rate_fte::double,
           'DfE children''s social work workforce' from csww
    union all
    select 'workforce_turnover', make_date(time_period::int, 9, 30), turnover_rate_fte::double,
           'DfE children''s social work workforce' from csww
    union all
    select 'workforce_vacancy_rate', make_date(time_period::int, 9, 30), vacancy_rate_fte::double,
           'DfE children''s social work workforce' from csww
    union all
    select 'workforce_caseload', make_date(time_period::int, 9, 30), caseload_fte::double,
           'DfE children''s social work workforce' from csww
),
final as (
    select measure, period_end, value, source from rows where value is not null order by measure, period_end
)
select * from final
"""


def build() -> str:
    """The CSV text of England averages per measure and date."""
    params = {
        "stability": str(DFE / "la_cla_placement_stability.csv"),
        "health": str(DFE / "la_conviction_health_outcome_cla.csv"),
        "swcount": str(DFE / "la_cla_swcount.csv"),
        "csww": str(DFE / "csww_indicators_2017_to_2025.csv"),
        "oc2_2016": str(DFE / "SFR41_OC22016.csv"),
        "oc2_2017": str(DFE / "SFR50_OC22017.csv"),
        "miss_2016": str(DFE / "2016_SFR41_Missing2016.csv"),
        "miss_2017": str(DFE / "2017_SFR50_Missing_2017.csv"),
        "cla_2016": str(DFE / "2016_SFR41_CLA2016.csv"),
        "cla_2017": str(DFE / "2017_SFR50_CLA2017.csv"),
    }
    df = duckdb.connect().execute(SQL, params).df()
    return df.to_csv(index=False, lineterminator="\n")


if __name__ == "__main__":
    text = build()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text() == text else 1)
    OUT.write_text(text)
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} rows)")
