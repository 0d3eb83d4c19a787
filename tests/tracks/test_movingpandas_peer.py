"""Cross-check split_voyages against MovingPandas, the peer a user would otherwise use.

What is compared, like with like:

* Segments: MovingPandas' ``ObservationGapSplitter`` with ``gap`` equal to
  ``TrackConfig.max_gap_h`` (both split where the time since the previous fix
  is strictly longer). MovingPandas drops segments of fewer than two fixes and
  segments of zero length (``get_length() > min_length`` with
  ``min_length=0``), and its TrajectoryCollection drops one-fix tracks;
  medroutes keeps them (flagged ``short``), so only medroutes voyages with at
  least two positions and a positive distance are compared. Stop splitting is
  off (MovingPandas' gap splitter has none). Both run on the same cleaned
  positions (duplicates removed by ``clean_positions``).
* Speeds: MovingPandas' ``add_speed(units=("km", "h"))`` in EPSG:4326 is the
  geodesic (WGS84, geopy/Karney) distance from the previous fix over the time
  step; medroutes' ``step_km / step_h`` is the same quantity. The first fix of
  each segment is excluded (MovingPandas copies the second fix's speed there).
"""

from __future__ import annotations

import warnings
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from _testpaths import SHARED_DIR, requires_shared
from medroutes.tracks import TrackConfig, clean_positions, split_voyages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # movingpandas warns about optional Stone Soup at import
    mpd = pytest.importorskip("movingpandas")
    gpd = pytest.importorskip("geopandas")


def _mp_segments(pos: pd.DataFrame, gap: timedelta) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(segments: vessel, start, end, n), (speeds: vessel, t, speed_kmh) from MovingPandas."""
    gdf = gpd.GeoDataFrame(
        {
            "vessel_id": pos["vessel_id"].astype(str).to_numpy(),
            "t": pos["timestamp"].dt.tz_convert(None).to_numpy(),
        },
        geometry=gpd.points_from_xy(pos["lon"], pos["lat"]),
        crs=4326,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tc = mpd.TrajectoryCollection(gdf, traj_id_col="vessel_id", t="t")
        parts = mpd.ObservationGapSplitter(tc).split(gap=gap)
        segs, speeds = [], []
        for tr in parts:
            vessel = str(tr.id).rsplit("_", 1)[0]  # MovingPandas renames split tracks "<id>_<i>"
            segs.append((vessel, tr.get_start_time(), tr.get_end_time(), len(tr.df)))
            tr.add_speed(units=("km", "h"))
            s = tr.df.iloc[1:]
            speeds.append(
                pd.DataFrame({"vessel_id": vessel, "t": s.index, "speed_kmh": s["speed"].to_numpy()})
            )
    seg = pd.DataFrame(segs, columns=["vessel_id", "start", "end", "n"])
    return seg, pd.concat(speeds, ignore_index=True)


def _compare(pos: pd.DataFrame, gap_h: float) -> tuple[int, float]:
    voy = split_voyages(pos, config=TrackConfig(max_gap_h=gap_h, stop_speed_kn=None, min_positions=1))
    mp_seg, mp_speed = _mp_segments(pos, timedelta(hours=gap_h))
    tab = voy.table
    ours = tab.loc[(tab["n_positions"] >= 2) & (tab["dist_km"] > 0)]
    a = sorted(
        zip(
            ours["vessel_id"].astype(str),
            ours["start_time"].dt.tz_convert(None),
            ours["end_time"].dt.tz_convert(None),
            ours["n_positions"],
            strict=True,
        )
    )
    b = sorted(zip(mp_seg["vessel_id"], mp_seg["start"], mp_seg["end"], mp_seg["n"], strict=True))
    assert len(a) == len(b)
    assert a == b  # same segments: vessel, first and last timestamp, number of fixes
    # speeds of the same fixes
    pts = voy.points.loc[voy.points["step_h"] > 0]
    mine = pd.DataFrame(
        {
            "vessel_id": pts["vessel_id"].astype(str).to_numpy(),
            "t": pts["timestamp"].dt.tz_convert(None).to_numpy(),
            "ours": (pts["step_km"] / pts["step_h"]).to_numpy(),
        }
    )
    m = mine.merge(mp_speed, on=["vessel_id", "t"], how="inner", validate="one_to_one")
    assert len(m) > 0
    moving = m["speed_kmh"] > 0
    rel = np.abs(m.loc[moving, "ours"] / m.loc[moving, "speed_kmh"] - 1.0)
    assert rel.max() < 1e-3  # within 0.1 %
    np.testing.assert_allclose(m.loc[~moving, "ours"], 0.0, atol=1e-9)
    return len(a), float(rel.max())


@requires_shared
@pytest.mark.shared
def test_dma_sample_segments_and_speeds_match_movingpandas():
    """Real DMA AIS (97 s of traffic): split at 10 s gaps, 150 vessels (the full file takes ~30 s in MovingPandas)."""
    from medroutes.io import read_dma

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = read_dma(SHARED_DIR / "ais_dma_aisdk-2026-04-26_first20k.csv", on_invalid="drop")
        pos, _ = clean_positions(raw, on_invalid="drop")
    keep = np.sort(pos["vessel_id"].unique())[:150]
    pos = pos.loc[pos["vessel_id"].isin(keep)].reset_index(drop=True)
    n, _worst = _compare(pos, gap_h=10.0 / 3600.0)
    assert n > 100  # the comparison covers over a hundred segments


@requires_shared
@pytest.mark.shared
@pytest.mark.slow
def test_dma_full_sample_matches_movingpandas():
    from medroutes.io import read_dma

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = read_dma(SHARED_DIR / "ais_dma_aisdk-2026-04-26_first20k.csv", on_invalid="drop")
        pos, _ = clean_positions(raw, on_invalid="drop")
    n, _ = _compare(pos, gap_h=10.0 / 3600.0)
    assert n == 2096  # MovingPandas finds 2,096 segments of >= 2 fixes in the cleaned file


def test_synthetic_tracks_with_injected_gaps_match_movingpandas():
    rng = np.random.default_rng(11)
    frames = []
    for v in range(25):
        n = 120
        dt = rng.uniform(0.05, 0.3, n)  # 3-18 min steps [h]
        # inject gaps: some just below, some just above the 1 h threshold, some far above
        idx = rng.choice(np.arange(5, n), size=6, replace=False)
        dt[idx] = rng.choice([0.95, 0.999, 1.001, 1.2, 3.0, 7.5], size=6)
        t = np.cumsum(dt)
        frames.append(
            pd.DataFrame(
                {
                    "vessel_id": f"S{v:02d}",
                    "timestamp": pd.Timestamp("2024-05-01", tz="UTC") + pd.to_timedelta(t, unit="h"),
                    "lat": 34.0 + np.cumsum(rng.normal(0.002, 0.01, n)),
                    "lon": 15.0 + np.cumsum(rng.normal(0.004, 0.01, n)),
                    "sog_kn": 6.0,
                    "cog_deg": np.nan,
                }
            )
        )
    pos = pd.concat(frames, ignore_index=True)
    pos["timestamp"] = pos["timestamp"].dt.round("s")
    n, _worst = _compare(pos, gap_h=1.0)
    assert n > 25 * 3  # every track was cut several times
