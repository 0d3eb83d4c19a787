"""Property tests of voyage splitting: the voyages partition the positions.

Every position ends in exactly one voyage (or, inside a long stop, is counted
in the quality report), in time order; each voyage belongs to one vessel; the
voyages table agrees with its points; and the number of voyages matches an
independent plain-pandas count of reporting gaps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _relutil import recorded_warnings
from hypothesis import given
from hypothesis import strategies as st

tracks = pytest.importorskip("medroutes.tracks")
split_voyages = tracks.split_voyages
TrackConfig = tracks.TrackConfig

T0 = pd.Timestamp("2024-08-01", tz="UTC")
NO_STOPS = TrackConfig(stop_speed_kn=None, stop_min_h=None, max_gap_h=6.0)


@st.composite
def position_frames(draw: st.DrawFn, *, sog: bool = True) -> pd.DataFrame:
    """A few vessels, unique times per vessel (minutes, with long gaps), rows shuffled."""
    frames = []
    for name in draw(
        st.lists(st.sampled_from(["v1", "v2", "v3", "=HYPERLINK(1)"]), min_size=1, max_size=3, unique=True)
    ):
        steps = draw(st.lists(st.one_of(st.integers(1, 90), st.integers(300, 900)), min_size=0, max_size=14))
        minutes = np.cumsum([draw(st.integers(0, 600)), *steps])
        n = len(minutes)
        frames.append(
            pd.DataFrame(
                {
                    "vessel_id": name,
                    "timestamp": (T0 + pd.to_timedelta(minutes, unit="min")).astype("datetime64[ns, UTC]"),
                    "lat": draw(st.lists(st.floats(33.0, 37.5), min_size=n, max_size=n)),
                    "lon": draw(st.lists(st.floats(10.5, 15.5), min_size=n, max_size=n)),
                    "sog_kn": (
                        draw(st.lists(st.one_of(st.just(np.nan), st.floats(0, 8)), min_size=n, max_size=n))
                        if sog
                        else np.nan
                    ),
                    "cog_deg": 90.0,
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    perm = draw(st.permutations(range(len(df))))
    return df.iloc[list(perm)].reset_index(drop=True)


def _expected_n_voyages(df: pd.DataFrame, gap_h: float) -> int:
    s = df.sort_values(["vessel_id", "timestamp"])
    d = s.groupby("vessel_id")["timestamp"].diff()
    return int(s["vessel_id"].nunique() + (d > pd.Timedelta(hours=gap_h)).sum())


def _key(df: pd.DataFrame) -> pd.DataFrame:
    return (
        df[["vessel_id", "timestamp", "lat", "lon"]]
        .sort_values(["vessel_id", "timestamp"])
        .reset_index(drop=True)
    )


def _check_partition(voy, df: pd.DataFrame) -> None:
    pts, tab = voy.points, voy.table
    q = voy.quality
    # nothing lost, nothing invented: kept points + counted points == input
    assert q.n_in == len(df) and q.n_out == len(pts)
    assert q.n_in == q.n_out + sum(p.n_rows for p in q.problems)
    # sorted by (vessel_id, timestamp) and voyage ids consecutive along the points
    order = pts.sort_values(["vessel_id", "timestamp"], kind="stable").index
    assert (order == pts.index).all()
    vid = pts["voyage_id"].to_numpy()
    assert (np.diff(vid) >= 0).all() and (np.diff(vid) <= 1).all()
    assert pts["voyage_id"].dtype == np.int64
    # one vessel per voyage; table agrees with its points
    per = pts.groupby("voyage_id").agg(
        vessel=("vessel_id", "first"),
        n_vessels=("vessel_id", "nunique"),
        n=("lat", "size"),
        start=("timestamp", "min"),
        end=("timestamp", "max"),
        dist=("step_km", "sum"),
    )
    assert (per["n_vessels"] == 1).all()
    assert tab["voyage_id"].tolist() == per.index.tolist()
    assert tab["vessel_id"].tolist() == per["vessel"].tolist()
    assert tab["n_positions"].tolist() == per["n"].tolist()
    assert int(tab["n_positions"].sum()) == len(pts)
    assert (tab["start_time"].to_numpy() == per["start"].to_numpy()).all()
    assert (tab["end_time"].to_numpy() == per["end"].to_numpy()).all()
    np.testing.assert_allclose(tab["dist_km"], per["dist"], rtol=1e-12)
    assert (pts["step_km"] >= 0).all() and (pts["step_h"] >= 0).all()
    # voyages of one vessel do not overlap in time
    for _, g in tab.groupby("vessel_id"):
        assert (g["start_time"].to_numpy()[1:] > g["end_time"].to_numpy()[:-1]).all()


@given(position_frames())
def test_without_stops_every_position_is_in_exactly_one_voyage(df):
    voy = split_voyages(df, config=NO_STOPS)
    _check_partition(voy, df)
    assert voy.quality.n_dropped == 0
    pd.testing.assert_frame_equal(_key(voy.points), _key(df))  # the same positions, values untouched
    assert len(voy.table) == _expected_n_voyages(df, NO_STOPS.max_gap_h)


@given(position_frames(), st.floats(0.5, 12))
def test_gap_threshold_is_respected(df, gap_h):
    cfg = TrackConfig(stop_speed_kn=None, stop_min_h=None, max_gap_h=gap_h)
    voy = split_voyages(df, config=cfg)
    assert len(voy.table) == _expected_n_voyages(df, gap_h)
    inside = voy.points["step_h"]
    assert (inside <= gap_h).all()  # no step inside a voyage spans a gap


@given(position_frames())
def test_with_stops_dropped_fixes_are_counted_once(df):
    cfg = TrackConfig(stop_speed_kn=0.5, stop_min_h=1.0, max_gap_h=6.0)
    voy = split_voyages(df, config=cfg)
    _check_partition(voy, df)
    kept = _key(voy.points)
    merged = _key(df).merge(kept, how="left", indicator=True)
    assert (merged["_merge"] != "right_only").all()
    assert int((merged["_merge"] == "left_only").sum()) == voy.quality.n_dropped


@given(position_frames())
def test_short_voyages_dropped_are_counted(df):
    cfg = TrackConfig(stop_speed_kn=None, stop_min_h=None, min_positions=3)
    with recorded_warnings() as rec:
        voy = split_voyages(df, config=cfg, on_short="drop")
    _check_partition(voy, df)
    assert (voy.table["n_positions"] >= 3).all()
    assert bool(rec) == (voy.quality.n_dropped > 0)


@given(position_frames(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_voyages(df, rnd):
    perm = list(range(len(df)))
    rnd.shuffle(perm)
    a = split_voyages(df, config=NO_STOPS)
    b = split_voyages(df.iloc[perm].reset_index(drop=True), config=NO_STOPS)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.points, b.points)
