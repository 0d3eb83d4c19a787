"""Table builders of the report: small-count suppression and plain-pandas summaries.

Every function here returns lists of dicts of *strings* ready for the
template, so that suppression and number formatting happen in one place.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from medroutes.schema import QualityReport

__all__ = [
    "change_rows",
    "dead_missing",
    "departures_rows",
    "fmt_change",
    "fmt_count",
    "incidents_by_month",
    "incidents_by_type",
    "quality_rows",
]

NA = "–"


def fmt_count(value: Any, min_count: int) -> str:
    """Format a count of people, voyages or incidents, suppressing small ones.

    Parameters
    ----------
    value
        The count; missing values (NaN, ``pd.NA``, ``None``) mean unknown.
    min_count
        Counts with ``0 < value < min_count`` become ``"<min_count"``.
        Zero is shown: it singles nobody out.

    Returns
    -------
    str
        ``"–"`` for unknown, ``"<5"`` for suppressed, else the number with
        thousands separators.
    """
    if value is None or value is pd.NA:
        return NA
    v = float(value)
    if math.isnan(v):
        return NA
    if 0 < v < min_count:
        return f"<{min_count}"
    return f"{v:,.0f}"


def fmt_change(a: float, b: float, min_count: int) -> str:
    """Relative change from ``a`` to ``b`` in percent, hidden when either count is suppressed."""
    if any(x is None or (isinstance(x, float) and math.isnan(x)) for x in (a, b)):
        return NA
    if 0 < a < min_count or 0 < b < min_count:
        return "suppressed"
    if a == 0:
        return "new" if b > 0 else "0 %"
    return f"{100.0 * (b - a) / a:+.0f} %"


def dead_missing(incidents: pd.DataFrame) -> pd.Series:
    """Dead + missing per incident; missing when both are unknown, an unknown part counts as 0 otherwise."""
    d = pd.to_numeric(incidents["dead"], errors="coerce").astype("float64")
    m = pd.to_numeric(incidents["missing"], errors="coerce").astype("float64")
    total = d.fillna(0) + m.fillna(0)
    return total.where(d.notna() | m.notna())


def quality_rows(steps: list[tuple[str, QualityReport]]) -> dict[str, list[dict[str, str]] | list[str]]:
    """Rows of the data-quality tables from the quality reports of each step.

    Parameters
    ----------
    steps
        ``(step label, QualityReport)`` in pipeline order.

    Returns
    -------
    dict
        ``steps`` (rows in, kept, dropped), ``reasons`` (one row per
        problem) and ``notes``. Data rows are not people: these counts are
        never suppressed.
    """
    out_steps, reasons, notes = [], [], []
    for label, qr in steps:
        out_steps.append(
            {
                "step": label,
                "n_in": f"{qr.n_in:,}",
                "n_out": f"{qr.n_out:,}",
                "n_dropped": f"{qr.n_dropped:,}",
            }
        )
        for p in qr.problems:
            reasons.append(
                {
                    "step": label,
                    "check": p.check,
                    "column": p.column,
                    "reason": p.reason,
                    "n_rows": f"{p.n_rows:,}",
                }
            )
        notes += [f"{label}: {n}" for n in qr.notes]
    return {"steps": out_steps, "reasons": reasons, "notes": notes}


def incidents_by_type(incidents: pd.DataFrame, *, min_count: int) -> list[dict[str, str]]:
    """Incidents, dead, missing and survivors per incident type (sums skip unknown counts)."""
    if len(incidents) == 0:
        return []
    df = pd.DataFrame(
        {
            "type": incidents["incident_type"].astype(str).to_numpy(),
            "dead": pd.to_numeric(incidents["dead"], errors="coerce").astype("float64").to_numpy(),
            "missing": pd.to_numeric(incidents["missing"], errors="coerce").astype("float64").to_numpy(),
            "survivors": pd.to_numeric(
                incidents.get("survivors", pd.Series(np.nan, index=incidents.index)), errors="coerce"
            )
            .astype("float64")
            .to_numpy(),
        }
    )
    g = df.groupby("type", sort=True)
    agg = pd.DataFrame(
        {
            "n": g.size(),
            "dead": g["dead"].sum(min_count=1),
            "missing": g["missing"].sum(min_count=1),
            "survivors": g["survivors"].sum(min_count=1),
        }
    )
    total = pd.DataFrame(
        {
            "n": [len(df)],
            "dead": [df["dead"].sum(min_count=1)],
            "missing": [df["missing"].sum(min_count=1)],
            "survivors": [df["survivors"].sum(min_count=1)],
        },
        index=["all types"],
    )
    agg = pd.concat([agg.sort_values("n", ascending=False, kind="stable"), total])
    return [
        {
            "type": str(t).replace("_", " "),
            "n": fmt_count(r["n"], min_count),
            "dead": fmt_count(r["dead"], min_count),
            "missing": fmt_count(r["missing"], min_count),
            "survivors": fmt_count(r["survivors"], min_count),
        }
        for t, r in agg.iterrows()
    ]


def incidents_by_month(incidents: pd.DataFrame, *, min_count: int) -> list[dict[str, str]]:
    """Incidents and dead + missing per calendar month (UTC)."""
    if len(incidents) == 0:
        return []
    ts = pd.to_datetime(incidents["timestamp"], utc=True)
    month = ts.dt.strftime("%Y-%m")
    df = pd.DataFrame({"month": month.to_numpy(), "dm": dead_missing(incidents).to_numpy()})
    g = df.groupby("month", sort=True)
    agg = pd.DataFrame({"n": g.size(), "dm": g["dm"].sum(min_count=1)})
    return [
        {"month": str(m), "n": fmt_count(r["n"], min_count), "dm": fmt_count(r["dm"], min_count)}
        for m, r in agg.iterrows()
    ]


def departures_rows(
    voyages: pd.DataFrame,
    *,
    mid: pd.Timestamp,
    zone_names: dict[str, str],
    departure_zones: list[str],
    min_count: int,
) -> tuple[list[dict[str, str]], bool]:
    """Voyages (and persons) per departure zone, in total and in each half of the period.

    Parameters
    ----------
    voyages
        Voyages table with ``start_time, departure_zone`` and optionally ``persons``.
    mid
        Start of the second half [UTC].
    zone_names
        zone_id -> human-readable name.
    departure_zones
        Zones to list even when they have no departure.
    min_count
        Small-count threshold.

    Returns
    -------
    rows : list of dict
    has_persons : bool
    """
    dep = voyages["departure_zone"].astype(str)
    second = pd.to_datetime(voyages["start_time"], utc=True) >= mid
    has_persons = "persons" in voyages.columns
    persons = pd.to_numeric(voyages["persons"], errors="coerce") if has_persons else None
    zones = list(dict.fromkeys([*departure_zones, *sorted(set(dep) - set(departure_zones))]))
    counts = dep.value_counts()
    a = dep[~second].value_counts()
    b = dep[second].value_counts()
    rows = []
    order = sorted(zones, key=lambda z: (-int(counts.get(z, 0)), z))
    for z in order:
        n = int(counts.get(z, 0))
        na, nb = int(a.get(z, 0)), int(b.get(z, 0))
        row = {
            "zone": z,
            "name": zone_names.get(
                z, "departure outside the defined zones" if z in ("at sea", "unknown") else ""
            ),
            "voyages": fmt_count(n, min_count),
            "a": fmt_count(na, min_count),
            "b": fmt_count(nb, min_count),
            "change": fmt_change(na, nb, min_count),
        }
        if persons is not None:
            row["persons"] = fmt_count(persons[dep == z].sum(min_count=1) if n else 0, min_count)
        rows.append(row)
    return rows, has_persons


def change_rows(measures: list[tuple[str, float, float]], *, min_count: int) -> list[dict[str, str]]:
    """Rows ``measure, a, b, change`` of the 'what changed' table."""
    return [
        {
            "measure": m,
            "a": fmt_count(a, min_count),
            "b": fmt_count(b, min_count),
            "change": fmt_change(a, b, min_count),
        }
        for m, a, b in measures
    ]
