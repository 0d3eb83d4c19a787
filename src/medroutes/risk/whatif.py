"""What-if analysis: re-score under a changed scenario and return the difference per unit.

Changes that can be combined in one call:

- **weather**: scale the wave height (``scale_hs``), optionally only inside a
  date window, or replace days with a weather table (``weather_window``). The
  departure model (:class:`~medroutes.risk.threat.DeparturePressureModel`,
  fitted on the baseline) turns the new weather into expected departures, and
  the new wave height enters the vulnerability.
- **assets**: add a rescue vessel on station (``add_asset``) or move one
  (``move_asset``); the distance to the nearest asset is recomputed.
- **departures**: move a share of one zone's departures to another zone
  (``shift_departures``); their sea state, passage and asset distance follow.

The scores are recomputed with the baseline's references (so a change that
affects every unit still shows) and the baseline's loss-of-life estimate: a
place's recorded death rate is a property of its record and is held fixed;
what changes is the pressure and the response gap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from medroutes.errors import ConfigError
from medroutes.risk._score import _FIXED_IMPACT, RiskResult, _score_all, _voyage_features

__all__ = ["what_if"]


def _scaled_weather(weather: pd.DataFrame, scale_hs: float | None, window: Any) -> tuple[pd.DataFrame, str]:
    w = weather.copy()
    desc = []
    dates = pd.to_datetime(w["date"], utc=True).dt.floor("D")
    if isinstance(window, pd.DataFrame):
        need = {"date", "region"}
        if not need <= set(window.columns):
            raise ConfigError(
                f"weather_window table needs columns date, region (and wind_kn/hs_m); got {list(window.columns)}"
            )
        rep = window.copy()
        rep["date"] = pd.to_datetime(rep["date"], utc=True).dt.floor("D")
        key = pd.MultiIndex.from_arrays([dates, w["region"].astype(str)])
        rkey = pd.MultiIndex.from_arrays([rep["date"], rep["region"].astype(str)])
        pos = pd.Series(np.arange(len(rep)), index=rkey)
        pos = pos[~pos.index.duplicated(keep="last")]
        hit = key.isin(pos.index)
        for c in ("wind_kn", "hs_m"):
            if c in rep.columns:
                vals = rep[c].to_numpy(dtype=np.float64)[pos.reindex(key[hit]).to_numpy()]
                w.loc[hit, c] = vals
        desc.append(f"weather replaced on {int(hit.sum()):,} zone-days")
        mask = np.ones(len(w), dtype=bool)
    elif isinstance(window, tuple) and len(window) == 2:
        lo, hi = pd.Timestamp(window[0], tz="UTC").floor("D"), pd.Timestamp(window[1], tz="UTC").floor("D")
        mask = ((dates >= lo) & (dates <= hi)).to_numpy()
        desc.append(f"window {lo.date()}..{hi.date()}")
    elif window is None:
        mask = np.ones(len(w), dtype=bool)
    else:
        raise ConfigError(
            f"weather_window must be None, a (start, end) tuple or a weather table; got {type(window).__name__}"
        )
    if scale_hs is not None:
        if not (np.isfinite(scale_hs) and scale_hs >= 0):
            raise ConfigError(f"scale_hs must be a number >= 0, got {scale_hs!r}")
        w.loc[mask, "hs_m"] = w.loc[mask, "hs_m"].to_numpy(dtype=np.float64) * float(scale_hs)
        desc.append(f"wave height x{scale_hs:g}")
    return w, ", ".join(desc)


def _departure_ratio(V: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Expected-departure ratio new/old weather per voyage, from the departure model fitted on the baseline."""
    from medroutes.risk.threat import DeparturePressureModel, daily_counts

    ok = ~V["departure_zone"].isin(["at sea", "unknown"])
    counts = daily_counts(V.loc[ok])
    n_days = counts["date"].nunique()
    # a short series (e.g. a two-week scenario) has no lag history: season, weather and zone only
    model = (
        DeparturePressureModel() if n_days >= 400 else DeparturePressureModel(n_harmonics=0, use_lags=False)
    ).fit(counts, old)
    mu0 = model.predict(counts, old)
    mu1 = model.predict(counts, new)
    ratio = (mu1["expected"] / mu0["expected"]).to_numpy()
    key = pd.Series(ratio, index=pd.MultiIndex.from_frame(mu0[["date", "zone_id"]]))
    q = pd.MultiIndex.from_arrays([V["departure_time"].dt.floor("D"), V["departure_zone"].astype(str)])
    r = key.reindex(q).to_numpy(dtype=np.float64)
    r = np.where(np.isfinite(r), r, 1.0)
    how = "with" if model.use_lags else "without"
    return (
        r,
        f"departures re-weighted by the departure model (Poisson GLM {how} recent-departure lags) under the new weather",
    )


def _shift(V: pd.DataFrame, spec: dict[str, Any], seed: int | None) -> tuple[pd.DataFrame, pd.Series, str]:
    """Move a seeded random share of one zone's voyages to another zone."""
    try:
        z_from, z_to, share = spec["from"], spec["to"], float(spec["share"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            "shift_departures must be a dict like {'from': 'ly_west', 'to': 'tn_sfax', 'share': 0.3}"
        ) from exc
    if not 0 <= share <= 1:
        raise ConfigError(f"shift_departures share must be in [0, 1], got {share!r}")
    idx = np.flatnonzero((V["departure_zone"] == z_from).to_numpy())
    if idx.size == 0:
        raise ConfigError(
            f"shift_departures: no voyages leave from {z_from!r}; zones: {sorted(V['departure_zone'].unique())}"
        )
    rng = np.random.default_rng(None if seed is None else [seed, 17])
    k = round(share * idx.size)
    moved = np.sort(rng.choice(idx, size=k, replace=False))
    V.loc[moved, "departure_zone"] = z_to
    return V, V.loc[moved, "voyage_id"], f"{k:,} of {idx.size:,} departures moved from {z_from} to {z_to}"


def _assets(
    A: pd.DataFrame | None,
    move_asset: tuple[str, tuple[float, float]] | None,
    add_asset: tuple[float, float] | None,
    state: dict[str, Any],
    window_h: float,
) -> tuple[pd.DataFrame | None, str]:
    """Put an asset on station at a new position, and/or add one on station for the whole period."""
    desc = []
    if move_asset is not None:
        if A is None or A.empty:
            raise ConfigError("move_asset: the baseline has no asset positions")
        vid, (lon, lat) = move_asset
        sel = A["vessel_id"] == str(vid)
        if not sel.any():
            raise ConfigError(f"move_asset: unknown asset {vid!r}; assets: {sorted(A['vessel_id'].unique())}")
        A = A.copy()
        A.loc[sel, "lon"], A.loc[sel, "lat"] = float(lon), float(lat)
        desc.append(f"asset {vid} on station at ({lon:.2f}, {lat:.2f})")
    if add_asset is not None:
        lon, lat = add_asset
        pad = pd.Timedelta(hours=window_h)
        t = pd.date_range(state["t0"].floor("h") - pad, state["t1"].ceil("h") + pad, freq="1h")
        extra = pd.DataFrame(
            {"vessel_id": "what-if asset", "timestamp": t, "lon": float(lon), "lat": float(lat)}
        )
        A = (
            extra
            if A is None
            else pd.concat([A, extra], ignore_index=True).sort_values("timestamp", kind="stable")
        )
        desc.append(f"asset added on station at ({lon:.2f}, {lat:.2f})")
    return A, "; ".join(desc)


def _difference(before: pd.DataFrame, after: pd.DataFrame, unit_type: str) -> pd.DataFrame:
    """Before, after and delta per unit (units new in ``after`` are appended)."""
    b = before.set_index("unit_id")
    a = after.set_index("unit_id")
    ids = list(b.index) + [i for i in a.index if i not in b.index]
    b, a = b.reindex(ids), a.reindex(ids)
    d = pd.DataFrame(
        {
            "unit_id": ids,
            "unit_type": unit_type,
            "threat_before": b["threat"].to_numpy(dtype=np.float64),
            "threat_after": a["threat"].to_numpy(dtype=np.float64),
            "vulnerability_before": b["vulnerability"].to_numpy(dtype=np.float64),
            "vulnerability_after": a["vulnerability"].to_numpy(dtype=np.float64),
            "impact": a["impact"].fillna(b["impact"]).to_numpy(dtype=np.float64),
            "score_before": b["score"].to_numpy(dtype=np.float64),
            "score_after": a["score"].to_numpy(dtype=np.float64),
            "category_before": b["category"].to_numpy(dtype=object),
            "category_after": a["category"].to_numpy(dtype=object),
            "explanation_after": a["explanation"].to_numpy(dtype=object),
        }
    )
    d.insert(9, "delta", d["score_after"] - d["score_before"])
    d["category_changed"] = d["category_before"].astype(str) != d["category_after"].astype(str)
    return d


def what_if(
    result: RiskResult,
    *,
    weather_window: Any = None,
    scale_hs: float | None = None,
    add_asset: tuple[float, float] | None = None,
    move_asset: tuple[str, tuple[float, float]] | None = None,
    shift_departures: dict[str, Any] | None = None,
    unit_type: str = "zone",
) -> pd.DataFrame:
    """Re-score under a changed scenario and return before, after and the difference per unit.

    Parameters
    ----------
    result
        Baseline :class:`RiskResult` from :func:`score_risk` (it keeps its inputs).
    weather_window
        ``(start, end)`` dates limiting ``scale_hs``, or a weather table
        (``date, region, wind_kn, hs_m``) whose rows replace the baseline weather.
    scale_hs
        Multiply the significant wave height [m] by this factor (inside the window, if any).
    add_asset
        ``(lon, lat)`` [deg] of an added rescue vessel on station for the whole period.
    move_asset
        ``(vessel_id, (lon, lat))``: that asset stays on station at the new position.
    shift_departures
        ``{"from": zone_id, "to": zone_id, "share": 0.3}``: that share of the
        first zone's voyages (chosen with the config's seed) leaves from the second.
    unit_type : {"zone", "corridor", "edge", "window", "all"}
        Units to compare.

    Returns
    -------
    pandas.DataFrame
        ``unit_id, unit_type, threat_before, threat_after, vulnerability_before,
        vulnerability_after, impact, score_before, score_after, delta,
        category_before, category_after, category_changed, explanation_after``;
        ``attrs["what_if"]`` describes the change.
    """
    inp = result._inputs
    if not inp:
        raise ConfigError(
            "what_if needs a RiskResult returned by score_risk in this session (it keeps its inputs)"
        )
    if unit_type not in ("zone", "corridor", "edge", "window", "all"):
        raise ConfigError(
            f"unit_type must be 'zone', 'corridor', 'edge', 'window' or 'all', got {unit_type!r}"
        )
    cfg = result.config
    V = inp["V"].copy()
    weather = inp["weather"]
    A = inp["assets"]
    points = inp["points"]
    state = dict(inp["state"])
    desc: list[str] = []
    moved_ids: pd.Series = pd.Series([], dtype=object)
    if shift_departures is not None:
        V, moved_ids, d = _shift(V, shift_departures, cfg.seed)
        if points is not None:
            points = points.loc[~points["voyage_id"].isin(moved_ids)]
        desc.append(d)
    if scale_hs is not None or weather_window is not None:
        if weather is None:
            raise ConfigError("a weather what-if needs the baseline to have been scored with a weather table")
        new_w, d = _scaled_weather(weather, scale_hs, weather_window)
        ratio, d2 = _departure_ratio(V, weather, new_w)
        V["weight"] = (V["weight"].to_numpy() if "weight" in V.columns else 1.0) * ratio
        weather = new_w
        desc += [d, d2]
    if move_asset is not None or add_asset is not None:
        A, d = _assets(A, move_asset, add_asset, state, cfg.asset_window_h)
        desc.append(d)
    if not desc:
        desc.append("no change")
    F = _voyage_features(V, weather=weather, assets=A, points=points, cfg=cfg, lookups=inp["lookups"])
    if len(moved_ids):  # a moved voyage no longer follows its old corridor (it would need re-clustering)
        F.loc[F["voyage_id"].isin(moved_ids), "corridor_id"] = None
    base = result.voyages.set_index("voyage_id")
    for c in ("fatal_v", "p_fatal"):  # the record and its model are held fixed
        F[c] = base[c].reindex(F["voyage_id"]).to_numpy()
    bad = F["zone_id"].isin(["at sea", "unknown"])
    fixed = {}
    for ut, tab in (
        ("zone", result.zones),
        ("corridor", result.corridors),
        ("edge", result.edges),
        ("window", result.windows),
    ):
        if len(tab):
            fixed[ut] = tab.set_index("unit_id")[list(_FIXED_IMPACT)]
    tables, _ = _score_all(
        F.loc[~bad],
        F,
        inp["attributed"],
        inp["edges"],
        A,
        state,
        np.random.default_rng(cfg.seed),
        refs=inp["refs"],
        fixed=fixed,
    )
    wanted = ("zone", "corridor", "edge", "window") if unit_type == "all" else (unit_type,)
    before = {
        "zone": result.zones,
        "corridor": result.corridors,
        "edge": result.edges,
        "window": result.windows,
    }
    parts = [_difference(before[ut], tables[ut], ut) for ut in wanted if len(before[ut]) or len(tables[ut])]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out.attrs["what_if"] = "; ".join(desc)
    return out
