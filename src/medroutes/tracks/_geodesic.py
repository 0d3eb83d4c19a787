"""Fast WGS84 geodesic distance for the short steps between consecutive fixes."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyproj
from numpy.typing import ArrayLike, NDArray

__all__ = ["geodesic_km"]

_A = 6378137.0  # WGS84 semi-major axis [m]
_F = 1.0 / 298.257223563  # WGS84 flattening
_E2 = _F * (2.0 - _F)
#: Steps longer than this are recomputed with Karney's algorithm (pyproj) [km].
_EXACT_ABOVE_KM = 50.0


@lru_cache(maxsize=1)
def _geod() -> pyproj.Geod:
    return pyproj.Geod(ellps="WGS84")


def _short_km(
    la1: NDArray[np.float64], lo1: NDArray[np.float64], la2: NDArray[np.float64], lo2: NDArray[np.float64]
) -> NDArray[np.float64]:
    p1 = np.radians(la1)
    p2 = np.radians(la2)
    pm = p1 + p2
    pm *= 0.5
    dp = p2 - p1
    del p1, p2
    dl = lo2 - lo1
    wrap = np.abs(dl) > 180.0
    if wrap.any():  # steps across the antimeridian
        dl[wrap] = np.remainder(dl[wrap] + 540.0, 360.0) - 180.0
    np.radians(dl, out=dl)
    s = np.sin(pm)
    np.cos(pm, out=pm)
    s *= s
    s *= -_E2
    s += 1.0  # w = 1 - e2 sin^2
    n_rad = np.sqrt(s)
    np.divide(_A, n_rad, out=n_rad)  # prime vertical radius [m]
    s = np.divide(1.0 - _E2, s, out=s)
    s *= n_rad  # meridional radius [m]
    dp *= s
    n_rad *= pm
    n_rad *= dl
    dp *= dp
    n_rad *= n_rad
    dp += n_rad
    out = np.sqrt(dp, out=dp)  # sqrt(x*x + y*y) is 3x faster than np.hypot here
    out *= 1e-3
    return out


#: Points per chunk: temporaries stay small, reused and in cache.
_CHUNK = 65_536


def geodesic_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> NDArray[np.float64]:
    """Geodesic distance on the WGS84 ellipsoid [km], vectorised.

    Short steps use the ellipsoid's meridional and prime-vertical radii of
    curvature at the mid latitude (a local flat-earth approximation; relative
    error below 2e-5 for steps up to 50 km, below 1e-8 at 1 km). Longer steps,
    which are rare between consecutive fixes, are recomputed exactly with
    Karney's algorithm (:meth:`pyproj.Geod.inv`, the same quantity as geopy's
    ``geodesic`` used by MovingPandas).

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Coordinates [deg], broadcastable arrays.

    Returns
    -------
    numpy.ndarray
        Distance [km]; NaN where an input is NaN.
    """
    la1, lo1, la2, lo2 = (
        np.ascontiguousarray(a).ravel()
        for a in np.broadcast_arrays(
            np.asarray(lat1, dtype=np.float64),
            np.asarray(lon1, dtype=np.float64),
            np.asarray(lat2, dtype=np.float64),
            np.asarray(lon2, dtype=np.float64),
        )
    )
    shape = np.broadcast_shapes(np.shape(lat1), np.shape(lon1), np.shape(lat2), np.shape(lon2))
    d = np.empty(la1.shape)
    for i in range(0, len(d), _CHUNK):
        sl = slice(i, i + _CHUNK)
        d[sl] = _short_km(la1[sl], lo1[sl], la2[sl], lo2[sl])
    idx = np.flatnonzero(d > _EXACT_ABOVE_KM)
    if len(idx):
        _, _, dist_m = _geod().inv(lo1[idx], la1[idx], lo2[idx], la2[idx])
        d[idx] = np.asarray(dist_m) / 1000.0
    return d.reshape(shape)
