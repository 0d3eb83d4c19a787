"""Small hand-made inputs for the plot tests (no other pipeline stage needed)."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from medroutes.geo import zones

CELLS = {  # node -> (lon, lat)
    "ly_west": (12.997, 32.965),
    "tn_sfax": (11.246, 35.100),
    "it_lampedusa": (12.736, 35.676),
    "mt_malta": (14.576, 35.962),
    "c1": (12.90, 33.60),
    "c2": (12.80, 34.40),
    "c3": (13.60, 34.80),
    "c4": (12.00, 35.30),
}
KINDS = {"ly_west": "departure", "tn_sfax": "departure", "it_lampedusa": "arrival", "mt_malta": "arrival"}
# (u, v, n_voyages)
EDGES = [
    ("ly_west", "c1", 120),
    ("c1", "c2", 100),
    ("c2", "it_lampedusa", 80),
    ("c1", "c3", 20),
    ("c3", "mt_malta", 20),
    ("c2", "c4", 10),
    ("tn_sfax", "c4", 40),
    ("c4", "it_lampedusa", 50),
    ("c3", "c2", 2),
]


def small_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(crs="EPSG:4326", h3_resolution=5, n_voyages=160)
    for n, (x, y) in CELLS.items():
        G.add_node(n, x=x, y=y, kind=KINDS.get(n, "cell"), n_voyages=1)
    for u, v, w in EDGES:
        line = shapely.LineString([CELLS[u], CELLS[v]])
        G.add_edge(u, v, 0, n_voyages=w, n_vessels=w, persons=40 * w, length_km=1.0, geometry=line)
    return G


def small_gdfs() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    nodes = gpd.GeoDataFrame(
        {
            "x": [c[0] for c in CELLS.values()],
            "y": [c[1] for c in CELLS.values()],
            "kind": [KINDS.get(n, "cell") for n in CELLS],
        },
        index=pd.Index(list(CELLS), name="osmid"),
        geometry=gpd.points_from_xy([c[0] for c in CELLS.values()], [c[1] for c in CELLS.values()]),
        crs=4326,
    )
    edges = gpd.GeoDataFrame(
        {
            "u": [e[0] for e in EDGES],
            "v": [e[1] for e in EDGES],
            "key": 0,
            "n_voyages": [e[2] for e in EDGES],
        },
        geometry=[shapely.LineString([CELLS[u], CELLS[v]]) for u, v, _ in EDGES],
        crs=4326,
    ).set_index(["u", "v", "key"])
    return nodes, edges


def small_incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": ["i1", "i2", "i3", "i4", "i5", "i6"],
            "timestamp": pd.to_datetime(
                ["2023-03-01", "2023-04-11", "2023-05-20", "2023-06-02", "2023-06-15", "2023-06-20"], utc=True
            ),
            "lat": [33.40, 34.90, 35.40, 33.90, np.nan, 34.5],
            "lon": [12.50, 11.80, 12.40, 13.80, np.nan, 12.2],
            "incident_type": pd.Categorical(
                ["shipwreck", "shipwreck", "rescue", "death", "shipwreck", "distress"]
            ),
            "dead": pd.array([20, 3, 0, 1, 7, pd.NA], dtype="Int64"),
            "missing": pd.array([80, 0, 0, pd.NA, 0, pd.NA], dtype="Int64"),
            "survivors": pd.array([30, 10, 45, pd.NA, 2, pd.NA], dtype="Int64"),
            "route": "Central Mediterranean",
            "source": "test",
        }
    )


def small_risk_table() -> pd.DataFrame:
    ids = ["ly_west", "ly_central", "ly_east", "tn_sfax", "tr_aegean", "tr_south"]
    cats = ["Very high", "High", "Medium", "Low", "Insufficient data", "Medium"]
    score = np.array([0.8, 0.6, 0.4, 0.2, np.nan, 0.45])
    return pd.DataFrame(
        {
            "unit_id": ids,
            "unit_type": "zone",
            "score": score,
            "score_low": score - 0.1,
            "score_high": score + 0.1,
            "category": cats,
            "explanation": [f"zone {i}" for i in ids],
        }
    )


def small_zones() -> gpd.GeoDataFrame:
    return zones()


def small_departures() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)
    dates = pd.date_range("2023-01-01", "2023-06-30", freq="D", tz="UTC")
    rows = []
    weather = []
    for z, lam in (("ly_west", 3.0), ("tn_sfax", 2.0), ("ly_east", 0.7)):
        hs = 0.6 + 0.9 * (1 + np.sin(np.arange(len(dates)) / 9.0)) / 2 + rng.uniform(0, 0.3, len(dates))
        dep = rng.poisson(lam * np.exp(-(hs - 0.6)))
        rows.append(pd.DataFrame({"date": dates, "zone_id": z, "departures": dep, "persons": dep * 45}))
        weather.append(pd.DataFrame({"date": dates, "region": z, "wind_kn": 6 + 8 * hs, "hs_m": hs}))
    return pd.concat(rows, ignore_index=True), pd.concat(weather, ignore_index=True)


def small_voyages() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    dep = rng.choice(["ly_west", "tn_sfax", "ly_east"], size=n, p=[0.5, 0.4, 0.1])
    arr = rng.choice(["it_lampedusa", "mt_malta", "it_calabria", "at sea"], size=n, p=[0.6, 0.1, 0.2, 0.1])
    start = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(rng.uniform(0, 180, n), unit="D")
    return pd.DataFrame(
        {
            "voyage_id": np.arange(n, dtype="int64"),
            "vessel_id": [f"v{i}" for i in range(n)],
            "start_time": start,
            "end_time": start + pd.Timedelta(hours=30),
            "departure_zone": dep,
            "arrival_zone": arr,
            "persons": rng.integers(20, 120, n),
        }
    )


def small_corridors() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"corridor_id": [0, 1], "n_voyages": [140, 60], "half_width_km": [25.0, 15.0]},
        geometry=[
            shapely.LineString([CELLS["ly_west"], CELLS["c1"], CELLS["c2"], CELLS["it_lampedusa"]]),
            shapely.LineString([CELLS["tn_sfax"], CELLS["c4"], CELLS["it_lampedusa"]]),
        ],
        crs=4326,
    )
