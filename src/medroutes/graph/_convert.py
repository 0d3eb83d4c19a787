"""Route graph <-> GeoDataFrames (OSMnx style), and the graph contract validator."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from medroutes.errors import ConfigError, GraphValidationError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "EDGE_ATTRS",
    "GRAPH_ATTRS",
    "NODE_ATTRS",
    "NODE_KINDS",
    "graph_from_gdfs",
    "graph_to_gdfs",
    "validate_graph",
]

#: Graph attributes every route graph has.
GRAPH_ATTRS: tuple[str, ...] = ("crs", "h3_resolution", "n_voyages")
#: Node attributes every route graph node has.
NODE_ATTRS: tuple[str, ...] = ("x", "y", "kind", "n_voyages")
#: Edge attributes every route graph edge has.
EDGE_ATTRS: tuple[str, ...] = (
    "n_voyages",
    "n_vessels",
    "persons",
    "length_km",
    "median_transit_h",
    "geometry",
    "incidents",
    "dead_missing",
)
#: Allowed values of the node attribute ``kind``.
NODE_KINDS: tuple[str, ...] = ("cell", "departure", "arrival")


def graph_to_gdfs(
    G: nx.MultiDiGraph,
    *,
    nodes: bool = True,
    edges: bool = True,
    min_voyages: int | None = None,
) -> gpd.GeoDataFrame | tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Convert a route graph to node and/or edge GeoDataFrames (EPSG:4326).

    Parameters
    ----------
    G
        Route graph from :func:`graph_from_voyages`.
    nodes, edges
        Which tables to return.
    min_voyages
        Keep only edges with at least this many voyages (display); ``None``
        keeps all. Nodes are never filtered.

    Returns
    -------
    geopandas.GeoDataFrame or tuple of them
        Nodes indexed by ``node`` with a Point geometry from ``x, y``; edges
        indexed by ``(u, v, key)`` with their LineString ``geometry``. Both
        carry the graph attributes in ``.attrs["graph"]``, so
        :func:`graph_from_gdfs` restores them.

    Raises
    ------
    ConfigError
        Neither ``nodes`` nor ``edges`` is requested (also a ``ValueError``).

    See Also
    --------
    graph_from_gdfs : the inverse.
    """
    import geopandas as gpd

    if not (nodes or edges):
        raise ConfigError("graph_to_gdfs: at least one of nodes or edges must be True")
    crs = G.graph.get("crs", "EPSG:4326")
    out = []
    if nodes:
        ids = list(G.nodes)
        data = pd.DataFrame([G.nodes[n] for n in ids], index=pd.Index(ids, name="node"))
        if len(ids):
            geom = shapely.points(data["x"].to_numpy(dtype=float), data["y"].to_numpy(dtype=float))
        else:
            geom = np.zeros(0, dtype=object)
        gn = gpd.GeoDataFrame(data, geometry=geom, crs=crs)
        gn.attrs["graph"] = dict(G.graph)
        out.append(gn)
    if edges:
        rows = list(G.edges(keys=True, data=True))
        if min_voyages is not None:
            rows = [r for r in rows if r[3].get("n_voyages", 0) >= min_voyages]
        idx = pd.MultiIndex.from_tuples([(u, v, k) for u, v, k, _ in rows], names=["u", "v", "key"])
        data = pd.DataFrame([{k: v for k, v in d.items() if k != "geometry"} for *_, d in rows], index=idx)
        geom = np.asarray([d.get("geometry") for *_, d in rows], dtype=object)
        ge = gpd.GeoDataFrame(data, geometry=geom, crs=crs)
        ge.attrs["graph"] = dict(G.graph)
        out.append(ge)
    return out[0] if len(out) == 1 else (out[0], out[1])


def graph_from_gdfs(
    nodes: gpd.GeoDataFrame,
    edges: gpd.GeoDataFrame,
    *,
    graph_attrs: dict[str, Any] | None = None,
) -> nx.MultiDiGraph:
    """Build a route graph from node and edge GeoDataFrames.

    Parameters
    ----------
    nodes
        Indexed by node id, with ``x, y`` (or only a Point geometry, from
        which ``x, y`` are taken) and the other node attributes.
    edges
        Indexed by ``(u, v, key)`` (or with ``u, v, key`` columns), with a
        LineString ``geometry`` and the other edge attributes.
    graph_attrs
        Graph attributes; default ``nodes.attrs["graph"]`` or, failing that,
        ``{"crs": nodes.crs}``.

    Returns
    -------
    networkx.MultiDiGraph

    See Also
    --------
    graph_to_gdfs : the inverse.
    """
    if graph_attrs is None:
        graph_attrs = dict(nodes.attrs.get("graph", {})) or {
            "crs": str(nodes.crs) if nodes.crs else "EPSG:4326"
        }
    G = nx.MultiDiGraph(**graph_attrs)
    nd = pd.DataFrame(nodes).copy()
    geom_col = nodes.geometry.name if hasattr(nodes, "geometry") else None
    if "x" not in nd.columns and geom_col is not None:
        nd["x"] = shapely.get_x(nodes.geometry.to_numpy())
        nd["y"] = shapely.get_y(nodes.geometry.to_numpy())
    if geom_col is not None and geom_col in nd.columns:
        nd = nd.drop(columns=geom_col)
    for nid, row in zip(nd.index.tolist(), nd.to_dict("records"), strict=True):
        G.add_node(nid, **{str(k): _py(v) for k, v in row.items()})
    ed = pd.DataFrame(edges).copy()
    if not {"u", "v"}.issubset(ed.columns):
        ed = ed.reset_index()
    if "key" not in ed.columns:
        ed["key"] = 0
    ecol = edges.geometry.name if hasattr(edges, "geometry") else "geometry"
    for row in ed.to_dict("records"):
        u, v, k = row.pop("u"), row.pop("v"), int(row.pop("key"))
        geom = row.pop(ecol, None)
        attrs = {str(a): _py(b) for a, b in row.items()}
        attrs["geometry"] = geom
        G.add_edge(u, v, key=k, **attrs)
    return G


def _py(v: Any) -> Any:
    """Plain Python scalars (numpy scalars become int/float/bool)."""
    if isinstance(v, np.generic):
        return v.item()
    return v


# --------------------------------------------------------------------------- #
# validation
# --------------------------------------------------------------------------- #


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _examples(items: list[Any], k: int = 3) -> str:
    return ", ".join(repr(i) for i in items[:k]) + (" ..." if len(items) > k else "")


def validate_graph(G: nx.MultiDiGraph, *, strict: bool = True) -> None:
    """Check that a graph follows the route graph contract; raise listing every problem.

    Always checked: the graph is a ``networkx.MultiDiGraph``; graph attributes
    :data:`GRAPH_ATTRS`; node attributes :data:`NODE_ATTRS` with finite
    lon/lat and ``kind`` in :data:`NODE_KINDS`; edge attributes
    :data:`EDGE_ATTRS` with a LineString geometry; no edge into a departure
    node or out of an arrival node.

    With ``strict=True`` also: cell node ids are H3 cells of
    ``G.graph["h3_resolution"]``; edge geometries start and end at their
    nodes' points; ``n_vessels <= n_voyages <= n_passages``; non-negative
    counts and lengths; flow conservation at every cell
    (``in n_passages + n_starts == out n_passages + n_ends``) and departures
    summing to ``G.graph["n_voyages"]``; no edge geometry crosses land.

    Parameters
    ----------
    G
        Route graph.
    strict
        Run the full set of checks.

    Raises
    ------
    GraphValidationError
        One error whose message lists every problem found.
    """
    problems: list[str] = []
    if not isinstance(G, nx.MultiDiGraph):
        raise GraphValidationError(f"route graph must be a networkx.MultiDiGraph, got {type(G).__name__}")
    missing_g = [a for a in GRAPH_ATTRS if a not in G.graph]
    if missing_g:
        problems.append("graph attributes missing: " + ", ".join(missing_g))
    _check_nodes(G, problems, strict)
    _check_edges(G, problems, strict)
    if strict and not problems:
        _check_flows(G, problems)
    if problems:
        n = len(problems)
        raise GraphValidationError(
            f"route graph breaks the graph contract ({n} problem{'s' if n != 1 else ''}; "
            f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges):\n"
            + "\n".join("  - " + p for p in problems)
        )


def _check_nodes(G: nx.MultiDiGraph, problems: list[str], strict: bool) -> None:
    from h3.api import basic_str as h3s

    for a in NODE_ATTRS:
        lack = [n for n, d in G.nodes(data=True) if a not in d]
        if lack:
            problems.append(f"{len(lack):,} nodes lack {a!r} (first: {_examples(lack)})")
    bad_xy = [
        n
        for n, d in G.nodes(data=True)
        if not (_is_num(d.get("x")) and _is_num(d.get("y")))
        or not (-180 <= float(d["x"]) <= 180 and -90 <= float(d["y"]) <= 90)
    ]
    if bad_xy:
        problems.append(
            f"{len(bad_xy):,} nodes have non-numeric or out-of-range x/y (first: {_examples(bad_xy)})"
        )
    bad_kind = [n for n, d in G.nodes(data=True) if d.get("kind") not in NODE_KINDS]
    if bad_kind:
        problems.append(
            f"{len(bad_kind):,} nodes have a kind not in {NODE_KINDS} (first: {_examples(bad_kind)})"
        )
    if strict:
        res = G.graph.get("h3_resolution")
        bad_cell = [
            n
            for n, d in G.nodes(data=True)
            if d.get("kind") == "cell"
            and not (isinstance(n, str) and h3s.is_valid_cell(n) and h3s.get_resolution(n) == res)
        ]
        if bad_cell:
            problems.append(
                f"{len(bad_cell):,} cell nodes are not H3 cells of resolution {res} (first: {_examples(bad_cell)})"
            )
        neg = [n for n, d in G.nodes(data=True) if _is_num(d.get("n_voyages")) and d["n_voyages"] < 0]
        if neg:
            problems.append(f"{len(neg):,} nodes have negative n_voyages (first: {_examples(neg)})")


def _check_edges(G: nx.MultiDiGraph, problems: list[str], strict: bool) -> None:
    for a in EDGE_ATTRS:
        lack = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if a not in d]
        if lack:
            problems.append(f"{len(lack):,} edges lack {a!r} (first: {_examples(lack)})")
    kinds = dict(G.nodes(data="kind"))
    wrong_dir = [
        (u, v, k)
        for u, v, k in G.edges(keys=True)
        if kinds.get(v) == "departure" or kinds.get(u) == "arrival"
    ]
    if wrong_dir:
        problems.append(
            f"{len(wrong_dir):,} edges enter a departure node or leave an arrival node (first: {_examples(wrong_dir)})"
        )
    geoms = [(u, v, k, d.get("geometry")) for u, v, k, d in G.edges(keys=True, data=True)]
    not_line = [(u, v, k) for u, v, k, g in geoms if not isinstance(g, shapely.LineString)]
    if not_line:
        problems.append(f"{len(not_line):,} edges have no LineString geometry (first: {_examples(not_line)})")
    if not strict:
        return
    _check_edge_geometry(G, geoms, problems)
    _check_edge_counts(G, problems)


def _check_edge_geometry(
    G: nx.MultiDiGraph, geoms: list[tuple[Any, Any, Any, Any]], problems: list[str]
) -> None:
    off = []
    for u, v, k, g in geoms:
        if not isinstance(g, shapely.LineString) or g.is_empty:
            continue
        c = shapely.get_coordinates(g)
        a, b = G.nodes[u], G.nodes[v]
        if not (_close(c[0], (a.get("x"), a.get("y"))) and _close(c[-1], (b.get("x"), b.get("y")))):
            off.append((u, v, k))
    if off:
        problems.append(
            f"{len(off):,} edge geometries do not start and end at their nodes (first: {_examples(off)})"
        )
    lines = [(u, v, k, g) for (u, v, k, g) in geoms if isinstance(g, shapely.LineString)]
    if lines:
        from medroutes.geo import crosses_land

        cross = crosses_land([g for *_, g in lines])
        ex = [(u, v, k) for (u, v, k, _), c in zip(lines, cross, strict=True) if c]
        if ex:
            problems.append(f"{len(ex):,} edge geometries cross land (first: {_examples(ex)})")


def _check_edge_counts(G: nx.MultiDiGraph, problems: list[str]) -> None:
    order = []
    negative = []
    for u, v, k, d in G.edges(keys=True, data=True):
        nv, nves, npass = d.get("n_voyages"), d.get("n_vessels"), d.get("n_passages", d.get("n_voyages"))
        if _is_num(nv) and _is_num(nves) and _is_num(npass) and not (0 < nv and nves <= nv <= npass):
            order.append((u, v, k))
        if any(_is_num(d.get(a)) and d[a] < 0 for a in ("length_km", "incidents", "dead_missing")):
            negative.append((u, v, k))
    if order:
        problems.append(
            f"{len(order):,} edges break 0 < n_vessels <= n_voyages <= n_passages (first: {_examples(order)})"
        )
    if negative:
        problems.append(
            f"{len(negative):,} edges have a negative length_km, incidents or dead_missing (first: {_examples(negative)})"
        )


def _close(c: Any, xy: tuple[Any, Any]) -> bool:
    try:
        return math.isclose(float(c[0]), float(xy[0]), abs_tol=1e-7) and math.isclose(
            float(c[1]), float(xy[1]), abs_tol=1e-7
        )
    except (TypeError, ValueError):
        return False


def _check_flows(G: nx.MultiDiGraph, problems: list[str]) -> None:
    needed = all("n_passages" in d for *_, d in G.edges(keys=True, data=True)) and all(
        "n_starts" in d and "n_ends" in d for _, d in G.nodes(data=True)
    )
    if not needed:
        return
    inflow: dict[Any, int] = {}
    outflow: dict[Any, int] = {}
    for u, v, d in G.edges(data="n_passages"):
        outflow[u] = outflow.get(u, 0) + int(d)
        inflow[v] = inflow.get(v, 0) + int(d)
    broken = [
        n
        for n, d in G.nodes(data=True)
        if d.get("kind") == "cell"
        and inflow.get(n, 0) + int(d["n_starts"]) != outflow.get(n, 0) + int(d["n_ends"])
    ]
    if broken:
        problems.append(
            f"flow is not conserved at {len(broken):,} cells: in n_passages + n_starts != out n_passages + n_ends "
            f"(first: {_examples(broken)})"
        )
    n_voy = G.graph.get("n_voyages")
    starts = sum(int(d["n_starts"]) for _, d in G.nodes(data=True))
    deps = sum(outflow.get(n, 0) for n, k in G.nodes(data="kind") if k == "departure")
    ends = sum(int(d["n_ends"]) for _, d in G.nodes(data=True))
    arrs = sum(inflow.get(n, 0) for n, k in G.nodes(data="kind") if k == "arrival")
    if _is_num(n_voy) and (starts + deps != n_voy or ends + arrs != n_voy):
        problems.append(
            f"voyage totals do not match G.graph['n_voyages'] = {n_voy:,}: {deps:,} departures from zone nodes + "
            f"{starts:,} starts at sea, {arrs:,} arrivals at zone nodes + {ends:,} ends at sea"
        )
