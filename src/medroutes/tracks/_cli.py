"""``medroutes voyages [POSITIONS] --out voyages.parquet``: clean positions and split them into voyages."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from medroutes.errors import DataFormatError, DataQualityWarning

__all__ = ["add_parser", "run", "load_input"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``voyages`` sub-command."""
    p = subparsers.add_parser(
        "voyages",
        help="split positions into voyages and write the voyages table",
        description=(
            "Read POSITIONS (any format medroutes reads, or a scenario folder), drop invalid rows "
            "(counted), split tracks into voyages at reporting gaps and long stops, and write one row "
            "per voyage with its track (.parquet: GeoParquet; .geojson; .csv: no geometry). "
            "Without POSITIONS, the bundled sample scenario is used."
        ),
    )
    p.add_argument("positions", nargs="?", default=None, metavar="POSITIONS", help="positions file or scenario folder")
    p.add_argument("--out", required=True, metavar="FILE", help="output file (.parquet, .geojson or .csv)")
    p.add_argument("--max-gap-h", type=float, default=6.0, metavar="H", help="gap that starts a new voyage [h] (6)")
    p.add_argument("--stop-min-h", type=float, default=6.0, metavar="H", help="stop that ends a voyage [h] (6)")
    p.add_argument("--min-positions", type=int, default=3, metavar="N", help="flag voyages with fewer positions (3)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)
    return p


def load_input(path: str | None) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None, list[Path]]:
    """Positions, per-voyage attributes and incidents from a file, a scenario folder or the bundled sample."""
    if path is None:
        from medroutes.datasets import load_sample

        sc = load_sample()
        return sc.positions, sc.voyages, sc.incidents, []
    p = Path(path)
    if p.is_dir():
        from medroutes.synthetic import read_scenario

        sc = read_scenario(p)
        return sc.positions, sc.voyages, sc.incidents, [p]
    if not p.exists():
        raise FileNotFoundError(2, "No such file", str(p))
    from medroutes.io import read_positions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)  # counted in the printed report
        pos, report = read_positions(p, on_invalid="drop", return_report=True)
    print(report.summary())
    return pos, None, None, [p]


def _write_voyages(voy: Any, out: Path, inputs: list[Path]) -> None:
    from medroutes._atomic import atomic_path

    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".geojson", ".csv"):
        raise DataFormatError(f"--out {str(out)!r}: use a .parquet, .geojson or .csv file")
    with atomic_path(out, inputs=inputs) as tmp:
        if suffix == ".csv":
            voy.table.to_csv(tmp, index=False)
        elif suffix == ".parquet":
            voy.to_gdf().to_parquet(tmp, index=False)
        else:
            voy.to_gdf().to_file(tmp, driver="GeoJSON")


def run(args: argparse.Namespace) -> int:
    """Run ``medroutes voyages``; return the exit code."""
    import medroutes as mr
    from medroutes.tracks import TrackConfig, clean_positions, split_voyages

    cfg = TrackConfig(max_gap_h=args.max_gap_h, stop_min_h=args.stop_min_h, min_positions=args.min_positions)
    with mr.set_options(progress=not args.quiet and mr.get_options()["progress"]):
        positions, _, _, inputs = load_input(args.positions)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)  # counted in the printed report
            pos, qc = clean_positions(positions, config=cfg, on_invalid="drop")
        voy = split_voyages(pos, config=cfg)
        out = Path(args.out)
        _write_voyages(voy, out, inputs)
    print(qc.summary())
    print(voy.quality.summary())
    print(f"wrote {len(voy.table):,} voyages of {voy.table['vessel_id'].nunique():,} vessels to {out}")
    return 0
