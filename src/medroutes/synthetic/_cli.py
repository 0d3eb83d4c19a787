"""``medroutes generate``: write a synthetic scenario to a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``generate`` sub-command."""
    p = subparsers.add_parser(
        "generate",
        help="generate a synthetic scenario (positions, voyages, incidents, weather, truth)",
        description=(
            "Generate a seeded, calibrated synthetic scenario and write it to a folder as Parquet and CSV, "
            "with its scenario.toml and a manifest.json of checksums. Same scenario and seed, same bytes."
        ),
    )
    p.add_argument(
        "--scenario", required=True, metavar="NAME_OR_TOML", help="shipped scenario name or a .toml file"
    )
    p.add_argument("--seed", required=True, type=int, metavar="N", help="random seed (non-negative integer)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (must be empty or absent)")
    p.add_argument("--overwrite", action="store_true", help="replace a non-empty output folder")
    p.add_argument("--no-csv", action="store_true", help="write Parquet only")
    p.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``medroutes generate``; return the exit code."""
    from medroutes import synthetic
    from medroutes.synthetic.scenario import _check_folder

    # a scenario TOML is an input: the output folder must never hold it (--overwrite would delete it)
    inputs = [args.scenario] if Path(args.scenario).is_file() else []
    _check_folder(args.out, overwrite=args.overwrite, inputs=inputs)  # fail before the simulation
    progress = False if args.quiet else None
    sc = synthetic.generate_scenario(args.scenario, seed=args.seed, progress=progress)
    folder = sc.write(args.out, overwrite=args.overwrite, csv=not args.no_csv, inputs=inputs)
    if not args.quiet:
        print(f"{sc!r}\nwritten to {folder}", file=sys.stdout)
    return 0
