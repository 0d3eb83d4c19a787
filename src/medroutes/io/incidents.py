"""``read_incidents``: one entry point for the incident formats medroutes reads."""

from __future__ import annotations

from typing import Literal, overload

import pandas as pd

from medroutes.errors import DataFormatError
from medroutes.io._common import PathLike, as_path
from medroutes.io._detect import detect_format, kind_of, normalize_format
from medroutes.schema import OnInvalid, QualityReport

__all__ = ["read_incidents"]


@overload
def read_incidents(
    path: PathLike,
    *,
    format: str | None = ...,
    on_invalid: OnInvalid = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_incidents(
    path: PathLike,
    *,
    format: str | None = ...,
    on_invalid: OnInvalid = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_incidents(
    path: PathLike,
    *,
    format: str | None = None,
    on_invalid: OnInvalid = "raise",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read an incidents file (IOM Missing Migrants CSV or a medroutes incidents table).

    Parameters
    ----------
    path
        IOM MMP CSV (Kaggle or official layout), or a medroutes incidents
        table (CSV or Parquet, e.g. written by :func:`write_incidents`).
    format : {None, "iom_mmp", "tidy_incidents"}
        Skip detection; ``"csv"`` and ``"parquet"`` mean ``"tidy_incidents"``.
    on_invalid : {"raise", "drop"}
        Raise on invalid rows, or drop and count them.
    return_report
        Return ``(incidents, report)`` instead of ``incidents``.

    Returns
    -------
    incidents : pandas.DataFrame
        The incidents table; report in ``attrs["quality_report"]``.
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    DataFormatError
        Unknown or unreadable format, or a positions file.
    SchemaError
        Invalid content (see :func:`read_iom_mmp`, :func:`read_tidy_incidents`).
    """
    from medroutes.io.iom import read_iom_mmp
    from medroutes.io.tidy import read_tidy_incidents

    p = as_path(path)
    fmt = detect_format(p) if format is None else normalize_format(format, "incidents")
    kind = kind_of(fmt)
    if kind != "incidents":
        reader = "read_positions" if kind == "positions" else "read_unhcr_arrivals"
        raise DataFormatError(f"{p}: is {kind} data ({fmt}), not incidents; use medroutes.io.{reader}")
    if fmt == "iom_mmp":
        df, rep = read_iom_mmp(p, on_invalid=on_invalid, return_report=True)
    else:
        df, rep = read_tidy_incidents(p, on_invalid=on_invalid, return_report=True)
    return (df, rep) if return_report else df
