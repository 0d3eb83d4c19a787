"""Sea routes never cross land, go around the Peloponnese and stay off Kerkennah."""

from __future__ import annotations

import numpy as np
import shapely

import medroutes.synthetic as syn
from medroutes.geo import crosses_land, land, to_med_xy
from medroutes.synthetic._seagraph import sea_graph, sea_path
from medroutes.synthetic.generate import _templates


def _templates_of(name: str):
    return _templates(syn.load_config(name))


def _lat_at_lon(lon: np.ndarray, lat: np.ndarray, x: float) -> list[float]:
    i = np.flatnonzero((lon[:-1] - x) * (lon[1:] - x) <= 0)
    return [
        lat[j] + (x - lon[j]) * (lat[j + 1] - lat[j]) / (lon[j + 1] - lon[j])
        for j in i
        if lon[j + 1] != lon[j]
    ]


def test_no_route_template_touches_land():
    templates = _templates_of("central-med-2023")
    lines = np.array([shapely.linestrings(np.column_stack([t.lon, t.lat])) for t in templates], dtype=object)
    assert len(lines) > 100
    assert not crosses_land(lines).any()


def test_turkiye_to_calabria_goes_around_the_peloponnese():
    templates = [
        t
        for t in _templates_of("central-med-2023")
        if t.departure_zone == "tr_aegean" and t.arrival_zone == "it_calabria"
    ]
    assert templates
    for t in templates:
        # Cape Matapan, the southern tip of the Peloponnese, is at 36.38 N 22.48 E: the route
        # crosses the 22.5 E meridian south of it, and never cuts through the peninsula
        crossings = _lat_at_lon(t.lon, t.lat, 22.5)
        assert crossings and min(crossings) < 36.38
        # never across the peninsula or through the Gulf of Corinth (lon 21.8-23.2, north of 37 N)
        across = shapely.box(21.8, 37.0, 23.2, 38.5)
        assert not shapely.intersects(shapely.linestrings(np.column_stack([t.lon, t.lat])), across)
        # longer than the great circle (861 km Cesme-Roccella, calibration.md s.5)
        assert t.length_km > 1000


def test_sfax_to_lampedusa_stays_off_kerkennah():
    lnd = land()
    ker = lnd[lnd.intersects(shapely.box(10.95, 34.55, 11.4, 34.9))]
    assert len(ker) >= 1  # the Kerkennah islands are in the land polygons
    kx = shapely.union_all(
        shapely.transform(ker.geometry.to_numpy(), lambda c: np.column_stack(to_med_xy(c[:, 0], c[:, 1])))
    )
    templates = [t for t in _templates_of("central-med-2023") if t.departure_zone == "tn_sfax"]
    assert {t.arrival_zone for t in templates} >= {"it_lampedusa"}
    for t in templates:
        x, y = to_med_xy(t.lon, t.lat)
        line = shapely.linestrings(np.column_stack([x, y]))
        assert shapely.distance(line, kx) > 2000.0  # > 2 km off the islands [m]


def test_corridors_are_distinct_families():
    templates = _templates_of("central-med-2023")
    pairs: dict[tuple[str, str], set[str]] = {}
    for t in templates:
        pairs.setdefault((t.departure_zone, t.arrival_zone), set()).add(t.corridor_id)
    assert len(pairs[("ly_west", "it_lampedusa")]) >= 2
    # two corridors of one launch/landing pair are kilometres apart mid-route
    same = [t for t in templates if (t.launch, t.landing) == ("Zuwara", "Lampedusa port")]
    mids = []
    for t in same:
        k = np.searchsorted(t.cum_km, t.length_km / 2)
        mids.append(to_med_xy(t.lon[k : k + 1], t.lat[k : k + 1]))
    d = max(np.hypot(a[0] - b[0], a[1] - b[1])[0] for a in mids for b in mids)
    assert d > 20_000.0


def test_sea_path_between_waypoints_stays_at_sea():
    # Lampedusa -> Malta -> Sicily: the straight lines would be fine, the path must be too
    lon, lat = sea_path([12.62, 14.60, 15.20], [35.45, 35.80, 36.60], graph=sea_graph(8.0, 2.0, 12.0))
    line = shapely.linestrings(np.column_stack([lon, lat]))
    assert not crosses_land(np.array([line], dtype=object))[0]
    assert abs(lon[0] - 12.62) < 0.15 and abs(lat[-1] - 36.60) < 0.15
