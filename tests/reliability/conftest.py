"""Shared settings of the reliability suite: hypothesis profiles.

``medroutes-ci`` (the default) is derandomised and keeps no example database,
so a CI run is reproducible and leaves no ``.hypothesis`` folder; choose
``HYPOTHESIS_PROFILE=medroutes-dev`` for a longer random search on a laptop.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "medroutes-ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "medroutes-dev",
    deadline=None,
    max_examples=400,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "medroutes-ci"))


@pytest.fixture(scope="session")
def small_scenario():
    """The 'calm-summer-week' scenario (seed 11), generated once for the reliability suite."""
    synthetic = pytest.importorskip("medroutes.synthetic")
    import medroutes as mr

    with mr.set_options(progress=False):
        return synthetic.generate_scenario("calm-summer-week", seed=11)
