"""Risk analysis: threat, vulnerability and impact scored per place, route and time window.

Following Frontex's Common Integrated Risk Analysis Model (CIRAM), risk is a
function of **threat** (departure pressure), **vulnerability** (the response
gap: sea state, boat and load, distance to safety, rescue assets, SAR region)
and **impact** (loss of life: dead and missing per 1,000 crossings,
empirical-Bayes shrunk). :func:`score_risk` scores departure zones,
corridors, route-graph edges and time windows; every unit gets the three
components, a composite score, a category from a documented risk matrix, a
credible interval and an explanation. Categories describe places, routes and
time windows, never people. The method, its formulas, defaults, validation
figures and limits are in ``docs/explanation/risk-methodology.md``.

Main entry points
-----------------
score_risk, RiskResult, RiskConfig, add_edge_risk
    Scoring and its result.
what_if
    Re-score under a changed scenario and return the per-unit difference.
DeparturePressureModel, backtest, daily_counts, complete_days
    Threat model and its time-ordered backtest.
IncidentClassifier, evaluate_incident_model, incident_target
    Calibrated incident probability per voyage.
loss_of_life, dead_missing
    Totals of dead and missing (e.g. per route and year).
models
    The small cited functions (empirical Bayes, transforms, combination).
"""

from medroutes.risk import models
from medroutes.risk._score import UNIT_COLUMNS, UNIT_TYPES, RiskResult, add_edge_risk, score_risk
from medroutes.risk.classifier import (
    IncidentClassifier,
    IncidentModelReport,
    evaluate_incident_model,
    incident_target,
)
from medroutes.risk.config import CATEGORIES, INSUFFICIENT, UNDER_RECORDING_FACTORS, RiskConfig
from medroutes.risk.impact import dead_missing, loss_of_life
from medroutes.risk.threat import (
    BacktestResult,
    DeparturePressureModel,
    backtest,
    complete_days,
    daily_counts,
    persistence,
    seasonal_naive,
)
from medroutes.risk.vulnerability import nearest_asset_km, safe_port_km
from medroutes.risk.whatif import what_if

__all__ = [
    "CATEGORIES",
    "INSUFFICIENT",
    "UNDER_RECORDING_FACTORS",
    "UNIT_COLUMNS",
    "UNIT_TYPES",
    "BacktestResult",
    "DeparturePressureModel",
    "IncidentClassifier",
    "IncidentModelReport",
    "RiskConfig",
    "RiskResult",
    "add_edge_risk",
    "backtest",
    "complete_days",
    "daily_counts",
    "dead_missing",
    "evaluate_incident_model",
    "incident_target",
    "loss_of_life",
    "models",
    "nearest_asset_km",
    "persistence",
    "safe_port_km",
    "score_risk",
    "seasonal_naive",
    "what_if",
]
