"""AIS conventions shared by the AIS readers: 'not available' values and ship-type codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from medroutes.schema import _to_float

#: AIS "not available" values (ITU-R M.1371-5): latitude 91, longitude 181 [deg],
#: speed over ground 102.3 [kn], course over ground 360 [deg], true heading 511 [deg].
NOT_AVAILABLE: dict[str, float] = {
    "lat": 91.0,
    "lon": 181.0,
    "sog_kn": 102.3,
    "cog_deg": 360.0,
    "heading_deg": 511.0,
}


def _ship_type_names() -> dict[int, str]:
    names: dict[int, str] = {}
    for code in range(1, 20):
        names[code] = "Reserved"
    for code in range(20, 30):
        names[code] = "WIG"
    names.update(
        {
            30: "Fishing",
            31: "Towing",
            32: "Towing long/wide",
            33: "Dredging",
            34: "Diving",
            35: "Military",
            36: "Sailing",
            37: "Pleasure",
            38: "Reserved",
            39: "Reserved",
            50: "Pilot",
            51: "SAR",
            52: "Tug",
            53: "Port tender",
            54: "Anti-pollution",
            55: "Law enforcement",
            56: "Spare 1",
            57: "Spare 2",
            58: "Medical",
            59: "Not party to conflict",
        }
    )
    for first, name in ((40, "HSC"), (60, "Passenger"), (70, "Cargo"), (80, "Tanker"), (90, "Other")):
        for code in range(first, first + 10):
            names[code] = name
    return names


#: AIS ship-type code (message 5/19/24 field, MarineCadastre ``VesselType``) -> the
#: category names the Danish Maritime Authority writes in ``Ship type``, so that
#: ``vessel_type`` has one vocabulary across sources. 0 ("not available") and codes
#: above 99 map to missing.
AIS_SHIP_TYPES: dict[int, str] = _ship_type_names()


def ship_type_name(codes: pd.Series) -> pd.Series:
    """Map numeric AIS ship-type codes to :data:`AIS_SHIP_TYPES` names (missing when unknown)."""
    num = pd.to_numeric(codes, errors="coerce")
    return num.map(AIS_SHIP_TYPES).astype("str")


def blank_sentinels(df: pd.DataFrame) -> None:
    """Turn AIS 'not available' values into NaN in place (lat 91, lon 181, sog 102.3, cog 360, heading 511).

    A latitude of 91 also blanks the longitude (DMA writes 91 / 0 for an unknown position).
    Text in these columns raises :class:`~medroutes.errors.SchemaError` naming the column.
    """
    for col in ("lat", "lon", "sog_kn", "cog_deg", "heading_deg", "length_m"):
        if col in df.columns:
            df[col] = _to_float(df, col, "positions")
    if "lat" in df.columns and "lon" in df.columns:
        lat = df["lat"].to_numpy()
        lon = df["lon"].to_numpy()
        no_pos = (lat == 91.0) | (lon == 181.0)
        df["lat"] = np.where(no_pos, np.nan, lat)
        df["lon"] = np.where(no_pos, np.nan, lon)
    for col in ("sog_kn", "cog_deg", "heading_deg"):
        if col in df.columns:
            v = df[col].to_numpy()
            sentinel = NOT_AVAILABLE[col]
            df[col] = np.where(np.isclose(v, sentinel), np.nan, v)
