"""Small valid files of every input format, and the mutations the fuzz tests apply to them.

Templates are written by hand here (no shared data), a few rows each, in the
Central Mediterranean, with the column layouts of the real exports:
DMA raw AIS CSV, NOAA MarineCadastre CSV, NMEA 0183 sentences with leading
timestamps and tag blocks, the IOM Missing Migrants CSV (Kaggle export), tidy
medroutes CSV / Parquet for positions and incidents, and a GeoPackage.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

import pandas as pd

#: Values an analyst's export may contain in any field.
HOSTILE_VALUES: tuple[str, ...] = (
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1",
    "-1",
    '=HYPERLINK("http://x","y")',
    "1e308",
    "-1e308",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "-0",
    "",
    "1900-01-01T00:00:00Z",
    "2100-12-31T23:59:59Z",
    "01/01/1900 00:00:00",
    "31/12/2100 23:59:59",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "1" * 40,
    "0x1F",
    "1,5",
    "\x00",
    "é\u202eX",
    '"',
    "<script>alert(1)</script>",
    "{{7*7}}",
    "../../etc/passwd",
)

#: Hostile strings that have no "missing" meaning: when the row is kept, they must come back verbatim.
INJECTION_TEXT: tuple[str, ...] = (
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    '=HYPERLINK("http://x","y")',
    "<script>alert(1)</script>",
    "{{7*7}}",
)


@dataclass(frozen=True)
class Template:
    """A small valid file: its name, suffix, bytes, what it holds and its text columns."""

    name: str
    suffix: str
    data: bytes
    table: str  # "positions", "incidents" or "arrivals"
    text: bool = True
    text_column: str | None = None  # a free-text column whose value comes back verbatim
    readers: tuple[str, ...] = ()  # the readers that must read it


def _csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


DMA_HEADER = [
    "# Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude", "Navigational status", "ROT", "SOG",
    "COG", "Heading", "IMO", "Callsign", "Name", "Ship type", "Cargo type", "Width", "Length",
    "Type of position fixing device", "Draught", "Destination", "ETA", "Data source type", "A", "B", "C", "D",
]  # fmt: skip


def _dma() -> bytes:
    def row(ts, mob, mmsi, lat, lon, sog, cog, name, stype, length):
        return [ts, mob, mmsi, lat, lon, "Under way using engine", "0.0", sog, cog, "62", "Unknown", "Unknown",
                name, stype, "", "8", length, "GPS", "", "Unknown", "", "AIS", "", "", "", ""]  # fmt: skip

    rows = [
        row("01/08/2024 00:00:00", "Class A", "247123456", "35.500000", "12.600000", "5.2", "180.0", "ALFA", "Fishing", "24"),
        row("01/08/2024 00:10:00", "Class A", "247123456", "35.480000", "12.600000", "5.1", "181.0", "ALFA", "Fishing", "24"),
        row("01/08/2024 00:00:05", "Class B", "636012345", "33.900000", "11.100000", "0.0", "", "", "Undefined", ""),
        row("01/08/2024 00:00:06", "Base Station", "2190064", "91.000000", "0.000000", "", "", "", "Undefined", ""),
        row("01/08/2024 00:20:00", "Class A", "247123456", "35.460000", "12.610000", "102.3", "360.0", "ALFA", "Fishing", "24"),
    ]  # fmt: skip
    return _csv_bytes(DMA_HEADER, rows)


MC_HEADER = [
    "MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "VesselName", "IMO", "CallSign",
    "VesselType", "Status", "Length", "Width", "Draft", "Cargo", "TransceiverClass",
]  # fmt: skip


def _marinecadastre() -> bytes:
    rows = [
        ["247123456", "2024-08-01T00:00:00", "35.50000", "12.60000", "5.2", "180.0", "511", "ALFA", "", "IABC", "30", "0", "24", "8", "", "", "A"],
        ["247123456", "2024-08-01T00:10:00", "35.48000", "12.60000", "5.1", "181.0", "511", "ALFA", "", "IABC", "30", "0", "24", "8", "", "", "A"],
        ["636012345", "2024-08-01T00:00:05", "33.90000", "11.10000", "0.0", "360.0", "511", "", "", "", "0", "", "", "", "", "", "B"],
        ["247123456", "2024-08-01T00:20:00", "35.46000", "12.61000", "102.3", "360.0", "511", "ALFA", "", "IABC", "30", "0", "24", "8", "", "", "A"],
    ]  # fmt: skip
    return _csv_bytes(MC_HEADER, rows)


def _nmea() -> bytes:
    lines = [
        "2024-08-01T00:00:10Z !AIVDO,1,1,,A,13cc>0000l0qcJ0DD3872?vEP000,0*4E",
        "2024-08-01T00:10:20Z !AIVDO,1,1,,A,13cc>0000k0qcJ0D@Hh74gvaP000,0*1C",
        "\\s:2573535,c:1722470430*0E\\!AIVDO,1,1,,A,19NS7>@0000jku0CIM8>1gvuP000,0*48",
        "2024-08-01T00:20:00Z !AIVDO,1,1,,A,19NS7>@0000jku0CIM8>1gvuP000,0*48",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


IOM_HEADER = [
    "Incident Type", "Incident year", "Reported Month", "Region of Origin", "Region of Incident",
    "Country of Origin", "Number of Dead", "Minimum Estimated Number of Missing",
    "Total Number of Dead and Missing", "Number of Survivors", "Number of Females", "Number of Males",
    "Number of Children", "Cause of Death", "Migration route", "Location of death", "Information Source",
    "Coordinates", "UNSD Geographical Grouping",
]  # fmt: skip


def _iom() -> bytes:
    rows = [
        ["Incident", "2023", "June", "Unknown", "Mediterranean", "Unknown", "3", "40", "43", "12", "0", "0", "0",
         "Drowning", "Central Mediterranean", "Off Lampedusa", "Alarm Phone", "35.3, 12.4", "Uncategorized"],
        ["Split Incident", "2023", "July", "Unknown", "Mediterranean", "Unknown", "1", "0", "1", "0", "0", "0", "0",
         "Mixed or unknown", "Central Mediterranean", "Off Zuwara", "IOM Libya", "33.1, 12.0", "Uncategorized"],
        ["Incident", "2022", "January", "Unknown", "Mediterranean", "Unknown", "0", "5", "5", "20", "0", "0", "0",
         "Drowning", "Central Mediterranean", "Off Sfax", "Tunisian coast guard", "", "Uncategorized"],
    ]  # fmt: skip
    return _csv_bytes(IOM_HEADER, rows)


def _unhcr() -> bytes:
    rows = [
        ["2015-10-01", "1443657600", "343"],
        ["2015-10-03", "1443830400", "128"],
        ["2015-10-04", "1443916800", "62"],
    ]
    return _csv_bytes(["data_date", "unix_timestamp", "individuals"], rows)


POS_HEADER = [
    "vessel_id",
    "timestamp",
    "lat",
    "lon",
    "sog_kn",
    "cog_deg",
    "vessel_type",
    "length_m",
    "name",
    "source",
]


def positions_frame() -> pd.DataFrame:
    """A small valid positions table (three boats, Central Mediterranean)."""
    return pd.DataFrame(
        {
            "vessel_id": ["b1", "b1", "b1", "b2", "b2", "b3"],
            "timestamp": [
                "2024-08-01T00:00:00Z",
                "2024-08-01T01:00:00Z",
                "2024-08-01T02:00:00Z",
                "2024-08-01T00:30:00+02:00",
                "2024-08-01T03:30:00Z",
                "2024-08-02T12:00:00Z",
            ],
            "lat": [33.0, 33.2, 33.4, 35.0, 35.1, 36.0],
            "lon": [12.0, 12.1, 12.2, 11.0, 11.1, 14.5],
            "sog_kn": [5.0, 5.5, float("nan"), 4.0, 4.1, 0.0],
            "cog_deg": [10.0, 12.0, 14.0, float("nan"), 300.0, 0.0],
            "vessel_type": [
                "rubber_dinghy",
                "rubber_dinghy",
                "rubber_dinghy",
                "wooden_boat",
                "wooden_boat",
                "sar_vessel",
            ],
            "length_m": [9.0, 9.0, 9.0, 12.0, 12.0, 60.0],
            "name": ["ALFA", "ALFA", "ALFA", "BRAVO", "BRAVO", "CHARLIE"],
            "source": "test",
        }
    )


INC_HEADER = [
    "incident_id",
    "timestamp",
    "lat",
    "lon",
    "incident_type",
    "dead",
    "missing",
    "survivors",
    "route",
    "source",
]


def incidents_frame() -> pd.DataFrame:
    """A small valid incidents table."""
    return pd.DataFrame(
        {
            "incident_id": ["i1", "i2", "i3", "i4"],
            "timestamp": [
                "2024-08-01T03:00:00Z",
                "2024-08-02T00:00:00Z",
                "2024-08-03T00:00:00+02:00",
                "2023-01-01T00:00:00Z",
            ],
            "lat": [33.5, 35.2, float("nan"), 34.0],
            "lon": [12.3, 12.5, float("nan"), 13.0],
            "incident_type": ["shipwreck", "rescue", "death", "distress"],
            "dead": [3, 0, 1, None],
            "missing": [20, 0, None, None],
            "survivors": [10, 80, None, 40],
            "route": "Central Mediterranean",
            "source": ["Alarm Phone", "IOM", "UNHCR", "test"],
        }
    )


def _parquet(df: pd.DataFrame) -> bytes:
    out = df.copy()
    out["timestamp"] = pd.to_datetime(out["timestamp"], utc=True, format="ISO8601")
    buf = io.BytesIO()
    out.to_parquet(buf, index=False)
    return buf.getvalue()


def _gpkg(df: pd.DataFrame) -> bytes:
    import tempfile
    from pathlib import Path

    import geopandas as gpd

    out = df.copy()
    out["timestamp"] = pd.to_datetime(out["timestamp"], utc=True, format="ISO8601")
    gdf = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["lon"], out["lat"]), crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "positions.gpkg"
        gdf.to_file(p, driver="GPKG")
        return p.read_bytes()


@cache
def templates() -> dict[str, Template]:
    """Every template by name (built once)."""
    pos = positions_frame()
    inc = incidents_frame()
    items = [
        Template(
            "dma", ".csv", _dma(), "positions", text_column="Name", readers=("read_dma", "read_positions")
        ),
        Template(
            "marinecadastre",
            ".csv",
            _marinecadastre(),
            "positions",
            text_column="VesselName",
            readers=("read_marinecadastre", "read_positions"),
        ),
        Template("nmea", ".nmea", _nmea(), "positions", readers=("read_nmea", "read_positions")),
        Template(
            "iom",
            ".csv",
            _iom(),
            "incidents",
            text_column="Location of death",
            readers=("read_iom_mmp", "read_incidents"),
        ),
        Template("unhcr", ".csv", _unhcr(), "arrivals", readers=("read_unhcr_arrivals",)),
        Template(
            "tidy_positions",
            ".csv",
            pos.to_csv(index=False).encode(),
            "positions",
            text_column="name",
            readers=("read_tidy_positions", "read_positions"),
        ),
        Template(
            "tidy_incidents",
            ".csv",
            inc.to_csv(index=False).encode(),
            "incidents",
            text_column="source",
            readers=("read_tidy_incidents", "read_incidents"),
        ),
        Template(
            "positions_parquet",
            ".parquet",
            _parquet(pos),
            "positions",
            text=False,
            readers=("read_tidy_positions", "read_positions"),
        ),
        Template(
            "incidents_parquet",
            ".parquet",
            _parquet(inc),
            "incidents",
            text=False,
            readers=("read_tidy_incidents", "read_incidents"),
        ),
        Template(
            "positions_gpkg",
            ".gpkg",
            _gpkg(pos),
            "positions",
            text=False,
            readers=("read_geo_positions", "read_positions"),
        ),
    ]
    return {t.name: t for t in items}


# --------------------------------------------------------------------------- #
# mutations of CSV text
# --------------------------------------------------------------------------- #


def parse_csv(data: bytes) -> list[list[str]]:
    """Rows of a UTF-8 CSV file."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def write_csv(rows: list[list[str]], *, sep: str = ",", newline: str = "\n") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator=newline).writerows(rows)
    return buf.getvalue().encode("utf-8")


def set_field(data: bytes, row: int, column: str | int, value: str) -> bytes:
    """Return the CSV with one cell replaced (properly quoted)."""
    rows = parse_csv(data)
    j = rows[0].index(column) if isinstance(column, str) else column % len(rows[0])
    i = 1 + row % (len(rows) - 1)
    rows[i] += [""] * (j + 1 - len(rows[i]))  # an earlier mutation may have shortened the row
    rows[i][j] = value
    return write_csv(rows)
