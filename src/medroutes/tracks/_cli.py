"""``medroutes voyages [POSITIONS] --out voyages.parquet``: clean positions and split them into voyages."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from medroutes.errors import DataFormatError, DataQualityWarning

__all__ = ["add_parser", "load_input", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``voyages`` sub-command."""
    p = subparsers.add_parser(
        "voyages",
        help="split positions into voyages and write the voyages table",
        description=(
            "Read POSITIONS (any format medroutes reads, or a scenario folder), drop invalid rows "
            "(counted), split tracks into voyages at reporting gaps and long stops, and write one row "
            "per voyage with its track (.parquet: GeoParquet; .geojson; .csv: no geometry). "
            "Parquet and GeoJSON outputs record the medroutes version and the sha256 of the input files. "
            "Without POSITIONS, the bundled sample scenario is used."
        ),
    )
    p.add_argument(
        "positions", nargs="?", default=None, metavar="POSITIONS", help="positions file or scenario folder"
    )
    p.add_argument("--out", required=True, metavar="FILE", help="output file (.parquet, .geojson or .csv)")
    p.add_argument(
        "--max-gap-h", type=float, default=6.0, metavar="H", help="gap that starts a new voyage [h] (6)"
    )
    p.add_argument(
        "--stop-min-h", type=float, default=6.0, metavar="H", help="stop that ends a voyage [h] (6)"
    )
    p.add_argument(
        "--min-positions", type=int, default=3, metavar="N", help="flag voyages with fewer positions (3)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)
    return p


def fingerprints(inputs: list[Path]) -> dict[str, dict[str, Any]]:
    """sha256 and size of every input file (a scenario folder: each of its data files), by file name.

    Names, not paths: the same inputs in another folder give the same record.
    """
    import hashlib

    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            data = sorted(p.glob("*.parquet")) or sorted(p.glob("*.csv"))
            files += data
        elif p.is_file():
            files.append(p)
    out: dict[str, dict[str, Any]] = {}
    for f in files:
        h = hashlib.sha256()
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        out[f.name] = {"sha256": h.hexdigest(), "bytes": f.stat().st_size}
    return out


def provenance(inputs: list[Path], **configs: Any) -> dict[str, Any]:
    """Describe what an output was built from: medroutes version, input fingerprints, configurations."""
    import dataclasses

    import medroutes

    return {
        "medroutes_version": medroutes.__version__,
        "inputs": fingerprints(inputs)
        if inputs
        else {"bundled sample": {"medroutes_version": medroutes.__version__}},
        **{k: dataclasses.asdict(v) for k, v in configs.items()},
    }


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


def _write_voyages(voy: Any, out: Path, inputs: list[Path], prov: dict[str, Any]) -> None:
    import json

    from medroutes._atomic import atomic_path

    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".geojson", ".csv"):
        raise DataFormatError(f"--out {str(out)!r}: use a .parquet, .geojson or .csv file")
    text = json.dumps(prov, sort_keys=True)
    with atomic_path(out, inputs=inputs) as tmp:
        if suffix == ".csv":
            voy.table.to_csv(tmp, index=False)
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            voy.to_gdf().to_parquet(tmp, index=False)
            table = pq.read_table(tmp)
            meta = {**(table.schema.metadata or {}), b"medroutes": text.encode()}
            pq.write_table(table.replace_schema_metadata(meta), tmp)
        else:
            import geopandas as gpd

            voy.to_gdf().to_file(tmp, driver="GeoJSON")
            doc = json.loads(tmp.read_text(encoding="utf-8"))
            doc["medroutes"] = prov  # a foreign member (RFC 7946 s.6.1)
            tmp.write_text(json.dumps(doc), encoding="utf-8")
            gpd.read_file(tmp)  # still plain GeoJSON


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
        _write_voyages(voy, out, inputs, provenance(inputs, track_config=cfg))
    print(qc.summary())
    print(voy.quality.summary())
    print(f"wrote {len(voy.table):,} voyages of {voy.table['vessel_id'].nunique():,} vessels to {out}")
    return 0
