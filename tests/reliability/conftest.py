"""Shared fixtures of the reliability suite.

The Hypothesis profiles (``medroutes-ci`` by default, ``HYPOTHESIS_PROFILE=medroutes-dev``
for a longer search) are registered and loaded in the root ``tests/conftest.py``, so
the whole suite runs with the same settings whatever the collection order.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def small_scenario():
    """The 'calm-summer-week' scenario (seed 11), generated once for the reliability suite."""
    synthetic = pytest.importorskip("medroutes.synthetic")
    import medroutes as mr

    with mr.set_options(progress=False):
        return synthetic.generate_scenario("calm-summer-week", seed=11)
