"""Daily departures per zone: seasonality, weather windows, bursts and boat types.

Model (per departure zone ``z`` and day ``d``):

1. *Demand* in persons: the zone's yearly persons needed to reach its
   country's arrival target (``arrivals * share / P(landing)``, with
   ``P(landing) = (1 - interception_prob) * (1 - p_unknown) * (1 - loss_rate)``),
   spread over the calendar months by ``monthly_shares`` (calibration.md s.1)
   and times ``scale``.
2. *Weather windows*: people wait for calm seas. A backlog accumulates the
   demand; each day a fraction ``r(d)`` of it leaves, with
   ``r = release_rough + (release_calm - release_rough) * logistic((max_hs_m - Hs) / hs_softness_m)``
   averaged over the zone's boat mix (calibration.md s.7), and a fraction
   ``abandon_per_day`` of those still waiting give up. Calm days after a
   storm therefore release bursts (e.g. the 9-11 March 2023 peak), rough
   days few departures, and a rough month loses departures for good. The
   released persons are divided by their mean ratio to the demand in the
   *reference climate* (per zone and calendar month, from several simulated
   years of reference weather, see ``WeatherConfig.reference``), so that the
   expected monthly departures of a climatologically normal year equal the
   demand.
3. *Counts*: the daily intensity ``released / mean persons per boat`` is
   multiplied by gamma noise of shape ``dispersion`` (mean 1 within each
   calendar month), i.e. a Poisson-gamma (negative-binomial-like) process
   with its overdispersion. The integer counts are then drawn by systematic
   rounding (``floor(cumsum(lambda) + u)`` differences, ``u ~ U(0, 1)``): each
   day keeps its expected count, while the month's total stays within one
   boat of its expectation (variance reduction, so a simulated year meets its
   calibration targets with small flows too).
4. *Boats*: the type of each boat is drawn from the zone mix re-weighted by
   that type's willingness to sail in the day's Hs; persons on board are
   uniform in the type's range (calibration.md s.4); both use stratified
   (Latin-hypercube) uniforms across the zone's boats. Departure hour is
   mostly at night (``hour_utc_mean`` +- ``hour_utc_sd``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from medroutes.geo import ZONE_DEFINITIONS
from medroutes.synthetic.config import ScenarioConfig

__all__ = ["landing_probability", "simulate_departures"]


def _logistic(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-x))


def _systematic_round(lam: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.int64]:
    """Integer counts with ``E[count_d] = lam_d`` whose running total never strays 1 from ``cumsum(lam)``."""
    c = np.floor(np.cumsum(lam) + rng.random())
    return np.diff(np.r_[0.0, c]).astype(np.int64)


def _stratified(n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """``n`` uniforms, one in each of ``n`` equal strata of [0, 1), in random order (Latin hypercube)."""
    return (rng.permutation(n) + rng.random(n)) / max(n, 1)


def landing_probability(cfg: ScenarioConfig, country: str) -> float:
    """Probability that a person leaving from ``country`` lands in Europe (for the demand) [-]."""
    c = next(c for c in cfg.countries if c.country == country)
    o = cfg.outcomes
    return (1.0 - c.interception_prob) * (1.0 - o.p_unknown) * (1.0 - o.loss_rate)


def _zone_rates(
    cfg: ScenarioConfig, zi: int, hs_zone: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-type release rate (days x types) and the zone's mean release rate per day."""
    z = cfg.zones[zi]
    dep = cfg.departures
    mix = np.array([s for _, s in z.boats])
    max_hs = np.array([cfg.boat(b).max_hs_m for b, _ in z.boats])
    willing = _logistic((max_hs[None, :] - hs_zone[:, None]) / dep.hs_softness_m)
    rel_b = dep.release_rough + (dep.release_calm - dep.release_rough) * willing
    return rel_b, rel_b @ mix


def _release(demand: NDArray[np.float64], r: NDArray[np.float64], abandon: float) -> NDArray[np.float64]:
    """Backlog model: each day ``r`` of the waiting persons leave and ``abandon`` of the rest give up."""
    n = len(demand)
    released = np.empty(n)
    r0 = max(float(r.mean()), 1e-9)
    backlog = demand[0] * (1.0 - r0) / (r0 + abandon)  # steady state at the start
    for d in range(n):  # a loop per day (a few hundred), not per boat
        backlog += demand[d]
        released[d] = backlog * r[d]
        backlog = (backlog - released[d]) * (1.0 - abandon)
    return released


def _per_day_share(
    cfg: ScenarioConfig, dates: pd.DatetimeIndex
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    month_idx = dates.month.to_numpy() - 1
    days_in_month = dates.days_in_month.to_numpy().astype(np.float64)
    shares = np.asarray(cfg.monthly_shares, dtype=np.float64)
    shares = shares / shares.sum()
    return shares[month_idx] / days_in_month, month_idx


def release_factors(
    cfg: ScenarioConfig, dates: pd.DatetimeIndex, hs: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Mean released / demand per zone and calendar month under a reference weather series.

    Parameters
    ----------
    cfg
        Scenario configuration.
    dates
        Consecutive days (several years of reference weather).
    hs
        Reference significant wave height per day and zone [m].

    Returns
    -------
    numpy.ndarray
        Shape ``(len(cfg.zones), 12)``; dividing the released persons by it makes
        expected monthly departures equal the demand in the reference climate.
    """
    per_day, month_idx = _per_day_share(cfg, dates)
    out = np.ones((len(cfg.zones), 12))
    for zi in range(len(cfg.zones)):  # a loop per zone (<= 6)
        _, r = _zone_rates(cfg, zi, hs[:, zi])
        rel = _release(per_day, r, cfg.departures.abandon_per_day)
        num = np.bincount(month_idx, weights=rel, minlength=12)
        den = np.bincount(month_idx, weights=per_day, minlength=12)
        out[zi] = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
    return out


def simulate_departures(
    cfg: ScenarioConfig,
    dates: pd.DatetimeIndex,
    hs: NDArray[np.float64],
    rng: np.random.Generator,
    *,
    factors: NDArray[np.float64],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the departing boats of a scenario.

    Parameters
    ----------
    cfg
        Scenario configuration.
    dates
        Scenario days (naive datetimes at UTC midnight), ``cfg.days`` of them.
    hs
        Significant wave height per day and zone (zones in ``cfg.zones`` order) [m].
    rng
        Random generator.
    factors
        :func:`release_factors` of the reference climate.

    Returns
    -------
    boats : pandas.DataFrame
        One row per boat: ``zone_id, departure_country, day, departure_time, boat_type, persons``.
    departures : pandas.DataFrame
        ``date, zone_id, departures, persons`` per zone and day.
    """
    zdefs = {z.zone_id: z for z in ZONE_DEFINITIONS}
    dep = cfg.departures
    n_days = len(dates)
    per_day_share, month_idx = _per_day_share(cfg, dates)
    key = dates.year.to_numpy() * 12 + month_idx
    _, inv = np.unique(key, return_inverse=True)

    boat_rows: list[pd.DataFrame] = []
    dep_rows: list[pd.DataFrame] = []
    for zi, z in enumerate(cfg.zones):  # a loop per zone (<= 6)
        country = zdefs[z.zone_id].country
        target = next(c.arrivals for c in cfg.countries if c.country == country)
        yearly_persons = target * z.share / landing_probability(cfg, country) * cfg.scale
        demand = yearly_persons * per_day_share  # persons per day
        types = [b for b, _ in z.boats]
        mix = np.array([s for _, s in z.boats])
        mean_p = np.array([cfg.boat(b).mean_persons for b in types])
        rel_b, r = _zone_rates(cfg, zi, hs[:, zi])
        released = _release(demand, r, dep.abandon_per_day) / factors[zi, month_idx]
        # boat-type mix of the day, re-weighted by willingness to sail
        w = mix[None, :] * rel_b
        w /= w.sum(axis=1, keepdims=True)
        persons_per_boat = w @ mean_p
        mean_boats = released / persons_per_boat
        gamma = rng.gamma(dep.dispersion, 1.0 / dep.dispersion, size=n_days)
        lam = mean_boats * gamma
        lam_m = np.bincount(inv, weights=lam)
        lam *= (np.bincount(inv, weights=mean_boats) / np.where(lam_m > 0, lam_m, 1.0))[inv]
        counts = _systematic_round(lam, rng)
        n = int(counts.sum())
        day = np.repeat(np.arange(n_days), counts)
        cum = np.cumsum(w, axis=1)[day]
        tidx = (_stratified(n, rng)[:, None] > cum).sum(axis=1)
        tidx = np.minimum(tidx, len(types) - 1)
        bcfg = [cfg.boat(b) for b in types]
        lo = np.array([b.persons[0] for b in bcfg])[tidx]
        hi = np.array([b.persons[1] for b in bcfg])[tidx]
        persons = lo + np.floor(_stratified(n, rng) * (hi - lo + 1)).astype(np.int64)
        hour = np.mod(rng.normal(dep.hour_utc_mean, dep.hour_utc_sd, size=n), 24.0)
        secs = np.floor(hour * 3600.0).astype(np.int64)
        t = dates.to_numpy()[day] + secs.astype("timedelta64[s]")
        boat_rows.append(
            pd.DataFrame(
                {
                    "zone_id": z.zone_id,
                    "departure_country": country,
                    "day": day,
                    "departure_time": pd.DatetimeIndex(t.astype("datetime64[ns]")).tz_localize("UTC"),
                    "boat_type": np.asarray(types, dtype=object)[tidx],
                    "persons": persons,
                }
            )
        )
        persons_day = np.bincount(day, weights=persons, minlength=n_days).astype(np.int64)
        dep_rows.append(
            pd.DataFrame(
                {
                    "date": dates.tz_localize("UTC"),
                    "zone_id": z.zone_id,
                    "departures": counts.astype(np.int64),
                    "persons": persons_day,
                }
            )
        )
    boats = pd.concat(boat_rows, ignore_index=True)
    departures = pd.concat(dep_rows, ignore_index=True).sort_values(["date", "zone_id"], kind="stable")
    return boats, departures.reset_index(drop=True)
