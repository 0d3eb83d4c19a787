"""``medroutes report``: build the self-contained HTML (or PDF) report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]

DEFAULT_OUT = "medroutes-report.html"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``report`` sub-command."""
    p = subparsers.add_parser(
        "report",
        help="run the whole pipeline and write one self-contained HTML report",
        description=(
            "Run the whole pipeline (clean, voyages, route graph, corridors, risk) and write one "
            "self-contained HTML file that opens offline. Without --positions/--incidents the bundled "
            "sample scenario is used."
        ),
    )
    p.add_argument(
        "--positions", metavar="P", help="positions file (CSV, Parquet, GeoPackage, NMEA, DMA, ...)"
    )
    p.add_argument(
        "--incidents", metavar="I", help="incidents file (IOM Missing Migrants CSV or tidy CSV/Parquet)"
    )
    p.add_argument(
        "--zones", metavar="Z", help="zones file (GeoPackage/GeoJSON with zone_id, name, kind, country)"
    )
    p.add_argument(
        "--scenario", metavar="DIR", help="folder written by Scenario.write() (instead of the sample)"
    )
    p.add_argument(
        "--period", metavar="START:END", help="e.g. 2023-01-01:2023-06-30 (UTC, both days included)"
    )
    p.add_argument(
        "--out", metavar="PATH", help=f"output file (default {DEFAULT_OUT}, or .pdf with --format pdf)"
    )
    p.add_argument(
        "--format",
        choices=("html", "pdf"),
        default=None,
        help="output format (default from --out, else html)",
    )
    p.add_argument(
        "--min-count", type=int, default=5, metavar="N", help="suppress counts below N in tables (default 5)"
    )
    p.add_argument("--title", help="report title")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Build the report; return the exit code."""
    from medroutes.errors import ConfigError
    from medroutes.report import build_report

    fmt = args.format
    out = args.out
    if out is None:
        out = DEFAULT_OUT if fmt != "pdf" else str(Path(DEFAULT_OUT).with_suffix(".pdf"))
    suffix_fmt = "pdf" if Path(out).suffix.lower() == ".pdf" else "html"
    if fmt is not None and fmt != suffix_fmt:
        raise ConfigError(f"--format {fmt} does not match the output file {out!r}; use a .{fmt} file name")
    path = build_report(
        scenario=args.scenario,
        positions=args.positions,
        incidents=args.incidents,
        zones=args.zones,
        period=args.period,
        out=out,
        min_count=args.min_count,
        title=args.title,
        progress=False if args.quiet else None,
    )
    if not args.quiet:
        print(f"medroutes report: wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0
