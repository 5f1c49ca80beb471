"""`python -m reports board-pack`: the board pack from the command line, so it can be scheduled."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lens import cli, config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    pack = sub.add_parser("board-pack", help="write the board pack PDF for one authority and month")
    pack.add_argument("--db", default=str(config.db_path()), help="warehouse path")
    pack.add_argument("--la", required=True, help="la_code of the authority")
    pack.add_argument("--month", required=True, help="month, YYYY-MM")
    pack.add_argument("--out", required=True, help="PDF file to write")
    args = parser.parse_args(argv)

    import pandas as pd

    import queries
    from reports.board_pack import build, render

    try:
        con = queries.connect(args.db)
    except queries.NoWarehouse as e:
        print(e, file=sys.stderr)
        return 2
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"cannot write {out}: the folder {out.parent} does not exist", file=sys.stderr)
        return 2
    try:
        month = queries.parse_month(args.month, "--month")
        queries.check_selection(con, [args.la])
        spans = queries.run("filter_authorities", con).set_index("la_code")
        first, last = (pd.Timestamp(spans.loc[args.la, c]).date() for c in ("first_month", "last_month"))
        if not first.replace(day=1) <= month <= last:
            raise queries.SelectionError(f"no data for {args.month}: {args.la}'s data run from {first:%Y-%m} to "
                                         f"{last:%Y-%m}")
        pack = build(con, args.la, args.month, companion=config.companion_db(args.db))
    except ValueError as e:
        print(str(e) if isinstance(e, queries.SelectionError) else f"error: {e}", file=sys.stderr)
        return 2
    if pack.images_note:
        print(f"warning: {pack.images_note}; the charts are drawn more simply without it", file=sys.stderr)
    pdf = render(pack)
    out.write_bytes(pdf)
    print(f"wrote {args.out} ({len(pdf) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    cli.run(main)
