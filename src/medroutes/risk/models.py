"""Small, pure, vectorised models used by the risk stage, each with its reference.

Every function here takes arrays and returns arrays (or a small result
object); nothing reads files, nothing is random. The scoring code in
:mod:`medroutes.risk._score` composes them. The methodology page
(``docs/explanation/risk-methodology.md``) gives the formulas in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from medroutes.errors import ConfigError, SchemaError

__all__ = [
    "EBProportions",
    "EBRates",
    "categorise",
    "combine_components",
    "compound_poisson_dispersion",
    "eb_beta_binomial",
    "eb_gamma_poisson",
    "fsa_risk_index",
    "half_saturation",
]

FloatArray = NDArray[np.float64]


def _as_float(x: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        a = a.ravel()
    if np.any(a[np.isfinite(a)] < 0):
        n = int((a < 0).sum())
        raise SchemaError(
            f"{name}: {n:,} of {a.size:,} values are negative; counts and exposures must be >= 0"
        )
    return a


def _check_level(credible_level: float) -> None:
    if not 0.0 < credible_level < 1.0:
        raise ConfigError(f"credible_level must be in (0, 1), got {credible_level!r}")


@dataclass(frozen=True, slots=True)
class EBRates:
    """Result of :func:`eb_gamma_poisson`; arrays aligned with the input units.

    Attributes
    ----------
    rate, low, high
        Posterior mean and equal-tailed credible interval of the rate
        [events per unit of exposure]. NaN where the exposure is 0.
    raw
        Observed rate ``events / exposure``.
    weight
        Shrinkage weight ``w`` of the unit's own rate (0 = all prior, 1 = all data).
    shape, rate_param
        Posterior Gamma shape and rate of each unit.
    prior_mean, prior_var
        Prior (pooled) mean ``theta`` and between-unit variance ``sigma^2`` [rate, rate^2].
    prior_var_floored
        True when the method-of-moments variance was at or below its floor.
    dispersion
        Variance inflation ``phi`` used for the counts (1 = Poisson).
    """

    rate: FloatArray
    low: FloatArray
    high: FloatArray
    raw: FloatArray
    weight: FloatArray
    shape: FloatArray
    rate_param: FloatArray
    prior_mean: float
    prior_var: float
    prior_var_floored: bool
    dispersion: float


def eb_gamma_poisson(
    events: ArrayLike,
    exposure: ArrayLike,
    *,
    prior: str | tuple[float, float] = "moments",
    dispersion: float = 1.0,
    credible_level: float = 0.90,
) -> EBRates:
    r"""Empirical-Bayes Gamma-Poisson rates with credible intervals.

    Counts ``y_i`` over exposures ``n_i`` (e.g. dead+missing over persons who
    attempted the crossing). With a Gamma prior of mean :math:`\theta` and
    variance :math:`\sigma^2` on the unit rates and (quasi-)Poisson counts
    with variance :math:`\phi\,n_i r_i`, the posterior of unit ``i`` is

    .. math::

        r_i \mid y_i \sim \mathrm{Gamma}\!\left(\alpha + y_i/\phi,\ \beta + n_i/\phi\right),
        \quad \alpha = \theta^2/\sigma^2,\ \beta = \theta/\sigma^2,

    whose mean is the Clayton-Kaldor shrinkage estimator
    :math:`w_i\,y_i/n_i + (1-w_i)\,\theta` with
    :math:`w_i = \sigma^2 / (\sigma^2 + \phi\theta/n_i)`.

    The method-of-moments prior (Marshall 1991; as in GeoDa and PySAL
    ``esda.smoothing.Empirical_Bayes``) is
    :math:`\theta = (\sum y + \phi/2) / \sum n`,
    :math:`\sigma^2 = \sum n_i (r_i-\theta)^2 / \sum n - \phi\theta/\bar n`,
    floored at :math:`\phi\theta/\sum n`. :math:`\theta` and the floor are
    the mean and variance of the pooled rate's posterior under the Jeffreys
    prior, :math:`\mathrm{Gamma}(\sum y/\phi + 1/2,\ \sum n/\phi)`: at the
    floor the prior *is* that weakly-informative distribution. The same
    formula therefore holds when no unit has any event (no separate branch),
    intervals never collapse to a point, and the estimates are continuous
    when the first event is recorded (a first death never lowers a rate or
    its upper bound). The half event added to the pooled count is the only
    difference from the classical estimator.

    Parameters
    ----------
    events
        Event counts per unit (non-negative; need not be integers when adjusted).
    exposure
        Exposure per unit (persons or crossings at risk), >= 0. Units with 0
        exposure get NaN and do not enter the prior.
    prior : {"moments", "none"} or (shape, rate)
        ``"moments"``: method-of-moments prior from the units themselves.
        ``"none"``: no shrinkage; the rate is the raw rate and the interval is the
        Jeffreys posterior Gamma(y/phi + 1/2, n/phi). A tuple fixes the prior
        Gamma(shape, rate) with ``rate`` in exposure units.
    dispersion
        Variance inflation :math:`\phi \ge 1` of the counts (see
        :func:`compound_poisson_dispersion`); 1 gives the classical Poisson model.
    credible_level
        Mass of the equal-tailed credible interval (default 0.90).

    Returns
    -------
    EBRates

    References
    ----------
    .. [1] Clayton, D. & Kaldor, J. (1987). Empirical Bayes estimates of
       age-standardized relative risks for use in disease mapping. Biometrics
       43(3), 671-681. :doi:`10.2307/2532003`
    .. [2] Marshall, R. J. (1991). Mapping disease and mortality rates using
       empirical Bayes estimators. Journal of the Royal Statistical Society C
       40(2), 283-294. :doi:`10.2307/2347593`
    .. [3] McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models,
       2nd ed., section 6.2 (quasi-Poisson over-dispersion). Chapman & Hall.

    Examples
    --------
    >>> r = eb_gamma_poisson([0, 5, 30], [10, 100, 1000], prior="moments")
    >>> bool(r.rate[0] > 0)  # a unit with no events is pulled towards the pooled rate
    True
    """
    from scipy import stats

    _check_level(credible_level)
    y = _as_float(events, "events")
    n = _as_float(exposure, "exposure")
    if y.shape != n.shape:
        raise SchemaError(f"events ({y.size}) and exposure ({n.size}) must have the same length")
    if not (np.isfinite(dispersion) and dispersion >= 1.0):
        raise ConfigError(f"dispersion must be a finite number >= 1, got {dispersion!r}")
    phi = float(dispersion)
    ok = np.isfinite(y) & np.isfinite(n) & (n > 0)
    raw = np.full(y.shape, np.nan)
    raw[ok] = y[ok] / n[ok]
    lo_q, hi_q = (1.0 - credible_level) / 2.0, (1.0 + credible_level) / 2.0
    shape = np.full(y.shape, np.nan)
    rparam = np.full(y.shape, np.nan)
    weight = np.full(y.shape, np.nan)
    floored = False
    if not ok.any():
        theta, s2 = np.nan, np.nan
    elif prior == "none":
        # no shrinkage: Jeffreys posterior per unit
        theta = float(y[ok].sum() / n[ok].sum())
        s2 = np.nan
        shape[ok] = y[ok] / phi + 0.5
        rparam[ok] = n[ok] / phi
        weight[ok] = 1.0
    else:
        if prior == "moments":
            yk, nk = y[ok], n[ok]
            # Jeffreys posterior mean of the pooled rate: defined (> 0) with no event at all
            theta = float((yk.sum() + phi / 2.0) / nk.sum())
            s2_raw = float(np.sum(nk * (yk / nk - theta) ** 2) / nk.sum() - phi * theta / nk.mean())
            s2_floor = phi * theta / float(nk.sum())
            floored = s2_raw <= s2_floor
            s2 = max(s2_raw, s2_floor)
            alpha, beta = theta**2 / s2, theta / s2
        elif isinstance(prior, tuple) and len(prior) == 2 and all(float(p) > 0 for p in prior):
            alpha, beta = float(prior[0]), float(prior[1])
            theta, s2 = alpha / beta, alpha / beta**2
        else:
            raise ConfigError(f"prior must be 'moments', 'none' or a (shape, rate) tuple, got {prior!r}")
        shape[ok] = alpha + y[ok] / phi
        rparam[ok] = beta + n[ok] / phi
        weight[ok] = (n[ok] / phi) / (beta + n[ok] / phi)
    rate = shape / rparam
    if prior == "none":
        rate = raw.copy()
    low = np.full(y.shape, np.nan)
    high = np.full(y.shape, np.nan)
    if ok.any():
        low[ok] = stats.gamma.ppf(lo_q, shape[ok], scale=1.0 / rparam[ok])
        high[ok] = stats.gamma.ppf(hi_q, shape[ok], scale=1.0 / rparam[ok])
    return EBRates(
        rate=rate,
        low=low,
        high=high,
        raw=raw,
        weight=weight,
        shape=shape,
        rate_param=rparam,
        prior_mean=float(theta),
        prior_var=float(s2),
        prior_var_floored=bool(floored),
        dispersion=phi,
    )


@dataclass(frozen=True, slots=True)
class EBProportions:
    """Result of :func:`eb_beta_binomial`; arrays aligned with the input units.

    Attributes
    ----------
    p, low, high
        Posterior mean and equal-tailed credible interval of the proportion.
    raw
        Observed proportion ``successes / trials`` (NaN for 0 trials).
    a, b
        Posterior Beta parameters.
    prior_mean, prior_var
        Prior mean and between-unit variance of the proportion.
    """

    p: FloatArray
    low: FloatArray
    high: FloatArray
    raw: FloatArray
    a: FloatArray
    b: FloatArray
    prior_mean: float
    prior_var: float


def eb_beta_binomial(
    successes: ArrayLike,
    trials: ArrayLike,
    *,
    credible_level: float = 0.90,
) -> EBProportions:
    r"""Empirical-Bayes Beta-Binomial proportions with credible intervals.

    With a Beta prior of mean :math:`\bar p` and variance :math:`\sigma^2`,
    the posterior of unit ``i`` is
    :math:`\mathrm{Beta}(a + y_i,\ b + n_i - y_i)` with
    :math:`a + b = \bar p(1-\bar p)/\sigma^2 - 1`, :math:`a = \bar p (a+b)`.
    Moments as in :func:`eb_gamma_poisson`:
    :math:`\bar p = (\sum y + 1/2)/(\sum n + 1)`,
    :math:`\sigma^2 = \sum n_i (p_i - \bar p)^2/\sum n - \bar p(1-\bar p)/\bar n`,
    floored at :math:`\bar p(1-\bar p)/(\sum n + 2)` (and capped below
    :math:`\bar p(1-\bar p)`). :math:`\bar p` and the floor are the mean and
    variance of the pooled share's Jeffreys posterior
    :math:`\mathrm{Beta}(\sum y + 1/2,\ \sum n - \sum y + 1/2)`, which is
    the prior at the floor. The same formula holds when every unit has 0 (or
    every unit all) successes, and the shares are continuous when the first
    success is recorded.

    Parameters
    ----------
    successes
        Number of "successes" per unit (e.g. distress cases that ended in a shipwreck).
    trials
        Number of trials per unit (>= successes); units with 0 trials get the prior.
    credible_level
        Mass of the equal-tailed credible interval.

    Returns
    -------
    EBProportions

    References
    ----------
    .. [1] Kleinman, J. C. (1973). Proportions with extraneous variance: single and
       independent samples. Journal of the American Statistical Association
       68(341), 46-54. :doi:`10.1080/01621459.1973.10481332`
    .. [2] Marshall, R. J. (1991), see :func:`eb_gamma_poisson`.
    """
    from scipy import stats

    _check_level(credible_level)
    y = _as_float(successes, "successes")
    n = _as_float(trials, "trials")
    if y.shape != n.shape:
        raise SchemaError(f"successes ({y.size}) and trials ({n.size}) must have the same length")
    if np.any(y > n):
        raise SchemaError(f"successes exceed trials in {int((y > n).sum()):,} of {y.size:,} units")
    ok = n > 0
    raw = np.full(y.shape, np.nan)
    raw[ok] = y[ok] / n[ok]
    if not ok.any():
        pbar, s2 = np.nan, np.nan
        a = y + 0.5
        b = n - y + 0.5
    else:
        nk, pk = n[ok], raw[ok]
        # Jeffreys posterior mean of the pooled share: in (0, 1) even with no (or only) successes
        pbar = float((y[ok].sum() + 0.5) / (nk.sum() + 1.0))
        v = pbar * (1.0 - pbar)
        s2 = float(np.sum(nk * (pk - pbar) ** 2) / nk.sum() - v / nk.mean())
        s2 = min(max(s2, v / (float(nk.sum()) + 2.0)), 0.999 * v)
        nu = v / s2 - 1.0
        a = pbar * nu + y
        b = (1.0 - pbar) * nu + n - y
    lo_q, hi_q = (1.0 - credible_level) / 2.0, (1.0 + credible_level) / 2.0
    return EBProportions(
        p=a / (a + b),
        low=stats.beta.ppf(lo_q, a, b),
        high=stats.beta.ppf(hi_q, a, b),
        raw=raw,
        a=a,
        b=b,
        prior_mean=float(pbar),
        prior_var=float(s2),
    )


def compound_poisson_dispersion(cluster_sizes: ArrayLike) -> float:
    r"""Variance inflation of a compound-Poisson count: :math:`\phi = E[K^2]/E[K]`.

    If fatal incidents occur as a Poisson process and incident ``j`` has
    :math:`K_j` victims, the total :math:`Y=\sum_j K_j` has
    :math:`\mathrm{Var}(Y) = \phi\,E[Y]` with :math:`\phi = E[K^2]/E[K]`
    (Johnson, Kemp & Kotz 2005, section 9.3). Dead+missing are such clustered
    counts: one shipwreck can take hundreds of lives.

    Parameters
    ----------
    cluster_sizes
        Victims per incident; zeros and NaN are ignored.

    Returns
    -------
    float
        :math:`\phi \ge 1`; 1.0 when no incident has victims.

    References
    ----------
    .. [1] Johnson, N. L., Kemp, A. W. & Kotz, S. (2005). Univariate Discrete
       Distributions, 3rd ed., Wiley, section 9.3 (compound Poisson).
       :doi:`10.1002/0471715816`
    """
    k = np.asarray(cluster_sizes, dtype=np.float64).ravel()
    k = k[np.isfinite(k) & (k > 0)]
    if k.size == 0:
        return 1.0
    return float(max(1.0, np.sum(k**2) / np.sum(k)))


def half_saturation(x: ArrayLike, reference: float) -> FloatArray:
    r"""Map a non-negative quantity to [0, 1): :math:`s = x / (x + x_\mathrm{ref})`.

    A unit at the reference scores 0.5, at ``k`` times the reference
    ``k / (k + 1)`` (2x -> 0.67, 4x -> 0.8, 0.5x -> 0.33). Unlike min-max
    scaling or an empirical CDF, the score of a unit does not depend on how
    many other units there are or on the most extreme one, and ratios stay
    readable in the explanation.

    Parameters
    ----------
    x
        Non-negative values (NaN stays NaN).
    reference
        Positive reference value in the same unit (e.g. the median over units).

    Returns
    -------
    numpy.ndarray
        Scores in [0, 1).
    """
    a = np.asarray(x, dtype=np.float64)
    if not (np.isfinite(reference) and reference > 0):
        return np.full(a.shape, np.nan)
    with np.errstate(invalid="ignore"):
        return a / (a + float(reference))


def combine_components(
    components: ArrayLike,
    *,
    weights: tuple[float, ...],
    rule: str = "geometric",
) -> FloatArray:
    r"""Combine component scores (rows = units, columns = components) into one score.

    ``"geometric"``: :math:`\prod_k c_k^{w_k}` with weights renormalised over the
    components available for the unit (NaN components are skipped). Its
    logarithm :math:`\sum_k w_k \log c_k` is a weighted log risk index, the
    form of IMO FSA's :math:`RI = FI + SI`; a unit scores high only when no
    component is negligible. ``"arithmetic"``: :math:`\sum_k w_k c_k`.

    Parameters
    ----------
    components
        Array of shape (n_units, n_components), scores in [0, 1].
    weights
        One non-negative weight per component.
    rule : {"geometric", "arithmetic"}

    Returns
    -------
    numpy.ndarray
        Score per unit in [0, 1]; NaN where no component is available.

    References
    ----------
    .. [1] IMO (2018). Revised guidelines for Formal Safety Assessment (FSA),
       MSC-MEPC.2/Circ.12/Rev.2, Appendix 4 (risk index RI = FI + SI).
    """
    c = np.atleast_2d(np.asarray(components, dtype=np.float64))
    w = np.asarray(weights, dtype=np.float64)
    if c.shape[1] != w.size:
        raise ConfigError(f"got {w.size} weights for {c.shape[1]} components")
    avail = np.isfinite(c) & (w > 0)
    wsum = (avail * w).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if rule == "geometric":
            logc = np.log(np.clip(np.where(avail, c, 1.0), 1e-12, 1.0))
            out = np.exp((logc * w * avail).sum(axis=1) / wsum)
        elif rule == "arithmetic":
            out = (np.where(avail, c, 0.0) * w).sum(axis=1) / wsum
        else:
            raise ConfigError(f"rule must be 'geometric' or 'arithmetic', got {rule!r}")
    out[wsum == 0] = np.nan
    return out


def categorise(
    score: ArrayLike, thresholds: tuple[float, ...], labels: tuple[str, ...]
) -> NDArray[np.object_]:
    """Return the risk-matrix category of each score (NaN -> ``None``).

    A score equal to a threshold belongs to the higher category.

    Parameters
    ----------
    score
        Composite scores in [0, 1].
    thresholds
        Increasing cut points, one fewer than ``labels``.
    labels
        Category labels, lowest first.
    """
    s = np.asarray(score, dtype=np.float64)
    idx = np.searchsorted(np.asarray(thresholds, dtype=np.float64), s, side="right")
    lab = np.asarray(labels, dtype=object)
    out = np.empty(s.shape, dtype=object)
    fin = np.isfinite(s)
    out[fin] = lab[idx[fin]]
    out[~fin] = None
    return out


def fsa_risk_index(frequency_per_year: ArrayLike, fatalities_per_event: ArrayLike) -> FloatArray:
    """IMO FSA risk index ``RI = FI + SI`` from a frequency and a severity.

    ``FI = 5 + log10(f / 0.1)`` (7 = about 10 per year, 3 = 1e-3) and
    ``SI = 3 + log10(F / 1)`` (1 = 0.01, 3 = one, 4 = ten equivalent
    fatalities), the continuous form of the tables in Appendix 4. Provided to
    relate medroutes' geometric-mean score to the FSA convention; it is not
    used in the composite.

    Parameters
    ----------
    frequency_per_year
        Expected events per year [1/yr].
    fatalities_per_event
        Equivalent fatalities per event [persons].

    Returns
    -------
    numpy.ndarray
        Risk index (dimensionless); -inf for zero frequency or severity.

    References
    ----------
    .. [1] IMO (2018). MSC-MEPC.2/Circ.12/Rev.2, Appendix 4, tables 1-3.
    """
    f = np.asarray(frequency_per_year, dtype=np.float64)
    sev = np.asarray(fatalities_per_event, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return (5.0 + np.log10(f / 0.1)) + (3.0 + np.log10(sev))
