"""Fixtures of the synthetic-scenario tests: generated once per session."""

from __future__ import annotations

import dataclasses

import pytest

import medroutes.synthetic as syn


@pytest.fixture(scope="session")
def sample():
    """The bundled sample scenario, regenerated with its documented seed."""
    return syn.generate_scenario("sample", seed=7, progress=False)


def year(name: str, seed: int) -> syn.Scenario:
    """A full simulated year without per-minute positions (fast)."""
    cfg = syn.load_config(name)
    cfg = dataclasses.replace(cfg, positions=dataclasses.replace(cfg.positions, mode="none"))
    return syn.generate_scenario(cfg, seed=seed, progress=False)


@pytest.fixture(scope="session")
def year2022():
    return year("central-med-2022", 11)


@pytest.fixture(scope="session")
def year2023():
    return year("central-med-2023", 11)
