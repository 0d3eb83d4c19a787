"""Property tests of the route graph: flow is conserved and totals equal the voyage count.

For random voyages in the Central Mediterranean (crossing land, gaps and zone
edges included), every cell node passes on what it receives
(``in + n_starts == out + n_ends``), the departures and the arrivals each sum
to the number of voyages, each zone node carries exactly the voyages the
voyages table labels with that zone, and the graph does not depend on the
order of the input rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

tracks = pytest.importorskip("medroutes.tracks")
graph = pytest.importorskip("medroutes.graph")

T0 = pd.Timestamp("2024-08-01", tz="UTC")
CFG = tracks.TrackConfig(stop_speed_kn=None, stop_min_h=None, max_gap_h=6.0)


@st.composite
def walks(draw: st.DrawFn) -> pd.DataFrame:
    """A few vessels on random walks (steps of up to ~20 km, some reporting gaps > 6 h)."""
    frames = []
    n_vessels = draw(st.integers(1, 5))
    for v in range(n_vessels):
        n = draw(st.integers(1, 25))
        lat0 = draw(st.floats(32.8, 37.4))
        lon0 = draw(st.floats(10.3, 15.8))
        dlat = draw(st.lists(st.floats(-0.2, 0.2), min_size=n - 1, max_size=n - 1))
        dlon = draw(st.lists(st.floats(-0.2, 0.2), min_size=n - 1, max_size=n - 1))
        gaps = draw(
            st.lists(st.one_of(st.integers(5, 120), st.integers(400, 900)), min_size=n - 1, max_size=n - 1)
        )
        frames.append(
            pd.DataFrame(
                {
                    "vessel_id": f"v{v}",
                    "timestamp": (T0 + pd.to_timedelta(np.cumsum([0, *gaps]), unit="min")).astype(
                        "datetime64[ns, UTC]"
                    ),
                    "lat": np.clip(lat0 + np.cumsum([0.0, *dlat]), 30.5, 38.5),
                    "lon": np.clip(lon0 + np.cumsum([0.0, *dlon]), 9.5, 16.5),
                    "sog_kn": 5.0,
                    "cog_deg": 0.0,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _flows(G):
    inflow = {n: 0 for n in G.nodes}
    outflow = {n: 0 for n in G.nodes}
    for u, v, d in G.edges(data=True):
        outflow[u] += d["n_passages"]
        inflow[v] += d["n_passages"]
    return inflow, outflow


# a graph takes ~0.15 s: fewer examples in CI, more with HYPOTHESIS_PROFILE=medroutes-dev
_graph_settings = settings(max_examples=max(10, settings.default.max_examples // 5))


@_graph_settings
@given(walks())
def test_flow_is_conserved_and_totals_equal_the_voyage_count(df):
    voy = tracks.split_voyages(df, config=CFG)
    G = graph.graph_from_voyages(voy)
    n_voy = len(voy.table)
    assert G.graph["n_voyages"] == n_voy
    inflow, outflow = _flows(G)
    kind = dict(G.nodes(data="kind"))
    starts = ends = 0
    for n, d in G.nodes(data=True):
        if d["kind"] == "cell":
            assert inflow[n] + d["n_starts"] == outflow[n] + d["n_ends"], (n, d)
            starts += d["n_starts"]
            ends += d["n_ends"]
        elif d["kind"] == "departure":
            assert inflow[n] == 0
        else:
            assert outflow[n] == 0
    dep = sum(outflow[n] for n in G.nodes if kind[n] == "departure")
    arr = sum(inflow[n] for n in G.nodes if kind[n] == "arrival")
    assert dep + starts == n_voy
    assert arr + ends == n_voy
    for _, _, d in G.edges(data=True):
        assert 1 <= d["n_voyages"] <= d["n_passages"]
        assert 1 <= d["n_vessels"] <= d["n_voyages"]
        assert d["length_km"] >= 0


@_graph_settings
@given(walks())
def test_zone_nodes_carry_the_voyages_labelled_with_that_zone(df):
    """Independent of the graph code: the voyages table says where each voyage starts and ends."""
    voy = tracks.split_voyages(df, config=CFG)
    G = graph.graph_from_voyages(voy)
    inflow, outflow = _flows(G)
    dep_counts = voy.table["departure_zone"].value_counts()
    arr_counts = voy.table["arrival_zone"].value_counts()
    for n, d in G.nodes(data=True):
        if d["kind"] == "departure":
            assert outflow[n] == dep_counts.get(d["zone_id"], 0), n
        elif d["kind"] == "arrival":
            assert inflow[n] == arr_counts.get(d["zone_id"], 0), n
    zone_starts = sum(outflow[n] for n, k in G.nodes(data="kind") if k == "departure")
    known = voy.table["departure_zone"].isin(
        [d["zone_id"] for _, d in G.nodes(data=True) if d["kind"] == "departure"]
    )
    assert zone_starts == int(known.sum())


@settings(max_examples=max(6, settings.default.max_examples // 10))
@given(walks(), st.randoms(use_true_random=False))
def test_graph_does_not_depend_on_row_order(df, rnd):
    perm = list(range(len(df)))
    rnd.shuffle(perm)
    a = graph.graph_from_voyages(tracks.split_voyages(df, config=CFG))
    b = graph.graph_from_voyages(tracks.split_voyages(df.iloc[perm].reset_index(drop=True), config=CFG))
    assert sorted(a.nodes) == sorted(b.nodes)
    ea = {(u, v): (d["n_passages"], d["n_voyages"], d["n_vessels"]) for u, v, d in a.edges(data=True)}
    eb = {(u, v): (d["n_passages"], d["n_voyages"], d["n_vessels"]) for u, v, d in b.edges(data=True)}
    assert ea == eb
