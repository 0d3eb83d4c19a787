"""Clean position reports before splitting them into voyages."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from medroutes.schema import QualityReport, validate_positions
from medroutes.tracks._config import TrackConfig

__all__ = ["clean_positions"]


def clean_positions(
    positions: pd.DataFrame,
    *,
    config: TrackConfig | None = None,
    on_invalid: Literal["raise", "drop"] = "raise",
) -> tuple[pd.DataFrame, QualityReport]:
    """Check and clean positions: types, ranges, duplicates, impossible jumps, fixes on land.

    A thin, configured front end to :func:`medroutes.schema.validate_positions`
    (the validation layer shared by every reader): every removed row is
    counted by reason in the returned report, never lost silently.

    Parameters
    ----------
    positions
        Positions table (``POSITIONS`` schema), timestamps tz-aware or ISO 8601
        strings with an offset.
    config
        ``max_speed_kn`` (isolated jumps faster than this from and to the
        neighbouring fixes are invalid [kn]) and ``check_land`` are used.
    on_invalid : {"raise", "drop"}
        Raise one :class:`~medroutes.errors.SchemaError` listing every problem,
        or drop the offending rows, warn once
        (:class:`~medroutes.errors.DataQualityWarning`) and count them.

    Returns
    -------
    positions : pandas.DataFrame
        Sorted by ``(vessel_id, timestamp)`` with a fresh index.
    report : QualityReport
        ``n_in == n_out + n_dropped``; reasons ``duplicate``,
        ``conflicting_duplicate``, ``impossible_speed``, ``on_land`` and the
        range checks of the data model.

    Examples
    --------
    >>> import medroutes as mr
    >>> pos, qc = mr.tracks.clean_positions(raw, on_invalid="drop")  # doctest: +SKIP
    >>> print(qc.summary())  # doctest: +SKIP
    """
    cfg = TrackConfig() if config is None else config
    if not isinstance(cfg, TrackConfig):
        raise TypeError(f"config must be a TrackConfig, got {type(cfg).__name__}")
    return validate_positions(
        positions,
        on_invalid=on_invalid,
        max_speed_kn=cfg.max_speed_kn,
        check_land=cfg.check_land,
        sort=True,
    )
