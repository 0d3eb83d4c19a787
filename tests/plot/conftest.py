"""Plot tests: Agg backend, fixed style, every figure closed afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _close_figures():
    import medroutes.plot as mp

    with mp.plot_style():
        yield
    plt.close("all")
