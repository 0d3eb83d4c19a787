"""medroutes.geo: land, sea, distances and the projected CRS, checked against independent computations."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

import medroutes.geo as geo

WGS84 = Geod(ellps="WGS84")

ISLANDS = {  # (lat, lon) inside each island
    "Lampedusa": (35.51, 12.60),
    "Malta": (35.90, 14.45),
    "Pantelleria": (36.78, 11.99),
    "Djerba": (33.80, 10.86),
    "Kerkennah": (34.70, 11.20),
}
OPEN_SEA = {  # (lat, lon) far from any coast
    "Strait of Sicily": (36.3, 12.8),
    "off Tripoli": (33.8, 13.2),
    "Ionian Sea": (36.0, 18.0),
    "Gulf of Sidra": (32.5, 18.5),
    "south of Lampedusa": (34.5, 12.6),
}


@pytest.mark.parametrize("name", sorted(ISLANDS))
def test_named_islands_are_land(name):
    lat, lon = ISLANDS[name]
    assert not geo.is_at_sea([lon], [lat])[0]


@pytest.mark.parametrize("name", sorted(OPEN_SEA))
def test_open_sea_is_sea(name):
    lat, lon = OPEN_SEA[name]
    assert geo.is_at_sea([lon], [lat])[0]


def test_is_at_sea_matches_a_plain_geopandas_point_in_polygon():
    rng = np.random.default_rng(3)
    lon = rng.uniform(10.0, 16.0, 2_000)
    lat = rng.uniform(32.0, 38.0, 2_000)
    land = geo.land()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    on_land = (
        pts.sjoin(land, predicate="intersects", how="left")["index_right"].notna().groupby(level=0).any()
    )
    assert (geo.is_at_sea(lon, lat) == ~on_land.sort_index().to_numpy()).all()


def test_is_at_sea_shapes_and_nan():
    out = geo.is_at_sea(np.array([[12.6, np.nan]]), np.array([[35.51, 34.0]]))
    assert out.shape == (1, 2) and not out.any()


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((32.933, 12.083), (35.493, 12.602), 289),  # Zuwara - Lampedusa (calibration.md s.5)
        ((34.733, 10.767), (35.493, 12.602), 187),  # Sfax - Lampedusa
        ((32.89, 13.19), (35.493, 12.602), 295),  # Tripoli - Lampedusa
        ((35.50, 11.06), (35.493, 12.602), 139),  # Mahdia - Lampedusa
    ],
)
def test_haversine_against_calibration_and_wgs84_geodesic(a, b, km):
    d = float(geo.haversine_km(a[0], a[1], b[0], b[1]))
    assert d == pytest.approx(km, abs=1.5)
    _, _, metres = WGS84.inv(a[1], a[0], b[1], b[0])
    assert d == pytest.approx(metres / 1000.0, rel=0.005)  # sphere vs ellipsoid, documented bound


def test_haversine_is_vectorised_and_zero_on_the_diagonal():
    lat = np.array([33.0, 34.0, 35.0])
    lon = np.array([12.0, 13.0, 14.0])
    assert geo.haversine_km(lat, lon, lat, lon).tolist() == [0.0, 0.0, 0.0]
    # one degree of latitude on the sphere: pi * R / 180
    assert float(geo.haversine_km(0, 0, 1, 0)) == pytest.approx(np.pi * geo.EARTH_RADIUS_KM / 180)


def test_distance_to_coast_against_geopandas_in_med_crs():
    lat = np.array([34.5, 33.8, 36.0, 35.45, 32.95])
    lon = np.array([12.6, 13.2, 18.0, 12.55, 12.2])
    ours = geo.distance_to_coast_km(lon, lat)
    land = geo.land().to_crs(geo.MED_CRS)
    coast = shapely.union_all(shapely.boundary(land.geometry.to_numpy()))
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(geo.MED_CRS)
    ref = pts.distance(coast).to_numpy() / 1000.0
    assert ours == pytest.approx(ref, rel=1e-6, abs=1e-6)
    # and about right on the ground: 34.5 N 12.6 E is ~110 km south of Lampedusa's south coast
    assert 90 < ours[0] < 125


def test_distance_to_coast_nan_in_nan_out():
    assert np.isnan(geo.distance_to_coast_km([np.nan], [34.0])[0])


def test_crosses_land():
    sea = shapely.LineString([(12.0, 33.2), (12.6, 35.3)])  # Zuwara offshore to south of Lampedusa
    over_malta = shapely.LineString([(14.2, 35.9), (14.7, 35.9)])
    assert geo.crosses_land([sea, over_malta]).tolist() == [False, True]


def test_med_crs_round_trip_and_scale():
    x, y = geo.to_med_xy([18.0, 12.6], [35.0, 35.5])
    assert (x[0], y[0]) == pytest.approx((0.0, 0.0), abs=1e-6)  # projection centre
    lon, lat = geo.from_med_xy(x, y)
    assert lon == pytest.approx([18.0, 12.6]) and lat == pytest.approx([35.0, 35.5])
    # projected distance within 1 % of the geodesic inside the Central Mediterranean
    a, b = (32.933, 12.083), (35.493, 12.602)
    xa, ya = geo.to_med_xy(a[1], a[0])
    xb, yb = geo.to_med_xy(b[1], b[0])
    _, _, metres = WGS84.inv(a[1], a[0], b[1], b[0])
    assert float(np.hypot(xb - xa, yb - ya)) == pytest.approx(metres, rel=0.01)
