"""`python -m queries list|run`: the measures from the command line, for analysts' scripts."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

import queries
from lens import cli, config, early_warning


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m queries", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print every measure with its definition")
    sub.add_parser("docs", help="print docs/measures.md (every definition, from the SQL headers) as Markdown")
    run = sub.add_parser("run", help="print one measure as CSV or JSON")
    run.add_argument("name")
    run.add_argument("--db", default=str(config.db_path()), help="warehouse path")
    run.add_argument("--la", action="append", help="la_code (repeat for several; default all)")
    run.add_argument("--team", help="one team (default all)")
    run.add_argument("--from", dest="from_month", help="first month, YYYY-MM")
    run.add_argument("--to", dest="to_month", help="last month, YYYY-MM")
    run.add_argument("--as-of", dest="as_of", help="date for child-level lists, YYYY-MM-DD")
    run.add_argument("--child", help="one child's identifier, for a child's history (drift_history)")
    run.add_argument("--format", choices=("csv", "json"), default="csv")
    run.add_argument("--spc", action="store_true",
                     help="series only: add SPC columns (docs/early-warning.md): mean, upl, lpl, provisional, rule, "
                          "point_type per month; variation, assurance, signal_since per series as at its last 'ok' "
                          "month; only 'ok' months count; rebases recorded beside the warehouse are used")
    args = parser.parse_args(argv)

    if args.command == "list":
        for m in queries.measures().values():
            print(f"{m.name}  [{m.shape}]  {m.title}")
            for line in m.definition().splitlines():
                print(f"    {line}")
            print()
        return 0

    if args.command == "docs":
        print(queries.measures_markdown(), end="")
        return 0

    if args.spc and args.name in queries.measures() and queries.get(args.name).shape != "series":
        shape = queries.get(args.name).shape
        print(f"--spc needs a series measure: {args.name} is a {shape}", file=sys.stderr)
        return 2
    try:
        con = queries.connect(args.db)
    except queries.NoWarehouse as e:
        print(e, file=sys.stderr)
        return 2
    try:
        measure = queries.get(args.name)
        queries.check_selection(con, args.la, args.team, args.from_month, args.to_month, args.as_of)
        if measure.shape in queries.CHILD_SHAPES:
            # no list of children where a source does not cover the month: say so rather than print an empty list
            status = queries.availability(args.name, con, la_codes=args.la, as_of=args.as_of)
            missing = status[status["status"] == "no data"]
            if len(missing) == len(status) and len(status):
                for row in missing.itertuples():
                    print(f"{row.la_code}: {row.status_note}", file=sys.stderr)
                return 2
            for row in status[status["status"] != "ok"].itertuples():
                print(f"{row.la_code}: {row.status_note}", file=sys.stderr)
        df = queries.run(args.name, con, la_codes=args.la, team=args.team, from_month=args.from_month,
                         to_month=args.to_month, as_of=args.as_of, child=args.child)
    except KeyError as e:
        print(e.args[0], file=sys.stderr)
        return 2
    except queries.SelectionError as e:
        print(e, file=sys.stderr)
        return 2
    if df.empty and measure.shape == "series":  # an empty selection is an error, not an empty file
        print(f"nothing to show: {args.name} has no months from {args.from_month or 'the start'} to "
              f"{args.to_month or 'the end'} for these choices; try a period inside the data "
              "(python -m queries run filter_authorities gives each authority's months)", file=sys.stderr)
        return 2
    if args.spc:
        df = _with_spc(measure, df, args.db)
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    else:
        df.to_json(sys.stdout, orient="records", date_format="iso", indent=1)
        print()
    return 0


def _with_spc(measure: queries.Measure, df: pd.DataFrame, db: str) -> pd.DataFrame:
    """The series with SPC columns per authority and team, using its target and the rebases logged beside `db`."""
    targets = queries.targets()
    target = targets.loc[targets["measure"] == measure.name, "target"]
    companion = config.companion_db(db)

    def rebases(la_code: str, team: str) -> list:
        return early_warning.rebase_months(companion, la_code, team, [measure.name]).get(measure.name, [])

    return early_warning.with_spc(df, measure.fields["polarity"], None if target.empty else float(target.iloc[0]),
                                  rebases)


if __name__ == "__main__":
    cli.run(main)
