"""Reader for the IOM Missing Migrants Project (MMP) incident CSV files.

Two layouts are read:

``kaggle``
    The Kaggle redistribution "Global Missing Migrants Dataset" (19 columns:
    ``Incident Type, Incident year, Reported Month, ..., Coordinates, UNSD
    Geographical Grouping``). It has no IOM ids, no day and no URL.
``official``
    The download of missingmigrants.iom.int/downloads. Its column set has
    changed over the years; this reader recognises the names listed in
    :data:`VARIABLE_MAP` case-insensitively (``Incident ID``, ``Main ID``,
    ``Incident Date``, ``Incident Year``, ``Month``, ``Number of Dead``,
    ``Minimum Estimated Number of Missing``, ``Number of Survivors``,
    ``Migration Route``, ``Coordinates``, ``Cause of Death``, ``URL`` ...).
    *Assumption*, not checked against a current download: ``Incident ID`` is
    unique per record, ``Main ID`` groups the split records of one event;
    ``Incident Date`` is a calendar date (ISO ``YYYY-MM-DD``, ``Month D,
    YYYY`` or the US ``MM/DD/YYYY`` of the Drupal site export).

Credit: "IOM's Missing Migrants Project" (CC BY 4.0, missingmigrants.iom.int).
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
import pandas as pd

from medroutes.errors import DataFormatError
from medroutes.io._common import PathLike, as_path, finish, pre_report, read_csv, strip_columns
from medroutes.schema import OnInvalid, QualityReport, _short, validate_incidents

__all__ = ["NOT_READ", "SHIPWRECK_PATTERN", "SOURCE", "VARIABLE_MAP", "read_iom_mmp"]

#: IOM column (either layout, matched case-insensitively) -> medroutes column.
#: ``incident_id``, ``timestamp``, ``lat``/``lon``, ``incident_type``,
#: ``date_precision`` and ``location_precision_km`` are derived (see
#: :func:`read_iom_mmp`).
VARIABLE_MAP: dict[str, str] = {
    "Incident ID": "iom_incident_id",
    "Main ID": "main_id",
    "Web ID": "web_id",
    "Incident Type": "record_type",
    "Incident Date": "incident_date",
    "Reported Date": "incident_date",
    "Date of Incident": "incident_date",
    "Incident year": "year",
    "Incident Year": "year",
    "Year of Incident": "year",
    "Reported Year": "year",
    "Reported Month": "month",
    "Month": "month",
    "Number of Dead": "dead",
    "Number Dead": "dead",
    "Minimum Estimated Number of Missing": "missing",
    "Total Number of Dead and Missing": "dead_and_missing",
    "Total Dead and Missing": "dead_and_missing",
    "Number of Survivors": "survivors",
    "Number of Females": "females",
    "Number of Males": "males",
    "Number of Children": "children",
    "Cause of Death": "cause",
    "Migration route": "route",
    "Migration Route": "route",
    "Location of death": "location",
    "Location of Death": "location",
    "Location of Incident": "location",
    "Coordinates": "coordinates",
    "Location Coordinates": "coordinates",
    "Region of Incident": "region",
    "Country of Incident": "country",
    "UNSD Geographical Grouping": "unsd_region",
    "Information Source": "information_source",
    "URL": "url",
    "Source Quality": "source_quality",
    "Website Date": "website_date",
}

#: Columns deliberately not read: medroutes describes places, routes and time
#: windows, never people's origin or nationality.
NOT_READ: tuple[str, ...] = ("Region of Origin", "Country of Origin")

#: Value of ``source``.
SOURCE = "IOM Missing Migrants Project"

#: Location text that says a boat was lost; such records get ``incident_type="shipwreck"``.
SHIPWRECK_PATTERN = r"shipwreck|capsiz|\bsank\b|\bsunk\b|\bsinking\b"

_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], start=1)}  # fmt: skip
_DATE_FORMATS = ("%B %d, %Y", "%m/%d/%Y", "%a, %m/%d/%Y - %H:%M")
_KM_PER_DEG = 111.32


def _col(df: pd.DataFrame, ours: str) -> pd.Series | None:
    return df[ours] if ours in df.columns else None


def _parse_dates(text: pd.Series) -> pd.Series:
    """Calendar dates -> midnight UTC; ISO first, then the explicit formats of :data:`_DATE_FORMATS`."""
    s = text.astype("string").str.strip()
    out = pd.to_datetime(s.str.slice(0, 10), format="%Y-%m-%d", errors="coerce", utc=True)
    for fmt in _DATE_FORMATS:
        todo = out.isna() & s.notna()
        if not todo.any():
            break
        out = out.where(~todo, pd.to_datetime(s.where(todo), format=fmt, errors="coerce", utc=True))
    return out.dt.floor("D").astype("datetime64[ns, UTC]")


def _year_month(year: pd.Series, month: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """First of the month from year + month (name or number), else 1 January; with the precision used."""
    y = pd.to_numeric(year, errors="coerce")
    if month is None:
        m = pd.Series(np.nan, index=y.index)
    else:
        mtext = month.astype("string").str.strip().str.lower()
        m = pd.to_numeric(mtext, errors="coerce").fillna(mtext.map(_MONTHS)).astype("float64")
    y_ok = y.notna() & (y == np.floor(y)) & y.between(1678, 2261)
    m_ok = y_ok & m.notna() & m.between(1, 12) & (m == np.floor(m))
    parts = pd.DataFrame({"year": y.where(y_ok, 1970), "month": m.where(m_ok, 1), "day": 1}).astype("int64")
    stamp = pd.to_datetime(parts, utc=True).astype("datetime64[ns, UTC]").where(y_ok)
    precision = pd.Series(pd.NA, index=y.index, dtype="str")
    precision[y_ok] = "year"
    precision[m_ok] = "month"
    return stamp, precision


def _coordinates(coords: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Parse "lat, lon" or "POINT (lon lat)" -> lat, lon [deg], rounding radius [km], unreadable mask."""
    s = coords.astype("string").str.strip()
    num = r"(-?\d+(?:\.(\d*))?)"
    pair = s.str.extract(rf"^\(?\s*{num}\s*[,;]\s*{num}\s*\)?$")
    point = s.str.extract(rf"^POINT\s*\(\s*{num}\s+{num}\s*\)$", flags=2)  # re.IGNORECASE
    use_point = pair[0].isna() & point[0].notna()
    lat_txt = pair[0].where(~use_point, point[2])
    lon_txt = pair[2].where(~use_point, point[0])
    lat_dec = pair[1].where(~use_point, point[3])
    lon_dec = pair[3].where(~use_point, point[1])
    lat = pd.to_numeric(lat_txt, errors="coerce").astype("float64")
    lon = pd.to_numeric(lon_txt, errors="coerce").astype("float64")
    dlat = lat_dec.fillna("").str.len().astype("float64")
    dlon = lon_dec.fillna("").str.len().astype("float64")
    # half a unit of the last digit written, in km (east-west shrinks with cos(lat))
    half_lat = 0.5 * 10.0 ** (-dlat.to_numpy()) * _KM_PER_DEG
    half_lon = 0.5 * 10.0 ** (-dlon.to_numpy()) * _KM_PER_DEG * np.cos(np.radians(lat.to_numpy()))
    radius = np.round(np.hypot(half_lat, half_lon), 3)
    prec = pd.Series(radius, index=lat.index).where(lat.notna() & lon.notna())
    unreadable = s.notna() & (s != "") & (lat.isna() | lon.isna())
    return lat, lon, prec.astype("float64"), unreadable


def _incident_ids(src: pd.DataFrame, notes: list[str]) -> pd.Series:
    """IOM ids where present (Incident ID, else Main ID, else Web ID), else 'iom-<data row>'."""
    row_ids = pd.Series([f"iom-{i}" for i in range(1, len(src) + 1)], index=src.index, dtype="str")
    for cand in ("iom_incident_id", "main_id", "web_id"):
        if cand in src.columns:
            ids = src[cand].astype("str").str.strip()
            blank = ids.isna() | (ids == "")
            if blank.any():
                notes.append(
                    f"{int(blank.sum()):,} rows have a blank IOM id: incident_id 'iom-<data row number>'"
                )
            return ids.where(~blank, row_ids)
    notes.append("the file has no IOM ids: incident_id is 'iom-<data row number>'")
    return row_ids


def _times(src: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Timestamp and date_precision: the incident date, else year + month, else year."""
    ts = pd.Series(pd.NaT, index=src.index, dtype="datetime64[ns, UTC]")
    precision = pd.Series(pd.NA, index=src.index, dtype="str")
    if "incident_date" in src.columns:
        ts = _parse_dates(src["incident_date"])
        precision = precision.where(ts.isna(), "day")
    if "year" in src.columns:
        ym, ym_precision = _year_month(src["year"], _col(src, "month"))
        fill = ts.isna() & ym.notna()
        ts = ts.where(~fill, ym)
        precision = precision.where(~fill, ym_precision)
    return ts, precision


def _place(src: pd.DataFrame, notes: list[str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    if "coordinates" not in src.columns:
        notes.append("the file has no Coordinates column")
        empty = pd.Series(np.nan, index=src.index)
        return empty, empty, empty
    lat, lon, prec, unreadable = _coordinates(src["coordinates"])
    if unreadable.any():
        notes.append(
            f"{int(unreadable.sum()):,} rows have Coordinates that cannot be read (kept without location)"
        )
    return lat, lon, prec


def _routes(src: pd.DataFrame, notes: list[str]) -> pd.Series:
    if "route" not in src.columns:
        return pd.Series(pd.NA, index=src.index, dtype="str")
    route = src["route"].astype("str").str.strip()
    no_route = route.isna() | route.isin(["", "0"])
    if no_route.any():
        notes.append(f"{int(no_route.sum()):,} rows have no migration route ('0' or empty -> missing)")
    return route.where(~no_route)


def _lookup(columns: pd.Index) -> dict[str, str]:
    """Source column -> medroutes name, case-insensitively; the first source name wins per target."""
    by_lower = {k.lower(): v for k, v in VARIABLE_MAP.items()}
    out: dict[str, str] = {}
    for c in columns:
        ours = by_lower.get(str(c).strip().lower())
        if ours is not None and ours not in out.values():
            out[str(c)] = ours
    return out


@overload
def read_iom_mmp(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    encoding: str = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_iom_mmp(
    path: PathLike,
    *,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    encoding: str = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_iom_mmp(
    path: PathLike,
    *,
    on_invalid: OnInvalid = "raise",
    map_variables: bool = True,
    encoding: str = "utf-8",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read an IOM Missing Migrants Project CSV into the incidents table.

    Parameters
    ----------
    path
        Kaggle redistribution or official IOM download (CSV, optionally
        compressed). The layout is recognised from the header.
    on_invalid : {"raise", "drop"}
        Raise on invalid rows, or drop and count them
        (:func:`medroutes.schema.validate_incidents`).
    map_variables
        Rename columns with :data:`VARIABLE_MAP`; ``False`` gives the columns
        that map one to one (counts, cause, route, ...) their IOM names back.
    encoding
        Text encoding (a UTF-8 byte-order mark is accepted).
    return_report
        Return ``(incidents, report)`` instead of ``incidents``.

    Returns
    -------
    incidents : pandas.DataFrame
        One row per IOM record (the INCIDENTS schema):

        - ``incident_id``: the IOM ``Incident ID`` (else ``Main ID``, else
          ``Web ID``); where the file has none (the Kaggle export), or a row's
          is blank, ``"iom-<n>"`` with ``n`` the 1-based data row in the file.
        - ``timestamp``: midnight UTC of the incident date (``date_precision``
          ``"day"``), or the first of the month from year + month name
          (``"month"``), or 1 January (``"year"``).
        - ``lat``, ``lon`` from ``Coordinates`` (``"lat, lon"`` or
          ``"POINT (lon lat)"``); missing when absent (a report note).
        - ``location_precision_km``: the rounding radius implied by the
          digits written (half a unit of the last decimal in each axis):
          about 0.001 km for 5 decimals, 70 km for whole degrees. IOM
          locations are often approximate well beyond that ("off the coast of
          Libya"), so read it as a lower bound.
        - ``incident_type``: ``"shipwreck"`` when the location text says a
          boat was lost (:data:`SHIPWRECK_PATTERN`: shipwreck, capsized,
          sank, sunk, sinking), otherwise ``"death"``. "Drowning" alone is
          not read as a shipwreck (people also drown falling overboard or
          near shore).
        - ``dead``, ``missing``, ``survivors`` (``Int64``) exactly as written:
          blank -> missing, ``0`` -> 0. **The Kaggle export writes 0 where
          IOM leaves a count blank**, so 0 can mean "unknown"; medroutes
          cannot tell them apart and does not invent missing values (a note
          in the report says how many zeros there are).
        - ``route`` (``"0"`` or blank -> missing), ``record_type`` (lower
          case: ``incident``, ``split incident``, ``cumulative incident``,
          or a comma-joined combination), ``cause``, ``source`` (IOM).
        - then ``location``, ``dead_and_missing``, ``region``,
          ``unsd_region``, ``information_source`` and the other columns of
          :data:`VARIABLE_MAP` that the file has. ``Region of Origin`` and
          ``Country of Origin`` are not read (:data:`NOT_READ`).
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    DataFormatError
        Not an IOM MMP file (no year/date and count columns), undecodable
        bytes, a truncated file.
    SchemaError
        Text in count columns, or invalid rows with ``on_invalid="raise"``.
    """
    p = as_path(path)
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    raw = read_csv(
        p, what="IOM Missing Migrants CSV", encoding=enc, dtype="str", keep_default_na=False, na_values=[""]
    )
    strip_columns(raw, str(p))
    mapping = _lookup(raw.columns)
    ours = set(mapping.values())
    clash = [c for c in raw.columns if c not in mapping and c in ours]
    if clash:
        back = {v: k for k, v in mapping.items()}
        pairs = "; ".join(f"{_short(back[c], 50)!r} and {_short(c, 40)!r} both give {c!r}" for c in clash[:5])
        raise DataFormatError(
            f"{p}: the header mixes IOM and medroutes names, so {len(clash):,} column"
            f"{'s' if len(clash) > 1 else ''} would be read twice ({pairs}); keep one column of each pair "
            "(an IOM export has only the IOM names)"
        )
    if not ({"dead", "missing"} <= ours and ({"year", "incident_date"} & ours)):
        raise DataFormatError(
            f"{p}: not an IOM Missing Migrants file: needs 'Number of Dead', 'Minimum Estimated Number "
            f"of Missing' and a year or date column; header has {', '.join(_short(c, 40) for c in raw.columns[:10])}"
        )
    src = raw.rename(columns=mapping)
    src = src[[c for c in src.columns if c in ours]]
    n = len(src)
    notes: list[str] = []
    layout = "official" if ({"iom_incident_id", "main_id", "web_id", "incident_date"} & ours) else "kaggle"

    incident_id = _incident_ids(src, notes)
    ts, precision = _times(src)
    lat, lon, prec = _place(src, notes)
    route = _routes(src, notes)

    location = _col(src, "location")
    text = location.astype("str").fillna("") if location is not None else pd.Series("", index=src.index)
    shipwreck = text.str.contains(SHIPWRECK_PATTERN, case=False, regex=True).to_numpy(dtype=bool)
    record_type = _col(src, "record_type")
    if record_type is not None:
        record_type = (
            record_type.astype("str").str.strip().str.lower().str.replace(r"\s*,\s*", ",", regex=True)
        )

    df = pd.DataFrame(
        {
            "incident_id": incident_id,
            "timestamp": ts,
            "lat": lat,
            "lon": lon,
            "incident_type": np.where(shipwreck, "shipwreck", "death"),
            "dead": src["dead"],
            "missing": src["missing"],
            "survivors": _col(src, "survivors") if "survivors" in src.columns else pd.NA,
            "route": route,
            "source": SOURCE,
            "date_precision": precision,
            "location_precision_km": prec,
            "record_type": record_type if record_type is not None else pd.NA,
            "cause": src["cause"].astype("str") if "cause" in src.columns else pd.NA,
        },
        index=src.index,
    )
    skip = {"iom_incident_id", "record_type", "incident_date", "year", "month", "dead", "missing", "survivors",
            "cause", "route", "coordinates"}  # fmt: skip
    for col in src.columns:
        if col not in skip:
            df[col] = src[col]
    for col in ("dead_and_missing", "females", "males", "children"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    if layout == "kaggle":
        zeros = int((pd.to_numeric(src["missing"], errors="coerce") == 0).sum())
        zeros_dead = int((pd.to_numeric(src["dead"], errors="coerce") == 0).sum())
        notes.append(
            f"Kaggle IOM export: 0 is written where IOM leaves a count blank, so 0 may mean unknown "
            f"({zeros_dead:,} rows with dead = 0, {zeros:,} with missing = 0; kept as written)"
        )
    pre = pre_report(n, [], notes, table="incidents")
    out, rep = validate_incidents(df, on_invalid=on_invalid)
    report = pre.merge(rep)
    if not map_variables:
        back = {v: k for k, v in mapping.items() if v in out.columns and v not in ("record_type",)}
        out = out.rename(columns=back)
    out.attrs["iom_layout"] = layout
    return finish(out, report, path=p, fmt="iom_mmp", return_report=return_report)
