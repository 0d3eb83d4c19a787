"""Cited model functions checked against hand computation, closed forms and numerical integration."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from medroutes.errors import ConfigError, SchemaError
from medroutes.risk import models as m

Y = [0.0, 12.0, 10.0, 45.0, 1.0]
N = [10.0, 100.0, 200.0, 500.0, 3.0]


def _mom_by_hand(y, n, phi=1.0):
    """Clayton-Kaldor / Marshall method of moments, written out with plain Python.

    The pooled rate is the Jeffreys posterior mean ``(sum(y) + phi/2) / sum(n)``.
    """
    theta = (sum(y) + phi / 2) / sum(n)
    s2 = sum(ni * (yi / ni - theta) ** 2 for yi, ni in zip(y, n, strict=True)) / sum(n)
    sigma2 = s2 - phi * theta / (sum(n) / len(n))
    return theta, sigma2


def test_eb_gamma_poisson_matches_clayton_kaldor_by_hand():
    theta, sigma2 = _mom_by_hand(Y, N)
    assert sigma2 > theta / sum(N)  # clearly over-dispersed: the floor is not involved
    expected = []
    for yi, ni in zip(Y, N, strict=True):
        w = sigma2 / (sigma2 + theta / ni)
        expected.append(w * yi / ni + (1 - w) * theta)
    r = m.eb_gamma_poisson(Y, N)
    np.testing.assert_allclose(r.rate, expected, rtol=1e-12)
    assert r.prior_mean == pytest.approx(theta)
    assert r.prior_var == pytest.approx(sigma2)
    assert not r.prior_var_floored


def test_eb_gamma_poisson_interval_equals_numerically_integrated_posterior():
    # prior Gamma(alpha, beta) x Poisson likelihood on a fine grid, normalised: no conjugacy used
    theta, sigma2 = _mom_by_hand(Y, N)
    alpha, beta = theta**2 / sigma2, theta / sigma2
    r = m.eb_gamma_poisson(Y, N, credible_level=0.9)
    for i, (yi, ni) in enumerate(zip(Y, N, strict=True)):
        grid = np.linspace(1e-7, 0.6, 400_001)
        dens = stats.poisson.pmf(int(yi), ni * grid) * stats.gamma.pdf(grid, alpha, scale=1 / beta)
        cdf = np.cumsum(dens)
        cdf /= cdf[-1]
        mean = np.sum(grid * dens) / np.sum(dens)
        assert r.rate[i] == pytest.approx(mean, rel=1e-4)
        assert r.low[i] == pytest.approx(grid[np.searchsorted(cdf, 0.05)], rel=2e-3, abs=1e-6)
        assert r.high[i] == pytest.approx(grid[np.searchsorted(cdf, 0.95)], rel=2e-3)


def test_small_unit_is_not_given_an_extreme_rate():
    # a unit with 3 crossings and 1 death (raw 333 per 1,000) among large units near 10 per 1,000
    y = [1, 95, 110, 102, 88]
    n = [3, 10_000, 10_000, 10_000, 10_000]
    r = m.eb_gamma_poisson(y, n)
    raw = 1 / 3
    pooled = sum(y) / sum(n)
    assert r.raw[0] == pytest.approx(raw)
    assert r.rate[0] < 1.2 * pooled  # pulled to the pooled rate, not 33x it
    assert r.weight[0] < 0.01
    assert r.high[0] < raw  # even the upper bound stays far below the raw rate
    # the big units keep (almost) their own rate
    np.testing.assert_allclose(r.rate[1:], np.asarray(y[1:]) / 10_000, rtol=0.1)


def test_prior_variance_floor_and_no_shrinkage_option():
    # identical rates: moments give sigma^2 <= 0, floored at phi*theta/sum(n)
    r = m.eb_gamma_poisson([10, 20, 30], [1000, 2000, 3000])
    assert r.prior_var_floored
    assert r.prior_var == pytest.approx((60.5 / 6000) / 6000)
    assert np.all(r.high > r.low)
    raw = m.eb_gamma_poisson([0, 5], [10, 100], prior="none")
    np.testing.assert_allclose(raw.rate, [0.0, 0.05])
    # Jeffreys posterior Gamma(y + 1/2, n)
    assert raw.high[0] == pytest.approx(stats.gamma.ppf(0.95, 0.5, scale=1 / 10))


def test_fixed_prior_is_conjugate_update():
    r = m.eb_gamma_poisson([3], [100], prior=(2.0, 50.0))
    assert r.rate[0] == pytest.approx((2 + 3) / (50 + 100))


def test_overdispersion_shrinks_more_and_widens_intervals():
    y = [0, 300, 20, 5, 600]
    n = [5_000, 20_000, 8_000, 4_000, 30_000]
    poisson = m.eb_gamma_poisson(y, n, dispersion=1.0)
    compound = m.eb_gamma_poisson(y, n, dispersion=40.0)
    assert np.all(compound.weight <= poisson.weight + 1e-12)
    assert np.all((compound.high - compound.low) > (poisson.high - poisson.low))


def test_compound_poisson_dispersion_by_hand():
    k = [1, 1, 4, 50, 0, np.nan]
    assert m.compound_poisson_dispersion(k) == pytest.approx((1 + 1 + 16 + 2500) / (1 + 1 + 4 + 50))
    assert m.compound_poisson_dispersion([]) == 1.0


def test_eb_beta_binomial_by_hand():
    y = np.array([2.0, 10.0, 1.0, 30.0])
    n = np.array([10.0, 40.0, 30.0, 60.0])
    pbar = (y.sum() + 0.5) / (n.sum() + 1)  # Jeffreys posterior mean of the pooled share
    s2 = np.sum(n * (y / n - pbar) ** 2) / n.sum() - pbar * (1 - pbar) / n.mean()
    nu = pbar * (1 - pbar) / s2 - 1
    r = m.eb_beta_binomial(y, n)
    np.testing.assert_allclose(r.p, (pbar * nu + y) / (nu + n), rtol=1e-12)
    assert np.all((r.low < r.p) & (r.p < r.high))
    with pytest.raises(SchemaError, match="successes exceed trials"):
        m.eb_beta_binomial([5], [3])


def test_half_saturation_combine_and_categories():
    np.testing.assert_allclose(m.half_saturation([0, 1, 2, 4], 2.0), [0, 1 / 3, 0.5, 2 / 3])
    assert np.isnan(m.half_saturation([1.0], 0.0)).all()
    c = np.array([[0.5, 0.8, 0.2], [0.5, np.nan, 0.2], [np.nan, np.nan, np.nan]])
    g = m.combine_components(c, weights=(1, 1, 1))
    assert g[0] == pytest.approx((0.5 * 0.8 * 0.2) ** (1 / 3))
    assert g[1] == pytest.approx((0.5 * 0.2) ** 0.5)  # unavailable component skipped
    assert np.isnan(g[2])
    a = m.combine_components(c[:1], weights=(2, 1, 1), rule="arithmetic")
    assert a[0] == pytest.approx((2 * 0.5 + 0.8 + 0.2) / 4)
    cats = m.categorise([0.1, 0.40, 0.549, 0.55, 0.9, np.nan], (0.40, 0.55, 0.70), ("L", "M", "H", "VH"))
    assert list(cats) == ["L", "M", "M", "H", "VH", None]
    with pytest.raises(ConfigError):
        m.combine_components(c, weights=(1, 1), rule="geometric")


def test_geometric_combination_is_monotone_in_each_component():
    rng = np.random.default_rng(3)
    base = rng.uniform(0.05, 0.95, size=(200, 3))
    s0 = m.combine_components(base, weights=(1, 1, 1))
    for k in range(3):
        up = base.copy()
        up[:, k] = np.minimum(up[:, k] + 0.05, 0.99)
        assert np.all(m.combine_components(up, weights=(1, 1, 1)) >= s0)


def test_fsa_risk_index_example_from_the_guidelines():
    # MSC-MEPC.2/Circ.12/Rev.2 Appendix 4: FI 3 (1e-3/yr) + SI 2 (0.1 fatalities) -> RI 5
    assert m.fsa_risk_index(1e-3, 0.1) == pytest.approx(5.0)
    assert m.fsa_risk_index(10.0, 10.0) == pytest.approx(11.0)


def test_invalid_inputs_raise_medroutes_errors():
    with pytest.raises(SchemaError, match="negative"):
        m.eb_gamma_poisson([-1, 2], [10, 10])
    with pytest.raises(ConfigError, match="dispersion"):
        m.eb_gamma_poisson([1, 2], [10, 10], dispersion=0.5)
    with pytest.raises(ConfigError, match="credible_level"):
        m.eb_gamma_poisson([1, 2], [10, 10], credible_level=1.5)
