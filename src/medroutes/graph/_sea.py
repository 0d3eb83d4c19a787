"""Keep the route graph at sea: sea cells, node points, sea-only grid paths and edge geometries."""

from __future__ import annotations

import heapq
import itertools
import math
from functools import lru_cache

import numpy as np
import shapely
from h3.api import basic_int as h3i
from numpy.typing import NDArray

from medroutes.geo import crosses_land, is_at_sea

__all__ = ["SeaGrid", "sea_grid"]

#: Give up a sea-only search after expanding this many cells (the gap is then filled along
#: the straight grid path and counted in ``G.graph["n_fill_over_land"]``).
MAX_EXPANSIONS = 60_000
#: Expansion limit of one sea-routing search for an edge geometry.
ROUTE_EXPANSIONS = 20_000
#: Finest resolution used to route an edge geometry around land.
MAX_ROUTE_RES = 10


@lru_cache(maxsize=1)
def _land_index() -> tuple[shapely.STRtree, NDArray[np.object_]]:
    from medroutes.geo import land

    geoms = np.asarray(land().geometry.to_numpy(), dtype=object)
    shapely.prepare(geoms)
    return shapely.STRtree(geoms), geoms


class SeaGrid:
    """Cached sea tests and sea-only paths on one H3 resolution.

    A *sea cell* is a cell whose centre is at sea (package land polygons).
    Cells visited by a voyage are always graph nodes; their node point is the
    cell centre, or, when the centre is on land (a coastal cell), a point of
    the cell's sea part.
    """

    def __init__(self, res: int) -> None:
        self.res = int(res)
        self._sea: dict[int, bool] = {}
        self._paths: dict[tuple[int, int], tuple[NDArray[np.uint64], bool]] = {}
        self._points: dict[int, tuple[float, float, bool]] = {}
        self._routes: dict[tuple[float, float, float, float], NDArray[np.float64]] = {}
        self.spacing_km = float(h3i.average_hexagon_edge_length(self.res, unit="km")) * np.sqrt(3.0)

    # ------------------------------------------------------------------ sea cells
    def is_sea(self, cells: NDArray[np.uint64]) -> NDArray[np.bool_]:
        """Whether each cell's centre is at sea (cached)."""
        cells = np.asarray(cells, dtype=np.uint64)
        out = np.zeros(len(cells), dtype=bool)
        todo = [i for i, c in enumerate(cells.tolist()) if c not in self._sea]
        if todo:
            new = cells[todo]
            ll = np.array([h3i.cell_to_latlng(int(c)) for c in new.tolist()]).reshape(-1, 2)
            sea = is_at_sea(ll[:, 1], ll[:, 0])
            self._sea.update(zip(new.tolist(), sea.tolist(), strict=True))
        for i, c in enumerate(cells.tolist()):
            out[i] = self._sea[c]
        return out

    def node_points(
        self, cells: NDArray[np.uint64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """Node point (lon, lat) [deg] of each cell, and whether the cell centre is on land.

        The centre when it is at sea; otherwise a point inside the cell's sea
        part (its centroid when that lies in it, else a point on its surface);
        a cell entirely on land keeps its centre.
        """
        cells = np.asarray(cells, dtype=np.uint64)
        known = [self._points.get(c) for c in cells.tolist()]
        if all(k is not None for k in known):
            arr = np.array(known, dtype=np.float64).reshape(-1, 3)
            return arr[:, 0], arr[:, 1], arr[:, 2].astype(bool)
        lon, lat, land = self._node_points(cells)
        self._points.update(
            zip(cells.tolist(), zip(lon.tolist(), lat.tolist(), land.tolist(), strict=True), strict=True)
        )
        return lon, lat, land

    def _node_points(
        self, cells: NDArray[np.uint64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        ll = np.array([h3i.cell_to_latlng(int(c)) for c in cells.tolist()]).reshape(-1, 2)
        lat, lon = ll[:, 0].copy(), ll[:, 1].copy()
        sea = is_at_sea(lon, lat)
        self._sea.update(zip(cells.tolist(), sea.tolist(), strict=True))
        land_idx = np.flatnonzero(~sea)
        if len(land_idx):
            polys = shapely.polygons(
                [[(p[1], p[0]) for p in h3i.cell_to_boundary(int(cells[i]))] for i in land_idx]
            )
            tree, geoms = _land_index()
            pi, gi = tree.query(polys, predicate="intersects")
            for k in range(len(land_idx)):
                hit = gi[pi == k]
                if len(hit) == 0:
                    continue
                near = shapely.clip_by_rect(geoms[hit], *shapely.bounds(polys[k]))
                seapart = shapely.difference(polys[k], shapely.union_all(near))
                if shapely.is_empty(seapart) or shapely.area(seapart) < 1e-10:
                    continue
                pt = shapely.centroid(seapart)
                if not shapely.contains(seapart, pt):
                    pt = shapely.point_on_surface(seapart)
                x, y = shapely.get_x(pt), shapely.get_y(pt)
                if bool(is_at_sea(np.array([x]), np.array([y]))[0]):
                    lon[land_idx[k]], lat[land_idx[k]] = x, y
        return lon, lat, ~sea

    # ------------------------------------------------------------------ gap filling
    def fill(self, a: int, b: int) -> tuple[NDArray[np.uint64], bool]:
        """Cells strictly between non-neighbouring cells ``a`` and ``b`` (cached).

        The straight H3 grid path when all its intermediate cells are sea
        cells; otherwise the shortest path through sea cells (A*). Returns
        ``(cells, at_sea)``; ``at_sea`` is False when no sea path was found and
        the straight grid path was used.
        """
        key = (a, b)
        hit = self._paths.get(key)
        if hit is not None:
            return hit
        straight: list[int] | None
        try:
            straight = h3i.grid_path_cells(a, b)
        except Exception:
            straight = None
        result: tuple[NDArray[np.uint64], bool]
        if straight is not None:
            inner = np.asarray(straight[1:-1], dtype=np.uint64)
            if len(inner) == 0 or self.is_sea(inner).all():
                result = (inner, True)
                self._paths[key] = result
                return result
        path = self._astar(a, b)
        if path is not None:
            result = (np.asarray(path[1:-1], dtype=np.uint64), True)
        elif straight is not None:
            result = (np.asarray(straight[1:-1], dtype=np.uint64), False)
        else:
            result = (np.zeros(0, dtype=np.uint64), False)
        self._paths[key] = result
        return result

    def _sea_known(self, cells: list[int]) -> list[bool]:
        unknown = [c for c in cells if c not in self._sea]
        if unknown:
            # test a whole neighbourhood at once: searches come back here, and one vectorised
            # call for 19 cells costs about what one call for a single cell does
            batch = {n for c in unknown for n in h3i.grid_disk(c, 2)}
            self.is_sea(np.fromiter(batch, dtype=np.uint64, count=len(batch)))
        return [self._sea[c] for c in cells]

    def _astar(
        self,
        a: int,
        b: int,
        *,
        clear_segments: bool = False,
        a_pt: tuple[float, float] | None = None,
        b_pt: tuple[float, float] | None = None,
        max_expansions: int = MAX_EXPANSIONS,
    ) -> list[int] | None:
        """Shortest path in cell steps from a to b through sea cells (a and b themselves are allowed).

        The search stays inside an ellipse around a and b (detours up to
        twice the direct distance plus four cells). With ``clear_segments``, a
        step is allowed only when the straight line between the two cell
        centres does not touch land either; ``a_pt`` / ``b_pt`` (lat, lon)
        replace the centres of ``a`` and ``b`` in that test (the true end
        points of a route).
        """
        spacing = self.spacing_km * 1.02  # a slight over-estimate keeps the heuristic admissible
        ll = h3i.cell_to_latlng
        alat, alon = a_pt if a_pt is not None else ll(a)
        blat, blon = b_pt if b_pt is not None else ll(b)
        direct = _gc_km(alat, alon, blat, blon)
        budget = 2.0 * direct + 4.0 * self.spacing_km
        counter = itertools.count()
        openq: list[tuple[float, int, int, int]] = [(direct / spacing, next(counter), 0, a)]
        came: dict[int, int] = {a: a}
        cost: dict[int, int] = {a: 0}
        expanded = 0
        while openq:
            _, _, g, c = heapq.heappop(openq)
            if c == b:
                path = [c]
                while c != a:
                    c = came[c]
                    path.append(c)
                return path[::-1]
            if g > cost.get(c, 1 << 30):
                continue
            expanded += 1
            if expanded > max_expansions:
                return None
            nbrs = []
            for n in h3i.grid_disk(c, 1):
                if n == c or g + 1 >= cost.get(n, 1 << 30):
                    continue
                nlat, nlon = (blat, blon) if n == b else ll(n)
                if _gc_km(alat, alon, nlat, nlon) + _gc_km(nlat, nlon, blat, blon) > budget:
                    continue
                nbrs.append((n, nlat, nlon))
            if not nbrs:
                continue
            ok = self._sea_known([n for n, _, _ in nbrs])
            ok = [o or n == b for o, (n, _, _) in zip(ok, nbrs, strict=True)]
            if clear_segments and any(ok):
                clat, clon = (alat, alon) if c == a else ll(c)
                segs = shapely.linestrings([[(clon, clat), (nlon, nlat)] for n, nlat, nlon in nbrs])
                cross = crosses_land(segs)
                ok = [o and not x for o, x in zip(ok, cross.tolist(), strict=True)]
            for (n, nlat, nlon), good in zip(nbrs, ok, strict=True):
                if not good:
                    continue
                cost[n] = g + 1
                came[n] = c
                heapq.heappush(
                    openq, (g + 1 + _gc_km(nlat, nlon, blat, blon) / spacing, next(counter), g + 1, n)
                )
        return None

    # ------------------------------------------------------------------ edge geometry
    def route(self, lon_a: float, lat_a: float, lon_b: float, lat_b: float) -> NDArray[np.float64]:
        """Return a polyline (lon, lat rows) from a to b that avoids land where it can.

        The straight segment when it does not touch land; otherwise a sea-only
        path over finer H3 cells (``res + 1`` down to :data:`MAX_ROUTE_RES`),
        simplified by keeping only the vertices needed to stay off land.
        Tries up to four resolutions finer than the grid, at most
        ``ROUTE_EXPANSIONS`` cells each; returns the best line found.
        """
        key = (float(lon_a), float(lat_a), float(lon_b), float(lat_b))
        hit = self._routes.get(key)
        if hit is None:
            hit = self._route(*key)
            self._routes[key] = hit
        return hit.copy()

    def _route(self, lon_a: float, lat_a: float, lon_b: float, lat_b: float) -> NDArray[np.float64]:
        straight = np.array([[lon_a, lat_a], [lon_b, lat_b]])
        if not crosses_land([shapely.linestrings(straight)])[0]:
            return straight
        if not is_at_sea(straight[:, 0], straight[:, 1]).all():
            return straight  # an end on land cannot be reached at sea
        best = straight
        for r in range(min(self.res + 1, MAX_ROUTE_RES), min(self.res + 4, MAX_ROUTE_RES) + 1):
            fine = sea_grid(r)
            ca = h3i.latlng_to_cell(lat_a, lon_a, r)
            cb = h3i.latlng_to_cell(lat_b, lon_b, r)
            if ca == cb:
                continue
            path = fine._astar(
                ca,
                cb,
                clear_segments=True,
                a_pt=(lat_a, lon_a),
                b_pt=(lat_b, lon_b),
                max_expansions=ROUTE_EXPANSIONS,
            )
            if path is None:
                continue
            mids = np.array([h3i.cell_to_latlng(c)[::-1] for c in path[1:-1]]).reshape(-1, 2)
            verts = np.vstack([straight[:1], mids, straight[1:]])
            coords = _string_pull(verts)
            if not crosses_land([shapely.linestrings(coords)])[0]:
                return coords
            best = coords
        return best


def nearest_sea_point(lon: float, lat: float, *, max_km: float = 30.0) -> tuple[float, float]:
    """Return the point when at sea, else the closest sea point on rings around it (lon, lat)."""
    if bool(is_at_sea(np.array([lon]), np.array([lat]))[0]):
        return lon, lat
    ang = np.linspace(0.0, 2.0 * np.pi, 32, endpoint=False)
    for r in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, max_km):
        dlat = r / 111.2 * np.sin(ang)
        dlon = r / (111.2 * max(math.cos(math.radians(lat)), 1e-6)) * np.cos(ang)
        cx, cy = lon + dlon, lat + dlat
        ok = np.flatnonzero(is_at_sea(cx, cy))
        if len(ok):
            return float(cx[ok[0]]), float(cy[ok[0]])
    return lon, lat


def _gc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance of scalars [km] (haversine, pure Python: no numpy overhead)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2.0 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _string_pull(verts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Drop vertices while the polyline stays off land (greedy farthest visible vertex)."""
    keep = [0]
    i = 0
    m = len(verts) - 1
    while i < m:
        cand = np.arange(i + 1, m + 1)
        segs = shapely.linestrings(
            np.stack([np.repeat(verts[i : i + 1], len(cand), axis=0), verts[cand]], axis=1)
        )
        ok = ~crosses_land(segs)
        visible = cand[ok]
        j = int(visible.max()) if len(visible) else i + 1
        keep.append(j)
        i = j
    return verts[keep]


@lru_cache(maxsize=16)
def sea_grid(res: int) -> SeaGrid:
    """Return the shared, cached :class:`SeaGrid` of one resolution."""
    return SeaGrid(res)
