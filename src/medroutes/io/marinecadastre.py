"""Reader for NOAA / BOEM MarineCadastre AIS CSV files (US waters).

MarineCadastre.gov publishes daily AIS files (``AIS_YYYY_MM_DD.csv``) with the
columns ``MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading, VesselName, IMO,
CallSign, VesselType, Status, Length, Width, Draft, Cargo, TransceiverClass``.
``BaseDateTime`` is ISO 8601 without an offset and is UTC by the publisher's
documentation; ``VesselType`` is the numeric AIS ship-type code.
"""

from __future__ import annotations

from typing import Literal, overload

import pandas as pd

from medroutes.io._aiscodes import blank_sentinels, ship_type_name
from medroutes.io._common import PathLike, as_path, finish, pre_report, read_csv, strip_columns
from medroutes.io.dma import _mmsi
from medroutes.schema import OnInvalid, QualityReport, validate_positions

__all__ = ["VARIABLE_MAP", "read_marinecadastre"]

#: MarineCadastre column -> medroutes column. ``VesselType`` (a numeric code) is
#: turned into the DMA category names (see ``medroutes.io.AIS_SHIP_TYPES``) and the
#: code itself is kept as ``vessel_type_code`` with ``extra_columns=True``.
VARIABLE_MAP: dict[str, str] = {
    "MMSI": "vessel_id",
    "BaseDateTime": "timestamp",
    "LAT": "lat",
    "LON": "lon",
    "SOG": "sog_kn",
    "COG": "cog_deg",
    "VesselType": "vessel_type_code",
    "Length": "length_m",
    "VesselName": "name",
    "Heading": "heading_deg",
    "IMO": "imo",
    "CallSign": "callsign",
    "Status": "nav_status",
    "Width": "width_m",
    "Draft": "draught_m",
    "Cargo": "cargo_type",
    "TransceiverClass": "transceiver_class",
}

_REQUIRED = ["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG"]
_SCHEMA_SOURCE = [*_REQUIRED, "VesselType", "Length", "VesselName"]


@overload
def read_marinecadastre(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    extra_columns: bool = ...,
    encoding: str = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_marinecadastre(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    extra_columns: bool = ...,
    encoding: str = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_marinecadastre(
    path: PathLike,
    *,
    on_invalid: OnInvalid = "raise",
    map_variables: bool = True,
    extra_columns: bool = False,
    encoding: str = "utf-8",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read a NOAA MarineCadastre AIS CSV file into the positions table.

    Parameters
    ----------
    path
        ``AIS_YYYY_MM_DD.csv`` file, plain or compressed (``.zip`` with one file).
    on_invalid : {"raise", "drop"}
        Raise on invalid rows, or drop and count them
        (:func:`medroutes.schema.validate_positions`).
    map_variables
        Rename columns with :data:`VARIABLE_MAP`; ``False`` keeps the
        MarineCadastre names (values are still cleaned and validated; the
        derived ``vessel_type`` and ``source`` keep their medroutes names).
    extra_columns
        Also keep heading, IMO, call sign, status, width, draft, cargo and
        transceiver class.
    encoding
        Text encoding of the file.
    return_report
        Return ``(positions, report)`` instead of ``positions``.

    Returns
    -------
    positions : pandas.DataFrame
        ``vessel_id`` (MMSI), ``timestamp`` (UTC), ``lat``, ``lon`` [deg],
        ``sog_kn`` [kn], ``cog_deg`` [deg], ``vessel_type`` (category name of
        the AIS code, e.g. 70 -> ``"Cargo"``), ``name``, ``length_m`` [m],
        ``source`` (``"MarineCadastre"``). Report in ``attrs["quality_report"]``.
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    DataFormatError
        Missing MarineCadastre columns, undecodable bytes, a truncated file.
    SchemaError
        Text in numeric columns, or invalid rows with ``on_invalid="raise"``.

    Notes
    -----
    AIS "not available" values become NaN before validation: LAT 91 / LON
    181 (then counted as ``lat_range``), SOG 102.3, COG 360, Heading 511;
    ``VesselType`` 0 becomes a missing ``vessel_type``.
    """
    p = as_path(path)
    keep_cols = set(VARIABLE_MAP) if extra_columns else set(_SCHEMA_SOURCE)
    raw = read_csv(
        p,
        what="MarineCadastre AIS CSV",
        encoding=encoding,
        required=_REQUIRED,
        usecols=lambda c: c.strip() in keep_cols,
        dtype={"BaseDateTime": "str", "VesselName": "str"},
    )
    strip_columns(raw, str(p))
    pre = pre_report(len(raw), [])
    df = raw.rename(columns=VARIABLE_MAP)
    df["vessel_id"] = _mmsi(df["vessel_id"])
    # BaseDateTime is UTC by definition of the format; an explicit offset is honoured too
    df["timestamp"] = pd.to_datetime(df["timestamp"].str.strip(), format="ISO8601", utc=True, errors="coerce")
    blank_sentinels(df)
    if "vessel_type_code" in df.columns:
        df["vessel_type"] = ship_type_name(df["vessel_type_code"])
        if not extra_columns:
            df = df.drop(columns="vessel_type_code")
    df["source"] = "MarineCadastre"
    front = ["vessel_id", "timestamp", "lat", "lon", "sog_kn", "cog_deg", "vessel_type", "name", "length_m"]
    order = [c for c in front if c in df.columns] + [c for c in df.columns if c not in front]
    df = df[order]
    out, rep = validate_positions(df, on_invalid=on_invalid)
    if isinstance(out["vessel_id"].dtype, pd.Int64Dtype) and out["vessel_id"].notna().all():
        out["vessel_id"] = out["vessel_id"].astype("int64")
    report = pre.merge(rep)
    if not map_variables:
        inverse = {v: k for k, v in VARIABLE_MAP.items()}
        out = out.rename(columns=inverse)
    return finish(out, report, path=p, fmt="marinecadastre", return_report=return_report)
