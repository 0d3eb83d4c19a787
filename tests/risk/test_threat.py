"""Departure counts, naive forecasts and the time-ordered backtest of the departure model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from medroutes.errors import InsufficientDataError, SchemaError
from medroutes.risk import (
    DeparturePressureModel,
    backtest,
    complete_days,
    daily_counts,
    persistence,
    seasonal_naive,
)
from medroutes.risk.threat import NAIVE_FLOOR


def _series(days: int = 800, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two zones, seasonal Poisson departures suppressed by wave height (known truth)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2021-01-01", periods=days, freq="D", tz="UTC")
    doy = dates.day_of_year.to_numpy()
    rows, wrows = [], []
    for zone, base in (("a", 3.0), ("b", 1.0)):
        hs = np.clip(1.1 + 0.4 * np.cos(2 * np.pi * doy / 365.25) + rng.normal(0, 0.4, days), 0.1, None)
        mu = (
            base
            * (1 + 0.5 * np.cos(2 * np.pi * (doy - 200) / 365.25))
            * np.exp(-1.5 * np.maximum(hs - 0.8, 0))
        )
        rows.append(pd.DataFrame({"date": dates, "zone_id": zone, "departures": rng.poisson(mu)}))
        wrows.append(pd.DataFrame({"date": dates, "region": zone, "wind_kn": 6 + 8 * hs, "hs_m": hs}))
    return pd.concat(rows, ignore_index=True), pd.concat(wrows, ignore_index=True)


def test_daily_counts_fills_days_without_departures_with_zero():
    v = pd.DataFrame(
        {
            "departure_zone": ["a", "a", "b", "at sea"],
            "departure_time": pd.to_datetime(
                ["2023-01-01 22:00", "2023-01-01 23:00", "2023-01-04 01:00", "2023-01-02 00:00"], utc=True
            ),
            "persons": [10, 20, 5, 7],
        }
    )
    c = daily_counts(v)
    assert len(c) == 2 * 4  # zones a, b x 4 days; 'at sea' is not a zone
    a = c.loc[c["zone_id"] == "a"].set_index(c.loc[c["zone_id"] == "a", "date"].dt.day)
    assert a["departures"].to_dict() == {1: 2, 2: 0, 3: 0, 4: 0}
    assert a.loc[1, "persons"] == 30
    assert c["departures"].sum() == 3


def test_complete_days_counts_what_it_fills_and_gaps_are_refused():
    s = pd.DataFrame(
        {"date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"], utc=True), "n": [3, 4, 5]}
    )
    with pytest.raises(SchemaError, match="complete_days"):
        persistence(s, value="n")
    full, n_filled = complete_days(s, value="n")
    assert n_filled == 2
    assert full["n"].tolist() == [3, 4, 0, 0, 5]


def test_naive_forecasts_equal_hand_computation():
    y = (np.arange(800) % 11).astype(float)
    s = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=800, freq="D", tz="UTC"), "departures": y})
    sn = seasonal_naive(s).to_numpy()
    pe = persistence(s).to_numpy()
    for t in (367, 400, 799):
        assert sn[t] == pytest.approx(max(np.mean(y[t - 367 : t - 360]), NAIVE_FLOOR))
        assert pe[t] == pytest.approx(max(np.mean(y[t - 7 : t]), NAIVE_FLOOR))
    assert np.isnan(sn[366]) and np.isnan(pe[6])


def test_backtest_uses_only_the_past_for_fitting():
    counts, weather = _series()
    holdout = ("2022-06-01", "2023-03-10")
    a = backtest(counts, weather, holdout=holdout)
    # change the held-out and later days: the fitted model must not change
    later = counts["date"] >= pd.Timestamp("2022-06-01", tz="UTC")
    tampered = counts.assign(departures=np.where(later, counts["departures"] * 3 + 1, counts["departures"]))
    b = backtest(tampered, weather, holdout=holdout)
    np.testing.assert_array_equal(a.model.estimator_.coef_, b.model.estimator_.coef_)
    assert a.train_period[1] < pd.Timestamp("2022-06-01", tz="UTC")
    assert a.test_period[0] == pd.Timestamp("2022-06-01", tz="UTC")
    assert a.n_test == len(a.predictions)


def test_model_with_weather_beats_both_naive_forecasts_on_weather_driven_counts():
    counts, weather = _series(seed=1)
    r = backtest(counts, weather, holdout=0.3)
    assert np.isfinite(list(r.deviance.values())).all()
    assert r.deviance["model"] < r.deviance["seasonal_naive"]
    assert r.deviance["model"] < r.deviance["persistence"]
    # same numbers as sklearn's metric on the returned predictions
    from sklearn.metrics import mean_poisson_deviance

    p = r.predictions
    assert r.deviance["model"] == pytest.approx(mean_poisson_deviance(p["observed"], p["model"]))
    assert r.improvement["seasonal_naive"] == pytest.approx(
        1 - r.deviance["model"] / r.deviance["seasonal_naive"]
    )
    assert "seasonal naive" in r.summary()


def test_backtest_needs_a_year_of_history():
    counts, weather = _series(days=420)
    with pytest.raises(InsufficientDataError, match="days of history"):
        backtest(counts, weather, holdout=0.5)


def test_short_series_model_without_lags_and_predict_errors():
    counts, weather = _series(days=40)
    m = DeparturePressureModel(n_harmonics=0, use_lags=False).fit(counts, weather)
    p = m.predict(counts, weather)
    assert p["expected"].notna().all() and (p["expected"] > 0).all()
    # rough days predicted lower than calm days, as in the data-generating process
    w = weather.set_index(["date", "region"])["hs_m"]
    hs = w.reindex(pd.MultiIndex.from_frame(p[["date", "zone_id"]])).to_numpy()
    za = (p["zone_id"] == "a").to_numpy()
    assert np.corrcoef(hs[za], np.log(p["expected"].to_numpy()[za]))[0, 1] < -0.5
    with pytest.raises(SchemaError, match="not seen in fit"):
        m.predict(counts.loc[counts["zone_id"] == "a"].assign(zone_id="c"), weather)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        DeparturePressureModel().predict(counts)
