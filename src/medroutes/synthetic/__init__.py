"""Synthetic, calibrated Central-Mediterranean scenarios with known ground truth.

Real departure data is sensitive and migrant boats rarely broadcast AIS, so
training and testing run on synthetic scenarios that look and behave like the
real thing. :func:`generate_scenario` returns a :class:`Scenario` holding tidy
tables in the library's own schemas (positions, voyages, incidents, weather,
departures, assets) and, kept apart, the ground truth the route-identification
and risk stages are graded against::

    import medroutes.synthetic as syn
    sc = syn.generate_scenario("central-med-2023", seed=7)
    sc.write("out/central-med-2023")            # Parquet + CSV + scenario.toml + manifest.json
    sc2 = syn.read_scenario("out/central-med-2023")

Scenarios are TOML files (:func:`list_scenarios`, :func:`load_config`),
calibrated to published figures (see the comments in each file).
"""

from medroutes.synthetic.config import (
    AssetConfig,
    BoatConfig,
    CountryConfig,
    DepartureConfig,
    OutcomeConfig,
    PositionConfig,
    RouteConfig,
    ScenarioConfig,
    WeatherConfig,
    ZoneConfig,
    config_to_toml,
    list_scenarios,
    load_config,
)
from medroutes.synthetic.generate import generate_scenario
from medroutes.synthetic.scenario import TABLE_NAMES, Scenario, calibration_summary, read_scenario

__all__ = [
    "TABLE_NAMES",
    "AssetConfig",
    "BoatConfig",
    "CountryConfig",
    "DepartureConfig",
    "OutcomeConfig",
    "PositionConfig",
    "RouteConfig",
    "Scenario",
    "ScenarioConfig",
    "WeatherConfig",
    "ZoneConfig",
    "calibration_summary",
    "config_to_toml",
    "generate_scenario",
    "list_scenarios",
    "load_config",
    "read_scenario",
]
