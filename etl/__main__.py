"""`python -m etl generate|load|benchmarks`: make synthetic sources, load sources, or load the DfE's benchmarks."""

from __future__ import annotations

import argparse

from lens import cli, config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write synthetic source folders (one per authority)")
    gen.add_argument("--out", required=True, help="folder to write the sources into")
    gen.add_argument("--seed", type=int, default=2018, help="random seed (same seed, same data)")
    gen.add_argument("--authorities", type=int, default=1, help="how many authorities")
    gen.add_argument("--start", default="2013-04", help="first month, YYYY-MM")
    gen.add_argument("--end", default="2018-03", help="last month, YYYY-MM")
    gen.add_argument("--annex-a", action="store_true",
                     help="also write each authority's Ofsted Annex A workbook (annex_a.xlsx, List 8) as at the last "
                          "day, agreeing with its event data but for a few deliberate disagreements")

    load = sub.add_parser("load", help="load one or more source folders into the warehouse")
    load.add_argument("sources", nargs="+",
                      help="source folders (each holds authority.toml), or a folder of them as `generate --out` writes")
    load.add_argument("--db", default=str(config.db_path()), help="warehouse path")

    bench = sub.add_parser("benchmarks", help="load the DfE's published figures and statistical neighbours")
    bench.add_argument("paths", nargs="+", help="DfE CSV files, or folders of them (e.g. ../shared/reference/dfe)")
    bench.add_argument("--db", default=str(config.db_path()), help="warehouse path")

    args = parser.parse_args(argv)
    if args.command == "benchmarks":
        from etl.benchmarks import benchmarks_cli

        return benchmarks_cli(args)
    if args.command == "generate":
        from etl.generate import generate_cli

        return generate_cli(args)
    from etl.load import load_cli

    return load_cli(args)


if __name__ == "__main__":
    cli.run(main)
