"""A tiny, independent scenario simulator for the risk tests.

It is deliberately simple and separate from ``medroutes.synthetic`` so the risk
models can be tested against a ground truth we control line by line: daily
departures per zone driven by season and wave height, a known per-voyage
shipwreck probability (``hazard``), clustered deaths, and SAR assets that
broadcast AIS around fixed stations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from medroutes.geo import haversine_km, zone_centroids

ZONES = {
    # zone: (base departures/day, zone hazard multiplier, boat mix {type: share}, destination)
    "ly_west": (3.0, 1.6, {"rubber_dinghy": 0.6, "wooden_boat": 0.4}, "it_lampedusa"),
    "ly_central": (1.0, 1.0, {"rubber_dinghy": 0.3, "wooden_boat": 0.7}, "mt_malta"),
    "ly_east": (0.6, 0.8, {"fishing_boat": 1.0}, "it_sicily_se"),
    "tn_sfax": (4.0, 0.5, {"iron_boat": 0.8, "wooden_boat": 0.2}, "it_lampedusa"),
    "tr_aegean": (0.8, 0.25, {"sailing_yacht": 1.0}, "it_calabria"),
}
BOATS = {
    # type: (persons low, high, base shipwreck probability, speed kn)
    "rubber_dinghy": (80, 130, 0.020, 4.0),
    "wooden_boat": (20, 60, 0.012, 6.0),
    "fishing_boat": (200, 500, 0.010, 6.0),
    "iron_boat": (40, 70, 0.015, 5.0),
    "sailing_yacht": (50, 100, 0.006, 5.0),
}
STATIONS = {  # asset id: (lon, lat, type)
    "sar_lampedusa": (12.6, 35.4, "sar_vessel"),
    "sar_malta": (14.4, 35.6, "sar_vessel"),
    "patrol_ionian": (17.5, 37.5, "patrol_vessel"),
}


@dataclass
class SimScenario:
    voyages: pd.DataFrame
    incidents: pd.DataFrame
    weather: pd.DataFrame
    departures: pd.DataFrame
    positions: pd.DataFrame
    truth: pd.DataFrame


def simulate(
    seed: int = 0, *, start: str = "2022-01-01", days: int = 1095, scale: float = 1.0
) -> SimScenario:
    rng = np.random.default_rng(seed)
    cent = zone_centroids()
    dates = pd.date_range(start, periods=days, freq="D", tz="UTC")
    doy = dates.day_of_year.to_numpy()
    zones = list(ZONES)
    # weather: seasonal Hs (rough winter) times an AR(1) log-normal anomaly, per zone
    season_hs = 1.2 + 0.5 * np.cos(2 * np.pi * (doy - 15) / 365.25)
    eps = rng.normal(0, 0.35, size=(len(zones), days))
    ar = np.zeros_like(eps)
    for t in range(days):  # AR(1) in time (vectorised over zones)
        ar[:, t] = (0.7 * ar[:, t - 1] if t else 0) + eps[:, t]
    hs = season_hs[None, :] * np.exp(ar - 0.35**2 / 2)
    wind = 5 + 9 * hs + rng.normal(0, 2, size=hs.shape)
    weather = pd.DataFrame(
        {
            "date": np.tile(dates, len(zones)),
            "region": np.repeat(zones, days),
            "wind_kn": np.round(wind.ravel(), 2),
            "hs_m": np.round(hs.ravel(), 3),
        }
    )
    # departures: season (summer peak) x calm weather
    season = 1.0 + 0.6 * np.cos(2 * np.pi * (doy - 215) / 365.25)
    base = np.array([ZONES[z][0] for z in zones])[:, None] * scale
    mu = base * season[None, :] * np.exp(-1.5 * np.maximum(hs - 0.8, 0.0))
    n = rng.poisson(mu)
    zi = np.repeat(np.repeat(np.arange(len(zones)), days), n.ravel())
    ti = np.tile(np.arange(days), len(zones)).reshape(len(zones), days)
    di = np.repeat(ti.ravel(), n.ravel())
    nv = len(zi)
    dep_time = dates[di] + pd.to_timedelta(rng.uniform(0, 24, nv), unit="h").round("min")
    zone_arr = np.asarray(zones, dtype=object)[zi]
    boat = np.empty(nv, dtype=object)
    u = rng.uniform(size=nv)
    for k, z in enumerate(zones):  # per zone (5 zones), not per voyage
        mix = ZONES[z][2]
        cum = np.cumsum(list(mix.values()))
        sel = zi == k
        boat[sel] = np.asarray(list(mix), dtype=object)[np.searchsorted(cum, u[sel] * cum[-1])]
    lo = np.array([BOATS[b][0] for b in boat])
    hi = np.array([BOATS[b][1] for b in boat])
    persons = rng.integers(lo, hi + 1)
    hs_dep = hs[zi, di]
    p0 = np.array([BOATS[b][2] for b in boat])
    zmult = np.array([ZONES[z][1] for z in zone_arr])
    hazard = np.clip(p0 * zmult * np.exp(0.9 * (hs_dep - 1.0)), 0, 0.5)
    wreck = rng.uniform(size=nv) < hazard
    rescued = ~wreck & (rng.uniform(size=nv) < 0.35)
    dest = np.array([ZONES[z][3] for z in zone_arr], dtype=object)
    d_km = haversine_km(
        cent.loc[zone_arr, "lat"].to_numpy(),
        cent.loc[zone_arr, "lon"].to_numpy(),
        cent.loc[dest, "lat"].to_numpy(),
        cent.loc[dest, "lon"].to_numpy(),
    )
    speed = np.array([BOATS[b][3] for b in boat])
    dur_h = d_km / (speed * 1.852)
    outcome = np.where(wreck, "shipwreck", np.where(rescued, "rescued", "arrived")).astype(object)
    # victims: most of those on board, in clusters (one wreck = one incident)
    frac = rng.beta(2, 1.5, size=nv)
    victims = np.where(wreck, np.round(persons * frac), 0).astype(int)
    missing = np.round(victims * 0.7).astype(int)
    dead = victims - missing
    vid = np.arange(1, nv + 1)
    voyages = pd.DataFrame(
        {
            "voyage_id": vid,
            "vessel_id": [f"boat{v:06d}" for v in vid],
            "departure_zone": zone_arr,
            "departure_country": np.where(pd.Series(zone_arr).str.startswith("ly"), "Libya", "other"),
            "departure_time": dep_time,
            "boat_type": boat,
            "persons": persons,
            "outcome": outcome,
            "arrival_zone": np.where(wreck, "at sea", dest).astype(object),
            "arrival_time": dep_time + pd.to_timedelta(dur_h, unit="h").round("min"),
        }
    ).sort_values("departure_time", kind="stable", ignore_index=True)
    # incidents at a point along the route (shipwrecks and rescues)
    ev = np.flatnonzero(wreck | rescued)
    f = rng.uniform(0.1, 0.9, size=len(ev))
    lat0, lon0 = cent.loc[zone_arr[ev], "lat"].to_numpy(), cent.loc[zone_arr[ev], "lon"].to_numpy()
    lat1, lon1 = cent.loc[dest[ev], "lat"].to_numpy(), cent.loc[dest[ev], "lon"].to_numpy()
    incidents = pd.DataFrame(
        {
            "incident_id": [f"inc{k:06d}" for k in range(len(ev))],
            "timestamp": dep_time[ev] + pd.to_timedelta(dur_h[ev] * f, unit="h").round("min"),
            "lat": lat0 + f * (lat1 - lat0),
            "lon": lon0 + f * (lon1 - lon0),
            "incident_type": np.where(wreck[ev], "shipwreck", "rescue"),
            "dead": dead[ev],
            "missing": missing[ev],
            "survivors": persons[ev] - victims[ev],
            "route": "Central Mediterranean",
            "source": "risk-test-sim",
            "location_precision_km": 5.0,
            "voyage_id": vid[ev],
        }
    )
    truth = pd.DataFrame(
        {
            "voyage_id": vid,
            "corridor_id": [f"{z}->{d}" for z, d in zip(zone_arr, dest, strict=True)],
            "hazard": hazard,
            "dead": dead,
            "missing": missing,
        }
    )
    # assets: a fix every 30 min, a bounded random walk around each station
    t_asset = pd.date_range(dates[0], dates[-1] + pd.Timedelta(hours=23.5), freq="30min")
    rows = []
    for aid, (lon, lat, vt) in STATIONS.items():  # three assets
        k = len(t_asset)
        walk = rng.normal(0, 0.02, size=(k, 2)).cumsum(axis=0)
        walk -= np.floor_divide(walk, 0.6) * 0.6  # keep within a 0.6-degree box
        rows.append(
            pd.DataFrame(
                {
                    "vessel_id": aid,
                    "timestamp": t_asset,
                    "lat": lat + walk[:, 1] - 0.3,
                    "lon": lon + walk[:, 0] - 0.3,
                    "sog_kn": 8.0,
                    "cog_deg": np.nan,
                    "vessel_type": vt,
                }
            )
        )
    positions = pd.concat(rows, ignore_index=True)
    departures = (
        voyages.assign(date=voyages["departure_time"].dt.floor("D"))
        .groupby(["date", "departure_zone"])
        .agg(departures=("voyage_id", "size"), persons=("persons", "sum"))
        .reset_index()
        .rename(columns={"departure_zone": "zone_id"})
    )
    return SimScenario(voyages, incidents, weather, departures, positions, truth)
