"""The medroutes data model: table schemas and their validation.

Every stage of the pipeline exchanges a small number of tidy tables. Their
columns are declared here once (:data:`POSITIONS`, :data:`INCIDENTS`,
:data:`ZONES`, :data:`VOYAGES`) and checked by the ``validate_*`` functions.
The documentation's data-model and glossary pages are generated from these
declarations, so code and docs cannot drift apart.

Validation never loses a row silently. Each ``validate_*`` function takes
``on_invalid``:

``"raise"`` (default)
    Collect every problem, then raise one :class:`~medroutes.errors.SchemaError`
    naming each column, the number of rows and the first row labels.
``"drop"``
    Drop the offending rows, emit one
    :class:`~medroutes.errors.DataQualityWarning`, and count every dropped row
    by reason in the returned :class:`QualityReport`. ``n_in == n_out + n_dropped``
    always holds.

Both modes return ``(frame, report)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from medroutes.errors import DataQualityWarning, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "BOAT_TYPES",
    "DATE_PRECISIONS",
    "INCIDENTS",
    "INCIDENT_TYPES",
    "MED_BBOX",
    "OUTCOMES",
    "POSITIONS",
    "SCENARIO_VOYAGES",
    "TABLES",
    "VOYAGES",
    "ZONES",
    "ZONE_KINDS",
    "Column",
    "Problem",
    "QualityReport",
    "format_problems",
    "parse_timestamps",
    "swapped_coordinates_note",
    "validate_incidents",
    "validate_positions",
    "validate_zones",
    "warn_dropped",
]

OnInvalid = Literal["raise", "drop"]

#: Allowed values of ``incidents.incident_type``.
INCIDENT_TYPES: tuple[str, ...] = (
    "shipwreck",  # boat lost, capsized or sank
    "distress",  # distress alert or boat in danger, no loss reported
    "rescue",  # persons rescued at sea (SAR operation)
    "interception",  # boat intercepted and persons returned to the departure country
    "arrival",  # landing or arrival at the destination coast
    "death_on_board",  # deaths on board (dehydration, fuel burns, violence) without a wreck
    "death",  # a recorded death or disappearance without further detail (e.g. IOM records)
    "other",
)

#: Allowed values of ``zones.kind``.
ZONE_KINDS: tuple[str, ...] = ("departure", "arrival", "sar")

#: Allowed values of ``voyages.outcome``.
OUTCOMES: tuple[str, ...] = ("arrived", "intercepted", "rescued", "shipwreck", "unknown")

#: Boat types used by the synthetic generator and the vulnerability model.
BOAT_TYPES: tuple[str, ...] = (
    "rubber_dinghy",
    "wooden_boat",
    "fishing_boat",
    "iron_boat",
    "sailing_yacht",
    "caique",
)


@dataclass(frozen=True, slots=True)
class Column:
    """Declaration of one column of a medroutes table.

    Attributes
    ----------
    name
        Column name; carries its unit as a suffix where it has one (``_kn``, ``_km``).
    dtype
        Logical type: ``"id"``, ``"datetime_utc"``, ``"float"``, ``"count"``,
        ``"category"``, ``"str"``, ``"int"``, ``"geometry"``.
    unit
        Unit in words, ``""`` when dimensionless.
    required
        Whether the column must be present.
    description
        One sentence for the glossary.
    """

    name: str
    dtype: str
    unit: str
    required: bool
    description: str


POSITIONS: tuple[Column, ...] = (
    Column("vessel_id", "id", "", True, "Vessel or track identifier (MMSI for AIS). Never a person."),
    Column("timestamp", "datetime_utc", "UTC", True, "Time of the position report, tz-aware UTC."),
    Column("lat", "float", "degrees north (WGS84)", True, "Latitude, -90 to 90."),
    Column("lon", "float", "degrees east (WGS84)", True, "Longitude, -180 to 180."),
    Column("sog_kn", "float", "knots", True, "Speed over ground; NaN when not available."),
    Column(
        "cog_deg",
        "float",
        "degrees from true north",
        True,
        "Course over ground, 0 to <360; NaN when not available.",
    ),
    Column("vessel_type", "str", "", False, "Vessel category (AIS ship type text, or a boat type)."),
    Column("length_m", "float", "metres", False, "Vessel length overall."),
    Column("name", "str", "", False, "Vessel name as broadcast (escaped in every report)."),
    Column("source", "str", "", False, "Data source of the row."),
)

INCIDENTS: tuple[Column, ...] = (
    Column("incident_id", "id", "", True, "Unique incident identifier."),
    Column(
        "timestamp",
        "datetime_utc",
        "UTC",
        True,
        "Date and time of the incident (start of the period when only month is known).",
    ),
    Column("lat", "float", "degrees north (WGS84)", True, "Latitude of the incident; NaN when unknown."),
    Column("lon", "float", "degrees east (WGS84)", True, "Longitude of the incident; NaN when unknown."),
    Column("incident_type", "category", "", True, "One of " + ", ".join(INCIDENT_TYPES) + "."),
    Column("dead", "count", "persons", True, "Bodies recovered; missing value when unknown (not 0)."),
    Column("missing", "count", "persons", True, "Missing, presumed dead; missing value when unknown."),
    Column("survivors", "count", "persons", True, "Survivors; missing value when unknown."),
    Column("route", "str", "", True, "Migration route (e.g. 'Central Mediterranean')."),
    Column("source", "str", "", True, "Publisher or generator of the record."),
    Column("date_precision", "category", "", False, "Precision of the timestamp: day, month or year."),
    Column("location_precision_km", "float", "km", False, "Radius within which the true location lies."),
    Column(
        "record_type", "str", "", False, "IOM record type: incident, split incident, cumulative incident."
    ),
    Column("cause", "str", "", False, "Cause of death as recorded."),
    Column("voyage_id", "id", "", False, "Voyage the incident belongs to, where known (synthetic data)."),
)

ZONES: tuple[Column, ...] = (
    Column("zone_id", "id", "", True, "Short unique zone identifier, e.g. 'ly_west'."),
    Column("name", "str", "", True, "Human-readable zone name."),
    Column("kind", "category", "", True, "One of " + ", ".join(ZONE_KINDS) + "."),
    Column("country", "str", "", True, "Country of the coast or of the SAR authority."),
    Column("geometry", "geometry", "EPSG:4326", True, "Polygon or MultiPolygon in lon/lat."),
)

VOYAGES: tuple[Column, ...] = (
    Column("voyage_id", "id", "", True, "Unique voyage identifier."),
    Column("vessel_id", "id", "", True, "Track the voyage was cut from."),
    Column("start_time", "datetime_utc", "UTC", True, "First position of the voyage."),
    Column("end_time", "datetime_utc", "UTC", True, "Last position of the voyage."),
    Column("departure_zone", "str", "", True, "zone_id of the departure zone, or 'at sea' / 'unknown'."),
    Column("arrival_zone", "str", "", True, "zone_id of the arrival zone, or 'at sea' / 'unknown'."),
    Column("dist_km", "float", "km", True, "Distance sailed along the track (great circle between fixes)."),
    Column("duration_h", "float", "hours", True, "end_time - start_time."),
    Column("mean_sog_kn", "float", "knots", True, "dist_km / duration_h converted to knots."),
    Column("n_positions", "int", "", True, "Number of positions in the voyage."),
    Column("geometry", "geometry", "EPSG:4326", False, "Track as a LineString."),
    Column("outcome", "category", "", False, "One of " + ", ".join(OUTCOMES) + ", where the data gives one."),
)

SCENARIO_VOYAGES: tuple[Column, ...] = (
    Column("voyage_id", "id", "", True, "Unique voyage identifier."),
    Column("vessel_id", "id", "", True, "Track id of the boat in the positions table."),
    Column("departure_zone", "str", "", True, "zone_id of the departure zone."),
    Column("departure_country", "str", "", True, "Country of the departure coast (never a nationality)."),
    Column("departure_time", "datetime_utc", "UTC", True, "Time the boat left the coast."),
    Column("boat_type", "category", "", True, "One of " + ", ".join(BOAT_TYPES) + "."),
    Column("persons", "count", "persons", True, "Persons on board."),
    Column("outcome", "category", "", True, "One of " + ", ".join(OUTCOMES) + "."),
    Column("arrival_zone", "str", "", True, "zone_id where the voyage ended, or 'at sea'."),
)

#: All declared tables, for the documentation generator.
TABLES: dict[str, tuple[Column, ...]] = {
    "positions": POSITIONS,
    "incidents": INCIDENTS,
    "zones": ZONES,
    "voyages": VOYAGES,
    "scenario voyages": SCENARIO_VOYAGES,
}


# --------------------------------------------------------------------------- #
# Quality report
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed check: which column, why, how many rows, and the first row labels."""

    check: str
    column: str
    reason: str
    n_rows: int
    examples: tuple[object, ...] = ()

    def message(self, n_total: int) -> str:
        """Return the one-line human description used in errors and reports."""
        ex = ""
        if self.examples:
            ex = " (first rows " + ", ".join(str(e) for e in self.examples) + ")"
        return f"column {self.column!r}: {self.n_rows:,} of {n_total:,} rows {self.reason}{ex}"


@dataclass(frozen=True, slots=True)
class QualityReport:
    """What a validation or cleaning step kept and dropped, by reason.

    Attributes
    ----------
    table
        Name of the table checked (``"positions"``, ``"incidents"``, ...).
    n_in
        Rows received.
    n_out
        Rows returned.
    problems
        Every dropped row is counted once, under the first check it failed,
        so ``sum(p.n_rows for p in problems) == n_in - n_out``.
    notes
        Informational findings that did not drop rows (e.g. "36 rows have no
        coordinates").
    """

    table: str
    n_in: int
    n_out: int
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_dropped(self) -> int:
        """Number of rows dropped."""
        return self.n_in - self.n_out

    def to_frame(self) -> pd.DataFrame:
        """Return the dropped rows by reason as a DataFrame (check, column, reason, n_rows)."""
        return pd.DataFrame(
            [(p.check, p.column, p.reason, p.n_rows) for p in self.problems],
            columns=["check", "column", "reason", "n_rows"],
        ).astype({"n_rows": "int64"})

    @property
    def frame(self) -> pd.DataFrame:
        """Alias of :meth:`to_frame`."""
        return self.to_frame()

    def merge(self, other: QualityReport) -> QualityReport:
        """Chain two reports: ``other`` must have been applied to this report's output."""
        if other.n_in != self.n_out:
            raise ValueError(
                f"cannot chain quality reports: {other.table!r} received {other.n_in} rows "
                f"but {self.table!r} returned {self.n_out}"
            )
        return QualityReport(
            table=self.table,
            n_in=self.n_in,
            n_out=other.n_out,
            problems=self.problems + other.problems,
            notes=self.notes + other.notes,
        )

    def summary(self) -> str:
        """Return a multi-line plain-text summary."""
        lines = [f"{self.table}: {self.n_in:,} rows in, {self.n_out:,} kept, {self.n_dropped:,} dropped"]
        lines += ["  - " + p.message(self.n_in) for p in self.problems]
        lines += ["  * " + n for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(p.check)}</td><td>{html.escape(p.column)}</td>"
            f"<td>{html.escape(p.reason)}</td><td style='text-align:right'>{p.n_rows:,}</td></tr>"
            for p in self.problems
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><b>{html.escape(self.table)}</b>: {self.n_in:,} rows in, {self.n_out:,} kept, "
            f"{self.n_dropped:,} dropped"
            + (
                f"<table><tr><th>check</th><th>column</th><th>reason</th><th>rows</th></tr>{rows}</table>"
                if rows
                else ""
            )
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


def format_problems(table: str, problems: Sequence[Problem], n_total: int) -> str:
    """Build the message of a :class:`SchemaError` from a list of problems."""
    head = f"{table}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in {n_total:,} rows"
    body = "\n".join("  - " + p.message(n_total) for p in problems)
    hint = '\nUse on_invalid="drop" to drop these rows and count them in the quality report.'
    return f"{head}\n{body}{hint}"


# --------------------------------------------------------------------------- #
# Generic machinery
# --------------------------------------------------------------------------- #

# A row check: (check name, column, reason, function(frame) -> boolean mask of bad rows)
RowCheck = tuple[str, str, str, Callable[[pd.DataFrame], np.ndarray]]


def _examples(index: pd.Index, mask: np.ndarray, k: int = 3) -> tuple[object, ...]:
    hits = np.flatnonzero(mask)[:k]
    return tuple(index[hits].tolist())


def _check_on_invalid(on_invalid: str) -> None:
    if on_invalid not in ("raise", "drop"):
        raise SchemaError(f"on_invalid must be 'raise' or 'drop', got {on_invalid!r}")


def _short(value: object, n: int = 80) -> str:
    """``str(value)`` cut to ``n`` characters, so a message never carries a whole file."""
    text = str(value)
    return text if len(text) <= n else text[: n - 3] + "..."


def _require_columns(df: pd.DataFrame, spec: Sequence[Column], table: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"{table}: expected a pandas DataFrame, got {type(df).__name__}")
    if not df.columns.is_unique:
        dup = df.columns[df.columns.duplicated()].unique()
        raise SchemaError(
            f"{table}: {len(dup):,} column name{'s are' if len(dup) > 1 else ' is'} repeated: "
            + ", ".join(f"{_short(c, 40)!r} ({int((df.columns == c).sum())} columns)" for c in dup[:5])
            + "; each column must appear once (rename or drop the copies)"
        )
    missing = [c.name for c in spec if c.required and c.name not in df.columns]
    if missing:
        have = ", ".join(_short(c, 40) for c in df.columns[:12]) + (" ..." if len(df.columns) > 12 else "")
        raise SchemaError(
            f"{table}: missing required column{'s' if len(missing) > 1 else ''} "
            + ", ".join(repr(m) for m in missing)
            + f"; columns present: {have or '(none)'}"
        )


def warn_dropped(report: QualityReport, *, stacklevel: int = 3) -> None:
    """Emit the one :class:`DataQualityWarning` of a step that dropped rows (no-op otherwise)."""
    if report.n_dropped <= 0:
        return
    warnings.warn(
        f"{report.table}: dropped {report.n_dropped:,} of {report.n_in:,} rows ("
        + "; ".join(f"{p.check}: {p.n_rows:,}" for p in report.problems)
        + ")",
        DataQualityWarning,
        stacklevel=stacklevel + 1,
    )


def _evaluate_checks(
    df: pd.DataFrame, checks: Sequence[RowCheck], *, table: str, on_invalid: OnInvalid
) -> tuple[np.ndarray, list[Problem]]:
    """Return the mask of rows to drop and the problems; raise at once in "raise" mode."""
    n = len(df)
    bad_any = np.zeros(n, dtype=bool)
    problems: list[Problem] = []
    for name, column, reason, fn in checks:
        mask = np.asarray(fn(df), dtype=bool)
        if on_invalid == "drop":
            # count each dropped row once, under the first check it fails
            mask = mask & ~bad_any
        cnt = int(mask.sum())
        if cnt:
            problems.append(Problem(name, column, reason, cnt, _examples(df.index, mask)))
            bad_any |= mask
    if problems and on_invalid == "raise":
        raise SchemaError(format_problems(table, problems, n))
    return bad_any, problems


def _apply_checks(
    df: pd.DataFrame,
    checks: Sequence[RowCheck],
    *,
    table: str,
    on_invalid: OnInvalid,
    notes: Sequence[str] = (),
    n_in: int | None = None,
    warn: bool = True,
) -> tuple[pd.DataFrame, QualityReport]:
    """Run row checks; raise once listing all problems, or drop and count by first reason.

    With ``warn=False`` the caller emits the single warning (see :func:`warn_dropped`)
    after chaining several passes.
    """
    n = len(df)
    n_in = n if n_in is None else n_in
    bad_any, problems = _evaluate_checks(df, checks, table=table, on_invalid=on_invalid)
    if problems:
        df = df.loc[~bad_any]
    report = QualityReport(table, n_in, len(df), tuple(problems), tuple(notes))
    if warn:
        warn_dropped(report, stacklevel=3)
    return df, report


def _to_float(df: pd.DataFrame, col: str, table: str) -> pd.Series:
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        raise SchemaError(f"{table}: column {col!r} is boolean; expected numbers")
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    conv = pd.to_numeric(s, errors="coerce")
    bad = conv.isna() & s.notna() & (s.astype("string").str.strip() != "")
    if bad.any():
        ex = [_short(v, 40) for v in s[bad].head(3).tolist()]
        raise SchemaError(
            f"{table}: column {col!r}: {int(bad.sum()):,} of {len(s):,} rows are not numbers "
            f"(first values {ex!r}, rows {list(s.index[bad][:3])})"
        )
    return conv.astype("float64")


def _as_ns_utc(s: pd.Series) -> pd.Series:
    """Cast UTC datetimes to ``datetime64[ns, UTC]``; instants outside its range (years 1677-2262) become NaT."""
    lo, hi = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    return s.where((s >= lo) & (s <= hi)).astype("datetime64[ns, UTC]")


_UTC_WORD = r"\s*(?:UTC|GMT)$"
_OFFSET = r"(?:[+-]\d\d:?\d\d|Z)$"


def _localize(parsed: pd.Series, assume_tz: str, *, column: str, table: str) -> pd.Series:
    """Give naive datetimes the time zone ``assume_tz``; ambiguous local times are an error."""
    try:
        return parsed.dt.tz_localize(assume_tz, ambiguous="raise", nonexistent="raise").dt.tz_convert("UTC")
    except (ValueError, TypeError, KeyError) as exc:  # AmbiguousTimeError, NonExistentTimeError, bad zone
        raise SchemaError(
            f"{table}: column {column!r}: cannot attach time zone {assume_tz!r} to the naive "
            f"timestamps ({type(exc).__name__}: {exc}); give them an explicit UTC offset"
        ) from exc


def parse_timestamps(
    values: pd.Series,
    *,
    column: str = "timestamp",
    table: str = "table",
    assume_tz: str | None = None,
) -> pd.Series:
    """Parse a column of timestamps to tz-aware UTC ``datetime64[ns, UTC]``.

    Parameters
    ----------
    values
        Datetimes, ISO 8601 strings, or pandas timestamps. Strings may carry
        an offset (``+02:00``), ``Z`` or a trailing ``UTC`` / ``GMT``; rows with
        different offsets are all converted to UTC.
    column, table
        Names used in error messages.
    assume_tz
        Time zone given to naive timestamps (e.g. ``"UTC"``). When ``None``,
        naive timestamps are an error: medroutes never guesses a time zone.
        Timestamps that carry an offset keep it whatever ``assume_tz`` says.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]``; rows that could not be parsed, or that lie
        outside the years 1677-2262 that nanoseconds can hold, are ``NaT``
        (the caller decides whether that is an error).

    Raises
    ------
    SchemaError
        If timestamps are naive and ``assume_tz`` is None, if strings mix
        naive values and values with an offset (and ``assume_tz`` is None),
        if values are numbers (epochs are not guessed), or if a naive local
        time does not exist or is ambiguous in ``assume_tz``.
    """
    s = values
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return _as_ns_utc(s.dt.tz_convert("UTC"))
    if pd.api.types.is_datetime64_dtype(s):
        if assume_tz is None:
            raise SchemaError(
                f"{table}: column {column!r} holds naive timestamps (no time zone); "
                "medroutes needs UTC. Pass assume_tz='UTC' if they are UTC."
            )
        return _as_ns_utc(_localize(s, assume_tz, column=column, table=table))
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        raise SchemaError(
            f"{table}: column {column!r} is numeric; convert epoch numbers explicitly, "
            "e.g. pd.to_datetime(x, unit='s', utc=True)"
        )
    text = s.astype("string").str.strip()
    # a trailing "UTC"/"GMT" word is an offset of zero; pandas' ISO parser only knows "Z" and "+hh:mm"
    words = text.str.endswith(("UTC", "GMT")).fillna(False).to_numpy(dtype=bool)
    if words.any():  # only those rows: a regex over millions of rows is slow
        text = text.where(~words, text.str.replace(_UTC_WORD, "+00:00", regex=True))
    has_offset = text.str.contains(_OFFSET, regex=True, na=False).to_numpy(dtype=bool)
    nonempty = (text.notna() & (text != "")).to_numpy(dtype=bool)
    candidates = nonempty & ~has_offset
    local = None
    if candidates.any():
        # rows without an offset: naive timestamps if they parse, otherwise unparseable (NaT later)
        local = pd.to_datetime(text.where(candidates), errors="coerce", format="ISO8601")
        naive = candidates & local.notna().to_numpy()
    else:
        naive = candidates
    if assume_tz is None and naive.any():
        first = list(s.index[naive][:3])
        if has_offset[nonempty].any():
            raise SchemaError(
                f"{table}: column {column!r} mixes timestamps with and without a time zone "
                f"({int(naive.sum()):,} of {len(s):,} rows have none, first rows {first}); "
                "make them all UTC, or pass assume_tz= for the naive ones"
            )
        raise SchemaError(
            f"{table}: column {column!r}: {int(naive.sum()):,} of {len(s):,} rows are naive "
            f"timestamps (no time zone, first rows {first}); pass assume_tz='UTC' if they are UTC"
        )
    aware = pd.to_datetime(text.where(has_offset), utc=True, errors="coerce", format="ISO8601")
    if not naive.any():
        return _as_ns_utc(aware)
    # assume_tz given and some rows naive: localise those, convert the others
    assert assume_tz is not None and local is not None
    local = _localize(local.where(naive), assume_tz, column=column, table=table)
    return _as_ns_utc(aware).where(~naive, _as_ns_utc(local))


#: Bounding box used to spot swapped coordinates (lon_min, lat_min, lon_max, lat_max) [deg]:
#: the Mediterranean basin with a margin.
MED_BBOX: tuple[float, float, float, float] = (-6.0, 30.0, 37.0, 46.0)


def _in_bbox(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = MED_BBOX
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def swapped_coordinates_note(lat: np.ndarray, lon: np.ndarray) -> str | None:
    """Return a note when lat/lon look exchanged, else ``None``.

    The test is deliberately narrow, so that it never fires on real data from
    elsewhere by accident: *no* row with coordinates lies in the Mediterranean
    box :data:`MED_BBOX`, and *every* row does once lat and lon are exchanged.
    Nothing is changed; the caller decides.

    Parameters
    ----------
    lat, lon
        Coordinates [deg].

    Returns
    -------
    str or None
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    ok = np.isfinite(lat) & np.isfinite(lon)
    n = int(ok.sum())
    if n == 0:
        return None
    la, lo = lat[ok], lon[ok]
    if _in_bbox(lo, la).any() or not _in_bbox(la, lo).all():
        return None
    return (
        f"lat/lon look swapped: none of the {n:,} rows with coordinates is in the Mediterranean "
        f"(lat {MED_BBOX[1]:g}..{MED_BBOX[3]:g}, lon {MED_BBOX[0]:g}..{MED_BBOX[2]:g}) but all are "
        "once lat and lon are exchanged; check the column order (nothing was changed)"
    )


# --------------------------------------------------------------------------- #
# Positions
# --------------------------------------------------------------------------- #


_POS = "__medroutes_row__"


def _sort_order(
    df: pd.DataFrame, table: str, *, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of the kept rows in stable (vessel_id, timestamp) order, with sorted id codes and times [ns]."""
    try:
        codes = _id_codes(df["vessel_id"])
    except TypeError as exc:
        raise SchemaError(
            f"{table}: column 'vessel_id' mixes value types that cannot be ordered "
            f"({exc}); use one type (all integers or all strings)"
        ) from exc
    t = df["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    if keep.all():
        order = np.lexsort((t, codes))
    else:
        idx = np.flatnonzero(keep)
        order = idx[np.lexsort((t[idx], codes[idx]))]
    return order, codes[order], t[order]


def _duplicate_masks(
    df: pd.DataFrame, codes: np.ndarray, t: np.ndarray, cols: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Exact and conflicting duplicates of a frame sorted by (vessel_id, timestamp).

    Rows sharing (vessel_id, timestamp) are adjacent, so key repeats are found by
    comparing neighbours; the full-row comparison runs only on those groups.
    """
    n = len(df)
    same = np.zeros(n, dtype=bool)
    if n > 1:
        same[1:] = (codes[1:] == codes[:-1]) & (t[1:] == t[:-1])
    exact = np.zeros(n, dtype=bool)
    if same.any():
        in_group = same.copy()
        in_group[:-1] |= same[1:]
        idx = np.flatnonzero(in_group)
        exact[idx] = df.iloc[idx].duplicated(subset=cols, keep="first").to_numpy()
    return exact, same & ~exact


def _id_codes(s: pd.Series) -> np.ndarray:
    """Integer codes that sort like the ids (factorize with sort)."""
    if pd.api.types.is_integer_dtype(s.dtype) and isinstance(s.dtype, np.dtype):
        return s.to_numpy()
    if s.dtype == object:
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind.startswith("mixed"):  # e.g. 123 and "123": two different vessels to pandas
            raise TypeError(f"found {kind} values such as {s.dropna().map(repr).unique()[:4].tolist()}")
    codes, _ = pd.factorize(s, sort=True)
    return codes


def validate_positions(
    positions: pd.DataFrame,
    *,
    on_invalid: OnInvalid = "raise",
    assume_tz: str | None = None,
    max_speed_kn: float | None = None,
    check_land: bool = False,
    sort: bool = True,
) -> tuple[pd.DataFrame, QualityReport]:
    """Check a positions table against the data model and return it tidy.

    Parameters
    ----------
    positions
        Table with at least ``vessel_id, timestamp, lat, lon, sog_kn, cog_deg``.
        Other columns are kept as they are.
    on_invalid : {"raise", "drop"}
        Raise one :class:`SchemaError` listing every problem, or drop the bad
        rows and count them in the report.
    assume_tz
        Time zone of naive timestamps; ``None`` makes naive timestamps an error.
    max_speed_kn
        When given, a fix is invalid if the speed implied from the previous
        fix of the same vessel *and* to the next one both exceed it [kn]
        (an isolated jump). ``None`` skips the check.
    check_land
        Flag positions on land (package land polygons, see
        :func:`medroutes.geo.is_at_sea`).
    sort
        Return rows sorted by ``(vessel_id, timestamp)`` with a fresh index.
        With ``False`` the rows keep their order and index labels.

    Returns
    -------
    positions : pandas.DataFrame
        Typed: ``timestamp`` is ``datetime64[ns, UTC]``, ``lat, lon, sog_kn,
        cog_deg`` (and ``length_m`` when present) are float64.
    report : QualityReport
        Rows in, kept, dropped by reason. Checks, in order: ``missing_id``,
        ``bad_timestamp``, ``lat_range`` (also missing lat), ``lon_range``,
        ``sog_range``, ``cog_range``, then ``duplicate`` (exact copy of an
        earlier row) and ``conflicting_duplicate`` (same vessel and time,
        other values), then ``impossible_speed`` and ``on_land`` when asked.
        Swapped-looking coordinates give a note (see
        :func:`swapped_coordinates_note`).

    Raises
    ------
    SchemaError
        Missing columns, non-numeric values, naive timestamps, or (with
        ``on_invalid="raise"``) any invalid row.

    Notes
    -----
    Vectorised throughout (no Python loop over rows); 10 million rows take a
    few seconds, most of it in sorting and duplicate detection.
    """
    _check_on_invalid(on_invalid)
    table = "positions"
    _require_columns(positions, POSITIONS, table)
    df = positions.copy(deep=False)  # copy-on-write: columns are copied only when replaced
    n_in = len(df)
    for col in ("lat", "lon", "sog_kn", "cog_deg"):
        df[col] = _to_float(df, col, table)
    if "length_m" in df.columns:
        df["length_m"] = _to_float(df, "length_m", table)
    df["timestamp"] = parse_timestamps(df["timestamp"], column="timestamp", table=table, assume_tz=assume_tz)

    lat = df["lat"].to_numpy()
    lon = df["lon"].to_numpy()
    sog = df["sog_kn"].to_numpy()
    cog = df["cog_deg"].to_numpy()
    checks: list[RowCheck] = [
        ("missing_id", "vessel_id", "have no vessel id", lambda d: d["vessel_id"].isna().to_numpy()),
        (
            "bad_timestamp",
            "timestamp",
            "have a missing or unparseable timestamp",
            lambda d: d["timestamp"].isna().to_numpy(),
        ),
        (
            "lat_range",
            "lat",
            "are outside -90..90 or missing (91 = AIS 'not available')",
            lambda d: ~((lat >= -90) & (lat <= 90)),
        ),
        (
            "lon_range",
            "lon",
            "are outside -180..180 or missing (181 = AIS 'not available')",
            lambda d: ~((lon >= -180) & (lon <= 180)),
        ),
        (
            "sog_range",
            "sog_kn",
            "are negative, infinite or above 102.2 kn (102.3 = AIS 'not available')",
            lambda d: ~np.isnan(sog) & ~((sog >= 0) & (sog < 102.25)),
        ),
        (
            "cog_range",
            "cog_deg",
            "are outside 0..<360 deg (360 = AIS 'not available')",
            lambda d: ~np.isnan(cog) & ~((cog >= 0) & (cog < 360)),
        ),
    ]
    notes = []
    swap = swapped_coordinates_note(lat, lon)
    if swap:
        notes.append(swap)
    bad, problems = _evaluate_checks(df, checks, table=table, on_invalid=on_invalid)
    report = QualityReport(table, n_in, n_in - int(bad.sum()), tuple(problems), tuple(notes))

    # Duplicates and jumps need a sorted frame of otherwise valid rows: one take does both.
    cols = list(df.columns)
    if not sort:
        df[_POS] = np.arange(len(df))  # to restore the caller's order
    order, codes, t_ns = _sort_order(df, table, keep=~bad)
    if len(order) != len(df) or (len(order) > 1 and not (order[1:] > order[:-1]).all()):
        df = df.take(order)
    exact, conflicting = _duplicate_masks(df, codes, t_ns, cols)
    dup_checks: list[RowCheck] = [
        ("duplicate", "timestamp", "are exact duplicates of an earlier row", lambda d: exact),
        (
            "conflicting_duplicate",
            "timestamp",
            "repeat a (vessel_id, timestamp) of an earlier row with other values",
            lambda d: conflicting,
        ),
    ]
    df, rep2 = _apply_checks(df, dup_checks, table=table, on_invalid=on_invalid, warn=False)
    report = report.merge(rep2)

    if max_speed_kn is not None:
        jump = _jump_mask(df, max_speed_kn)
        df, rep3 = _apply_checks(
            df,
            [
                (
                    "impossible_speed",
                    "lat",
                    f"imply a jump faster than {max_speed_kn:g} kn from and to the neighbouring fixes",
                    lambda d: jump,
                )
            ],
            table=table,
            on_invalid=on_invalid,
            warn=False,
        )
        report = report.merge(rep3)

    if check_land:
        from medroutes.geo import is_at_sea

        on_land = ~is_at_sea(df["lon"].to_numpy(), df["lat"].to_numpy())
        df, rep4 = _apply_checks(
            df,
            [("on_land", "lat", "are on land (package land polygons)", lambda d: on_land)],
            table=table,
            on_invalid=on_invalid,
            warn=False,
        )
        report = report.merge(rep4)

    warn_dropped(report, stacklevel=2)
    if sort:
        df = df.reset_index(drop=True)
    else:
        df = df.take(np.argsort(df[_POS].to_numpy(), kind="stable")).drop(columns=_POS)
    return df, report


def _jump_mask(df: pd.DataFrame, max_speed_kn: float) -> np.ndarray:
    """Mark isolated fixes that imply > max_speed_kn both from the previous and to the next fix."""
    from medroutes.geo import haversine_km

    n = len(df)
    if n < 2:
        return np.zeros(n, dtype=bool)
    vid = df["vessel_id"].to_numpy()
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = vid[1:] == vid[:-1]
    # UTC nanoseconds -> hours (a tz-aware column gives Timestamp objects without dtype=)
    t = df["timestamp"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 3.6e12
    lat = df["lat"].to_numpy()
    lon = df["lon"].to_numpy()
    d = np.zeros(n)
    d[1:] = haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
    dt = np.zeros(n)
    dt[1:] = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        v_in = np.where(same_prev, d / 1.852 / np.where(dt > 0, dt, np.nan), 0.0)
    v_in = np.nan_to_num(v_in, nan=np.inf)
    fast_in = same_prev & (v_in > max_speed_kn)
    fast_out = np.zeros(n, dtype=bool)
    fast_out[:-1] = fast_in[1:]
    has_next = np.zeros(n, dtype=bool)
    has_next[:-1] = same_prev[1:]
    # isolated spike: fast in and fast out; a last fix of a track counts with only a fast arrival
    return fast_in & (fast_out | ~has_next)


# --------------------------------------------------------------------------- #
# Incidents
# --------------------------------------------------------------------------- #

#: Counts at or above this are not counts of persons (and would not fit the Int64 columns exactly).
_MAX_COUNT = 1e12

#: Allowed values of ``incidents.date_precision``.
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")


def _to_count(df: pd.DataFrame, col: str, table: str) -> pd.Series:
    return _to_float(df, col, table)


def validate_incidents(
    incidents: pd.DataFrame,
    *,
    on_invalid: OnInvalid = "raise",
    assume_tz: str | None = None,
) -> tuple[pd.DataFrame, QualityReport]:
    """Check an incidents table against the data model and return it typed.

    Counts (``dead, missing, survivors``) become nullable ``Int64``: unknown
    stays missing, it is never turned into 0. Coordinates may be missing
    (unknown location); that is reported as a note, not dropped.

    Parameters
    ----------
    incidents
        Table with at least ``incident_id, timestamp, lat, lon, incident_type,
        dead, missing, survivors, route, source``. Other columns are kept.
    on_invalid : {"raise", "drop"}
        Raise one error listing every problem, or drop and count.
    assume_tz
        Time zone for naive timestamps; ``None`` makes them an error.

    Returns
    -------
    incidents : pandas.DataFrame
        ``incident_type`` categorical (categories :data:`INCIDENT_TYPES`),
        counts ``Int64``, ``lat, lon`` (and ``location_precision_km``) float64.
    report : QualityReport
        Checks, in order: ``missing_id``, ``bad_timestamp``, ``lat_range``,
        ``lon_range``, ``unknown_category`` (incident_type, date_precision),
        ``negative_count`` (dead, missing, survivors), ``bad_precision``, then
        ``duplicate_id`` among the rows that passed (so a valid row is never
        dropped because an invalid one shares its id).
    """
    _check_on_invalid(on_invalid)
    table = "incidents"
    _require_columns(incidents, INCIDENTS, table)
    df = incidents.copy(deep=False)
    n_in = len(df)
    for col in ("lat", "lon"):
        df[col] = _to_float(df, col, table)
    counts = {c: _to_count(df, c, table) for c in ("dead", "missing", "survivors")}
    df["timestamp"] = parse_timestamps(df["timestamp"], column="timestamp", table=table, assume_tz=assume_tz)
    lat = df["lat"].to_numpy()
    lon = df["lon"].to_numpy()
    itype = df["incident_type"].astype("string")

    def count_bad(c: str) -> Callable[[pd.DataFrame], np.ndarray]:
        v = counts[c].to_numpy()
        return lambda d: ~np.isnan(v) & ~((v >= 0) & (v == np.floor(v)) & np.isfinite(v))

    def too_large(c: str) -> Callable[[pd.DataFrame], np.ndarray]:
        v = counts[c].to_numpy()
        return lambda d: np.isfinite(v) & (v >= _MAX_COUNT)

    checks: list[RowCheck] = [
        ("missing_id", "incident_id", "have no incident id", lambda d: d["incident_id"].isna().to_numpy()),
        (
            "bad_timestamp",
            "timestamp",
            "have a missing or unparseable timestamp",
            lambda d: d["timestamp"].isna().to_numpy(),
        ),
        (
            "lat_range",
            "lat",
            "are outside -90..90",
            lambda d: ~np.isnan(lat) & ~((lat >= -90) & (lat <= 90)),
        ),
        (
            "lon_range",
            "lon",
            "are outside -180..180",
            lambda d: ~np.isnan(lon) & ~((lon >= -180) & (lon <= 180)),
        ),
        (
            "unknown_category",
            "incident_type",
            "have an incident_type not in " + ", ".join(INCIDENT_TYPES),
            lambda d: ~itype.isin(INCIDENT_TYPES).fillna(False).to_numpy(dtype=bool),
        ),
        ("negative_count", "dead", "are negative or not whole numbers", count_bad("dead")),
        ("negative_count", "missing", "are negative or not whole numbers", count_bad("missing")),
        ("negative_count", "survivors", "are negative or not whole numbers", count_bad("survivors")),
        *[
            (
                "count_too_large",
                c,
                f"are too large to be counts of persons (>= {_MAX_COUNT:.0e})",
                too_large(c),
            )
            for c in ("dead", "missing", "survivors")
        ],
    ]
    if "date_precision" in df.columns:
        dprec = df["date_precision"].astype("string")
        checks.append(
            (
                "unknown_category",
                "date_precision",
                "have a date_precision not in " + ", ".join(DATE_PRECISIONS) + " (or missing)",
                lambda d: (dprec.notna() & ~dprec.isin(DATE_PRECISIONS)).fillna(False).to_numpy(dtype=bool),
            )
        )
    if "location_precision_km" in df.columns:
        df["location_precision_km"] = _to_float(df, "location_precision_km", table)
        prec = df["location_precision_km"].to_numpy()
        checks.append(
            (
                "bad_precision",
                "location_precision_km",
                "are negative or infinite",
                lambda d: ~np.isnan(prec) & ~((prec >= 0) & np.isfinite(prec)),
            )
        )
    for c, s in counts.items():
        df[c] = s
    notes = []
    no_xy = int((np.isnan(lat) | np.isnan(lon)).sum())
    if no_xy:
        notes.append(f"{no_xy:,} rows have no coordinates (kept; location unknown)")
    swap = swapped_coordinates_note(lat, lon)
    if swap:
        notes.append(swap)
    df, report = _apply_checks(
        df, checks, table=table, on_invalid=on_invalid, notes=notes, n_in=n_in, warn=False
    )
    df, rep2 = _apply_checks(
        df,
        [
            (
                "duplicate_id",
                "incident_id",
                "repeat the incident_id of an earlier row",
                lambda d: d["incident_id"].duplicated(keep="first").to_numpy(),
            )
        ],
        table=table,
        on_invalid=on_invalid,
        warn=False,
    )
    report = report.merge(rep2)
    warn_dropped(report, stacklevel=2)
    for c in ("dead", "missing", "survivors"):
        df[c] = df[c].astype("Int64")
    df["incident_type"] = pd.Categorical(df["incident_type"].astype(str), categories=list(INCIDENT_TYPES))
    return df.reset_index(drop=True), report


# --------------------------------------------------------------------------- #
# Zones
# --------------------------------------------------------------------------- #


def validate_zones(
    zones: gpd.GeoDataFrame, *, on_invalid: OnInvalid = "raise"
) -> tuple[gpd.GeoDataFrame, QualityReport]:
    """Check a zones GeoDataFrame (departure, arrival and SAR polygons).

    Parameters
    ----------
    zones
        GeoDataFrame with ``zone_id, name, kind, country, geometry`` in EPSG:4326.
    on_invalid : {"raise", "drop"}

    Returns
    -------
    zones : geopandas.GeoDataFrame
    report : QualityReport
    """
    import geopandas as gpd
    import shapely

    _check_on_invalid(on_invalid)
    table = "zones"
    if not isinstance(zones, gpd.GeoDataFrame):
        raise SchemaError(f"{table}: expected a GeoDataFrame, got {type(zones).__name__}")
    _require_columns(zones, ZONES, table)
    if zones.crs is None:
        raise SchemaError(f"{table}: the GeoDataFrame has no CRS; set it (EPSG:4326 expected)")
    z = zones.to_crs(4326) if not zones.crs.equals("EPSG:4326") else zones.copy()
    geom = z.geometry.to_numpy()
    gtype = shapely.get_type_id(geom)
    checks: list[RowCheck] = [
        ("missing_id", "zone_id", "have no zone_id", lambda d: d["zone_id"].isna().to_numpy()),
        (
            "duplicate_id",
            "zone_id",
            "repeat the zone_id of an earlier row",
            lambda d: d["zone_id"].duplicated(keep="first").to_numpy(),
        ),
        (
            "unknown_category",
            "kind",
            "have a kind not in " + ", ".join(ZONE_KINDS),
            lambda d: ~d["kind"].isin(ZONE_KINDS).to_numpy(),
        ),
        (
            "bad_geometry",
            "geometry",
            "are not valid, non-empty Polygons or MultiPolygons",
            lambda d: ~(np.isin(gtype, [3, 6]) & shapely.is_valid(geom) & ~shapely.is_empty(geom)),
        ),
    ]
    out, report = _apply_checks(z, checks, table=table, on_invalid=on_invalid)
    return out.reset_index(drop=True), report
