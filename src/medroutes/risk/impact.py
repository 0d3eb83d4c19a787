"""Impact: loss of life, its totals, and the attribution of incidents to scored units.

Dead and missing come from the incidents table (IOM Missing Migrants
Project or a scenario). ``dead`` counts bodies recovered, ``missing`` persons
presumed dead; unknown counts stay unknown and are reported, never turned
into zeros silently. Rates per 1,000 crossings are estimated in
:mod:`medroutes.risk._score` with :func:`medroutes.risk.models.eb_gamma_poisson`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from medroutes.errors import SchemaError
from medroutes.geo import to_med_xy

__all__ = ["INCIDENT_COLUMNS", "check_incidents", "dead_missing", "loss_of_life", "nearest_within"]

#: Columns the risk stage needs from an incidents table.
INCIDENT_COLUMNS: tuple[str, ...] = (
    "incident_id",
    "timestamp",
    "lat",
    "lon",
    "incident_type",
    "dead",
    "missing",
)


def check_incidents(incidents: pd.DataFrame) -> pd.DataFrame:
    """Check and type the incident columns used by the risk stage.

    Parameters
    ----------
    incidents
        Incidents table (``medroutes.schema.INCIDENTS``; extra columns kept).

    Returns
    -------
    pandas.DataFrame
        Copy with ``timestamp`` as ``datetime64[ns, UTC]``, ``lat, lon`` float,
        ``dead, missing`` nullable ``Int64`` and ``incident_type`` as str.

    Raises
    ------
    SchemaError
        Missing columns, unparseable timestamps or negative counts (column, rows, reason).
    """
    from medroutes.schema import parse_timestamps

    if not isinstance(incidents, pd.DataFrame):
        raise SchemaError(f"incidents: expected a pandas DataFrame, got {type(incidents).__name__}")
    miss = [c for c in INCIDENT_COLUMNS if c not in incidents.columns]
    if miss:
        raise SchemaError(
            f"incidents: missing column(s) {miss}; columns present: {list(incidents.columns)[:12]}"
        )
    df = incidents.copy()
    df["timestamp"] = parse_timestamps(df["timestamp"], column="timestamp", table="incidents")
    problems = []
    nat = df["timestamp"].isna()
    if nat.any():
        problems.append(
            f"column 'timestamp': {int(nat.sum()):,} of {len(df):,} rows are missing or unparseable"
        )
    for c in ("lat", "lon"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    for c in ("dead", "missing"):
        v = pd.to_numeric(df[c], errors="coerce")
        bad = (v < 0) | (v.notna() & (v != np.floor(v)))
        if bad.any():
            problems.append(
                f"column {c!r}: {int(bad.sum()):,} of {len(df):,} rows are negative or not whole numbers "
                f"(first rows {list(df.index[bad][:3])})"
            )
        df[c] = v.astype("Float64").round().astype("Int64")
    if problems:
        raise SchemaError("incidents: " + "; ".join(problems))
    df["incident_type"] = df["incident_type"].astype(str)
    if "location_precision_km" in df.columns:
        df["location_precision_km"] = pd.to_numeric(df["location_precision_km"], errors="coerce").astype(
            "float64"
        )
    return df


def dead_missing(incidents: pd.DataFrame) -> pd.Series:
    """Dead + missing per incident [persons]; missing value only when both counts are unknown.

    Parameters
    ----------
    incidents
        Table with ``dead`` and ``missing`` (nullable counts).

    Returns
    -------
    pandas.Series
        ``Int64``: ``dead + missing`` with an unknown part counted as 0 when the other
        part is known; ``<NA>`` when both are unknown.
    """
    d = pd.to_numeric(incidents["dead"], errors="coerce").astype("Float64")
    m = pd.to_numeric(incidents["missing"], errors="coerce").astype("Float64")
    both_na = d.isna() & m.isna()
    total = (d.fillna(0) + m.fillna(0)).mask(both_na)
    return total.round().astype("Int64")


def loss_of_life(incidents: pd.DataFrame, *, by: Sequence[str] = ("route", "year")) -> pd.DataFrame:
    """Totals of dead, missing and dead+missing per group (e.g. route and year).

    Parameters
    ----------
    incidents
        Incidents table with ``dead``, ``missing`` and the ``by`` columns;
        ``"year"`` and ``"month"`` are derived from ``timestamp`` when absent.
    by
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n_incidents``, ``dead``, ``missing``, ``dead_missing``
        [persons] and ``n_unknown`` (incidents whose dead and missing are both unknown,
        contributing 0 to the sums).
    """
    df = incidents.copy()
    for part in ("year", "month"):
        if part in by and part not in df.columns:
            if "timestamp" not in df.columns:
                raise SchemaError(f"incidents: need a 'timestamp' column to group by {part!r}")
            df[part] = getattr(df["timestamp"].dt, part)
    miss = [c for c in by if c not in df.columns]
    if miss:
        raise SchemaError(f"incidents: cannot group by missing column(s) {miss}")
    dm = dead_missing(df)
    tab = pd.DataFrame(
        {
            **{c: df[c].to_numpy() for c in by},
            "dead": pd.to_numeric(df["dead"], errors="coerce").fillna(0).to_numpy(dtype=np.int64),
            "missing": pd.to_numeric(df["missing"], errors="coerce").fillna(0).to_numpy(dtype=np.int64),
            "dead_missing": dm.fillna(0).to_numpy(dtype=np.int64),
            "unknown": dm.isna().to_numpy(),
        }
    )
    out = tab.groupby(list(by), sort=True, dropna=False).agg(
        n_incidents=("dead", "size"),
        dead=("dead", "sum"),
        missing=("missing", "sum"),
        dead_missing=("dead_missing", "sum"),
        n_unknown=("unknown", "sum"),
    )
    return out.reset_index()


def nearest_within(
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    geoms_lonlat: NDArray[np.object_],
    radius_km: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Index of the nearest geometry within each point's radius, or -1.

    Distances are computed in :data:`medroutes.geo.MED_CRS` with a
    :class:`shapely.STRtree` (``query_nearest`` with ``max_distance``).

    Parameters
    ----------
    lon, lat
        Points [deg].
    geoms_lonlat
        Shapely geometries in lon/lat.
    radius_km
        Search radius per point [km].

    Returns
    -------
    numpy.ndarray of int64
        Position in ``geoms_lonlat`` or -1 (no geometry within the radius, or NaN point).
    """
    n = len(lon)
    out = np.full(n, -1, dtype=np.int64)
    ok = np.isfinite(lon) & np.isfinite(lat) & np.isfinite(radius_km)
    if not ok.any() or len(geoms_lonlat) == 0:
        return out
    proj = shapely.transform(
        np.asarray(geoms_lonlat, dtype=object), lambda c: np.column_stack(to_med_xy(c[:, 0], c[:, 1]))
    )
    tree = shapely.STRtree(proj)
    px, py = to_med_xy(lon[ok], lat[ok])
    pts = shapely.points(px, py)
    rmax = float(np.max(radius_km[ok])) * 1000.0
    (ip, ig), dist = tree.query_nearest(pts, max_distance=rmax, return_distance=True, all_matches=False)
    idx = np.flatnonzero(ok)
    keep = dist <= radius_km[idx[ip]] * 1000.0
    out[idx[ip[keep]]] = ig[keep]
    return out
