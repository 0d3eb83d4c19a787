"""Threat: departure pressure per zone and day, its model and its time-ordered backtest.

CIRAM's threat is the pressure on a border section, with magnitude and
likelihood. medroutes measures it as the number of departures (boats, or
arrivals as their observable proxy) per zone and day, and models it with a
Poisson-loss regression on season, weather and recent departures
(:class:`DeparturePressureModel`). :func:`backtest` checks the model on a
held-out later period against two naive forecasts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from medroutes.errors import ConfigError, InsufficientDataError, SchemaError

__all__ = [
    "NAIVE_FLOOR",
    "BacktestResult",
    "DeparturePressureModel",
    "backtest",
    "complete_days",
    "daily_counts",
    "persistence",
    "seasonal_naive",
]

#: Lower bound of every forecast [departures/day]: half a departure per week, the
#: continuity correction of adding 1/2 to a zero count over the 7-day naive window.
#: Poisson deviance is infinite for a zero forecast of a positive count.
NAIVE_FLOOR = 0.5 / 7.0

_LAGS = ("lag1", "mean7", "mean28", "seasonal")
_RECENT = _LAGS[:3]  # recent-departure lags: need 28 days of history
_MIN_SEASON_DAYS = 365  # training days with a seasonal level needed to use it (one annual cycle)
_SEASON_LAG = 364  # 52 weeks: same season and weekday one year earlier [days]
_HALF_WINDOW = 3  # the naive windows are 7 days long


def _single_thread() -> Any:
    """Run small scikit-learn fits on one thread.

    The fits here are small (thousands of rows); OpenMP and BLAS thread pools
    then cost more than they give, and on a busy machine oversubscription made
    a 0.6 s fit take 11 s (measured). Limits apply inside the block only.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _utc_days(s: pd.Series) -> pd.Series:
    """Normalise dates/timestamps to midnight UTC, ``datetime64[ns, UTC]``."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        t = s.dt.tz_convert("UTC")
    else:
        t = pd.to_datetime(s, utc=True)
    return t.dt.floor("D").astype("datetime64[ns, UTC]")


def daily_counts(
    voyages: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    zone_ids: list[str] | None = None,
) -> pd.DataFrame:
    """Count departures per zone and UTC day, with explicit zeros for days without departures.

    Parameters
    ----------
    voyages
        Table with ``departure_zone`` and ``departure_time`` (UTC); ``persons`` is summed when present.
    start, end
        First and last day (default: the range of the data).
    zone_ids
        Zones to include (default: every zone in the data, except ``"at sea"``/``"unknown"``).

    Returns
    -------
    pandas.DataFrame
        ``date`` (UTC midnight), ``zone_id``, ``departures`` [boats/day] and,
        when available, ``persons`` [persons/day]; one row per zone and day.
    """
    for c in ("departure_zone", "departure_time"):
        if c not in voyages.columns:
            raise SchemaError(f"voyages: missing column {c!r} needed to count departures")
    df = pd.DataFrame(
        {
            "zone_id": voyages["departure_zone"].astype(str).to_numpy(),
            "date": _utc_days(voyages["departure_time"]),
        }
    )
    has_p = "persons" in voyages.columns
    if has_p:
        df["persons"] = pd.to_numeric(voyages["persons"], errors="coerce").fillna(0).to_numpy()
    df = df.loc[~df["zone_id"].isin(["at sea", "unknown"]) & df["date"].notna()]
    zones = sorted(df["zone_id"].unique()) if zone_ids is None else list(zone_ids)
    lo = pd.Timestamp(start, tz="UTC").floor("D") if start is not None else df["date"].min()
    hi = pd.Timestamp(end, tz="UTC").floor("D") if end is not None else df["date"].max()
    if pd.isna(lo) or pd.isna(hi):
        raise InsufficientDataError("voyages: no departures with a zone and a time to count")
    days = pd.date_range(lo, hi, freq="D")
    grid = pd.MultiIndex.from_product([days, zones], names=["date", "zone_id"])
    agg = {"departures": ("zone_id", "size")}
    if has_p:
        agg["persons"] = ("persons", "sum")
    counts = df.groupby(["date", "zone_id"]).agg(**agg).reindex(grid, fill_value=0).reset_index()
    counts["departures"] = counts["departures"].astype("int64")
    return counts.sort_values(["zone_id", "date"], kind="stable").reset_index(drop=True)


def complete_days(
    counts: pd.DataFrame,
    *,
    value: str = "departures",
    fill_value: float = 0,
) -> tuple[pd.DataFrame, int]:
    """Add the days absent from a daily count series, with ``fill_value``.

    Published daily series (e.g. UNHCR daily sea arrivals) often omit days
    with no arrivals. Absence is not a zero by itself: call this only where
    the publisher's convention is that absent days had none, and report the
    number of filled days.

    Parameters
    ----------
    counts
        ``date``, ``value`` and optionally ``zone_id`` (one series per zone).
    value
        Name of the count column.
    fill_value
        Count given to the absent days.

    Returns
    -------
    counts : pandas.DataFrame
        Complete daily series (``date`` UTC midnight, ``zone_id``, ``value``).
    n_filled : int
        Number of rows added.
    """
    if "date" not in counts.columns or value not in counts.columns:
        raise SchemaError(f"counts: need columns 'date' and {value!r}; got {list(counts.columns)}")
    df = counts.copy()
    df["date"] = _utc_days(df["date"])
    if "zone_id" not in df.columns:
        df["zone_id"] = "all"
    dup = df.duplicated(["zone_id", "date"])
    if dup.any():
        raise SchemaError(
            f"counts: {int(dup.sum()):,} of {len(df):,} rows repeat a (zone_id, date) pair "
            f"(first rows {list(df.index[dup][:3])}); aggregate them first"
        )
    days = pd.date_range(df["date"].min(), df["date"].max(), freq="D")
    grid = pd.MultiIndex.from_product([days, sorted(df["zone_id"].unique())], names=["date", "zone_id"])
    out = df.set_index(["date", "zone_id"])[[value]].reindex(grid)
    n_filled = int(out[value].isna().sum())
    out[value] = out[value].fillna(fill_value)
    out = out.reset_index().sort_values(["zone_id", "date"], kind="stable").reset_index(drop=True)
    return out, n_filled


def _check_counts(counts: pd.DataFrame, value: str) -> pd.DataFrame:
    need = {"date", value}
    if not need <= set(counts.columns):
        raise SchemaError(f"daily counts: missing column(s) {sorted(need - set(counts.columns))}")
    df = counts.copy()
    df["date"] = _utc_days(df["date"])
    if "zone_id" not in df.columns:
        df["zone_id"] = "all"
    df["zone_id"] = df["zone_id"].astype(str)
    y = pd.to_numeric(df[value], errors="coerce")
    bad = y.isna() | (y < 0)
    if bad.any():
        raise SchemaError(
            f"daily counts: column {value!r}: {int(bad.sum()):,} of {len(df):,} rows are missing or negative "
            f"(first rows {list(df.index[bad][:3])})"
        )
    df[value] = y.astype("float64")
    dup = df.duplicated(["zone_id", "date"])
    if dup.any():
        raise SchemaError(
            f"daily counts: {int(dup.sum()):,} of {len(df):,} rows repeat a (zone_id, date) pair "
            f"(first rows {list(df.index[dup][:3])}); aggregate them first"
        )
    df = df.sort_values(["zone_id", "date"], kind="stable").reset_index(drop=True)
    step = df.groupby("zone_id", sort=False)["date"].diff().dropna()
    gaps = step != pd.Timedelta(days=1)
    if gaps.any():
        missing_days = int((step[gaps].dt.days - 1).clip(lower=0).sum())
        raise SchemaError(
            f"daily counts: the series are not complete daily sequences ({int(gaps.sum()):,} gaps, "
            f"{missing_days:,} absent days, first at row {step.index[gaps][0]}); if absent days mean "
            "zero departures, fill them explicitly with medroutes.risk.complete_days"
        )
    return df


def _window_mean(y: pd.Series, groups: pd.Series, lag_lo: int, lag_hi: int) -> pd.Series:
    """Mean of y over lags lag_lo..lag_hi (inclusive, days in the past), per group."""
    width = lag_hi - lag_lo + 1
    shifted = y.groupby(groups, sort=False).shift(lag_lo)
    return shifted.groupby(groups, sort=False).transform(lambda s: s.rolling(width, min_periods=width).mean())


def seasonal_naive(counts: pd.DataFrame, *, value: str = "departures") -> pd.Series:
    """Forecast each day by the mean of the 7 days centred on the same date 52 weeks earlier (seasonal naive).

    ``y_hat(t) = mean(y[t-367] ... y[t-361])``, floored at :data:`NAIVE_FLOOR`.
    The lag of 364 days keeps the weekday; averaging a week around it keeps
    the seasonal level but not one day's weather (a single day one year ago
    is mostly weather noise, and zero too often for a Poisson deviance).

    Parameters
    ----------
    counts
        Complete daily series (``date``, ``zone_id``, ``value``), see :func:`complete_days`.
    value
        Count column.

    Returns
    -------
    pandas.Series
        Forecast aligned with ``counts`` sorted by ``(zone_id, date)``; NaN in the first 367 days.

    References
    ----------
    .. [1] Hyndman, R. J. & Athanasopoulos, G. (2021). Forecasting: principles and
       practice, 3rd ed., section 5.2 (seasonal naive method). OTexts. https://otexts.com/fpp3/
    """
    df = _check_counts(counts, value)
    f = _window_mean(df[value], df["zone_id"], _SEASON_LAG - _HALF_WINDOW, _SEASON_LAG + _HALF_WINDOW)
    return f.clip(lower=NAIVE_FLOOR)


def persistence(counts: pd.DataFrame, *, value: str = "departures") -> pd.Series:
    """Forecast each day by the mean of the previous 7 days (persistence), floored at :data:`NAIVE_FLOOR`.

    Parameters
    ----------
    counts
        Complete daily series (``date``, ``zone_id``, ``value``).
    value
        Count column.

    Returns
    -------
    pandas.Series
        Forecast aligned with ``counts`` sorted by ``(zone_id, date)``.
    """
    df = _check_counts(counts, value)
    return _window_mean(df[value], df["zone_id"], 1, 7).clip(lower=NAIVE_FLOOR)


_PARAMS: dict[str, tuple[Any, str]] = {
    "estimator": (lambda v: v in ("hgb", "glm"), "'hgb' or 'glm'"),
    "n_harmonics": (lambda v: isinstance(v, int) and 0 <= v <= 6, "an integer in 0..6"),
    "use_weather": (lambda v: isinstance(v, bool), "a bool"),
    "use_lags": (lambda v: isinstance(v, bool), "a bool"),
    "max_iter": (lambda v: isinstance(v, int) and v >= 1, "an integer >= 1"),
    "learning_rate": (lambda v: isinstance(v, float | int) and 0 < v <= 1, "a number in (0, 1]"),
    "alpha": (lambda v: isinstance(v, float | int) and v >= 0, "a number >= 0"),
    "random_state": (lambda v: v is None or isinstance(v, int), "None or an int"),
}


class DeparturePressureModel:
    """Departures per zone and day from season, weather and recent departures (Poisson loss).

    Features of day ``t`` in zone ``z``: ``n_harmonics`` pairs of day-of-year
    harmonics ``sin/cos(2 pi k doy / 365.25)``; wind [kn] and significant wave
    height [m] of day ``t`` in the zone's weather region (the weather of the
    day stands in for a one-day forecast); departures on day ``t-1``; the mean
    of days ``t-7..t-1`` and ``t-28..t-1``; the seasonal-naive level
    (:func:`seasonal_naive`); the zone (categorical). Lags use past days only.

    Days without the lag history (the first 28 days of each zone) are not
    used for training, and are counted in ``n_dropped_`` and ``notes_``. The
    seasonal level is used only when at least 365 training days have it (it
    needs 52 weeks and 3 days of history): fitted on part of a year, its
    coefficient is identified from one season and extrapolates in the others
    (measured: forecasts 4-7 times too high in summer). Otherwise it is left
    out, and ``notes_`` says so.

    Parameters
    ----------
    estimator : {"hgb", "glm"}
        ``"hgb"``: :class:`sklearn.ensemble.HistGradientBoostingRegressor` with
        ``loss="poisson"`` (non-linear weather thresholds, interactions);
        ``"glm"``: :class:`sklearn.linear_model.PoissonRegressor` on standardised
        features with ``log1p`` lags.
    n_harmonics
        Number of annual harmonics.
    use_weather
        Use ``wind_kn`` and ``hs_m`` when a weather table is given.
    use_lags
        Use the recent-departure features (28 days of history per row) and,
        with a year of training rows that have it, the seasonal level (367 days);
        ``False`` fits season, weather and zone only, for short series.
    max_iter, learning_rate
        Boosting iterations and learning rate (``"hgb"``); ``max_iter`` is the
        solver's limit for ``"glm"``.
    alpha
        L2 penalty (``"glm"``) or ``l2_regularization`` (``"hgb"``).
    random_state
        Passed to the estimator (boosting is deterministic here: no early stopping).

    Attributes
    ----------
    estimator_
        The fitted scikit-learn estimator.
    feature_names_
        Feature columns used (without ``seasonal`` when it was left out).
    zones_
        Zones seen in ``fit``.
    n_train_
        Number of training rows (zone-days with the history of every lag used).
    n_dropped_
        Number of zone-days not used for training because their lag history was incomplete.
    notes_
        What ``fit`` left out or filled, in words (features not used, rows
        dropped, weather missing on some days).

    References
    ----------
    .. [1] Camarena, K. R., Claudy, S., Wang, J. & Wright, A. L. (2020). Political and
       environmental risks influence migration and human smuggling across the
       Mediterranean Sea. PLOS ONE 15(7), e0236646. :doi:`10.1371/journal.pone.0236646`
    .. [2] Rodríguez Sánchez, A., Wucherpfennig, J., Rischke, R. & Iacus, S. M. (2023).
       Search-and-rescue in the Central Mediterranean Route does not induce migration.
       Scientific Reports 13, 11014. :doi:`10.1038/s41598-023-37519-6`
    """

    def __init__(
        self,
        *,
        estimator: str = "glm",
        n_harmonics: int = 3,
        use_weather: bool = True,
        use_lags: bool = True,
        max_iter: int = 300,
        learning_rate: float = 0.05,
        alpha: float = 1.0,
        random_state: int | None = 0,
    ) -> None:
        self.estimator = estimator
        self.n_harmonics = n_harmonics
        self.use_weather = use_weather
        self.use_lags = use_lags
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.random_state = random_state

    def _validate_params(self) -> None:
        bad = [
            f"{k}={getattr(self, k)!r} (must be {need})"
            for k, (ok, need) in _PARAMS.items()
            if not ok(getattr(self, k))
        ]
        if bad:
            raise ConfigError("DeparturePressureModel: invalid " + "; ".join(bad))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor parameters (scikit-learn convention)."""
        return {k: getattr(self, k) for k in _PARAMS}

    def _features(
        self, counts: pd.DataFrame, weather: pd.DataFrame | None, value: str
    ) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
        df = _check_counts(counts, value)
        y, g = df[value], df["zone_id"]
        doy = df["date"].dt.day_of_year.to_numpy(dtype=np.float64)
        X = pd.DataFrame(index=df.index)
        for k in range(1, self.n_harmonics + 1):
            X[f"sin{k}"] = np.sin(2 * np.pi * k * doy / 365.25)
            X[f"cos{k}"] = np.cos(2 * np.pi * k * doy / 365.25)
        if self.use_lags:
            X["lag1"] = y.groupby(g, sort=False).shift(1)
            X["mean7"] = _window_mean(y, g, 1, 7)
            X["mean28"] = _window_mean(y, g, 1, 28)
            X["seasonal"] = _window_mean(y, g, _SEASON_LAG - _HALF_WINDOW, _SEASON_LAG + _HALF_WINDOW)
        if self.use_weather and weather is not None:
            w = _weather_by_day(weather)
            m = df[["date", "zone_id"]].merge(w, on=["date", "zone_id"], how="left", validate="m:1")
            for c in ("wind_kn", "hs_m"):
                if c in m.columns:
                    X[c] = m[c].to_numpy()
            if "hs_m" in X.columns:
                # sea state of the previous days: departures held back by rough seas leave in the next calm
                hs = X["hs_m"]
                X["hs_lag1"] = hs.groupby(g, sort=False).shift(1)
                X["hs_mean3"] = _window_mean(hs, g, 1, 3)
        known = getattr(self, "zones_", None)
        if known:
            unseen = sorted(set(g.unique()) - set(known))
            if unseen:
                raise SchemaError(f"daily counts: zone(s) {unseen} were not seen in fit (known: {known})")
        X["zone"] = pd.Categorical(g, categories=known or sorted(g.unique()))
        return X, y.to_numpy(), df[["date", "zone_id"]]

    def _design(self, X: pd.DataFrame) -> Any:
        if self.estimator == "hgb":
            return X[self.feature_names_]
        # GLM: log1p lags, impute missing weather with training means, one-hot zone
        Z = X[[c for c in self.feature_names_ if c != "zone"]].copy()
        for c in _LAGS:
            if c in Z.columns:
                Z[c] = np.log1p(Z[c])
        Z = Z.fillna(self._fill_)
        Z = (Z - self._mu_) / self._sd_
        dummies = pd.get_dummies(X["zone"], prefix="zone", dtype=float)
        return pd.concat([Z, dummies], axis=1).to_numpy()

    def fit(
        self, counts: pd.DataFrame, weather: pd.DataFrame | None = None, *, value: str = "departures"
    ) -> DeparturePressureModel:
        """Fit on complete daily series.

        Parameters
        ----------
        counts
            ``date``, ``zone_id``, ``value`` (complete daily series, see :func:`complete_days`).
        weather
            ``date, region, wind_kn, hs_m`` with ``region`` = ``zone_id`` (optional).
        value
            Count column (``"departures"``, or e.g. ``"individuals"`` for arrivals).

        Returns
        -------
        DeparturePressureModel
            ``self``.

        Raises
        ------
        InsufficientDataError
            Fewer than 60 zone-days with a 28-day history (28 zone-days with ``use_lags=False``).
        SchemaError
            Malformed counts, or a weather table that matches no zone and day.
        """
        self._validate_params()
        self.zones_ = None
        X, y, key = self._features(counts, weather, value)
        self.zones_ = list(X["zone"].cat.categories)
        features = list(X.columns)
        notes: list[str] = []
        usable = np.ones(len(X), dtype=bool)
        if self.use_lags:
            usable = X[list(_RECENT)].notna().all(axis=1).to_numpy()
            with_season = usable & X["seasonal"].notna().to_numpy()
            n_season_days = int(key.loc[with_season, "date"].nunique())
            if n_season_days >= _MIN_SEASON_DAYS:
                usable = with_season
            else:
                # Fitted on less than a full year, the seasonal level is identified from one season only
                # and extrapolates at forecast time (measured: x4-7 too high in summer, see the methodology).
                features.remove("seasonal")
                notes.append(
                    f"seasonal level not used: {n_season_days} training days have 52 weeks of history, "
                    f"need {_MIN_SEASON_DAYS} (a full year) to fit it"
                )
        n_usable = int(usable.sum())
        need = 60 if self.use_lags else 28
        if n_usable < need:
            raise InsufficientDataError(
                f"DeparturePressureModel: {n_usable} of {len(X):,} zone-days of column {value!r} usable"
                + (" (with a 28-day history of departures)" if self.use_lags else "")
                + f"; need at least {need}"
                + (", or use_lags=False, which needs no history" if self.use_lags else "")
            )
        if n_usable < len(X):
            hist = 28 if "seasonal" not in features else _SEASON_LAG + _HALF_WINDOW
            notes.append(
                f"{len(X) - n_usable:,} of {len(X):,} zone-days without the {hist}-day history of the lags "
                "were not used for training"
            )
        notes += self._check_weather(X.loc[usable], key.loc[usable])
        self.feature_names_ = features
        with _single_thread():
            self._fit(X.loc[usable], y[usable])
        self.n_train_ = n_usable
        self.n_dropped_ = len(X) - n_usable
        self.notes_ = tuple(notes)
        return self

    @staticmethod
    def _check_weather(X: pd.DataFrame, key: pd.DataFrame) -> list[str]:
        """Refuse weather that matches no zone; report weather missing on some training zone-days."""
        notes = []
        for c in ("wind_kn", "hs_m"):
            if c not in X.columns:
                continue
            miss = X[c].isna().to_numpy()
            if miss.all():
                raise SchemaError(
                    f"weather: column {c!r} has no value on any of the {len(X):,} training zone-days; the "
                    f"weather 'region' must equal the counts' 'zone_id' ({sorted(key['zone_id'].unique())}) "
                    "and cover the same dates"
                )
            if miss.any():
                zones = sorted(key.loc[miss, "zone_id"].unique())
                notes.append(
                    f"weather column {c!r} missing on {int(miss.sum()):,} of {len(X):,} training zone-days "
                    f"(zones {zones}): filled with the training mean (glm) or treated as missing (hgb)"
                )
        return notes

    def _fit(self, Xo: pd.DataFrame, y: np.ndarray) -> None:
        if self.estimator == "hgb":
            from sklearn.ensemble import HistGradientBoostingRegressor

            est = HistGradientBoostingRegressor(
                loss="poisson",
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                l2_regularization=float(self.alpha),
                min_samples_leaf=20,
                categorical_features="from_dtype",
                early_stopping=False,
                random_state=self.random_state,
            )
            est.fit(Xo[self.feature_names_], y)
        else:
            from sklearn.linear_model import PoissonRegressor

            num = Xo[[c for c in self.feature_names_ if c != "zone"]].copy()
            for c in _LAGS:
                if c in num.columns:
                    num[c] = np.log1p(num[c])
            self._fill_ = num.mean()
            num = num.fillna(self._fill_)
            self._mu_ = num.mean()
            self._sd_ = num.std().replace(0.0, 1.0).fillna(1.0)
            est = PoissonRegressor(alpha=float(self.alpha) / len(num), max_iter=max(self.max_iter, 300))
            est.fit(self._design(Xo), y)
        self.estimator_ = est

    def predict(
        self, counts: pd.DataFrame, weather: pd.DataFrame | None = None, *, value: str = "departures"
    ) -> pd.DataFrame:
        """Predict expected departures per zone and day (one-day-ahead, using observed history).

        Parameters
        ----------
        counts
            Complete daily series including enough history for the lags (28 days,
            367 when the seasonal level is in ``feature_names_``).
        weather
            Weather table, as in :meth:`fit`.
        value
            Count column.

        Returns
        -------
        pandas.DataFrame
            ``date, zone_id, observed, expected`` [per day]; ``expected`` is NaN
            where the lag history is incomplete.
        """
        if not hasattr(self, "estimator_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("DeparturePressureModel is not fitted; call fit(counts, weather) first")
        X, y, key = self._features(counts, weather, value)
        ok = X[[c for c in _LAGS if c in self.feature_names_]].notna().all(axis=1).to_numpy()
        pred = np.full(len(X), np.nan)
        if ok.any():
            with _single_thread():
                pred[ok] = self.estimator_.predict(self._design(X.loc[ok]))
        out = key.copy()
        out["observed"] = y
        out["expected"] = np.maximum(pred, NAIVE_FLOOR)
        return out.reset_index(drop=True)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"DeparturePressureModel({params})"


def _weather_by_day(weather: pd.DataFrame) -> pd.DataFrame:
    need = {"date", "region"}
    if not need <= set(weather.columns):
        raise SchemaError(
            f"weather: missing column(s) {sorted(need - set(weather.columns))}; expected date, region, wind_kn, hs_m"
        )
    cols = [c for c in ("wind_kn", "hs_m") if c in weather.columns]
    w = pd.DataFrame({"date": _utc_days(weather["date"]), "zone_id": weather["region"].astype(str)})
    for c in cols:
        w[c] = pd.to_numeric(weather[c], errors="coerce")
    # several records per day and region (e.g. 6-hourly): daily mean
    return w.groupby(["date", "zone_id"], as_index=False)[cols].mean()


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Outcome of :func:`backtest`.

    Attributes
    ----------
    deviance
        Mean Poisson deviance on the held-out days of ``model``,
        ``seasonal_naive`` and ``persistence`` [departures/day]. Lower is better.
    improvement
        Relative improvement of the model over each baseline,
        ``1 - deviance_model / deviance_baseline`` (0.25 = 25 % lower deviance).
    train_period, test_period
        First and last day of the training and held-out periods (UTC).
    n_train, n_test
        Rows (zone-days) used.
    predictions
        ``date, zone_id, observed, model, seasonal_naive, persistence`` on the held-out days.
    model
        The fitted :class:`DeparturePressureModel`.
    notes
        Data handling worth reporting (e.g. days filled with zero).
    """

    deviance: dict[str, float]
    improvement: dict[str, float]
    train_period: tuple[pd.Timestamp, pd.Timestamp]
    test_period: tuple[pd.Timestamp, pd.Timestamp]
    n_train: int
    n_test: int
    predictions: pd.DataFrame
    model: DeparturePressureModel
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        """Return a short plain-text summary."""
        d, i = self.deviance, self.improvement
        return (
            f"held-out {self.test_period[0].date()}..{self.test_period[1].date()} ({self.n_test:,} zone-days), "
            f"trained on {self.train_period[0].date()}..{self.train_period[1].date()} ({self.n_train:,}): "
            f"mean Poisson deviance model {d['model']:.3f}, seasonal naive {d['seasonal_naive']:.3f} "
            f"({i['seasonal_naive']:+.1%}), persistence {d['persistence']:.3f} ({i['persistence']:+.1%})"
        )

    def __repr__(self) -> str:
        return f"BacktestResult({self.summary()})"


def _holdout_bounds(holdout: Any, dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    if isinstance(holdout, int) and not isinstance(holdout, bool):
        return pd.Timestamp(f"{holdout}-01-01", tz="UTC"), pd.Timestamp(f"{holdout}-12-31", tz="UTC")
    if isinstance(holdout, float) and 0 < holdout < 1:
        days = np.sort(dates.unique())
        k = round(len(days) * (1 - holdout))
        return pd.Timestamp(days[k]), pd.Timestamp(days[-1])
    if isinstance(holdout, tuple) and len(holdout) == 2:
        return pd.Timestamp(holdout[0], tz="UTC").floor("D"), pd.Timestamp(holdout[1], tz="UTC").floor("D")
    raise ConfigError(
        f"holdout must be a year (int), a fraction in (0, 1) or a (start, end) tuple, got {holdout!r}"
    )


def backtest(
    daily_counts: pd.DataFrame,
    weather: pd.DataFrame | None = None,
    *,
    holdout: Any = 0.25,
    model: DeparturePressureModel | None = None,
    value: str = "departures",
) -> BacktestResult:
    """Time-ordered backtest of the departure model against two naive forecasts.

    The model is fitted on the days before the held-out period only, then
    predicts each held-out day one day ahead from the observed past (lags)
    and the day's weather. Nothing from the held-out period enters the fit.
    Baselines: :func:`seasonal_naive` (same week 52 weeks earlier) and
    :func:`persistence` (previous 7 days). The score is the mean Poisson
    deviance (:func:`sklearn.metrics.mean_poisson_deviance`).

    Parameters
    ----------
    daily_counts
        Complete daily series ``date, zone_id, value`` (see :func:`daily_counts`,
        :func:`complete_days`). At least one year of history must precede the holdout.
    weather
        ``date, region, wind_kn, hs_m`` (optional).
    holdout
        Held-out period: a calendar year (``2025``), a ``(start, end)`` tuple of
        dates, or the final fraction of the days (default 0.25).
    model
        Unfitted model to evaluate (default :class:`DeparturePressureModel`).
    value
        Count column.

    Returns
    -------
    BacktestResult
    """
    from sklearn.metrics import mean_poisson_deviance

    df = _check_counts(daily_counts, value)
    lo, hi = _holdout_bounds(holdout, df["date"])
    first = df["date"].min()
    if (lo - first).days < _SEASON_LAG + _HALF_WINDOW + 60:
        raise InsufficientDataError(
            f"backtest: the held-out period starts {lo.date()}, only {(lo - first).days} days after the first "
            f"day {first.date()}; need at least {_SEASON_LAG + _HALF_WINDOW + 60} days of history"
        )
    test_mask = ((df["date"] >= lo) & (df["date"] <= hi)).to_numpy()
    if not test_mask.any():
        raise InsufficientDataError(f"backtest: no days in the held-out period {lo.date()}..{hi.date()}")
    m = DeparturePressureModel() if model is None else DeparturePressureModel(**model.get_params())
    train = df.loc[df["date"] < lo]
    m.fit(train, weather, value=value)
    # predict on the full series so held-out lags come from the observed past, then keep held-out days
    pred = m.predict(df.loc[df["date"] <= hi], weather, value=value)
    keep = ((pred["date"] >= lo) & (pred["date"] <= hi)).to_numpy()
    sn = seasonal_naive(df, value=value).to_numpy()
    pe = persistence(df, value=value).to_numpy()
    out = df.loc[test_mask, ["date", "zone_id"]].reset_index(drop=True)
    out["observed"] = df.loc[test_mask, value].to_numpy()
    out["model"] = pred.loc[keep, "expected"].to_numpy()
    out["seasonal_naive"] = sn[test_mask]
    out["persistence"] = pe[test_mask]
    valid = out[["model", "seasonal_naive", "persistence"]].notna().all(axis=1)
    out = out.loc[valid].reset_index(drop=True)
    dev = {
        k: float(mean_poisson_deviance(out["observed"], out[k]))
        for k in ("model", "seasonal_naive", "persistence")
    }
    imp = {k: 1.0 - dev["model"] / dev[k] for k in ("seasonal_naive", "persistence")}
    notes = tuple(f"model: {n}" for n in m.notes_)
    if int((~valid).sum()):
        notes += (
            f"{int((~valid).sum()):,} held-out zone-days without a full baseline history were not scored",
        )
    return BacktestResult(
        deviance=dev,
        improvement=imp,
        train_period=(train["date"].min(), train["date"].max()),
        test_period=(out["date"].min(), out["date"].max()),
        n_train=m.n_train_,
        n_test=len(out),
        predictions=out,
        model=m,
        notes=notes,
    )
