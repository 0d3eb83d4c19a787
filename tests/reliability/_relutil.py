"""Helpers of the reliability tests (per-example time limit, warning capture)."""

from __future__ import annotations

import contextlib
import signal
import threading
import warnings
from collections.abc import Iterator


class HangError(AssertionError):
    """A call did not return within its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str = "call") -> Iterator[None]:
    """Fail with :class:`HangError` when the block runs longer than ``seconds`` (SIGALRM, main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise HangError(f"{what} did not return within {seconds:g} s (hang)")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def recorded_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning raised in the block (the suite turns warnings into errors otherwise)."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        yield rec
