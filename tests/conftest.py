"""Shared test fixtures and markers.

``SHARED_DIR`` is the project's ``../shared/data`` folder of real open data.
Tests that read it use ``requires_shared`` and are skipped, with a reason,
when it is absent; the package itself never reads it.
"""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from _testpaths import DATA_DIR, REPO, SAMPLE_DIR, SHARED_DIR, requires_shared

__all__ = ["DATA_DIR", "REPO", "SAMPLE_DIR", "SHARED_DIR", "requires_shared"]


@pytest.fixture(autouse=True)
def _no_progress_bars():
    """Keep test output clean: progress bars off unless a test turns them on."""
    import medroutes as mr

    with mr.set_options(progress=False):
        yield
