"""graph_from_voyages: counts, grid-path filling, staying at sea, flow conservation, incidents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from h3.api import basic_str as h3s
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synth_tracks import ROUTES, make_tracks

import medroutes as mr
from medroutes.errors import GraphValidationError, SchemaError
from medroutes.geo import crosses_land, is_at_sea
from medroutes.graph import GraphConfig, graph_from_voyages, latlng_to_cells, validate_graph
from medroutes.tracks import TrackConfig, split_voyages

T0 = pd.Timestamp("2024-07-01", tz="UTC")
NO_STOPS = TrackConfig(stop_speed_kn=None, min_positions=1, max_gap_h=48)


def _line_of_cells(start: tuple[float, float], n: int, res: int = 5) -> list[str]:
    """n cells in a straight grid line in open sea, each a neighbour of the previous."""
    c0 = h3s.latlng_to_cell(*start, res)
    far = h3s.latlng_to_cell(start[0] + 0.0, start[1] + 3.0, res)
    path = h3s.grid_path_cells(c0, far)
    assert len(path) >= n
    return path[:n]


def _points(vessel: str, cells: list[str], hours: list[float]) -> pd.DataFrame:
    ll = np.array([h3s.cell_to_latlng(c) for c in cells])
    return pd.DataFrame(
        {
            "vessel_id": vessel,
            "timestamp": T0 + pd.to_timedelta(hours, unit="h"),
            "lat": ll[:, 0],
            "lon": ll[:, 1],
            "sog_kn": 5.0,
            "cog_deg": np.nan,
        }
    )


def _edges(G) -> dict:
    return {(u, v): d for u, v, d in G.edges(data=True)}


# --------------------------------------------------------------------------- exact counts


def test_counts_on_a_hand_made_example():
    c = _line_of_cells((34.5, 17.0), 3)  # Ionian Sea, far from land and zones
    a = _points("X", [c[0], c[1], c[2]], [0, 1, 3])
    b = _points("Y", [c[0], c[1], c[0], c[1], c[2]], [0, 2, 3, 4, 10])
    cc = _points("X", [c[1], c[2]], [100, 104])  # same vessel, a later voyage (gap > 48 h)
    voy = split_voyages(pd.concat([a, b, cc]), config=NO_STOPS)
    assert len(voy.table) == 3
    vid = voy.table.set_index(["vessel_id", "start_time"])["voyage_id"]
    attrs = pd.DataFrame(
        {
            "voyage_id": [vid[("X", T0)], vid[("Y", T0)], vid[("X", T0 + pd.Timedelta(hours=100))]],
            "persons": [10, 20, None],
        }
    )
    G = graph_from_voyages(voy, attributes=attrs)
    e = _edges(G)
    assert set(e) == {(c[0], c[1]), (c[1], c[0]), (c[1], c[2])}
    e01, e10, e12 = e[(c[0], c[1])], e[(c[1], c[0])], e[(c[1], c[2])]
    # a voyage passing an edge twice counts once in n_voyages, twice in n_passages
    assert (e01["n_passages"], e01["n_voyages"], e01["n_vessels"]) == (3, 2, 2)
    assert (e10["n_passages"], e10["n_voyages"], e10["n_vessels"]) == (1, 1, 1)
    assert (e12["n_passages"], e12["n_voyages"], e12["n_vessels"]) == (3, 3, 2)
    # persons: sum over distinct voyages with a known count
    assert (e01["persons"], e10["persons"], e12["persons"]) == (30.0, 20.0, 30.0)
    # transit = time from entering u to entering v [h]: A 1; B 2 and 1 -> median of (1, 2, 1)
    assert e01["median_transit_h"] == pytest.approx(1.0)
    assert e12["median_transit_h"] == pytest.approx(np.median([2.0, 6.0, 4.0]))
    assert e01["length_km"] == pytest.approx(
        mr.tracks.geodesic_km(*h3s.cell_to_latlng(c[0]), *h3s.cell_to_latlng(c[1])).item(), rel=1e-6
    )
    n = G.nodes
    assert (n[c[0]]["n_voyages"], n[c[0]]["n_starts"], n[c[0]]["n_ends"]) == (2, 2, 0)
    assert (n[c[1]]["n_starts"], n[c[2]]["n_ends"], n[c[2]]["n_voyages"]) == (1, 3, 3)
    assert n[c[0]]["kind"] == "cell" and n[c[0]]["x"] == pytest.approx(h3s.cell_to_latlng(c[0])[1])
    assert G.graph["n_voyages"] == 3 and G.graph["h3_resolution"] == 5 and G.graph["crs"] == "EPSG:4326"
    assert e12["share"] == pytest.approx(1.0)
    validate_graph(G)


def test_zone_nodes_connect_first_and_last_cells():
    pos, truth = make_tracks({"zuwara_lampedusa_east": 4, "tripoli_malta": 3}, seed=3, interval_h=1.0)
    voy = split_voyages(pos)
    G = graph_from_voyages(voy, attributes=truth)
    dep = G.nodes["departure:ly_west"]
    assert dep["kind"] == "departure" and dep["zone_id"] == "ly_west" and dep["n_voyages"] == 7
    assert sum(d["n_voyages"] for _, _, d in G.out_edges("departure:ly_west", data=True)) == 7
    assert sum(d["n_voyages"] for _, _, d in G.in_edges("arrival:it_lampedusa", data=True)) == 4
    assert sum(d["n_voyages"] for _, _, d in G.in_edges("arrival:mt_malta", data=True)) == 3
    assert dep["persons"] == float(truth["persons"].sum())  # joined on the unique vessel_id
    # zone points are at sea; departure edges take no time
    assert is_at_sea(np.array([dep["x"]]), np.array([dep["y"]]))[0]
    assert all(d["median_transit_h"] == 0.0 for _, _, d in G.out_edges("departure:ly_west", data=True))
    # without zone nodes, voyages start and end at cells
    H = graph_from_voyages(voy, config=GraphConfig(zone_nodes=False))
    assert {k for _, k in H.nodes(data="kind")} == {"cell"}
    assert sum(d["n_starts"] for _, d in H.nodes(data=True)) == 7
    validate_graph(G)
    validate_graph(H)


# --------------------------------------------------------------------------- gap filling


def test_skipped_cells_are_filled_along_the_grid_path():
    c = _line_of_cells((34.5, 17.0), 7)
    pos = _points("X", [c[0], c[6]], [0, 6])  # one jump over 5 cells
    voy = split_voyages(pos, config=NO_STOPS)
    G = graph_from_voyages(voy)
    e = _edges(G)
    assert set(e) == {(c[i], c[i + 1]) for i in range(6)}
    assert all(d["n_inferred"] == 1 for d in e.values())
    # entry times interpolated: 6 h over 6 steps
    assert all(d["median_transit_h"] == pytest.approx(1.0) for d in e.values())
    H = graph_from_voyages(voy, config=GraphConfig(fill_gaps=False))
    assert set(_edges(H)) == {(c[0], c[6])}


def _walks(G) -> None:
    """Every edge between cells joins H3 neighbours: no voyage leaves a hole."""
    for u, v in G.edges():
        if G.nodes[u]["kind"] == "cell" and G.nodes[v]["kind"] == "cell":
            assert h3s.are_neighbor_cells(u, v), (u, v)


@pytest.fixture(scope="module")
def sparse_scenario():
    """Tracks past Lampedusa, Malta, Cap Bon, Kerkennah and the Peloponnese, with fixes 4-6 h apart."""
    pos, truth = make_tracks({k: 12 for k in ROUTES}, seed=5, interval_h=5.0, speed_kn=8.0, offset_km=8.0)
    voy = split_voyages(pos, config=TrackConfig(max_gap_h=8.0))
    return pos, truth, voy


@pytest.mark.parametrize("res", [5, 6])
def test_graph_stays_at_sea_around_islands_and_capes(sparse_scenario, res):
    _pos, truth, voy = sparse_scenario
    # the data does challenge the land test: straight lines between consecutive fixes cross land
    pts = voy.points
    same = pts["voyage_id"].to_numpy()[1:] == pts["voyage_id"].to_numpy()[:-1]
    xy = pts[["lon", "lat"]].to_numpy()
    straight = shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))
    assert crosses_land(straight).sum() >= 3
    G = graph_from_voyages(voy, attributes=truth, config=GraphConfig(h3_resolution=res))
    geoms = [d["geometry"] for _, _, d in G.edges(data=True)]
    assert not crosses_land(geoms).any()
    _walks(G)
    # inserted cells never have their centre on land; only cells a boat was seen in may
    seen = {h3s.int_to_str(int(c)) for c in np.unique(latlng_to_cells(pts["lat"], pts["lon"], res))}
    for n, d in G.nodes(data=True):
        if d["kind"] == "cell" and n not in seen:
            lat, lon = h3s.cell_to_latlng(n)
            assert is_at_sea(np.array([lon]), np.array([lat]))[0], n
    # the graph does pass the places named in the issue
    landmarks = {
        "Lampedusa": (12.60, 35.51),
        "Malta": (14.45, 35.90),
        "Cap Bon": (11.05, 37.08),
        "Kerkennah": (11.20, 34.70),
        "Peloponnese (Cape Matapan)": (22.48, 36.38),
    }
    lines = shapely.MultiLineString(geoms)
    for name, (lon, lat) in landmarks.items():
        assert lines.distance(shapely.Point(lon, lat)) < 0.5, name  # within ~50 km
    assert G.graph["n_fill_over_land"] == 0
    validate_graph(G)


# --------------------------------------------------------------------------- flow conservation

_STARTS = [(33.15, 12.60), (35.45, 12.75), (34.50, 14.50), (33.05, 11.80)]
_DIRS = np.array([(0.0, 1.0), (0.5, 0.866), (0.866, 0.5), (1.0, 0.0), (-0.5, 0.866), (0.0, -1.0)])


@st.composite
def _voyage_sets(draw):
    n_voy = draw(st.integers(1, 8))
    frames = []
    for i in range(n_voy):
        lat0, lon0 = _STARTS[draw(st.integers(0, len(_STARTS) - 1))]
        steps = draw(st.lists(st.tuples(st.integers(0, 5), st.floats(0.02, 0.5)), min_size=0, max_size=25))
        lat, lon = [lat0], [lon0]
        for d, size in steps:
            lat.append(lat[-1] + _DIRS[d, 0] * size)
            lon.append(lon[-1] + _DIRS[d, 1] * size)
        vessel = f"V{draw(st.integers(0, 3))}"
        frames.append(
            pd.DataFrame(
                {
                    "vessel_id": vessel,
                    "timestamp": T0
                    + pd.Timedelta(days=3 * i)
                    + pd.to_timedelta(np.arange(len(lat)), unit="h"),
                    "lat": lat,
                    "lon": lon,
                    "sog_kn": 5.0,
                    "cog_deg": np.nan,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_voyage_sets(), st.booleans())
def test_flow_is_conserved_at_every_cell(pos, zone_nodes):
    voy = split_voyages(pos, config=TrackConfig(stop_speed_kn=None, min_positions=1, max_gap_h=24))
    G = graph_from_voyages(voy, config=GraphConfig(zone_nodes=zone_nodes, route_geometry=False))
    inflow: dict = {}
    outflow: dict = {}
    for u, v, d in G.edges(data=True):
        outflow[u] = outflow.get(u, 0) + d["n_passages"]
        inflow[v] = inflow.get(v, 0) + d["n_passages"]
    for n, d in G.nodes(data=True):
        if d["kind"] == "cell":
            assert inflow.get(n, 0) + d["n_starts"] == outflow.get(n, 0) + d["n_ends"]
            if d["n_starts"] == 0 and d["n_ends"] == 0:  # interior node: what comes in goes out
                assert inflow.get(n, 0) == outflow.get(n, 0)
    n_voy = len(voy.table)
    starts = sum(d["n_starts"] for _, d in G.nodes(data=True))
    deps = sum(outflow.get(n, 0) for n, k in G.nodes(data="kind") if k == "departure")
    ends = sum(d["n_ends"] for _, d in G.nodes(data=True))
    arrs = sum(inflow.get(n, 0) for n, k in G.nodes(data="kind") if k == "arrival")
    assert starts + deps == n_voy == ends + arrs == G.graph["n_voyages"]
    _walks(G)


# --------------------------------------------------------------------------- validation


def test_validate_graph_lists_every_problem():
    pos, _truth = make_tracks({"zuwara_lampedusa_east": 3}, seed=1)
    G = graph_from_voyages(split_voyages(pos))
    validate_graph(G)
    u, v, k = next(iter(G.edges(keys=True)))
    del G.edges[u, v, k]["length_km"]
    G.nodes[v]["n_starts"] += 1  # breaks conservation
    G.add_edge("arrival:it_lampedusa", v, key=0, **dict(G.edges[u, v, k]))
    with pytest.raises(GraphValidationError) as err:
        validate_graph(G, strict=False)
    msg = str(err.value)
    assert "lack 'length_km'" in msg and "leave an arrival node" in msg
    G2 = graph_from_voyages(split_voyages(pos))
    a, b, kk = next(iter(G2.edges(keys=True)))
    G2.nodes[b]["n_starts"] += 1
    G2.edges[a, b, kk]["geometry"] = shapely.LineString([(12.0, 37.5), (14.0, 37.5)])  # across Sicily
    with pytest.raises(GraphValidationError, match="cross land") as err2:
        validate_graph(G2)
    assert "do not start and end at their nodes" in str(err2.value)
    with pytest.raises(GraphValidationError, match="MultiDiGraph"):
        validate_graph(object())


# --------------------------------------------------------------------------- attributes and incidents


def test_incidents_are_mapped_to_the_nearest_edge_and_counted():
    c = _line_of_cells((34.5, 17.0), 4)
    voy = split_voyages(_points("X", c, [0, 1, 2, 3]), config=NO_STOPS)
    mid = shapely.line_interpolate_point(
        shapely.LineString([h3s.cell_to_latlng(x)[::-1] for x in c[1:3]]), 0.5, normalized=True
    )
    inc = pd.DataFrame(
        {
            "lat": [mid.y, mid.y + 0.01, 30.0, np.nan],
            "lon": [mid.x, mid.x, 30.0, 17.0],
            "dead": pd.array([2, None, 5, 1], dtype="Int64"),
            "missing": pd.array([3, 4, 0, 0], dtype="Int64"),
        }
    )
    G = graph_from_voyages(voy, incidents=inc)
    e = _edges(G)[(c[1], c[2])]
    assert e["incidents"] == 2 and e["dead_missing"] == 2 + 3 + 4  # unknown dead adds nothing
    assert sum(d["incidents"] for _, _, d in G.edges(data=True)) == 2
    assert sum(d["incidents"] for _, d in G.nodes(data=True)) == 2
    assert (
        G.graph["n_incidents_mapped"],
        G.graph["n_incidents_unmapped"],
        G.graph["n_incidents_no_location"],
    ) == (2, 1, 1)


def test_attributes_join_rules_and_errors():
    pos, truth = make_tracks({"tripoli_malta": 3}, seed=2)
    voy = split_voyages(pos)
    G = graph_from_voyages(voy, attributes=truth[["vessel_id", "persons"]])
    assert G.nodes["departure:ly_west"]["persons"] == truth["persons"].sum()
    with pytest.raises(SchemaError, match="'persons'"):
        graph_from_voyages(voy, attributes=truth[["vessel_id"]])
    bad = pd.DataFrame({"voyage_id": [0, 0], "persons": [1, 2]})
    with pytest.raises(SchemaError, match="repeat an earlier voyage_id"):
        graph_from_voyages(voy, attributes=bad)
    no_attrs = graph_from_voyages(voy)
    assert np.isnan(no_attrs.nodes["departure:ly_west"]["persons"])  # unknown, not 0


def test_positions_frame_is_split_first_and_result_is_deterministic():
    pos, _ = make_tracks({"sfax_lampedusa": 4, "mahdia_sardinia": 3}, seed=4)
    G1 = graph_from_voyages(pos)
    G2 = graph_from_voyages(split_voyages(pos.sample(frac=1.0, random_state=2)))
    assert sorted(G1.edges(data="n_voyages")) == sorted(G2.edges(data="n_voyages"))
    assert G1.graph["n_voyages"] == 7
    with pytest.raises(TypeError, match="Voyages"):
        graph_from_voyages([1, 2, 3])
