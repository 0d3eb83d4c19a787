"""Route graphs on an H3 grid, their queries, and corridor (route family) identification.

The graph stage of the pipeline (``tracks -> graph -> risk``)::

    import medroutes as mr
    G = mr.graph.graph_from_voyages(voy, attributes=scenario.voyages, incidents=incidents)
    mr.graph.validate_graph(G)
    nodes, edges = mr.graph.graph_to_gdfs(G)
    mr.graph.save_graph(G, "routes.geojson")
    path = mr.graph.most_used_path(G, "ly_west", "it_lampedusa")
    corridors = mr.graph.CorridorClustering().fit(voy).corridors_
"""

import networkx as nx
import pandas as pd

from medroutes.graph._build import graph_from_voyages
from medroutes.graph._config import GraphConfig
from medroutes.graph._convert import (
    EDGE_ATTRS,
    GRAPH_ATTRS,
    NODE_ATTRS,
    NODE_KINDS,
    graph_from_gdfs,
    graph_to_gdfs,
    validate_graph,
)
from medroutes.graph._corridors import CorridorClustering, identify_corridors, resample_tracks
from medroutes.graph._h3index import latlng_to_cells
from medroutes.graph._incidents import add_incidents as _add_incidents
from medroutes.graph._io import load_graph, save_graph
from medroutes.graph._queries import (
    SEASONS,
    bottlenecks,
    cell_share,
    compare_graphs,
    edge_shares,
    graph_by_period,
    most_used_path,
    od_matrix,
    path_to_linestring,
)

__all__ = [
    "EDGE_ATTRS",
    "GRAPH_ATTRS",
    "NODE_ATTRS",
    "NODE_KINDS",
    "SEASONS",
    "CorridorClustering",
    "GraphConfig",
    "add_incidents",
    "bottlenecks",
    "cell_share",
    "compare_graphs",
    "edge_shares",
    "graph_by_period",
    "graph_from_gdfs",
    "graph_from_voyages",
    "graph_to_gdfs",
    "identify_corridors",
    "latlng_to_cells",
    "load_graph",
    "most_used_path",
    "od_matrix",
    "path_to_linestring",
    "resample_tracks",
    "save_graph",
    "validate_graph",
]


def add_incidents(
    G: nx.MultiDiGraph, incidents: pd.DataFrame, *, max_km: float | None = None
) -> nx.MultiDiGraph:
    """Count incidents and dead + missing on the nearest edge and cell of ``G`` (in place).

    Parameters
    ----------
    G
        Route graph; its ``incidents`` / ``dead_missing`` attributes are
        incremented and ``G.graph`` records mapped, unmapped and
        location-less incidents.
    incidents
        ``lat, lon`` and optionally ``dead, missing``.
    max_km
        Largest mapping distance [km]; default ``config.incident_max_km`` of
        the graph or two cell spacings.

    Returns
    -------
    networkx.MultiDiGraph
    """
    from medroutes.graph._sea import sea_grid

    if max_km is None:
        cfg = G.graph.get("config")
        max_km = (
            getattr(cfg, "incident_max_km", None) or 2.0 * sea_grid(int(G.graph["h3_resolution"])).spacing_km
        )
    return _add_incidents(G, incidents, max_km=float(max_km))
