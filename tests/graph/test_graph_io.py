"""Round trips of the route graph: GeoDataFrames, GeoJSON, GraphML, GeoParquet."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
import shapely
from synth_tracks import make_tracks

from medroutes.errors import DataFormatError, OutputError
from medroutes.graph import (
    GraphConfig,
    graph_from_gdfs,
    graph_from_voyages,
    graph_to_gdfs,
    load_graph,
    save_graph,
    validate_graph,
)
from medroutes.tracks import TrackConfig, split_voyages


@pytest.fixture(scope="module")
def G():
    pos, truth = make_tracks({"zuwara_lampedusa_east": 5, "sfax_lampedusa": 4, "tripoli_malta": 3}, seed=8)
    inc = truth.assign(lat=35.0, lon=12.5, dead=1, missing=2).iloc[:2]
    G = graph_from_voyages(split_voyages(pos), attributes=truth, incidents=inc)
    G.graph["period"] = "2024-06"
    return G


def _same_value(a, b) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, shapely.Geometry):
        return shapely.equals_exact(a, b, tolerance=1e-9)
    return a == b and type(a) is type(b)


def assert_same_graph(G, H):
    assert type(H) is type(G)
    assert set(G.nodes) == set(H.nodes)
    assert set(G.edges(keys=True)) == set(H.edges(keys=True))
    for n, d in G.nodes(data=True):
        assert set(d) == set(H.nodes[n]), n
        for k, v in d.items():
            assert _same_value(v, H.nodes[n][k]), (n, k, v, H.nodes[n][k])
    for u, v, k, d in G.edges(keys=True, data=True):
        h = H.edges[u, v, k]
        assert set(d) == set(h)
        for a, x in d.items():
            assert _same_value(x, h[a]), (u, v, a, x, h[a])
    assert H.graph["config"] == G.graph["config"]
    assert isinstance(H.graph["config"], GraphConfig) and isinstance(H.graph["track_config"], TrackConfig)
    for k in ("crs", "h3_resolution", "n_voyages", "period", "n_incidents_mapped"):
        assert H.graph[k] == G.graph[k]


def test_gdfs_round_trip(G):
    nodes, edges = graph_to_gdfs(G)
    assert nodes.crs.to_epsg() == 4326 and edges.crs.to_epsg() == 4326
    assert nodes.index.name == "node" and edges.index.names == ["u", "v", "key"]
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    assert (nodes.geometry.x == nodes["x"]).all()
    assert set(edges.geom_type) == {"LineString"}
    H = graph_from_gdfs(nodes, edges)
    assert_same_graph(G, H)
    only_edges = graph_to_gdfs(G, nodes=False, min_voyages=2)
    assert isinstance(only_edges, gpd.GeoDataFrame)
    assert (only_edges["n_voyages"] >= 2).all() and len(only_edges) < len(edges)


@pytest.mark.parametrize("suffix", [".geojson", ".graphml", ".parquet"])
def test_file_round_trip(G, tmp_path, suffix):
    path = save_graph(G, tmp_path / f"routes{suffix}")
    H = load_graph(path)
    assert_same_graph(G, H)
    validate_graph(H)
    assert [p.name for p in tmp_path.iterdir()] == [f"routes{suffix}"]  # no temporary file left


def test_geojson_is_plain_rfc7946_and_parquet_is_geoparquet(G, tmp_path):
    p = save_graph(G, tmp_path / "g.geojson")
    doc = json.loads(p.read_text())
    kinds = {f["properties"]["element"] for f in doc["features"]}
    assert kinds == {"node", "edge"} and doc["medroutes_graph"]["h3_resolution"] == 5
    gdf = gpd.read_file(p)
    assert len(gdf) == G.number_of_nodes() + G.number_of_edges()
    q = save_graph(G, tmp_path / "g.parquet")
    pq = gpd.read_parquet(q)
    assert pq.crs.to_epsg() == 4326 and set(pq["element"]) == {"node", "edge"}


def test_errors(G, tmp_path):
    with pytest.raises(DataFormatError, match="suffix"):
        save_graph(G, tmp_path / "g.shp")
    with pytest.raises(OutputError, match="does not exist"):
        save_graph(G, tmp_path / "missing" / "g.geojson")
    src = tmp_path / "in.geojson"
    save_graph(G, src)
    with pytest.raises(OutputError, match="input"):
        save_graph(G, src, inputs=[src])
    with pytest.raises(FileNotFoundError):
        load_graph(tmp_path / "nope.graphml")
    other = tmp_path / "other.geojson"
    other.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(DataFormatError, match="not a medroutes route graph"):
        load_graph(other)
