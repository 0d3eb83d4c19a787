"""Shared fixtures of the report tests: one sample report built once per session."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> Path:
    """The report on the bundled sample, exactly as ``medroutes report`` writes it."""
    import medroutes as mr
    from medroutes.report import build_report

    out = tmp_path_factory.mktemp("report") / "medroutes-report.html"
    with mr.set_options(progress=False):
        path = build_report(out=out)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "medroutes-report.html").write_bytes(path.read_bytes())
    return path


@pytest.fixture(scope="session")
def sample_html(sample_report) -> str:
    return sample_report.read_text(encoding="utf-8")
