"""Writers for the positions and incidents tables: Parquet or CSV, atomic, never over their own input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pandas as pd

from medroutes.errors import OutputError
from medroutes.io._common import PathLike
from medroutes.schema import validate_incidents, validate_positions

__all__ = ["write_incidents", "write_positions"]

_KINDS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".csv.gz": "csv.gz"}


def _kind(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(_KINDS, key=len, reverse=True):
        if name.endswith(suffix):
            return _KINDS[suffix]
    raise OutputError(f"{path}: unsupported output suffix; use .parquet, .csv or .csv.gz")


def _same_file(a: str | os.PathLike[str], b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _atomic_write(df: pd.DataFrame, path: PathLike, *, overwrite: bool, what: str) -> Path:
    p = Path(path).expanduser()
    kind = _kind(p)
    if not p.parent.is_dir():
        raise OutputError(f"{p}: the folder {p.parent} does not exist")
    source = df.attrs.get("source_path")
    if source and p.exists() and _same_file(source, p):
        raise OutputError(
            f"{p}: refusing to overwrite the file these {what} were read from; write to another path"
        )
    if p.exists() and not overwrite:
        raise OutputError(f"{p}: exists; pass overwrite=True to replace it")
    writer: Callable[[str], None]
    out = df.reset_index(drop=True)
    out.attrs = {}
    if kind == "parquet":
        writer = lambda tmp: out.to_parquet(tmp, index=False)  # noqa: E731
    else:
        comp: Literal["gzip"] | None = "gzip" if kind == "csv.gz" else None
        writer = lambda tmp: out.to_csv(tmp, index=False, compression=comp)  # noqa: E731
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    os.close(fd)
    try:
        writer(tmp)
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{p}: could not be written: {exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def write_positions(positions: pd.DataFrame, path: PathLike, *, overwrite: bool = True) -> Path:
    """Write a positions table to Parquet or CSV, atomically.

    The table is validated first (:func:`medroutes.schema.validate_positions`,
    ``on_invalid="raise"``, row order kept), so a written file always reads
    back with :func:`medroutes.io.read_positions`.

    Parameters
    ----------
    positions
        Positions table.
    path
        Output file; ``.parquet`` (or ``.pq``), ``.csv`` or ``.csv.gz``.
        Written to a temporary file in the same folder, then renamed over
        ``path``, so a crash never leaves half a file.
    overwrite
        Replace an existing file. The file the table was read from
        (``positions.attrs["source_path"]``) is never overwritten.

    Returns
    -------
    pathlib.Path
        The written path.

    Raises
    ------
    SchemaError
        The table does not follow the positions schema.
    OutputError
        Unsupported suffix, missing folder, refused overwrite, or a write error.
    """
    checked, _ = validate_positions(positions, on_invalid="raise", sort=False)
    checked.attrs = dict(positions.attrs)
    return _atomic_write(checked, path, overwrite=overwrite, what="positions")


def write_incidents(incidents: pd.DataFrame, path: PathLike, *, overwrite: bool = True) -> Path:
    """Write an incidents table to Parquet or CSV, atomically.

    The table is validated first (:func:`medroutes.schema.validate_incidents`,
    ``on_invalid="raise"``). Missing counts are written as empty cells in CSV
    and as nulls in Parquet, never as 0.

    Parameters
    ----------
    incidents
        Incidents table.
    path
        Output file; ``.parquet`` (or ``.pq``), ``.csv`` or ``.csv.gz``
        (temporary file in the same folder, then renamed).
    overwrite
        Replace an existing file. The file the table was read from
        (``incidents.attrs["source_path"]``) is never overwritten.

    Returns
    -------
    pathlib.Path
        The written path.

    Raises
    ------
    SchemaError
        The table does not follow the incidents schema.
    OutputError
        Unsupported suffix, missing folder, refused overwrite, or a write error.
    """
    checked, _ = validate_incidents(incidents, on_invalid="raise")
    checked.attrs = dict(incidents.attrs)
    return _atomic_write(checked, path, overwrite=overwrite, what="incidents")
