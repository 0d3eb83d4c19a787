"""The projected CRS medroutes uses for distances and areas in the Mediterranean.

``MED_CRS`` is a Lambert azimuthal equal-area projection centred at 35 N, 18 E
(between Libya, Sicily and Greece) on the WGS84 datum, in metres. Equal-area
keeps cell areas and densities comparable across the basin; at the basin's
edges (Gibraltar, 2,200 km away; the Levant, 1,500 km away) scale distortion
stays under about 3 %, and under 1 % within 1,000 km of the centre, which is
all of the Central Mediterranean. EPSG:3035 (LAEA Europe) is centred at 52 N,
10 E and its area of use stops at the European coast, so North-African
departure coasts fall outside it; Web Mercator (EPSG:3857) inflates distances
by 20-25 % at these latitudes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyproj
from numpy.typing import ArrayLike, NDArray
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import LambertAzimuthalEqualAreaConversion

__all__ = ["MED_CRS", "MED_CRS_PROJ4", "from_med_xy", "to_med_xy"]

#: PROJ string of the Mediterranean equal-area CRS [m].
MED_CRS_PROJ4 = "+proj=laea +lat_0=35 +lon_0=18 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"

#: The Mediterranean equal-area CRS as a :class:`pyproj.CRS` (named, so it shows in GeoPackage/GeoJSON metadata).
MED_CRS: pyproj.CRS = ProjectedCRS(
    conversion=LambertAzimuthalEqualAreaConversion(
        latitude_natural_origin=35.0, longitude_natural_origin=18.0
    ),
    name="medroutes Mediterranean LAEA (35N 18E)",
)


@lru_cache(maxsize=1)
def _fwd() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", MED_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _inv() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(MED_CRS, "EPSG:4326", always_xy=True)


def to_med_xy(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project lon/lat [deg] to :data:`MED_CRS` x/y [m]."""
    x, y = _fwd().transform(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return np.asarray(x), np.asarray(y)


def from_med_xy(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Unproject :data:`MED_CRS` x/y [m] to lon/lat [deg]."""
    lon, lat = _inv().transform(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return np.asarray(lon), np.asarray(lat)
