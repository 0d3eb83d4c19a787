"""The generated tables follow the data model and behave like tracks, voyages and incidents should."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import medroutes.synthetic as syn
from medroutes.errors import ConfigError
from medroutes.geo import AT_SEA, assign_zone, haversine_km, is_at_sea, zones
from medroutes.schema import (
    BOAT_TYPES,
    INCIDENTS,
    OUTCOMES,
    POSITIONS,
    SCENARIO_VOYAGES,
    validate_incidents,
    validate_positions,
)


def test_positions_pass_the_schema_without_dropping_anything(sample):
    pos = sample.positions
    assert [c.name for c in POSITIONS if c.required] == list(pos.columns[:6])
    out, report = validate_positions(pos, max_speed_kn=40.0, check_land=True)
    assert report.n_dropped == 0
    assert len(out) == len(pos) > 10_000
    assert str(pos["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert set(pos["vessel_type"].astype(str)) <= set(BOAT_TYPES) | {"sar_vessel", "patrol_vessel"}
    assert (pos["source"].astype(str) == "medroutes synthetic").all()


def test_every_position_is_at_sea_by_the_land_polygons(sample):
    pos = sample.positions
    assert is_at_sea(pos["lon"].to_numpy(), pos["lat"].to_numpy()).all()


def test_positions_are_sorted_with_increasing_time_per_vessel(sample):
    pos = sample.positions
    key = list(zip(pos["vessel_id"], pos["timestamp"], strict=True))
    assert key == sorted(key)
    assert not pos.duplicated(["vessel_id", "timestamp"]).any()


def test_voyages_follow_the_scenario_schema(sample):
    v = sample.voyages
    for col in SCENARIO_VOYAGES:
        assert col.name in v.columns
    assert set(v["outcome"].astype(str)) <= set(OUTCOMES)
    assert set(v["boat_type"].astype(str)) <= set(BOAT_TYPES)
    assert v["voyage_id"].is_unique and v["vessel_id"].is_unique
    assert str(v["departure_time"].dtype) == "datetime64[ns, UTC]"
    assert (v["persons"] > 0).all()
    dep = zones("departure").set_index("zone_id")["country"]
    assert (v["departure_country"] == v["departure_zone"].map(dep)).all()
    # arrival_time only for arrivals, and it is the end of the track
    arrived = v["outcome"] == "arrived"
    assert v.loc[arrived, "arrival_time"].notna().all() and v.loc[~arrived, "arrival_time"].isna().all()
    assert (v.loc[arrived, "arrival_time"] == v.loc[arrived, "end_time"]).all()
    # ground truth is kept apart
    assert not {"corridor_id", "hazard", "outcome_cause"} & set(v.columns)
    assert list(sample.truth["voyage_id"]) == list(v["voyage_id"])


def test_tracks_match_their_voyages(sample):
    v = sample.voyages.set_index("vessel_id")
    pos = sample.positions
    boats = pos[pos["vessel_id"].isin(v.index)]
    g = boats.groupby("vessel_id", sort=False)
    first, last, n = g.first(), g.last(), g.size()
    assert (n == v.loc[n.index, "n_positions"]).all()
    assert (first["timestamp"] == v.loc[first.index, "departure_time"]).all()
    assert (last["timestamp"] == v.loc[last.index, "end_time"]).all()
    assert np.allclose(last["lon"], v.loc[last.index, "end_lon"], atol=1e-5)
    # each track starts in its departure zone and arrivals end in the arrival zone
    start_zone = assign_zone(first["lon"], first["lat"], kind="departure")
    assert (start_zone == v.loc[first.index, "departure_zone"].to_numpy()).all()
    arr = v.loc[last.index, "outcome"] == "arrived"
    end_zone = assign_zone(last["lon"][arr], last["lat"][arr], kind="arrival")
    assert (end_zone == v.loc[arr[arr].index, "arrival_zone"].to_numpy()).all()
    assert AT_SEA not in set(end_zone)


def test_reporting_intervals_gaps_and_speeds_are_realistic(sample):
    pos = sample.positions[sample.positions["vessel_id"].str.startswith("B")]
    same = pos["vessel_id"].eq(pos["vessel_id"].shift())
    dt_min = pos["timestamp"].diff().dt.total_seconds().div(60)[same]
    lo, hi = sample.config.positions.interval_min
    assert lo * 0.5 <= dt_min.median() <= hi
    assert (dt_min > 60 * sample.config.positions.gap_h[0]).sum() > 0  # some reporting gaps
    # reported speed agrees with the distance between fixes (independent haversine)
    lat, lon = pos["lat"].to_numpy(), pos["lon"].to_numpy()
    d = haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
    h = np.diff(pos["timestamp"].to_numpy()).astype("timedelta64[s]").astype(float) / 3600.0
    ok = same.to_numpy()[1:] & (h > 0) & (h < 0.5)
    implied = d[ok] / h[ok] / 1.852
    reported = pos["sog_kn"].to_numpy()[1:][ok]
    assert np.median(implied / reported) == pytest.approx(1.0, abs=0.15)
    assert 2.0 < np.median(reported) < 9.0


def test_incidents_follow_the_iom_schema(sample):
    inc = sample.incidents
    for col in INCIDENTS:
        if col.required:
            assert col.name in inc.columns
    out, report = validate_incidents(inc)
    assert report.n_dropped == 0 and len(out) == len(inc)
    assert inc["voyage_id"].isin(sample.voyages["voyage_id"]).all()
    assert is_at_sea(inc["lon"].to_numpy(), inc["lat"].to_numpy()).all()
    # dead + missing per voyage are the ground truth's
    dm = (inc["dead"] + inc["missing"]).groupby(inc["voyage_id"]).sum()
    t = sample.truth.set_index("voyage_id")
    assert (dm.reindex(t.index, fill_value=0) == t["dead"] + t["missing"]).all()


def test_interceptions_happen_in_the_departure_countrys_sar_region(year2023):
    inc = year2023.incidents
    v = year2023.voyages.set_index("voyage_id")
    icp = inc[inc["incident_type"] == "interception"]
    country = v.loc[icp["voyage_id"], "departure_country"].to_numpy()
    sar = zones("sar")
    sar_country = dict(zip(sar["zone_id"], sar["country"], strict=True))
    where = np.array([sar_country.get(z, "") for z in assign_zone(icp["lon"], icp["lat"], sar)])
    has_sar = np.isin(country, ["Libya", "Tunisia"])
    assert has_sar.sum() > 100
    assert (where[has_sar] == country[has_sar]).all()
    # intercepted boats were returned: their voyage ends there
    assert (v.loc[icp["voyage_id"], "outcome"] == "intercepted").all()


def test_assets_broadcast_their_own_tracks(sample):
    a = sample.assets
    assert set(a["asset_type"]) == {"sar_vessel", "patrol_vessel"}
    pos = sample.positions
    ap = pos[pos["vessel_id"].isin(a["vessel_id"])]
    assert set(ap["vessel_id"]) == set(a["vessel_id"])
    vt = ap.groupby("vessel_id", observed=True)["vessel_type"].first().astype(str)
    assert (vt == a.set_index("vessel_id").loc[vt.index, "asset_type"]).all()
    # they cover the whole scenario window
    span = ap.groupby("vessel_id")["timestamp"].agg(["min", "max"])
    assert ((span["max"] - span["min"]) > pd.Timedelta(days=sample.config.days - 1)).all()


def test_departures_table_counts_the_voyages(sample):
    d = sample.departures
    v = sample.voyages
    assert d["departures"].sum() == len(v)
    assert d["persons"].sum() == v["persons"].sum()
    per_zone = v.groupby("departure_zone").size()
    assert (d.groupby("zone_id")["departures"].sum().loc[per_zone.index] == per_zone).all()
    # one row per zone and day, weather for the same zones and days
    assert len(d) == sample.config.days * len(sample.config.zones)
    w = sample.weather
    assert set(zip(w["date"], w["region"], strict=True)) == set(zip(d["date"], d["zone_id"], strict=True))


def test_truth_is_consistent(sample):
    t = sample.truth
    v = sample.voyages
    assert t["hazard"].between(0, 1).all()
    assert ((t["dead"] + t["missing"]) <= v["persons"]).all()
    assert (t["landed"] + t["returned"] + t["unobserved"] + t["dead"] + t["missing"] <= v["persons"]).all()
    assert t["corridor_id"].str.match(r"^[a-z_]+>[a-z_]+/\d$").all()
    od = t["corridor_id"].str.split("/").str[0]
    assert (od.str.split(">").str[0] == v["departure_zone"]).all()


def test_routes_vary_within_a_corridor(sample):
    t = sample.truth.set_index("voyage_id")
    v = sample.voyages.set_index("voyage_id")
    pos = sample.positions.merge(v[["vessel_id"]].reset_index(), on="vessel_id")
    pos = pos.join(t[["corridor_id", "launch_site", "landing_site"]], on="voyage_id")
    grp = pos.groupby(["corridor_id", "launch_site", "landing_site"])["vessel_id"].nunique()
    key = grp[grp >= 2].index[0]
    sub = pos.set_index(["corridor_id", "launch_site", "landing_site"]).loc[key]
    # the same template, sailed by two boats, differs by more than a few hundred metres mid-route
    mids = sub.groupby("vessel_id")[["lat", "lon"]].median()
    d = haversine_km(mids["lat"].iloc[0], mids["lon"].iloc[0], mids["lat"].iloc[1], mids["lon"].iloc[1])
    assert d > 0.3


def test_same_seed_same_tables_different_seed_different_tables(sample):
    again = syn.generate_scenario("sample", seed=7, progress=False)
    for name in syn.TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(sample, name))
    other = syn.generate_scenario("sample", seed=8, progress=False)
    assert not other.positions["lat"].equals(sample.positions["lat"]) or len(other.positions) != len(
        sample.positions
    )
    assert other.voyages["departure_time"].tolist() != sample.voyages["departure_time"].tolist()


def test_seed_none_is_recorded_and_a_generator_is_accepted():
    sc = syn.generate_scenario("calm-summer-week", seed=None, progress=False)
    assert isinstance(sc.seed, int)
    again = syn.generate_scenario("calm-summer-week", seed=sc.seed, progress=False)
    pd.testing.assert_frame_equal(again.voyages, sc.voyages)
    g = syn.generate_scenario("calm-summer-week", seed=np.random.default_rng(3), progress=False)
    assert g.seed is None and len(g.voyages) > 0


@pytest.mark.parametrize("bad", [-1, True, "7", 1.5])
def test_bad_seeds_are_refused(bad):
    with pytest.raises(ConfigError, match="seed"):
        syn.generate_scenario("sample", seed=bad, progress=False)


@pytest.fixture(scope="module")
def calm():
    return syn.generate_scenario("calm-summer-week", seed=1, progress=False)


def test_calm_week_positions_at_sea_including_the_long_routes(calm):
    pos = calm.positions
    assert is_at_sea(pos["lon"].to_numpy(), pos["lat"].to_numpy()).all()
    assert {"ly_east", "tn_sfax", "ly_west"} <= set(calm.voyages["departure_zone"])
    validate_positions(pos, max_speed_kn=40.0)


def test_position_modes_sample_and_none(calm):
    cfg = calm.config
    half = dataclasses.replace(
        cfg, positions=dataclasses.replace(cfg.positions, mode="sample", sample_fraction=0.5)
    )
    sc = syn.generate_scenario(half, seed=1, progress=False)
    with_pos = sc.voyages["n_positions"] > 0
    assert with_pos.sum() == round(0.5 * len(sc.voyages))
    tracked = set(sc.positions["vessel_id"]) - set(sc.assets["vessel_id"])
    assert tracked == set(sc.voyages.loc[with_pos, "vessel_id"])
    # the voyages themselves do not depend on the positions mode
    pd.testing.assert_frame_equal(
        sc.voyages.drop(columns="n_positions"), calm.voyages.drop(columns="n_positions")
    )
    none = dataclasses.replace(cfg, positions=dataclasses.replace(cfg.positions, mode="none"))
    sc0 = syn.generate_scenario(none, seed=1, progress=False)
    assert len(sc0.positions) == 0 and list(sc0.positions.columns) == list(calm.positions.columns)
    pd.testing.assert_frame_equal(sc0.incidents, calm.incidents)


def test_progress_bars_can_be_forced(capsys):
    syn.generate_scenario("calm-summer-week", seed=2, progress=True)
    assert "generate calm-summer-week" in capsys.readouterr().err


def test_calm_week_has_more_departures_and_fewer_wrecks_per_boat_than_rough_winter(calm):
    rough = syn.generate_scenario("rough-winter", seed=1, progress=False)
    per_day = lambda sc: len(sc.voyages) / sc.config.days  # noqa: E731
    assert per_day(calm) > 3 * per_day(rough)
    assert rough.truth["hazard"].mean() > 1.5 * calm.truth["hazard"].mean()
    assert rough.weather["hs_m"].median() > 2 * calm.weather["hs_m"].median()


def test_repr_and_html(sample):
    r = repr(sample)
    assert "sample" in r and "voyages" in r
    h = sample._repr_html_()
    assert h.startswith("<div>") and "positions" in h
    s = sample.summary()
    assert s["rows"]["voyages"] == len(sample.voyages)
