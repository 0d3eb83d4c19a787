"""Reader for the raw AIS CSV files of the Danish Maritime Authority (DMA).

The DMA publishes one file per day at http://web.ais.dk/aisdata/ (``aisdk-YYYY-MM-DD.csv``,
zipped). The header is the first line and starts with ``# Timestamp``; times are
``dd/mm/YYYY HH:MM:SS`` in UTC. Credit: "Contains data from the Danish Maritime
Authority that is used in accordance with the conditions for the use of Danish
public data."
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, overload

import numpy as np
import pandas as pd

from medroutes.io._aiscodes import blank_sentinels
from medroutes.io._common import (
    PathLike,
    as_path,
    excluded_problem,
    finish,
    pre_report,
    read_csv,
    strip_columns,
)
from medroutes.schema import OnInvalid, QualityReport, validate_positions

__all__ = ["DEFAULT_MOBILE_TYPES", "PLACEHOLDERS", "TIME_FORMAT", "VARIABLE_MAP", "read_dma"]

#: DMA column -> medroutes column. The first ten are the positions schema; the
#: rest are kept only with ``extra_columns=True``.
VARIABLE_MAP: dict[str, str] = {
    "MMSI": "vessel_id",
    "# Timestamp": "timestamp",
    "Latitude": "lat",
    "Longitude": "lon",
    "SOG": "sog_kn",
    "COG": "cog_deg",
    "Ship type": "vessel_type",
    "Length": "length_m",
    "Name": "name",
    "Type of mobile": "mobile_type",
    "Navigational status": "nav_status",
    "ROT": "rot_deg_min",
    "Heading": "heading_deg",
    "IMO": "imo",
    "Callsign": "callsign",
    "Cargo type": "cargo_type",
    "Width": "width_m",
    "Type of position fixing device": "position_device",
    "Draught": "draught_m",
    "Destination": "destination",
    "ETA": "eta",
    "Data source type": "data_source",
    "A": "to_bow_m",
    "B": "to_stern_m",
    "C": "to_port_m",
    "D": "to_starboard_m",
}

_SCHEMA_SOURCE = [
    "# Timestamp",
    "Type of mobile",
    "MMSI",
    "Latitude",
    "Longitude",
    "SOG",
    "COG",
    "Name",
    "Ship type",
    "Length",
]
_REQUIRED = ["# Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude", "SOG", "COG"]

#: ``Type of mobile`` values kept by default: ships' transponders. Base stations
#: and aids to navigation (AtoN) are fixed installations, not vessels.
DEFAULT_MOBILE_TYPES: tuple[str, ...] = ("Class A", "Class B")

#: Text the DMA writes for "no value"; read as missing.
PLACEHOLDERS: tuple[str, ...] = ("Unknown", "Undefined", "Unknown value")

#: Time format of ``# Timestamp`` (UTC).
TIME_FORMAT = "%d/%m/%Y %H:%M:%S"


@overload
def read_dma(
    path: PathLike,
    *,
    mobile_types: Sequence[str] | None = ...,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    extra_columns: bool = ...,
    encoding: str = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_dma(
    path: PathLike,
    *,
    mobile_types: Sequence[str] | None = ...,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    extra_columns: bool = ...,
    encoding: str = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_dma(
    path: PathLike,
    *,
    mobile_types: Sequence[str] | None = DEFAULT_MOBILE_TYPES,
    on_invalid: OnInvalid = "raise",
    map_variables: bool = True,
    extra_columns: bool = False,
    encoding: str = "utf-8",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read a Danish Maritime Authority raw AIS CSV file into the positions table.

    Parameters
    ----------
    path
        ``aisdk-*.csv`` file, plain or compressed (``.zip`` with one file, ``.gz``).
    mobile_types
        ``Type of mobile`` values to keep (default Class A and Class B
        transponders). Other rows (``Base Station``, ``AtoN``, ...) are not
        vessels: they are excluded and counted in the quality report under
        ``mobile_type``, never dropped silently. ``None`` keeps every row.
    on_invalid : {"raise", "drop"}
        What to do with rows that fail validation
        (:func:`medroutes.schema.validate_positions`). A raw DMA file always
        has duplicates (the same message heard by several base stations) and
        rows with position "not available", so ``"raise"`` fails on it;
        use ``"drop"`` to drop and count them.
    map_variables
        Rename columns with :data:`VARIABLE_MAP` (``MMSI`` -> ``vessel_id``,
        ``SOG`` -> ``sog_kn`` ...). With ``False`` the DMA names are kept
        (values are still cleaned and validated).
    extra_columns
        Also keep the other DMA columns (navigational status, heading, IMO ...).
    encoding
        Text encoding of the file.
    return_report
        Return ``(positions, report)`` instead of ``positions``.

    Returns
    -------
    positions : pandas.DataFrame
        ``vessel_id`` (MMSI, int64), ``timestamp`` (UTC), ``lat``, ``lon`` [deg],
        ``sog_kn`` [kn], ``cog_deg`` [deg], ``vessel_type`` (DMA ``Ship type``),
        ``name``, ``length_m`` [m], ``source`` (``"DMA"``), sorted by
        ``(vessel_id, timestamp)``. The :class:`~medroutes.schema.QualityReport`
        is in ``positions.attrs["quality_report"]``; its ``n_in`` is the number
        of data lines in the file.
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    DataFormatError
        Not a DMA file (missing columns), undecodable bytes, a truncated file.
    SchemaError
        Text in numeric columns, or invalid rows with ``on_invalid="raise"``.

    Notes
    -----
    Cleaning applied before validation: latitude 91 or longitude 181 (the DMA
    writes 91 / 0) -> position missing (then counted as ``lat_range``); SOG
    102.3 and COG 360 -> NaN; ``Unknown``, ``Undefined``, ``Unknown value`` ->
    missing text. Exact duplicate rows are counted as ``duplicate``; rows that
    repeat a vessel and second with other values as ``conflicting_duplicate``.

    Examples
    --------
    >>> import medroutes as mr
    >>> pos = mr.io.read_dma("sample_data/real/dma_aisdk-2026-04-26_excerpt.csv", on_invalid="drop")  # doctest: +SKIP
    >>> pos.attrs["quality_report"].n_in  # doctest: +SKIP
    299
    """
    p = as_path(path)
    usecols = None if extra_columns else _SCHEMA_SOURCE
    raw = read_csv(
        p,
        what="DMA AIS CSV",
        encoding=encoding,
        required=_REQUIRED,
        usecols=lambda c: c.strip() in VARIABLE_MAP if usecols is None else c.strip() in usecols,
        keep_default_na=False,
        na_values=["", *PLACEHOLDERS],
        dtype={"Name": "str", "Ship type": "str", "Type of mobile": "str", "# Timestamp": "str"},
    )
    strip_columns(raw, str(p))
    n_in = len(raw)

    problems = []
    if mobile_types is not None:
        keep = raw["Type of mobile"].isin(list(mobile_types)).to_numpy()
        if not keep.all():
            counts = raw.loc[~keep, "Type of mobile"].fillna("(missing)").value_counts()
            what = ", ".join(f"{k} {v:,}" for k, v in counts.items())
            problems.append(
                excluded_problem(
                    "mobile_type",
                    "mobile_type",
                    f"are not vessel transponders of the kept types ({', '.join(mobile_types)}): {what}; excluded",
                    ~keep,
                    raw.index,
                )
            )
            raw = raw.loc[keep]
    pre = pre_report(n_in, problems)

    df = raw.rename(columns=VARIABLE_MAP)
    df["vessel_id"] = _mmsi(df["vessel_id"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], format=TIME_FORMAT, utc=True, errors="coerce")
    blank_sentinels(df)
    df["source"] = "DMA"
    order = [VARIABLE_MAP[c] for c in VARIABLE_MAP if VARIABLE_MAP[c] in df.columns] + ["source"]
    if not extra_columns:
        order.remove("mobile_type")
    df = df[order]
    out, rep = validate_positions(df, on_invalid=on_invalid)
    if isinstance(out["vessel_id"].dtype, pd.Int64Dtype) and out["vessel_id"].notna().all():
        out["vessel_id"] = out["vessel_id"].astype("int64")
    report = pre.merge(rep)
    if not map_variables:
        out = out.rename(columns={v: k for k, v in VARIABLE_MAP.items()})
    return finish(out, report, path=p, fmt="dma", return_report=return_report)


def _mmsi(s: pd.Series) -> pd.Series:
    """MMSI as int64 when every value is a whole number below 1e10, else nullable Int64 (others missing)."""
    if pd.api.types.is_integer_dtype(s.dtype) and isinstance(s.dtype, np.dtype):
        return s.astype("int64")
    num = pd.to_numeric(s, errors="coerce")
    # MMSIs have 9 digits (fewer with leading zeros); anything else cannot be an id
    whole = num.notna() & (num == np.floor(num)) & (num >= 0) & (num < 1e10)
    out = num.where(whole).astype("Int64")
    return out.astype("int64") if out.notna().all() else out
