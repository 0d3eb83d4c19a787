"""Paths and markers shared by every test module.

Import as ``from _testpaths import SHARED_DIR, requires_shared`` (``tests/`` is on
``pythonpath`` in the pytest configuration). ``from conftest import ...`` is not
used because several test folders have a ``conftest.py`` of their own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "tests" / "data"
SAMPLE_DIR = REPO / "sample_data"
SHARED_DIR = Path(os.environ.get("MEDROUTES_SHARED_DIR", REPO.parent / "shared" / "data"))

requires_shared = pytest.mark.skipif(
    not SHARED_DIR.exists(),
    reason=f"real open data folder {SHARED_DIR} (../shared/data) is not present on this machine",
)
