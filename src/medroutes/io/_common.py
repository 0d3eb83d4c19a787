"""Shared plumbing of the readers: file checks, robust CSV reading, report attachment."""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import lzma
import os
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pandas as pd

from medroutes.errors import DataFormatError, SchemaError
from medroutes.schema import Problem, QualityReport, _short

PathLike = str | os.PathLike[str]

#: Suffixes read through a decompressor (pandas infers the same ones).
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zip")

_CHUNK = 1 << 20


def strip_columns(df: pd.DataFrame, where: str) -> pd.DataFrame:
    r"""Strip white space around the column names of ``df`` (in place), refusing names that collide.

    Python's :meth:`str.strip` also removes control characters such as
    ``\x1c``, so ``"dead\x1c"`` and ``"dead"`` would both become ``"dead"``;
    two columns of one name make every later step ambiguous.

    Raises
    ------
    SchemaError
        Two or more columns have the same name once stripped; the message
        names them.
    """
    names = [str(c).strip() for c in df.columns]
    groups: dict[str, list[str]] = {}
    for raw, name in zip(df.columns, names, strict=True):
        groups.setdefault(name, []).append(str(raw))
    dup = {name: raws for name, raws in groups.items() if len(raws) > 1}
    if dup:
        shown = "; ".join(
            f"{_short(name, 40)!r} from " + ", ".join(_short(repr(r), 40) for r in raws[:3])
            for name, raws in list(dup.items())[:5]
        )
        raise SchemaError(
            f"{where}: {len(dup):,} column name{'s are' if len(dup) > 1 else ' is'} repeated once white "
            f"space and control characters around the names are removed ({shown}); "
            "rename or remove the repeated columns"
        )
    df.columns = names
    return df


def as_path(path: PathLike) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path`, checking it is an existing, non-empty file.

    Raises
    ------
    FileNotFoundError
        If it does not exist (the CLI turns this into one line and exit code 2).
    DataFormatError
        If it is a folder or a file of 0 bytes.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(2, "No such file", str(p))
    if p.is_dir():
        raise DataFormatError(f"{p} is a folder, not a file")
    if p.stat().st_size == 0:
        raise DataFormatError(f"{p} is empty (0 bytes)")
    return p


def compression_of(path: Path) -> str | None:
    """Return the compression suffix of ``path`` (``".gz"`` ...) or ``None``."""
    suffix = path.suffix.lower()
    return suffix if suffix in COMPRESSED_SUFFIXES else None


def inner_suffix(path: Path) -> str:
    """Suffix of the data inside a compressed file (``a.csv.gz`` -> ``.csv``), else the suffix."""
    if compression_of(path) is None:
        return path.suffix.lower()
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
        except (zipfile.BadZipFile, OSError) as exc:
            raise decompress_error(path, exc) from exc
        return Path(names[0]).suffix.lower() if len(names) == 1 else ".zip"
    return Path(path.stem).suffix.lower()


#: Errors a damaged or mislabelled compressed file raises while it is read.
_DECOMPRESS_ERRORS = (EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error, OSError)


def _is_decompress_error(exc: BaseException) -> bool:
    if isinstance(exc, PermissionError | FileNotFoundError | IsADirectoryError):
        return False
    return isinstance(exc, _DECOMPRESS_ERRORS)


def decompress_error(path: Path, exc: BaseException) -> DataFormatError:
    """Build the :class:`DataFormatError` for a compressed file that cannot be decompressed."""
    kind = compression_of(path) or "compressed"
    return DataFormatError(
        f"{path}: not a readable {kind.lstrip('.')} file ({type(exc).__name__}: {_short(exc, 200)})"
    )


@contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """Open a file for reading bytes, decompressing ``.gz``, ``.bz2``, ``.xz`` and one-member ``.zip``.

    A damaged or mislabelled archive raises :class:`DataFormatError`, also when
    the damage is only found while reading.
    """
    comp = compression_of(path)
    if comp is None:
        with open(path, "rb") as fh:
            yield fh
        return
    try:
        if comp == ".gz":
            with gzip.open(path, "rb") as fh:
                yield cast(IO[bytes], fh)
        elif comp == ".bz2":
            with bz2.open(path, "rb") as fh:
                yield cast(IO[bytes], fh)
        elif comp == ".xz":
            with lzma.open(path, "rb") as fh:
                yield cast(IO[bytes], fh)
        else:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
                if len(names) != 1:
                    raise DataFormatError(
                        f"{path}: a zip archive must hold exactly one file, found {len(names)}"
                    )
                with zf.open(names[0]) as fh:
                    yield fh
    except Exception as exc:
        if _is_decompress_error(exc):
            raise decompress_error(path, exc) from exc
        raise


def read_head(path: Path, nbytes: int = 65536) -> bytes:
    """Return the first ``nbytes`` (decompressed) bytes of a file."""
    with open_binary(path) as fh:
        return fh.read(nbytes)


def head_text(path: Path, nbytes: int = 65536) -> str:
    """First bytes of a file as text, for sniffing (undecodable bytes replaced, BOM removed)."""
    return read_head(path, nbytes).decode("utf-8", errors="replace").lstrip("\ufeff")


def find_decode_error(path: Path, encoding: str) -> tuple[int, int, bytes] | None:
    """Locate the first byte sequence that is not valid in ``encoding``.

    Returns
    -------
    (offset, line, bad_bytes) or None
        Byte offset (0-based, in the decompressed stream), line number (1-based)
        and the offending bytes; ``None`` when the whole file decodes.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    consumed = 0
    newlines = 0
    with open_binary(path) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            final = not chunk
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                pending = len(exc.object) - len(chunk)  # bytes held back from the previous chunk
                offset = consumed - pending + exc.start
                # pending bytes are part of a multi-byte sequence, so hold no newline
                line = newlines + exc.object[pending : exc.start].count(b"\n") + 1
                return offset, line, bytes(exc.object[exc.start : exc.end])
            if final:
                return None
            consumed += len(chunk)
            newlines += chunk.count(b"\n")


def decode_error(path: Path, encoding: str, exc: UnicodeDecodeError | None = None) -> DataFormatError:
    """Build the :class:`DataFormatError` for a file that is not valid text in ``encoding``."""
    where = find_decode_error(path, encoding)
    if where is None:  # the parser failed on something the incremental decoder accepts
        detail = f" ({exc})" if exc is not None else ""
        return DataFormatError(f"{path}: cannot be decoded as {encoding}{detail}")
    offset, line, bad = where
    return DataFormatError(
        f"{path}: not valid {encoding} text at byte offset {offset:,} (line {line:,}, "
        f"byte{'s' if len(bad) > 1 else ''} {bad.hex(' ').upper()}); if the file is Latin-1 or "
        "Windows-1252, pass encoding='latin-1' (or 'cp1252')"
    )


def _header_fields(path: Path, encoding: str) -> list[str]:
    head = read_head(path, 65536).decode(encoding, errors="replace").lstrip("\ufeff")
    first = head.splitlines()[0] if head else ""
    return next(csv.reader([first]), [])


def _check_truncated(path: Path, n_fields: int, encoding: str) -> None:
    """Raise when the file does not end with a newline and its last line is short of fields."""
    if compression_of(path) is not None:
        return  # the decompressor already fails on a truncated archive
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    if tail.endswith((b"\n", b"\r")):
        return
    start = tail.rfind(b"\n") + 1
    last = tail[start:].decode(encoding, errors="replace").replace("\r", "")  # a bare CR breaks csv.reader
    fields = next(csv.reader([last]), [])
    if len(fields) < n_fields:
        offset = size - (len(tail) - start)
        raise DataFormatError(
            f"{path}: the file looks truncated: its last line (at byte offset {offset:,}) has "
            f"{len(fields)} of {n_fields} fields and no line end; download or copy it again"
        )


def read_csv(
    path: Path,
    *,
    what: str,
    encoding: str = "utf-8",
    required: Sequence[str] = (),
    **kwargs: Any,
) -> pd.DataFrame:
    """Read a comma-separated file, turning every parsing failure into :class:`DataFormatError`.

    Parameters
    ----------
    path
        File (may be compressed).
    what
        Name of the format, used in messages ("DMA AIS CSV").
    encoding
        Text encoding.
    required
        Columns that must be in the header (checked before parsing the body).
    **kwargs
        Passed to :func:`pandas.read_csv`.

    Raises
    ------
    DataFormatError
        Undecodable bytes (naming the byte offset), wrong delimiter, missing
        columns, a header without data rows, a truncated last line, or any
        parser error (naming the line).
    """
    try:
        header = _header_fields(path, encoding)
    except LookupError as exc:
        raise DataFormatError(f"unknown encoding {encoding!r}") from exc
    header = [h.strip() for h in header]
    if len(header) <= 1:
        first = ",".join(header)
        for sep in (";", "\t", "|"):
            if sep in first:
                raise DataFormatError(
                    f"{path}: the header uses {sep!r} as the delimiter ({_short(first)!r}); "
                    f"{what} files are comma-separated. Convert the file, e.g. "
                    f"pd.read_csv(path, sep={sep!r}).to_csv(new_path, index=False)"
                )
    missing = [c for c in required if c not in header]
    if missing:
        raise DataFormatError(
            f"{path}: not a complete {what} file: missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(repr(m) for m in missing)
            + f"; header has {len(header)} columns: {', '.join(_short(h, 40) for h in header[:12])}"
            + (" ..." if len(header) > 12 else "")
        )
    try:
        df = pd.read_csv(path, encoding=encoding, compression="infer", **kwargs)
    except UnicodeDecodeError as exc:
        raise decode_error(path, encoding, exc) from None
    except pd.errors.EmptyDataError as exc:
        raise DataFormatError(f"{path} is empty (no header line)") from exc
    except pd.errors.ParserError as exc:
        raise DataFormatError(f"{path}: cannot be parsed as {what}: {_short(exc, 300)}") from exc
    except ValueError as exc:  # e.g. a declared dtype does not fit a value
        raise DataFormatError(f"{path}: cannot be parsed as {what}: {_short(exc, 300)}") from exc
    except Exception as exc:
        if compression_of(path) is not None and _is_decompress_error(exc):
            raise decompress_error(path, exc) from exc
        raise
    if len(df) == 0:
        raise DataFormatError(f"{path}: has a header but no data rows ({what})")
    _check_truncated(path, len(header), encoding)
    return df


def excluded_problem(check: str, column: str, reason: str, mask: np.ndarray, index: pd.Index) -> Problem:
    """Build the :class:`Problem` of rows a reader excludes on purpose (e.g. base stations)."""
    hits = np.flatnonzero(mask)[:3]
    return Problem(check, column, reason, int(mask.sum()), tuple(index[hits].tolist()))


def pre_report(
    n_in: int, problems: Sequence[Problem], notes: Sequence[str] = (), table: str = "positions"
) -> QualityReport:
    """Report of what a reader removed before validation (n_out = rows handed on)."""
    n_out = n_in - sum(p.n_rows for p in problems)
    return QualityReport(table, n_in, n_out, tuple(p for p in problems if p.n_rows), tuple(notes))


def finish(
    df: pd.DataFrame, report: QualityReport, *, path: Path | None, fmt: str, return_report: bool
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Attach report and provenance to ``df.attrs`` and return what the caller asked for."""
    df.attrs["quality_report"] = report
    df.attrs["source_format"] = fmt
    if path is not None:
        df.attrs["source_path"] = str(Path(path).resolve())
    return (df, report) if return_report else df


def text_lines(
    path_or_lines: PathLike | Sequence[str] | io.TextIOBase, encoding: str, *, strict: bool = True
) -> tuple[list[str], Path | None]:
    """Lines of a text file or of an in-memory sequence of strings.

    With ``strict=False`` undecodable bytes become U+FFFD (the caller counts
    those lines) instead of raising :class:`DataFormatError`.
    """
    if isinstance(path_or_lines, str | os.PathLike):
        p = as_path(path_or_lines)
        with open_binary(p) as fh:
            raw = fh.read()
        try:
            text = raw.decode(encoding, errors="strict" if strict else "replace")
        except UnicodeDecodeError as exc:
            raise decode_error(p, encoding, exc) from None
        except LookupError as exc:
            raise DataFormatError(f"unknown encoding {encoding!r}") from exc
        return text.splitlines(), p
    if isinstance(path_or_lines, io.TextIOBase):
        return path_or_lines.read().splitlines(), None
    return [str(s) for s in path_or_lines], None
