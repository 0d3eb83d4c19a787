"""Configuration of the tracks stage."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from medroutes.errors import ConfigError

__all__ = ["TrackConfig"]


def _positive(name: str, value: object, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ConfigError(f"TrackConfig.{name} must be a finite number > 0, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackConfig:
    """Parameters that turn position reports into voyages.

    Attributes
    ----------
    max_gap_h
        A reporting gap longer than this starts a new voyage [h]. Strictly
        longer, like MovingPandas' ``ObservationGapSplitter``.
    max_gap_km
        A jump between consecutive fixes longer than this also starts a new
        voyage [km]; ``None`` (default) disables the distance test.
    stop_speed_kn
        A fix is stationary when its speed over ground (``sog_kn``, or the
        speed implied by the neighbouring fixes where ``sog_kn`` is missing) is
        below this [kn]. ``None`` disables stop splitting.
    stop_min_h
        A run of stationary fixes lasting at least this long is a stop [h]; it
        ends the voyage before it (at the stop's first fix) and the next voyage
        starts at its last fix. The fixes in between belong to no voyage and
        are counted in the quality report. ``None`` disables stop splitting.
        The default (6 h) is long enough that a boat drifting for a few hours
        without fuel stays one voyage.
    max_speed_kn
        :func:`clean_positions` drops isolated fixes that imply a faster jump
        from and to their neighbours [kn]; ``None`` skips the check.
    min_positions
        Voyages with fewer positions are flagged ``short`` in the voyages
        table (or dropped and counted with ``on_short="drop"``).
    check_land
        :func:`clean_positions` flags positions on land (package land polygons).
    """

    max_gap_h: float = 6.0
    max_gap_km: float | None = None
    stop_speed_kn: float | None = 0.5
    stop_min_h: float | None = 6.0
    max_speed_kn: float | None = 50.0
    min_positions: int = 3
    check_land: bool = True

    def __post_init__(self) -> None:
        _positive("max_gap_h", self.max_gap_h)
        _positive("max_gap_km", self.max_gap_km, allow_none=True)
        _positive("stop_speed_kn", self.stop_speed_kn, allow_none=True)
        _positive("stop_min_h", self.stop_min_h, allow_none=True)
        _positive("max_speed_kn", self.max_speed_kn, allow_none=True)
        if (
            isinstance(self.min_positions, bool)
            or not isinstance(self.min_positions, int)
            or self.min_positions < 1
        ):
            raise ConfigError(
                f"TrackConfig.min_positions must be an integer >= 1, got {self.min_positions!r}"
            )
        if not isinstance(self.check_land, bool):
            raise ConfigError(f"TrackConfig.check_land must be True or False, got {self.check_land!r}")

    @property
    def splits_at_stops(self) -> bool:
        """Whether stops end voyages (both stop thresholds set)."""
        return self.stop_speed_kn is not None and self.stop_min_h is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as a plain dict (for provenance and files)."""
        return asdict(self)
