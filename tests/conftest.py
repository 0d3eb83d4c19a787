"""Shared test fixtures and markers.

``SHARED_DIR`` is the project's ``../shared/data`` folder of real open data.
Tests that read it use ``requires_shared`` and are skipped, with a reason,
when it is absent; the package itself never reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "tests" / "data"
SAMPLE_DIR = REPO / "sample_data"
SHARED_DIR = Path(os.environ.get("MEDROUTES_SHARED_DIR", REPO.parent / "shared" / "data"))

requires_shared = pytest.mark.skipif(
    not SHARED_DIR.exists(),
    reason=f"real open data folder {SHARED_DIR} (../shared/data) is not present on this machine",
)


@pytest.fixture(autouse=True)
def _no_progress_bars():
    """Keep test output clean: progress bars off unless a test turns them on."""
    import medroutes as mr

    with mr.set_options(progress=False):
        yield
