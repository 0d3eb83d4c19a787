"""Analyst queries: most used path, shares, bottlenecks, OD matrix, periods, comparison."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from synth_tracks import make_tracks

from medroutes.errors import ConfigError, InsufficientDataError
from medroutes.graph import (
    bottlenecks,
    cell_share,
    compare_graphs,
    edge_shares,
    graph_by_period,
    graph_from_voyages,
    most_used_path,
    od_matrix,
    path_to_linestring,
)
from medroutes.tracks import split_voyages


def _toy() -> nx.MultiDiGraph:
    """departure:a -> {p, q} -> r -> arrival:b; 7 voyages via p, 3 via q (q is the shorter hop)."""
    G = nx.MultiDiGraph(crs="EPSG:4326", h3_resolution=5, n_voyages=10)
    pts = {"departure:a": (0, 0), "p": (1, 1), "q": (1, -1), "r": (2, 0), "arrival:b": (3, 0)}
    kinds = {"departure:a": "departure", "arrival:b": "arrival"}
    for n, (x, y) in pts.items():
        G.add_node(n, x=x, y=y, kind=kinds.get(n, "cell"), zone_id=n.split(":")[-1], n_voyages=0)
    for u, v, w in [
        ("departure:a", "p", 7),
        ("departure:a", "q", 3),
        ("p", "r", 7),
        ("q", "r", 3),
        ("r", "arrival:b", 10),
    ]:
        G.add_edge(u, v, key=0, n_voyages=w, n_passages=w, geometry=shapely.LineString([pts[u], pts[v]]))
    for n in G:
        G.nodes[n]["n_voyages"] = sum(d["n_voyages"] for *_, d in G.in_edges(n, data=True)) or 10
    return G


def test_most_used_path_follows_the_flow():
    G = _toy()
    assert most_used_path(G, "a", "b") == ["departure:a", "p", "r", "arrival:b"]
    assert most_used_path(G, "q", "b") == ["q", "r", "arrival:b"]  # node ids work too
    line = path_to_linestring(G, ["departure:a", "p", "r"])
    assert list(line.coords) == [(0, 0), (1, 1), (2, 0)]
    G.add_node("arrival:c", x=5, y=5, kind="arrival", zone_id="c", n_voyages=0)
    with pytest.raises(InsufficientDataError, match="no voyage"):
        most_used_path(G, "a", "c")
    with pytest.raises(ConfigError, match="departure zones"):
        most_used_path(G, "nowhere", "b")


def test_shares_and_bottlenecks_on_the_toy_graph():
    G = _toy()
    es = edge_shares(G)
    assert es.iloc[0]["share"] == 1.0 and es.iloc[0]["v"] == "arrival:b"
    assert es.set_index(["u", "v"]).loc[("departure:a", "q"), "share"] == pytest.approx(0.3)
    assert cell_share(G, "p") == pytest.approx(0.7)
    assert cell_share(G, "851e8053fffffff") == 0.0
    b = bottlenecks(G, k=2)
    assert b["node"].tolist()[0] == "r"  # every route funnels through r
    assert b["betweenness"].iloc[0] == pytest.approx(1.0)
    with pytest.raises(ConfigError):
        bottlenecks(G, k=0)


@pytest.fixture(scope="module")
def voyages():
    pos, truth = make_tracks(
        {"zuwara_lampedusa_east": 6, "zuwara_lampedusa_west": 3, "tripoli_malta": 4, "sfax_lampedusa": 5},
        seed=12,
        interval_h=1.0,
    )
    return split_voyages(pos), truth


def test_od_matrix_counts_voyages(voyages):
    voy, _ = voyages
    m = od_matrix(voy)
    ref = voy.table.groupby(["departure_zone", "arrival_zone"]).size()
    for (d, a), n in ref.items():
        assert m.loc[d, a] == n
    assert m.to_numpy().sum() == len(voy.table)
    assert m.loc["ly_west", "it_lampedusa"] == 9 and m.loc["tn_sfax", "mt_malta"] == 0


def test_real_graph_queries(voyages):
    voy, truth = voyages
    G = graph_from_voyages(voy, attributes=truth)
    path = most_used_path(G, "ly_west", "it_lampedusa")
    assert path[0] == "departure:ly_west" and path[-1] == "arrival:it_lampedusa"
    assert all(G.has_edge(u, v) for u, v in itertools.pairwise(path))
    # the cell of the Lampedusa approach carries the Lampedusa-bound voyages
    last_cell = path[-2]
    assert cell_share(G, last_cell) == pytest.approx(G.nodes[last_cell]["n_voyages"] / len(voy.table))
    assert cell_share(G, (35.45, 12.62)) > 0
    b = bottlenecks(G, k=5)
    assert len(b) == 5 and b["betweenness"].is_monotonic_decreasing
    es = edge_shares(G, min_voyages=3)
    assert (es["n_voyages"] >= 3).all()


def test_graph_by_period_and_compare(voyages):
    voy, truth = voyages
    months = graph_by_period(voy, "MS", attributes=truth)
    ref = voy.table["start_time"].dt.tz_convert(None).dt.to_period("M").astype(str).value_counts()
    assert {k: G.graph["n_voyages"] for k, G in months.items()} == ref.to_dict()
    assert all(G.graph["period"] == k for k, G in months.items())
    seasons = graph_by_period(voy, "season")
    assert sum(G.graph["n_voyages"] for G in seasons.values()) == len(voy.table)
    assert set(seasons) <= {"winter", "spring", "summer", "autumn"}
    # a weather-window mask: first half of the voyages by departure time
    mask = voy.table["start_time"] < voy.table["start_time"].median()
    win = graph_by_period(voy, mask.to_numpy())
    assert set(win) == {"in window", "outside window"}
    assert win["in window"].graph["n_voyages"] == int(mask.sum())
    with pytest.raises(ConfigError):
        graph_by_period(voy, np.ones(3, dtype=bool))

    a, b = win["in window"], win["outside window"]
    diff = compare_graphs(a, b)
    ea = {(u, v): d["n_voyages"] for u, v, d in a.edges(data=True)}
    eb = {(u, v): d["n_voyages"] for u, v, d in b.edges(data=True)}
    assert len(diff) == len(set(ea) | set(eb))
    row = diff.set_index(["u", "v"])
    for key in set(ea) | set(eb):
        na, nb = ea.get(key, 0), eb.get(key, 0)
        assert (row.loc[key, "n_voyages_a"], row.loc[key, "n_voyages_b"]) == (na, nb)
        expect = (
            "added"
            if key not in ea
            else "removed"
            if key not in eb
            else "changed"
            if na != nb
            else "unchanged"
        )
        assert row.loc[key, "change"] == expect
        assert row.loc[key, "delta_share"] == pytest.approx(
            nb / len(voy.table.loc[~mask]) - na / int(mask.sum())
        )
    assert diff.attrs["n_added"] == sum(k not in ea for k in eb)
    assert diff["delta_share"].abs().is_monotonic_decreasing
    c = compare_graphs(a, a)
    assert set(c["change"]) == {"unchanged"} and (c["delta_voyages"] == 0).all()
    labels = pd.Series(np.where(mask, "x", "y"), index=voy.table["voyage_id"])
    assert set(graph_by_period(voy, labels)) == {"x", "y"}
