"""Per-voyage route geometry and vectorised AIS-style positions.

Geometry
    Each voyage follows its route template displaced sideways by a smooth
    offset ``a1 * sin(pi s) + a2 * sin(2 pi s)`` (``s`` the fraction of the
    route, ``a1, a2 ~ N(0, lateral_sd_km)``), applied along the template's
    normals in MED_CRS. Every displaced route is re-checked against land with
    :func:`medroutes.geo.crosses_land`; offending offsets are halved (up to four
    times) and finally dropped, so every segment stays at sea.

Positions
    All voyages of a chunk at once, with no Python loop per point or voyage:
    report times ``j * dt + jitter`` (per-voyage ``dt`` in the configured range),
    reporting gaps removed, distance along the route from a smooth speed profile
    ``s(t) = d * g(t / T)`` with ``g(tau) = tau + a / (2 pi k) * sin(2 pi k tau)``,
    then ``np.interp`` on one concatenated, monotone cumulative-distance axis for
    every voyage. Positions are linear in lon/lat between vertices, i.e. on the
    very segments that were checked against land.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from medroutes.geo import crosses_land, from_med_xy, haversine_km, to_med_xy
from medroutes.synthetic._seagraph import RouteTemplate

__all__ = ["VoyageGeometry", "point_at", "positions_along", "voyage_geometry"]

KN_TO_KMH = 1.852


@dataclass(frozen=True, slots=True)
class VoyageGeometry:
    """Routes of many voyages as one flat (CSR-like) vertex array.

    Attributes
    ----------
    start
        Index of each voyage's first vertex (length ``n_voyages + 1``).
    lon, lat
        Vertices [deg].
    cum_km
        Cumulative length along each voyage, restarting at 0 [km].
    length_km
        Route length per voyage [km].
    """

    start: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    cum_km: NDArray[np.float64]
    length_km: NDArray[np.float64]

    def line(self, i: int) -> NDArray[np.float64]:
        """Vertices (lon, lat) of voyage ``i``."""
        a, b = self.start[i], self.start[i + 1]
        return np.column_stack([self.lon[a:b], self.lat[a:b]])


def _segment_cum(
    lon: NDArray[np.float64], lat: NDArray[np.float64], start: NDArray[np.int64]
) -> NDArray[np.float64]:
    seg = np.zeros(len(lon))
    seg[1:] = haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
    seg[start[:-1]] = 0.0  # first vertex of each voyage
    cum = np.cumsum(seg)
    first = np.repeat(cum[start[:-1]], np.diff(start))
    return cum - first


def voyage_geometry(
    templates: tuple[RouteTemplate, ...],
    tid: NDArray[np.int64],
    *,
    lateral_sd_km: float,
    rng: np.random.Generator,
) -> VoyageGeometry:
    """Build every voyage's route from its template plus a smooth lateral offset checked against land.

    Parameters
    ----------
    templates
        Route templates.
    tid
        Template index per voyage.
    lateral_sd_km
        Standard deviation of the offset amplitudes [km].
    rng
        Random generator.

    Returns
    -------
    VoyageGeometry
    """
    n = len(tid)
    nv = np.array([len(t.lon) for t in templates], dtype=np.int64)
    tstart = np.r_[0, np.cumsum(nv)]
    t_lon = np.concatenate([t.lon for t in templates])
    t_lat = np.concatenate([t.lat for t in templates])
    t_s = np.concatenate([t.cum_km / t.cum_km[-1] for t in templates])
    t_nx = np.concatenate([t.nx for t in templates])
    t_ny = np.concatenate([t.ny for t in templates])
    t_x, t_y = to_med_xy(t_lon, t_lat)
    counts = nv[tid]
    start = np.r_[0, np.cumsum(counts)].astype(np.int64)
    vidx = np.repeat(tstart[tid], counts) + (np.arange(start[-1]) - np.repeat(start[:-1], counts))
    owner = np.repeat(np.arange(n), counts)
    s = t_s[vidx]
    amp = rng.normal(0.0, lateral_sd_km, size=(n, 2)) * 1000.0
    base_x, base_y = t_x[vidx], t_y[vidx]
    nx_, ny_ = t_nx[vidx], t_ny[vidx]
    prof1, prof2 = np.sin(np.pi * s), np.sin(2.0 * np.pi * s)
    factor = np.ones(n)
    lon = t_lon[vidx].copy()
    lat = t_lat[vidx].copy()
    todo = np.flatnonzero(np.abs(amp).sum(axis=1) > 0)
    for _attempt in range(5):  # a loop over retries, not over voyages
        if len(todo) == 0:
            break
        mask = np.isin(owner, todo)
        f = factor[owner[mask]]
        off = f * (amp[owner[mask], 0] * prof1[mask] + amp[owner[mask], 1] * prof2[mask])
        lo, la = from_med_xy(base_x[mask] + off * nx_[mask], base_y[mask] + off * ny_[mask])
        lon[mask], lat[mask] = lo, la
        lines = shapely.linestrings(np.column_stack([lo, la]), indices=np.searchsorted(todo, owner[mask]))
        bad = crosses_land(lines)
        todo = todo[bad]
        factor[todo] *= 0.5 if _attempt < 3 else 0.0
    if len(todo):  # last resort: the template itself (checked when it was built)
        mask = np.isin(owner, todo)
        lon[mask], lat[mask] = t_lon[vidx][mask], t_lat[vidx][mask]
    cum = _segment_cum(lon, lat, start)
    length = cum[start[1:] - 1]
    return VoyageGeometry(start, lon, lat, cum, length)


def point_at(
    geom: VoyageGeometry, dist_km: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Position [deg] of every voyage at the given distance along its route [km] (vectorised)."""
    key, qbase = _key(geom)
    q = np.clip(dist_km, 0.0, geom.length_km) + qbase
    return np.interp(q, key, geom.lon), np.interp(q, key, geom.lat)


def _key(geom: VoyageGeometry) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One monotone axis for all voyages: cumulative distance plus a per-voyage base [km]."""
    counts = np.diff(geom.start)
    base = np.r_[0.0, np.cumsum(geom.length_km + 1.0)][:-1]
    return geom.cum_km + np.repeat(base, counts), base


def _bearing(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the initial bearing from each vertex to the next [deg]; the last vertex copies the previous."""
    p1, p2 = np.radians(lat[:-1]), np.radians(lat[1:])
    dl = np.radians(lon[1:] - lon[:-1])
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    b = np.degrees(np.arctan2(y, x)) % 360.0
    return np.r_[b, b[-1:]] if len(b) else np.zeros(len(lon))


def positions_along(
    geom: VoyageGeometry,
    *,
    dist_km: NDArray[np.float64],
    speed_kn: NDArray[np.float64],
    t0_ns: NDArray[np.int64],
    dt_h: NDArray[np.float64],
    gap_rate_per_day: float,
    gap_h: tuple[float, float],
    rng: np.random.Generator,
) -> dict[str, NDArray]:
    """Simulate report times and positions of many voyages at once.

    Parameters
    ----------
    geom
        Routes of the voyages.
    dist_km
        Distance sailed by each voyage before its track ends [km].
    speed_kn
        Mean speed over ground of each voyage [kn].
    t0_ns
        Departure time of each voyage [ns since epoch, UTC].
    dt_h
        Mean reporting interval of each voyage [h].
    gap_rate_per_day, gap_h
        Reporting gaps per day [1/day] and their length range [h].
    rng
        Random generator.

    Returns
    -------
    dict
        ``voyage`` (index into the voyages), ``t_ns``, ``lon``, ``lat``, ``sog_kn``, ``cog_deg``.
    """
    n = len(dist_km)
    dur_h = dist_km / (speed_kn * KN_TO_KMH)
    cnt = np.floor(dur_h / dt_h).astype(np.int64) + 2
    pstart = np.r_[0, np.cumsum(cnt)]
    total = int(pstart[-1])
    owner = np.repeat(np.arange(n, dtype=np.int32), cnt)
    t = np.arange(total, dtype=np.float64)
    t -= pstart[:-1][owner]
    t += rng.uniform(-0.3, 0.3, total)
    t *= dt_h[owner]
    t[pstart[:-1]] = 0.0
    keep = t < (dur_h - 0.3 * dt_h)[owner]
    t[pstart[1:] - 1] = dur_h
    keep[pstart[1:] - 1] = True
    owner, t = owner[keep], t[keep]
    # reporting gaps: up to three windows per voyage, removed with one pass over the points
    counts = np.bincount(owner, minlength=n)
    vstart = np.r_[0, np.cumsum(counts)]
    ng = np.minimum(rng.poisson(gap_rate_per_day * dur_h / 24.0), 3)
    gs = rng.random((n, 3)) * dur_h[:, None]
    gl = rng.uniform(gap_h[0], gap_h[1], (n, 3))
    gv, gk = np.nonzero(np.arange(3)[None, :] < ng[:, None])
    if len(gv):
        span = float(dur_h.max()) + 10.0
        key = owner * span + t  # monotone: voyages in order, times increasing within each
        lo = np.searchsorted(key, gv * span + gs[gv, gk], side="right")
        hi = np.searchsorted(key, gv * span + gs[gv, gk] + gl[gv, gk], side="left")
        lo = np.maximum(lo, vstart[gv] + 1)  # never the first ...
        hi = np.minimum(hi, vstart[gv + 1] - 1)  # ... nor the last report of a voyage
        ok = lo < hi
        delta = np.zeros(len(t) + 1, dtype=np.int32)
        np.add.at(delta, lo[ok], 1)
        np.add.at(delta, hi[ok], -1)
        keep = np.cumsum(delta[:-1]) == 0
        owner, t = owner[keep], t[keep]
    m = len(t)
    tau = t / np.where(dur_h > 0, dur_h, 1.0)[owner]
    phase_w = (2.0 * np.pi) * np.maximum(1.0, np.round(dur_h / 6.0))[owner]
    amp = rng.uniform(0.05, 0.2, n)[owner]
    wt = phase_w * tau
    g = tau + amp / phase_w * np.sin(wt)
    np.clip(g, 0.0, 1.0, out=g)
    gprime = 1.0 + amp * np.cos(wt)
    # position: one binary search on the concatenated distance axis, then linear interpolation
    key_v, base = _key(geom)
    key_v = np.r_[key_v, key_v[-1] + 1.0]  # sentinel after the last vertex
    lon_v = np.r_[geom.lon, geom.lon[-1]]
    lat_v = np.r_[geom.lat, geom.lat[-1]]
    q = dist_km[owner] * g
    q += base[owner]
    i = np.searchsorted(key_v, q, side="right") - 1
    np.clip(i, 0, len(key_v) - 2, out=i)
    f = (q - key_v[i]) / (key_v[i + 1] - key_v[i])
    lon = lon_v[i] + f * (lon_v[i + 1] - lon_v[i])
    lat = lat_v[i] + f * (lat_v[i + 1] - lat_v[i])
    brg = _bearing(geom.lon, geom.lat)
    ends = geom.start[1:] - 1
    brg[ends] = brg[np.maximum(ends - 1, 0)]  # the last vertex of a voyage has no next segment
    cog = brg[i] + 2.0 * rng.standard_normal(m, dtype=np.float32)
    sog = speed_kn[owner] * gprime * np.exp(0.05 * rng.standard_normal(m, dtype=np.float32))
    t_ns = t0_ns[owner] + np.round(t * 3600.0).astype(np.int64) * 1_000_000_000
    return {"voyage": owner, "t_ns": t_ns, "lon": lon, "lat": lat, "sog_kn": sog, "cog_deg": cog}


def loop_positions(
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    t_start_ns: int,
    t_end_ns: int,
    speed_kn: float,
    interval_min: tuple[float, float],
    rng: np.random.Generator,
) -> dict[str, NDArray]:
    """Positions of a vessel patrolling a closed loop (a SAR or patrol asset), vectorised over time."""
    cum = np.r_[0.0, np.cumsum(haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:]))]
    loop_km = float(cum[-1])
    dt_h = rng.uniform(interval_min[0], interval_min[1]) / 60.0
    span_h = (t_end_ns - t_start_ns) / 3.6e12
    n = int(span_h / dt_h) + 1
    t = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * dt_h
    t[0] = 0.0
    t = np.clip(t, 0.0, span_h)
    v = speed_kn * KN_TO_KMH
    period = 24.0
    amp = 0.3
    s0 = rng.random() * loop_km
    s = (s0 + v * (t + amp * period / (2 * np.pi) * np.sin(2 * np.pi * t / period))) % loop_km
    lo = np.interp(s, cum, lon)
    la = np.interp(s, cum, lat)
    seg = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(cum) - 2)
    brg = _bearing(lon, lat)
    sog = v * (1 + amp * np.cos(2 * np.pi * t / period)) / KN_TO_KMH * np.exp(rng.normal(0, 0.05, n))
    cog = (brg[seg] + rng.normal(0.0, 2.0, n)) % 360.0
    t_ns = t_start_ns + np.round(t * 3600.0).astype(np.int64) * 1_000_000_000
    return {"t_ns": t_ns, "lon": lo, "lat": la, "sog_kn": sog, "cog_deg": cog}
