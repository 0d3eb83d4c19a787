"""Atomic file output: write to a temporary file beside the target, then rename.

A reader never sees a half-written file, an interrupted run leaves no partial
output behind, and a target that is one of the run's inputs is refused before
anything is written. Any stage may use these helpers::

    from medroutes._atomic import atomic_path, atomic_write_text

    atomic_write_text("report.html", html, inputs=["positions.csv"])
    with atomic_path("graph.gpkg", inputs=[src]) as tmp:
        gdf.to_file(tmp)          # write anything to ``tmp``; renamed on success
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from medroutes.errors import OutputError

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "check_output_path"]

PathLike = str | os.PathLike[str]


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:  # pragma: no cover - permissions, broken links
        pass
    return a.resolve() == b.resolve()


def check_output_path(path: PathLike, *, inputs: Iterable[PathLike | None] = ()) -> Path:
    """Check that ``path`` can be written and is not one of ``inputs``.

    Parameters
    ----------
    path
        Target file.
    inputs
        Files the run reads; ``None`` entries are ignored.

    Returns
    -------
    pathlib.Path
        The target as a :class:`~pathlib.Path`.

    Raises
    ------
    OutputError
        If the target is an input, is a directory, or its folder does not exist.
    """
    target = Path(path)
    for src in inputs:
        if src is None:
            continue
        if _same_file(target, Path(src)):
            raise OutputError(
                f"refusing to overwrite the input file {str(src)!r}; choose another output path"
            )
    if target.is_dir():
        raise OutputError(f"output path {str(target)!r} is a directory; give a file name")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: folder {str(parent)!r} does not exist")
    return target


@contextlib.contextmanager
def atomic_path(path: PathLike, *, inputs: Iterable[PathLike | None] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    The temporary file is created in the target's folder (so the final
    :func:`os.replace` is atomic on the same file system) and is removed if
    the body raises. File permissions follow the process umask, as a plain
    ``open(path, "w")`` would.

    Parameters
    ----------
    path
        Final target file.
    inputs
        Files the run reads; writing onto one of them raises :class:`OutputError`.

    Yields
    ------
    pathlib.Path
        Temporary path to write to (it exists and is empty).

    Raises
    ------
    OutputError
        If the target is an input or cannot be written.
    """
    target = check_output_path(path, inputs=inputs)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: PathLike, data: bytes, *, inputs: Iterable[PathLike | None] = ()) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, then rename).

    Parameters
    ----------
    path
        Target file.
    data
        Content.
    inputs
        Files the run reads; writing onto one of them raises :class:`OutputError`.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    with atomic_path(path, inputs=inputs) as tmp:
        try:
            tmp.write_bytes(data)
        except OSError as exc:
            raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    return Path(path)


def atomic_write_text(
    path: PathLike, text: str, *, encoding: str = "utf-8", inputs: Iterable[PathLike | None] = ()
) -> Path:
    """Write ``text`` to ``path`` atomically; see :func:`atomic_write_bytes`.

    Parameters
    ----------
    path
        Target file.
    text
        Content.
    encoding
        Text encoding.
    inputs
        Files the run reads; writing onto one of them raises :class:`OutputError`.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    return atomic_write_bytes(path, text.encode(encoding), inputs=inputs)
