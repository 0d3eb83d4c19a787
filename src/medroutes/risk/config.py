"""Configuration of the risk stage (:class:`RiskConfig`).

Every scientific parameter of :func:`medroutes.risk.score_risk` lives here, in
one frozen keyword-only dataclass validated in ``__post_init__``. Limits are
declared once in :data:`_CONSTRAINTS` (the scikit-learn ``_parameter_constraints``
idea) rather than scattered through the code. Every :class:`RiskResult`
records the config it was computed with (``result.provenance["config"]``).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from medroutes.errors import ConfigError

__all__ = [
    "CATEGORIES",
    "IMPACT_ANCHORS",
    "INSUFFICIENT",
    "UNDER_RECORDING_FACTORS",
    "VULNERABILITY_FACTORS",
    "RiskConfig",
]

#: Category labels of the risk matrix, lowest first.
CATEGORIES: tuple[str, ...] = ("Low", "Medium", "High", "Very high")
#: Label of a unit with too little data to be scored.
INSUFFICIENT = "Insufficient data"

#: Under-recording multipliers for Central Mediterranean deaths. Recorded deaths are a
#: minimum: Zens & Sigman (2026, arXiv:2603.19986, multiple-systems estimation on IOM MMP
#: Central Mediterranean incidents 2014-2025) estimate that about 66-85 % of fatalities are
#: recorded, smaller incidents least. Recording of 2/3 to 5/6 gives factors 1/(5/6) = 1.2
#: to 1/(2/3) = 1.5.
UNDER_RECORDING_FACTORS: tuple[float, float] = (1.2, 1.5)


#: Fixed reference values of the impact score ``x / (x + anchor)`` (0.5 at the anchor). They are
#: absolute, anchored in published Central Mediterranean figures, so that a unit's impact depends only
#: on its own estimate and more dead never lower it (a reference pooled over the units moved with the
#: unit's own deaths). ``"persons"``: dead+missing per person crossing, 1.5 % = the middle of the
#: route-wide loss of 1-2 % per attempt (IOM definition: dead+missing / (arrivals + interceptions +
#: dead+missing); 1.1-2.0 % in 2020-2025, IOM MMP and UNHCR). ``"voyages"``: dead+missing per boat
#: crossing, that rate times 40 persons per boat (average persons per landing event: 39 Italy 2021,
#: 42 Lampedusa 2024). ``"frequency"``: fatal incidents per boat crossing, the per-boat loss divided by
#: about 20 victims per fatal incident (IOM MMP Central Mediterranean records, 2014 to mid-2023: about
#: 22,000 dead+missing in 1,106 records), i.e. 30 per 1,000 boat crossings.
IMPACT_ANCHORS: dict[str, float] = {"persons": 0.015, "voyages": 0.6, "frequency": 0.03}

#: Vulnerability factors that can be used (see the methodology page).
VULNERABILITY_FACTORS: tuple[str, ...] = (
    "hs_m",
    "persons_per_boat",
    "boat_loss_share",
    "passage_km",
    "asset_km",
    "sar_loss_share",
)


def _is_prob(v: Any) -> bool:
    return isinstance(v, int | float) and 0.0 < float(v) < 1.0


def _pos(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v > 0


def _nonneg_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _thresholds_ok(v: Any) -> bool:
    return (
        isinstance(v, tuple)
        and len(v) == len(CATEGORIES) - 1
        and all(_is_prob(x) for x in v)
        and all(a < b for a, b in itertools.pairwise(v))
    )


def _weights_ok(v: Any) -> bool:
    return (
        isinstance(v, tuple)
        and len(v) == 3
        and all(isinstance(x, int | float) and x >= 0 and math.isfinite(x) for x in v)
        and sum(v) > 0
    )


def _prior_ok(v: Any) -> bool:
    if v in ("moments", "none"):
        return True
    return isinstance(v, tuple) and len(v) == 2 and all(_pos(x) for x in v)


def _under_ok(v: Any) -> bool:
    if v is None:
        return True
    return isinstance(v, tuple) and len(v) == 2 and all(_pos(x) and x >= 1 for x in v) and v[0] <= v[1]


def _seed_ok(v: Any) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0)


#: Parameter -> (check, requirement in words).
_CONSTRAINTS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "thresholds": (_thresholds_ok, "a strictly increasing tuple of 3 numbers in (0, 1)"),
    "weights": (_weights_ok, "a tuple of 3 non-negative numbers (threat, vulnerability, impact), not all 0"),
    "combine": (lambda v: v in ("geometric", "arithmetic"), "'geometric' or 'arithmetic'"),
    "impact": (lambda v: v in ("frequency", "rate"), "'frequency' or 'rate'"),
    "incident_model": (lambda v: isinstance(v, bool), "True or False"),
    "min_voyages": (_nonneg_int, "an integer >= 0"),
    "eb_prior": (_prior_ok, "'moments', 'none' or a (shape, rate) tuple of positive numbers"),
    "overdispersion": (lambda v: v in ("compound", "none"), "'compound' or 'none'"),
    "credible_level": (_is_prob, "a number in (0, 1)"),
    "under_recording": (_under_ok, "None or a (low, high) tuple of factors >= 1"),
    "n_draws": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 100, "an integer >= 100"),
    "seed": (_seed_ok, "None or an integer >= 0"),
    "window": (lambda v: v in ("D", "W", "M"), "'D' (day), 'W' (ISO week) or 'M' (calendar month)"),
    "asset_window_h": (_pos, "a number > 0 [h]"),
    "asset_types": (
        lambda v: isinstance(v, tuple) and len(v) > 0 and all(isinstance(x, str) for x in v),
        "a non-empty tuple of vessel_type strings",
    ),
    "default_precision_km": (_pos, "a number > 0 [km]"),
    "zone_attribution_km": (_pos, "a number > 0 [km]"),
    "vulnerability_factors": (
        lambda v: isinstance(v, tuple) and len(v) > 0 and all(x in VULNERABILITY_FACTORS for x in v),
        "a non-empty tuple drawn from " + ", ".join(repr(x) for x in VULNERABILITY_FACTORS),
    ),
    "edge_snapshots": (
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        "an integer >= 1",
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskConfig:
    """Parameters of the risk stage; frozen, keyword-only, recorded with every result.

    Attributes
    ----------
    thresholds
        Composite-score cut points between ``Low | Medium | High | Very high``
        (score in [0, 1]). Defaults ``(0.40, 0.55, 0.70)``: with the
        half-saturation transform and equal weights, a unit whose three
        components sit at ``r`` times their reference scores ``r / (1 + r)``, so
        the cuts correspond to 0.67x, 1.22x and 2.33x the reference.
    weights
        Component weights ``(threat, vulnerability, impact)``; normalised to sum 1.
    combine : {"geometric", "arithmetic"}
        Combination rule. CIRAM prescribes none; the default weighted geometric
        mean is the bounded form of a log risk index (IMO FSA ``RI = FI + SI``).
    impact : {"frequency", "rate"}
        What the impact component scores. ``"frequency"`` (default): fatal
        incidents per boat crossing, empirical-Bayes shrunk (towards the
        expected count of the incident classifier when voyage outcomes are
        known), with the severity of an incident pooled over all units (the
        collective risk model: victims per incident are too heavy-tailed to be
        estimated per place). ``"rate"``: dead+missing per 1,000 crossings
        directly. Both estimates are reported in every row. Either is mapped
        to [0, 1) by ``x / (x + anchor)`` with the fixed anchor of
        :data:`IMPACT_ANCHORS` (absolute, not relative to the other units).
    incident_model
        Fit the calibrated incident classifier (cross-fitted, seeded) when voyage
        outcomes are known, to give each unit its expected number of fatal incidents.
    min_voyages
        Units with fewer boat crossings (voyages) than this are labelled
        ``"Insufficient data"`` and not scored.
    eb_prior : {"moments", "none"} or (shape, rate)
        Gamma prior of the loss rate: method-of-moments empirical Bayes
        (Clayton & Kaldor 1987), no shrinkage (raw rates with Bayesian
        intervals under a vague Gamma(0.5, ~0) prior), or a fixed Gamma
        prior given as (shape, rate) with the rate per crossing [1/crossing].
    overdispersion : {"compound", "none"}
        ``"compound"`` inflates the Poisson sampling variance of dead+missing
        counts by ``E[K^2]/E[K]`` of the victims per fatal incident (deaths come
        in clusters); ``"none"`` is the classical Poisson model.
    credible_level
        Probability mass of the equal-tailed credible intervals (default 0.90).
    under_recording
        ``None`` (default: recorded counts) or ``(low, high)`` multipliers for
        unrecorded deaths, e.g. :data:`UNDER_RECORDING_FACTORS` ``(1.2, 1.5)``;
        the point estimate uses the midpoint, the interval widens to both ends.
    n_draws
        Monte Carlo draws used to propagate the uncertainty of the components
        into ``score_low``/``score_high``.
    seed
        Seed of those draws and of every other random step (int >= 0 or None;
        None gives a fresh, unrecorded state and is recorded as ``None``).
    window : {"D", "W", "M"}
        Length of the time windows scored per zone (day, ISO week, calendar month).
    asset_window_h
        An asset fix counts for a time ``t`` when it is within ``t +/- asset_window_h`` [h].
    asset_types
        ``vessel_type`` values of positions that are rescue / patrol assets.
    default_precision_km
        Location precision assumed for incidents without ``location_precision_km`` [km].
    zone_attribution_km
        Incidents without a ``voyage_id`` are attributed to the nearest
        departure zone within this distance plus their precision [km].
    vulnerability_factors
        Factors averaged into the vulnerability component (those without data
        are skipped and named in the explanation).
    edge_snapshots
        Number of evenly spaced time snapshots used to average the distance to the
        nearest asset over the study period for graph edges (no times on edges).
    """

    thresholds: tuple[float, float, float] = (0.40, 0.55, 0.70)
    weights: tuple[float, float, float] = (1.0, 1.0, 1.0)
    combine: str = "geometric"
    impact: str = "frequency"
    incident_model: bool = True
    min_voyages: int = 10
    eb_prior: str | tuple[float, float] = "moments"
    overdispersion: str = "compound"
    credible_level: float = 0.90
    under_recording: tuple[float, float] | None = None
    n_draws: int = 1000
    seed: int | None = 0
    window: str = "M"
    asset_window_h: float = 6.0
    asset_types: tuple[str, ...] = ("sar_vessel", "patrol_vessel")
    default_precision_km: float = 10.0
    zone_attribution_km: float = 150.0
    vulnerability_factors: tuple[str, ...] = VULNERABILITY_FACTORS
    edge_snapshots: int = 240

    def __post_init__(self) -> None:
        # accept lists for tuple parameters (TOML gives lists), then validate everything at once
        for name in ("thresholds", "weights", "under_recording", "asset_types", "vulnerability_factors"):
            v = getattr(self, name)
            if isinstance(v, list):
                object.__setattr__(self, name, tuple(v))
        if isinstance(self.eb_prior, list):
            object.__setattr__(self, "eb_prior", tuple(self.eb_prior))
        bad = [
            f"{name}={getattr(self, name)!r} (must be {need})"
            for name, (ok, need) in _CONSTRAINTS.items()
            if not ok(getattr(self, name))
        ]
        if bad:
            raise ConfigError("RiskConfig: invalid " + "; ".join(bad))

    @property
    def norm_weights(self) -> tuple[float, float, float]:
        """Weights ``(threat, vulnerability, impact)`` normalised to sum 1."""
        s = float(sum(self.weights))
        return (self.weights[0] / s, self.weights[1] / s, self.weights[2] / s)

    def to_dict(self) -> dict[str, Any]:
        """Return the config as a plain dict (tuples as lists), for provenance and JSON."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RiskConfig:
        """Build a config from a dict (e.g. a TOML table); unknown keys are an error."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"RiskConfig: unknown parameter(s) {unknown}; known: {sorted(known)}")
        return cls(**d)
