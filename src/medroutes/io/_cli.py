"""``medroutes check FILE``: read a file with format detection, print its quality report."""

from __future__ import annotations

import argparse
import warnings
from typing import Any

import numpy as np
import pandas as pd

from medroutes.errors import DataQualityWarning
from medroutes.schema import OnInvalid

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``check`` sub-command."""
    from medroutes.io._detect import FORMATS

    p = subparsers.add_parser(
        "check",
        help="read a positions or incidents file, validate it and print its quality report",
        description=(
            "Read FILE (format detected from its suffix and header), validate it against the "
            "medroutes data model and print the quality report and a one-line summary. "
            "Invalid rows are an error (exit code 2) unless --drop is given."
        ),
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="DMA/MarineCadastre/NMEA/GeoPackage/tidy positions, IOM or tidy incidents",
    )
    p.add_argument(
        "--kind",
        choices=["positions", "incidents"],
        default=None,
        help="table kind (default: from the format)",
    )
    p.add_argument("--format", choices=FORMATS, default=None, help="skip format detection")
    p.add_argument("--drop", action="store_true", help="drop invalid rows and count them instead of failing")
    p.add_argument("--assume-tz", default=None, metavar="TZ", help="time zone of naive timestamps (e.g. UTC)")
    p.set_defaults(func=run)
    return p


def _span(t: pd.Series) -> str:
    if t.notna().sum() == 0:
        return "no times"
    lo, hi = t.min(), t.max()
    return f"{lo:%Y-%m-%d %H:%M:%S} to {hi:%Y-%m-%d %H:%M:%S} UTC"


def summary_line(df: pd.DataFrame, kind: str, fmt: str) -> str:
    """One line describing a table that was read (used by ``medroutes check``)."""
    if kind == "positions":
        lat, lon = df["lat"].to_numpy(), df["lon"].to_numpy()
        box = (
            f", lat {np.nanmin(lat):.2f}..{np.nanmax(lat):.2f}, lon {np.nanmin(lon):.2f}..{np.nanmax(lon):.2f}"
            if len(df)
            else ""
        )
        return (
            f"OK {fmt}: {len(df):,} positions of {df['vessel_id'].nunique():,} vessels, "
            f"{_span(df['timestamp'])}{box}"
        )
    if kind == "incidents":
        dead = int(df["dead"].sum())
        missing = int(df["missing"].sum())
        return (
            f"OK {fmt}: {len(df):,} incidents, {_span(df['timestamp'])}, dead {dead:,}, missing {missing:,} "
            "(sums of known values)"
        )
    return f"OK {fmt}: {len(df):,} days, {int(df['arrivals'].sum()):,} arrivals, {_span(df['date'])}"


def run(args: argparse.Namespace) -> int:
    """Run ``medroutes check``; return the exit code."""
    from medroutes.io import read_incidents, read_positions, read_unhcr_arrivals
    from medroutes.io._detect import detect_format, kind_of

    fmt = args.format or detect_format(args.file)
    kind = args.kind or kind_of(fmt)
    on_invalid: OnInvalid = "drop" if args.drop else "raise"
    with warnings.catch_warnings():
        # the report printed below already counts every dropped row
        warnings.simplefilter("ignore", DataQualityWarning)
        if kind == "positions":
            df, report = read_positions(
                args.file, format=fmt, on_invalid=on_invalid, assume_tz=args.assume_tz, return_report=True
            )
        elif kind == "incidents":
            df, report = read_incidents(args.file, format=fmt, on_invalid=on_invalid, return_report=True)
        else:
            df, report = read_unhcr_arrivals(args.file, return_report=True)
    print(report.summary())
    print(summary_line(df, kind, fmt))
    return 0
