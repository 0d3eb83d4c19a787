"""Memory pre-flight checks: fail early, with a clear message, instead of being killed.

A pandas pipeline that needs more memory than the machine has is not stopped
by Python: the operating system's out-of-memory killer ends the process, with
no message and possibly half-written files. :func:`check_memory` estimates the
memory a step will need from a row count that is known *before* loading
(e.g. the row count in a Parquet file's metadata) and raises
:class:`MemoryLimitError` when it exceeds the memory available now, pointing to
the Dask path.

The estimate is deliberately simple: ``n_rows * bytes_per_row * overhead``.
``bytes_per_row`` should describe the peak of the whole step, including
temporaries (see :data:`POSITIONS_BYTES_PER_ROW`).
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

from medroutes.errors import MemoryLimitError

__all__ = [
    "CSV_EXPANSION",
    "POSITIONS_BYTES_PER_ROW",
    "MemoryLimitError",
    "available_memory_bytes",
    "check_file_memory",
    "check_memory",
    "format_bytes",
]

#: Peak memory per position of the in-memory pipeline (read, validate, split,
#: graph) [bytes]. Measured: a bare numpy pipeline peaks at 1.8-2.1 GiB for
#: 1e7 positions (``performance-notes.md``), ~200 B per position; medroutes keeps
#: more columns (vessel ids as strings, voyage ids, steps), hence 300.
POSITIONS_BYTES_PER_ROW: int = 300

#: Memory of a table read from a text file, per byte of (uncompressed) text: pandas object
#: columns and the parser's buffers take several times the file size.
CSV_EXPANSION: float = 5.0

#: Assumed compression ratio of .bz2 / .xz files (and .gz above 4 GiB) whose size is unknown.
_COMPRESSION_RATIO = 8.0

_DASK_HINT = "use the Dask path: see docs how-to 'Run on Dask'"

_CGROUP_FILES = (
    # cgroup v2: limit and current usage of this container
    (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory.current")),
    # cgroup v1
    (
        Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
        Path("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ),
)


def _meminfo_available(path: Path = Path("/proc/meminfo")) -> int | None:
    """Return ``MemAvailable`` from ``/proc/meminfo`` [bytes], or None when unreadable."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            parts = line.split()
            try:
                value = int(parts[1])
            except (IndexError, ValueError):
                return None
            unit = parts[2].lower() if len(parts) > 2 else "kb"
            return value * 1024 if unit == "kb" else value
    return None


def _sysconf_available() -> int | None:
    """Return free physical memory from ``os.sysconf`` [bytes] (no page cache), or None."""
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    if pages <= 0 or size <= 0:
        return None
    return int(pages) * int(size)


def _cgroup_available() -> int | None:
    """Return the room left under this process's cgroup memory limit [bytes], or None when unlimited."""
    for limit_file, usage_file in _CGROUP_FILES:
        try:
            raw = limit_file.read_text(encoding="ascii").strip()
        except OSError:
            continue
        if raw == "max":
            return None
        try:
            limit = int(raw)
            usage = int(usage_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None
        if limit >= 1 << 60:  # cgroup v1 "unlimited" is a huge number
            return None
        return max(limit - usage, 0)
    return None


def available_memory_bytes() -> int | None:
    """Estimate the memory this process can still allocate [bytes].

    The smallest of ``MemAvailable`` in ``/proc/meminfo`` (Linux; falls back
    to ``os.sysconf`` free pages) and the room left under a cgroup (container)
    memory limit.

    Returns
    -------
    int or None
        Available memory [bytes]; ``None`` when it cannot be determined (the
        check is then skipped rather than guessed).
    """
    candidates = [_meminfo_available() or _sysconf_available(), _cgroup_available()]
    known = [c for c in candidates if c is not None]
    return min(known) if known else None


def format_bytes(n: float) -> str:
    """Format a number of bytes as ``"1.2 GiB"`` (binary units)."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover - loop always returns


def check_memory(
    n_rows: int,
    bytes_per_row: float,
    *,
    what: str,
    overhead: float = 1.5,
    available: int | None = None,
    unit: str = "rows",
) -> int:
    """Raise early when a step would need more memory than is available.

    Parameters
    ----------
    n_rows
        Number of rows the step will hold in memory (known before loading,
        e.g. from Parquet metadata).
    bytes_per_row
        Peak memory per row of the step, temporaries included [bytes]
        (e.g. :data:`POSITIONS_BYTES_PER_ROW`).
    what
        What is being loaded, for the message (e.g. ``"positions.parquet"``).
    overhead
        Safety factor on the estimate (>= 1) for the interpreter, the
        allocator and other data already in memory.
    available
        Available memory [bytes]; default :func:`available_memory_bytes`.
        When it cannot be determined the check passes.
    unit
        What ``n_rows`` counts, for the message (``"rows"``, ``"bytes of text"``).

    Returns
    -------
    int
        The estimated need [bytes].

    Raises
    ------
    MemoryLimitError
        When ``n_rows * bytes_per_row * overhead`` exceeds the available
        memory; the message gives both figures and points to the Dask path.
    ValueError
        (as :class:`~medroutes.errors.ConfigError`) for a negative row count,
        a non-positive ``bytes_per_row`` or ``overhead < 1``.

    Examples
    --------
    >>> from medroutes._limits import check_memory
    >>> check_memory(1_000, 300, what="positions", available=10**9)
    450000
    """
    from medroutes.errors import ConfigError

    if isinstance(n_rows, bool) or not isinstance(n_rows, numbers.Real) or not n_rows >= 0:
        raise ConfigError(f"check_memory: n_rows must be a count >= 0, got {n_rows!r}")
    if not (isinstance(bytes_per_row, numbers.Real) and math.isfinite(bytes_per_row) and bytes_per_row > 0):
        raise ConfigError(f"check_memory: bytes_per_row must be > 0 bytes, got {bytes_per_row!r}")
    if not (isinstance(overhead, numbers.Real) and math.isfinite(overhead) and overhead >= 1):
        raise ConfigError(f"check_memory: overhead must be >= 1, got {overhead!r}")
    need = math.ceil(n_rows * bytes_per_row * overhead)
    avail = available_memory_bytes() if available is None else int(available)
    if avail is not None and need > avail:
        raise MemoryLimitError(
            f"{what}: {int(n_rows):,} {unit} would need ~{format_bytes(need)} of memory, "
            f"this machine has {format_bytes(avail)} available; {_DASK_HINT} "
            "(or process the input in smaller pieces, e.g. one month at a time)"
        )
    return need


def _text_bytes(path: Path) -> int:
    """Uncompressed size of a (possibly compressed) text file [bytes], exact where the format says it."""
    import zipfile

    size = path.stat().st_size
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                return sum(i.file_size for i in zf.infolist())
        except (zipfile.BadZipFile, OSError):
            return size
    if suffix == ".gz" and size >= 4:
        with open(path, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            isize = int.from_bytes(fh.read(4), "little")  # uncompressed size modulo 4 GiB
        return isize if isize >= size else int(size * _COMPRESSION_RATIO)
    if suffix in (".bz2", ".xz"):
        return int(size * _COMPRESSION_RATIO)
    return size


def check_file_memory(
    path: str | os.PathLike[str],
    *,
    bytes_per_row: float = POSITIONS_BYTES_PER_ROW,
    what: str | None = None,
    available: int | None = None,
) -> int:
    """Check, before reading it, that a file fits in memory; see :func:`check_memory`.

    Parquet (and GeoParquet) files give their row count in the footer, so the
    estimate is ``rows * bytes_per_row``; any other file is text, estimated at
    :data:`CSV_EXPANSION` bytes of memory per byte of uncompressed text.

    Parameters
    ----------
    path
        The input file.
    bytes_per_row
        Peak memory per row of the step that reads it [bytes] (Parquet only).
    what
        Name used in the message (default: the file name).
    available
        Available memory [bytes]; default :func:`available_memory_bytes`.

    Returns
    -------
    int
        The estimated need [bytes].

    Raises
    ------
    MemoryLimitError
        When the estimate exceeds the available memory.
    """
    p = Path(path)
    label = what or p.name
    if p.suffix.lower() in (".parquet", ".pq", ".geoparquet"):
        try:
            import pyarrow.parquet as pq

            n_rows = pq.ParquetFile(p).metadata.num_rows
        except Exception:  # not a readable Parquet file: the reader will say so
            return 0
        return check_memory(n_rows, bytes_per_row, what=label, available=available)
    return check_memory(_text_bytes(p), CSV_EXPANSION, what=label, available=available, unit="bytes of text")
