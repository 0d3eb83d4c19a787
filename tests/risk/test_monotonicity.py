"""Monotonicity and continuity of the loss-of-life estimates and of the impact score.

The documented direction of the impact factor is "more dead per crossing never
lowers impact". These property tests (hypothesis, derandomised, few examples)
check it where it used to fail: the impact score against a reference pooled over
the units (which the unit's own deaths raised), and the separate no-death
branches of the empirical-Bayes models (which made the first death lower the
upper bound of a rate and the first loss lower a share).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from medroutes.risk import RiskConfig, score_risk
from medroutes.risk import models as m
from medroutes.risk.config import IMPACT_ANCHORS

FEW = settings(max_examples=25, derandomize=True, deadline=None)
FEWER = settings(max_examples=6, derandomize=True, deadline=None)


def _le(a: float, b: float) -> bool:
    return bool(a <= b * (1 + 1e-9) + 1e-15)


@st.composite
def units(draw: st.DrawFn, max_count: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Counts (many zeros, sometimes all zero) and exposures of 1-8 units."""
    n = draw(st.integers(1, 8))
    zero = draw(st.booleans())
    y = np.array(
        [0 if zero else draw(st.sampled_from([0, 0, 1, 3, max_count])) for _ in range(n)], dtype=float
    )
    e = np.array(draw(st.lists(st.integers(1, 5_000), min_size=n, max_size=n)), dtype=float)
    return y, e


# --------------------------------------------------------------------------- #
# Empirical-Bayes models
# --------------------------------------------------------------------------- #


@FEW
@given(units(), st.data(), st.sampled_from([1.0, 3.5, 183.0]))
def test_more_events_never_lower_the_eb_rate_or_its_upper_bound(u, data, phi):
    y, e = u
    i = data.draw(st.integers(0, len(y) - 1))
    y2 = y.copy()
    y2[i] += data.draw(st.sampled_from([1, 5, 100]))
    a = m.eb_gamma_poisson(y, e, dispersion=phi)
    b = m.eb_gamma_poisson(y2, e, dispersion=phi)
    assert _le(a.rate[i], b.rate[i]), (a.rate[i], b.rate[i])
    assert _le(a.high[i], b.high[i]), (a.high[i], b.high[i])


@FEW
@given(units(), st.data(), st.sampled_from([1.0, 3.5, 183.0]))
def test_eb_rates_are_continuous_at_the_first_event(u, data, phi):
    """No death anywhere is the limit of the general formula: no jump when the first is recorded."""
    _, e = u
    y = np.zeros_like(e)
    i = data.draw(st.integers(0, len(e) - 1))
    eps = y.copy()
    eps[i] = 1e-9
    a, b = m.eb_gamma_poisson(y, e, dispersion=phi), m.eb_gamma_poisson(eps, e, dispersion=phi)
    for f in ("rate", "low", "high"):
        np.testing.assert_allclose(getattr(b, f), getattr(a, f), rtol=1e-6, err_msg=f)
    # with no event at all the prior is the Jeffreys posterior of the pooled rate, Gamma(1/2, N/phi)
    assert a.prior_mean == pytest.approx(phi / 2 / e.sum())
    big_n = e.sum() / phi
    np.testing.assert_allclose(a.rate, 0.5 / (big_n + e / phi), rtol=1e-12)
    np.testing.assert_allclose(a.high, stats.gamma.ppf(0.95, 0.5, scale=1 / (big_n + e / phi)), rtol=1e-9)


def test_first_death_raises_rate_and_upper_bound_of_a_single_unit():
    """The reported case: the upper bound used to fall from 6.7 to 3.7 per crossing."""
    a = m.eb_gamma_poisson([0.0], [1.0], dispersion=3.5)
    b = m.eb_gamma_poisson([1.0], [1.0], dispersion=3.5)
    # closed forms: prior Gamma(Y/phi + 1/2, N/phi), posterior adds (y/phi, n/phi)
    assert a.high[0] == pytest.approx(stats.gamma.ppf(0.95, 0.5, scale=1 / (2 / 3.5)))
    assert b.high[0] == pytest.approx(stats.gamma.ppf(0.95, 0.5 + 2 / 3.5, scale=1 / (2 / 3.5)))
    assert a.rate[0] < b.rate[0] and a.high[0] < b.high[0]


@st.composite
def trials(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 10))
    tr = np.array(draw(st.lists(st.integers(1, 300), min_size=n, max_size=n)), dtype=float)
    frac = np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.0]), min_size=n, max_size=n)))
    return np.floor(tr * frac), tr


@FEW
@given(trials(), st.data())
def test_one_more_loss_never_lowers_the_share_including_the_first(u, data):
    y, n = u
    room = np.flatnonzero(y < n)
    if room.size == 0:
        y = y.copy()
        y[0] -= 1
        room = np.array([0])
    i = int(data.draw(st.sampled_from(room.tolist())))
    y2 = y.copy()
    y2[i] += 1
    a, b = m.eb_beta_binomial(y, n), m.eb_beta_binomial(y2, n)
    assert _le(a.p[i], b.p[i]), (a.p[i], b.p[i])
    assert _le(a.high[i], b.high[i]), (a.high[i], b.high[i])


@FEW
@given(trials(), st.data())
def test_eb_shares_are_continuous_at_the_first_loss(u, data):
    _, n = u
    y = np.zeros_like(n)
    i = data.draw(st.integers(0, len(n) - 1))
    eps = y.copy()
    eps[i] = 1e-9
    a, b = m.eb_beta_binomial(y, n), m.eb_beta_binomial(eps, n)
    np.testing.assert_allclose(b.p, a.p, rtol=1e-6)
    np.testing.assert_allclose(b.high, a.high, rtol=1e-6)
    assert a.prior_mean == pytest.approx(0.5 / (n.sum() + 1))


# --------------------------------------------------------------------------- #
# score_risk: the impact score
# --------------------------------------------------------------------------- #

ZONES = ["ly_west", "ly_east", "tn_sfax", "tn_mahdia"]
T0 = pd.Timestamp("2023-07-01", tz="UTC")


@st.composite
def scenario(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """24-48 voyages from 4 zones over 60 days; 2-8 incidents, some with no dead or missing."""
    n = draw(st.integers(24, 48))
    zones = [ZONES[k % 4] for k in range(n)]  # every zone has voyages
    hours = np.linspace(0, 60 * 24, n).astype(int)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    V = pd.DataFrame(
        {
            "voyage_id": [f"V{k:03d}" for k in range(n)],
            "departure_zone": zones,
            "departure_time": T0 + pd.to_timedelta(hours, unit="h"),
            "persons": rng.integers(10, 90, n),
            "boat_type": rng.choice(["rubber_dinghy", "wooden_boat", "iron_boat"], n),
            "outcome": "arrived",
        }
    )
    k = draw(st.integers(2, 8))
    vids = rng.choice(n, size=k, replace=False)
    kinds = np.array(draw(st.lists(st.sampled_from(["shipwreck", "rescue"]), min_size=k, max_size=k)))
    dead = np.where(kinds == "shipwreck", rng.integers(0, 40, k), 0)
    inc = pd.DataFrame(
        {
            "incident_id": [f"inc{j}" for j in range(k)],
            "timestamp": V["departure_time"].to_numpy()[vids] + pd.Timedelta(hours=10),
            "lat": 34.0,
            "lon": 12.5,
            "incident_type": kinds,
            "dead": pd.array(dead, dtype="Int64"),
            "missing": pd.array(np.zeros(k, dtype=int), dtype="Int64"),
            "survivors": pd.array([5] * k, dtype="Int64"),
            "route": "Central Mediterranean",
            "source": "test",
            "voyage_id": V["voyage_id"].to_numpy()[vids],
        }
    )
    V.loc[vids, "outcome"] = np.where(kinds == "shipwreck", "shipwreck", "rescued")
    return V, inc


def _impact(V: pd.DataFrame, inc: pd.DataFrame, cfg: RiskConfig) -> pd.DataFrame:
    return score_risk(V, inc, config=cfg).zones.set_index("unit_id")


@pytest.mark.parametrize(
    ("mode", "model"), [("rate", False), ("rate", True), ("frequency", False), ("frequency", True)]
)
@FEWER
@given(scenario(), st.data())
def test_more_dead_never_lower_the_zone_impact(mode, model, case, data):
    """Dead added to any incident (a fatal one, or a rescue that becomes fatal) never lower its zone's impact."""
    V, inc = case
    cfg = RiskConfig(impact=mode, incident_model=model, n_draws=100, min_voyages=1, seed=1)
    j = data.draw(st.integers(0, len(inc) - 1))
    more = inc.copy()
    more.loc[j, "dead"] = more.loc[j, "dead"] + data.draw(st.sampled_from([1, 7, 150]))
    zone = V.set_index("voyage_id").loc[inc.loc[j, "voyage_id"], "departure_zone"]
    a, b = _impact(V, inc, cfg), _impact(V, more, cfg)
    assert b.loc[zone, "dead_missing"] > a.loc[zone, "dead_missing"]
    assert np.isfinite(a.loc[zone, "impact"]) and np.isfinite(b.loc[zone, "impact"])
    assert _le(a.loc[zone, "impact"], b.loc[zone, "impact"]), (a.loc[zone, "impact"], b.loc[zone, "impact"])


@pytest.mark.parametrize("mode", ["rate", "frequency"])
def test_impact_is_the_unit_estimate_against_the_fixed_anchor(mode):
    """impact = x / (x + anchor) with the documented absolute anchor, per exposure unit."""
    V, inc = _fixed_case()
    cfg = RiskConfig(impact=mode, incident_model=False, n_draws=100, min_voyages=1)
    res = score_risk(V, inc, config=cfg)
    z = res.zones
    if mode == "rate":
        assert res.provenance["exposure_unit"] == "persons"
        x, ref = z["rate_per_1000"] / 1000, IMPACT_ANCHORS["persons"]
    else:
        x, ref = z["fatal_per_1000"] / 1000, IMPACT_ANCHORS["frequency"]
    np.testing.assert_allclose(z["impact"], x / (x + ref), rtol=1e-12)
    assert res.references["zone"]["impact"] == ref
    # boat crossings as exposure (no persons): the per-boat anchor
    rb = score_risk(V.drop(columns="persons"), inc, config=cfg)
    if mode == "rate":
        assert rb.provenance["exposure_unit"] == "voyages"
        xb = rb.zones["rate_per_1000"] / 1000
        np.testing.assert_allclose(rb.zones["impact"], xb / (xb + IMPACT_ANCHORS["voyages"]), rtol=1e-12)


def test_impact_is_scored_before_the_first_death_and_rises_with_it():
    """No dead anywhere: impact is still scored (low), and the first death raises it."""
    V, inc = _fixed_case()
    V = V.assign(outcome=V["outcome"].replace("shipwreck", "rescued"))
    zeros = pd.array([0] * len(inc), dtype="Int64")
    none = inc.assign(dead=zeros, missing=zeros, incident_type="rescue")
    one = none.copy()
    one.loc[0, "dead"] = 1
    for mode in ("rate", "frequency"):
        cfg = RiskConfig(impact=mode, incident_model=False, n_draws=100, min_voyages=1)
        a, b = _impact(V, none, cfg), _impact(V, one, cfg)
        zone = V.set_index("voyage_id").loc[inc.loc[0, "voyage_id"], "departure_zone"]
        assert a["impact"].between(0, 0.5).all(), mode
        assert b.loc[zone, "impact"] > a.loc[zone, "impact"], mode


def _fixed_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    n = 40
    V = pd.DataFrame(
        {
            "voyage_id": [f"V{k:03d}" for k in range(n)],
            "departure_zone": [ZONES[k % 4] for k in range(n)],
            "departure_time": T0 + pd.to_timedelta(np.linspace(0, 60 * 24, n).astype(int), unit="h"),
            "persons": 50,
            "boat_type": "rubber_dinghy",
            "outcome": "arrived",
        }
    )
    vids = [1, 2, 6, 13]
    V.loc[vids, "outcome"] = "shipwreck"
    inc = pd.DataFrame(
        {
            "incident_id": [f"inc{j}" for j in range(4)],
            "timestamp": V["departure_time"].to_numpy()[vids] + pd.Timedelta(hours=10),
            "lat": 34.0,
            "lon": 12.5,
            "incident_type": "shipwreck",
            "dead": pd.array([3, 40, 1, 8], dtype="Int64"),
            "missing": pd.array([0, 0, 0, 2], dtype="Int64"),
            "survivors": pd.array([5] * 4, dtype="Int64"),
            "route": "Central Mediterranean",
            "source": "test",
            "voyage_id": V["voyage_id"].to_numpy()[vids],
        }
    )
    return V, inc
