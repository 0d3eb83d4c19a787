"""Charts: departures over time, calibration, backtest and origin-destination matrix."""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike

from medroutes.errors import ConfigError, InsufficientDataError, SchemaError
from medroutes.plot._base import _new_axes, _safe
from medroutes.plot._style import OKABE_ITO

__all__ = [
    "departures_by_zone",
    "od_matrix",
    "plot_backtest",
    "plot_calibration",
    "plot_departures",
    "plot_od_matrix",
    "reliability_table",
]

_FREQ_WORDS = {"D": "day", "W": "week", "MS": "month", "ME": "month", "M": "month"}
_WEATHER_LABELS = {
    "hs_m": "Significant wave height Hs [m]",
    "wind_kn": "Wind speed [kn]",
}


def _require(df: pd.DataFrame, cols: tuple[str, ...], table: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise SchemaError(f"{table}: column {missing[0]!r} is missing ({len(df):,} rows)")


def _utc(s: pd.Series) -> pd.Series:
    t = pd.to_datetime(s, utc=True)
    return t.astype("datetime64[ns, UTC]")


# --------------------------------------------------------------------------- #
# departures
# --------------------------------------------------------------------------- #


def _grouper(freq: str) -> pd.Grouper:
    """Group ``date`` by period, each period labelled by its first day (weeks start on Monday)."""
    if freq == "W":
        return pd.Grouper(key="date", freq="W-MON", label="left", closed="left")
    return pd.Grouper(key="date", freq=freq)


def departures_by_zone(
    departures: pd.DataFrame, *, freq: str = "W", value: str = "departures", zones: list[str] | None = None
) -> pd.DataFrame:
    """Sum departures per zone and period.

    Parameters
    ----------
    departures
        Either a departures table (``date, zone_id, departures, persons``, as in
        ``Scenario.departures``) or a voyages table (``start_time,
        departure_zone``; each row one departure).
    freq
        Pandas period alias: ``"D"`` day, ``"W"`` week, ``"MS"`` month.
    value
        Column to sum (``"departures"`` or ``"persons"``); ignored for voyages.
    zones
        Zones to keep, in this order; default all departure zones by total, descending.

    Returns
    -------
    pandas.DataFrame
        Index: period start (UTC), one column per zone; empty periods are 0.
    """
    if {"start_time", "departure_zone"} <= set(departures.columns) and "zone_id" not in departures.columns:
        d = pd.DataFrame(
            {
                "date": _utc(departures["start_time"]),
                "zone_id": departures["departure_zone"].astype(str),
                "v": 1.0,
            }
        )
    else:
        _require(departures, ("date", "zone_id", value), "departures")
        d = pd.DataFrame(
            {
                "date": _utc(departures["date"]),
                "zone_id": departures["zone_id"].astype(str),
                "v": pd.to_numeric(departures[value], errors="coerce").astype("float64"),
            }
        )
    d = d[d["date"].notna()]
    if len(d) == 0:
        raise InsufficientDataError(f"departures: no row with a date ({len(departures):,} rows)")
    table = d.pivot_table(index=_grouper(freq), columns="zone_id", values="v", aggfunc="sum")
    table = table.fillna(0.0)
    if zones is None:
        zones = list(table.sum().sort_values(ascending=False, kind="stable").index)
    table = table.reindex(columns=zones, fill_value=0.0)
    table.columns.name = "zone_id"
    return table


def plot_departures(
    departures: pd.DataFrame,
    weather: pd.DataFrame | None = None,
    ax: Axes | None = None,
    *,
    freq: str = "W",
    value: str = "departures",
    weather_var: str = "hs_m",
    zones: list[str] | None = None,
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Plot departures per zone over time, with sea state or wind on a second axis.

    Parameters
    ----------
    departures
        Departures table (``date, zone_id, departures, persons``) or voyages
        table (``start_time, departure_zone``), see :func:`departures_by_zone`.
    weather
        Optional ``date, region, wind_kn, hs_m`` (region = departure ``zone_id``);
        the mean over the plotted zones and each period is drawn on a twin axis.
    ax
        Axes to draw on; a new figure when ``None``.
    freq
        Period of the sums: ``"D"`` day, ``"W"`` week, ``"MS"`` month.
    value : {"departures", "persons"}
        What to count (departures tables only).
    weather_var : {"hs_m", "wind_kn"}
        Weather variable on the twin axis.
    zones
        Zones to plot (at most 8); default the 6 busiest, the rest summed as "other zones".
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The main axes; the weather axis is ``ax.medroutes_twin`` when drawn.
    """
    if weather_var not in _WEATHER_LABELS:
        raise ConfigError(f"weather_var must be one of {sorted(_WEATHER_LABELS)}, got {weather_var!r}")
    if zones is not None and len(zones) > len(OKABE_ITO):
        raise ConfigError(f"at most {len(OKABE_ITO)} zones can be told apart by colour, got {len(zones)}")
    table = departures_by_zone(departures, freq=freq, value=value, zones=zones)
    if zones is None and table.shape[1] > 7:
        top = list(table.columns[:6])
        table = table[top].assign(**{"other zones": table.drop(columns=top).sum(axis=1)})
    fig, ax = _new_axes(ax, (8.0, 3.8))
    period = _FREQ_WORDS.get(freq.split("-")[0], freq)
    x = pd.DatetimeIndex(table.index).tz_convert("UTC").tz_localize(None)
    for i, zone in enumerate(table.columns):
        ax.plot(
            x,
            table[zone].to_numpy(),
            color=OKABE_ITO[i % len(OKABE_ITO)],
            lw=1.6,
            label=_safe(zone),
            zorder=3,
        )
    what = "Persons departing" if value == "persons" and "zone_id" in departures.columns else "Departures"
    unit = "persons" if what.startswith("Persons") else "boats"
    ax.set_ylabel(f"{what} [{unit} per {period}]")
    ax.set_xlabel("Date (UTC)")
    ax.set_ylim(bottom=0)
    ax.grid(True, axis="y", color="#dddddd", lw=0.6)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    handles, labels = ax.get_legend_handles_labels()
    if weather is not None and len(weather):
        _require(weather, ("date", "region", weather_var), "weather")
        w = pd.DataFrame(
            {
                "date": _utc(weather["date"]),
                "region": weather["region"].astype(str),
                "v": pd.to_numeric(weather[weather_var], errors="coerce").astype("float64"),
            }
        )
        sel = w[w["region"].isin([str(c) for c in table.columns])]
        w = sel if len(sel) else w
        series = w.groupby(_grouper(freq))["v"].mean()
        series = series.reindex(table.index)
        twin = ax.twinx()
        wx = pd.DatetimeIndex(series.index).tz_convert("UTC").tz_localize(None)
        twin.fill_between(wx, series.to_numpy(), color="#999999", alpha=0.18, lw=0, zorder=1)
        twin.plot(wx, series.to_numpy(), color="#555555", lw=1.0, ls="--", zorder=2)
        twin.set_ylabel(f"{_WEATHER_LABELS[weather_var]}, mean per {period}")
        twin.set_ylim(bottom=0)
        ax.set_zorder(twin.get_zorder() + 1)
        ax.patch.set_visible(False)
        handles.append(Line2D([], [], color="#555555", ls="--", lw=1.0))
        labels.append(f"{_WEATHER_LABELS[weather_var].split(' [')[0]} (right axis)")
        ax.medroutes_twin = twin  # type: ignore[attr-defined]
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncols=min(4, len(labels)),
        framealpha=0.95,
        title="Departure zone",
    )
    ax.set_title(title if title is not None else f"{what} per {period} by departure zone")
    return fig, ax


# --------------------------------------------------------------------------- #
# calibration
# --------------------------------------------------------------------------- #


def _wilson(k: np.ndarray, n: np.ndarray, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n (95 % by default)."""
    p = k / n
    den = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / den
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def reliability_table(
    predicted: ArrayLike, observed: ArrayLike, *, n_bins: int = 10, strategy: str = "uniform"
) -> pd.DataFrame:
    """Bin predictions and compare them with observed frequencies.

    Parameters
    ----------
    predicted
        Predicted probabilities, 0 to 1.
    observed
        Observed outcomes, 0 or 1 (True/False).
    n_bins
        Number of bins.
    strategy : {"uniform", "quantile"}
        Equal-width bins on 0..1, or bins holding equal numbers of predictions.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: ``mean_predicted, observed_freq, n, events,
        low, high`` (95 % Wilson interval of the observed frequency).
    """
    p = np.asarray(predicted, dtype=np.float64).ravel()
    y = np.asarray(observed, dtype=np.float64).ravel()
    if p.shape != y.shape:
        raise ConfigError(f"predicted and observed differ in length ({len(p):,} vs {len(y):,})")
    if not np.isin(y, (0.0, 1.0)).all():
        raise SchemaError(
            f"observed: {int((~np.isin(y, (0.0, 1.0))).sum()):,} of {len(y):,} values are not 0 or 1"
        )
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise SchemaError(
            f"predicted: {int((np.isnan(p) | (p < 0) | (p > 1)).sum()):,} of {len(p):,} values are not in 0..1"
        )
    if not (isinstance(n_bins, int) and n_bins >= 1):
        raise ConfigError(f"n_bins must be a positive integer, got {n_bins!r}")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
    else:
        raise ConfigError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    ids = np.searchsorted(edges[1:-1], p, side="right")
    n = np.bincount(ids, minlength=len(edges) - 1).astype(float)
    events = np.bincount(ids, weights=y, minlength=len(edges) - 1)
    psum = np.bincount(ids, weights=p, minlength=len(edges) - 1)
    ok = n > 0
    low, high = _wilson(events[ok], n[ok])
    return pd.DataFrame(
        {
            "mean_predicted": psum[ok] / n[ok],
            "observed_freq": events[ok] / n[ok],
            "n": n[ok].astype("int64"),
            "events": events[ok].astype("int64"),
            "low": low,
            "high": high,
        }
    )


def plot_calibration(
    predicted: ArrayLike,
    observed: ArrayLike,
    ax: Axes | None = None,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    event: str = "event",
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Reliability diagram: observed frequency against predicted probability per bin.

    Points on the diagonal are well calibrated. Error bars are 95 % Wilson
    intervals of the observed frequency; the legend gives the Brier score.

    Parameters
    ----------
    predicted
        Predicted probabilities, 0 to 1.
    observed
        Observed outcomes, 0 or 1.
    ax
        Axes to draw on; a new figure when ``None``.
    n_bins
        Number of bins.
    strategy : {"uniform", "quantile"}
        Bin edges, see :func:`reliability_table`.
    event
        What is predicted, for the axis labels (e.g. ``"fatal incident per voyage"``).
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    table = reliability_table(predicted, observed, n_bins=n_bins, strategy=strategy)
    p = np.asarray(predicted, dtype=np.float64).ravel()
    y = np.asarray(observed, dtype=np.float64).ravel()
    brier = float(np.mean((p - y) ** 2))
    fig, ax = _new_axes(ax, (5.0, 4.6))
    top = float(max(table["high"].max(), table["mean_predicted"].max(), 1e-3)) * 1.08
    top = min(1.0, top)
    ax.plot([0, top], [0, top], color="#888888", ls="--", lw=1.0, label="Perfectly calibrated", zorder=1)
    ax.errorbar(
        table["mean_predicted"],
        table["observed_freq"],
        yerr=[table["observed_freq"] - table["low"], table["high"] - table["observed_freq"]],
        fmt="o",
        color=OKABE_ITO[3],
        ecolor=OKABE_ITO[3],
        elinewidth=1.0,
        capsize=3,
        ms=5,
        label=f"Observed (95 % interval), Brier {brier:.4f}",
        zorder=3,
    )
    ax.plot(table["mean_predicted"], table["observed_freq"], color=OKABE_ITO[3], lw=0.8, zorder=2)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(f"Predicted probability of {_safe(event)} [0–1]")
    ax.set_ylabel(f"Observed frequency of {_safe(event)} [0–1]")
    ax.grid(True, color="#e5e5e5", lw=0.6)
    ax.legend(loc="upper left", framealpha=0.9)
    ax.set_title(title if title is not None else f"Calibration ({len(p):,} predictions, {len(table)} bins)")
    return fig, ax


# --------------------------------------------------------------------------- #
# backtest
# --------------------------------------------------------------------------- #


def plot_backtest(
    backtest: pd.DataFrame,
    ax: Axes | None = None,
    *,
    x: str | None = None,
    quantity: str = "Dead and missing [persons]",
    interval: str = "90 % interval",
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Compare predictions (with intervals) with what was then observed.

    Parameters
    ----------
    backtest
        One row per period or unit with ``predicted, observed`` and optionally
        ``predicted_low, predicted_high``; the x position comes from column ``x``.
    ax
        Axes to draw on; a new figure when ``None``.
    x
        Column for the x axis: a datetime column gives a time series, any other
        a category axis. Default ``"period"``, else ``"unit_id"``.
    quantity
        Y-axis label, with its unit in brackets.
    interval
        Name of the prediction interval for the legend.
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    if x is None:
        x = "period" if "period" in backtest.columns else "unit_id"
    _require(backtest, (x, "predicted", "observed"), "backtest")
    fig, ax = _new_axes(ax, (7.0, 3.8))
    pred = pd.to_numeric(backtest["predicted"], errors="coerce").to_numpy(dtype=float)
    obs = pd.to_numeric(backtest["observed"], errors="coerce").to_numpy(dtype=float)
    xs = backtest[x]
    is_time = pd.api.types.is_datetime64_any_dtype(xs)
    if is_time:
        xv: Any = _utc(xs).dt.tz_localize(None).to_numpy()
    else:
        xv = np.arange(len(backtest), dtype=float)
    has_int = {"predicted_low", "predicted_high"} <= set(backtest.columns)
    label_int = ""
    if has_int:
        lo = pd.to_numeric(backtest["predicted_low"], errors="coerce").to_numpy(dtype=float)
        hi = pd.to_numeric(backtest["predicted_high"], errors="coerce").to_numpy(dtype=float)
        inside = (obs >= lo) & (obs <= hi)
        ok = np.isfinite(obs) & np.isfinite(lo) & np.isfinite(hi)
        label_int = f" — {int(inside[ok].sum())} of {int(ok.sum())} observed inside"
        if is_time:
            ax.fill_between(xv, lo, hi, color=OKABE_ITO[1], alpha=0.3, lw=0, label=f"Predicted {interval}")
        else:
            ax.vlines(xv, lo, hi, color=OKABE_ITO[1], lw=6, alpha=0.5, label=f"Predicted {interval}")
        outside = ok & ~inside
        if outside.any():
            ax.scatter(
                xv[outside],
                obs[outside],
                s=90,
                facecolors="none",
                edgecolors=OKABE_ITO[4],
                linewidths=1.4,
                zorder=5,
                label="Observed outside the interval",
                clip_on=False,
            )
    ax.plot(
        xv,
        pred,
        marker="_" if not is_time else None,
        ms=14,
        mew=2,
        ls="-" if is_time else "none",
        color=OKABE_ITO[3],
        lw=1.4,
        label="Predicted",
        zorder=3,
    )
    ax.plot(xv, obs, marker="o", ls="none", color="black", ms=4.5, label="Observed", zorder=4, clip_on=False)
    if is_time:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("Period start (UTC)")
    else:
        ax.set_xticks(xv, [_safe(v) for v in xs.astype(str)], rotation=30, ha="right")
        ax.set_xlabel(_safe(x.replace("_", " ")))
    ax.set_ylabel(quantity)
    ax.set_ylim(bottom=0)
    ax.grid(True, axis="y", color="#e5e5e5", lw=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, framealpha=0.95)
    ax.set_title(title if title is not None else f"Backtest: predicted vs observed{label_int}")
    return fig, ax


# --------------------------------------------------------------------------- #
# OD matrix
# --------------------------------------------------------------------------- #


def od_matrix(od: pd.DataFrame, *, value: str | None = None) -> pd.DataFrame:
    """Origin-destination counts: departure zones as rows, arrival zones as columns.

    Parameters
    ----------
    od
        A voyages table (``departure_zone, arrival_zone``; counted, or summed
        over ``value``), or an already square matrix (returned unchanged).
    value
        Column to sum instead of counting voyages (e.g. ``"persons"``).

    Returns
    -------
    pandas.DataFrame
        Counts, 0 where no voyage.
    """
    if not {"departure_zone", "arrival_zone"} <= set(od.columns):
        return od.apply(pd.to_numeric, errors="coerce").fillna(0)
    dep = od["departure_zone"].astype(str)
    arr = od["arrival_zone"].astype(str)
    if value is None:
        table = pd.crosstab(dep, arr)
    else:
        _require(od, (value,), "voyages")
        table = pd.crosstab(dep, arr, values=pd.to_numeric(od[value], errors="coerce"), aggfunc="sum").fillna(
            0
        )
    table.index.name, table.columns.name = "departure_zone", "arrival_zone"
    return table


def plot_od_matrix(
    od: pd.DataFrame,
    ax: Axes | None = None,
    *,
    value: str | None = None,
    min_count: int | None = None,
    unit: str = "voyages",
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Heat map of the origin-destination matrix with the count in each cell.

    Parameters
    ----------
    od
        Voyages table or square matrix, see :func:`od_matrix`.
    ax
        Axes to draw on; a new figure when ``None``.
    value
        Column to sum instead of counting voyages.
    min_count
        Cells with ``0 < count < min_count`` show ``"<min_count"`` instead of
        the number (small-count suppression); ``None`` shows every count.
    unit
        Unit of the counts, for the colour bar (e.g. ``"voyages"``, ``"persons"``).
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    table = od_matrix(od, value=value)
    if table.size == 0:
        raise InsufficientDataError(f"OD matrix: no voyage to count ({len(od):,} rows)")
    fig, ax = _new_axes(ax, (max(4.5, 1.0 + 0.75 * table.shape[1]), max(3.2, 1.2 + 0.5 * table.shape[0])))
    vals = table.to_numpy(dtype=float)
    vmax = max(float(vals.max()), 1.0)
    im = ax.imshow(vals, cmap="Blues", vmin=0, vmax=vmax, aspect="auto", interpolation="nearest")
    for (i, j), v in np.ndenumerate(vals):
        if min_count is not None and 0 < v < min_count:
            txt = f"<{min_count}"
        else:
            txt = f"{v:,.0f}"
        ax.text(j, i, txt, ha="center", va="center", fontsize=7, color="white" if v > 0.6 * vmax else "black")
    ax.set_xticks(range(table.shape[1]), [_safe(c) for c in table.columns], rotation=35, ha="right")
    ax.set_yticks(range(table.shape[0]), [_safe(c) for c in table.index])
    ax.set_xlabel("Arrival zone (end of voyage)")
    ax.set_ylabel("Departure zone")
    cb = fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02)
    cb.set_label(f"{unit.capitalize()} [count]")
    total = float(vals.sum())
    ax.set_title(title if title is not None else f"Origin-destination matrix ({total:,.0f} {unit})")
    return fig, ax
