"""GeoPackage / GeoParquet point reader (MovingPandas style files)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import medroutes as mr
from medroutes.errors import DataFormatError, SchemaError
from medroutes.geo import MED_CRS

T = pd.date_range("2026-04-26", periods=5, freq="15min", tz="UTC")


def _points(crs=4326, **cols) -> gpd.GeoDataFrame:
    lon = [12.0, 12.1, 12.2, 13.0, 13.1]
    lat = [33.0, 33.2, 33.4, 34.0, 34.1]
    data = {"traj_id": ["a", "a", "a", "b", "b"], "t": T, **cols}
    g = gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    return g.to_crs(crs)


def test_geopackage_with_movingpandas_names(tmp_path):
    p = tmp_path / "tracks.gpkg"
    _points(SOG=[4.0, 4.5, 5.0, 6.0, 6.5], Name=["X", "X", "X", "Y", "Y"]).to_file(p, layer="points")
    df, rep = mr.io.read_geo_positions(p, return_report=True)
    assert df["vessel_id"].tolist() == ["a", "a", "a", "b", "b"]
    assert df["lat"].tolist() == pytest.approx([33.0, 33.2, 33.4, 34.0, 34.1])
    assert df["sog_kn"].tolist() == [4.0, 4.5, 5.0, 6.0, 6.5]
    assert df["name"].tolist() == ["X", "X", "X", "Y", "Y"]
    assert df["cog_deg"].isna().all()
    assert df["timestamp"].tolist() == list(T)
    assert any("traj_id -> vessel_id" in n for n in rep.notes)
    assert any("no cog_deg column" in n for n in rep.notes)
    assert mr.io.detect_format(p) == "geo"


def test_geoparquet_in_a_projected_crs_is_reprojected(tmp_path):
    p = tmp_path / "tracks.parquet"
    src = _points(crs=MED_CRS)
    src.to_parquet(p)
    assert mr.io.detect_format(p) == "geo"
    df = mr.io.read_positions(p)
    back = gpd.GeoSeries(src.geometry.values, crs=MED_CRS).to_crs(4326)
    assert df["lon"].to_numpy() == pytest.approx(back.x.to_numpy(), abs=1e-9)
    assert df["lat"].to_numpy() == pytest.approx(back.y.to_numpy(), abs=1e-9)


def test_movingpandas_point_gdf_round_trip(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # movingpandas warns about optional extras on import
        import movingpandas as mpd

        g = _points().rename(columns={"traj_id": "mmsi"}).set_index("t")
        tc = mpd.TrajectoryCollection(g, traj_id_col="mmsi")
        pts = tc.to_point_gdf()
    p = tmp_path / "mpd.gpkg"
    pts.to_file(p)
    df = mr.io.read_geo_positions(p, assume_tz="UTC")  # GeoPackage stores the index time naive
    assert len(df) == sum(len(t.df) for t in tc.trajectories)
    assert sorted(df["vessel_id"].unique()) == ["a", "b"]
    assert df["timestamp"].tolist() == list(T)


def test_naive_times_need_assume_tz(tmp_path):
    p = tmp_path / "naive.gpkg"
    _points().assign(t=T.tz_localize(None)).to_file(p)
    with pytest.raises(SchemaError, match="naive"):
        mr.io.read_geo_positions(p)
    assert len(mr.io.read_geo_positions(p, assume_tz="UTC")) == 5


def test_dma_style_text_times_are_day_first(tmp_path):
    p = tmp_path / "dma.gpkg"
    _points().assign(t=[f"05/07/2017 00:{m:02d}:00" for m in (0, 15, 30, 45, 50)]).to_file(p)
    df = mr.io.read_geo_positions(p, assume_tz="UTC")
    assert df["timestamp"].iloc[0] == pd.Timestamp("2017-07-05T00:00:00Z")


def test_non_points_no_crs_and_no_time_are_format_errors(tmp_path):
    lines = gpd.GeoDataFrame(
        {"id": [1], "t": T[:1]}, geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=4326
    )
    p = tmp_path / "lines.gpkg"
    lines.to_file(p)
    with pytest.raises(DataFormatError, match="expected Point geometries, found LineString"):
        mr.io.read_geo_positions(p)
    p2 = tmp_path / "nocrs.parquet"
    _points().set_crs(None, allow_override=True).to_parquet(p2)
    with pytest.raises(DataFormatError, match="has no CRS"):
        mr.io.read_geo_positions(p2)
    p3 = tmp_path / "notime.gpkg"
    _points().drop(columns="t").to_file(p3)
    with pytest.raises(DataFormatError, match="no timestamp column found"):
        mr.io.read_geo_positions(p3)


def test_empty_geometry_counts_as_missing_position(tmp_path):
    g = _points()
    g.loc[1, "geometry"] = shapely.Point()
    p = tmp_path / "empty_geom.parquet"
    g.to_parquet(p)
    with pytest.warns(mr.DataQualityWarning):
        df, rep = mr.io.read_geo_positions(p, on_invalid="drop", return_report=True)
    assert rep.problems[0].check == "lat_range" and len(df) == 4
    assert not np.isnan(df["lat"]).any()
