"""A tiny generator of boat tracks along known route families, for the tracks and graph tests.

Independent of ``medroutes.synthetic``: each voyage follows one of a few
hand-drawn sea routes (waypoints checked to be at sea), with a smooth random
lateral offset, position noise and a reporting interval, so tests know the
true corridor of every voyage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from medroutes.geo import from_med_xy, is_at_sea, to_med_xy

#: (lon, lat) waypoints of route families at sea.
ROUTES: dict[str, list[tuple[float, float]]] = {
    "zuwara_lampedusa_east": [(12.10, 33.05), (12.45, 34.40), (12.62, 35.45)],
    "zuwara_lampedusa_west": [(12.10, 33.05), (11.75, 34.30), (12.45, 35.45)],
    "tripoli_malta": [(13.20, 33.00), (14.10, 34.60), (14.60, 35.80)],
    "sfax_lampedusa": [(10.85, 34.62), (11.05, 34.45), (11.55, 34.55), (12.50, 35.45)],
    "cesme_calabria": [
        (26.15, 38.25),
        (26.01, 38.14),
        (24.60, 37.99),
        (23.22, 36.45),
        (22.45, 36.30),
        (16.70, 38.40),
    ],
    "mahdia_sardinia": [(11.20, 35.55), (11.40, 36.70), (11.10, 37.25), (9.60, 38.30), (8.95, 38.85)],
}


def _polyline_xy(route: list[tuple[float, float]]) -> np.ndarray:
    w = np.asarray(route, dtype=float)
    x, y = to_med_xy(w[:, 0], w[:, 1])
    return np.column_stack([x, y]) / 1000.0  # km


def make_tracks(
    routes: dict[str, int],
    *,
    seed: int = 0,
    interval_h: float = 0.5,
    speed_kn: float = 6.0,
    offset_km: float = 6.0,
    noise_km: float = 0.3,
    start: str = "2024-06-01",
    drop_on_land: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions and truth for ``routes`` = {route name: number of voyages}.

    Returns
    -------
    positions : DataFrame
        POSITIONS columns, one ``vessel_id`` per voyage (``"B0000"``...).
    truth : DataFrame
        ``vessel_id, corridor, corridor_id, persons, departure_time``.
    """
    rng = np.random.default_rng(seed)
    frames = []
    truth = []
    t0 = pd.Timestamp(start, tz="UTC")
    vid = 0
    for ci, (name, n) in enumerate(routes.items()):
        xy = _polyline_xy(ROUTES[name])
        seg = np.hypot(*np.diff(xy, axis=0).T)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        total = cum[-1]
        for _ in range(n):
            v_kmh = speed_kn * 1.852 * rng.uniform(0.85, 1.15)
            dt = interval_h * rng.uniform(0.9, 1.1)
            nfix = max(2, int(total / (v_kmh * dt)) + 1)
            s = np.linspace(0.0, total, nfix)
            px = np.interp(s, cum, xy[:, 0])
            py = np.interp(s, cum, xy[:, 1])
            # smooth lateral offset: zero at both ends, a random bump in between
            k = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
            d = np.diff(xy, axis=0)[k] / seg[k][:, None]
            normal = np.column_stack([-d[:, 1], d[:, 0]])
            amp = rng.normal(0.0, offset_km)
            bump = np.sin(np.pi * s / total) * amp
            px = px + normal[:, 0] * bump + rng.normal(0, noise_km, nfix)
            py = py + normal[:, 1] * bump + rng.normal(0, noise_km, nfix)
            lon, lat = from_med_xy(px * 1000.0, py * 1000.0)
            dep = t0 + pd.Timedelta(hours=float(rng.uniform(0, 24 * 90)))
            ts = dep + pd.to_timedelta(np.arange(nfix) * dt, unit="h")
            vessel = f"B{vid:04d}"
            frames.append(
                pd.DataFrame(
                    {
                        "vessel_id": vessel,
                        "timestamp": ts,
                        "lat": lat,
                        "lon": lon,
                        "sog_kn": v_kmh / 1.852,
                        "cog_deg": np.nan,
                    }
                )
            )
            truth.append((vessel, name, ci, int(rng.integers(20, 120)), dep))
            vid += 1
    pos = pd.concat(frames, ignore_index=True)
    pos["timestamp"] = pos["timestamp"].astype("datetime64[ns, UTC]")
    if drop_on_land:
        pos = pos.loc[is_at_sea(pos["lon"].to_numpy(), pos["lat"].to_numpy())].reset_index(drop=True)
    tr = pd.DataFrame(truth, columns=["vessel_id", "corridor", "corridor_id", "persons", "departure_time"])
    return pos, tr
