"""Readers for tables already in the medroutes schema (CSV or Parquet), as written by ``write_*``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

import pandas as pd

from medroutes import _limits
from medroutes.errors import DataFormatError
from medroutes.io._common import PathLike, as_path, finish, inner_suffix, read_csv, strip_columns
from medroutes.schema import OnInvalid, QualityReport, _short, validate_incidents, validate_positions

__all__ = ["ID_COLUMNS", "read_tidy_incidents", "read_tidy_positions"]

#: Identifier columns: read from CSV as text, then as int64 when every value is a
#: plain integer (so ids survive a CSV round trip either way).
ID_COLUMNS: tuple[str, ...] = ("vessel_id", "incident_id", "voyage_id")

_PARQUET = (".parquet", ".pq", ".geoparquet")


def _ids_back(df: pd.DataFrame) -> pd.DataFrame:
    for col in ID_COLUMNS:
        if col in df.columns and not pd.api.types.is_numeric_dtype(df[col].dtype):
            s = df[col]
            plain = s.str.fullmatch(r"-?(?:0|[1-9]\d{0,17})")
            if len(s) and plain.fillna(False).all():
                df[col] = s.astype("int64")
    return df


def _read_table(p: Path, what: str, encoding: str) -> pd.DataFrame:
    suffix = inner_suffix(p)
    if suffix in _PARQUET:
        try:
            df = pd.read_parquet(p)
        except Exception as exc:  # pyarrow.ArrowInvalid and friends
            raise DataFormatError(f"{p}: cannot be read as Parquet: {_short(exc, 300)}") from exc
        if len(df) == 0:
            raise DataFormatError(f"{p}: has a schema but no data rows ({what})")
        return df
    dtype = dict.fromkeys(ID_COLUMNS, "str")
    df = read_csv(p, what=what, encoding=encoding, dtype=dtype, keep_default_na=False, na_values=[""])
    return _ids_back(strip_columns(df, str(p)))


@overload
def read_tidy_positions(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    encoding: str = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_tidy_positions(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    encoding: str = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_tidy_positions(
    path: PathLike,
    *,
    on_invalid: OnInvalid = "raise",
    assume_tz: str | None = None,
    encoding: str = "utf-8",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read a positions table in the medroutes schema from CSV or Parquet.

    Parameters
    ----------
    path
        ``.csv`` (optionally compressed) or ``.parquet`` file with at least
        ``vessel_id, timestamp, lat, lon, sog_kn, cog_deg``.
    on_invalid : {"raise", "drop"}
        Raise on invalid rows, or drop and count them.
    assume_tz
        Time zone of naive timestamps; ``None`` makes them an error.
    encoding
        Text encoding of a CSV file.
    return_report
        Return ``(positions, report)`` instead of ``positions``.

    Returns
    -------
    positions : pandas.DataFrame
        Validated by :func:`medroutes.schema.validate_positions`; report in
        ``attrs["quality_report"]``.
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    DataFormatError
        Unreadable file, wrong delimiter, undecodable bytes, no data rows.
    SchemaError
        Missing columns, text in numeric columns, naive timestamps, or
        invalid rows with ``on_invalid="raise"``.
    MemoryLimitError
        The file would not fit in the memory available (checked before
        loading, from the Parquet row count or the file size); use the Dask path.
    """
    p = as_path(path)
    _limits.check_file_memory(p)
    df = _read_table(p, "positions table", encoding)
    out, report = validate_positions(df, on_invalid=on_invalid, assume_tz=assume_tz)
    return finish(out, report, path=p, fmt="tidy_positions", return_report=return_report)


@overload
def read_tidy_incidents(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    encoding: str = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_tidy_incidents(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    assume_tz: str | None = ...,
    encoding: str = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_tidy_incidents(
    path: PathLike,
    *,
    on_invalid: OnInvalid = "raise",
    assume_tz: str | None = None,
    encoding: str = "utf-8",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read an incidents table in the medroutes schema from CSV or Parquet.

    Parameters
    ----------
    path
        ``.csv`` or ``.parquet`` file with at least ``incident_id, timestamp,
        lat, lon, incident_type, dead, missing, survivors, route, source``.
    on_invalid : {"raise", "drop"}
        Raise on invalid rows, or drop and count them.
    assume_tz
        Time zone of naive timestamps; ``None`` makes them an error.
    encoding
        Text encoding of a CSV file.
    return_report
        Return ``(incidents, report)`` instead of ``incidents``.

    Returns
    -------
    incidents : pandas.DataFrame
        Validated by :func:`medroutes.schema.validate_incidents` (empty
        counts stay missing, never 0).
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    DataFormatError
        Unreadable file, wrong delimiter, undecodable bytes, no data rows.
    SchemaError
        Missing columns, negative counts, unknown ``incident_type``, duplicate
        ids, ... with ``on_invalid="raise"``.
    """
    p = as_path(path)
    df = _read_table(p, "incidents table", encoding)
    out, report = validate_incidents(df, on_invalid=on_invalid, assume_tz=assume_tz)
    return finish(out, report, path=p, fmt="tidy_incidents", return_report=return_report)
