"""Fixtures of the risk tests: one small simulated scenario and its baseline result, built once."""

from __future__ import annotations

import pytest

from medroutes.risk import RiskConfig, score_risk

from ._sim import SimScenario, simulate


@pytest.fixture(scope="session")
def sim() -> SimScenario:
    return simulate(3, days=400)


@pytest.fixture(scope="session")
def sim_result(sim):
    import medroutes as mr

    with mr.set_options(progress=False):
        return score_risk(
            sim.voyages,
            sim.incidents,
            weather=sim.weather,
            assets=sim.positions,
            corridors=sim.truth[["voyage_id", "corridor_id"]],
            config=RiskConfig(seed=11),
        )
