"""Every setting Practice Lens reads, declared once, each with a help string and an environment override."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """A named setting: its environment variable, default and what it is for."""

    env: str
    default: str
    help: str

    def get(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: dict[str, Setting] = {
    "db_path": Setting("PRACTICE_LENS_DB", str(ROOT / "data" / "warehouse.duckdb"),
                       "Path of the DuckDB warehouse the dashboard reads and `etl load` writes."),
    "companion_db": Setting("PRACTICE_LENS_COMPANION_DB", "",
                            "SQLite file for what people record (who recalculated SPC limits from which month, and "
                            "why; the month's commentary on each measure); empty = beside the warehouse, named "
                            "<warehouse>.companion.sqlite. Never inside the warehouse: a load swaps that file."),
    "roles_path": Setting("PRACTICE_LENS_ROLES", str(ROOT / "roles.toml"),
                          "TOML file giving signed-in people their role (board, manager with teams, analyst, admin) "
                          "by email or by group claim; see roles.example.toml and docs/security.md. Read only when "
                          "sign-in is configured (.streamlit/secrets.toml [auth]); missing or invalid = nobody gets in."),
    "audit_db": Setting("PRACTICE_LENS_AUDIT_DB", "",
                        "SQLite file the audit log of child-level views and downloads is appended to; empty = the "
                        "companion file (companion_db). Outside the warehouse, so a load never loses it; one per "
                        "app replica on its own disk (docs/security.md)."),
    "sample_dir": Setting("PRACTICE_LENS_SAMPLE_DIR", str(ROOT / "data" / "sample"),
                          "Where the first start writes the generated sample authority's source files."),
    "sample_seed": Setting("PRACTICE_LENS_SAMPLE_SEED", "2018",
                           "Random seed for the generated sample authority (same seed, same data)."),
    "sample_annex_a": Setting("PRACTICE_LENS_SAMPLE_ANNEX_A", "true",
                              "Whether the first start also writes the sample authority's Ofsted Annex A workbook "
                              "(annex_a.xlsx, List 8, with a few deliberate disagreements), so the Data quality page "
                              "shows the reconciliation: true or false."),
    "targets_path": Setting("PRACTICE_LENS_TARGETS", str(ROOT / "queries" / "targets.csv"),
                            "CSV of targets per measure (an authority can edit its own copy)."),
    "suppress_below": Setting("PRACTICE_LENS_SUPPRESS_BELOW", "5",
                              "Board mode shows counts below this number as '<5' (and hides % built on them)."),
    "suppress_complement": Setting("PRACTICE_LENS_SUPPRESS_COMPLEMENT", "false",
                                   "true: board mode also hides a rate whose children outside the numerator are 1-4 "
                                   "(28 of 30 visited in time says 2 were not); false (default, the DfE's convention "
                                   "for published figures): only the numerator and denominator count. "
                                   "docs/security.md, Disclosure policy."),
    "neighbour_average": Setting("PRACTICE_LENS_NEIGHBOUR_AVERAGE", "mean",
                                 "How the ten statistical neighbours' published figures are averaged: 'mean' (the "
                                 "DfE's LAIT) or 'median' (the DfE's outcomes and enablers dashboard)."),
    "default_months": Setting("PRACTICE_LENS_DEFAULT_MONTHS", "24",
                              "How many months the period filter shows by default."),
    "chromium_path": Setting("PRACTICE_LENS_CHROMIUM", "",
                             "Chrome or Chromium executable kaleido drives for PNG/SVG downloads and the board pack's "
                             "charts; empty = the one kaleido would find (BROWSER_PATH, then chrome/chromium on PATH "
                             "or in /usr/bin). None at all: apt-get install -y chromium."),
    "image_timeout": Setting("PRACTICE_LENS_IMAGE_TIMEOUT", "30",
                             "Seconds the browser may take to start or to draw one chart image before it is closed "
                             "and the export fails, so a stuck browser cannot hold a server thread for ever."),
    "supervision_weeks": Setting("PRACTICE_LENS_SUPERVISION_WEEKS", "6",
                                 "How often, in weeks, each looked-after child's case should be discussed in "
                                 "supervision (supervision_in_time: a supervision exactly this many weeks after the "
                                 "last is in time, a day later is late). No regulation sets it: the employer "
                                 "standards ask for regular supervision and councils' policies often make it "
                                 "monthly, where not every case is discussed each time. 6 weeks is the longest "
                                 "interval the regulations allow between statutory visits (reg 28), so a case not "
                                 "discussed for longer has gone a whole visiting cycle without a manager looking at "
                                 "it. Set your own policy's interval (1 to 52)."),
    "load_lock_timeout": Setting("PRACTICE_LENS_LOAD_LOCK_TIMEOUT", "600",
                                 "Seconds a load waits while another load writes the same warehouse (one at a time, "
                                 "or the later would drop the other's authorities) before it gives up."),
}


def get(name: str) -> str:
    """The current value of setting `name` (environment first, then the default)."""
    return SETTINGS[name].get()


def db_path() -> Path:
    """The warehouse path."""
    return Path(get("db_path"))


def companion_db(warehouse: str | Path | None = None) -> Path:
    """The companion SQLite file: the setting if set, else beside `warehouse` (default: the db_path setting)."""
    configured = get("companion_db")
    if configured:
        return Path(configured)
    db = Path(warehouse) if warehouse else db_path()
    return db.with_name(db.stem + ".companion.sqlite")


def suppress_below() -> int:
    """Smallest count shown in board mode."""
    return int(get("suppress_below"))


def sample_annex_a() -> bool:
    """Whether the first start's sample authority gets an Annex A workbook."""
    value = get("sample_annex_a").strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"PRACTICE_LENS_SAMPLE_ANNEX_A must be true or false, not {value!r}")
    return value in ("true", "1", "yes")


def suppress_complement() -> bool:
    """Whether board mode also hides a rate when the children outside its numerator number 1-4."""
    value = get("suppress_complement").strip().lower()
    if value not in ("true", "false"):
        raise ValueError(f"PRACTICE_LENS_SUPPRESS_COMPLEMENT must be 'true' or 'false', not {value!r}")
    return value == "true"


def image_timeout() -> float:
    """Seconds one chart image (or the browser's start) may take."""
    return float(get("image_timeout"))


def load_lock_timeout() -> float:
    """Seconds a load waits for another load into the same warehouse."""
    return float(get("load_lock_timeout"))


def neighbour_average() -> str:
    """'mean' or 'median': which average of the statistical neighbours the pages and the board pack show."""
    value = get("neighbour_average").strip().lower()
    if value not in ("mean", "median"):
        raise ValueError(f"PRACTICE_LENS_NEIGHBOUR_AVERAGE must be 'mean' or 'median', not {value!r}")
    return value


def supervision_weeks() -> int:
    """Weeks within which each child's case should be discussed in supervision (1 to 52)."""
    text = get("supervision_weeks").strip()
    if not text.isdigit() or not 1 <= int(text) <= 52:
        raise ValueError(f"PRACTICE_LENS_SUPERVISION_WEEKS must be a whole number of weeks from 1 to 52, not {text!r}")
    return int(text)
