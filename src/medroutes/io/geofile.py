"""Reader for point layers in GeoPackage, GeoParquet or GeoJSON (MovingPandas style).

MovingPandas keeps trajectories as point GeoDataFrames with a time column (or a
time index, usually ``t``) and a trajectory or vessel id column. This reader
finds those columns by their usual names, reprojects to EPSG:4326 and returns
the medroutes positions table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

import numpy as np
import pandas as pd

from medroutes import _limits
from medroutes.errors import DataFormatError
from medroutes.io._common import PathLike, as_path, finish, pre_report
from medroutes.schema import OnInvalid, QualityReport, _short, parse_timestamps, validate_positions

__all__ = ["GEO_SUFFIXES", "VARIABLE_MAP", "read_geo_positions"]

#: medroutes column -> the source column names looked for, in order of preference
#: (matched case-insensitively). The id prefers a vessel id (MMSI) over a trajectory id.
VARIABLE_MAP: dict[str, tuple[str, ...]] = {
    "vessel_id": ("vessel_id", "mmsi", "traj_id", "trajectory_id", "track_id", "id"),
    "timestamp": ("timestamp", "t", "time", "datetime", "basedatetime", "# timestamp"),
    "sog_kn": ("sog_kn", "sog"),
    "cog_deg": ("cog_deg", "cog"),
    "name": ("name", "vesselname", "shipname"),
    "vessel_type": ("vessel_type", "shiptype", "ship type", "ship_type"),
    "length_m": ("length_m", "length"),
}

#: File suffixes read by :func:`read_geo_positions`.
GEO_SUFFIXES: tuple[str, ...] = (".gpkg", ".parquet", ".geoparquet", ".geojson", ".json", ".fgb", ".shp")

_DMA_TIME = r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d"


def _find(columns: pd.Index, candidates: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): c for c in columns}
    for cand in candidates:
        if cand in lower:
            return str(lower[cand])
    return None


def _read_frame(p: Path, layer: str | int | None) -> pd.DataFrame:
    import geopandas as gpd

    suffix = p.suffix.lower()
    try:
        if suffix in (".parquet", ".geoparquet"):
            return gpd.read_parquet(p)
        return gpd.read_file(p, layer=layer)
    except (PermissionError, FileNotFoundError):
        raise
    except Exception as exc:  # pyogrio DataSourceError, pyarrow ArrowInvalid/OSError, ValueError, ...
        raise DataFormatError(
            f"{p}: cannot be read as a point layer ({type(exc).__name__}: {_short(exc, 300)})"
        ) from exc


@overload
def read_geo_positions(
    path: PathLike,
    *,
    layer: str | int | None = ...,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_geo_positions(
    path: PathLike,
    *,
    layer: str | int | None = ...,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_geo_positions(
    path: PathLike,
    *,
    layer: str | int | None = None,
    on_invalid: OnInvalid = "raise",
    assume_tz: str | None = None,
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read point positions from a GeoPackage, GeoParquet or GeoJSON file.

    Parameters
    ----------
    path
        ``.gpkg``, ``.parquet`` / ``.geoparquet`` (with GeoParquet metadata),
        ``.geojson``, ``.fgb`` or ``.shp`` file of Point geometries.
    layer
        Layer of a multi-layer GeoPackage (default: the first).
    on_invalid : {"raise", "drop"}
        Raise on invalid rows, or drop and count them.
    assume_tz
        Time zone of naive timestamps (GeoPackage datetimes are often naive);
        ``None`` makes naive timestamps an error.
    return_report
        Return ``(positions, report)`` instead of ``positions``.

    Returns
    -------
    positions : pandas.DataFrame
        ``vessel_id``, ``timestamp`` (UTC), ``lat``, ``lon`` [deg, EPSG:4326],
        ``sog_kn``, ``cog_deg`` (NaN when the file has no such column), the
        optional columns found (see :data:`VARIABLE_MAP`), then every other
        attribute column unchanged. No geometry column.
    report : QualityReport
        Only with ``return_report=True``; notes say which columns were used.

    Raises
    ------
    DataFormatError
        No time or id column, geometries that are not points, no CRS, or a
        file that is not a readable point layer.
    SchemaError
        Naive timestamps without ``assume_tz``, invalid rows with
        ``on_invalid="raise"``.
    MemoryLimitError
        The file would not fit in the memory available (checked before
        loading, from the Parquet row count or the file size); use the Dask path.

    Notes
    -----
    A ``speed`` column (MovingPandas ``add_speed``) is not used as ``sog_kn``:
    its unit depends on the CRS and the call that made it. Text timestamps in
    the DMA layout ``dd/mm/YYYY HH:MM:SS`` (MovingPandas' AIS example) are
    read day first and are naive, so they need ``assume_tz``.
    """
    import geopandas as gpd
    import shapely

    p = as_path(path)
    _limits.check_file_memory(p)
    gdf = _read_frame(p, layer)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise DataFormatError(f"{p}: has no geometry column")
    if isinstance(gdf.index, pd.DatetimeIndex):
        gdf = gdf.reset_index()
    if len(gdf) == 0:
        raise DataFormatError(f"{p}: the layer has no features")
    if gdf.crs is None:
        raise DataFormatError(f"{p}: the layer has no CRS; set one (e.g. EPSG:4326) before reading")
    geom = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    types = shapely.get_type_id(geom[present])
    if (types != 0).any():
        found = sorted(set(gdf.geometry[present][types != 0].geom_type))
        raise DataFormatError(f"{p}: expected Point geometries, found {', '.join(found)}")
    gdf = gdf.to_crs(4326) if not gdf.crs.equals("EPSG:4326") else gdf
    geom = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geom) | shapely.is_empty(geom))

    cols = gdf.columns.drop(gdf.geometry.name)
    used: dict[str, str] = {}
    for ours, candidates in VARIABLE_MAP.items():
        src = _find(cols, candidates)
        if src is not None and src not in used.values():
            used[ours] = src
    for need in ("vessel_id", "timestamp"):
        if need not in used:
            raise DataFormatError(
                f"{p}: no {need.replace('_', ' ')} column found; looked for "
                + ", ".join(repr(c) for c in VARIABLE_MAP[need])
                + f" among {', '.join(_short(c, 40) for c in cols[:15])}"
            )
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    df = df.rename(columns={v: k for k, v in used.items()})
    lon = np.full(len(df), np.nan)
    lat = np.full(len(df), np.nan)
    lon[present] = shapely.get_x(geom[present])
    lat[present] = shapely.get_y(geom[present])
    df["lon"], df["lat"] = lon, lat
    notes = ["columns used: " + ", ".join(f"{v} -> {k}" for k, v in used.items())]
    for col in ("sog_kn", "cog_deg"):
        if col not in df.columns:
            df[col] = np.nan
            notes.append(f"no {col} column: set to NaN")
    ts = df["timestamp"]
    if (
        not pd.api.types.is_datetime64_any_dtype(ts.dtype)
        and ts.astype("string").str.fullmatch(_DMA_TIME).all()
    ):
        ts = pd.to_datetime(ts, format="%d/%m/%Y %H:%M:%S")
    df["timestamp"] = parse_timestamps(ts, column=used["timestamp"], table="positions", assume_tz=assume_tz)
    front = ["vessel_id", "timestamp", "lat", "lon", "sog_kn", "cog_deg", "vessel_type", "name", "length_m"]
    df = df[[c for c in front if c in df.columns] + [c for c in df.columns if c not in front]]
    pre = pre_report(len(df), [], notes)
    out, rep = validate_positions(df, on_invalid=on_invalid)
    return finish(out, pre.merge(rep), path=p, fmt="geo", return_report=return_report)
