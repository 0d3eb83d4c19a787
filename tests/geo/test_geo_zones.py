"""medroutes.geo zones: departure and arrival coasts, SAR regions, assignment of points."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import medroutes.geo as geo
from medroutes.errors import ConfigError


def test_zones_follow_the_schema_and_are_fresh_copies():
    z = geo.zones()
    assert list(z.columns) == ["zone_id", "name", "kind", "country", "geometry"]
    assert z.crs.to_epsg() == 4326 and z["zone_id"].is_unique
    z.loc[0, "zone_id"] = "changed"
    assert geo.zones().loc[0, "zone_id"] != "changed"
    with pytest.raises(ConfigError, match="kind must be"):
        geo.zones("harbour")


@pytest.mark.parametrize("zone_id", geo.departure_zones()["zone_id"].tolist())
def test_every_departure_zone_touches_its_coast_and_its_centroid_is_at_sea(zone_id):
    z = geo.zones().set_index("zone_id")
    land = shapely.union_all(geo.land().geometry.to_numpy())
    assert shapely.intersects(z.loc[zone_id, "geometry"], land)
    c = geo.zone_centroids().loc[zone_id]
    assert geo.is_at_sea([c["lon"]], [c["lat"]])[0]
    assert shapely.contains(z.loc[zone_id, "geometry"], shapely.Point(c["lon"], c["lat"]))


def test_every_arrival_zone_centroid_is_at_sea():
    c = geo.zone_centroids(geo.arrival_zones())
    assert geo.is_at_sea(c["lon"].to_numpy(), c["lat"].to_numpy()).all()


def test_departure_zones_cover_their_named_ports():
    z = geo.zones().set_index("zone_id")
    for zdef in geo.ZONE_DEFINITIONS:
        for place, lat, lon, _src in zdef.places:
            assert shapely.intersects(z.loc[zdef.zone_id, "geometry"], shapely.Point(lon, lat)), (
                zdef.zone_id,
                place,
            )


@pytest.mark.parametrize(
    ("lat", "lon", "kind", "expected"),
    [
        (33.05, 12.05, "departure", "ly_west"),  # off Zuwara
        (32.95, 13.25, "departure", "ly_west"),  # off Tripoli
        (32.45, 15.20, "departure", "ly_central"),  # off Misrata
        (34.60, 10.95, "departure", "tn_sfax"),  # off Sfax
        (35.45, 12.55, "arrival", "it_lampedusa"),
        (36.65, 15.00, "arrival", "it_sicily_se"),  # off Pozzallo
        (34.00, 17.00, "departure", geo.AT_SEA),  # Ionian Sea: no departure zone
        (36.18, 21.04, "sar", "sar_greece"),  # Pylos wreck site
        (33.50, 15.00, "sar", "sar_libya"),
        (35.00, 15.00, "sar", "sar_malta"),
    ],
)
def test_assign_zone_on_known_points(lat, lon, kind, expected):
    assert geo.assign_zone([lon], [lat], kind=kind)[0] == expected


def test_sar_regions_contain_the_reference_points():
    sar = geo.sar_regions().set_index("zone_id")
    assert shapely.contains(sar.loc["sar_greece", "geometry"], shapely.Point(21.04, 36.18))
    assert shapely.contains(sar.loc["sar_libya", "geometry"], shapely.Point(15.0, 33.5))
    assert shapely.contains(sar.loc["sar_malta", "geometry"], shapely.Point(15.0, 35.0))
    assert not shapely.contains(sar.loc["sar_italy", "geometry"], shapely.Point(15.0, 35.0))
    # Italy and Malta overlap around Lampedusa, as the real regions do
    assert shapely.intersects(sar.loc["sar_italy", "geometry"], sar.loc["sar_malta", "geometry"])


def test_assign_zone_nan_and_vectorised_priority():
    out = geo.assign_zone(np.array([np.nan, 12.05, 17.0]), np.array([34.0, 33.05, 34.0]))
    assert out.tolist() == [geo.UNKNOWN, "ly_west", "sar_libya"]  # departure zones come before SAR regions
    assert geo.assign_zone([17.0], [34.0], kind="departure", outside="none")[0] == "none"
