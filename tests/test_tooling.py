"""The project's own tooling gates: lint, format and static types.

They run inside the test suite so that the README's one test command checks
everything CI checks.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from _testpaths import REPO

TARGETS = ["src", "tests", "benchmarks", "tools"]


def _tool(name: str) -> list[str]:
    exe = shutil.which(name, path=str(REPO / ".venv" / "bin")) or shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed (it is part of the 'dev' extra)")
    return [exe]


def test_ruff_lint_is_clean():
    res = subprocess.run([*_tool("ruff"), "check", *TARGETS], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_format_is_clean():
    res = subprocess.run(
        [*_tool("ruff"), "format", "--check", *TARGETS], cwd=REPO, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.slow
def test_mypy_strict_on_src_is_clean():
    pytest.importorskip("mypy")
    res = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"], cwd=REPO, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]
