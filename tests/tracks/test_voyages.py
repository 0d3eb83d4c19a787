"""split_voyages, clean_positions, TrackConfig and geodesic_km: what a user relies on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import pytest

import medroutes as mr
from medroutes.errors import ConfigError, DataQualityWarning, SchemaError
from medroutes.tracks import TrackConfig, clean_positions, geodesic_km, split_voyages

T0 = pd.Timestamp("2024-07-01 00:00", tz="UTC")
GEOD = pyproj.Geod(ellps="WGS84")


def _track(vessel, hours, lat, lon, sog=5.0, **extra):
    n = len(hours)
    return pd.DataFrame(
        {
            "vessel_id": vessel,
            "timestamp": T0 + pd.to_timedelta(np.asarray(hours, dtype=float), unit="h"),
            "lat": np.broadcast_to(np.asarray(lat, dtype=float), (n,)),
            "lon": np.broadcast_to(np.asarray(lon, dtype=float), (n,)),
            "sog_kn": np.broadcast_to(np.asarray(sog, dtype=float), (n,)),
            "cog_deg": np.nan,
            **extra,
        }
    )


def _random_positions(seed=0, n_vessels=40, n=3000):
    rng = np.random.default_rng(seed)
    vid = rng.integers(0, n_vessels, n)
    t = np.sort(rng.uniform(0, 72, n))  # a raw feed: sorted by time across vessels
    lat = 34.0 + np.cumsum(rng.normal(0, 0.01, n))
    lon = 14.0 + np.cumsum(rng.normal(0, 0.01, n))
    return pd.DataFrame(
        {
            "vessel_id": [f"V{v:03d}" for v in vid],
            "timestamp": T0 + pd.to_timedelta(t, unit="h"),
            "lat": lat,
            "lon": lon,
            "sog_kn": rng.uniform(0, 12, n),
            "cog_deg": np.nan,
        }
    )


# --------------------------------------------------------------------------- config


def test_config_rejects_bad_values():
    with pytest.raises(ConfigError, match="max_gap_h"):
        TrackConfig(max_gap_h=0)
    with pytest.raises(ConfigError, match="min_positions"):
        TrackConfig(min_positions=0)
    with pytest.raises(ConfigError, match="stop_min_h"):
        TrackConfig(stop_min_h=-1)
    with pytest.raises(TypeError):
        TrackConfig(6.0)  # keyword-only
    assert TrackConfig(stop_min_h=None).splits_at_stops is False


# --------------------------------------------------------------------------- splitting


def test_gap_split_matches_plain_pandas_diff_cumsum():
    pos = _random_positions()
    cfg = TrackConfig(max_gap_h=1.0, stop_speed_kn=None)
    voy = split_voyages(pos, config=cfg)
    # independent: stable sort, groupby diff, cumsum
    ref = pos.sort_values(["vessel_id", "timestamp"], kind="stable").reset_index(drop=True)
    gap = ref.groupby("vessel_id")["timestamp"].diff() > pd.Timedelta(hours=1)
    new = gap | ref["vessel_id"].ne(ref["vessel_id"].shift())
    ref_id = new.cumsum().to_numpy() - 1
    pts = voy.points
    assert pts["vessel_id"].tolist() == ref["vessel_id"].tolist()
    assert (pts["timestamp"] == ref["timestamp"]).all()
    np.testing.assert_array_equal(pts["voyage_id"].to_numpy(), ref_id)
    assert pts["voyage_id"].dtype == np.int64
    assert len(voy.table) == ref_id.max() + 1
    assert voy.quality.n_in == voy.quality.n_out == len(pos)


def test_input_order_does_not_matter():
    pos = _random_positions(seed=3)
    a = split_voyages(pos)
    b = split_voyages(pos.sample(frac=1.0, random_state=1))
    c = split_voyages(pos.sort_values(["vessel_id", "timestamp"]))
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.table, c.table)
    pd.testing.assert_frame_equal(a.points, b.points)


def test_many_vessels_use_the_general_sort():
    # more than 65,536 vessels: codes do not fit the 16-bit radix path
    n = 70_000
    pos = pd.DataFrame(
        {
            "vessel_id": np.arange(n)[::-1].repeat(2),
            "timestamp": T0 + pd.to_timedelta(np.tile([0.0, 1.0], n), unit="h"),
            "lat": 34.0,
            "lon": 14.0,
            "sog_kn": 3.0,
            "cog_deg": np.nan,
        }
    )
    voy = split_voyages(pos, config=TrackConfig(stop_speed_kn=None))
    assert len(voy.table) == n
    assert voy.table["vessel_id"].is_monotonic_increasing
    assert (voy.table["n_positions"] == 2).all()


def test_voyage_table_values_computed_independently():
    lat = [33.0, 33.1, 33.25, 33.3]
    lon = [12.0, 12.05, 12.1, 12.3]
    pos = _track("A", [0, 1, 2.5, 4], lat, lon)
    voy = split_voyages(pos, config=TrackConfig(stop_speed_kn=None))
    row = voy.table.iloc[0]
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    d = np.asarray(d)
    dist = d.sum() / 1000.0
    assert row["dist_km"] == pytest.approx(dist, rel=1e-5)
    assert row["duration_h"] == pytest.approx(4.0)
    assert row["mean_sog_kn"] == pytest.approx(dist / 1.852 / 4.0, rel=1e-5)
    assert row["n_positions"] == 4
    assert (row["start_lat"], row["end_lon"]) == (33.0, 12.3)
    assert row["start_time"] == T0 and row["end_time"] == T0 + pd.Timedelta(hours=4)
    np.testing.assert_allclose(voy.points["step_km"].to_numpy()[1:], d / 1000.0, rtol=1e-5)
    np.testing.assert_allclose(voy.points["step_h"].to_numpy(), [0, 1, 1.5, 1.5])
    assert voy.points["step_km"].iloc[0] == 0.0


def test_zones_of_departure_and_arrival():
    # off Zuwara (ly_west) to Lampedusa, and one voyage that ends in open sea
    a = _track("A", [0, 10, 20], [33.05, 34.3, 35.45], [12.10, 12.45, 12.62])
    b = _track("B", [0, 10], [33.05, 34.3], [12.10, 12.45])
    voy = split_voyages(
        pd.concat([a, b]), config=TrackConfig(max_gap_h=12, stop_speed_kn=None, min_positions=1)
    )
    t = voy.table.set_index("vessel_id")
    assert t.loc["A", "departure_zone"] == "ly_west"
    assert t.loc["A", "arrival_zone"] == "it_lampedusa"
    assert t.loc["B", "arrival_zone"] == "at sea"


def test_long_stop_splits_and_is_counted():
    # moving 3 h, stopped 8 h (sog 0), moving again 3 h
    hours = np.arange(0, 15.0, 1.0)
    sog = np.where((hours >= 3) & (hours <= 11), 0.0, 6.0)
    lat = 33.5 + np.cumsum(np.where(sog > 0, 0.05, 0.0))
    pos = _track("A", hours, lat, 13.0, sog=sog)
    voy = split_voyages(pos, config=TrackConfig(stop_speed_kn=0.5, stop_min_h=6.0))
    assert len(voy.table) == 2
    # the stop's first fix ends voyage 0, its last fix starts voyage 1, the 7 between are in none
    assert voy.table["end_time"].iloc[0] == T0 + pd.Timedelta(hours=3)
    assert voy.table["start_time"].iloc[1] == T0 + pd.Timedelta(hours=11)
    assert voy.quality.n_in == 15 and voy.quality.n_out == 8
    (prob,) = voy.quality.problems
    assert prob.check == "in_stop" and prob.n_rows == 7
    # a short stop does not split
    short = split_voyages(pos, config=TrackConfig(stop_speed_kn=0.5, stop_min_h=12.0))
    assert len(short.table) == 1 and short.quality.n_dropped == 0


def test_stationary_vessel_forms_no_voyage():
    pos = _track("moored", np.arange(0, 24.0, 0.5), 35.9, 14.5, sog=0.0)
    voy = split_voyages(pos)
    assert len(voy.table) == 0
    assert voy.quality.n_dropped == len(pos)


def test_short_voyages_flagged_or_dropped_and_counted():
    a = _track("A", [0, 1, 2, 3], 33.5, [13.0, 13.1, 13.2, 13.3])
    b = _track("B", [0, 1], 33.6, [13.0, 13.1])
    pos = pd.concat([a, b])
    cfg = TrackConfig(min_positions=3, stop_speed_kn=None)
    flagged = split_voyages(pos, config=cfg)
    assert flagged.table.set_index("vessel_id")["short"].to_dict() == {"A": False, "B": True}
    with pytest.warns(DataQualityWarning, match="shorter than 3"):
        dropped = split_voyages(pos, config=cfg, on_short="drop")
    assert dropped.table["vessel_id"].tolist() == ["A"]
    assert dropped.quality.n_in == 6 and dropped.quality.n_out == 4
    assert dropped.quality.to_frame()["check"].tolist() == ["short_voyage"]


def test_outcome_and_vessel_type_are_carried():
    a = _track(
        "A",
        [0, 1, 2],
        33.5,
        [13.0, 13.1, 13.2],
        outcome=["unknown", "unknown", "arrived"],
        vessel_type="iron_boat",
    )
    voy = split_voyages(a, config=TrackConfig(stop_speed_kn=None))
    assert voy.table["outcome"].iloc[0] == "arrived"
    assert voy.table["vessel_type"].iloc[0] == "iron_boat"


def test_to_gdf_builds_one_line_per_voyage():
    pos = _random_positions(seed=5, n_vessels=10, n=400)
    voy = split_voyages(pos, config=TrackConfig(max_gap_h=2.0, stop_speed_kn=None, min_positions=1))
    gdf = voy.to_gdf()
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == len(voy.table)
    for vid, g, n in zip(gdf["voyage_id"], gdf.geometry, gdf["n_positions"], strict=True):
        if n < 2:
            assert g is None
            continue
        pts = voy.points.loc[voy.points["voyage_id"] == vid]
        np.testing.assert_allclose(np.asarray(g.coords), pts[["lon", "lat"]].to_numpy())


def test_select_keeps_ids():
    voy = split_voyages(_random_positions())
    ids = voy.table["voyage_id"].to_numpy()[::3]
    sub = voy.select(ids)
    assert sub.table["voyage_id"].tolist() == ids.tolist()
    assert set(sub.points["voyage_id"]) == set(ids)
    assert "voyages of" in repr(sub) and "<div>" in sub._repr_html_()


def test_errors_name_the_column_and_the_fix():
    pos = _random_positions()
    with pytest.raises(SchemaError, match="missing required column 'lat'"):
        split_voyages(pos.drop(columns="lat"))
    naive = pos.assign(timestamp=pos["timestamp"].dt.tz_localize(None))
    with pytest.raises(SchemaError, match=r"tz-aware UTC.*clean_positions"):
        split_voyages(naive)
    bad = pos.copy()
    bad.loc[[3, 7], "lon"] = np.nan
    with pytest.raises(SchemaError, match=r"'lon': 2 of 3,000 rows"):
        split_voyages(bad)
    with pytest.raises(ConfigError, match="on_short"):
        split_voyages(pos, on_short="keep")


# --------------------------------------------------------------------------- cleaning


def test_clean_positions_counts_each_reason():
    base = _track("A", np.arange(10.0), 34.0, 14.0 + 0.05 * np.arange(10))
    dup = base.iloc[[2]]
    jump = base.iloc[[5]].assign(timestamp=T0 + pd.Timedelta(hours=5.5), lat=36.5)  # isolated 150 nm spike
    land = _track("B", [0.0], 37.5, 14.0)  # central Sicily
    raw = pd.concat([base, dup, jump, land], ignore_index=True)
    with pytest.raises(SchemaError):
        clean_positions(raw)
    with pytest.warns(DataQualityWarning):
        pos, qc = clean_positions(raw, on_invalid="drop")
    counts = qc.to_frame().set_index("check")["n_rows"].to_dict()
    assert counts == {"duplicate": 1, "impossible_speed": 1, "on_land": 1}
    assert qc.n_in == len(raw) and qc.n_out == len(pos) == 10
    # no land check and no speed check: only the duplicate goes
    with pytest.warns(DataQualityWarning):
        _pos2, qc2 = clean_positions(
            raw, config=TrackConfig(check_land=False, max_speed_kn=None), on_invalid="drop"
        )
    assert qc2.n_dropped == 1


# --------------------------------------------------------------------------- geodesic


def test_geodesic_km_matches_karney():
    rng = np.random.default_rng(2)
    lat1 = rng.uniform(-70, 70, 5000)
    lon1 = rng.uniform(-180, 180, 5000)
    dist_m = np.concatenate([rng.uniform(1, 50_000, 4000), rng.uniform(50_000, 900_000, 1000)])
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(0, 360, 5000), dist_m)
    got = geodesic_km(lat1, lon1, lat2, lon2)
    np.testing.assert_allclose(got, dist_m / 1000.0, rtol=3e-5)


def test_progress_bar_on_and_off(capsys):
    pos = _random_positions(n=200)
    with mr.set_options(progress=True):
        split_voyages(pos)
    assert "split_voyages" in capsys.readouterr().err
    split_voyages(pos)  # the test suite turns bars off
    assert capsys.readouterr().err == ""
