"""Split position reports into voyages, for all vessels at once on one sorted frame."""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from medroutes.errors import ConfigError, DataQualityWarning, SchemaError
from medroutes.schema import Problem, QualityReport
from medroutes.tracks._config import TrackConfig
from medroutes.tracks._geodesic import geodesic_km

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["Voyages", "is_dask_collection", "sort_positions_order", "split_voyages"]

_NS_PER_H = 3.6e12
_KM_PER_NM = 1.852
_REQUIRED = ("vessel_id", "timestamp", "lat", "lon")


def is_dask_collection(obj: object) -> bool:
    """Return True for a dask DataFrame (without importing dask)."""
    mod = type(obj).__module__
    return mod.startswith(("dask.", "dask_expr")) and hasattr(obj, "npartitions")


@dataclass(frozen=True, slots=True, eq=False)
class Voyages:
    """Voyages cut from position reports, with their points and a per-voyage table.

    Attributes
    ----------
    points
        Positions sorted by ``(vessel_id, timestamp)`` with ``voyage_id``
        (int64), ``step_km`` (geodesic distance from the previous fix of the
        same voyage [km], 0 at a voyage's first fix) and ``step_h`` (time since
        that fix [h], 0 at the first fix). Fixes inside long stops are not here
        (counted in :attr:`quality`).
    table
        One row per voyage, the ``VOYAGES`` schema of :mod:`medroutes.schema`:
        ``voyage_id, vessel_id, start_time, end_time, departure_zone,
        arrival_zone, dist_km, duration_h, mean_sog_kn, n_positions,
        start_lon, start_lat, end_lon, end_lat, short`` plus ``outcome``,
        ``vessel_type`` and ``source`` when the positions have them.
    quality
        Positions in, positions kept in voyages, and the rest by reason.
    config
        The :class:`TrackConfig` used.
    meta
        Extra provenance (e.g. how the frame was partitioned for Dask).
    """

    points: pd.DataFrame
    table: pd.DataFrame
    quality: QualityReport
    config: TrackConfig
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def is_lazy(self) -> bool:
        """True when ``points`` and ``table`` are dask DataFrames."""
        return is_dask_collection(self.points)

    def to_gdf(self) -> gpd.GeoDataFrame:
        """Return the voyages table with each track as a LineString (EPSG:4326).

        Built in one vectorised call (:func:`shapely.linestrings` with
        ``indices``); a voyage with a single position has a missing geometry.

        Returns
        -------
        geopandas.GeoDataFrame
        """
        import geopandas as gpd
        import shapely

        lazy_p: Any = self.points
        lazy_t: Any = self.table
        pts = lazy_p.compute() if self.is_lazy else self.points
        tab = lazy_t.compute() if self.is_lazy else self.table
        vid = pts["voyage_id"].to_numpy()
        ids = tab["voyage_id"].to_numpy()
        pos = np.searchsorted(ids, vid) if np.all(np.diff(ids) > 0) else pd.Index(ids).get_indexer(vid)
        counts = np.bincount(pos, minlength=len(ids))
        keep = counts[pos] >= 2
        geoms = np.full(len(ids), None, dtype=object)
        if keep.any():
            kpos = pos[keep]
            # compact indices: linestrings returns one geometry per distinct index, in order
            uniq, inv = np.unique(kpos, return_inverse=True)
            order = np.argsort(inv, kind="stable")
            coords = np.column_stack([pts["lon"].to_numpy()[keep], pts["lat"].to_numpy()[keep]])
            lines = shapely.linestrings(coords[order], indices=inv[order])
            geoms[uniq] = lines
        return gpd.GeoDataFrame(tab.copy(), geometry=geoms, crs="EPSG:4326")

    def select(self, voyage_ids: ArrayLike) -> Voyages:
        """Return the voyages whose ``voyage_id`` is in ``voyage_ids`` (ids are kept)."""
        if self.is_lazy:
            raise TypeError("select() needs computed voyages; call .compute() first")
        ids = np.asarray(voyage_ids)
        if ids.dtype == bool:
            if len(ids) != len(self.table):
                raise ConfigError(f"select: boolean mask has {len(ids)} values for {len(self.table)} voyages")
            ids = self.table["voyage_id"].to_numpy()[ids]
        tmask = self.table["voyage_id"].isin(ids).to_numpy()
        pmask = self.points["voyage_id"].isin(ids).to_numpy()
        return Voyages(
            points=self.points.loc[pmask].reset_index(drop=True),
            table=self.table.loc[tmask].reset_index(drop=True),
            quality=self.quality,
            config=self.config,
            meta={**self.meta, "selected_from": len(self.table)},
        )

    def compute(self) -> Voyages:
        """Compute dask-backed voyages into pandas (a no-op for pandas voyages)."""
        if not self.is_lazy:
            return self
        from dask.base import compute

        from medroutes.tracks._dask import merge_reports

        points, table, qframe = compute(self.points, self.table, self.meta["quality_frame"])
        meta = {k: v for k, v in self.meta.items() if k != "quality_frame"}
        return Voyages(
            points=points.reset_index(drop=True),
            table=table.reset_index(drop=True),
            quality=merge_reports(qframe, int(meta.get("dask_partitions", 0))),
            config=self.config,
            meta=meta,
        )

    def __repr__(self) -> str:
        if self.is_lazy:
            return f"<Voyages (dask, {self.points.npartitions} partitions), config={self.config!r}>"
        n_v = int(self.table["vessel_id"].nunique()) if len(self.table) else 0
        return (
            f"<Voyages: {len(self.table):,} voyages of {n_v:,} vessels, {len(self.points):,} positions; "
            f"{self.quality.n_dropped:,} positions outside voyages>"
        )

    def _repr_html_(self) -> str:
        head = html.escape(repr(self))
        if self.is_lazy:
            return f"<div>{head}</div>"
        return (
            f"<div><p>{head}</p>{self.table.head(10).to_html(index=False)}{self.quality._repr_html_()}</div>"
        )


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #


def _timestamps_ns(s: pd.Series, *, table: str = "positions") -> NDArray[np.int64]:
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        raise SchemaError(
            f"{table}: column 'timestamp' must be tz-aware UTC datetimes, got dtype {s.dtype}; "
            "run medroutes.tracks.clean_positions (or medroutes.schema.validate_positions) first"
        )
    if s.isna().any():
        raise SchemaError(
            f"{table}: column 'timestamp': {int(s.isna().sum()):,} of {len(s):,} rows are missing; "
            'clean the positions first (clean_positions(..., on_invalid="drop"))'
        )
    return timestamps_ns(s)


def timestamps_ns(s: pd.Series) -> NDArray[np.int64]:
    """Int64 nanoseconds since the epoch of a tz-aware timestamp column (no copy when already ns UTC)."""
    dt = s.dtype
    if isinstance(dt, pd.DatetimeTZDtype) and dt.unit == "ns" and str(dt.tz) == "UTC":
        return np.asarray(s.array.asi8)
    return s.dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]").view(np.int64)


def _check_positions(positions: pd.DataFrame) -> None:
    if not isinstance(positions, pd.DataFrame):
        raise SchemaError(f"positions: expected a pandas or dask DataFrame, got {type(positions).__name__}")
    missing = [c for c in _REQUIRED if c not in positions.columns]
    if missing:
        raise SchemaError(
            "positions: missing required column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(map(repr, missing))
        )
    for col in ("lat", "lon"):
        v = positions[col]
        if not pd.api.types.is_float_dtype(v) and not pd.api.types.is_integer_dtype(v):
            raise SchemaError(f"positions: column {col!r} must be numeric, got dtype {v.dtype}")
        bad = ~np.isfinite(v.to_numpy(dtype=np.float64))
        if bad.any():
            raise SchemaError(
                f"positions: column {col!r}: {int(bad.sum()):,} of {len(v):,} rows are missing or infinite "
                f"(first rows {list(positions.index[bad][:3])}); "
                'clean the positions first (clean_positions(..., on_invalid="drop"))'
            )


def sort_positions_order(codes: NDArray[np.integer], t_ns: NDArray[np.int64]) -> NDArray[np.intp] | None:
    """Order that sorts rows by (vessel code, time), stable; ``None`` when already sorted.

    A raw feed arrives sorted by time across vessels: then one stable sort on
    the small-integer vessel codes suffices (numpy's radix sort for <= 16-bit
    codes). Otherwise a stable sort on time precedes it.

    Parameters
    ----------
    codes
        Non-negative integer vessel codes (``pandas.factorize(..., sort=True)``).
    t_ns
        Times as int64 nanoseconds.

    Returns
    -------
    numpy.ndarray or None
    """
    n = len(codes)
    if n < 2:
        return None
    dc = np.diff(codes)
    dt = np.diff(t_ns)
    if bool(np.all((dc > 0) | ((dc == 0) & (dt >= 0)))):
        return None
    del dc
    time_sorted = bool(np.all(dt >= 0))
    del dt
    n_codes = int(codes.max()) + 1 if n else 0
    small = np.uint16 if n_codes <= np.iinfo(np.uint16).max + 1 else None
    if time_sorted:
        if small is not None:
            return np.argsort(codes.astype(small), kind="stable")
        key = codes.astype(np.int64) * n + np.arange(n, dtype=np.int64)
        return np.argsort(key)
    order_t = np.argsort(t_ns, kind="stable")
    c = codes[order_t]
    sub = np.argsort(c.astype(small), kind="stable") if small is not None else np.argsort(c, kind="stable")
    return order_t[sub]


def _stationary(
    sog: NDArray[np.float64] | None,
    speed_in: NDArray[np.float64],
    has_prev: NDArray[np.bool_],
    threshold: float,
) -> NDArray[np.bool_]:
    """Flag stationary fixes: SOG (or, where missing, the implied speed in and out) below threshold."""
    n = len(speed_in)
    has_next = np.zeros(n, dtype=bool)
    has_next[:-1] = has_prev[1:]
    slow_in = ~has_prev | (speed_in < threshold)
    speed_out = np.empty(n)
    speed_out[:-1] = speed_in[1:]
    speed_out[-1:] = np.inf
    slow_out = ~has_next | (speed_out < threshold)
    implied = slow_in & slow_out & (has_prev | has_next)
    if sog is None:
        return implied
    return np.where(np.isnan(sog), implied, sog < threshold)


def _stops(
    stationary: NDArray[np.bool_],
    new_seg: NDArray[np.bool_],
    t: NDArray[np.int64],
    min_h: float,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], int]:
    """Find stops; return (fixes to drop, fixes that start a new voyage, number of stops)."""
    n = len(stationary)
    prev_stat = np.zeros(n, dtype=bool)
    prev_stat[1:] = stationary[:-1]
    next_stat = np.zeros(n, dtype=bool)
    next_stat[:-1] = stationary[1:]
    seg_end = np.zeros(n, dtype=bool)
    seg_end[:-1] = new_seg[1:]
    seg_end[-1] = True
    run_start = stationary & (new_seg | ~prev_stat)
    run_end = stationary & (seg_end | ~next_stat)
    s = np.flatnonzero(run_start)
    e = np.flatnonzero(run_end)
    long_ = (t[e] - t[s]) >= min_h * _NS_PER_H
    s, e = s[long_], e[long_]
    drop = np.zeros(n, dtype=bool)
    starts_voyage = np.zeros(n, dtype=bool)
    if len(s) == 0:
        return drop, starts_voyage, 0
    lo = np.where(new_seg[s], s, s + 1)
    hi = np.where(seg_end[e], e, e - 1)
    ok = lo <= hi
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, lo[ok], 1)
    np.add.at(delta, hi[ok] + 1, -1)
    drop = np.cumsum(delta[:-1]) > 0
    starts_voyage[e] = True
    starts_voyage &= ~drop
    return drop, starts_voyage, len(s)


# --------------------------------------------------------------------------- #
# split_voyages
# --------------------------------------------------------------------------- #


def split_voyages(
    positions: pd.DataFrame,
    *,
    config: TrackConfig | None = None,
    zones: gpd.GeoDataFrame | None = None,
    on_short: Literal["flag", "drop"] = "flag",
) -> Voyages:
    """Split vessel tracks into voyages at reporting gaps and at long stops.

    All vessels are processed at once on one frame sorted by
    ``(vessel_id, timestamp)``: a new voyage starts where the vessel changes,
    where the time since the previous fix exceeds ``config.max_gap_h`` (or the
    jump exceeds ``config.max_gap_km``), and after a stop of at least
    ``config.stop_min_h`` hours below ``config.stop_speed_kn``. No Python loop
    runs per vessel or per point.

    Parameters
    ----------
    positions
        Positions with at least ``vessel_id, timestamp, lat, lon`` (``sog_kn``
        is used for stops when present); timestamps tz-aware UTC. Clean them
        first with :func:`clean_positions`. Rows may arrive in any order (a raw
        feed sorted by time is sorted with one stable integer sort). A
        ``dask.dataframe.DataFrame`` is accepted too, see Notes.
    config
        Thresholds; default :class:`TrackConfig()`.
    zones
        Zones to label departures and arrivals (default: the built-in zones,
        :func:`medroutes.geo.zones`). The first fix is matched against the
        departure zones, the last fix against the arrival zones; an end in no
        zone is ``"at sea"``.
    on_short : {"flag", "drop"}
        Voyages with fewer than ``config.min_positions`` positions are kept and
        flagged (``short`` column) or dropped and counted in ``quality``.

    Returns
    -------
    Voyages
        ``points``, ``table`` (VOYAGES schema), ``quality``, ``config``.

    Raises
    ------
    SchemaError
        Missing columns, naive or missing timestamps, missing coordinates.
    ConfigError
        ``on_short`` is neither ``"flag"`` nor ``"drop"`` (also a ``ValueError``).

    See Also
    --------
    clean_positions : remove duplicates, impossible jumps and fixes on land first.
    medroutes.graph.graph_from_voyages : the route graph built from the result.

    Notes
    -----
    Segments match MovingPandas' ``ObservationGapSplitter`` with
    ``gap=max_gap_h`` (a gap strictly longer than the threshold splits), except
    that medroutes keeps one-point voyages (MovingPandas drops segments of
    fewer than two points and of zero length) and also splits at stops.
    ``step_km`` is the WGS84 geodesic distance (see
    :func:`medroutes.tracks.geodesic_km`).

    **Dask.** Pass a ``dask.dataframe.DataFrame`` to split a dataset larger
    than memory: rows are shuffled on ``vessel_id`` so that each vessel lies in
    one partition, every partition is split with exactly this function, and the
    result is a lazy :class:`Voyages` whose ``points`` and ``table`` are dask
    DataFrames. ``voyage_id`` is then unique but not consecutive
    (``partition * 2**32 + local id``). Call ``.compute()`` for pandas, or pass
    the lazy voyages straight to :func:`medroutes.graph.graph_from_voyages`,
    which builds the same graph as from pandas. Run it on a cluster with
    ``dask.distributed.Client(...)`` active; nothing else changes.

    Examples
    --------
    >>> import medroutes as mr
    >>> pos, qc = mr.tracks.clean_positions(raw, on_invalid="drop")  # doctest: +SKIP
    >>> voy = mr.tracks.split_voyages(pos)  # doctest: +SKIP
    >>> voy.table[["voyage_id", "departure_zone", "arrival_zone", "dist_km"]]  # doctest: +SKIP
    """
    cfg = TrackConfig() if config is None else config
    if not isinstance(cfg, TrackConfig):
        raise TypeError(f"config must be a TrackConfig, got {type(cfg).__name__}")
    if on_short not in ("flag", "drop"):
        raise ConfigError(f"split_voyages: on_short must be 'flag' or 'drop', got {on_short!r}")
    if is_dask_collection(positions):
        from medroutes.tracks._dask import split_voyages_dask

        return split_voyages_dask(positions, config=cfg, zones=zones, on_short=on_short)
    return _split_pandas(positions, cfg, zones, on_short)


@dataclass(slots=True)
class _Rows:
    """Per-fix arrays in (vessel, time) order while fixes are being dropped."""

    take: NDArray[np.intp]  # row positions in the input frame
    codes: NDArray[np.int64]
    t: NDArray[np.int64]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    step_km: NDArray[np.float64]
    step_h: NDArray[np.float64]
    new_voy: NDArray[np.bool_]

    def keep(self, mask: NDArray[np.bool_]) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name)[mask])


def _sorted_rows(positions: pd.DataFrame) -> tuple[_Rows, NDArray[np.intp] | None]:
    n_in = len(positions)
    vid_col = positions["vessel_id"]
    if vid_col.isna().any():
        bad = vid_col.isna().to_numpy()
        raise SchemaError(
            f"positions: column 'vessel_id': {int(bad.sum()):,} of {n_in:,} rows are missing "
            f"(first rows {list(positions.index[bad][:3])})"
        )
    codes, _ = pd.factorize(vid_col, sort=True)
    codes = codes.astype(np.int64, copy=False)
    t = _timestamps_ns(positions["timestamp"])
    order = sort_positions_order(codes, t)
    lat = positions["lat"].to_numpy(dtype=np.float64)
    lon = positions["lon"].to_numpy(dtype=np.float64)
    if order is not None:
        codes, t, lat, lon = codes[order], t[order], lat[order], lon[order]
    take = np.arange(n_in) if order is None else order
    n = len(codes)
    empty = np.zeros(n)
    return _Rows(take, codes, t, lat, lon, empty, empty.copy(), np.zeros(n, dtype=bool)), order


def _gap_split(r: _Rows, cfg: TrackConfig) -> tuple[NDArray[np.bool_], NDArray[np.bool_], int]:
    """Fill steps; return (same vessel as previous fix, new segment, number of gaps)."""
    n = len(r.codes)
    has_prev = np.zeros(n, dtype=bool)
    has_prev[1:] = r.codes[1:] == r.codes[:-1]
    if n > 1:
        r.step_km[1:] = geodesic_km(r.lat[:-1], r.lon[:-1], r.lat[1:], r.lon[1:])
        r.step_h[1:] = np.diff(r.t) / _NS_PER_H
    new_seg = ~has_prev | (r.step_h > cfg.max_gap_h)
    if cfg.max_gap_km is not None:
        new_seg |= r.step_km > cfg.max_gap_km
    return has_prev, new_seg, int((has_prev & new_seg).sum())


def _stop_split(
    positions: pd.DataFrame,
    r: _Rows,
    order: NDArray[np.intp] | None,
    has_prev: NDArray[np.bool_],
    new_seg: NDArray[np.bool_],
    cfg: TrackConfig,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], int]:
    """Return (fixes inside long stops, fixes that start a voyage after a stop, number of stops)."""
    n = len(r.codes)
    if not cfg.splits_at_stops or n == 0:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), 0
    assert cfg.stop_speed_kn is not None and cfg.stop_min_h is not None
    with np.errstate(divide="ignore", invalid="ignore"):
        speed_in = np.where(
            r.step_h > 0, r.step_km / _KM_PER_NM / r.step_h, np.where(r.step_km > 0, np.inf, 0.0)
        )
    speed_in[new_seg] = np.nan  # no step across a segment boundary
    sog = None
    if "sog_kn" in positions.columns:
        sog = positions["sog_kn"].to_numpy(dtype=np.float64, na_value=np.nan)
        if order is not None:
            sog = sog[order]
    stat = _stationary(sog, speed_in, has_prev & ~new_seg, cfg.stop_speed_kn)
    return _stops(stat, new_seg, r.t, cfg.stop_min_h)


def _examples(positions: pd.DataFrame, rows: NDArray[np.intp]) -> tuple[object, ...]:
    return tuple(positions.index[rows[:3]].tolist())


def _points_frame(positions: pd.DataFrame, r: _Rows, voyage_id: NDArray[np.int64]) -> pd.DataFrame:
    identity = len(r.take) == len(positions) and bool(np.all(r.take == np.arange(len(positions))))
    cols: dict[str, Any] = {}
    for c in positions.columns:
        if c == "timestamp":
            cols[c] = pd.DatetimeIndex(r.t.view("datetime64[ns]"), dtype="datetime64[ns, UTC]")
        elif c == "lat":
            cols[c] = r.lat
        elif c == "lon":
            cols[c] = r.lon
        else:
            col = positions[c]
            cols[c] = col.array if identity else col.array.take(r.take)
    cols["voyage_id"] = voyage_id
    cols["step_km"] = r.step_km
    cols["step_h"] = r.step_h
    return pd.DataFrame(cols, copy=False)


def _split_pandas(
    positions: pd.DataFrame,
    cfg: TrackConfig,
    zones: gpd.GeoDataFrame | None,
    on_short: str,
    *,
    id_offset: int = 0,
) -> Voyages:
    from medroutes.options import progress_bar

    steps = iter(
        progress_bar(["sort", "steps", "stops", "voyages", "zones"], desc="split_voyages", unit="step")
    )
    next(steps, None)
    _check_positions(positions)
    n_in = len(positions)
    r, order = _sorted_rows(positions)

    next(steps, None)
    has_prev, new_seg, n_gaps = _gap_split(r, cfg)

    next(steps, None)
    drop, stop_starts, n_stops = _stop_split(positions, r, order, has_prev, new_seg, cfg)
    r.new_voy = new_seg | stop_starts
    del has_prev, new_seg, stop_starts

    next(steps, None)
    problems: list[Problem] = []
    notes: list[str] = []
    if drop.any():
        problems.append(
            Problem(
                "in_stop",
                "sog_kn",
                f"are fixes inside stops of >= {cfg.stop_min_h:g} h below "
                f"{cfg.stop_speed_kn:g} kn (moored or at anchor; part of no voyage)",
                int(drop.sum()),
                _examples(positions, r.take[drop]),
            )
        )
        r.keep(~drop)
    voy = np.cumsum(r.new_voy) - 1
    short_v = np.bincount(voy) < cfg.min_positions if len(voy) else np.zeros(0, dtype=bool)
    if on_short == "drop" and short_v.any():
        bad = short_v[voy]
        problems.append(
            Problem(
                "short_voyage",
                "voyage_id",
                f"belong to {int(short_v.sum()):,} voyages with fewer than {cfg.min_positions} positions "
                "(dropped: on_short='drop')",
                int(bad.sum()),
                _examples(positions, r.take[bad]),
            )
        )
        warnings.warn(
            f"split_voyages: dropped {int(bad.sum()):,} positions of voyages shorter than "
            f"{cfg.min_positions} positions",
            DataQualityWarning,
            stacklevel=3,
        )
        r.keep(~bad)
        voy = np.cumsum(r.new_voy) - 1
        short_v = np.zeros(int(voy[-1]) + 1 if len(voy) else 0, dtype=bool)
    elif short_v.any():
        notes.append(
            f"{int(short_v.sum()):,} voyages have fewer than {cfg.min_positions} positions "
            "(kept, flagged in column 'short')"
        )
    r.step_km[r.new_voy] = 0.0
    r.step_h[r.new_voy] = 0.0
    voyage_id = voy.astype(np.int64) + id_offset
    points = _points_frame(positions, r, voyage_id)

    next(steps, None)
    first = np.flatnonzero(r.new_voy)
    last = np.r_[first[1:] - 1, len(r.new_voy) - 1] if len(first) else first
    table = _voyage_table(points=points, first=first, last=last, r=r, zones=zones)
    table.insert(0, "voyage_id", voyage_id[first])
    table["short"] = short_v
    if n_gaps:
        notes.append(f"{n_gaps:,} reporting gaps > {cfg.max_gap_h:g} h split tracks")
    if n_stops:
        notes.append(f"{n_stops:,} stops >= {cfg.stop_min_h:g} h split tracks")
    notes.insert(0, f"{len(table):,} voyages of {int(table['vessel_id'].nunique()):,} vessels")
    quality = QualityReport("voyage points", n_in, len(points), tuple(problems), tuple(notes))
    next(steps, None)
    return Voyages(points=points, table=table, quality=quality, config=cfg)


def _voyage_table(
    *,
    points: pd.DataFrame,
    first: NDArray[np.intp],
    last: NDArray[np.intp],
    r: _Rows,
    zones: gpd.GeoDataFrame | None,
) -> pd.DataFrame:
    from medroutes.geo import assign_zone

    t, lat, lon = r.t, r.lat, r.lon
    dist = np.add.reduceat(r.step_km, first) if len(first) else np.zeros(0)
    n_pos = (last - first + 1).astype(np.int64)
    dur = (t[last] - t[first]) / _NS_PER_H
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_sog = np.where(dur > 0, dist / _KM_PER_NM / dur, np.nan)
    dep = assign_zone(lon[first], lat[first], zones, kind="departure")
    arr = assign_zone(lon[last], lat[last], zones, kind="arrival")
    ts = pd.DatetimeIndex(t[first].view("datetime64[ns]"), dtype="datetime64[ns, UTC]")
    te = pd.DatetimeIndex(t[last].view("datetime64[ns]"), dtype="datetime64[ns, UTC]")
    table = pd.DataFrame(
        {
            "vessel_id": points["vessel_id"].array.take(first),
            "start_time": ts,
            "end_time": te,
            "departure_zone": pd.array(dep, dtype="str"),
            "arrival_zone": pd.array(arr, dtype="str"),
            "dist_km": dist,
            "duration_h": dur,
            "mean_sog_kn": mean_sog,
            "n_positions": n_pos,
            "start_lon": lon[first],
            "start_lat": lat[first],
            "end_lon": lon[last],
            "end_lat": lat[last],
        }
    )
    if "outcome" in points.columns:
        table["outcome"] = points["outcome"].iloc[last].to_numpy()
    for col in ("vessel_type", "source"):
        if col in points.columns:
            table[col] = points[col].iloc[first].to_numpy()
    return table
