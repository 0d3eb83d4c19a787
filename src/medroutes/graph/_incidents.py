"""Map incidents (and their dead and missing) onto the nearest edge and cell of a route graph."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from medroutes.errors import SchemaError
from medroutes.geo import to_med_xy

__all__ = ["add_incidents"]


def _project(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.column_stack(to_med_xy(c[:, 0], c[:, 1])))


def add_incidents(G: nx.MultiDiGraph, incidents: pd.DataFrame, *, max_km: float) -> nx.MultiDiGraph:
    """Count incidents and dead + missing on the nearest edge and nearest cell node.

    Distances are measured in :data:`medroutes.geo.MED_CRS` [km]. Incidents
    without coordinates or further than ``max_km`` from every edge are not
    mapped; both counts are recorded in ``G.graph`` (``n_incidents_no_location``,
    ``n_incidents_unmapped``), never dropped silently. Unknown ``dead`` or
    ``missing`` values add nothing to ``dead_missing``.

    Parameters
    ----------
    G
        Route graph (modified in place and returned).
    incidents
        Table with ``lat, lon`` and optionally ``dead, missing``.
    max_km
        Largest distance at which an incident is mapped [km].

    Returns
    -------
    networkx.MultiDiGraph
    """
    for col in ("lat", "lon"):
        if col not in incidents.columns:
            raise SchemaError(f"incidents: missing required column {col!r}")
    lat = pd.to_numeric(incidents["lat"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    lon = pd.to_numeric(incidents["lon"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    dm = np.zeros(len(incidents))
    for col in ("dead", "missing"):
        if col in incidents.columns:
            dm += pd.to_numeric(incidents[col], errors="coerce").fillna(0).to_numpy(dtype=np.float64)
    has_xy = np.isfinite(lat) & np.isfinite(lon)
    edges = list(G.edges(keys=True, data="geometry"))
    cells = [n for n, k in G.nodes(data="kind") if k == "cell"]
    e_inc = np.zeros(len(edges), dtype=np.int64)
    e_dm = np.zeros(len(edges))
    mapped = np.zeros(len(incidents), dtype=bool)
    idx = np.flatnonzero(has_xy)
    if len(idx) and edges:
        x, y = to_med_xy(lon[idx], lat[idx])
        pts = shapely.points(x, y)
        eg = _project(np.asarray([e[3] for e in edges], dtype=object))
        tree = shapely.STRtree(eg)
        (pi, ei) = tree.query_nearest(pts, max_distance=max_km * 1000.0, all_matches=False)
        np.add.at(e_inc, ei, 1)
        np.add.at(e_dm, ei, dm[idx[pi]])
        mapped[idx[pi]] = True
        # node counts: nearest cell node point among those within reach
        if cells:
            nx_, ny_ = to_med_xy(
                np.array([G.nodes[c]["x"] for c in cells]), np.array([G.nodes[c]["y"] for c in cells])
            )
            ntree = shapely.STRtree(shapely.points(nx_, ny_))
            sel = idx[pi]
            sx, sy = to_med_xy(lon[sel], lat[sel])
            qi, ni = ntree.query_nearest(shapely.points(sx, sy), all_matches=False)
            n_inc = np.zeros(len(cells), dtype=np.int64)
            n_dm = np.zeros(len(cells))
            np.add.at(n_inc, ni, 1)
            np.add.at(n_dm, ni, dm[sel[qi]])
            for c, a, b in zip(cells, n_inc.tolist(), n_dm.tolist(), strict=True):
                if a:
                    G.nodes[c]["incidents"] = int(a)
                    G.nodes[c]["dead_missing"] = round(b)
    for (u, v, k, _), a, b in zip(edges, e_inc.tolist(), e_dm.tolist(), strict=True):
        if a:
            G.edges[u, v, k]["incidents"] = int(a)
            G.edges[u, v, k]["dead_missing"] = round(b)
    G.graph["n_incidents_mapped"] = int(mapped.sum())
    G.graph["n_incidents_unmapped"] = int((has_xy & ~mapped).sum())
    G.graph["n_incidents_no_location"] = int((~has_xy).sum())
    G.graph["incident_max_km"] = float(max_km)
    return G
