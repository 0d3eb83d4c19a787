"""Reader for the UNHCR daily sea-arrivals CSV (Operational Data Portal, Mediterranean situation).

Layout: ``data_date`` (``YYYY-MM-DD``), ``unix_timestamp`` (seconds, midnight
UTC of that day), ``individuals``. Days without recorded arrivals are absent
from the file, not written as 0. Credit: "UNHCR Operational Data Portal".
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
import pandas as pd

from medroutes.errors import SchemaError
from medroutes.io._common import PathLike, as_path, finish, pre_report, read_csv
from medroutes.schema import QualityReport

__all__ = ["VARIABLE_MAP", "read_unhcr_arrivals"]

#: UNHCR column -> medroutes column.
VARIABLE_MAP: dict[str, str] = {
    "data_date": "date",
    "individuals": "arrivals",
    "unix_timestamp": "unix_timestamp",
}


@overload
def read_unhcr_arrivals(
    path: PathLike, *, encoding: str = ..., return_report: Literal[False] = ...
) -> pd.DataFrame: ...


@overload
def read_unhcr_arrivals(
    path: PathLike, *, encoding: str = ..., return_report: Literal[True]
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_unhcr_arrivals(
    path: PathLike, *, encoding: str = "utf-8", return_report: bool = False
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Read UNHCR daily sea arrivals (e.g. to Italy) into a two-column table.

    Parameters
    ----------
    path
        CSV with ``data_date`` and ``individuals`` (``unix_timestamp`` optional,
        checked against the date when present).
    encoding
        Text encoding of the file.
    return_report
        Return ``(arrivals, report)`` instead of ``arrivals``.

    Returns
    -------
    arrivals : pandas.DataFrame
        ``date`` (midnight UTC, ``datetime64[ns, UTC]``, sorted, unique) and
        ``arrivals`` (persons, int64). Days absent from the file stay absent:
        whether they mean zero arrivals is for the caller to decide.
    report : QualityReport
        Only with ``return_report=True`` (nothing is ever dropped).

    Raises
    ------
    DataFormatError
        Missing columns, undecodable bytes, a truncated file.
    SchemaError
        Unparseable dates, dates that disagree with ``unix_timestamp``,
        repeated dates, or arrivals that are missing, negative or fractional.
    """
    p = as_path(path)
    raw = read_csv(
        p,
        what="UNHCR arrivals CSV",
        encoding=encoding,
        required=["data_date", "individuals"],
        dtype={"data_date": "str"},
    )
    n = len(raw)
    date = pd.to_datetime(raw["data_date"].str.strip(), format="%Y-%m-%d", utc=True, errors="coerce")
    date = date.where(date.dt.year.between(1678, 2261))  # outside datetime64[ns]: reported as not a date
    problems: list[str] = []
    bad = date.isna()
    if bad.any():
        problems.append(
            f"column 'data_date': {int(bad.sum()):,} of {n:,} rows are not YYYY-MM-DD dates (first rows {list(raw.index[bad][:3])})"
        )
    if "unix_timestamp" in raw.columns:
        unix = pd.to_numeric(raw["unix_timestamp"], errors="coerce")
        expected = (date - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
        off = ~bad & unix.notna() & (unix != expected)
        if off.any():
            problems.append(
                f"column 'unix_timestamp': {int(off.sum()):,} of {n:,} rows disagree with data_date (first rows {list(raw.index[off][:3])})"
            )
    arrivals = pd.to_numeric(raw["individuals"], errors="coerce")
    bad_n = arrivals.isna() | ~np.isfinite(arrivals) | (arrivals < 0) | (arrivals != np.floor(arrivals))
    if bad_n.any():
        problems.append(
            f"column 'individuals': {int(bad_n.sum()):,} of {n:,} rows are missing, negative or not whole numbers (first rows {list(raw.index[bad_n][:3])})"
        )
    dup = date.duplicated() & date.notna()
    if dup.any():
        problems.append(
            f"column 'data_date': {int(dup.sum()):,} of {n:,} rows repeat an earlier date (first rows {list(raw.index[dup][:3])})"
        )
    if problems:
        raise SchemaError("UNHCR arrivals: " + "; ".join(problems))
    out = pd.DataFrame({"date": date.astype("datetime64[ns, UTC]"), "arrivals": arrivals.astype("int64")})
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    span = (out["date"].iloc[-1] - out["date"].iloc[0]).days + 1
    report = pre_report(
        n,
        [],
        [f"{n:,} days with arrivals over a span of {span:,} days ({span - n:,} days absent)"],
        table="arrivals",
    )
    return finish(out, report, path=p, fmt="unhcr_arrivals", return_report=return_report)
