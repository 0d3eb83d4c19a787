"""Property tests of the risk models: every factor moves the score in its documented direction.

More dead per crossing never lowers the loss rate (impact), more exposure with
the same deaths never raises it; a higher component never lowers the
composite; a higher score never falls in a lower category; and nothing
depends on the order of the units.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

models = pytest.importorskip("medroutes.risk.models")
risk_config = pytest.importorskip("medroutes.risk.config")

counts = st.integers(0, 400)
exposures = st.integers(1, 20_000)


@st.composite
def units(draw: st.DrawFn, min_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(min_size, 12))
    y = np.array(draw(st.lists(counts, min_size=n, max_size=n)), dtype=float)
    e = np.array(draw(st.lists(exposures, min_size=n, max_size=n)), dtype=float)
    return y, e


priors = st.sampled_from(["moments", "none", (2.0, 500.0)])
dispersions = st.sampled_from([1.0, 3.5, 40.0])


def _le(a: float, b: float) -> bool:
    return a <= b * (1 + 1e-9) + 1e-15


@given(units(), st.data(), priors, dispersions)
def test_more_dead_never_lowers_the_rate_or_its_interval(u, data, prior, phi):
    y, e = u
    i = data.draw(st.integers(0, len(y) - 1))
    extra = data.draw(st.integers(1, 200))
    y2 = y.copy()
    y2[i] += extra
    a = models.eb_gamma_poisson(y, e, prior=prior, dispersion=phi)
    b = models.eb_gamma_poisson(y2, e, prior=prior, dispersion=phi)
    assert _le(a.rate[i], b.rate[i]), (a.rate[i], b.rate[i])


@given(units(), st.data(), st.sampled_from(["none", (2.0, 500.0)]), dispersions)
def test_more_crossings_with_the_same_dead_never_raise_the_rate(u, data, prior, phi):
    """For a fixed prior (the pooled prior moves with every unit, so it is left out)."""
    y, e = u
    i = data.draw(st.integers(0, len(y) - 1))
    e2 = e.copy()
    e2[i] += data.draw(st.integers(1, 5_000))
    a = models.eb_gamma_poisson(y, e, prior=prior, dispersion=phi)
    b = models.eb_gamma_poisson(y, e2, prior=prior, dispersion=phi)
    assert _le(b.rate[i], a.rate[i])


@given(units())
def test_rates_are_finite_inside_their_interval_and_order_free(u):
    y, e = u
    r = models.eb_gamma_poisson(y, e, prior="moments")
    assert np.isfinite(r.rate).all() and (r.rate >= 0).all()
    perm = np.random.default_rng(0).permutation(len(y))
    p = models.eb_gamma_poisson(y[perm], e[perm], prior="moments")
    np.testing.assert_allclose(p.rate, r.rate[perm], rtol=1e-12)
    np.testing.assert_allclose(p.high, r.high[perm], rtol=1e-9)


def test_no_shrinkage_rate_is_the_closed_form():
    y, e = np.array([0.0, 3.0, 10.0]), np.array([100.0, 100.0, 1000.0])
    r = models.eb_gamma_poisson(y, e, prior="none")
    np.testing.assert_allclose(r.rate, y / e)
    from scipy.stats import gamma

    np.testing.assert_allclose(r.high, gamma.ppf(0.95, y + 0.5, scale=1 / e))


@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=20), st.floats(1e-3, 1e3))
def test_half_saturation_is_increasing_and_bounded(x, ref):
    x = np.sort(np.array(x))
    s = models.half_saturation(x, ref)
    assert ((s >= 0) & (s <= 1)).all()
    assert (np.diff(s) >= -1e-15).all()


@given(
    st.lists(st.floats(0, 1), min_size=3, max_size=3),
    st.integers(0, 2),
    st.floats(0, 1),
    st.sampled_from(["geometric", "arithmetic"]),
    st.tuples(st.floats(0.01, 5), st.floats(0.01, 5), st.floats(0.01, 5)),
)
def test_a_higher_component_never_lowers_the_composite(comp, k, up, rule, w):
    c = np.array([comp])
    c2 = c.copy()
    c2[0, k] = max(c[0, k], up)
    a = models.combine_components(c, weights=w, rule=rule)[0]
    b = models.combine_components(c2, weights=w, rule=rule)[0]
    assert _le(a, b)
    assert 0 <= a <= 1 + 1e-12


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_categories_are_monotone_in_the_score_and_order_free(scores):
    cats = risk_config.CATEGORIES
    thr = (0.40, 0.55, 0.70)
    s = np.array(scores)
    lab = models.categorise(s, thr, cats)
    rank = np.array([cats.index(x) for x in lab])
    order = np.argsort(s, kind="stable")
    assert (np.diff(rank[order]) >= 0).all()
    expected = np.array([sum(v >= t for t in thr) for v in s])  # a score on a cut belongs to the higher class
    assert (rank == expected).all()
    perm = np.random.default_rng(1).permutation(len(s))
    assert list(models.categorise(s[perm], thr, cats)) == list(lab[perm])


@given(st.lists(st.integers(0, 300), min_size=1, max_size=40))
def test_dispersion_is_at_least_one_and_the_closed_form(k):
    phi = models.compound_poisson_dispersion(k)
    kk = np.array([v for v in k if v > 0], dtype=float)
    want = 1.0 if kk.size == 0 else max(1.0, float((kk**2).sum() / kk.sum()))
    assert phi == pytest.approx(want)
    assert phi >= 1.0


@given(units(min_size=2))
def test_beta_binomial_more_losses_never_lower_the_share(u):
    y, n = u
    y = np.minimum(y, n)
    assume((y < n).any() and y.sum() > 0)
    i = int(np.argmax(y < n))
    y2 = y.copy()
    y2[i] += 1
    a = models.eb_beta_binomial(y, n)
    b = models.eb_beta_binomial(y2, n)
    assert _le(a.p[i], b.p[i])


def test_first_recorded_death_does_not_lower_the_upper_bound():
    """The pooled Jeffreys prior makes the no-death case a limit of the general formula."""
    a = models.eb_gamma_poisson([0.0], [1.0], prior="moments", dispersion=3.5)
    b = models.eb_gamma_poisson([1.0], [1.0], prior="moments", dispersion=3.5)
    assert a.high[0] <= b.high[0]


def test_first_recorded_loss_does_not_lower_the_share():
    """Same for the Beta-Binomial: no separate all-zero branch, so no jump at the first loss."""
    n = np.ones(8)
    y = np.zeros(8)
    y2 = y.copy()
    y2[0] = 1
    assert models.eb_beta_binomial(y, n).p[0] <= models.eb_beta_binomial(y2, n).p[0]
