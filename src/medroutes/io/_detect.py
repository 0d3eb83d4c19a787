"""Recognise the format of an input file from its suffix and its first bytes."""

from __future__ import annotations

import csv
import re

from medroutes.errors import DataFormatError
from medroutes.io._common import PathLike, as_path, head_text, inner_suffix
from medroutes.schema import _short

__all__ = ["ARRIVAL_FORMATS", "FORMATS", "INCIDENT_FORMATS", "POSITION_FORMATS", "detect_format", "kind_of"]

#: Formats read by :func:`medroutes.io.read_positions`.
POSITION_FORMATS: tuple[str, ...] = ("dma", "marinecadastre", "nmea", "geo", "tidy_positions")
#: Formats read by :func:`medroutes.io.read_incidents`.
INCIDENT_FORMATS: tuple[str, ...] = ("iom_mmp", "tidy_incidents")
#: Formats read by :func:`medroutes.io.read_unhcr_arrivals`.
ARRIVAL_FORMATS: tuple[str, ...] = ("unhcr_arrivals",)
#: Every format name :func:`detect_format` can return.
FORMATS: tuple[str, ...] = POSITION_FORMATS + INCIDENT_FORMATS + ARRIVAL_FORMATS

_ALIASES = {
    "tidy": None,  # resolved by the caller's table kind
    "csv": None,
    "parquet": None,
    "geopackage": "geo",
    "gpkg": "geo",
    "geoparquet": "geo",
    "geojson": "geo",
    "aisdk": "dma",
    "noaa": "marinecadastre",
    "iom": "iom_mmp",
    "unhcr": "unhcr_arrivals",
}

_GEO_SUFFIXES = (".gpkg", ".geojson", ".fgb", ".shp")
_PARQUET_SUFFIXES = (".parquet", ".pq", ".geoparquet")
_NMEA = re.compile(r"![A-Z]{2}VD[MO],")


def kind_of(fmt: str) -> str:
    """Return ``"positions"``, ``"incidents"`` or ``"arrivals"`` for a format name."""
    if fmt in POSITION_FORMATS:
        return "positions"
    if fmt in INCIDENT_FORMATS:
        return "incidents"
    if fmt in ARRIVAL_FORMATS:
        return "arrivals"
    raise DataFormatError(f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")


def normalize_format(fmt: str, kind: str) -> str:
    """Resolve a user-given format name or alias (``"csv"``, ``"gpkg"`` ...) for a table kind."""
    key = fmt.strip().lower()
    if key in FORMATS:
        return key
    if key in _ALIASES:
        alias = _ALIASES[key]
        return alias if alias is not None else f"tidy_{kind}"
    raise DataFormatError(
        f"unknown format {fmt!r}; use one of {', '.join(FORMATS)} (or csv, parquet, gpkg, geoparquet)"
    )


def _parquet_format(path: PathLike) -> str:
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow.ArrowInvalid: not a Parquet file
        raise DataFormatError(
            f"{path}: has a Parquet suffix but cannot be read as Parquet: {_short(exc, 300)}"
        ) from exc
    names = set(schema.names)
    if schema.metadata and b"geo" in schema.metadata:
        return "geo"
    if {"vessel_id", "timestamp"} <= names:
        return "tidy_positions"
    if {"incident_id", "incident_type"} <= names:
        return "tidy_incidents"
    raise DataFormatError(
        f"{path}: Parquet file is neither GeoParquet nor a medroutes positions/incidents table "
        f"(columns: {', '.join(_short(c, 40) for c in sorted(names)[:12])})"
    )


def detect_format(path: PathLike) -> str:
    """Guess the format of a positions or incidents file.

    Parameters
    ----------
    path
        File to inspect (only its suffix and first 64 KiB are read).

    Returns
    -------
    str
        One of :data:`FORMATS`: ``"dma"`` (header ``# Timestamp,Type of
        mobile,...``), ``"marinecadastre"`` (``MMSI, BaseDateTime, ...``),
        ``"nmea"`` (``!AIVDM`` sentences), ``"geo"`` (GeoPackage, GeoParquet,
        GeoJSON), ``"tidy_positions"`` / ``"tidy_incidents"`` (medroutes
        columns, CSV or Parquet), ``"iom_mmp"`` (IOM Missing Migrants CSV) or
        ``"unhcr_arrivals"``.

    Raises
    ------
    DataFormatError
        Empty file, wrong delimiter, or a layout none of the readers knows;
        the message shows the suffix and first line seen.
    """
    p = as_path(path)
    suffix = inner_suffix(p)
    if suffix in _GEO_SUFFIXES:
        return "geo"
    if suffix in _PARQUET_SUFFIXES:
        return _parquet_format(p)
    head = head_text(p)
    if not head.strip():
        raise DataFormatError(f"{p} is empty (only blank lines)")
    if _NMEA.search(head):
        return "nmea"
    first = next(line for line in head.splitlines() if line.strip())
    fields = [f.strip().lower() for f in next(csv.reader([first]), [])]
    fset = set(fields)
    if fields and fields[0] == "# timestamp" and "type of mobile" in fset:
        return "dma"
    if {"mmsi", "basedatetime"} <= fset:
        return "marinecadastre"
    if {"data_date", "individuals"} <= fset:
        return "unhcr_arrivals"
    if {"vessel_id", "timestamp"} <= fset:
        return "tidy_positions"
    if "incident_id" in fset:
        return "tidy_incidents"
    if ({"number of dead", "number dead"} & fset) and "minimum estimated number of missing" in fset:
        return "iom_mmp"
    if len(fields) <= 1:
        for sep in (";", "\t", "|"):
            if sep in first:
                raise DataFormatError(
                    f"{p}: the header uses {sep!r} as the delimiter ({first[:80]!r}); medroutes reads "
                    f"comma-separated files. Convert it, e.g. pd.read_csv(path, sep={sep!r}).to_csv(new_path, index=False)"
                )
    raise DataFormatError(
        f"{p}: unknown format (suffix {_short(suffix, 20) or '(none)'!r}, first line {_short(first, 100)!r}); "
        f"medroutes reads {', '.join(FORMATS)}: pass format= if the file is one of them"
    )
