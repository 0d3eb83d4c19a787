"""``medroutes graph [POSITIONS_OR_SCENARIO_DIR] --out graph.geojson``: build and save the route graph."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

from medroutes.errors import DataQualityWarning

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``graph`` sub-command."""
    p = subparsers.add_parser(
        "graph",
        help="build the H3 route graph of voyages and save it (.geojson, .graphml, .parquet)",
        description=(
            "Read positions (a file) or a scenario folder, drop invalid positions (counted), split them "
            "into voyages, build the route graph on an H3 grid with departure and arrival zone nodes "
            "(persons and incidents mapped when the scenario has them), validate it and save it with its "
            "provenance (medroutes version, sha256 of the input files). "
            "Without an input, the bundled sample scenario is used."
        ),
    )
    p.add_argument(
        "input",
        nargs="?",
        default=None,
        metavar="POSITIONS_OR_SCENARIO_DIR",
        help="positions file or scenario folder",
    )
    p.add_argument(
        "--out", required=True, metavar="FILE", help="output graph (.geojson, .graphml or .parquet)"
    )
    p.add_argument("--h3-resolution", type=int, default=5, metavar="N", help="H3 resolution of the cells (5)")
    p.add_argument(
        "--max-gap-h", type=float, default=6.0, metavar="H", help="gap that starts a new voyage [h] (6)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``medroutes graph``; return the exit code."""
    import medroutes as mr
    from medroutes.graph import GraphConfig, graph_from_voyages, save_graph, validate_graph
    from medroutes.graph._io import _format
    from medroutes.tracks import TrackConfig, clean_positions, split_voyages
    from medroutes.tracks._cli import load_input, provenance

    out = Path(args.out)
    _format(out)  # fail on a bad suffix before any work
    gcfg = GraphConfig(h3_resolution=args.h3_resolution)
    tcfg = TrackConfig(max_gap_h=args.max_gap_h)
    with mr.set_options(progress=not args.quiet and mr.get_options()["progress"]):
        positions, attributes, incidents, inputs = load_input(args.input)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)  # counted in the printed report
            pos, qc = clean_positions(positions, config=tcfg, on_invalid="drop")
        voy = split_voyages(pos, config=tcfg)
        G = graph_from_voyages(voy, attributes=attributes, incidents=incidents, config=gcfg)
        validate_graph(G)
        G.graph["provenance"] = provenance(inputs)
        save_graph(G, out, inputs=inputs)
    print(qc.summary())
    print(voy.quality.summary())
    msg = (
        f"wrote route graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges, "
        f"{G.graph['n_voyages']:,} voyages, H3 resolution {G.graph['h3_resolution']} to {out}"
    )
    if "n_incidents_mapped" in G.graph:
        msg += (
            f"; incidents mapped {G.graph['n_incidents_mapped']:,}, unmapped {G.graph['n_incidents_unmapped']:,}, "
            f"without location {G.graph['n_incidents_no_location']:,}"
        )
    print(msg)
    return 0
