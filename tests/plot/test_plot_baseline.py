"""Image comparison of the key figures against reference PNGs in ``tests/baseline/``.

The figures are drawn with the fixed style (``medroutes.plot.plot_style``), the
Agg backend and a fixed DPI, and compared with
``matplotlib.testing.compare.compare_images`` (RMS tolerance below). A failed
comparison copies the new image and the difference image into
``test-artifacts/baseline/``.

Regenerate the references after an intended visual change, look at every
changed PNG, and commit them::

    MEDROUTES_UPDATE_BASELINES=1 pytest tests/plot/test_baseline.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import _plotdata as pdata
import numpy as np
import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images

import medroutes.plot as mp

BASELINE_DIR = Path(__file__).resolve().parents[1] / "baseline"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "baseline"
TOL = 6.0  # RMS difference on 0-255 grey levels
DPI = 72


def _backtest():
    return pd.DataFrame(
        {
            "period": pd.date_range("2023-01-01", periods=6, freq="MS", tz="UTC"),
            "predicted": [12.0, 8, 3, 1, 5, 6],
            "predicted_low": [8.0, 5, 1, 0, 2, 3],
            "predicted_high": [17.0, 12, 6, 4, 9, 10],
            "observed": [14.0, 13, 2, 0, 7, 5],
        }
    )


def _calibration():
    rng = np.random.default_rng(1)
    p = rng.beta(1, 12, 3000)
    return mp.plot_calibration(p, rng.random(3000) < p * 1.2, event="fatal incident")


FIGURES = {
    "basemap": lambda: mp.plot_basemap(),
    "route_graph": lambda: mp.plot_route_graph(pdata.small_graph()),
    "corridors": lambda: mp.plot_corridors(pdata.small_corridors()),
    "incidents": lambda: mp.plot_incidents(pdata.small_incidents()),
    "risk_map": lambda: mp.plot_risk_map(pdata.small_risk_table(), extent=(9, 35, 30, 41)),
    "departures": lambda: mp.plot_departures(*pdata.small_departures()),
    "calibration": _calibration,
    "backtest": lambda: mp.plot_backtest(_backtest()),
    "od_matrix": lambda: mp.plot_od_matrix(pdata.small_voyages(), min_count=5),
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_matches_baseline(name, tmp_path):
    with mp.plot_style():
        fig, _ = FIGURES[name]()
        png = mp.render_figure(fig, dpi=DPI)
    expected = BASELINE_DIR / f"{name}.png"
    if os.environ.get("MEDROUTES_UPDATE_BASELINES") == "1":
        BASELINE_DIR.mkdir(exist_ok=True)
        expected.write_bytes(png)
        pytest.skip(f"baseline {expected.name} regenerated; look at it before committing")
    if not expected.exists():
        pytest.fail(
            f"no baseline {expected}; create it with MEDROUTES_UPDATE_BASELINES=1 pytest {Path(__file__).name}"
        )
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(png)
    result = compare_images(str(expected), str(actual), tol=TOL)
    if result is not None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for f in tmp_path.glob(f"{name}*.png"):
            shutil.copy(f, ARTIFACTS / f.name)
        pytest.fail(f"{name}: {result} (new and diff images in {ARTIFACTS})")


def test_a_changed_figure_fails_the_comparison(tmp_path):
    """The check can fail: a different extent must exceed the tolerance."""
    expected = BASELINE_DIR / "basemap.png"
    if not expected.exists():
        pytest.skip("no basemap baseline yet")
    with mp.plot_style():
        fig, _ = mp.plot_basemap(extent=(10, 26, 30.5, 41))
        png = mp.render_figure(fig, dpi=DPI)
    actual = tmp_path / "changed.png"
    actual.write_bytes(png)
    try:
        result = compare_images(str(expected), str(actual), tol=TOL)
    except Exception as exc:
        result = str(exc)
    assert result is not None
