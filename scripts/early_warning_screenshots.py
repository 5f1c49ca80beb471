"""Take the screenshots in docs/early-warning.md from the running app: Debian's headless Chromium (Playwright)
against `streamlit run` on the generated sample authority.

    python scripts/early_warning_screenshots.py [--db warehouse.duckdb] [--out docs/images] [--full DIR]

--full also saves whole pages (normal and board mode) to DIR, to look over; they are not for the docs. The icons
are written as SVG files too (docs/images/icons/).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: Path, companion: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free port, once /_stcore/health answers."""
    port = free_port()
    env = {**os.environ, "PRACTICE_LENS_DB": str(db), "PRACTICE_LENS_COMPANION_DB": str(companion)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false",
                             "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start")


def settle(page, url: str, heading: str) -> None:
    """Open a page and wait until Streamlit has finished drawing it."""
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
    page.wait_for_timeout(1500)  # Plotly's own drawing


def shoot(page, target, path: Path, pad: int = 8) -> None:
    """A screenshot of the page around one element (or a box {x, y, width, height})."""
    box = target if isinstance(target, dict) else target.bounding_box()
    clip = {"x": max(0, box["x"] - pad), "y": max(0, box["y"] - pad), "width": box["width"] + 2 * pad,
            "height": box["height"] + 2 * pad}
    page.screenshot(path=str(path), clip=clip, full_page=True)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


def union(*boxes: dict) -> dict:
    """The box around several boxes."""
    x0 = min(b["x"] for b in boxes)
    y0 = min(b["y"] for b in boxes)
    x1 = max(b["x"] + b["width"] for b in boxes)
    y1 = max(b["y"] + b["height"] for b in boxes)
    return {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}


def write_icons(folder: Path) -> None:
    """Every icon as the SVG the app draws (lens/spc_chart.py), for the guide's tables."""
    from lens.spc import ASSURANCE_ICONS, VARIATION_ICONS
    from lens.spc_chart import assurance_icon_svg, variation_icon_svg

    folder.mkdir(parents=True, exist_ok=True)
    for name in VARIATION_ICONS:
        (folder / f"variation-{name.replace('_', '-')}.svg").write_text(variation_icon_svg(name) + "\n")
    for name in ASSURANCE_ICONS:
        (folder / f"assurance-{name}.svg").write_text(assurance_icon_svg(name) + "\n")
    print(f"wrote {len(VARIATION_ICONS) + len(ASSURANCE_ICONS)} icons to {folder}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="warehouse (default: generate and load the sample authority)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--full", help="also save whole pages here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "warehouse.duckdb"
    if not db.exists():
        from etl.generate import generate
        from etl.load import load

        load(list(generate(Path(tmp.name) / "src", seed=2018)), db)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_icons(out / "icons")
    full = Path(args.full) if args.full else None
    if full:
        full.mkdir(parents=True, exist_ok=True)
    proc, url = start_app(db, Path(tmp.name) / "companion.sqlite")  # no rebase recorded: the charts as loaded
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 3200}, device_scale_factor=1)
            for board in ("", "&board=true"):
                suffix = "-board" if board else ""
                settle(page, f"{url}/social-worker-changes?month=Mar+2018{board}", "Social worker changes")
                chart = page.locator(".stPlotlyChart").first
                words = page.locator("[data-testid='stImage']").first
                shoot(page, union(words.bounding_box(), chart.bounding_box()), out / f"spc-chart{suffix}.png")
                if not board:
                    shoot(page, page.locator("[data-testid='stDataFrame']").first, out / "spc-teams.png")
                if full:
                    page.screenshot(path=str(full / f"social-worker-changes{suffix}.png"), full_page=True)
                settle(page, f"{url}/?month=Mar+2018&period=5+years{board}", "Overview")
                alert = page.locator("[data-testid='stMain'] [data-testid='stAlert']").first
                first_row = page.locator("[data-testid='stMain'] [data-testid='stHorizontalBlock']").first
                if not board:  # (in board mode the tiles look the same)
                    shoot(page, union(alert.bounding_box(), first_row.bounding_box()),
                          out / "overview-early-warning.png")
                if full:
                    page.screenshot(path=str(full / f"overview{suffix}.png"), full_page=True)
            settle(page, f"{url}/health?month=Mar+2018&period=5+years", "Health")
            if full:
                page.screenshot(path=str(full / "health-5-years.png"), full_page=True)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
