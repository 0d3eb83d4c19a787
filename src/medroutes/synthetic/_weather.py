"""Daily synthetic sea state per region, correlated in time and space.

A latent standard-normal anomaly ``z`` follows an AR(1) process in time,
``z[t] = ar1 * z[t-1] + sqrt(1 - ar1**2) * L @ e[t]``, whose innovations are
correlated across regions through the Cholesky factor ``L`` of
``C[i, j] = exp(-d_ij / correlation_length_km)`` (``d`` the great-circle
distance between the regions' zone centroids). Daily wind is lognormal around
a seasonal median (windier in mid-January than in mid-July),
``wind_kn = median(doy) * exp(wind_log_sd * z)``, and the significant wave
height of a fetch-limited sea is ``Hs = (hs_base_m + hs_coef * wind_kn**2)``
times a lognormal noise. These are modelling assumptions tuned to give calm
summers (median Hs ~0.4 m) and rougher winters (median ~0.8 m, 10 % of days
above ~1.8 m), not fitted to a reanalysis.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from medroutes.geo import haversine_km, zone_centroids, zones
from medroutes.synthetic.config import WeatherConfig

__all__ = ["simulate_weather"]


@lru_cache(maxsize=1)
def _centroids() -> pd.DataFrame:
    return zone_centroids(zones())


def simulate_weather(
    cfg: WeatherConfig,
    regions: list[str],
    dates: pd.DatetimeIndex,
    rng: np.random.Generator,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Simulate daily wind [kn] and significant wave height [m].

    Parameters
    ----------
    cfg
        Weather parameters.
    regions
        Zone ids of the regions (their centroids set the spatial correlation).
    dates
        Consecutive days (UTC midnight).
    rng
        Random generator.

    Returns
    -------
    wind_kn, hs_m : numpy.ndarray
        Arrays of shape ``(len(dates), len(regions))``.
    """
    n_days, n_reg = len(dates), len(regions)
    cent = _centroids().loc[regions]
    lat = cent["lat"].to_numpy()
    lon = cent["lon"].to_numpy()
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    corr = np.exp(-d / cfg.correlation_length_km)
    chol = np.linalg.cholesky(corr + 1e-9 * np.eye(n_reg))
    eps = rng.standard_normal((n_days, n_reg)) @ chol.T
    z = np.empty((n_days, n_reg))
    z[0] = eps[0]
    innov = np.sqrt(1.0 - cfg.ar1**2)
    for t in range(1, n_days):  # a loop per day (a few hundred), not per point
        z[t] = cfg.ar1 * z[t - 1] + innov * eps[t]
    doy = dates.day_of_year.to_numpy().astype(np.float64)
    lw, ls = np.log(cfg.wind_kn_winter), np.log(cfg.wind_kn_summer)
    log_med = (lw + ls) / 2.0 + (lw - ls) / 2.0 * np.cos(2.0 * np.pi * (doy - 15.0) / 365.25)
    wind = np.exp(log_med[:, None] + cfg.wind_log_sd * z)
    hs = (cfg.hs_base_m + cfg.hs_coef * wind**2) * np.exp(
        cfg.hs_log_sd * rng.standard_normal((n_days, n_reg))
    )
    return np.round(wind, 1), np.round(hs, 2)
