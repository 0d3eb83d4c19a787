"""Calibration of a full simulated year against the published figures (calibration.md).

Expected values are the published numbers typed in here, and every simulated
quantity is recomputed from the observable tables (voyages, incidents, zones)
with plain pandas, not taken from the generator's own bookkeeping.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import medroutes.synthetic as syn
from medroutes.geo import assign_zone, haversine_km, zones

from .conftest import year

# calibration.md s.1: persons landed in Italy by departure country
PUBLISHED_ARRIVALS = {
    2022: {"Libya": 53_310, "Tunisia": 32_371, "Türkiye": 16_205},
    2023: {"Libya": 51_986, "Tunisia": 97_667},
}
# calibration.md s.1: 2024 monthly arrivals (UNHCR), Jan..Dec
PUBLISHED_2024_MONTHLY = [2258, 2301, 6857, 4721, 4976, 4902, 7465, 8526, 7685, 5722, 8124, 2780]
# calibration.md s.3: victims per incident
PUBLISHED_MEDIAN_VICTIMS = 4
PUBLISHED_P90_VICTIMS = 48


def _persons_flows(sc: syn.Scenario) -> pd.DataFrame:
    """Landed, returned and dead+missing persons per voyage, from voyages + incidents + SAR zones only."""
    v = sc.voyages.set_index("voyage_id")
    inc = sc.incidents
    fatal = inc[inc["incident_type"].isin(["shipwreck", "death_on_board"])].copy()
    fatal["victims"] = (fatal["dead"] + fatal["missing"]).astype("int64")
    victims = fatal.groupby("voyage_id")["victims"].sum().reindex(v.index, fill_value=0)
    wreck = fatal[fatal["incident_type"] == "shipwreck"].set_index("voyage_id")
    sar = zones("sar")
    sar_country = dict(zip(sar["zone_id"], sar["country"], strict=True))
    where = pd.Series(assign_zone(wreck["lon"], wreck["lat"], sar), index=wreck.index).map(sar_country)
    # survivors of a wreck inside the departure country's SAR region are returned there, others landed
    in_home_sar = pd.Series(False, index=v.index)
    in_home_sar.loc[wreck.index] = (where == v.loc[wreck.index, "departure_country"]).to_numpy()
    survivors = v["persons"] - victims
    outcome = v["outcome"].astype(str)
    landed = np.where(outcome.isin(["arrived", "rescued"]), survivors, 0)
    landed = landed + np.where((outcome == "shipwreck") & ~in_home_sar, survivors, 0)
    returned = np.where(outcome == "intercepted", survivors, 0) + np.where(
        (outcome == "shipwreck") & in_home_sar, survivors, 0
    )
    return pd.DataFrame(
        {
            "country": v["departure_country"],
            "landed": landed,
            "returned": returned,
            "victims": victims,
            "month": v["end_time"].dt.month,
        },
        index=v.index,
    )


def _loss_rate(flows: pd.DataFrame) -> float:
    dm = flows["victims"].sum()
    return dm / (flows["landed"].sum() + flows["returned"].sum() + dm)


@pytest.mark.parametrize("yr", [2022, 2023])
def test_persons_landed_per_country_within_10_percent(yr, year2022, year2023):
    sc = {2022: year2022, 2023: year2023}[yr]
    targets = {c.country: c.arrivals for c in sc.config.countries}
    for country, published in PUBLISHED_ARRIVALS[yr].items():
        assert targets[country] == published  # the shipped configuration carries the published figure
    landed = _persons_flows(sc).groupby("country")["landed"].sum()
    for country, target in targets.items():
        assert landed[country] == pytest.approx(target, rel=0.10), (yr, country, landed[country], target)


def test_flows_agree_with_ground_truth(year2023):
    flows = _persons_flows(year2023)
    t = year2023.truth.set_index("voyage_id")
    assert (flows["landed"] == t["landed"]).all()
    assert (flows["returned"] == t["returned"]).all()
    assert (flows["victims"] == t["dead"] + t["missing"]).all()


@pytest.mark.parametrize("yr", [2022, 2023])
def test_monthly_arrival_shares_correlate_with_configured(yr, year2022, year2023):
    sc = {2022: year2022, 2023: year2023}[yr]
    f = _persons_flows(sc)
    monthly = f.groupby("month")["landed"].sum().reindex(range(1, 13), fill_value=0)
    r = np.corrcoef(monthly / monthly.sum(), np.asarray(sc.config.monthly_shares))[0, 1]
    assert r >= 0.9


def test_monthly_arrival_shares_2024_correlate_with_published():
    sc = year("central-med-2024", 5)
    f = _persons_flows(sc)
    monthly = f.groupby("month")["landed"].sum().reindex(range(1, 13), fill_value=0)
    r = np.corrcoef(monthly.to_numpy(), PUBLISHED_2024_MONTHLY)[0, 1]
    assert r >= 0.9
    # the summer peak (Jul-Sep) carries more arrivals than the winter (Dec-Feb), as published
    assert monthly[[7, 8, 9]].sum() > 2 * monthly[[12, 1, 2]].sum()


@pytest.mark.parametrize("yr", [2022, 2023])
def test_loss_rate_within_20_percent(yr, year2022, year2023):
    sc = {2022: year2022, 2023: year2023}[yr]
    assert _loss_rate(_persons_flows(sc)) == pytest.approx(sc.config.outcomes.loss_rate, rel=0.20)


def test_calibration_holds_across_seeds():
    """Not one lucky seed: six seeds all meet the targets, and the mean loss rate is within 10 %."""
    rates = []
    for seed in range(6):
        sc = year("central-med-2023", 100 + seed)
        f = _persons_flows(sc)
        landed = f.groupby("country")["landed"].sum()
        for c in sc.config.countries:
            assert landed[c.country] == pytest.approx(c.arrivals, rel=0.10)
        rates.append(_loss_rate(f) / sc.config.outcomes.loss_rate)
    assert np.mean(rates) == pytest.approx(1.0, abs=0.10)
    assert len({round(r, 6) for r in rates}) == len(rates)  # different seeds, different scenarios


@pytest.mark.parametrize("yr", [2022, 2023])
def test_victims_per_incident_are_heavy_tailed(yr, year2022, year2023):
    sc = {2022: year2022, 2023: year2023}[yr]
    inc = sc.incidents
    fatal = inc[inc["incident_type"].isin(["shipwreck", "death_on_board"])]
    size = (fatal["dead"] + fatal["missing"]).to_numpy(dtype=float)
    assert (size >= 1).all()
    big = size >= 50
    assert size[big].sum() / size.sum() > 0.5  # incidents with >= 50 victims carry most victims
    assert 0.03 < big.mean() < 0.2  # ... while being a small share of incidents (10 % published)
    assert abs(np.median(size) - PUBLISHED_MEDIAN_VICTIMS) <= 2
    assert 0.5 * PUBLISHED_P90_VICTIMS <= np.percentile(size, 90) <= 2 * PUBLISHED_P90_VICTIMS
    # mostly missing rather than recovered (68 % missing published)
    assert fatal["missing"].sum() / size.sum() == pytest.approx(0.68, abs=0.12)


# calibration.md s.4-s.5: great-circle distances [km] and passage durations [days] per route
ROUTES = [
    # departure zone, arrival zones, distance range km, duration range days
    ("ly_west", ["it_lampedusa"], (289, 321), (1.0, 2.0)),
    ("tn_sfax", ["it_lampedusa"], (139, 187), (0.0, 1.0)),
    ("ly_east", ["it_sicily_se", "it_calabria"], (680, 958), (3.0, 5.0)),
    ("tr_aegean", ["it_calabria"], (861 * 0.85, 861 * 1.15), (4.0, 8.0)),
]


@pytest.mark.parametrize(("dep", "arr", "dist", "days"), ROUTES)
def test_passage_distances_and_durations_in_published_ranges(dep, arr, dist, days, year2023):
    v = year2023.voyages
    a = v[(v["outcome"] == "arrived") & (v["departure_zone"] == dep) & v["arrival_zone"].isin(arr)]
    assert len(a) >= 10
    gc = haversine_km(a["start_lat"], a["start_lon"], a["end_lat"], a["end_lon"])
    assert 0.9 * dist[0] <= np.median(gc) <= 1.1 * dist[1]
    dur_days = (a["end_time"] - a["departure_time"]).dt.total_seconds() / 86400.0
    assert days[0] <= dur_days.median() <= days[1]
    # the sailed distance is never shorter than the straight line, and not absurdly longer
    ratio = a["dist_km"].to_numpy() / gc
    assert (ratio >= 0.99).all()
    assert np.median(ratio) < 1.45


def test_weather_is_correlated_in_time_and_space_and_seasonal(year2023):
    w = year2023.weather.pivot_table(index="date", columns="region", values="wind_kn")
    lw = np.log(w)
    anom = lw - lw.rolling(61, center=True, min_periods=1).mean()
    lag1 = np.mean([anom[c].autocorr(1) for c in anom.columns])
    assert lag1 == pytest.approx(year2023.config.weather.ar1, abs=0.15)
    near = anom["ly_west"].corr(anom["ly_central"])  # ~200 km apart
    far = anom["ly_west"].corr(anom["tr_aegean"])  # ~1,600 km apart
    assert near > 0.5
    assert near > far + 0.3
    hs = year2023.weather.set_index("date")["hs_m"]
    assert hs[hs.index.month.isin([12, 1, 2])].median() > 1.5 * hs[hs.index.month.isin([6, 7, 8])].median()


def test_rough_seas_suppress_departures_and_calm_windows_burst(year2023):
    d = year2023.departures.merge(
        year2023.weather.rename(columns={"region": "zone_id"}), on=["date", "zone_id"], how="left"
    )
    s = d[(d["zone_id"] == "tn_sfax") & d["date"].dt.month.isin([5, 6, 7, 8, 9, 10])]
    calm = s.loc[s["hs_m"] < 0.6, "departures"].mean()
    rough = s.loc[s["hs_m"] > 1.4, "departures"].mean()
    assert calm > 2 * rough
    # bursts: the busiest days carry far more than the average day
    daily = d.groupby("date")["departures"].sum()
    assert daily.max() > 3 * daily.mean()


def test_hazard_is_higher_for_small_craft_in_rough_seas(year2023):
    t = year2023.truth.join(year2023.voyages[["boat_type"]])
    small = t[t["boat_type"].isin(["iron_boat", "rubber_dinghy"])]
    calm = small.loc[small["hs_m"] < 1.0, "hazard"].median()
    rough = small.loc[small["hs_m"] > 1.8, "hazard"].median()
    assert rough >= 3 * calm
    assert t["hazard"].between(0, 1).all()
