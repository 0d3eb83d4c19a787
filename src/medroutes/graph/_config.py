"""Configuration of the graph stage."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from medroutes.errors import ConfigError

__all__ = ["GraphConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphConfig:
    """Parameters of the H3 route graph.

    Attributes
    ----------
    h3_resolution
        H3 resolution of the cell nodes, 0-10. The default 5 (cells of about
        253 km², 9.9 km edge, 17 km across) suits the Central Mediterranean:
        a crossing of 150-500 nm passes 20-60 cells, counts per cell stay
        meaningful with hundreds of voyages, and hourly fixes at 4-8 kn move
        about one cell per fix so grid-path filling stays rare. Resolution 6
        (36 km², 3.7 km edge) resolves straits such as Malta-Gozo but needs
        about seven times more voyages for the same counts per cell.
    zone_nodes
        Add a node per departure zone and per arrival zone, joined to the
        first and last cell of each voyage that starts or ends in them.
    fill_gaps
        Join consecutive fixes that skip cells along a sea-only grid path, so
        no voyage leaves a hole in the graph.
    min_voyages
        Edges with fewer voyages are hidden by display helpers
        (:func:`medroutes.graph.graph_to_gdfs` with ``min_voyages``, plots);
        the graph itself keeps every edge so flows are conserved.
    incident_max_km
        Incidents further than this from every edge stay unmapped (and are
        counted in ``G.graph["n_incidents_unmapped"]``) [km]. ``None``: two
        cell spacings at ``h3_resolution``.
    route_geometry
        Route edge geometries that would cross land around it over finer
        cells (otherwise straight lines between node points).
    """

    h3_resolution: int = 5
    zone_nodes: bool = True
    fill_gaps: bool = True
    min_voyages: int = 1
    incident_max_km: float | None = None
    route_geometry: bool = True

    def __post_init__(self) -> None:
        r = self.h3_resolution
        if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= 10:
            raise ConfigError(f"GraphConfig.h3_resolution must be an integer 0-10, got {r!r}")
        for name in ("zone_nodes", "fill_gaps", "route_geometry"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"GraphConfig.{name} must be True or False, got {getattr(self, name)!r}")
        m = self.min_voyages
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ConfigError(f"GraphConfig.min_voyages must be an integer >= 1, got {m!r}")
        d = self.incident_max_km
        if d is not None and (
            isinstance(d, bool) or not isinstance(d, (int, float)) or not math.isfinite(d) or d <= 0
        ):
            raise ConfigError(f"GraphConfig.incident_max_km must be a number > 0 km or None, got {d!r}")

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as a plain dict."""
        return asdict(self)
