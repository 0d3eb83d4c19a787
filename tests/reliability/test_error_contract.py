"""Misuse of the public API raises a MedroutesError (which is also the matching builtin)."""

from __future__ import annotations

import pandas as pd
import pytest

from medroutes.errors import ConfigError

tracks = pytest.importorskip("medroutes.tracks")
graph = pytest.importorskip("medroutes.graph")


def _positions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vessel_id": ["a"] * 3,
            "timestamp": pd.date_range("2024-08-01", periods=3, freq="h", tz="UTC").astype(
                "datetime64[ns, UTC]"
            ),
            "lat": [33.0, 33.1, 33.2],
            "lon": [12.0, 12.1, 12.2],
            "sog_kn": 5.0,
            "cog_deg": 0.0,
        }
    )


@pytest.mark.parametrize(
    "kwargs", [{"max_gap_h": 0}, {"max_gap_h": float("nan")}, {"min_positions": 0}, {"check_land": "yes"}]
)
def test_bad_track_config_is_a_config_error(kwargs):
    with pytest.raises(ConfigError):
        tracks.TrackConfig(**kwargs)


@pytest.mark.parametrize("kwargs", [{"h3_resolution": 16}, {"min_voyages": 0}, {"incident_max_km": -1.0}])
def test_bad_graph_config_is_a_config_error(kwargs):
    with pytest.raises(ConfigError):
        graph.GraphConfig(**kwargs)


def test_split_voyages_bad_on_short_is_a_medroutes_error():
    with pytest.raises(ConfigError, match="on_short"):  # a MedroutesError and a ValueError
        tracks.split_voyages(_positions(), on_short="x")


def test_graph_to_gdfs_nothing_requested_is_a_medroutes_error():
    G = graph.graph_from_voyages(tracks.split_voyages(_positions()))
    with pytest.raises(ConfigError, match="nodes or edges"):
        graph.graph_to_gdfs(G, nodes=False, edges=False)
