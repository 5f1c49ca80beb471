"""England averages: the committed file is what the DfE's published tables say."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

import queries

ROOT = Path(__file__).resolve().parent.parent


def test_hand_checked_values():
    eng = queries.england_averages().set_index(["measure", "period_end"])["value"]
    # SFR50/2017 OC2 national: 44,490 of 49,750 children looked after 12 months had a health assessment = 89.4%
    assert eng[("health_oc2_assessments", pd.Timestamp("2017-03-31"))] == 89.4
    # CSWW national at 30 Sept 2017: agency rate 15.8%, turnover 13.4%, caseload 17.7
    assert eng[("workforce_agency_rate", pd.Timestamp("2017-09-30"))] == 15.8
    assert eng[("workforce_turnover", pd.Timestamp("2017-09-30"))] == 13.4
    assert eng[("workforce_caseload", pd.Timestamp("2017-09-30"))] == 17.7
    # Children looked after 31 March 2024 with 3+ social workers in the year: 27%
    assert eng[("sw_changes", pd.Timestamp("2024-03-31"))] == 27.0


def test_committed_file_matches_the_reference_tables():
    script = ROOT / "scripts" / "build_england_averages.py"
    spec = importlib.util.spec_from_file_location("build_england_averages", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.DFE.exists():  # a clone without ../shared: the committed file stands on its own
        assert len(queries.england_averages()) > 50
        return
    assert (ROOT / "queries" / "england_averages.csv").read_text() == module.build()
