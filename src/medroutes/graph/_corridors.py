"""Corridors: families of voyages between the same zones that follow the same way across the sea."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClusterMixin

from medroutes.errors import ConfigError, InsufficientDataError
from medroutes.geo import AT_SEA, UNKNOWN, crosses_land, from_med_xy, is_at_sea, to_med_xy
from medroutes.tracks import Voyages

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["CorridorClustering", "chord_offsets", "identify_corridors", "resample_tracks"]

_NO_ZONE = (AT_SEA, UNKNOWN)
#: A partial voyage is assigned only if its best corridor is this much closer than the next best.
_PARTIAL_MARGIN = 0.7


def resample_tracks(voyages: Voyages, n_points: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Resample every voyage to ``n_points`` points equally spaced along its track.

    Vectorised over all voyages: positions at fractions ``0, 1/(n-1), ..., 1``
    of each voyage's sailed distance are interpolated in :data:`MED_CRS`.

    Parameters
    ----------
    voyages
        Computed voyages.
    n_points
        Points per voyage (>= 2).

    Returns
    -------
    xy : numpy.ndarray
        Shape ``(n_voyages, n_points, 2)``, projected coordinates [km], rows
        in ``voyages.table`` order.
    length : numpy.ndarray
        Sailed distance of each voyage along the projected track [km].
    """
    pts = voyages.points
    tab = voyages.table
    vid = pts["voyage_id"].to_numpy(dtype=np.int64)
    ids = tab["voyage_id"].to_numpy(dtype=np.int64)
    row = pd.Index(ids).get_indexer(vid)
    if (row < 0).any():
        raise ValueError("voyages.points has voyage_ids that are not in voyages.table")
    order = np.argsort(row, kind="stable")
    row = row[order]
    x, y = to_med_xy(pts["lon"].to_numpy()[order], pts["lat"].to_numpy()[order])
    x, y = x / 1000.0, y / 1000.0
    n = len(row)
    nv = len(ids)
    start = np.searchsorted(row, np.arange(nv))
    end = np.searchsorted(row, np.arange(nv), side="right")
    step = np.zeros(n)
    if n > 1:
        step[1:] = np.hypot(np.diff(x), np.diff(y))
    step[start[start < n]] = 0.0
    cum = np.cumsum(step)
    base = cum[np.minimum(start, n - 1)] if n else np.zeros(nv)
    within = cum - np.repeat(base, end - start)
    length = np.zeros(nv)
    has = end > start
    length[has] = within[end[has] - 1]
    frac = np.divide(
        within, np.repeat(length, end - start), out=np.zeros(n), where=np.repeat(length, end - start) > 0
    )
    g = 2.0 * row + frac  # monotone across voyages
    f = np.linspace(0.0, 1.0, n_points)
    q = (2.0 * np.arange(nv)[:, None] + f[None, :]).ravel()
    i = np.searchsorted(g, q, side="right") - 1
    lo = np.repeat(start, n_points)
    hi = np.repeat(np.maximum(end - 1, start), n_points)
    i = np.clip(i, lo, np.maximum(hi - 1, lo))
    j = np.minimum(i + 1, hi)
    dg = g[j] - g[i]
    w = np.divide(q - g[i], dg, out=np.zeros_like(q), where=dg > 0)
    w = np.clip(w, 0.0, 1.0)
    xi = x[i] + w * (x[j] - x[i])
    yi = y[i] + w * (y[j] - y[i])
    return np.stack([xi, yi], axis=-1).reshape(nv, n_points, 2), length


def chord_offsets(xy: NDArray[np.float64]) -> NDArray[np.float64]:
    """Signed lateral offset of each resampled point from its voyage's own start-end chord [km].

    Positive to the left of the direction of travel. The profile describes
    how a voyage crosses the sea (straight, bending one way or the other)
    independently of where along its departure and arrival coasts it starts
    and ends.

    Parameters
    ----------
    xy
        ``(n_voyages, n_points, 2)`` projected tracks [km].

    Returns
    -------
    numpy.ndarray
        ``(n_voyages, n_points)`` offsets [km]; zeros for a voyage that ends
        where it started.
    """
    a = xy[:, 0, :]
    chord = xy[:, -1, :] - a
    ln = np.linalg.norm(chord, axis=1)
    u = np.divide(chord, ln[:, None], out=np.zeros_like(chord), where=ln[:, None] > 1e-9)
    nrm = np.stack([-u[:, 1], u[:, 0]], axis=1)
    return np.einsum("mkd,md->mk", xy - a[:, None, :], nrm)


def _to_lonlat(xy_km: NDArray[np.float64]) -> NDArray[np.float64]:
    lon, lat = from_med_xy(xy_km[..., 0] * 1000.0, xy_km[..., 1] * 1000.0)
    return np.stack([lon, lat], axis=-1)


def _resample_line(xy: NDArray[np.float64], upto_km: float, n: int) -> NDArray[np.float64]:
    seg = np.hypot(*np.diff(xy, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    d = np.linspace(0.0, min(upto_km, cum[-1]), n)
    return np.column_stack([np.interp(d, cum, xy[:, 0]), np.interp(d, cum, xy[:, 1])])


def _sea_line(lonlat: NDArray[np.float64], fallback: NDArray[np.float64]) -> NDArray[np.float64]:
    """Keep a corridor centreline at sea: land vertices from ``fallback``, then route crossings."""
    from medroutes.graph._sea import nearest_sea_point, sea_grid

    ll = lonlat.copy()
    land = ~is_at_sea(ll[:, 0], ll[:, 1])
    ll[land] = fallback[land]
    for k in np.flatnonzero(~is_at_sea(ll[:, 0], ll[:, 1])):
        ll[k] = nearest_sea_point(ll[k, 0], ll[k, 1])
    segs = shapely.linestrings(np.stack([ll[:-1], ll[1:]], axis=1))
    cross = crosses_land(segs)
    if not cross.any():
        return ll
    grid = sea_grid(5)
    parts = [ll[:1]]
    for j in range(len(ll) - 1):
        if cross[j]:
            r = grid.route(ll[j, 0], ll[j, 1], ll[j + 1, 0], ll[j + 1, 1])
            parts.append(r[1:])
        else:
            parts.append(ll[j + 1 : j + 2])
    return np.vstack(parts)


class CorridorClustering(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Cluster voyages into corridors (route families) between zones.

    For every origin-destination pair of zones, each voyage is resampled to
    ``n_points`` points equally spaced along its track (projected to
    :data:`medroutes.geo.MED_CRS`) and described by its lateral offset
    profile: the signed distance of each point from the voyage's own
    start-end chord (:func:`chord_offsets`). Departure and arrival zones are
    coastal bands up to 200 km long, so where along them a boat leaves or
    lands is not what makes a corridor; whether it crosses straight or bends
    one way or the other around islands and patrol areas is. Voyages are
    merged by agglomerative clustering with average linkage while the mean
    root-mean-square difference of their profiles stays below
    ``distance_km``. Clusters with fewer than ``min_voyages`` voyages are
    noise (label -1, counted in ``n_noise_``). Voyages that start in a zone
    but end at sea (rescued, intercepted, lost, or a track that stops) are
    then assigned to the corridor from the same origin whose offset profile
    they follow, if they covered at least ``partial_fraction`` of its
    length (corridors part from each other out at sea: a boat stopped near
    its departure coast says nothing about where it was heading), are
    within ``distance_km`` of it and clearly (30 %) closer to it than to any
    other corridor; otherwise they stay noise.

    Parameters
    ----------
    n_points
        Points per resampled track (>= 4). 20 resolves the bends of a
        Mediterranean crossing; more costs time without changing clusters.
    distance_km
        Average-linkage merge threshold: the RMS difference between offset
        profiles below which voyages belong to one corridor [km]. 20 km
        keeps a voyage's own wander (a few km to 15 km) inside its corridor
        and separates routes that bend 40-50 km apart, the smallest
        separation of distinct corridors in the Central Mediterranean
        scenarios.
    min_voyages
        Smallest corridor; smaller clusters are noise.
    band_quantiles
        Lower and upper quantiles of the lateral offsets from the centreline
        that bound the corridor band (default 10th and 90th percentile).
    partial_fraction
        Smallest share of a corridor's length that a voyage ending at sea
        must have covered to be assigned to it; ``None`` never assigns them.
    max_voyages_per_od
        Above this many voyages in one origin-destination pair, a random
        subsample (drawn with ``seed``) is clustered and the rest are
        assigned to the nearest corridor centreline (memory stays
        O(max_voyages_per_od**2)).
    seed
        Seed or generator for that subsample; same seed, same result.

    Attributes
    ----------
    labels_ : numpy.ndarray of int64
        Corridor id of each voyage (rows of ``voyages.table``), -1 for noise.
    voyage_labels_ : pandas.Series
        The same, indexed by ``voyage_id``.
    corridors_ : geopandas.GeoDataFrame
        One row per corridor: ``corridor_id, origin_zone, destination_zone,
        n_voyages`` (complete + partial), ``n_complete, n_partial, share``
        (of all voyages fitted), ``od_share`` (of the complete voyages of its
        zone pair), ``median_duration_h`` (complete voyages), ``length_km``,
        ``spread_km`` (median lateral half-width of the band), the
        ``centreline`` (active geometry, LineString at sea, EPSG:4326) and
        the ``band`` polygon (land removed).
    n_noise_ : int
        Voyages labelled -1.

    See Also
    --------
    identify_corridors : function twin.

    Examples
    --------
    >>> cc = mr.graph.CorridorClustering(distance_km=25).fit(voy)  # doctest: +SKIP
    >>> cc.corridors_[["origin_zone", "destination_zone", "n_voyages", "share"]]  # doctest: +SKIP
    """

    #: Declared parameter limits: (type, lower bound inclusive, upper bound inclusive).
    _parameter_constraints: ClassVar[dict[str, tuple[Any, float | None, float | None]]] = {
        "n_points": (int, 4, 500),
        "distance_km": (float, 1e-6, None),
        "min_voyages": (int, 1, None),
        "max_voyages_per_od": (int, 10, None),
        "partial_fraction": (float, 0.0, 1.0),
    }

    def __init__(
        self,
        *,
        n_points: int = 20,
        distance_km: float = 20.0,
        min_voyages: int = 5,
        band_quantiles: tuple[float, float] = (0.1, 0.9),
        partial_fraction: float | None = 0.5,
        max_voyages_per_od: int = 3000,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        self.n_points = n_points
        self.distance_km = distance_km
        self.min_voyages = min_voyages
        self.band_quantiles = band_quantiles
        self.partial_fraction = partial_fraction
        self.max_voyages_per_od = max_voyages_per_od
        self.seed = seed

    def _check_params(self) -> None:
        for name, (typ, lo, hi) in self._parameter_constraints.items():
            v = getattr(self, name)
            if v is None and name == "partial_fraction":
                continue
            ok_type = (
                isinstance(v, bool)
                if typ is bool
                else (
                    isinstance(v, (int, float))
                    and not isinstance(v, bool)
                    and (typ is float or float(v).is_integer())
                )
            )
            if not ok_type or (lo is not None and v < lo) or (hi is not None and v > hi):
                lim = f" in [{lo}, {hi if hi is not None else 'inf'}]" if typ is not bool else ""
                raise ConfigError(f"CorridorClustering: {name} must be {typ.__name__}{lim}, got {v!r}")
        q = self.band_quantiles
        if not (isinstance(q, (tuple, list)) and len(q) == 2 and 0 <= q[0] < q[1] <= 1):
            raise ConfigError(
                f"CorridorClustering: band_quantiles must be (low, high) with 0 <= low < high <= 1, got {q!r}"
            )

    def fit(self, X: Voyages, y: None = None) -> CorridorClustering:
        """Find the corridors of the voyages ``X``.

        Parameters
        ----------
        X
            :class:`~medroutes.tracks.Voyages` (computed or dask-backed).
        y
            Ignored.

        Returns
        -------
        CorridorClustering
            ``self``, fitted.
        """
        self._check_params()
        if not isinstance(X, Voyages):
            raise TypeError(
                f"fit expects Voyages from medroutes.tracks.split_voyages, got {type(X).__name__}"
            )
        voy = X.compute()
        tab = voy.table
        if len(tab) == 0:
            raise InsufficientDataError("no voyages to cluster")
        rng = np.random.default_rng(self.seed)
        k = int(self.n_points)
        xy, length = resample_tracks(voy, k)
        # Euclidean distance between feature rows = RMS difference of the lateral offset profiles [km]
        feats = chord_offsets(xy) / np.sqrt(k)
        dep = tab["departure_zone"].astype(str).to_numpy()
        arr = tab["arrival_zone"].astype(str).to_numpy()
        complete = ~np.isin(dep, _NO_ZONE) & ~np.isin(arr, _NO_ZONE)
        labels = np.full(len(tab), -1, dtype=np.int64)
        clusters: list[tuple[str, str, NDArray[np.intp]]] = []
        od = pd.DataFrame({"dep": dep, "arr": arr})[complete]
        for (d, a), grp in od.groupby(["dep", "arr"], sort=True):
            idx = grp.index.to_numpy()
            for members in self._cluster_pair(feats, idx, rng):
                clusters.append((str(d), str(a), members))
        # corridor ids: by origin, destination, then size
        clusters.sort(key=lambda c: (c[0], c[1], -len(c[2]), int(c[2].min())))
        for cid, (_, _, members) in enumerate(clusters):
            labels[members] = cid
        centre_xy = [np.median(xy[m], axis=0) for _, _, m in clusters]
        partial = np.zeros(len(tab), dtype=bool)
        if self.partial_fraction is not None and clusters:
            cand = np.flatnonzero(~complete & ~np.isin(dep, _NO_ZONE))
            partial = self._assign_partial(xy, length, dep, cand, clusters, labels)
        self.labels_ = labels
        self.voyage_labels_ = pd.Series(
            labels, index=pd.Index(tab["voyage_id"].to_numpy(), name="voyage_id"), name="corridor_id"
        )
        self.n_noise_ = int((labels < 0).sum())
        self.corridors_ = self._describe(voy, xy, clusters, centre_xy, labels, partial, complete)
        self.n_features_in_ = 2 * k
        return self

    def _cluster_pair(
        self, feats: NDArray[np.float64], idx: NDArray[np.intp], rng: np.random.Generator
    ) -> list[NDArray[np.intp]]:
        from sklearn.cluster import AgglomerativeClustering

        m = int(self.min_voyages)
        if len(idx) < max(m, 2):
            return [idx] if len(idx) >= m else []
        sample = idx
        if len(idx) > self.max_voyages_per_od:
            sample = np.sort(rng.choice(idx, size=int(self.max_voyages_per_od), replace=False))
        model = AgglomerativeClustering(
            n_clusters=None, distance_threshold=float(self.distance_km), linkage="average"
        )
        lab = model.fit_predict(feats[sample])
        groups = [sample[lab == c] for c in np.unique(lab)]
        groups = [g for g in groups if len(g) >= m]
        if len(sample) < len(idx) and groups:
            rest = np.setdiff1d(idx, sample)
            cents = np.stack([feats[g].mean(axis=0) for g in groups])
            d = np.linalg.norm(feats[rest][:, None, :] - cents[None, :, :], axis=2)
            best = d.argmin(axis=1)
            ok = d[np.arange(len(rest)), best] <= self.distance_km
            groups = [np.sort(np.concatenate([g, rest[ok & (best == i)]])) for i, g in enumerate(groups)]
        return groups

    def _assign_partial(
        self,
        xy: NDArray[np.float64],
        length: NDArray[np.float64],
        dep: NDArray[Any],
        cand: NDArray[np.intp],
        clusters: list[tuple[str, str, NDArray[np.intp]]],
        labels: NDArray[np.int64],
    ) -> NDArray[np.bool_]:
        """Give voyages that end at sea the corridor whose offset profile their track follows.

        For each corridor from the voyage's origin: the corridor's median
        offset profile (members' chord offsets), its median length and median
        end point. The voyage's offsets are measured from the line between
        its start and that end point, at the fractions of the corridor length
        it covered, and compared (RMS) with the profile. A voyage is assigned
        when it covered at least ``partial_fraction`` of the corridor, the RMS
        is within ``distance_km`` and clearly (30 %) below that of the next
        corridor.
        """
        partial = np.zeros(len(labels), dtype=bool)
        k = xy.shape[1]
        f = np.linspace(0.0, 1.0, k)
        offs = chord_offsets(xy)
        refs = []
        for cid, (o, _, m) in enumerate(clusters):
            refs.append(
                (
                    cid,
                    o,
                    np.median(offs[m], axis=0),
                    float(np.median(length[m])),
                    np.median(xy[m, -1, :], axis=0),
                )
            )
        for v in cand:
            dists = []
            for cid, o, prof, lc, end in refs:
                if o != dep[v] or lc <= 0:
                    continue
                cover = float(length[v]) / lc
                start = xy[v, 0]
                chord = end - start
                ln = float(np.hypot(*chord))
                if cover < float(self.partial_fraction or 0.0) or ln <= 0:
                    continue
                nrm = np.array([-chord[1], chord[0]]) / ln
                mine = (xy[v] - start) @ nrm
                ref = np.interp(np.clip(f * cover, 0.0, 1.0), f, prof)
                dists.append((float(np.sqrt(np.mean((mine - ref) ** 2))), cid))
            if not dists:
                continue
            dists.sort()
            best_d, best = dists[0]
            clear = len(dists) == 1 or best_d <= _PARTIAL_MARGIN * dists[1][0]
            if best_d <= self.distance_km and clear:
                labels[v] = best
                partial[v] = True
        return partial

    def _describe(
        self,
        voy: Voyages,
        xy: NDArray[np.float64],
        clusters: list[tuple[str, str, NDArray[np.intp]]],
        centre_xy: list[NDArray[np.float64]],
        labels: NDArray[np.int64],
        partial: NDArray[np.bool_],
        complete: NDArray[np.bool_],
    ) -> gpd.GeoDataFrame:
        import geopandas as gpd

        from medroutes.geo import land

        tab = voy.table
        n_total = len(tab)
        lo_q, hi_q = self.band_quantiles
        land_geoms = np.asarray(land().geometry.to_numpy(), dtype=object)
        land_tree = shapely.STRtree(land_geoms)
        od_counts = pd.Series(
            1, index=pd.MultiIndex.from_arrays([tab["departure_zone"], tab["arrival_zone"]])
        )
        od_counts = od_counts[complete].groupby(level=[0, 1]).sum()
        rows = []
        lines = []
        bands = []
        for cid, (o, d, members) in enumerate(clusters):
            c = centre_xy[cid]
            # lateral offsets of every member from the centreline, per station
            t = np.gradient(c, axis=0)
            t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-9)
            nrm = np.column_stack([-t[:, 1], t[:, 0]])
            off = np.einsum("mkd,kd->mk", xy[members] - c[None], nrm)
            ql = np.quantile(off, lo_q, axis=0)
            qh = np.quantile(off, hi_q, axis=0)
            left = c + nrm * qh[:, None]
            right = c + nrm * ql[:, None]
            ring = np.vstack([left, right[::-1], left[:1]])
            band = shapely.make_valid(shapely.polygons(_to_lonlat(ring)))
            hits = land_tree.query(band, predicate="intersects")
            if len(hits):
                band = shapely.difference(band, shapely.union_all(land_geoms[hits]))
            medoid = members[np.argmin(np.sum((xy[members] - c[None]) ** 2, axis=(1, 2)))]
            line = _sea_line(_to_lonlat(c), _to_lonlat(xy[medoid]))
            lines.append(shapely.linestrings(line))
            bands.append(band)
            all_m = np.flatnonzero(labels == cid)
            comp = all_m[~partial[all_m]]
            dur = tab["duration_h"].to_numpy()[comp]
            rows.append(
                {
                    "corridor_id": cid,
                    "origin_zone": o,
                    "destination_zone": d,
                    "n_voyages": len(all_m),
                    "n_complete": len(comp),
                    "n_partial": int(partial[all_m].sum()),
                    "share": len(all_m) / n_total,
                    "od_share": len(comp) / int(od_counts.get((o, d), len(comp)) or 1),
                    "median_duration_h": float(np.median(dur)) if len(dur) else float("nan"),
                    "length_km": float(np.sum(np.hypot(*np.diff(c, axis=0).T))),
                    "spread_km": float(np.median((qh - ql) / 2.0)),
                }
            )
        cols = [
            "corridor_id",
            "origin_zone",
            "destination_zone",
            "n_voyages",
            "n_complete",
            "n_partial",
            "share",
            "od_share",
            "median_duration_h",
            "length_km",
            "spread_km",
        ]
        df = pd.DataFrame(rows, columns=cols)
        gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(lines, crs=4326), crs=4326)
        gdf = gdf.rename_geometry("centreline")
        gdf["band"] = gpd.GeoSeries(bands, crs=4326)
        return gdf


def identify_corridors(voyages: Voyages, **params: Any) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """Fit a :class:`CorridorClustering` and return its corridors and labels (function twin).

    Parameters
    ----------
    voyages
        :class:`~medroutes.tracks.Voyages`.
    **params
        Keyword parameters of :class:`CorridorClustering`.

    Returns
    -------
    corridors : geopandas.GeoDataFrame
        ``CorridorClustering.corridors_``.
    labels : pandas.Series
        Corridor id per ``voyage_id`` (-1: noise).
    """
    cc = CorridorClustering(**params).fit(voyages)
    return cc.corridors_, cc.voyage_labels_
