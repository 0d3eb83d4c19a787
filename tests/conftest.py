"""Shared test fixtures, markers and the Hypothesis profiles of the whole suite.

``SHARED_DIR`` is the project's ``../shared/data`` folder of real open data.
Tests that read it use ``requires_shared`` and are skipped, with a reason,
when it is absent; the package itself never reads it.

Hypothesis: the profile is loaded here, at the root, so every folder gets the
same settings whatever the collection order (a profile loaded in a sub-folder's
conftest would apply to other folders only when that folder is collected first).
``medroutes-ci`` (the default) is derandomised, has no deadline and keeps no
example database, so a run is reproducible and leaves no ``.hypothesis``
folder; choose ``HYPOTHESIS_PROFILE=medroutes-dev`` for a longer random search
on a laptop. Tests that need fewer examples set ``@settings(max_examples=...)``.
"""

from __future__ import annotations

import os

import matplotlib
import pytest

matplotlib.use("Agg")

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
else:
    settings.register_profile(
        "medroutes-ci",
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=60,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "medroutes-dev",
        deadline=None,
        max_examples=400,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "medroutes-ci"))

from _testpaths import DATA_DIR, REPO, SAMPLE_DIR, SHARED_DIR, requires_shared

__all__ = ["DATA_DIR", "REPO", "SAMPLE_DIR", "SHARED_DIR", "requires_shared"]


@pytest.fixture(autouse=True)
def _no_progress_bars():
    """Keep test output clean: progress bars off unless a test turns them on."""
    import medroutes as mr

    with mr.set_options(progress=False):
        yield
