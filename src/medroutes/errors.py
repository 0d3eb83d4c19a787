"""Exception and warning hierarchy of medroutes.

Every error raised on purpose by the library derives from :class:`MedroutesError`
and also from the builtin that fits it, so ``except ValueError`` keeps working
(the same pattern as OSMnx's ``_errors.py`` and scikit-learn's
``NotFittedError(ValueError, AttributeError)``).
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DataFormatError",
    "DataQualityWarning",
    "GraphValidationError",
    "InsufficientDataError",
    "MedroutesError",
    "MedroutesWarning",
    "MemoryLimitError",
    "OptionalDependencyError",
    "OutputError",
    "SchemaError",
]


class MedroutesError(Exception):
    """Base class of every error raised on purpose by medroutes."""


class SchemaError(MedroutesError, ValueError):
    """A table does not follow the medroutes data model (columns, types, values).

    The message names the column, the number of offending rows and examples.
    """


class DataFormatError(MedroutesError, ValueError):
    """A file cannot be read as the format it claims or was detected to be."""


class ConfigError(MedroutesError, ValueError):
    """A configuration value is out of range or of the wrong kind."""


class GraphValidationError(MedroutesError, ValueError):
    """A route graph breaks the graph contract (see ``medroutes.graph.validate_graph``)."""


class InsufficientDataError(MedroutesError, ValueError):
    """Too little data to compute a result honestly."""


class OptionalDependencyError(MedroutesError, ImportError):
    """An optional dependency is needed for this function; the message gives the install hint."""


class OutputError(MedroutesError, OSError):
    """An output could not be written (refused overwrite of an input, disk full, bad path)."""


class MemoryLimitError(MedroutesError, MemoryError):
    """The input is larger than the memory available; the message points to the Dask path.

    Raised before loading (from the Parquet row count or the file size), so the
    process fails with a message instead of being ended by the out-of-memory killer.
    """


class MedroutesWarning(UserWarning):
    """Base class of medroutes warnings."""


class DataQualityWarning(MedroutesWarning):
    """Rows were dropped or repaired at the caller's request; the quality report counts them."""
