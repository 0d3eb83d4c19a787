"""``medroutes graph``: from the bundled sample, a positions file or a scenario folder."""

from __future__ import annotations

from synth_tracks import make_tracks

from medroutes.cli import main
from medroutes.graph import load_graph, validate_graph


def test_graph_from_bundled_sample(tmp_path, capsys):
    out = tmp_path / "routes.geojson"
    assert main(["graph", "--out", str(out), "--quiet"]) == 0
    G = load_graph(out)
    validate_graph(G)
    text = capsys.readouterr().out
    assert f"{G.number_of_edges():,} edges" in text and "incidents mapped" in text
    assert G.graph["n_incidents_mapped"] > 0 and any(d["kind"] == "departure" for _, d in G.nodes(data=True))


def test_graph_from_positions_file_with_resolution(tmp_path, capsys):
    pos, _ = make_tracks({"tripoli_malta": 4}, seed=1)
    src = tmp_path / "pos.csv"
    pos.assign(timestamp=pos["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(src, index=False)
    out = tmp_path / "g.graphml"
    assert main(["graph", str(src), "--out", str(out), "--h3-resolution", "6", "--quiet"]) == 0
    G = load_graph(out)
    assert G.graph["h3_resolution"] == 6 and G.graph["n_voyages"] == 4


def test_graph_errors_exit_2(tmp_path, capsys):
    assert main(["graph", "--out", str(tmp_path / "g.txt"), "--quiet"]) == 2
    assert "DataFormatError" in capsys.readouterr().err
    assert main(["graph", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "g.geojson")]) == 2
    assert "file not found" in capsys.readouterr().err
