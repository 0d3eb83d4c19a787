"""Sea graph and route templates (corridors) that never cross land.

The sea graph is a regular grid in :data:`medroutes.geo.MED_CRS` restricted to
sea cells at least ``min_coast_km`` from the package's land polygons, with
16-neighbour edges whose straight segments were checked against land
(:func:`medroutes.geo.crosses_land`). Edge cost is the length times a
coast penalty ``1 + coast_penalty * exp(-d / coast_scale_km)`` (``d`` the
distance to the coast of the edge's nearer end), which keeps routes offshore
(Sfax -> Lampedusa stays off Kerkennah) without forbidding coastal launches.

Route templates are shortest paths on that graph between launch sites (the
places of each departure zone) and landing sites (the places of each arrival
zone), forced through lateral waypoints to make several corridors per
origin-destination pair, then smoothed (Chaikin corner cutting) and
re-checked against land. Everything here depends only on the configuration,
never on the seed, and is cached once per process.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from medroutes.errors import ConfigError
from medroutes.geo import (
    ZONE_DEFINITIONS,
    crosses_land,
    distance_to_coast_km,
    from_med_xy,
    haversine_km,
    is_at_sea,
    to_med_xy,
)

__all__ = ["RouteTemplate", "SeaGraph", "route_templates", "sea_graph", "sea_path"]

#: Extent of the routing grid (lon_min, lat_min, lon_max, lat_max) [deg].
GRID_BBOX = (7.0, 30.0, 36.5, 41.9)

# half of the 16-neighbourhood (the graph is undirected)
_OFFSETS = ((1, 0), (0, 1), (1, 1), (1, -1), (2, 1), (1, 2), (2, -1), (1, -2))


@dataclass(frozen=True, eq=False)
class SeaGraph:
    """A routing graph over sea cells.

    Attributes
    ----------
    lon, lat
        Node coordinates [deg].
    x, y
        Node coordinates in MED_CRS [m].
    coast_km
        Distance of each node to the coast [km].
    matrix
        Symmetric sparse cost matrix (CSR) [km, penalised].
    tree
        KD-tree over (x, y) of the nodes of the main connected component.
    main
        Indices of the nodes of the main connected component.
    """

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    coast_km: NDArray[np.float64]
    matrix: object
    tree: cKDTree
    main: NDArray[np.int64]

    def snap(self, lon: float, lat: float, *, min_coast_km: float = 0.0) -> int:
        """Return the main-component node nearest to (lon, lat), optionally at least ``min_coast_km`` offshore."""
        x, y = to_med_xy(np.array([lon]), np.array([lat]))
        k = 64
        _, idx = self.tree.query(np.column_stack([x, y]), k=k)
        cand = self.main[idx[0]]
        ok = cand[self.coast_km[cand] >= min_coast_km]
        return int(ok[0] if len(ok) else cand[0])


@lru_cache(maxsize=4)
def sea_graph(grid_km: float = 8.0, coast_penalty: float = 2.0, coast_scale_km: float = 12.0) -> SeaGraph:
    """Build (once per process and parameter set) the sea routing graph.

    Parameters
    ----------
    grid_km
        Grid spacing [km].
    coast_penalty
        Extra relative cost of an edge on the coast [-].
    coast_scale_km
        e-folding distance of the coast penalty [km].

    Returns
    -------
    SeaGraph
    """
    step = grid_km * 1000.0
    lo0, la0, lo1, la1 = GRID_BBOX
    blon = np.r_[np.linspace(lo0, lo1, 300), np.full(150, lo1), np.linspace(lo0, lo1, 300), np.full(150, lo0)]
    blat = np.r_[np.full(300, la0), np.linspace(la0, la1, 150), np.full(300, la1), np.linspace(la0, la1, 150)]
    bx, by = to_med_xy(blon, blat)
    xs = np.arange(bx.min(), bx.max() + step, step)
    ys = np.arange(by.min(), by.max() + step, step)
    nx = len(xs)
    mx, my = np.meshgrid(xs, ys)
    gx, gy = mx.ravel(), my.ravel()
    glon, glat = from_med_xy(gx, gy)
    inside = (glon >= lo0) & (glon <= lo1) & (glat >= la0) & (glat <= la1)
    sea = inside & is_at_sea(glon, glat)
    coast = np.full(gx.shape, np.nan)
    coast[sea] = distance_to_coast_km(glon[sea], glat[sea])
    min_coast = 1.0
    node_ok = sea & (coast >= min_coast)
    node_id = np.full(gx.shape, -1, dtype=np.int64)
    node_id[node_ok] = np.arange(int(node_ok.sum()))
    cells = np.flatnonzero(node_ok)
    ci, cj = np.divmod(cells, nx)  # row (y), column (x)
    rows, cols, costs = [], [], []
    for dj, di in _OFFSETS:
        i2, j2 = ci + di, cj + dj
        valid = (i2 >= 0) & (i2 < len(ys)) & (j2 >= 0) & (j2 < nx)
        a = cells[valid]
        b = i2[valid] * nx + j2[valid]
        both = node_ok[b]
        a, b = a[both], b[both]
        seg_km = grid_km * float(np.hypot(dj, di))
        near = np.minimum(coast[a], coast[b])
        check = near < seg_km / 2.0 + 1.0
        bad = np.zeros(len(a), dtype=bool)
        if check.any():
            ia, ib = a[check], b[check]
            lines = shapely.linestrings(
                np.stack(
                    [np.column_stack([glon[ia], glat[ia]]), np.column_stack([glon[ib], glat[ib]])], axis=1
                )
            )
            bad[check] = crosses_land(lines)
        a, b, near = a[~bad], b[~bad], near[~bad]
        rows.append(node_id[a])
        cols.append(node_id[b])
        costs.append(seg_km * (1.0 + coast_penalty * np.exp(-near / coast_scale_km)))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    w = np.concatenate(costs)
    n = int(node_ok.sum())
    mat = coo_matrix((np.r_[w, w], (np.r_[r, c], np.r_[c, r])), shape=(n, n)).tocsr()
    _, labels = connected_components(mat, directed=False)
    main_label = np.bincount(labels).argmax()
    main = np.flatnonzero(labels == main_label)
    x, y = gx[node_ok], gy[node_ok]
    tree = cKDTree(np.column_stack([x[main], y[main]]))
    return SeaGraph(glon[node_ok], glat[node_ok], x, y, coast[node_ok], mat, tree, main)


def _path_from_pred(pred: NDArray[np.int64], target: int) -> list[int]:
    out = [target]
    while pred[out[-1]] >= 0:
        out.append(int(pred[out[-1]]))
    return out  # target ... source


def _chaikin(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    p = np.column_stack([lon, lat])
    q = 0.75 * p[:-1] + 0.25 * p[1:]
    r = 0.25 * p[:-1] + 0.75 * p[1:]
    mid = np.empty((2 * len(q), 2))
    mid[0::2] = q
    mid[1::2] = r
    out = np.vstack([p[:1], mid[1:-1], p[-1:]])
    return out[:, 0], out[:, 1]


def _smooth_many(paths: list[tuple[NDArray[np.float64], NDArray[np.float64]]]) -> list[NDArray[np.float64]]:
    """Chaikin-smooth, simplify and densify many sea paths at once; keep the smoothest version at sea.

    Returns one ``(n, 2)`` lon/lat vertex array per path, with vertices at most
    ~0.08 deg apart. A path whose smoothed version would touch land falls back
    to less smoothing, and finally to the raw graph path (whose edges were
    checked against land when the graph was built).
    """
    n = len(paths)
    out: list[NDArray[np.float64] | None] = [None] * n
    todo = list(range(n))
    for level in (3, 2, 1, 0):
        if not todo:
            break
        lines = []
        for i in todo:  # a loop per template (a few hundred), not per point
            lon, lat = paths[i]
            for _ in range(level if len(lon) >= 3 else 0):
                lon, lat = _chaikin(lon, lat)
            lines.append(shapely.linestrings(np.column_stack([lon, lat])))
        geoms = np.asarray(lines, dtype=object)
        if level > 0:
            geoms = shapely.simplify(geoms, 0.004, preserve_topology=False)
        geoms = shapely.segmentize(geoms, 0.08)
        bad = crosses_land(geoms) if level > 0 else np.zeros(len(todo), dtype=bool)
        for i, g, b in zip(todo, geoms, bad, strict=True):
            if not b:
                out[i] = shapely.get_coordinates(g)
        todo = [i for i, b in zip(todo, bad, strict=True) if b]
    return [o for o in out if o is not None]


def sea_path(
    lon: list[float] | NDArray[np.float64], lat: list[float] | NDArray[np.float64], *, graph: SeaGraph
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return a smoothed sea path through the given waypoints [deg] (closed loops allowed).

    Consecutive waypoints are joined by shortest paths on ``graph``; the
    waypoints themselves are snapped to the nearest graph node.
    """
    nodes = [graph.snap(float(a), float(b)) for a, b in zip(lon, lat, strict=True)]
    uniq = sorted(set(nodes))
    _, pred = dijkstra(graph.matrix, indices=uniq, return_predecessors=True)
    row = {n: i for i, n in enumerate(uniq)}
    seq: list[int] = [nodes[0]]
    for a, b in itertools.pairwise(nodes):
        if a == b:
            continue
        p = _path_from_pred(pred[row[a]], b)[::-1]
        if p[0] != a:
            raise ConfigError(f"no sea path between waypoints at node {a} and {b}")
        seq.extend(p[1:])
    (coords,) = _smooth_many([(graph.lon[seq], graph.lat[seq])])
    return coords[:, 0], coords[:, 1]


@dataclass(frozen=True, eq=False)
class RouteTemplate:
    """One route (launch site -> landing site) of a corridor.

    Attributes
    ----------
    corridor_id
        ``"{departure_zone}>{arrival_zone}/{k}"``; ``k`` = 0 is the most direct corridor.
    departure_zone, arrival_zone
        Zone ids.
    launch, landing
        Place names of the launch and landing site.
    lon, lat
        Vertices [deg].
    cum_km
        Cumulative great-circle length at each vertex [km].
    nx, ny
        Unit normal (left of the direction of travel) at each vertex, in MED_CRS.
    """

    corridor_id: str
    departure_zone: str
    arrival_zone: str
    launch: str
    landing: str
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    cum_km: NDArray[np.float64]
    nx: NDArray[np.float64]
    ny: NDArray[np.float64]

    @property
    def length_km(self) -> float:
        """Route length [km]."""
        return float(self.cum_km[-1])


def _template(
    corr: str,
    dep: str,
    arr: str,
    launch: str,
    landing: str,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
) -> RouteTemplate:
    seg = haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
    cum = np.r_[0.0, np.cumsum(seg)]
    x, y = to_med_xy(lon, lat)
    tx = np.gradient(x)
    ty = np.gradient(y)
    norm = np.hypot(tx, ty)
    norm[norm == 0] = 1.0
    return RouteTemplate(corr, dep, arr, launch, landing, lon, lat, cum, -ty / norm, tx / norm)


#: Places of a zone that are *not* used as launch or landing sites (calibration.md s.5:
#: Lampedusa's arrivals land at its port; Linosa only bounds the zone).
_NOT_SITES: frozenset[str] = frozenset({"Linosa"})


def _sites(zone_id: str, graph: SeaGraph) -> list[tuple[str, int]]:
    zdef = {z.zone_id: z for z in ZONE_DEFINITIONS}
    if zone_id not in zdef:
        raise ConfigError(f"unknown zone_id {zone_id!r}; known: {sorted(zdef)}")
    out: list[tuple[str, int]] = []
    seen: set[int] = set()
    for name, plat, plon, _src in zdef[zone_id].places:
        if name in _NOT_SITES:
            continue
        node = graph.snap(plon, plat, min_coast_km=2.0)
        d = float(haversine_km(plat, plon, graph.lat[node], graph.lon[node]))
        if d > 20.0 or node in seen:
            continue
        seen.add(node)
        out.append((name, node))
    if not out:
        raise ConfigError(f"zone {zone_id!r}: no place of the zone lies within 20 km of the sea graph")
    return out


@lru_cache(maxsize=8)
def route_templates(
    od_pairs: tuple[tuple[str, str], ...],
    *,
    grid_km: float = 8.0,
    coast_penalty: float = 2.0,
    coast_scale_km: float = 12.0,
    corridor_offset_km: float = 50.0,
    max_detour: float = 1.35,
) -> tuple[RouteTemplate, ...]:
    """Build the route templates of every corridor of the given origin-destination pairs.

    Parameters
    ----------
    od_pairs
        ``(departure_zone, arrival_zone)`` pairs.
    grid_km, coast_penalty, coast_scale_km
        Sea graph parameters (see :func:`sea_graph`).
    corridor_offset_km
        Lateral distance of the waypoints that force alternative corridors [km].
    max_detour
        Longest alternative corridor, as a multiple of the direct route length [-].

    Returns
    -------
    tuple of RouteTemplate
        Sorted by corridor, launch and landing site.
    """
    g = sea_graph(grid_km, coast_penalty, coast_scale_km)
    sites = {z: _sites(z, g) for pair in od_pairs for z in pair}
    landing_nodes = sorted({n for _, a in od_pairs for _, n in sites[a]})
    pred_land = dict(
        zip(
            landing_nodes, dijkstra(g.matrix, indices=landing_nodes, return_predecessors=True)[1], strict=True
        )
    )
    waypoints = {
        (dep, arr): _corridor_waypoints(g, pred_land, sites[dep], sites[arr], corridor_offset_km, (dep, arr))
        for dep, arr in od_pairs
    }
    wp_nodes = sorted({n for v in waypoints.values() for n in v})
    pred_wp = (
        dict(zip(wp_nodes, dijkstra(g.matrix, indices=wp_nodes, return_predecessors=True)[1], strict=True))
        if wp_nodes
        else {}
    )
    raw: list[tuple[str, str, str, str, str, list[int]]] = []
    for dep, arr in od_pairs:  # a loop per origin-destination pair
        direct = _direct_paths(g, pred_land, sites[dep], sites[arr])
        variants = [direct]
        for wp in waypoints[(dep, arr)]:
            var = _via_paths(g, pred_wp[wp], sites[dep], sites[arr], direct, max_detour)
            if var:
                variants.append(var)
        for k, var in enumerate(variants):
            raw += [(f"{dep}>{arr}/{k}", dep, arr, lname, dname, p) for (lname, dname), (p, _) in var.items()]
    coords = _smooth_many([(g.lon[r[-1]], g.lat[r[-1]]) for r in raw])
    return tuple(_template(*r[:5], c[:, 0], c[:, 1]) for r, c in zip(raw, coords, strict=True))


Sites = list[tuple[str, int]]
Paths = dict[tuple[str, str], tuple[list[int], float]]


def _corridor_waypoints(
    g: SeaGraph, pred_land: dict[int, NDArray], dep: Sites, arr: Sites, offset_km: float, od: tuple[str, str]
) -> list[int]:
    """Nodes offset sideways from the middle of the direct route between representative sites."""
    ls, ds = dep[len(dep) // 2][1], arr[0][1]
    p = _path_from_pred(pred_land[ds], ls)  # ls ... ds
    if p[-1] != ds:
        raise ConfigError(f"no sea route from {od[0]!r} to {od[1]!r} on the sea graph")
    px, py = g.x[p], g.y[p]
    cum = np.r_[0.0, np.cumsum(np.hypot(np.diff(px), np.diff(py)))]
    k = min(max(int(np.searchsorted(cum, cum[-1] / 2.0)), 1), len(p) - 2)
    tx, ty = px[k + 1] - px[k - 1], py[k + 1] - py[k - 1]
    nrm = np.hypot(tx, ty) or 1.0
    out = []
    for sign in (1.0, -1.0):
        wx = px[k] - sign * ty / nrm * offset_km * 1000.0
        wy = py[k] + sign * tx / nrm * offset_km * 1000.0
        wlon, wlat = from_med_xy(np.array([wx]), np.array([wy]))
        if not is_at_sea(wlon, wlat)[0]:
            continue
        node = g.snap(float(wlon[0]), float(wlat[0]), min_coast_km=8.0)
        if float(np.hypot(g.x[node] - wx, g.y[node] - wy)) <= offset_km * 500.0:
            out.append(node)
    return out


def _direct_paths(g: SeaGraph, pred_land: dict[int, NDArray], dep: Sites, arr: Sites) -> Paths:
    out: Paths = {}
    for lname, ln in dep:
        for dname, dn in arr:
            p = _path_from_pred(pred_land[dn], ln)  # ln ... dn
            if p[-1] == dn:
                out[(lname, dname)] = (p, _len_km(g, p))
    return out


def _via_paths(g: SeaGraph, pred: NDArray, dep: Sites, arr: Sites, direct: Paths, max_detour: float) -> Paths:
    out: Paths = {}
    for lname, ln in dep:
        first = _path_from_pred(pred, ln)  # ln ... wp
        for dname, dn in arr:
            second = _path_from_pred(pred, dn)[::-1]  # wp ... dn
            p = first + second[1:]
            if p[0] != ln or p[-1] != dn or (lname, dname) not in direct:
                continue
            length = _len_km(g, p)
            if length <= max_detour * direct[(lname, dname)][1]:
                out[(lname, dname)] = (p, length)
    return out


def _len_km(g: SeaGraph, p: list[int]) -> float:
    return float(np.hypot(np.diff(g.x[p]), np.diff(g.y[p])).sum() / 1000.0)
