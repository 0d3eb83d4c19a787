"""medroutes: maritime departure risk analysis and route modelling in the Central Mediterranean.

The pipeline is visible in the sub-packages::

    io -> synthetic -> tracks -> graph -> risk -> plot / report
    plus geo (zones, coastline, projections), schema (data model) and cli.

Responsible use: medroutes works on aggregated movements and incidents only,
never personal data. Risk categories describe places, routes and time windows,
never people or nationalities. Its outputs exist to support the protection of
life at sea: operations must respect human rights and the duty to rescue
persons in distress at sea (UNCLOS art. 98, SOLAS ch. V reg. 33, SAR Convention).
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from medroutes.errors import (
    ConfigError,
    DataFormatError,
    DataQualityWarning,
    GraphValidationError,
    InsufficientDataError,
    MedroutesError,
    MedroutesWarning,
    MemoryLimitError,
    OptionalDependencyError,
    OutputError,
    SchemaError,
)
from medroutes.options import get_options, set_options

try:
    __version__ = version("medroutes")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

RESPONSIBLE_USE = (
    "medroutes describes places, routes and time windows from aggregated movements and "
    "incidents, never people or nationalities. Its outputs support the protection of life at "
    "sea: any operation informed by them must respect human rights, the principle of "
    "non-refoulement and the duty to render assistance to persons in distress at sea "
    "(UNCLOS art. 98; SOLAS ch. V reg. 33; 1979 SAR Convention)."
)

_SUBMODULES = (
    "io",
    "geo",
    "schema",
    "synthetic",
    "tracks",
    "graph",
    "risk",
    "plot",
    "report",
    "cli",
    "datasets",
)

__all__ = [
    "__version__",
    "RESPONSIBLE_USE",
    "MedroutesError",
    "SchemaError",
    "DataFormatError",
    "ConfigError",
    "GraphValidationError",
    "InsufficientDataError",
    "OptionalDependencyError",
    "OutputError",
    "MemoryLimitError",
    "MedroutesWarning",
    "DataQualityWarning",
    "set_options",
    "get_options",
    *_SUBMODULES,
]


def __getattr__(name: str) -> Any:
    """Import sub-packages lazily so ``import medroutes`` stays fast (``mr.graph`` still works)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"medroutes.{name}")
    raise AttributeError(f"module 'medroutes' has no attribute {name!r}")
