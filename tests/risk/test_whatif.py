"""What-if analysis: re-scoring under a changed scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from medroutes.errors import ConfigError
from medroutes.risk import what_if


def test_no_change_gives_zero_difference(sim_result):
    d = what_if(sim_result, unit_type="all")
    s = d.loc[d["score_before"].notna()]
    np.testing.assert_allclose(s["delta"], 0.0, atol=1e-12)
    assert not d["category_changed"].any()
    assert d.attrs["what_if"] == "no change"


def test_an_asset_on_station_lowers_the_vulnerability_where_it_is(sim_result):
    f = sim_result.voyages
    mid = f.loc[f["zone_id"] == "ly_east", ["mid_lon", "mid_lat"]].median()
    d = what_if(sim_result, add_asset=(float(mid["mid_lon"]), float(mid["mid_lat"]))).set_index("unit_id")
    assert d.loc["ly_east", "vulnerability_after"] < d.loc["ly_east", "vulnerability_before"]
    assert d.loc["ly_east", "delta"] < 0
    assert (d["delta"].dropna() <= 1e-12).all()  # adding an asset never raises a score
    np.testing.assert_allclose(d["threat_after"], d["threat_before"], equal_nan=True)


def test_shifting_departures_moves_the_pressure(sim_result, sim):
    d = what_if(sim_result, shift_departures={"from": "tn_sfax", "to": "ly_west", "share": 0.5}).set_index(
        "unit_id"
    )
    assert d.loc["ly_west", "threat_after"] > d.loc["ly_west", "threat_before"]
    assert d.loc["tn_sfax", "threat_after"] < d.loc["tn_sfax", "threat_before"]
    assert "from tn_sfax to ly_west" in d.attrs["what_if"]
    n = (sim.voyages["departure_zone"] == "tn_sfax").sum()
    assert f"{round(n / 2):,} of {n:,}" in d.attrs["what_if"]


def test_rough_weather_window_lowers_departures_and_raises_vulnerability(sim_result):
    d = what_if(sim_result, scale_hs=2.0, weather_window=("2022-03-01", "2022-10-31")).set_index("unit_id")
    s = d.dropna(subset=["score_before"])
    assert (s["threat_after"] < s["threat_before"]).all()
    assert (s["vulnerability_after"] > s["vulnerability_before"]).all()
    np.testing.assert_allclose(s["impact"], sim_result.zones.set_index("unit_id").loc[s.index, "impact"])


def test_weather_table_replacement_and_bad_requests(sim_result, sim):
    calm = sim.weather.loc[pd.to_datetime(sim.weather["date"]).dt.month == 7].assign(hs_m=0.2, wind_kn=4.0)
    d = what_if(sim_result, weather_window=calm)
    assert "weather replaced on" in d.attrs["what_if"]
    with pytest.raises(ConfigError, match="unknown asset"):
        what_if(sim_result, move_asset=("nope", (12.0, 35.0)))
    with pytest.raises(ConfigError, match="share"):
        what_if(sim_result, shift_departures={"from": "tn_sfax", "to": "ly_west", "share": 2})
    moved = what_if(sim_result, move_asset=("sar_malta", (20.0, 34.0))).set_index("unit_id")
    assert moved.loc["ly_central", "vulnerability_after"] > moved.loc["ly_central", "vulnerability_before"]
