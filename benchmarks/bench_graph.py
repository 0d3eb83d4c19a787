"""Benchmark of the route-graph build: positions -> voyages -> graph, and MovingPandas' aggregator.

What is timed (wall clock, one process pinned to one core, OMP/BLAS threads 1):
``medroutes.tracks.split_voyages`` on a raw feed (rows sorted by time across
vessels) followed by ``medroutes.graph.graph_from_voyages`` with default
configurations (H3 resolution 5, zone nodes, sea-only gap filling, edge
geometries routed around land). Reading the cached Parquet input is not
timed; peak memory (``ru_maxrss``) is the whole child process, input included.
One-time process setup (land index, zone polygons, H3 icosahedron) is warmed on
2,000 positions first; the sea-cell caches are emptied before every timed run.

Synthetic positions are made with numpy: vessels sail straight legs between
16 Central-Mediterranean ports (only legs that do not cross land), 8-15 kn,
reporting every 1-10 min (per vessel), staying 2-12 h in port (SOG 0) and
with reporting gaps of 1.2-8 h (about one a day). Each size runs in a fresh
process. The side-by-side ratio times MovingPandas (TrajectoryCollection in
EPSG:3035, ObservationGapSplitter at the same 6 h gap, then
TrajectoryCollectionAggregator with 5 km / 1 km / 6 h and its flows) and
medroutes on the same first positions of the 1 M feed.

Wall time is the figure the targets refer to; CPU time of the process is printed
as well because on a shared machine wall time includes waiting for the CPU.

Run::

    .venv/bin/python benchmarks/bench_graph.py              # 1e6, 1e7, MovingPandas on 1e5 (~2-3 min of MP)
    .venv/bin/python benchmarks/bench_graph.py --quick      # 1e6 only, MovingPandas on 2e4
    .venv/bin/python benchmarks/bench_graph.py --sizes 1e6 --mp-size 0
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(os.environ.get("MEDROUTES_BENCH_CACHE", Path(tempfile.gettempdir()) / "medroutes-bench"))
SEED = 20260401

#: (name, lon, lat): points just off each harbour, at sea.
PORTS = [
    ("Zuwara", 12.08, 32.98),
    ("Tripoli", 13.19, 32.94),
    ("Misrata", 15.25, 32.42),
    ("Benghazi", 19.98, 32.16),
    ("Tobruk", 23.99, 32.12),
    ("Mahdia", 11.12, 35.52),
    ("Lampedusa", 12.60, 35.48),
    ("Linosa", 12.87, 35.84),
    ("Pantelleria", 11.93, 36.86),
    ("Valletta", 14.55, 35.92),
    ("Pozzallo", 14.85, 36.70),
    ("Augusta", 15.26, 37.20),
    ("Porto Empedocle", 13.52, 37.26),
    ("Crotone", 17.16, 39.06),
    ("Roccella", 16.44, 38.31),
    ("Kalamata", 22.10, 36.98),
]


def _one_core() -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        pass


def make_positions(n: int, seed: int = SEED):
    """About ``n`` AIS-like positions, sorted by time across vessels (a raw feed)."""
    import numpy as np
    import pandas as pd
    import shapely

    from medroutes.geo import crosses_land

    rng = np.random.default_rng(seed)
    lon_p = np.array([p[1] for p in PORTS])
    lat_p = np.array([p[2] for p in PORTS])
    a, b = np.meshgrid(np.arange(len(PORTS)), np.arange(len(PORTS)), indexing="ij")
    a, b = a[a != b], b[a != b]
    legs = shapely.linestrings(
        np.stack([np.column_stack([lon_p[a], lat_p[a]]), np.column_stack([lon_p[b], lat_p[b]])], axis=1)
    )
    ok = ~crosses_land(legs)
    dest = {i: b[ok & (a == i)] for i in range(len(PORTS))}
    days = 30.0
    frames = []
    total = 0
    mmsi = 247_000_000
    while total < n:
        interval = rng.uniform(1.0, 10.0) / 60.0  # [h]
        speed = rng.uniform(8.0, 15.0) * 1.852  # [km/h]
        here = int(rng.integers(len(PORTS)))
        wt, wlon, wlat, wsog = [0.0], [lon_p[here]], [lat_p[here]], [0.0]
        t = rng.uniform(0.0, 12.0)
        wt.append(t), wlon.append(lon_p[here]), wlat.append(lat_p[here]), wsog.append(0.0)
        while t < days * 24.0:
            nxt = int(rng.choice(dest[here])) if len(dest[here]) else here
            dkm = 111.2 * np.hypot(
                (lon_p[nxt] - lon_p[here]) * np.cos(np.radians(lat_p[here])), lat_p[nxt] - lat_p[here]
            )
            t += dkm / speed
            wt.append(t), wlon.append(lon_p[nxt]), wlat.append(lat_p[nxt]), wsog.append(speed / 1.852)
            t += rng.uniform(2.0, 12.0)  # port stay
            wt.append(t), wlon.append(lon_p[nxt]), wlat.append(lat_p[nxt]), wsog.append(0.0)
            here = nxt
        k = int(days * 24.0 / interval)
        ts = np.cumsum(rng.uniform(0.8, 1.2, k) * interval)
        ts = ts[ts < days * 24.0]
        lon = np.interp(ts, wt, wlon) + rng.normal(0, 0.002, len(ts))
        lat = np.interp(ts, wt, wlat) + rng.normal(0, 0.002, len(ts))
        seg = np.clip(np.searchsorted(wt, ts), 1, len(wt) - 1)
        sog = np.asarray(wsog)[seg] * rng.uniform(0.9, 1.1, len(ts))
        # reporting gaps of 1.2-8 h, about one a day
        keep = np.ones(len(ts), dtype=bool)
        for g0 in rng.uniform(0, days * 24.0, rng.poisson(days)):
            keep &= ~((ts >= g0) & (ts < g0 + rng.uniform(1.2, 8.0)))
        frames.append((mmsi, ts[keep], lat[keep], lon[keep], sog[keep]))
        total += int(keep.sum())
        mmsi += 1
    vid = np.concatenate([np.full(len(f[1]), f[0], dtype=np.int64) for f in frames])
    t_h = np.concatenate([f[1] for f in frames])
    df = pd.DataFrame(
        {
            "vessel_id": vid,
            "t": t_h,
            "lat": np.concatenate([f[2] for f in frames]),
            "lon": np.concatenate([f[3] for f in frames]),
            "sog_kn": np.concatenate([f[4] for f in frames]),
        }
    )
    df = df.sort_values("t", kind="stable").head(n).reset_index(drop=True)
    df["timestamp"] = pd.Timestamp("2025-06-01", tz="UTC") + pd.to_timedelta(df.pop("t").round(6), unit="h")
    df["cog_deg"] = np.nan
    return df[["vessel_id", "timestamp", "lat", "lon", "sog_kn", "cog_deg"]]


def dataset(n: int) -> Path:
    """Path of the cached Parquet feed of ``n`` positions (made once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"feed_{n}_{SEED}.parquet"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        make_positions(n).to_parquet(tmp, index=False)
        tmp.replace(path)
    return path


def _pipeline(pos):
    from medroutes.graph import graph_from_voyages
    from medroutes.tracks import split_voyages

    voy = split_voyages(pos)
    return voy, graph_from_voyages(voy)


def child(n: int, repeat: int, head: int | None) -> dict:
    """Time the pipeline in this (fresh) process."""
    import pandas as pd

    import medroutes as mr

    _one_core()
    mr.set_options(progress=False)
    pos = pd.read_parquet(dataset(n))
    if head:
        pos = pos.head(head).reset_index(drop=True)
    _pipeline(pos.head(2000))  # warm caches (land index, zones, icosahedron) outside the timing
    times, cpu = [], []
    voy = G = None
    from medroutes.graph._sea import sea_grid

    for _ in range(repeat):
        sea_grid.cache_clear()  # sea-cell tests, gap paths and edge routes are computed afresh each run
        t0 = time.perf_counter()
        c0 = time.process_time()
        voy, G = _pipeline(pos)
        cpu.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
    assert voy is not None and G is not None
    import numpy as np

    med = float(np.median(times))
    return {
        "positions": len(pos),
        "voyages": len(voy.table),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "median_s": med,
        "best_s": float(min(times)),
        "positions_per_s": len(pos) / med,
        "cpu_s": float(np.median(cpu)),
        "positions_per_cpu_s": len(pos) / float(np.median(cpu)),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "repeat": repeat,
    }


def child_movingpandas(n_source: int, head: int) -> dict:
    """Time MovingPandas' flow extraction on the first ``head`` positions."""
    import warnings
    from datetime import timedelta

    import geopandas as gpd
    import pandas as pd

    _one_core()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import movingpandas as mpd

        pos = pd.read_parquet(dataset(n_source)).head(head)
        t0 = time.perf_counter()
        c0 = time.process_time()
        gdf = gpd.GeoDataFrame(
            {"vessel_id": pos["vessel_id"].to_numpy(), "t": pos["timestamp"].dt.tz_convert(None).to_numpy()},
            geometry=gpd.points_from_xy(pos["lon"], pos["lat"]),
            crs=4326,
        ).to_crs(3035)
        tc = mpd.TrajectoryCollection(gdf, traj_id_col="vessel_id", t="t")
        split = mpd.ObservationGapSplitter(tc).split(gap=timedelta(hours=6))
        agg = mpd.TrajectoryCollectionAggregator(
            split, max_distance=5000, min_distance=1000, min_stop_duration=timedelta(hours=6)
        )
        flows = agg.get_flows_gdf()
        dt = time.perf_counter() - t0
        cpu = time.process_time() - c0
    return {
        "positions": head,
        "trajectories": len(split),
        "flows": len(flows),
        "seconds": dt,
        "positions_per_s": head / dt,
        "cpu_s": cpu,
        "positions_per_cpu_s": head / cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def _run_child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, env={**os.environ}
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="*", type=float, default=None, help="feed sizes (default 1e6 1e7)")
    p.add_argument(
        "--mp-size", type=float, default=None, help="positions for MovingPandas (default 1e5; 0: skip)"
    )
    p.add_argument("--quick", action="store_true", help="1e6 only and MovingPandas on 2e4 positions")
    p.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    p.add_argument("--child", nargs=3, type=float, metavar=("N", "REPEAT", "HEAD"), help=argparse.SUPPRESS)
    p.add_argument("--child-mp", nargs=2, type=float, metavar=("N", "HEAD"), help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        n, rep, head = (int(x) for x in a.child)
        print(json.dumps(child(n, rep, head or None)))
        return
    if a.child_mp:
        print(json.dumps(child_movingpandas(int(a.child_mp[0]), int(a.child_mp[1]))))
        return
    sizes = [int(s) for s in (a.sizes if a.sizes is not None else ([1e6] if a.quick else [1e6, 1e7]))]
    mp_size = int(a.mp_size if a.mp_size is not None else (2e4 if a.quick else 1e5))
    print(f"medroutes route-graph benchmark (one core, cache {CACHE})")
    results: dict = {"medroutes": [], "movingpandas": None}
    for n in sizes:
        dataset(n)
        r = _run_child(["--child", str(n), "3" if n <= 2e6 else "1", "0"])
        results["medroutes"].append(r)
        print(
            f"  {r['positions']:>11,} positions -> {r['voyages']:,} voyages -> {r['edges']:,} edges: "
            f"{r['median_s']:.2f} s wall (median of {r['repeat']}), {r['positions_per_s'] / 1e6:.2f} M positions/s "
            f"({r['positions_per_cpu_s'] / 1e6:.2f} M per CPU second), peak {r['peak_mib'] / 1024:.2f} GiB"
        )
    if mp_size > 0:
        src = int(1e6)
        dataset(src)
        ours = _run_child(["--child", str(src), "3", str(mp_size)])
        mp = _run_child(["--child-mp", str(src), str(mp_size)])
        results["movingpandas"] = mp
        results["medroutes_same_positions"] = ours
        ratio = ours["positions_per_s"] / mp["positions_per_s"]
        results["ratio"] = ratio
        print(
            f"  MovingPandas TrajectoryCollectionAggregator on {mp_size:,} positions: {mp['seconds']:.1f} s, "
            f"{mp['positions_per_s']:,.0f} positions/s ({mp['flows']:,} flows); medroutes on the same positions: "
            f"{ours['median_s']:.3f} s, {ours['positions_per_s']:,.0f} positions/s -> {ratio:,.0f}x"
        )
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
