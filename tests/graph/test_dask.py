"""The same split_voyages and graph_from_voyages on a Dask DataFrame give the pandas result."""

from __future__ import annotations

import pandas as pd
import pytest
from synth_tracks import make_tracks

from medroutes.graph import graph_from_voyages
from medroutes.tracks import split_voyages

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")


def _edge_table(G) -> pd.DataFrame:
    rows = [
        {
            "u": u,
            "v": v,
            "key": k,
            **{a: x for a, x in d.items() if a != "geometry"},
            "wkt": d["geometry"].wkt,
        }
        for u, v, k, d in G.edges(keys=True, data=True)
    ]
    return pd.DataFrame(rows).sort_values(["u", "v", "key"]).reset_index(drop=True)


def _node_table(G) -> pd.DataFrame:
    return (
        pd.DataFrame([{"node": n, **d} for n, d in G.nodes(data=True)])
        .sort_values("node")
        .reset_index(drop=True)
    )


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_dask_graph_equals_pandas_graph(client):
    pos, truth = make_tracks(
        {"zuwara_lampedusa_east": 6, "tripoli_malta": 5, "sfax_lampedusa": 6, "mahdia_sardinia": 4},
        seed=21,
        interval_h=2.0,
    )
    # a raw feed: rows in time order across vessels, and one vessel reporting twice after a long gap
    extra = pos.loc[pos["vessel_id"] == "B0000"].assign(
        timestamp=lambda d: d["timestamp"] + pd.Timedelta(days=30)
    )
    pos = pd.concat([pos, extra]).sort_values("timestamp", kind="stable").reset_index(drop=True)
    incidents = truth.assign(lat=35.3, lon=12.5, dead=1, missing=0).head(3)

    voy = split_voyages(pos)
    G = graph_from_voyages(voy, attributes=truth, incidents=incidents)

    ddf = dd.from_pandas(pos, npartitions=4)
    lazy = split_voyages(ddf)
    assert lazy.is_lazy
    Gd = graph_from_voyages(lazy, attributes=truth, incidents=incidents)

    pd.testing.assert_frame_equal(_edge_table(G), _edge_table(Gd))
    pd.testing.assert_frame_equal(_node_table(G), _node_table(Gd))
    assert Gd.graph["n_voyages"] == G.graph["n_voyages"] == len(voy.table)
    assert Gd.graph["n_incidents_mapped"] == G.graph["n_incidents_mapped"]

    # the voyages themselves: same rows, ids unique but partition-coded
    got = lazy.compute()
    cols = [c for c in voy.table.columns if c != "voyage_id"]
    a = voy.table[cols].sort_values(["vessel_id", "start_time"]).reset_index(drop=True)
    b = got.table[cols].sort_values(["vessel_id", "start_time"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)  # dask stores strings as pyarrow strings
    assert got.table["voyage_id"].is_unique
    assert got.quality.n_in == len(pos) and got.quality.n_out == len(voy.points)
    # a dask positions frame goes straight into graph_from_voyages too
    G2 = graph_from_voyages(ddf, attributes=truth)
    assert sorted(G2.edges(data="n_voyages")) == sorted(G.edges(data="n_voyages"))
