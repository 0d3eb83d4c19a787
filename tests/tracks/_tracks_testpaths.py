"""The root ``tests/conftest.py`` markers and paths, loaded by file path (``conftest`` is an ambiguous name)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "_medroutes_tests_root_conftest"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).resolve().parents[1] / "conftest.py")
    assert _spec is not None and _spec.loader is not None
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _mod
    _spec.loader.exec_module(_mod)
_conf = sys.modules[_NAME]

SHARED_DIR: Path = _conf.SHARED_DIR
SAMPLE_DIR: Path = _conf.SAMPLE_DIR
requires_shared = _conf.requires_shared
