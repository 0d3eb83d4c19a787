"""How corridor identification degrades on noisy and sparse tracks (makes docs/figures/corridor_degradation.png).

Scenario: ``medroutes.synthetic`` ``central-med-2024``, 90 days, every position
(``positions.mode = "all"``), seed 0, in two versions: alternative corridors
90 km off the direct one (distinct routes) and the generator's default 50 km
(where corridors overlap in space, because launch sites along a departure
coast spread over 60 km or more). Boat voyages only (SAR and patrol assets
left out), split with ``TrackConfig(max_gap_h=max(12, 3 x interval))``,
clustered with ``CorridorClustering(min_voyages=2, seed=0)``.

Degradations, each applied alone:

* position noise: independent Gaussian error of standard deviation sigma
  added to every fix (in MED_CRS, km), sigma = 0 ... 20 km;
* sparse tracks: each voyage keeps one fix every k (random phase), giving a
  median reporting interval from the native ~3 min up to about 6 h.

Score: adjusted Rand index between recovered and true corridors on the
voyages that reached an arrival zone (the ones whose corridor a track can
show), and the share of those voyages labelled noise (-1).

Run::

    .venv/bin/python benchmarks/corridor_degradation.py            # writes the figure, prints the table
    .venv/bin/python benchmarks/corridor_degradation.py --out x.png --quick
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
NOISE_KM = [0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
THIN = [1, 4, 8, 16, 32, 64, 128]  # keep one fix in k (native median interval ~3 min)


def scenario(offset_km: float, days: int):
    import medroutes.synthetic as syn

    cfg = syn.load_config("central-med-2024")
    cfg = dataclasses.replace(
        cfg,
        days=days,
        positions=dataclasses.replace(cfg.positions, mode="all"),
        routes=dataclasses.replace(cfg.routes, corridor_offset_km=offset_km),
    )
    sc = syn.generate_scenario(cfg, seed=0, progress=False)
    boats = ~sc.positions["vessel_type"].isin(["sar_vessel", "patrol_vessel"])
    pos = sc.positions.loc[boats].reset_index(drop=True)
    truth = sc.voyages[["vessel_id", "voyage_id"]].merge(
        sc.truth[["voyage_id", "corridor_id"]], on="voyage_id"
    )
    return pos, truth.set_index("vessel_id")["corridor_id"]


def noisy(pos: pd.DataFrame, sigma_km: float, rng: np.random.Generator) -> pd.DataFrame:
    from medroutes.geo import from_med_xy, is_at_sea, to_med_xy

    if sigma_km == 0:
        return pos
    x, y = to_med_xy(pos["lon"].to_numpy(), pos["lat"].to_numpy())
    x = x + rng.normal(0.0, sigma_km * 1000.0, len(x))
    y = y + rng.normal(0.0, sigma_km * 1000.0, len(y))
    lon, lat = from_med_xy(x, y)
    out = pos.assign(lon=lon, lat=lat)
    return out.loc[is_at_sea(lon, lat)].reset_index(drop=True)  # as clean_positions(check_land) would


def sparse(pos: pd.DataFrame, k: int, rng: np.random.Generator) -> pd.DataFrame:
    if k == 1:
        return pos
    pos = pos.sort_values(["vessel_id", "timestamp"], kind="stable").reset_index(drop=True)
    codes, _ = pd.factorize(pos["vessel_id"])
    start = np.r_[0, np.flatnonzero(np.diff(codes)) + 1]
    rank = np.arange(len(pos)) - np.repeat(start, np.diff(np.r_[start, len(pos)]))
    phase = rng.integers(0, k, len(start))[codes]
    last = np.r_[np.diff(codes) != 0, True]
    keep = ((rank + phase) % k == 0) | (rank == 0) | last  # keep departure and last fix
    return pos.loc[keep].reset_index(drop=True)


def score(pos: pd.DataFrame, truth: pd.Series, max_gap_h: float) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from medroutes.graph import CorridorClustering
    from medroutes.tracks import TrackConfig, split_voyages

    voy = split_voyages(pos, config=TrackConfig(max_gap_h=max_gap_h))
    cc = CorridorClustering(min_voyages=2, seed=0).fit(voy)
    complete = (voy.table["arrival_zone"] != "at sea").to_numpy()
    t = truth.reindex(voy.table["vessel_id"]).to_numpy()
    lab = cc.labels_
    return {
        "ari": adjusted_rand_score(t[complete], lab[complete]) if complete.sum() > 1 else np.nan,
        "noise_share": float((lab[complete] < 0).mean()) if complete.any() else np.nan,
        "complete": int(complete.sum()),
        "corridors": len(cc.corridors_),
    }


def run(days: int, quick: bool) -> pd.DataFrame:
    import medroutes as mr

    mr.set_options(progress=False)
    rows = []
    noise_levels = NOISE_KM[::2] if quick else NOISE_KM
    thin_levels = THIN[::2] if quick else THIN
    for offset in (90.0, 50.0):
        pos, truth = scenario(offset, days)
        native_min = float(pos.groupby("vessel_id")["timestamp"].diff().dt.total_seconds().median() / 60.0)
        for s in noise_levels:
            r = score(noisy(pos, s, np.random.default_rng(1)), truth, 12.0)
            rows.append({"offset_km": offset, "kind": "noise", "level": s, **r})
            print(
                f"offset {offset:.0f} km  noise {s:5.1f} km   ARI {r['ari']:.3f}  noise share {r['noise_share']:.2f}"
            )
        for k in thin_levels:
            interval_h = native_min * k / 60.0
            r = score(sparse(pos, k, np.random.default_rng(2)), truth, max(12.0, 3.0 * interval_h))
            rows.append({"offset_km": offset, "kind": "interval", "level": interval_h, **r})
            print(
                f"offset {offset:.0f} km  interval {interval_h:5.2f} h  ARI {r['ari']:.3f}  noise share {r['noise_share']:.2f}"
            )
    return pd.DataFrame(rows)


def plot(df: pd.DataFrame, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.8), sharey=True, constrained_layout=True)
    styles = {
        90.0: ("#1b6ca8", "-o", "corridors 90 km apart"),
        50.0: ("#d1495b", "--s", "corridors 50 km apart (generator default)"),
    }
    for ax, kind, xlabel in (
        (axes[0], "noise", "position noise, standard deviation [km]"),
        (axes[1], "interval", "median reporting interval [h]"),
    ):
        for off, (color, fmt, label) in styles.items():
            d = df[(df["kind"] == kind) & (df["offset_km"] == off)]
            ax.plot(d["level"], d["ari"], fmt, color=color, label=f"ARI, {label}")
            ax.plot(
                d["level"],
                1.0 - d["noise_share"],
                ":",
                color=color,
                alpha=0.7,
                label=f"share clustered, {label}",
            )
        ax.axhline(0.8, color="grey", lw=0.8)
        ax.set_xlabel(xlabel)
        if kind == "noise":
            ax.set_xscale("symlog", linthresh=0.5)
            ax.set_xlim(-0.05, 25)
        else:
            ax.set_xscale("log")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("adjusted Rand index / share")
    axes[0].set_ylim(0, 1.02)
    axes[0].set_title("Noisy positions")
    axes[1].set_title("Sparse tracks")
    axes[1].legend(fontsize=7, loc="lower left")
    fig.suptitle(
        "Corridor identification vs. truth (synthetic central-med-2024, 90 days, complete voyages)",
        fontsize=10,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=130)
    plt.close(fig)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=REPO / "docs" / "figures" / "corridor_degradation.png")
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--quick", action="store_true", help="fewer levels")
    a = p.parse_args()
    t = time.perf_counter()
    df = run(a.days, a.quick)
    plot(df, a.out)
    print(df.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote {a.out} in {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
