"""``read_positions``: one entry point for every positions format medroutes reads."""

from __future__ import annotations

from typing import Literal, overload

import pandas as pd

from medroutes import _limits
from medroutes.errors import DataFormatError
from medroutes.io._common import PathLike, as_path
from medroutes.io._detect import detect_format, kind_of, normalize_format
from medroutes.schema import OnInvalid, QualityReport

__all__ = ["read_positions"]


@overload
def read_positions(
    path: PathLike,
    *,
    format: str | None = ...,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_positions(
    path: PathLike,
    *,
    format: str | None = ...,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_positions(
    path: PathLike,
    *,
    format: str | None = None,
    on_invalid: OnInvalid = "raise",
    assume_tz: str | None = None,
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read a positions file of any supported format into the positions table.

    Parameters
    ----------
    path
        DMA CSV, MarineCadastre CSV, NMEA text, GeoPackage / GeoParquet /
        GeoJSON points, or a medroutes positions table (CSV or Parquet).
    format : {None, "dma", "marinecadastre", "nmea", "geo", "tidy_positions"}
        Skip detection (see :func:`medroutes.io.detect_format`); ``"csv"``,
        ``"parquet"``, ``"gpkg"`` and ``"geoparquet"`` are accepted as aliases.
    on_invalid : {"raise", "drop"}
        Raise on invalid rows, or drop and count them.
    assume_tz
        Time zone of naive timestamps in tidy and geo files (DMA and
        MarineCadastre times are UTC by definition; NMEA needs its own times,
        see :func:`medroutes.io.read_nmea`).
    return_report
        Return ``(positions, report)`` instead of ``positions``.

    Returns
    -------
    positions : pandas.DataFrame
        The positions table, sorted by ``(vessel_id, timestamp)``; the
        :class:`~medroutes.schema.QualityReport` is in
        ``attrs["quality_report"]`` and the detected format in
        ``attrs["source_format"]``.
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    DataFormatError
        Unknown or unreadable format, or an incidents file.
    SchemaError
        Invalid content (see the format's reader).
    MemoryLimitError
        The file would not fit in the memory available (checked before
        loading, from the Parquet row count or the file size); use the Dask path.

    See Also
    --------
    read_dma, read_marinecadastre, read_nmea, read_geo_positions, read_tidy_positions
    """
    from medroutes.io.dma import read_dma
    from medroutes.io.geofile import read_geo_positions
    from medroutes.io.marinecadastre import read_marinecadastre
    from medroutes.io.nmea import read_nmea
    from medroutes.io.tidy import read_tidy_positions

    p = as_path(path)
    fmt = detect_format(p) if format is None else normalize_format(format, "positions")
    kind = kind_of(fmt)
    if kind != "positions":
        reader = "read_incidents" if kind == "incidents" else "read_unhcr_arrivals"
        raise DataFormatError(f"{p}: is {kind} data ({fmt}), not positions; use medroutes.io.{reader}")
    if fmt in ("dma", "marinecadastre", "nmea"):  # the geo and tidy readers check for themselves
        _limits.check_file_memory(p)
    if fmt == "dma":
        df, rep = read_dma(p, on_invalid=on_invalid, return_report=True)
    elif fmt == "marinecadastre":
        df, rep = read_marinecadastre(p, on_invalid=on_invalid, return_report=True)
    elif fmt == "nmea":
        df, rep = read_nmea(p, on_invalid=on_invalid, return_report=True)
    elif fmt == "geo":
        df, rep = read_geo_positions(p, on_invalid=on_invalid, assume_tz=assume_tz, return_report=True)
    else:
        df, rep = read_tidy_positions(p, on_invalid=on_invalid, assume_tz=assume_tz, return_report=True)
    return (df, rep) if return_report else df
