"""Shared fixtures: the generated sample authority, loaded once per test session into a temporary warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sample_sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The default sample authority's source folders (seed 2018, Apr 2013 to Mar 2018)."""
    from etl.generate import generate

    return list(generate(tmp_path_factory.mktemp("sample_sources"), seed=2018))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory, sample_sources: list[Path]) -> Path:
    """A warehouse holding the sample authority (tests open it read-only)."""
    from etl.load import load

    db = tmp_path_factory.mktemp("sample_db") / "warehouse.duckdb"
    load(sample_sources, db)
    return db


@pytest.fixture(scope="session")
def sample_annex(tmp_path_factory: pytest.TempPathFactory, sample_sources: list[Path]) -> tuple[Path, dict[str, str]]:
    """The sample authority with its Annex A workbook (etl/generate_annex_a.py) loaded: the warehouse, and which child
    each deliberate disagreement is."""
    import shutil

    from etl.generate_annex_a import write_annex_a
    from etl.load import load

    base = tmp_path_factory.mktemp("sample_annex")
    folder = base / sample_sources[0].name
    shutil.copytree(sample_sources[0], folder)
    made = write_annex_a(folder)
    db = base / "warehouse.duckdb"
    load([folder], db)
    return db, made
