"""Departure zones, arrival zones and search-and-rescue regions of the Central Mediterranean.

Departure and arrival zones are coastal bands: the sea (and coast) within
``buffer_km`` of a polyline through the towns and ports named in each zone's
definition. Coordinates come from ``calibration.md`` section 5 (Wikipedia town
coordinates, port pages, IOM Missing Migrants Project locations) and, for
places it does not list, from Wikipedia town coordinates (marked ``W*``).

SAR regions are the approximate boundary lines of the IMO GISIS search-and-
rescue regions summarised in ``calibration.md`` section 6, closed along
approximate outer edges and with land removed. They overlap (Italy and Malta
around Lampedusa, as the real regions do) and are not maritime borders.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray

from medroutes.errors import ConfigError
from medroutes.geo._crs import from_med_xy, to_med_xy

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "AT_SEA",
    "SAR_DEFINITIONS",
    "UNKNOWN",
    "ZONE_DEFINITIONS",
    "ZoneDef",
    "arrival_zones",
    "assign_zone",
    "departure_zones",
    "sar_regions",
    "zone_centroids",
    "zones",
]

#: Label of a voyage end that is in no zone.
AT_SEA = "at sea"
#: Label of a voyage end whose position is unknown.
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ZoneDef:
    """A coastal zone defined by a polyline of (lat, lon) places and a buffer [km]."""

    zone_id: str
    name: str
    kind: Literal["departure", "arrival"]
    country: str
    places: tuple[tuple[str, float, float, str], ...]  # (place, lat, lon, source)
    buffer_km: float


#: Departure and arrival zones: coastal polylines and buffers. Sources: W = Wikipedia,
#: N = port/nautical page, I = IOM MMP, ~ = approximate town centre (calibration.md s.5),
#: W* = Wikipedia coordinates not listed in calibration.md.
ZONE_DEFINITIONS: tuple[ZoneDef, ...] = (
    ZoneDef(
        "ly_west",
        "Western Libya (Zuwara-Tripoli-Garabulli)",
        "departure",
        "Libya",
        (
            ("Zuwara", 32.933, 12.083, "W"),
            ("Sabratha", 32.79, 12.49, "~"),
            ("Zawiya", 32.752, 12.728, "W"),
            ("Tripoli", 32.89, 13.19, "~"),
            ("Tajoura", 32.88, 13.35, "~"),
            ("Garabulli", 32.76, 13.72, "~"),
        ),
        30.0,
    ),
    ZoneDef(
        "ly_central",
        "Central Libya (Khoms-Misrata)",
        "departure",
        "Libya",
        (("Khoms", 32.65, 14.26, "~"), ("Zliten", 32.47, 14.57, "W*"), ("Misrata", 32.38, 15.09, "~")),
        30.0,
    ),
    ZoneDef(
        "ly_east",
        "Eastern Libya (Benghazi-Tobruk)",
        "departure",
        "Libya",
        (
            ("Benghazi", 32.12, 20.07, "~"),
            ("Tolmeita", 32.71, 20.95, "W*"),
            ("Susa (Apollonia)", 32.90, 21.96, "W*"),
            ("Derna", 32.77, 22.64, "~"),
            ("Tobruk", 32.076, 23.961, "W"),
        ),
        30.0,
    ),
    ZoneDef(
        "tn_sfax",
        "Tunisia (Sfax-Mahdia, incl. Kerkennah)",
        "departure",
        "Tunisia",
        (
            ("Sfax", 34.733, 10.767, "W"),
            ("Kerkennah", 34.71, 11.20, "~"),
            ("Chebba", 35.24, 11.11, "W*"),
            ("Mahdia", 35.50, 11.06, "~"),
        ),
        30.0,
    ),
    ZoneDef(
        "tr_aegean",
        "Türkiye Aegean coast (Ayvalik-Izmir-Bodrum)",
        "departure",
        "Türkiye",
        (
            ("Ayvalik", 39.31, 26.69, "W*"),
            ("Cesme", 38.324, 26.303, "W"),
            ("Kusadasi", 37.86, 27.26, "W*"),
            ("Bodrum", 37.04, 27.43, "~"),
            ("Marmaris", 36.85, 28.27, "W*"),
        ),
        25.0,
    ),
    ZoneDef(
        "tr_south",
        "Türkiye south coast (Antalya-Mersin)",
        "departure",
        "Türkiye",
        (("Antalya", 36.88, 30.70, "W*"), ("Alanya", 36.54, 32.00, "W*"), ("Mersin", 36.80, 34.63, "~")),
        25.0,
    ),
    ZoneDef(
        "it_lampedusa",
        "Lampedusa and Linosa",
        "arrival",
        "Italy",
        (("Lampedusa port", 35.493, 12.602, "N"), ("Linosa", 35.86, 12.87, "~")),
        25.0,
    ),
    ZoneDef(
        "it_sicily_se",
        "South-east Sicily (Porto Empedocle-Pozzallo-Augusta)",
        "arrival",
        "Italy",
        (
            ("Porto Empedocle", 37.29, 13.53, "~"),
            ("Licata", 37.10, 13.94, "W*"),
            ("Pozzallo", 36.73, 14.85, "~"),
            ("Capo Passero", 36.69, 15.14, "~"),
            ("Augusta", 37.23, 15.22, "~"),
        ),
        25.0,
    ),
    ZoneDef(
        "mt_malta",
        "Malta and Gozo",
        "arrival",
        "Malta",
        (("Valletta", 35.90, 14.51, "~"), ("Gozo (Mgarr)", 36.025, 14.30, "W*")),
        20.0,
    ),
    ZoneDef(
        "it_calabria",
        "Calabria Ionian coast (Roccella Ionica-Crotone)",
        "arrival",
        "Italy",
        (
            ("Roccella Ionica port", 38.327, 16.433, "W"),
            ("Soverato", 38.69, 16.55, "W*"),
            ("Steccato di Cutro", 38.930, 16.921, "I"),
            ("Crotone", 39.08, 17.13, "~"),
        ),
        25.0,
    ),
    ZoneDef(
        "it_apulia",
        "Apulia (Taranto-Santa Maria di Leuca-Otranto)",
        "arrival",
        "Italy",
        (
            ("Taranto", 40.47, 17.24, "~"),
            ("Gallipoli", 40.06, 17.98, "W*"),
            ("S. Maria di Leuca", 39.80, 18.36, "~"),
            ("Otranto", 40.15, 18.49, "W*"),
        ),
        25.0,
    ),
    ZoneDef(
        "it_sardinia_s",
        "South Sardinia (Sant'Antioco-Cagliari)",
        "arrival",
        "Italy",
        (
            ("Sant'Antioco", 39.07, 8.45, "W*"),
            ("Teulada", 38.97, 8.77, "W*"),
            ("Cagliari", 39.22, 9.11, "W*"),
            ("Villasimius", 39.14, 9.52, "W*"),
        ),
        25.0,
    ),
)

#: Approximate SAR regions as (lon, lat) rings, from IMO GISIS boundary lines
#: (calibration.md s.6); outer edges beyond the cited lines are approximate closures.
SAR_DEFINITIONS: tuple[tuple[str, str, str, tuple[tuple[float, float], ...]], ...] = (
    (
        "sar_libya",
        "Libyan SRR (approx.)",
        "Libya",
        ((11.5, 30.0), (11.5, 34.333), (23.583, 34.333), (24.167, 34.0), (25.167, 31.667), (25.167, 30.0)),
    ),
    (
        "sar_malta",
        "Maltese SRR (approx.)",
        "Malta",
        ((11.5, 34.333), (11.5, 36.5), (19.0, 36.5), (23.583, 34.333)),
    ),
    (
        "sar_italy",
        "Italian SRR, southern part (approx.)",
        "Italy",
        (
            (19.0, 40.417),
            (19.0, 36.0),
            (16.0, 36.0),
            (14.133, 36.5),
            (12.667, 35.25),
            (12.233, 35.25),
            (11.5, 36.5),
            (11.5, 37.5),
            (10.35, 38.0),
            (9.048, 38.533),
            (8.126, 38.533),
            (7.5, 38.533),
            (7.5, 43.8),
            (13.7, 45.8),
            (18.5, 42.0),
            (19.0, 41.5),
        ),
    ),
    (
        "sar_greece",
        "Greek SRR, Athens FIR (approx.)",
        "Greece",
        (
            (19.0, 36.5),
            (19.0, 40.417),
            (19.5, 41.0),
            (26.5, 41.5),
            (28.0, 36.0),
            (28.0, 34.0),
            (24.167, 34.0),
            (23.583, 34.333),
        ),
    ),
    (
        "sar_tunisia",
        "Tunisian SRR (approx.)",
        "Tunisia",
        ((8.126, 38.533), (9.048, 38.533), (11.5, 37.5), (11.5, 30.0), (8.126, 30.0)),
    ),
)


def _buffered_polyline(
    places: tuple[tuple[str, float, float, str], ...], buffer_km: float
) -> shapely.Geometry:
    lat = np.array([p[1] for p in places])
    lon = np.array([p[2] for p in places])
    x, y = to_med_xy(lon, lat)
    line = shapely.linestrings(np.column_stack([x, y])) if len(places) > 1 else shapely.points(x[0], y[0])
    poly = shapely.buffer(line, buffer_km * 1000.0, quad_segs=16)
    return shapely.transform(poly, lambda c: np.column_stack(from_med_xy(c[:, 0], c[:, 1])))


@lru_cache(maxsize=1)
def _builtin_zones() -> gpd.GeoDataFrame:
    import geopandas as gpd

    from medroutes.geo._land import _land_geoms

    rows: list[tuple[str, str, str, str, shapely.Geometry]] = []
    for z in ZONE_DEFINITIONS:
        geom = shapely.set_precision(_buffered_polyline(z.places, z.buffer_km), 1e-4)
        rows.append((z.zone_id, z.name, z.kind, z.country, geom))
    landu = shapely.union_all(_land_geoms())
    for zid, name, country, ring in SAR_DEFINITIONS:
        poly = shapely.polygons([*ring, ring[0]])
        sea = shapely.set_precision(shapely.make_valid(shapely.difference(poly, landu)), 1e-4)
        rows.append((zid, name, "sar", country, sea))
    df = pd.DataFrame(rows, columns=["zone_id", "name", "kind", "country", "geometry"])
    return gpd.GeoDataFrame(df, geometry="geometry", crs=4326)


def zones(kind: str | None = None) -> gpd.GeoDataFrame:
    """Return the built-in zones of the Central Mediterranean.

    Parameters
    ----------
    kind : {None, "departure", "arrival", "sar"}
        Restrict to one kind of zone.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``zone_id, name, kind, country, geometry`` (EPSG:4326), the
        zones schema of :mod:`medroutes.schema`. A fresh copy each call.

    Examples
    --------
    >>> import medroutes as mr
    >>> sorted(mr.geo.zones("departure").zone_id)[:3]
    ['ly_central', 'ly_east', 'ly_west']
    """
    z = _builtin_zones()
    if kind is not None:
        if kind not in ("departure", "arrival", "sar"):
            raise ConfigError(f"kind must be 'departure', 'arrival' or 'sar', got {kind!r}")
        z = z.loc[z["kind"] == kind]
    return z.copy().reset_index(drop=True)


def departure_zones() -> gpd.GeoDataFrame:
    """Return the built-in departure zones (see :func:`zones`)."""
    return zones("departure")


def arrival_zones() -> gpd.GeoDataFrame:
    """Return the built-in arrival zones (see :func:`zones`)."""
    return zones("arrival")


def sar_regions() -> gpd.GeoDataFrame:
    """Return the approximate SAR regions (see :func:`zones`)."""
    return zones("sar")


def zone_centroids(z: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Return a representative point of each zone's sea part (lon, lat) [deg], indexed by zone_id."""
    from medroutes.geo._land import _land_geoms

    z = zones() if z is None else z
    landu = shapely.union_all(_land_geoms())
    sea = shapely.difference(z.geometry.to_numpy(), landu)
    sea = np.where(shapely.is_empty(sea), z.geometry.to_numpy(), sea)
    pts = shapely.point_on_surface(sea)
    return pd.DataFrame(
        {"lon": shapely.get_x(pts), "lat": shapely.get_y(pts)}, index=pd.Index(z["zone_id"], name="zone_id")
    )


def assign_zone(
    lon: ArrayLike,
    lat: ArrayLike,
    zones_gdf: gpd.GeoDataFrame | None = None,
    *,
    kind: str | None = None,
    outside: str = AT_SEA,
) -> NDArray[np.object_]:
    """Return the ``zone_id`` containing each point (vectorised).

    Where zones overlap, the first zone in table order wins (so pass zones in
    priority order). Points outside every zone get ``outside``; NaN
    coordinates get :data:`UNKNOWN`.

    Parameters
    ----------
    lon, lat
        Coordinates [deg].
    zones_gdf
        Zones table (default: the built-in zones).
    kind : {None, "departure", "arrival", "sar"}
        Only consider zones of this kind.
    outside
        Label for points in no zone.

    Returns
    -------
    numpy.ndarray of str (object)
    """
    z = zones() if zones_gdf is None else zones_gdf
    if kind is not None:
        z = z.loc[z["kind"] == kind]
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    out = np.full(x.shape, outside, dtype=object)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    out[bad] = UNKNOWN
    if len(z) == 0 or bad.all():
        return out
    geoms = z.geometry.to_numpy()
    ids = z["zone_id"].to_numpy()
    tree = shapely.STRtree(geoms)
    ok = np.flatnonzero(~bad)
    pi, zi = tree.query(shapely.points(x[ok], y[ok]), predicate="intersects")
    if len(pi):
        order = np.lexsort((zi, pi))  # per point, lowest zone index first
        pi, zi = pi[order], zi[order]
        first = np.ones(len(pi), dtype=bool)
        first[1:] = pi[1:] != pi[:-1]
        out[ok[pi[first]]] = ids[zi[first]]
    return out
