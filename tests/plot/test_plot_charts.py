import _plotdata as pdata
import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve

import medroutes.plot as mp
from medroutes.errors import ConfigError, InsufficientDataError, SchemaError


def _zone_lines(ax):
    return {ln.get_label(): ln for ln in ax.get_lines() if not ln.get_label().startswith("_")}


# --------------------------------------------------------------------------- departures


def test_departures_lines_are_weekly_sums_per_zone():
    dep, weather = pdata.small_departures()
    _fig, ax = mp.plot_departures(dep, weather)
    lines = _zone_lines(ax)
    assert set(lines) == {"ly_west", "tn_sfax", "ly_east"}
    for zone, line in lines.items():
        # independent: plain pandas resample into Monday-starting weeks
        ref = (
            dep[dep["zone_id"] == zone]
            .set_index("date")["departures"]
            .resample("W-MON", label="left", closed="left")
            .sum()
        )
        np.testing.assert_array_equal(line.get_ydata(), ref.to_numpy(dtype=float))
        assert pd.Timestamp(line.get_xdata()[0]) == ref.index[0].tz_localize(None)
        assert pd.Timestamp(ref.index[0]).day_name() == "Monday"
    assert ax.get_ylabel() == "Departures [boats per week]"
    assert ax.get_xlabel() == "Date (UTC)"


def test_departures_weather_on_twin_axis_is_the_weekly_mean():
    dep, weather = pdata.small_departures()
    _, ax = mp.plot_departures(dep, weather, weather_var="hs_m")
    twin = ax.medroutes_twin
    assert "[m]" in twin.get_ylabel()
    (line,) = twin.get_lines()
    ref = weather.set_index("date")["hs_m"].resample("W-MON", label="left", closed="left").mean()
    np.testing.assert_allclose(line.get_ydata(), ref.to_numpy())
    _, ax2 = mp.plot_departures(dep, weather, weather_var="wind_kn", freq="MS")
    assert "[kn]" in ax2.medroutes_twin.get_ylabel()
    assert "per month" in ax2.get_ylabel()


def test_departures_from_voyages_count_each_voyage_once():
    voy = pdata.small_voyages()
    _, ax = mp.plot_departures(voy, freq="MS")
    lines = _zone_lines(ax)
    totals = {z: ln.get_ydata().sum() for z, ln in lines.items()}
    assert totals == voy["departure_zone"].value_counts().to_dict()


def test_departures_persons_and_errors():
    dep, _ = pdata.small_departures()
    _, ax = mp.plot_departures(dep, value="persons")
    assert ax.get_ylabel() == "Persons departing [persons per week]"
    assert sum(ln.get_ydata().sum() for ln in _zone_lines(ax).values()) == dep["persons"].sum()
    with pytest.raises(ConfigError, match="weather_var"):
        mp.plot_departures(dep, weather_var="rain")
    with pytest.raises(SchemaError, match="'zone_id'"):
        mp.plot_departures(dep.drop(columns="zone_id"))
    with pytest.raises(InsufficientDataError):
        mp.plot_departures(dep.assign(date=pd.NaT))


def test_departures_many_zones_are_grouped():
    dep, _ = pdata.small_departures()
    many = pd.concat([dep.assign(zone_id=f"z{i}", departures=dep["departures"] + i) for i in range(9)])
    _, ax = mp.plot_departures(many)
    labels = list(_zone_lines(ax))
    assert len(labels) == 7 and labels[-1] == "other zones"
    assert sum(ln.get_ydata().sum() for ln in _zone_lines(ax).values()) == many["departures"].sum()


# --------------------------------------------------------------------------- calibration


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_reliability_table_matches_scikit_learn(strategy):
    rng = np.random.default_rng(0)
    p = rng.beta(2, 5, 4000)
    y = (rng.random(4000) < p).astype(int)
    table = mp.reliability_table(p, y, n_bins=8, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=8, strategy=strategy)
    np.testing.assert_allclose(table["observed_freq"], prob_true)
    np.testing.assert_allclose(table["mean_predicted"], prob_pred)
    assert table["n"].sum() == 4000 and table["events"].sum() == y.sum()


def test_wilson_interval_closed_form():
    # 0 events out of 10: upper bound z^2 / (n + z^2)
    z = 1.959964
    table = mp.reliability_table(np.full(10, 0.05), np.zeros(10), n_bins=4)
    assert table["low"].iloc[0] == 0
    assert table["high"].iloc[0] == pytest.approx(z**2 / (10 + z**2))


def test_calibration_plot_points_and_brier_score():
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 0.5, 500)
    y = rng.random(500) < p
    _fig, ax = mp.plot_calibration(p, y, n_bins=5, event="fatal incident")
    table = mp.reliability_table(p, y, n_bins=5)
    pts = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(table) and ln.get_marker() == "o"]
    np.testing.assert_allclose(np.asarray(pts[0].get_xdata(), dtype=float), table["mean_predicted"])
    np.testing.assert_allclose(np.asarray(pts[0].get_ydata(), dtype=float), table["observed_freq"])
    brier = np.mean((p - y) ** 2)
    assert f"Brier {brier:.4f}" in ax.get_legend().get_texts()[1].get_text()
    assert "[0–1]" in ax.get_xlabel() and "[0–1]" in ax.get_ylabel()


def test_calibration_input_errors():
    with pytest.raises(SchemaError, match="not 0 or 1"):
        mp.plot_calibration([0.1, 0.2], [0, 2])
    with pytest.raises(SchemaError, match=r"not in 0\.\.1"):
        mp.plot_calibration([0.1, 1.2], [0, 1])
    with pytest.raises(ConfigError, match="differ in length"):
        mp.plot_calibration([0.1], [0, 1])
    with pytest.raises(ConfigError, match="strategy"):
        mp.plot_calibration([0.1], [0], strategy="kmeans")


# --------------------------------------------------------------------------- backtest


def _backtest():
    return pd.DataFrame(
        {
            "unit_id": ["ly_west", "tn_sfax", "ly_east", "tr_aegean"],
            "predicted": [12.0, 8, 3, 1],
            "predicted_low": [8.0, 5, 1, 0],
            "predicted_high": [17.0, 12, 6, 4],
            "observed": [14.0, 13, 2, 0],
        }
    )


def test_backtest_counts_observations_inside_the_interval():
    bt = _backtest()
    _, ax = mp.plot_backtest(bt)
    inside = ((bt.observed >= bt.predicted_low) & (bt.observed <= bt.predicted_high)).sum()
    assert f"{inside} of 4 observed inside" in ax.get_title()
    assert inside == 3
    outside = [c for c in ax.collections if c.get_label() == "Observed outside the interval"]
    np.testing.assert_allclose(outside[0].get_offsets(), [[1.0, 13.0]])
    assert [t.get_text() for t in ax.get_xticklabels()] == list(bt.unit_id)
    assert "[persons]" in ax.get_ylabel()


def test_backtest_time_series():
    bt = _backtest().assign(period=pd.date_range("2023-01-01", periods=4, freq="MS", tz="UTC"))
    _, ax = mp.plot_backtest(bt, quantity="Dead and missing [persons per month]")
    assert ax.get_xlabel() == "Period start (UTC)"
    with pytest.raises(SchemaError, match="'observed'"):
        mp.plot_backtest(bt.drop(columns="observed"))


# --------------------------------------------------------------------------- OD matrix


def test_od_matrix_cells_equal_a_crosstab_with_small_counts_suppressed():
    voy = pdata.small_voyages()
    fig, ax = mp.plot_od_matrix(voy, min_count=5)
    ref = pd.crosstab(voy.departure_zone, voy.arrival_zone)
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    n_small = 0
    for i, dep in enumerate(ref.index):
        for j, arr in enumerate(ref.columns):
            v = ref.loc[dep, arr]
            if 0 < v < 5:
                n_small += 1
                assert texts[(i, j)] == "<5"
            else:
                assert texts[(i, j)] == f"{v:,}"
    assert n_small > 0
    assert [t.get_text() for t in ax.get_yticklabels()] == list(ref.index)
    cbar_ax = fig.axes[-1]
    assert "[count]" in cbar_ax.get_ylabel()


def test_od_matrix_sums_a_value_and_accepts_a_matrix():
    voy = pdata.small_voyages()
    m = mp.od_matrix(voy, value="persons")
    assert m.to_numpy().sum() == voy["persons"].sum()
    _, ax = mp.plot_od_matrix(m, unit="persons")
    assert f"{voy['persons'].sum():,} persons" in ax.get_title()
    with pytest.raises(InsufficientDataError):
        mp.plot_od_matrix(voy.iloc[:0])
