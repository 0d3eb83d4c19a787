"""score_risk: the contract, categories, uncertainty, explanations, determinism and data handling."""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from medroutes.errors import ConfigError, SchemaError
from medroutes.risk import CATEGORIES, INSUFFICIENT, UNIT_COLUMNS, RiskConfig, add_edge_risk, score_risk

FAST = RiskConfig(seed=5, n_draws=200, incident_model=False)


def _small(sim, days: int = 200):
    """The first ``days`` days of the simulated scenario (fast re-scoring)."""
    t1 = sim.voyages["departure_time"].min() + pd.Timedelta(days=days)
    v = sim.voyages.loc[sim.voyages["departure_time"] < t1].reset_index(drop=True)
    i = sim.incidents.loc[sim.incidents["voyage_id"].isin(v["voyage_id"])].reset_index(drop=True)
    return v, i


def test_contract_columns_and_value_ranges(sim_result):
    res = sim_result
    for name in ("zones", "corridors", "windows"):
        t = getattr(res, name)
        assert list(t.columns[: len(UNIT_COLUMNS)]) == list(UNIT_COLUMNS)
        assert set(t["category"]) <= {*CATEGORIES, INSUFFICIENT}
        s = t.loc[t["category"] != INSUFFICIENT]
        for c in ("threat", "vulnerability", "impact", "score", "score_low", "score_high"):
            assert s[c].between(0, 1).all(), c
        assert (s["score_low"] <= s["score"] + 1e-9).all() and (s["score"] <= s["score_high"] + 1e-9).all()
        assert (t["rate_low"] <= t["rate_per_1000"]).all() and (t["rate_per_1000"] <= t["rate_high"]).all()
    assert res.to_frame()["unit_type"].value_counts().to_dict() == {
        "zone": len(res.zones),
        "corridor": len(res.corridors),
        "window": len(res.windows),
    }
    assert len(res.edges) == 0


def test_category_follows_the_documented_matrix(sim_result):
    z = pd.concat([sim_result.zones, sim_result.windows])
    z = z.loc[z["category"] != INSUFFICIENT]
    t = sim_result.config.thresholds
    expected = np.select(
        [z["score"] < t[0], z["score"] < t[1], z["score"] < t[2]], list(CATEGORIES[:3]), CATEGORIES[3]
    )
    assert (z["category"].to_numpy() == expected).all()
    m = sim_result.matrix
    assert m["category"].tolist() == [*CATEGORIES, INSUFFICIENT]
    assert m.loc[0:3, "score_min"].tolist()[1:] == list(t)


def test_totals_match_plain_pandas(sim, sim_result):
    z = sim_result.zones.set_index("unit_id")
    exp_n = sim.voyages.groupby("departure_zone").size()
    exp_p = sim.voyages.groupby("departure_zone")["persons"].sum()
    dm = sim.incidents.assign(dm=sim.incidents["dead"] + sim.incidents["missing"]).merge(
        sim.voyages[["voyage_id", "departure_zone"]], on="voyage_id"
    )
    exp_dm = dm.groupby("departure_zone")["dm"].sum()
    assert (z["n_voyages"] == exp_n.reindex(z.index)).all()
    assert (z["n_crossings"] == exp_p.reindex(z.index)).all()  # persons who attempted the crossing
    assert (z["dead_missing"] == exp_dm.reindex(z.index)).all()
    w = sim_result.windows
    assert w.groupby("zone_id")["n_voyages"].sum().reindex(z.index).tolist() == z["n_voyages"].tolist()
    assert w["unit_id"].str.fullmatch(r"[a-z_]+\|\d{4}-\d{2}").all()


def test_explanations_name_the_driving_factors(sim_result):
    z = sim_result.zones.loc[sim_result.zones["category"] != INSUFFICIENT]
    for _, r in z.iterrows():
        e = r["explanation"]
        assert e.startswith(f"{r['category']}: ")
        for word in (
            "impact",
            "threat",
            "vulnerability",
            "dead+missing per 1,000 persons crossing",
            "90 % CI",
        ):
            assert word in e
        assert f"{r['impact']:.2f}" in e and f"{r['threat']:.2f}" in e
    top = z.sort_values("threat").iloc[-1]
    assert "departures/day" in top["explanation"] and "the median zone" in top["explanation"]


def test_small_units_are_insufficient_data_and_not_extreme(sim):
    v, i = _small(sim)
    # a new zone with 3 crossings, one of them lost with 50 of 60 people
    extra = v.iloc[:3].copy()
    extra["voyage_id"] = [900001, 900002, 900003]
    extra["departure_zone"] = "tr_south"
    extra["persons"] = 60
    inc = i.iloc[:1].copy()
    inc[["incident_id", "voyage_id", "incident_type", "dead", "missing"]] = [
        "x1",
        900001,
        "shipwreck",
        10,
        40,
    ]
    res = score_risk(
        pd.concat([v, extra], ignore_index=True), pd.concat([i, inc], ignore_index=True), config=FAST
    )
    z = res.zones.set_index("unit_id")
    r = z.loc["tr_south"]
    assert r["category"] == INSUFFICIENT and np.isnan(r["score"])
    assert "3 voyage(s), fewer than the minimum of 10; not scored" in r["explanation"]
    raw = 50 / 180 * 1000
    pooled = z["dead_missing"].sum() / z["n_crossings"].sum() * 1000
    assert r["rate_per_1000"] < raw / 4
    assert r["rate_per_1000"] < 5 * pooled


def test_same_seed_same_bytes_and_seed_only_moves_the_interval(sim):
    v, i = _small(sim)
    a = score_risk(v, i, config=FAST).to_frame().to_csv(index=False)
    b = score_risk(v, i, config=FAST).to_frame().to_csv(index=False)
    assert a == b
    c = score_risk(v, i, config=RiskConfig(seed=6, n_draws=200, incident_model=False)).to_frame()
    fa = pd.read_csv(pd.io.common.StringIO(a))
    np.testing.assert_allclose(fa["score"], c["score"], equal_nan=True)
    assert not np.allclose(fa["score_low"].fillna(0), c["score_low"].fillna(0))


def test_row_order_does_not_change_scores_or_categories(sim):
    v, i = _small(sim)
    a = score_risk(v, i, config=FAST)
    rng = np.random.default_rng(0)
    vs = v.iloc[rng.permutation(len(v))].reset_index(drop=True)
    is_ = i.iloc[rng.permutation(len(i))].reset_index(drop=True)
    b = score_risk(vs, is_, config=FAST)
    for name in ("zones", "windows"):
        ta, tb = getattr(a, name).set_index("unit_id"), getattr(b, name).set_index("unit_id")
        tb = tb.loc[ta.index]
        assert (ta["category"] == tb["category"]).all()
        np.testing.assert_allclose(ta["score"], tb["score"], equal_nan=True, rtol=1e-12)


@pytest.mark.parametrize("impact", ["rate", "frequency"])
def test_more_dead_per_crossing_never_lowers_impact(sim, impact):
    v, i = _small(sim)
    cfg = RiskConfig(seed=5, n_draws=200, incident_model=False, impact=impact)
    base = score_risk(v, i, config=cfg).zones.set_index("unit_id")
    z = "tn_sfax"
    vid = v.loc[v["departure_zone"] == z, "voyage_id"]
    rng = np.random.default_rng(1)
    worse = i.copy()
    if impact == "rate":  # more dead in an existing incident of the zone
        k = worse.index[worse["voyage_id"].isin(vid) & (worse["incident_type"] == "rescue")][:3]
        worse.loc[k, "dead"] = worse.loc[k, "dead"] + rng.integers(1, 20, len(k))
    else:  # one more fatal incident on a voyage of the zone
        new = worse.iloc[:1].copy()
        spare = vid[~vid.isin(worse["voyage_id"])].iloc[0]
        new[["incident_id", "voyage_id", "incident_type", "dead", "missing"]] = [
            "new",
            spare,
            "death_on_board",
            1,
            0,
        ]
        worse = pd.concat([worse, new], ignore_index=True)
    after = score_risk(v, worse, config=cfg).zones.set_index("unit_id")
    assert after.loc[z, "impact"] > base.loc[z, "impact"]
    assert after.loc[z, "dead_missing"] > base.loc[z, "dead_missing"]


def test_under_recording_scales_rates_not_scores(sim):
    v, i = _small(sim)
    a = score_risk(v, i, config=FAST).zones
    b = score_risk(
        v, i, config=RiskConfig(seed=5, n_draws=200, incident_model=False, under_recording=(1.2, 1.5))
    ).zones
    np.testing.assert_allclose(b["rate_per_1000"], a["rate_per_1000"] * 1.35)
    np.testing.assert_allclose(b["rate_low"], a["rate_low"] * 1.2)
    np.testing.assert_allclose(b["rate_high"], a["rate_high"] * 1.5)
    np.testing.assert_allclose(b["score"], a["score"], equal_nan=True)


def test_provenance_records_seed_config_fingerprints_and_versions(sim_result, sim):
    p = sim_result.provenance
    assert p["seed"] == 11
    assert p["config"] == sim_result.config.to_dict()
    assert p["inputs"]["voyages"]["rows"] == len(sim.voyages)
    assert len(p["inputs"]["incidents"]["sha256"]) == 64
    assert {"python", "numpy", "pandas", "scikit-learn", "medroutes"} <= set(p["versions"])
    assert p["exposure_unit"] == "persons"
    assert p["dispersion"] >= 1
    assert "never people" in sim_result._repr_html_() and "tn_sfax" in repr(sim_result)


def test_incident_model_report_is_attached(sim_result):
    rep = sim_result.incident_model
    assert rep is not None and rep.target == "fatal"
    assert 0.5 < rep.roc_auc <= 1
    z = sim_result.zones
    # with the model, each zone's frequency is compared with its expected number of fatal voyages
    assert z["expected_fatal"].notna().all()
    assert z["expected_fatal"].sum() == pytest.approx(z["fatal"].sum(), rel=0.25)


def test_tracks_voyages_without_persons_and_an_asset_registry(sim):
    v, i = _small(sim, days=120)
    table = v.rename(columns={"departure_time": "start_time"})[
        ["voyage_id", "vessel_id", "start_time", "departure_zone", "arrival_zone"]
    ]
    points = pd.DataFrame(
        {"voyage_id": v["voyage_id"], "timestamp": v["departure_time"], "lon": 12.0, "lat": 34.0}
    )
    voy = SimpleNamespace(table=table, points=points)
    registry = pd.DataFrame({"vessel_id": ["x"], "asset_type": ["sar_vessel"], "base": ["mt_malta"]})
    res = score_risk(voy, i, assets=registry, config=FAST)
    assert res.provenance["exposure_unit"] == "voyages"
    notes = " ".join(res.notes)
    assert "start_time" in notes and "asset registry" in notes and "boat crossings" in notes
    z = res.zones.loc[res.zones["category"] != INSUFFICIENT]
    assert z["explanation"].str.contains("not available: .*persons on board", regex=True).all()
    assert z["explanation"].str.contains("per 1,000 boat crossings").all()


def test_edges_are_scored_and_written_onto_the_graph(sim):
    v, i = _small(sim, days=120)
    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_node("ly_west", x=13.0, y=33.0, kind="departure")
    G.add_node("c1", x=12.8, y=34.3, kind="cell")
    G.add_node("it_lampedusa", x=12.6, y=35.5, kind="arrival")
    G.add_edge(
        "ly_west",
        "c1",
        0,
        n_voyages=40,
        persons=3000,
        geometry=shapely.LineString([(13.0, 33.0), (12.8, 34.3)]),
    )
    G.add_edge("c1", "it_lampedusa", 0, n_voyages=3, persons=200)  # geometry from the nodes
    inc = i.iloc[:2].copy()
    inc[["lon", "lat", "dead", "missing", "location_precision_km"]] = [
        [12.9, 33.65, 5, 5, 5.0],
        [20.0, 33.0, 1, 0, 5.0],
    ]
    inc["voyage_id"] = None
    allinc = pd.concat([i, inc], ignore_index=True)
    res = score_risk(v, allinc, graph=G, config=FAST)
    e = res.edges.set_index("unit_id")
    assert len(e) == 2
    # expected by brute force: each incident goes to the nearest edge within its precision radius
    from medroutes.geo import to_med_xy

    lines = [
        shapely.LineString([(13.0, 33.0), (12.8, 34.3)]),
        shapely.LineString([(12.8, 34.3), (12.6, 35.5)]),
    ]
    proj = [shapely.LineString(np.column_stack(to_med_xy(*np.asarray(g.coords).T))) for g in lines]
    x, y = to_med_xy(allinc["lon"].to_numpy(), allinc["lat"].to_numpy())
    d = np.array([[shapely.Point(a, b).distance(p) / 1000 for p in proj] for a, b in zip(x, y, strict=True)])
    near = np.where(d.min(axis=1) <= allinc["location_precision_km"].to_numpy(), d.argmin(axis=1), -1)
    dm = (allinc["dead"] + allinc["missing"]).to_numpy(dtype=float)
    assert e.loc["ly_west|c1|0", "dead_missing"] == dm[near == 0].sum()
    assert e.loc["c1|it_lampedusa|0", "dead_missing"] == dm[near == 1].sum()
    assert (near == 0).sum() >= 1 and near[-1] == -1  # the incident far east is on no edge
    assert e.loc["c1|it_lampedusa|0", "category"] == INSUFFICIENT
    att = res.attribution.set_index("unit_type")
    assert att.loc["edge", "attributed"] == (near >= 0).sum()
    assert att.loc["edge", "attributed"] + att.loc["edge", "unattributed"] == att.loc["edge", "n_incidents"]
    add_edge_risk(G, res)
    d = G.edges["ly_west", "c1", 0]
    assert d["risk_category"] == e.loc["ly_west|c1|0", "category"]
    assert d["risk_score"] == pytest.approx(e.loc["ly_west|c1|0", "score"])
    assert G.edges["c1", "it_lampedusa", 0]["risk_score"] is None


def test_errors_name_the_problem(sim):
    v, i = _small(sim, days=60)
    with pytest.raises(SchemaError, match="'departure_zone'"):
        score_risk(v.drop(columns="departure_zone"), i)
    with pytest.raises(SchemaError, match="repeat an earlier voyage_id"):
        score_risk(pd.concat([v, v.iloc[:2]]), i)
    with pytest.raises(SchemaError, match="incidents: missing column"):
        score_risk(v, i.drop(columns="dead"))
    with pytest.raises(ConfigError, match="thresholds"):
        RiskConfig(thresholds=(0.7, 0.5, 0.6))
    with pytest.raises(ConfigError, match="unknown parameter"):
        RiskConfig.from_dict({"sed": 1})


def test_corridor_bands_assign_voyages_and_unlinked_incidents(sim):
    v, i = _small(sim, days=150)
    res0 = score_risk(v, i, config=FAST)
    f = res0.voyages
    # one band around the Sfax mid-passage points, one elsewhere with another origin
    pts = f.loc[f["zone_id"] == "tn_sfax", ["mid_lon", "mid_lat"]].median()
    band = shapely.Point(pts["mid_lon"], pts["mid_lat"]).buffer(0.3)
    table = pd.DataFrame(
        {"corridor_id": ["c-sfax", "c-other"], "origin_zone": ["tn_sfax", "ly_west"], "band": [band, band]}
    )
    extra = i.iloc[:1].copy()
    extra[["incident_id", "lon", "lat", "dead", "missing"]] = ["free", pts["mid_lon"], pts["mid_lat"], 7, 0]
    extra["voyage_id"] = None
    res = score_risk(v, pd.concat([i, extra], ignore_index=True), corridors=table, config=FAST)
    inside = shapely.contains_xy(band, f["mid_lon"], f["mid_lat"])
    c = res.corridors.set_index("unit_id")
    assert list(c.index) == ["c-sfax"]  # ly_west voyages are not in a tn_sfax band
    assert c.loc["c-sfax", "n_voyages"] == int((inside & (f["zone_id"] == "tn_sfax")).sum())
    linked = i.loc[i["voyage_id"].isin(f.loc[inside & (f["zone_id"] == "tn_sfax"), "voyage_id"])]
    assert c.loc["c-sfax", "dead_missing"] == (linked["dead"] + linked["missing"]).sum() + 7
    assert any("mid-passage point inside a corridor band" in n for n in res.notes)


@pytest.mark.slow
def test_pipeline_from_positions_tracks_graph_and_corridors():
    import warnings

    import medroutes as mr

    sc = mr.datasets.load_sample()
    boats = sc.positions.loc[~sc.positions["vessel_type"].astype(str).isin(["sar_vessel", "patrol_vessel"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mr.DataQualityWarning)
        pos, _ = mr.tracks.clean_positions(boats, on_invalid="drop")
    voy = mr.tracks.split_voyages(pos)
    G = mr.graph.graph_from_voyages(voy, attributes=sc.voyages, incidents=sc.incidents)
    cc = mr.graph.CorridorClustering().fit(voy)
    res = score_risk(voy, sc.incidents, graph=G, weather=sc.weather, assets=sc.positions, corridors=cc)
    assert len(res.edges) == G.number_of_edges()
    assert res.corridors["n_voyages"].sum() == int((cc.labels_ >= 0).sum())
    assert res.zones["n_voyages"].sum() == int(
        (~voy.table["departure_zone"].isin(["at sea", "unknown"])).sum()
    )
    mr.risk.add_edge_risk(G, res)
    mr.graph.validate_graph(G)
    cats = {d["risk_category"] for *_, d in G.edges(keys=True, data=True)}
    assert cats <= {*CATEGORIES, INSUFFICIENT}
