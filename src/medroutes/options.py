"""Global display options (progress bars only).

Scientific parameters are never global: they live in the frozen configuration
dataclasses of each stage. Only display switches are set here, with
:func:`set_options`, which also works as a context manager (like
``xarray.set_options``)::

    import medroutes as mr
    mr.set_options(progress=False)          # globally
    with mr.set_options(progress=False):    # temporarily
        ...
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from medroutes.errors import ConfigError

__all__ = ["get_options", "progress_bar", "set_options"]

T = TypeVar("T")


def _default_progress() -> bool:
    env = os.environ.get("MEDROUTES_PROGRESS")
    if env is not None:
        return env.strip().lower() not in {"0", "false", "no", "off"}
    return True


_OPTIONS: dict[str, Any] = {"progress": _default_progress(), "progress_min_items": 1}
_VALIDATORS = {
    "progress": lambda v: isinstance(v, bool),
    "progress_min_items": lambda v: isinstance(v, int) and v >= 0,
}


class set_options:  # noqa: N801  (lower-case: used like a function)
    """Set display options globally or, used with ``with``, temporarily.

    Other Parameters
    ----------------
    progress : bool
        Show tqdm progress bars on long operations (default True, or the
        ``MEDROUTES_PROGRESS`` environment variable). Bars are written to
        stderr and are never shown when stderr is not a terminal unless
        forced by the caller.
    progress_min_items : int
        Do not show a bar for loops shorter than this.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._old: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key not in _OPTIONS:
                raise ConfigError(f"unknown option {key!r}; known options: {sorted(_OPTIONS)}")
            if not _VALIDATORS[key](value):
                raise ConfigError(f"invalid value {value!r} for option {key!r}")
            self._old[key] = _OPTIONS[key]
        _OPTIONS.update(kwargs)

    def __enter__(self) -> set_options:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _OPTIONS.update(self._old)


def get_options() -> dict[str, Any]:
    """Return a copy of the current display options."""
    return dict(_OPTIONS)


def progress_bar(
    iterable: Iterable[T],
    *,
    desc: str,
    total: int | None = None,
    unit: str = "it",
    enabled: bool | None = None,
) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm progress bar when progress bars are on.

    Parameters
    ----------
    iterable
        Items to iterate over.
    desc
        Short label shown before the bar.
    total
        Number of items, when ``iterable`` has no ``len``.
    unit
        Unit name shown by the bar.
    enabled
        Force the bar on or off; ``None`` follows :func:`set_options`.
    """
    show = _OPTIONS["progress"] if enabled is None else enabled
    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    if not show or (total is not None and total < _OPTIONS["progress_min_items"]):
        yield from iterable
        return
    from tqdm.auto import tqdm

    yield from tqdm(iterable, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False)
