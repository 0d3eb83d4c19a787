"""Paths and markers of the root ``tests/conftest.py``, loaded under a unique module name.

``from conftest import ...`` is ambiguous when several test folders have a
``conftest.py`` (the first one imported wins the name ``conftest``), so the io
tests load the root one explicitly.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

_NAME = "_medroutes_tests_root_conftest"


def _root_conftest() -> ModuleType:
    if _NAME in sys.modules:
        return sys.modules[_NAME]
    spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).resolve().parents[1] / "conftest.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = mod
    spec.loader.exec_module(mod)
    return mod


_conf = _root_conftest()
DATA_DIR: Path = _conf.DATA_DIR
SAMPLE_DIR: Path = _conf.SAMPLE_DIR
SHARED_DIR: Path = _conf.SHARED_DIR
requires_shared = _conf.requires_shared
