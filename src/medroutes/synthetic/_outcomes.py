"""Voyage outcomes: hazard, fatal incidents with heavy-tailed victim counts, interceptions, rescues.

Hazard
    Each voyage's true probability of a fatal incident is
    ``h = min(hazard_max, beta * hazard_b * exp(slope_b * max(Hs - hazard_hs_ref_m, 0)) * sqrt(L / 300 km))``
    with ``hazard_b`` and ``slope_b`` per boat type, ``Hs`` the worst of the
    departure region's wave height on the departure day and the next, and ``L``
    the route length. The higher hazard of small unseaworthy craft in rough
    seas (3-10x) is a modelling assumption (calibration.md s.3 and s.7), not a
    published figure. ``beta`` is solved once per configuration, on several
    simulated years of the reference climate, so that the expected dead and
    missing equal ``loss_rate`` times the persons at risk (the route-wide rate
    of calibration.md s.3); a calm week or a rough winter then has fewer or
    more losses than that, as its weather dictates.

Which voyages suffer a fatal incident
    Systematic probability-proportional-to-size sampling over a random order
    of voyages: voyage ``i`` is hit with probability exactly ``h_i``, while the
    number of fatal incidents is ``floor`` or ``ceil`` of ``sum(h)`` instead of
    a Poisson-binomial count, which keeps a year's loss rate close to its
    target without changing any voyage's hazard.

Victims per incident
    A heavy-tailed mixture on 1..``size_max``: a point mass at 1
    (``size_p_one``), a discretised lognormal body on 2..``size_tail_min - 1``,
    and a truncated Pareto tail on ``size_tail_min``..``size_max`` with
    probability ``size_tail_p`` (calibration.md s.3: median 4, 90th percentile
    48, incidents with >= 50 victims carry ~66 % of victims). The counts of a
    scenario's incidents are Latin-hypercube (stratified) quantiles of that
    mixture, so the tail is represented without changing its distribution,
    and are matched by noisy rank to the boats hit: mass events happen on
    crowded boats (a count never exceeds the persons aboard). ``beta`` above
    accounts for that truncation.

Other outcomes
    A boat not wrecked is intercepted with the country's ``interception_prob``
    (systematic sampling within each country, as above; the interception
    happens inside the departure country's SAR region), else rescued at sea with the
    boat type's ``rescue_prob``, else it arrives; ``p_unknown`` of arrivals
    land unobserved (outcome ``unknown``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from medroutes.synthetic.config import OutcomeConfig

__all__ = ["Outcomes", "draw_outcomes", "hazard_scale", "systematic_sample", "victim_pmf"]


_MC_SEED = 8_675_309  # fixed: the calibration depends on the configuration only


def victim_pmf(o: OutcomeConfig) -> NDArray[np.float64]:
    """Probability of 1..``size_max`` victims in one fatal incident; index 0 is 1 victim."""
    s = np.arange(1, o.size_max + 1, dtype=np.float64)
    pmf = np.zeros(o.size_max)
    pmf[0] = o.size_p_one
    body = (s >= 2) & (s < o.size_tail_min)
    mu, sd = np.log(o.size_body_median), o.size_body_log_sd
    b = ndtr((np.log(s[body] + 0.5) - mu) / sd) - ndtr((np.log(s[body] - 0.5) - mu) / sd)
    pmf[body] = (1.0 - o.size_p_one - o.size_tail_p) * b / b.sum()
    tail = s >= o.size_tail_min
    t = s[tail] ** (-(o.size_tail_alpha + 1.0))
    pmf[tail] = o.size_tail_p * t / t.sum()
    return pmf


def systematic_sample(h: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.bool_]:
    """Select units with marginal probability exactly ``h`` (each <= 1), in a random order, systematically."""
    n = len(h)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    perm = rng.permutation(n)
    c = np.cumsum(h[perm])
    u0 = rng.random()
    prev = np.r_[0.0, c[:-1]]
    hit = np.floor(c - u0) > np.floor(prev - u0)
    out[perm[hit]] = True
    return out


def _expected_victims(h: NDArray[np.float64], persons: NDArray[np.int64], pmf: NDArray[np.float64]) -> float:
    """Quick expectation of dead+missing: cell-mean sizes of ``sum(h)`` events matched by rank to the boats."""
    m = float(h.sum())
    if m <= 0:
        return 0.0
    k = max(int(np.ceil(m)), 1)
    s = np.arange(1, len(pmf) + 1)
    cdf = np.r_[0.0, np.cumsum(pmf)]
    cdf[-1] = 1.0
    integ = np.r_[0.0, np.cumsum(pmf * s)]
    edges = np.arange(k + 1) / k
    j = np.clip(np.searchsorted(cdf, edges, side="right") - 1, 0, len(pmf) - 1)
    i_at = integ[j] + (edges - cdf[j]) * s[j]  # integral of the quantile function up to each edge
    sizes = np.diff(i_at) * k  # mean size within each cell
    order = np.argsort(persons, kind="stable")
    cw = np.cumsum(h[order]) / m
    q = (np.arange(k) + 0.5) / k
    boats = persons[order][np.minimum(np.searchsorted(cw, q, side="left"), len(order) - 1)]
    return float(np.minimum(sizes, boats).mean() * m)


def _mc_victims(
    h: NDArray[np.float64],
    persons: NDArray[np.int64],
    pmf: NDArray[np.float64],
    blocks: NDArray[np.int64],
    reps: int,
) -> float:
    """Monte-Carlo expectation of dead+missing, with the generator's own draws (common random numbers)."""
    rng = np.random.default_rng(_MC_SEED)
    ub = np.unique(blocks)
    total = 0.0
    for _ in range(reps):  # a loop over replicates and blocks (years), vectorised over voyages
        fatal = systematic_sample(h, rng)
        for b in ub:
            idx = np.flatnonzero(fatal & (blocks == b))
            total += float(_match_sizes(pmf, persons[idx], rng).sum())
    return total / reps


def hazard_scale(
    o: OutcomeConfig,
    *,
    rel_hazard: NDArray[np.float64],
    persons: NDArray[np.int64],
    p_intercept: NDArray[np.float64],
    blocks: NDArray[np.int64] | None = None,
    reps: int = 32,
) -> float:
    """Solve ``beta`` so that the expected dead+missing of these voyages equal ``loss_rate`` times those at risk.

    The expectation is a Monte-Carlo average (``reps`` replicates with a fixed
    seed) of the generator's own draws: systematic selection of fatal voyages
    and rank-matched victim counts within each block (e.g. each simulated year).

    Parameters
    ----------
    o
        Outcome parameters.
    rel_hazard
        Relative hazard per voyage [-].
    persons
        Persons on board per voyage.
    p_intercept
        Interception probability per voyage [-].
    blocks
        Block (year) of each voyage; victims are matched to boats within a block.
    reps
        Monte-Carlo replicates.

    Returns
    -------
    float
        ``beta``; a voyage's hazard is ``min(hazard_max, beta * rel_hazard)``.
    """
    n = len(rel_hazard)
    at_risk = persons * (1.0 - o.p_unknown * (1.0 - p_intercept))
    target = o.loss_rate * float(at_risk.sum())
    pmf = victim_pmf(o)
    if n == 0 or target <= 0 or rel_hazard.sum() <= 0:
        return 0.0
    blocks = np.zeros(n, dtype=np.int64) if blocks is None else np.asarray(blocks)
    beta = _solve_beta(rel_hazard, persons, pmf, target, o.hazard_max)
    for _ in range(12):  # fixed-point iterations on a scalar
        ev = _mc_victims(np.minimum(beta * rel_hazard, o.hazard_max), persons, pmf, blocks, reps)
        if ev <= 0:
            break
        ratio = target / ev
        beta *= ratio
        if abs(ratio - 1.0) < 0.003:
            break
    return float(beta)


def _solve_beta(
    rel: NDArray[np.float64], persons: NDArray[np.int64], pmf: NDArray[np.float64], target: float, hmax: float
) -> float:
    """First guess of ``beta`` from the quick expectation :func:`_expected_victims`."""
    beta = target / (float(rel.sum()) * float((pmf * np.arange(1, len(pmf) + 1)).sum()))
    for _ in range(30):  # fixed-point iterations on a scalar
        h = np.minimum(beta * rel, hmax)
        ev = _expected_victims(h, persons, pmf)
        if ev <= 0:
            break
        ratio = target / ev
        beta *= ratio
        if abs(ratio - 1.0) < 1e-6:
            break
    return float(beta)


def _match_sizes(
    pmf: NDArray[np.float64], persons: NDArray[np.int64], rng: np.random.Generator
) -> NDArray[np.int64]:
    """Draw one victim count per fatal event and give the larger counts to the more crowded boats.

    Counts are Latin-hypercube quantiles of ``pmf``; boats are ranked by
    ``log(persons)`` plus noise (sd 0.3), so a mass event happens on a crowded
    boat but not always the most crowded one; counts never exceed persons aboard.
    """
    m = len(persons)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    u = np.sort((rng.permutation(m) + rng.random(m)) / m)
    sizes = np.searchsorted(np.cumsum(pmf), u, side="left") + 1  # ascending
    key = np.log(np.maximum(persons, 1)) + rng.normal(0.0, 0.3, m)
    out = np.empty(m, dtype=np.int64)
    out[np.argsort(key, kind="stable")] = sizes
    return np.minimum(out, persons).astype(np.int64)


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Per-voyage outcome arrays (same order as the input voyages)."""

    hazard: NDArray[np.float64]
    victims: NDArray[np.int64]
    dead: NDArray[np.int64]
    missing: NDArray[np.int64]
    event: NDArray[np.object_]  # "", "shipwreck", "death_on_board"
    event_frac: NDArray[np.float64]  # fraction of the route where the fatal event happened
    outcome: NDArray[np.object_]
    end_frac: NDArray[np.float64]  # fraction of the route sailed when the track ends
    cause: NDArray[np.object_]
    distress: NDArray[np.bool_]


def draw_outcomes(
    o: OutcomeConfig,
    *,
    persons: NDArray[np.int64],
    rel_hazard: NDArray[np.float64],
    p_intercept: NDArray[np.float64],
    p_rescue: NDArray[np.float64],
    rough: NDArray[np.bool_],
    sar_frac: NDArray[np.float64],
    group: NDArray[np.object_],
    beta: float,
    rng: np.random.Generator,
) -> Outcomes:
    """Draw every voyage's outcome (see the module docstring for the model).

    Parameters
    ----------
    o
        Outcome parameters.
    persons
        Persons on board per voyage.
    rel_hazard
        Relative hazard per voyage (boat type, weather and route length factors) [-].
    p_intercept, p_rescue
        Per-voyage interception and rescue probabilities [-].
    rough
        Whether the sea was above the boat type's ``max_hs_m`` (for the cause text).
    sar_frac
        Last fraction of each voyage's route inside its departure country's SAR region [-].
    group
        Departure country per voyage (interceptions are sampled systematically within each).
    beta
        Hazard scale from :func:`hazard_scale` on the reference climate.
    rng
        Random generator.

    Returns
    -------
    Outcomes
    """
    n = len(persons)
    pmf = victim_pmf(o)
    h = np.minimum(beta * rel_hazard, o.hazard_max)
    fatal = systematic_sample(h, rng)
    idx = np.flatnonzero(fatal)
    victims = np.zeros(n, dtype=np.int64)
    victims[idx] = _match_sizes(pmf, persons[idx], rng)
    wreck = fatal & (victims >= o.wreck_min_fraction * persons)
    on_board = fatal & ~wreck
    dead = np.zeros(n, dtype=np.int64)
    share = np.where(wreck, o.dead_share_wreck, o.dead_share_on_board)
    dead[idx] = rng.binomial(victims[idx], share[idx])
    missing = victims - dead

    event = np.full(n, "", dtype=object)
    event[wreck] = "shipwreck"
    event[on_board] = "death_on_board"
    u_res = rng.random(n)
    u_unk = rng.random(n)
    intercepted = np.zeros(n, dtype=bool)
    for g in np.unique(group):  # per departure country: exact marginal, nearly fixed count
        rows = np.flatnonzero((group == g) & ~wreck)
        intercepted[rows] = systematic_sample(p_intercept[rows], rng)
    rescued = ~wreck & ~intercepted & (u_res < p_rescue)
    arrived = ~wreck & ~intercepted & ~rescued
    unknown = arrived & (u_unk < o.p_unknown)
    outcome = np.full(n, "arrived", dtype=object)
    outcome[wreck] = "shipwreck"
    outcome[intercepted] = "intercepted"
    outcome[rescued] = "rescued"
    outcome[unknown] = "unknown"

    end_frac = np.ones(n)
    lo_int = np.minimum(0.03, sar_frac)
    end_frac[intercepted] = (
        lo_int[intercepted] + rng.random(int(intercepted.sum())) * (sar_frac - lo_int)[intercepted]
    )
    end_frac[rescued] = rng.uniform(0.1, 0.9, int(rescued.sum()))
    end_frac[unknown] = rng.uniform(0.6, 0.95, int(unknown.sum()))
    end_frac[wreck] = rng.uniform(0.03, 0.97, int(wreck.sum()))
    event_frac = np.full(n, np.nan)
    event_frac[wreck] = end_frac[wreck]
    event_frac[on_board] = end_frac[on_board] * rng.uniform(0.1, 0.95, int(on_board.sum()))

    cause = np.full(n, "landed", dtype=object)
    cause[intercepted] = "intercepted"
    cause[rescued] = "rescued"
    cause[unknown] = "landed_unobserved"
    cause[wreck] = np.where(rough[wreck], "capsized_in_rough_sea", "sank_overloaded_or_unseaworthy")
    cause[on_board & (outcome == "arrived")] = "landed_with_deaths_on_board"
    cause[on_board & (outcome == "rescued")] = "rescued_with_deaths_on_board"
    cause[on_board & (outcome == "intercepted")] = "intercepted_with_deaths_on_board"
    cause[on_board & (outcome == "unknown")] = "landed_unobserved_with_deaths_on_board"
    distress = rescued & (rng.random(n) < o.distress_prob)
    return Outcomes(h, victims, dead, missing, event, event_frac, outcome, end_frac, cause, distress)
