"""score_risk: threat x vulnerability x impact per zone, corridor, edge and time window."""

from __future__ import annotations

import hashlib
import html
import json
import platform
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from medroutes.errors import InsufficientDataError, SchemaError
from medroutes.options import progress_bar
from medroutes.risk.config import CATEGORIES, IMPACT_ANCHORS, INSUFFICIENT, RiskConfig
from medroutes.risk.impact import check_incidents, dead_missing, nearest_within
from medroutes.risk.models import (
    categorise,
    combine_components,
    compound_poisson_dispersion,
    eb_gamma_poisson,
    half_saturation,
)

__all__ = ["UNIT_COLUMNS", "UNIT_TYPES", "RiskResult", "add_edge_risk", "score_risk"]

#: Columns every scored-unit table starts with (the risk contract).
UNIT_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "unit_type",
    "threat",
    "vulnerability",
    "impact",
    "score",
    "score_low",
    "score_high",
    "category",
    "explanation",
    "n_crossings",
    "dead_missing",
    "rate_per_1000",
    "rate_low",
    "rate_high",
)
#: Unit types, in the order of :meth:`RiskResult.to_frame`.
UNIT_TYPES: tuple[str, ...] = ("zone", "corridor", "edge", "window")

_EXTRA_COLUMNS: tuple[str, ...] = (
    "n_voyages",
    "persons",
    "departures_per_day",
    "p_high_or_above",
    "fatal",
    "expected_fatal",
    "fatal_per_1000",
    "fatal_low",
    "fatal_high",
    "hs_m",
    "persons_per_boat",
    "boat_loss_share",
    "passage_km",
    "asset_km",
    "sar_loss_share",
    "sar_region",
)

_FACTOR_TEXT = {
    "hs_m": ("Hs {:.1f} m at departure", "weather (wave height)"),
    "persons_per_boat": ("{:.0f} persons per boat", "persons on board"),
    "boat_loss_share": ("boat-type shipwreck share {:.1%}", "boat types with outcomes"),
    "passage_km": ("{:,.0f} km to a place of safety", "passage distance"),
    "asset_km": ("nearest SAR/patrol asset {:,.0f} km", "rescue/patrol asset positions"),
    "sar_loss_share": ("{:.0%} of distress cases in {} with dead or missing", "located distress incidents"),
}
#: Unit columns held at their baseline values in what-if runs (the record of a place).
_FIXED_IMPACT: tuple[str, ...] = (
    "impact",
    "rate_per_1000",
    "rate_low",
    "rate_high",
    "dead_missing",
    "n_crossings",
    "fatal_per_1000",
    "fatal_low",
    "fatal_high",
)
_NOUN = {"zone": "zone", "corridor": "corridor", "edge": "edge", "window": "window"}


# --------------------------------------------------------------------------- #
# Result
# --------------------------------------------------------------------------- #


def _empty_units() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64") for c in UNIT_COLUMNS + _EXTRA_COLUMNS}).astype(
        {
            "unit_id": "object",
            "unit_type": "object",
            "category": "object",
            "explanation": "object",
            "sar_region": "object",
        }
    )


@dataclass
class RiskResult:
    """Scored risk units with their uncertainty, explanation and provenance.

    Every unit table has the columns :data:`UNIT_COLUMNS`, then
    ``n_voyages, persons, departures_per_day, p_high_or_above`` and the raw
    vulnerability factors. Scores are in [0, 1]; ``rate_*`` are dead+missing per
    1,000 crossings (persons who attempted the crossing when ``persons`` is
    known, boat voyages otherwise: see ``provenance["exposure_unit"]``).

    Attributes
    ----------
    zones
        Departure zones.
    corridors
        Corridors (empty unless ``corridors`` was given).
    edges
        Route-graph edges (empty unless ``graph`` was given), with ``u, v, key``.
    windows
        Departure zone x time window (``config.window``), with ``zone_id, period_start``.
    voyages
        Per-voyage features and attributions (for the incident classifier and plots).
    incidents
        Incidents with their attribution (``zone_id, window, corridor_id, edge, sar_region, method``).
    attribution
        Per unit type: incidents and dead+missing attributed and not attributed, with the reason.
    matrix
        The risk matrix: category, score range and equivalent ratio to the reference.
    references
        Per unit type, the reference values of the half-saturation transform and the EB prior.
    provenance
        Seed, config, sha256 fingerprints of the inputs, package versions, exposure unit, dispersion.
    config
        The :class:`RiskConfig` used.
    notes
        Data handling worth reporting (unavailable inputs, voyages not attributable to a zone, ...).
    incident_model
        :class:`~medroutes.risk.classifier.IncidentModelReport` of the cross-fitted
        fatal-incident classifier (ROC AUC, Brier score, reliability curve), or None.
    """

    zones: pd.DataFrame
    corridors: pd.DataFrame
    edges: pd.DataFrame
    windows: pd.DataFrame
    voyages: pd.DataFrame
    incidents: pd.DataFrame
    attribution: pd.DataFrame
    matrix: pd.DataFrame
    references: dict[str, dict[str, float]]
    provenance: dict[str, Any]
    config: RiskConfig
    notes: tuple[str, ...] = ()
    incident_model: Any = None
    _inputs: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """All scored units in one table (zones, corridors, edges, windows), contract columns first."""
        parts = [t for t in (self.zones, self.corridors, self.edges, self.windows) if len(t)]
        if not parts:
            return _empty_units()
        out = pd.concat(parts, ignore_index=True, sort=False)
        first = [c for c in UNIT_COLUMNS + _EXTRA_COLUMNS if c in out.columns]
        rest = [c for c in out.columns if c not in first and c != "geometry"]
        return out[first + rest]

    def _counts(self) -> list[tuple[str, int, dict[str, int]]]:
        rows = []
        for name in ("zones", "corridors", "edges", "windows"):
            t = getattr(self, name)
            cats = t["category"].value_counts().to_dict() if len(t) else {}
            rows.append((name, len(t), {k: int(cats.get(k, 0)) for k in (*CATEGORIES, INSUFFICIENT)}))
        return rows

    def __repr__(self) -> str:
        lines = [
            f"RiskResult(seed={self.provenance.get('seed')!r}, exposure={self.provenance.get('exposure_unit')!r})"
        ]
        for name, n, cats in self._counts():
            if n:
                lines.append(f"  {name}: {n:,} units; " + ", ".join(f"{k} {v}" for k, v in cats.items() if v))
        if len(self.zones):
            top = self.zones.sort_values("score", ascending=False, na_position="last").head(3)
            for _, r in top.iterrows():
                lines.append(f"  - {r['unit_id']}: {r['explanation']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in ("table", "units", *CATEGORIES, INSUFFICIENT))
        body = "".join(
            f"<tr><td>{name}</td><td style='text-align:right'>{n:,}</td>"
            + "".join(f"<td style='text-align:right'>{v}</td>" for v in cats.values())
            + "</tr>"
            for name, n, cats in self._counts()
            if n
        )
        zrows = ""
        if len(self.zones):
            z = self.zones.sort_values("score", ascending=False, na_position="last")
            zrows = "".join(
                f"<tr><td>{html.escape(str(r['unit_id']))}</td><td>{html.escape(str(r['category']))}</td>"
                f"<td>{_fmt_score(r['score'])}</td>"
                f"<td>{html.escape(str(r['explanation']))}</td></tr>"
                for _, r in z.iterrows()
            )
            zrows = (
                "<table><tr><th>zone</th><th>category</th><th>score</th><th>explanation</th></tr>"
                + zrows
                + "</table>"
            )
        return (
            f"<div><b>RiskResult</b> (seed {html.escape(str(self.provenance.get('seed')))}, exposure "
            f"{html.escape(str(self.provenance.get('exposure_unit')))})<table><tr>{head}</tr>{body}</table>"
            f"{zrows}<p><i>Categories describe places, routes and time windows, never people.</i></p></div>"
        )


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #


def _fmt_score(x: Any) -> str:
    return "" if pd.isna(x) else f"{float(x):.2f}"


def _fingerprint(obj: Any) -> dict[str, Any] | None:
    """sha256 of a table's content (values, column names, dtypes) and its row count."""
    if obj is None:
        return None
    if isinstance(obj, pd.DataFrame):
        geo = [c for c in obj.columns if str(obj[c].dtype) == "geometry" or c == "geometry"]
        df = pd.DataFrame(obj).assign(**{c: obj[c].astype(str).to_numpy() for c in geo}) if geo else obj
        h = hashlib.sha256()
        h.update(json.dumps([[str(c), str(t)] for c, t in df.dtypes.items()]).encode())
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        return {"rows": len(df), "sha256": h.hexdigest()}
    return {"type": type(obj).__name__}


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for pkg in ("medroutes", "numpy", "pandas", "scipy", "scikit-learn", "shapely", "networkx"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:  # pragma: no cover
            out[pkg] = "not installed"
    return out


def _prepare_voyages(voyages: Any) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str]]:
    """Accept a scenario voyages table, a tracks ``Voyages`` object or its ``.table``."""
    from medroutes.schema import parse_timestamps

    notes: list[str] = []
    points = None
    if isinstance(voyages, pd.DataFrame):
        df = voyages
    elif isinstance(getattr(voyages, "table", None), pd.DataFrame):
        df = voyages.table
        pts = getattr(voyages, "points", None)
        points = pts if isinstance(pts, pd.DataFrame) else None
    else:
        raise SchemaError(
            f"voyages: expected a DataFrame or a medroutes Voyages object, got {type(voyages).__name__}"
        )
    df = df.copy()
    if "departure_time" not in df.columns and "start_time" in df.columns:
        df["departure_time"] = df["start_time"]
        notes.append("departure time taken from the first position of each voyage (start_time)")
    miss = [c for c in ("voyage_id", "departure_zone", "departure_time") if c not in df.columns]
    if miss:
        raise SchemaError(f"voyages: missing column(s) {miss}; columns present: {list(df.columns)[:12]}")
    df["departure_time"] = parse_timestamps(df["departure_time"], column="departure_time", table="voyages")
    problems = []
    nat = df["departure_time"].isna()
    if nat.any():
        problems.append(
            f"column 'departure_time': {int(nat.sum()):,} of {len(df):,} rows are missing or unparseable"
        )
    dup = df["voyage_id"].duplicated()
    if dup.any():
        problems.append(
            f"column 'voyage_id': {int(dup.sum()):,} of {len(df):,} rows repeat an earlier voyage_id"
        )
    if "persons" in df.columns:
        p = pd.to_numeric(df["persons"], errors="coerce")
        if (p < 0).any():
            problems.append(f"column 'persons': {int((p < 0).sum()):,} of {len(df):,} rows are negative")
        df["persons"] = p.astype("float64")
    if problems:
        raise SchemaError("voyages: " + "; ".join(problems))
    df["departure_zone"] = df["departure_zone"].astype(str)
    end_col = (
        "arrival_time" if "arrival_time" in df.columns else ("end_time" if "end_time" in df.columns else None)
    )
    if end_col is not None:
        end = parse_timestamps(df[end_col], column=end_col, table="voyages")
        df["duration_h"] = (end - df["departure_time"]).dt.total_seconds() / 3600.0
    elif "duration_h" in df.columns:
        df["duration_h"] = pd.to_numeric(df["duration_h"], errors="coerce")
    return df.reset_index(drop=True), points, notes


def _window(ts: pd.Series, window: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return (label, period_start, length_days) of each timestamp's window."""
    day = ts.dt.floor("D")
    if window == "D":
        start = day
        label = day.dt.strftime("%Y-%m-%d")
        length = pd.Series(1.0, index=ts.index)
    elif window == "W":
        start = day - pd.to_timedelta(ts.dt.day_of_week, unit="D")
        iso = ts.dt.isocalendar()
        label = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
        length = pd.Series(7.0, index=ts.index)
    else:
        start = day - pd.to_timedelta(ts.dt.day - 1, unit="D")
        label = ts.dt.strftime("%Y-%m")
        length = ts.dt.days_in_month.astype("float64")
    return label.astype(object), start, length


def _passage_ends(
    dep_zone: np.ndarray, arr_zone: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from medroutes.geo import haversine_km, zone_centroids, zones

    cent = zone_centroids()
    arr_ids = set(zones("arrival")["zone_id"])
    lon0 = cent["lon"].reindex(dep_zone).to_numpy()
    lat0 = cent["lat"].reindex(dep_zone).to_numpy()
    ports = cent.loc[sorted(arr_ids)]
    d = haversine_km(
        lat0[:, None], lon0[:, None], ports["lat"].to_numpy()[None, :], ports["lon"].to_numpy()[None, :]
    )
    near = np.argmin(np.where(np.isfinite(d), d, np.inf), axis=1) if len(dep_zone) else np.zeros(0, dtype=int)
    lon1 = ports["lon"].to_numpy()[near]
    lat1 = ports["lat"].to_numpy()[near]
    if arr_zone is not None:
        known = np.isin(arr_zone, list(arr_ids))
        lon1 = np.where(known, cent["lon"].reindex(arr_zone).to_numpy(), lon1)
        lat1 = np.where(known, cent["lat"].reindex(arr_zone).to_numpy(), lat1)
    return lon0, lat0, lon1, lat1


def _mid_from_points(
    points: pd.DataFrame, vid: pd.Series, mid_time: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Position of each voyage's track fix nearest to its mid-passage time (vectorised)."""
    q = pd.DataFrame({"voyage_id": vid.to_numpy(), "mid": mid_time.to_numpy()})
    p = points[["voyage_id", "timestamp", "lon", "lat"]].merge(q, on="voyage_id", how="inner")
    lon = np.full(len(q), np.nan)
    lat = np.full(len(q), np.nan)
    if p.empty:
        return lon, lat
    p["dt"] = (p["timestamp"] - p["mid"]).abs()
    best = p.loc[p.groupby("voyage_id", sort=False)["dt"].idxmin()]
    pos = pd.Series(np.arange(len(q)), index=q["voyage_id"])
    idx = pos.reindex(best["voyage_id"]).to_numpy()
    lon[idx] = best["lon"].to_numpy()
    lat[idx] = best["lat"].to_numpy()
    return lon, lat


def _voyage_features(
    V: pd.DataFrame,
    *,
    weather: pd.DataFrame | None,
    assets: pd.DataFrame | None,
    points: pd.DataFrame | None,
    cfg: RiskConfig,
    lookups: dict[str, Any],
) -> pd.DataFrame:
    from medroutes.geo import assign_zone, from_med_xy, haversine_km, to_med_xy
    from medroutes.risk.vulnerability import nearest_asset_km, sea_state_at_departure

    f = pd.DataFrame({"voyage_id": V["voyage_id"].to_numpy(), "zone_id": V["departure_zone"].to_numpy()})
    f["departure_time"] = V["departure_time"].to_numpy()
    lab, start, length = _window(V["departure_time"], cfg.window)
    f["window"], f["period_start"], f["window_days"] = lab.to_numpy(), start.to_numpy(), length.to_numpy()
    f["weight"] = V["weight"].to_numpy() if "weight" in V.columns else 1.0
    f["persons"] = V["persons"].to_numpy() if "persons" in V.columns else np.nan
    f["persons_per_boat"] = f["persons"]
    f["boat_type"] = V["boat_type"].astype(object).to_numpy() if "boat_type" in V.columns else None
    if weather is not None:
        w = sea_state_at_departure(V["departure_zone"], V["departure_time"], weather)
        f["hs_m"], f["wind_kn"] = w["hs_m"].to_numpy(), w["wind_kn"].to_numpy()
    else:
        f["hs_m"], f["wind_kn"] = np.nan, np.nan
    arr = V["arrival_zone"].astype(str).to_numpy() if "arrival_zone" in V.columns else None
    lon0, lat0, lon1, lat1 = _passage_ends(V["departure_zone"].to_numpy(), arr)
    gc = haversine_km(lat0, lon0, lat1, lon1)
    if "dist_km" in V.columns:
        sailed = pd.to_numeric(V["dist_km"], errors="coerce").to_numpy(dtype=np.float64)
        f["passage_km"] = np.where(np.isfinite(sailed) & (sailed > 0), sailed, gc)
    else:
        f["passage_km"] = gc
    dur = V["duration_h"].to_numpy(dtype=np.float64) if "duration_h" in V.columns else np.full(len(V), np.nan)
    f["duration_h"] = dur
    half = pd.to_timedelta(np.where(np.isfinite(dur) & (dur > 0), dur / 2.0, 0.0), unit="h")
    f["mid_time"] = (V["departure_time"] + half).to_numpy()
    x0, y0 = to_med_xy(lon0, lat0)
    x1, y1 = to_med_xy(lon1, lat1)
    mlon, mlat = from_med_xy((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    if points is not None and {"voyage_id", "timestamp", "lon", "lat"} <= set(points.columns):
        plon, plat = _mid_from_points(points, f["voyage_id"], f["mid_time"])
        mlon, mlat = np.where(np.isfinite(plon), plon, mlon), np.where(np.isfinite(plat), plat, mlat)
    f["mid_lon"], f["mid_lat"] = mlon, mlat
    if assets is not None and len(assets):
        d = nearest_asset_km(mlon, mlat, f["mid_time"], assets, window_h=cfg.asset_window_h)
        f["asset_km"] = _cap_asset_km(d, lookups)
    else:
        f["asset_km"] = np.nan
    f["sar_region"] = assign_zone(mlon, mlat, kind="sar")
    bl = lookups.get("boat_loss")
    f["boat_loss_share"] = f["boat_type"].map(bl).astype("float64") if bl is not None else np.nan
    sl = lookups.get("sar_loss")
    f["sar_loss_share"] = f["sar_region"].map(sl).astype("float64") if sl is not None else np.nan
    corr = lookups.get("corridor")
    f["corridor_id"] = f["voyage_id"].map(corr) if corr is not None else None
    f["month_sin"] = np.sin(2 * np.pi * V["departure_time"].dt.month.to_numpy() / 12.0)
    f["month_cos"] = np.cos(2 * np.pi * V["departure_time"].dt.month.to_numpy() / 12.0)
    return f


def _cap_asset_km(d: np.ndarray, lookups: dict[str, Any]) -> np.ndarray:
    """No asset within the time window counts as the farthest distance seen in the baseline.

    The cap is the baseline's largest finite distance (stored in ``lookups``
    the first time), so that a what-if never scores a place as safer because
    an asset came into range far away, and adding an asset never raises a score.
    """
    if "asset_cap_km" not in lookups:
        fin = d[np.isfinite(d)]
        lookups["asset_cap_km"] = float(fin.max()) if fin.size else np.nan
    cap = lookups["asset_cap_km"]
    if not np.isfinite(cap):
        return d
    return np.where(np.isfinite(d), np.minimum(d, cap), cap)


def _corridor_geoms(corridors: Any) -> pd.DataFrame | None:
    """``corridor_id, origin_zone, geometry`` (bands) of a corridors table such as ``CorridorClustering.corridors_``."""
    if not isinstance(corridors, pd.DataFrame) or "corridor_id" not in corridors.columns:
        return None
    col = "band" if "band" in corridors.columns else ("geometry" if "geometry" in corridors.columns else None)
    if col is None or "voyage_id" in corridors.columns:
        return None
    import shapely

    g = np.asarray([shapely.from_wkt(x) if isinstance(x, str) else x for x in corridors[col]], dtype=object)
    return pd.DataFrame(
        {
            "corridor_id": corridors["corridor_id"].astype(str).to_numpy(),
            "origin_zone": corridors["origin_zone"].astype(str).to_numpy()
            if "origin_zone" in corridors
            else None,
            "geometry": g,
        }
    )


def _in_corridor(lon: np.ndarray, lat: np.ndarray, zone: np.ndarray | None, cg: pd.DataFrame) -> np.ndarray:
    """corridor_id of the first corridor band (of the same origin zone) containing each point, else None."""
    import shapely

    out = np.full(len(lon), None, dtype=object)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any() or not len(cg):
        return out
    tree = shapely.STRtree(cg["geometry"].to_numpy())
    idx = np.flatnonzero(ok)
    pi, gi = tree.query(shapely.points(lon[idx], lat[idx]), predicate="within")
    if zone is not None and cg["origin_zone"].notna().all():
        keep = cg["origin_zone"].to_numpy()[gi] == zone[idx[pi]]
        pi, gi = pi[keep], gi[keep]
    order = np.lexsort((gi, pi))
    pi, gi = pi[order], gi[order]
    first = np.ones(len(pi), dtype=bool)
    first[1:] = pi[1:] != pi[:-1]
    out[idx[pi[first]]] = cg["corridor_id"].to_numpy()[gi[first]]
    return out


def _corridor_map(corridors: Any, V: pd.DataFrame) -> pd.Series | None:
    """voyage_id -> corridor_id from a table, a Series or a fitted CorridorClustering."""
    if corridors is None or _corridor_geoms(corridors) is not None:
        return None
    if isinstance(corridors, pd.Series):
        s = corridors
    elif isinstance(corridors, pd.DataFrame) and {"voyage_id", "corridor_id"} <= set(corridors.columns):
        s = corridors.drop_duplicates("voyage_id").set_index("voyage_id")["corridor_id"]
    elif isinstance(getattr(corridors, "voyage_labels_", None), pd.Series):
        s = corridors.voyage_labels_
    elif hasattr(corridors, "labels_"):
        labels = np.asarray(corridors.labels_)
        if len(labels) != len(V):
            raise SchemaError(
                f"corridors: the clustering has {len(labels):,} labels for {len(V):,} voyages; "
                "fit it on the same voyages"
            )
        s = pd.Series(labels, index=V["voyage_id"].to_numpy())
    else:
        raise SchemaError(
            "corridors: expected a DataFrame with voyage_id and corridor_id, a corridors table with band "
            "geometries (CorridorClustering.corridors_), a Series indexed by voyage_id, or a fitted "
            f"CorridorClustering; got {type(corridors).__name__}"
        )
    s = s[~pd.isna(s)]
    # noise labels of density clustering (-1) are not a corridor
    s = s[s.astype(str) != "-1"].astype(str)
    return s


def _edge_table(graph: Any) -> pd.DataFrame:
    import shapely

    rows = [
        (u, v, k, d.get("n_voyages", 0), d.get("persons", np.nan), d.get("geometry"))
        for u, v, k, d in graph.edges(keys=True, data=True)
    ]
    e = pd.DataFrame(rows, columns=["u", "v", "key", "n_voyages", "persons", "geometry"])
    nodes = graph.nodes
    if len(e):
        missing = e["geometry"].isna()
        if missing.any():
            xy = [
                shapely.linestrings([[nodes[a]["x"], nodes[a]["y"]], [nodes[b]["x"], nodes[b]["y"]]])
                for a, b in zip(e.loc[missing, "u"], e.loc[missing, "v"], strict=True)
            ]
            e.loc[missing, "geometry"] = pd.Series(xy, index=e.index[missing], dtype=object)
        geoms = np.asarray(
            [shapely.from_wkt(g) if isinstance(g, str) else g for g in e["geometry"]], dtype=object
        )
        e["geometry"] = geoms
        mid = shapely.line_interpolate_point(geoms, 0.5, normalized=True)
        e["mid_lon"], e["mid_lat"] = shapely.get_x(mid), shapely.get_y(mid)
    e["n_voyages"] = pd.to_numeric(e["n_voyages"], errors="coerce").fillna(0).astype("float64")
    e["persons"] = pd.to_numeric(e["persons"], errors="coerce").astype("float64")
    e["unit_id"] = e["u"].astype(str) + "|" + e["v"].astype(str) + "|" + e["key"].astype(str)
    return e


# --------------------------------------------------------------------------- #
# Attribution of incidents
# --------------------------------------------------------------------------- #


def _attribute(
    inc: pd.DataFrame,
    F: pd.DataFrame,
    edges: pd.DataFrame | None,
    cfg: RiskConfig,
    *,
    corridor_geoms: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from medroutes.geo import assign_zone, zones

    n = len(inc)
    dm = dead_missing(inc)
    a = pd.DataFrame(
        {
            "incident_id": inc["incident_id"].to_numpy(),
            "timestamp": inc["timestamp"].to_numpy(),
            "incident_type": inc["incident_type"].to_numpy(),
            "dead_missing": dm.fillna(0).to_numpy(dtype=np.float64),
            "dead_missing_unknown": dm.isna().to_numpy(),
        }
    )
    lon = inc["lon"].to_numpy(dtype=np.float64)
    lat = inc["lat"].to_numpy(dtype=np.float64)
    prec = (
        inc["location_precision_km"].to_numpy(dtype=np.float64)
        if "location_precision_km" in inc.columns
        else np.full(n, np.nan)
    )
    prec = np.where(np.isfinite(prec), prec, cfg.default_precision_km)
    a["zone_id"] = None
    a["window"] = None
    a["period_start"] = pd.Series(pd.NaT, index=a.index, dtype="datetime64[ns, UTC]")
    a["corridor_id"] = None
    a["method"] = "unattributed"
    # 1. by voyage_id
    matched = np.zeros(n, dtype=bool)
    if "voyage_id" in inc.columns and len(F):
        fv = F.set_index("voyage_id")
        vid = inc["voyage_id"]
        matched = vid.isin(fv.index).to_numpy()
        if matched.any():
            sel = vid[matched].to_numpy()
            a.loc[matched, "zone_id"] = fv.loc[sel, "zone_id"].to_numpy()
            a.loc[matched, "window"] = fv.loc[sel, "window"].to_numpy()
            a.loc[matched, "period_start"] = fv.loc[sel, "period_start"].to_numpy()
            a.loc[matched, "corridor_id"] = fv.loc[sel, "corridor_id"].to_numpy()
            a.loc[matched, "method"] = "voyage_id"
    # 2. nearest departure zone within radius, inside the study period
    rest = ~matched
    if rest.any() and len(F):
        dz = zones("departure")
        dz = dz.loc[dz["zone_id"].isin(F["zone_id"].unique())].reset_index(drop=True)
        t0, t1 = F["departure_time"].min(), F["departure_time"].max() + pd.Timedelta(days=14)
        ts = a["timestamp"]
        in_period = ((ts >= t0) & (ts <= t1)).to_numpy()
        cand = rest & in_period
        idx = nearest_within(
            np.where(cand, lon, np.nan), lat, dz.geometry.to_numpy(), prec + cfg.zone_attribution_km
        )
        hit = idx >= 0
        if hit.any():
            a.loc[hit, "zone_id"] = dz["zone_id"].to_numpy()[idx[hit]]
            lab, start, _ = _window(a.loc[hit, "timestamp"], cfg.window)
            a.loc[hit, "window"] = lab.to_numpy()
            a.loc[hit, "period_start"] = start.to_numpy()
            a.loc[hit, "method"] = "nearest_zone"
        a.loc[rest & ~in_period, "method"] = "outside_study_period"
        a.loc[rest & in_period & ~hit & ~np.isfinite(lon), "method"] = "no_location"
        a.loc[rest & in_period & ~hit & np.isfinite(lon), "method"] = "beyond_radius"
    # incidents not linked to a voyage fall in a corridor when they lie in its band
    if corridor_geoms is not None and (~matched).any():
        cid = _in_corridor(np.where(~matched, lon, np.nan), lat, None, corridor_geoms)
        a.loc[pd.notna(cid), "corridor_id"] = cid[pd.notna(cid)]
    # 3. graph edges and SAR regions, by location
    a["edge"] = -1
    if edges is not None and len(edges):
        a["edge"] = nearest_within(lon, lat, edges["geometry"].to_numpy(), prec)
    a["sar_region"] = assign_zone(lon, lat, kind="sar")
    a["lon"], a["lat"], a["precision_km"] = lon, lat, prec
    # summary per unit type
    rows = []
    tot_n, tot_dm = n, float(a["dead_missing"].sum())
    for unit, mask in (
        ("zone", a["zone_id"].notna().to_numpy()),
        ("window", a["window"].notna().to_numpy()),
        ("corridor", a["corridor_id"].notna().to_numpy()),
        ("edge", (a["edge"] >= 0).to_numpy()),
        ("sar_region", ~a["sar_region"].isin(["at sea", "unknown"]).to_numpy()),
    ):
        rows.append(
            {
                "unit_type": unit,
                "n_incidents": tot_n,
                "attributed": int(mask.sum()),
                "unattributed": int(tot_n - mask.sum()),
                "dead_missing_attributed": float(a.loc[mask, "dead_missing"].sum()),
                "dead_missing_unattributed": float(tot_dm - a.loc[mask, "dead_missing"].sum()),
            }
        )
    summary = pd.DataFrame(rows)
    present = {"zone", "window", "sar_region"}
    if F["corridor_id"].notna().any():
        present.add("corridor")
    if edges is not None:
        present.add("edge")
    summary = summary.loc[summary["unit_type"].isin(present)].reset_index(drop=True)
    summary["dead_missing_unknown"] = int(a["dead_missing_unknown"].sum())
    summary["linked_by_voyage_id"] = int(matched.sum())
    return a, summary


# --------------------------------------------------------------------------- #
# Units and scoring
# --------------------------------------------------------------------------- #


def _aggregate(F: pd.DataFrame, A: pd.DataFrame, keys: list[str], factors: tuple[str, ...]) -> pd.DataFrame:
    """Per-unit totals and factor means/SEs from voyage features and attributed incidents."""
    g = F.groupby(keys, sort=True, dropna=True)
    agg: dict[str, tuple[str, str]] = {
        "n_voyages": ("voyage_id", "size"),
        "weight": ("weight", "sum"),
        "persons": ("persons", "sum"),
        "persons_known": ("persons", "count"),
    }
    for fct in factors:
        agg[fct] = (fct, "mean")
        agg[f"{fct}__sd"] = (fct, "std")
        agg[f"{fct}__n"] = (fct, "count")
    U = g.agg(**agg)
    if "window_days" in F.columns and "window" in keys:
        U["days"] = g["window_days"].first()
    # most frequent SAR region of the unit's mid-passage points (ties: alphabetical)
    counts = F.groupby([*keys, "sar_region"], sort=True).size().rename("n").reset_index()
    top = counts.sort_values([*keys, "n"], ascending=[True] * len(keys) + [False], kind="stable")
    U["sar_region"] = top.drop_duplicates(keys).set_index(keys)["sar_region"].reindex(U.index)
    akeys = [k for k in keys if k in A.columns]
    if len(akeys) == len(keys):
        sub = A.dropna(subset=akeys)
        dm = sub.groupby(akeys)["dead_missing"].sum()
        nf = sub.assign(f=(sub["dead_missing"] > 0).astype(float)).groupby(akeys)["f"].sum()
        U["dead_missing"] = dm.reindex(U.index).fillna(0.0).to_numpy()
        U["fatal"] = nf.reindex(U.index).fillna(0.0).to_numpy()
    else:
        U["dead_missing"] = 0.0
        U["fatal"] = 0.0
    U["expected_fatal"] = np.nan
    if "p_fatal" in F.columns and F["p_fatal"].notna().all() and len(F):
        # with a fitted incident model, the frequency compares a unit's fatal voyages with their expected number
        U["fatal"] = g["fatal_v"].sum().to_numpy(dtype=np.float64)
        U["expected_fatal"] = g["p_fatal"].sum().to_numpy(dtype=np.float64)
    return U.reset_index()


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.0f}"
    if x >= 1:
        return f"{x:.1f}"
    if x < 0.01:
        return "0" if x == 0 else "<0.01"
    return f"{x:.2g}"


def _score_units(
    U: pd.DataFrame,
    unit_type: str,
    *,
    cfg: RiskConfig,
    rng: np.random.Generator,
    exposure_unit: str,
    dispersion: float,
    refs: dict[str, float] | None = None,
    fixed_impact: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Score one table of units; return it with the contract columns and the references used."""
    n = len(U)
    out = U.copy()
    nv = out["n_voyages"].to_numpy(dtype=np.float64)
    scored = (nv >= cfg.min_voyages) & (nv > 0)
    new_refs: dict[str, float] = {}

    def ref_of(name: str, x: np.ndarray) -> float:
        # reference = median over all units of this type (a property of the set, not of the data volume)
        if refs is not None and name in refs:
            return float(refs[name])
        v = x[np.isfinite(x) & (x > 0)]
        r = float(np.median(v)) if v.size else np.nan
        new_refs[name] = r
        return r

    # threat: departures per day
    days = out["days"].to_numpy(dtype=np.float64)
    dep = out["weight"].to_numpy(dtype=np.float64)
    rate_dep = dep / days
    out["departures_per_day"] = rate_dep
    t_ref = ref_of("threat", rate_dep)
    threat = half_saturation(rate_dep, t_ref)
    # vulnerability: mean of factor scores
    fnames = [f for f in cfg.vulnerability_factors if f in out.columns]
    fscore: dict[str, np.ndarray] = {}
    fref: dict[str, float] = {}
    for fct in fnames:
        x = out[fct].to_numpy(dtype=np.float64)
        r = ref_of(f"v:{fct}", x)
        if np.isfinite(r):
            fscore[fct] = half_saturation(x, r)
            fref[fct] = r
    if fscore:
        fs = np.column_stack(list(fscore.values()))
        cnt = np.isfinite(fs).sum(axis=1)
        vuln = np.where(
            cnt > 0, np.nansum(np.where(np.isfinite(fs), fs, 0.0), axis=1) / np.maximum(cnt, 1), np.nan
        )
    else:
        vuln = np.full(n, np.nan)
    # loss of life: EB rate of dead+missing per 1,000 crossings (Gamma-Poisson, compound dispersion)
    expo = out["persons"].to_numpy(dtype=np.float64) if exposure_unit == "persons" else nv
    out["n_crossings"] = expo
    y = out["dead_missing"].to_numpy(dtype=np.float64)
    eb = eb_gamma_poisson(
        y, expo, prior=cfg.eb_prior, dispersion=dispersion, credible_level=cfg.credible_level
    )
    f_lo, f_hi = cfg.under_recording if cfg.under_recording is not None else (1.0, 1.0)
    f_mid = (f_lo + f_hi) / 2.0
    out["rate_per_1000"] = eb.rate * 1000.0 * f_mid
    out["rate_low"] = eb.low * 1000.0 * f_lo
    out["rate_high"] = eb.high * 1000.0 * f_hi
    new_refs["rate_prior_mean"] = eb.prior_mean
    new_refs["rate_prior_var"] = eb.prior_var
    # fatal-incident frequency per boat crossing: Clayton-Kaldor EB on expected counts from the
    # incident classifier when voyage outcomes are known, on crossings otherwise
    yf = out["fatal"].to_numpy(dtype=np.float64)
    E = out["expected_fatal"].to_numpy(dtype=np.float64)
    use_model = bool(np.isfinite(E).all() and (E > 0).all() and n > 0)
    fq = eb_gamma_poisson(yf, E if use_model else nv, prior=cfg.eb_prior, credible_level=cfg.credible_level)
    scale = E / np.where(nv > 0, nv, np.nan) if use_model else np.ones(n)
    freq = fq.rate * scale
    out["fatal_per_1000"] = freq * 1000.0
    out["fatal_low"] = fq.low * scale * 1000.0
    out["fatal_high"] = fq.high * scale * 1000.0
    pooled_f = float(np.nansum(yf) / np.nansum(nv)) if np.nansum(nv) > 0 else np.nan
    new_refs["fatal_pooled"] = pooled_f
    new_refs["frequency_prior"] = 1.0 if use_model else fq.prior_mean
    # impact: the unit's own estimate against a fixed, absolute anchor (IMPACT_ANCHORS), never a
    # reference pooled over the units, which the unit's own deaths would move
    if cfg.impact == "frequency":
        i_ref = IMPACT_ANCHORS["frequency"]
        i_point, i_shape, i_rate, i_scale = freq, fq.shape, fq.rate_param, scale
    else:
        i_ref = IMPACT_ANCHORS[exposure_unit]
        i_point, i_shape, i_rate, i_scale = eb.rate, eb.shape, eb.rate_param, np.ones(n)
    new_refs["impact"] = i_ref
    impact = half_saturation(i_point, i_ref)
    if fixed_impact is not None:
        fi = fixed_impact.reindex(out["unit_id"])
        have = fi["impact"].notna().to_numpy()
        impact = np.where(have, fi["impact"].to_numpy(dtype=np.float64), impact)
        for c in _FIXED_IMPACT:
            if c != "impact":
                out[c] = np.where(have, fi[c].to_numpy(dtype=np.float64), out[c].to_numpy(dtype=np.float64))
    comps = np.column_stack([threat, vuln, impact])
    w = cfg.norm_weights
    score = combine_components(comps, weights=w, rule=cfg.combine)
    s_lo, s_hi, p_high = _intervals(
        cfg,
        rng,
        unit_type,
        out,
        dep,
        days,
        t_ref,
        fscore,
        fref,
        impact,
        (i_shape, i_rate, i_scale, i_ref) if fixed_impact is None else None,
    )
    cat = categorise(score, cfg.thresholds, CATEGORIES)
    out["threat"], out["vulnerability"], out["impact"] = threat, vuln, impact
    out["score"], out["score_low"], out["score_high"] = score, s_lo, s_hi
    out["p_high_or_above"] = p_high
    out["category"] = cat
    not_scored = ~scored
    for c in ("threat", "vulnerability", "impact", "score", "score_low", "score_high", "p_high_or_above"):
        out.loc[not_scored, c] = np.nan
    out.loc[not_scored, "category"] = INSUFFICIENT
    out["unit_type"] = unit_type
    out["explanation"] = _explain(out, unit_type, scored, cfg, t_ref, fscore, exposure_unit, pooled_f)
    out["dead_missing"] = out["dead_missing"].astype("float64")
    out["persons"] = np.where(out["persons_known"].to_numpy() > 0, out["persons"], np.nan)
    refs_out = dict(refs) if refs is not None else {}
    refs_out.update(new_refs)
    cols = list(UNIT_COLUMNS) + [c for c in _EXTRA_COLUMNS if c in out.columns]
    extra = [
        c for c in ("u", "v", "key", "zone_id", "window", "period_start", "corridor_id") if c in out.columns
    ]
    return out[cols + extra].reset_index(drop=True), refs_out


def _intervals(
    cfg: RiskConfig,
    rng: np.random.Generator,
    unit_type: str,
    out: pd.DataFrame,
    dep: np.ndarray,
    days: np.ndarray,
    t_ref: float,
    fscore: dict[str, np.ndarray],
    fref: dict[str, float],
    impact: np.ndarray,
    post: tuple[np.ndarray, np.ndarray, np.ndarray, float] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monte Carlo interval of the composite: threat (Poisson-Gamma), factor means (normal), impact (EB posterior)."""
    n = len(out)
    lo_q, hi_q = (1 - cfg.credible_level) / 2, (1 + cfg.credible_level) / 2
    s_lo, s_hi, p_high = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    B = cfg.n_draws
    w = cfg.norm_weights
    fvals = {f: out[f].to_numpy(dtype=np.float64) for f in fscore}
    fse = {}
    for f in fscore:
        sd = out[f"{f}__sd"].to_numpy(dtype=np.float64) if f"{f}__sd" in out else np.zeros(n)
        k = out[f"{f}__n"].to_numpy(dtype=np.float64) if f"{f}__n" in out else np.ones(n)
        fse[f] = np.where(np.isfinite(sd) & (k > 1), sd / np.sqrt(np.maximum(k, 1)), 0.0)
    chunk = max(1, 100_000 // B)
    for c0 in progress_bar(range(0, n, chunk), desc=f"risk intervals ({unit_type})", unit="chunk"):
        sl = slice(c0, min(n, c0 + chunk))
        m = sl.stop - sl.start
        lam = rng.gamma(dep[sl, None] + 0.5, 1.0 / days[sl, None], size=(m, B))
        t_d = half_saturation(lam, t_ref)
        if fscore:
            acc = np.zeros((m, B))
            cnt = np.zeros((m, B))
            for f in fscore:
                draw = np.clip(fvals[f][sl, None] + fse[f][sl, None] * rng.standard_normal((m, B)), 0.0, None)
                sc = half_saturation(draw, fref[f])
                ok = np.isfinite(sc)
                acc += np.where(ok, sc, 0.0)
                cnt += ok
            v_d = np.where(cnt > 0, acc / np.maximum(cnt, 1), np.nan)
        else:
            v_d = np.full((m, B), np.nan)
        if post is None:
            i_d = np.repeat(impact[sl, None], B, axis=1)
        else:
            shp, rp, scl, ref = post
            shp_s = np.where(np.isfinite(shp[sl]), shp[sl], 1.0)
            rp_s = np.where(np.isfinite(rp[sl]) & (rp[sl] > 0), rp[sl], 1.0)
            r_d = (
                rng.gamma(shp_s[:, None], 1.0 / rp_s[:, None], size=(m, B))
                * np.nan_to_num(scl[sl], nan=1.0)[:, None]
            )
            i_d = half_saturation(r_d, ref)
        s_d = combine_components(
            np.stack([t_d.ravel(), v_d.ravel(), i_d.ravel()], axis=1), weights=w, rule=cfg.combine
        ).reshape(m, B)
        fin = np.isfinite(s_d).any(axis=1)
        if fin.any():
            s_lo[sl][fin] = np.nanquantile(s_d[fin], lo_q, axis=1)
            s_hi[sl][fin] = np.nanquantile(s_d[fin], hi_q, axis=1)
            p_high[sl][fin] = np.mean(s_d[fin] >= cfg.thresholds[1], axis=1)
    return s_lo, s_hi, p_high


def _explain(
    out: pd.DataFrame,
    unit_type: str,
    scored: np.ndarray,
    cfg: RiskConfig,
    t_ref: float,
    fscore: dict[str, np.ndarray],
    exposure_unit: str,
    pooled_f: float,
) -> list[str]:
    noun = _NOUN[unit_type]
    crossings = "persons crossing" if exposure_unit == "persons" else "boat crossings"
    ci = f"{round(cfg.credible_level * 100)} % CI"
    unavailable = [_FACTOR_TEXT[f][1] for f in cfg.vulnerability_factors if f not in fscore]
    tail = ("; not available: " + ", ".join(unavailable)) if unavailable else ""
    anchor = IMPACT_ANCHORS["frequency" if cfg.impact == "frequency" else exposure_unit] * 1000.0
    texts = []
    for i, r in enumerate(out.to_dict("records")):
        rate = (
            f"{_fmt(r['rate_per_1000'])} dead+missing per 1,000 {crossings}, "
            f"{ci} {_fmt(r['rate_low'])}-{_fmt(r['rate_high'])}"
        )
        freq = (
            f"{_fmt(r['fatal_per_1000'])} fatal incidents per 1,000 boat crossings, {ci} "
            f"{_fmt(r['fatal_low'])}-{_fmt(r['fatal_high'])}, all units {_fmt(pooled_f * 1000)}"
        )
        if not scored[i]:
            texts.append(
                f"{INSUFFICIENT}: {int(r['n_voyages'])} voyage(s), fewer than the minimum of {cfg.min_voyages}; "
                f"not scored. Recorded dead+missing {_fmt(r['dead_missing'])}; shrunk estimate {rate}."
            )
            continue
        parts = []
        if np.isfinite(r["impact"]):
            what = f"{freq}; {rate}" if cfg.impact == "frequency" else f"{rate}; {freq}"
            parts.append((r["impact"], f"impact {r['impact']:.2f} ({what}; 0.5 at {_fmt(anchor)} per 1,000)"))
        else:
            parts.append((-1.0, "impact not scored (no crossings to estimate it from)"))
        ratio = r["departures_per_day"] / t_ref if t_ref > 0 else np.nan
        parts.append(
            (
                r["threat"],
                f"threat {r['threat']:.2f} ({_fmt(r['departures_per_day'])} departures/day, "
                f"{_fmt(ratio)}x the median {noun})",
            )
        )
        if np.isfinite(r["vulnerability"]):
            top = sorted(
                ((fscore[f][i], f) for f in fscore if np.isfinite(fscore[f][i])), key=lambda t: -t[0]
            )[:2]
            bits = []
            for _, f in top:
                tmpl = _FACTOR_TEXT[f][0]
                if f == "sar_loss_share":
                    bits.append(tmpl.format(r[f], r.get("sar_region") or "its SAR region"))
                else:
                    bits.append(tmpl.format(r[f]))
            parts.append((r["vulnerability"], f"vulnerability {r['vulnerability']:.2f} ({'; '.join(bits)})"))
        else:
            parts.append((-1.0, "vulnerability not scored (no factor available)"))
        parts.sort(key=lambda t: -t[0])
        texts.append(f"{r['category']}: " + ", ".join(p for _, p in parts) + tail)
    return texts


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #


def _matrix(cfg: RiskConfig) -> pd.DataFrame:
    lo = (0.0, *cfg.thresholds)
    hi = (*cfg.thresholds, 1.0)
    m = pd.DataFrame({"category": list(CATEGORIES), "score_min": lo, "score_max": hi})
    with np.errstate(divide="ignore"):
        m["ratio_min"] = m["score_min"] / (1 - m["score_min"])
        m["ratio_max"] = np.where(m["score_max"] < 1, m["score_max"] / (1 - m["score_max"]), np.inf)
    m["meaning"] = [
        f"score < {hi[0]:.2f}: components well below their references",
        f"{lo[1]:.2f} <= score < {hi[1]:.2f}: around the references",
        f"{lo[2]:.2f} <= score < {hi[2]:.2f}: above the references",
        f"score >= {lo[3]:.2f}: far above the references (over {lo[3] / (1 - lo[3]):.1f}x)",
    ]
    ins = pd.DataFrame(
        {
            "category": [INSUFFICIENT],
            "score_min": [np.nan],
            "score_max": [np.nan],
            "ratio_min": [np.nan],
            "ratio_max": [np.nan],
            "meaning": [f"fewer than {cfg.min_voyages} voyages: not scored"],
        }
    )
    return pd.concat([m, ins], ignore_index=True)


def _lookups(V: pd.DataFrame, inc: pd.DataFrame, cfg: RiskConfig, corr: pd.Series | None) -> dict[str, Any]:
    from medroutes.risk.vulnerability import boat_loss_share, sar_loss_share

    out: dict[str, Any] = {"corridor": corr}
    if "boat_type" in V.columns and "outcome" in V.columns:
        lost = (V["outcome"].astype(str) == "shipwreck").to_numpy()
        if "voyage_id" in inc.columns:
            fatal = inc.loc[dead_missing(inc).fillna(0).to_numpy() > 0, "voyage_id"]
            lost = lost | V["voyage_id"].isin(fatal.to_numpy()).to_numpy()
        t = boat_loss_share(V["boat_type"].to_numpy(), lost, credible_level=cfg.credible_level)
        out["boat_loss"] = t["share"]
    if len(inc):
        s = sar_loss_share(inc, credible_level=cfg.credible_level)
        out["sar_loss"] = s["share"] if s["situations"].sum() > 0 else None
    return out


def _incident_model(
    F: pd.DataFrame, V: pd.DataFrame, inc: pd.DataFrame, cfg: RiskConfig
) -> tuple[Any, str | None]:
    """Cross-fitted fatal-incident probability per voyage; sets ``fatal_v`` and ``p_fatal`` on F."""
    from medroutes.risk.classifier import evaluate_incident_model, incident_target

    F["fatal_v"] = np.nan
    F["p_fatal"] = np.nan
    n_linked = int(inc["voyage_id"].isin(V["voyage_id"]).sum()) if "voyage_id" in inc.columns else 0
    if not cfg.incident_model or ("outcome" not in V.columns and n_linked == 0):
        return None, None
    y = incident_target(V, inc, target="fatal")
    F["fatal_v"] = y.astype(np.float64)
    try:
        rep = evaluate_incident_model(F, y, seed=cfg.seed, target="fatal")
    except InsufficientDataError as exc:
        return (
            None,
            f"incident model not fitted ({exc}); fatal-incident frequency shrunk towards the pooled rate",
        )
    F["p_fatal"] = rep.oof["p"].to_numpy()
    return rep, None


def score_risk(
    voyages: Any,
    incidents: pd.DataFrame,
    *,
    graph: Any = None,
    weather: pd.DataFrame | None = None,
    assets: pd.DataFrame | None = None,
    corridors: Any = None,
    config: RiskConfig | None = None,
) -> RiskResult:
    """Score departure zones, corridors, graph edges and time windows for risk to life at sea.

    Risk follows CIRAM's three components, each in [0, 1]:
    **threat** (departure pressure: departures per day relative to the median
    unit), **vulnerability** (response gap: sea state, load, boat type,
    distance to a place of safety, nearest rescue/patrol asset from AIS, SAR
    region record) and **impact** (dead+missing per 1,000 crossings,
    empirical-Bayes shrunk, relative to the pooled rate). They are combined by
    a weighted geometric mean (configurable), categorised with the risk matrix
    ``config.thresholds``, given a Monte-Carlo credible interval (seeded) and
    an explanation naming the factors that drive them. Categories describe
    places, routes and time windows, never people. See
    ``docs/explanation/risk-methodology.md``.

    Parameters
    ----------
    voyages
        Scenario voyages (``voyage_id, departure_zone, departure_time`` and,
        where known, ``boat_type, persons, outcome, arrival_zone, arrival_time``),
        or a ``medroutes.tracks.Voyages`` / its ``.table`` (``start_time`` is used
        as the departure time; ``dist_km``, ``duration_h`` are used). Missing
        optional columns are named in the explanations.
    incidents
        Incidents (``medroutes.schema.INCIDENTS``; ``voyage_id`` links them to voyages).
    graph
        Route graph from ``medroutes.graph.graph_from_voyages`` to score its edges.
    weather
        ``date, region, wind_kn, hs_m`` with ``region`` = departure ``zone_id``.
    assets
        AIS positions including rescue/patrol vessels (rows whose ``vessel_type``
        is in ``config.asset_types``), e.g. ``scenario.positions``.
    corridors
        Voyage-to-corridor labels: a DataFrame with ``voyage_id, corridor_id``
        (e.g. ``scenario.truth``), a Series indexed by ``voyage_id``, or a fitted
        ``CorridorClustering`` (``labels_`` aligned with the voyages).
    config
        Parameters (default :class:`RiskConfig`).

    Returns
    -------
    RiskResult

    Raises
    ------
    SchemaError
        Missing columns, unparseable times, duplicate voyage ids, negative counts.

    Examples
    --------
    >>> import medroutes as mr
    >>> sc = mr.synthetic.generate_scenario("sample", seed=1)  # doctest: +SKIP
    >>> res = mr.risk.score_risk(sc.voyages, sc.incidents, weather=sc.weather, assets=sc.positions)  # doctest: +SKIP
    >>> res.zones[["unit_id", "category", "score"]]  # doctest: +SKIP
    """
    cfg = RiskConfig() if config is None else config
    V, points, notes = _prepare_voyages(voyages)
    inc = check_incidents(incidents)
    A = None
    if assets is not None:
        from medroutes.risk.vulnerability import asset_fixes

        if not isinstance(assets, pd.DataFrame):
            raise SchemaError(f"assets: expected a DataFrame of AIS positions, got {type(assets).__name__}")
        if not {"timestamp", "lat", "lon"} <= set(assets.columns):
            notes.append(
                "assets: the table has no positions (an asset registry?); the distance to the nearest rescue or "
                "patrol vessel needs their AIS positions, e.g. scenario.positions"
            )
        else:
            A = asset_fixes(assets, asset_types=cfg.asset_types)
            if A.empty:
                notes.append(
                    f"no positions with vessel_type in {list(cfg.asset_types)}: asset distance not available"
                )
    corr = _corridor_map(corridors, V)
    lookups = _lookups(V, inc, cfg, corr)
    F = _voyage_features(V, weather=weather, assets=A, points=points, cfg=cfg, lookups=lookups)
    cg = _corridor_geoms(corridors)
    if cg is not None:
        # a corridors table without voyage labels: a voyage belongs to the band that holds its mid-passage point
        F["corridor_id"] = _in_corridor(
            F["mid_lon"].to_numpy(), F["mid_lat"].to_numpy(), F["zone_id"].to_numpy(dtype=object), cg
        )
        lookups["corridor"] = F.set_index("voyage_id")["corridor_id"].dropna()
        lookups["corridor_geoms"] = cg
        notes.append(
            f"corridors: {int(F['corridor_id'].notna().sum()):,} of {len(F):,} voyages assigned by their "
            "mid-passage point inside a corridor band (pass the fitted CorridorClustering for its exact labels)"
        )
    incident_report, note = _incident_model(F, V, inc, cfg)
    if note:
        notes.append(note)
    edges = _edge_table(graph) if graph is not None else None
    if cg is None and isinstance(getattr(corridors, "corridors_", None), pd.DataFrame):
        cg = _corridor_geoms(corridors.corridors_)  # fitted clustering: its bands place unlinked incidents
    attributed, summary = _attribute(inc, F, edges, cfg, corridor_geoms=cg)
    rng = np.random.default_rng(cfg.seed)
    bad_zone = F["zone_id"].isin(["at sea", "unknown"])
    if bad_zone.any():
        notes.append(
            f"{int(bad_zone.sum()):,} of {len(F):,} voyages have no departure zone ('at sea'/'unknown'): "
            "kept for corridors and edges, not for zones and windows"
        )
    persons_ok = bool(len(F)) and bool(np.isfinite(F["persons"].to_numpy(dtype=np.float64)).all())
    exposure_unit = "persons" if persons_ok else "voyages"
    if not persons_ok:
        notes.append("persons on board not known for every voyage: rates are per 1,000 boat crossings")
    fatal = attributed.loc[attributed["method"] != "unattributed", "dead_missing"]
    dispersion = compound_poisson_dispersion(fatal) if cfg.overdispersion == "compound" else 1.0
    period_days = float(
        (F["departure_time"].max().floor("D") - F["departure_time"].min().floor("D")).days + 1
        if len(F)
        else 1
    )
    t0 = F["departure_time"].min() if len(F) else pd.Timestamp(0, tz="UTC")
    t1 = (F["departure_time"] + pd.to_timedelta(F["duration_h"].fillna(0), unit="h")).max() if len(F) else t0
    state = {
        "cfg": cfg,
        "exposure_unit": exposure_unit,
        "dispersion": dispersion,
        "period_days": period_days,
        "t0": t0,
        "t1": t1,
        "lookups": lookups,
    }
    tables, refs = _score_all(F.loc[~bad_zone], F, attributed, edges, A, state, rng, refs=None, fixed=None)
    provenance = {
        "created_by": "medroutes.risk.score_risk",
        "seed": cfg.seed,
        "config": cfg.to_dict(),
        "inputs": {
            "voyages": _fingerprint(V),
            "incidents": _fingerprint(inc),
            "weather": _fingerprint(weather),
            "assets": _fingerprint(assets),
            "corridors": _fingerprint(corridors if isinstance(corridors, pd.DataFrame) else None),
            "graph": _fingerprint(edges.drop(columns=["geometry"]) if edges is not None else None),
        },
        "versions": _versions(),
        "exposure_unit": exposure_unit,
        "dispersion": dispersion,
        "period_days": period_days,
        "categories_describe": "places, routes and time windows; never people",
    }
    inputs = {
        "V": V,
        "inc": inc,
        "weather": weather,
        "assets": A,
        "points": points,
        "corridors": corr,
        "graph": graph,
        "edges": edges,
        "lookups": lookups,
        "attributed": attributed,
        "state": state,
        "refs": refs,
    }
    return RiskResult(
        zones=tables["zone"],
        corridors=tables["corridor"],
        edges=tables["edge"],
        windows=tables["window"],
        voyages=F,
        incidents=attributed,
        attribution=summary,
        matrix=_matrix(cfg),
        references=refs,
        provenance=provenance,
        config=cfg,
        notes=tuple(notes),
        incident_model=incident_report,
        _inputs=inputs,
    )


def _score_all(
    Fz: pd.DataFrame,
    Fall: pd.DataFrame,
    attributed: pd.DataFrame,
    edges: pd.DataFrame | None,
    A: pd.DataFrame | None,
    state: dict[str, Any],
    rng: np.random.Generator,
    *,
    refs: dict[str, dict[str, float]] | None,
    fixed: dict[str, pd.DataFrame] | None,
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, float]]]:
    cfg: RiskConfig = state["cfg"]
    factors = tuple(f for f in cfg.vulnerability_factors)
    kw = {"cfg": cfg, "rng": rng, "exposure_unit": state["exposure_unit"], "dispersion": state["dispersion"]}
    tables: dict[str, pd.DataFrame] = {}
    refs_out: dict[str, dict[str, float]] = {}

    def run(U: pd.DataFrame, ut: str) -> None:
        t, r = _score_units(
            U,
            ut,
            refs=None if refs is None else refs.get(ut),
            fixed_impact=None if fixed is None else fixed.get(ut),
            **kw,
        )
        tables[ut], refs_out[ut] = t, r

    # zones
    if len(Fz):
        U = _aggregate(Fz, attributed, ["zone_id"], factors)
        U["days"] = state["period_days"]
        U["unit_id"] = U["zone_id"]
        run(U, "zone")
    else:
        tables["zone"] = _empty_units()
    # corridors
    if Fall["corridor_id"].notna().any():
        Fc = Fall.loc[Fall["corridor_id"].notna()]
        U = _aggregate(Fc, attributed, ["corridor_id"], factors)
        U["days"] = state["period_days"]
        U["unit_id"] = U["corridor_id"].astype(str)
        run(U, "corridor")
    else:
        tables["corridor"] = _empty_units()
    # edges
    if edges is not None and len(edges):
        run(_edge_units(edges, attributed, A, state), "edge")
    else:
        tables["edge"] = _empty_units()
    # windows
    if len(Fz):
        U = _aggregate(Fz, attributed, ["zone_id", "window"], factors)
        ps = Fz.groupby(["zone_id", "window"], sort=True)["period_start"].first()
        U["period_start"] = ps.to_numpy()
        U["unit_id"] = U["zone_id"].astype(str) + "|" + U["window"].astype(str)
        run(U, "window")
    else:
        tables["window"] = _empty_units()
    return tables, refs_out


def _edge_units(
    edges: pd.DataFrame, attributed: pd.DataFrame, A: pd.DataFrame | None, state: dict[str, Any]
) -> pd.DataFrame:
    from medroutes.geo import assign_zone
    from medroutes.risk.vulnerability import nearest_asset_km, safe_port_km

    cfg: RiskConfig = state["cfg"]
    lookups = state.get("lookups", {})
    U = edges[["unit_id", "u", "v", "key", "n_voyages", "persons", "mid_lon", "mid_lat"]].copy()
    U["weight"] = U["n_voyages"]
    U["persons_known"] = np.isfinite(U["persons"]).astype(int)
    U["days"] = state["period_days"]
    U["persons_per_boat"] = np.where(U["n_voyages"] > 0, U["persons"] / U["n_voyages"], np.nan)
    U["passage_km"] = safe_port_km(U["mid_lon"].to_numpy(), U["mid_lat"].to_numpy())
    U["hs_m"] = np.nan
    U["boat_loss_share"] = np.nan
    U["sar_region"] = assign_zone(U["mid_lon"].to_numpy(), U["mid_lat"].to_numpy(), kind="sar")
    sl = lookups.get("sar_loss")
    U["sar_loss_share"] = U["sar_region"].map(sl).astype("float64") if sl is not None else np.nan
    U["asset_km"] = np.nan
    if A is not None and len(A):
        t0 = state["t0"]
        t1 = state["t1"]
        snaps = pd.date_range(t0, t1, periods=cfg.edge_snapshots) if t1 > t0 else pd.DatetimeIndex([t0])
        E, S = len(U), len(snaps)
        d = nearest_asset_km(
            np.repeat(U["mid_lon"].to_numpy(), S),
            np.repeat(U["mid_lat"].to_numpy(), S),
            np.tile(snaps.to_numpy(), E),
            A,
            window_h=cfg.asset_window_h,
        ).reshape(E, S)
        U["asset_km"] = _cap_asset_km(d, lookups).mean(axis=1)
    on_edge = attributed.loc[attributed["edge"] >= 0]
    dm = on_edge.groupby("edge")["dead_missing"].sum()
    nf = (on_edge["dead_missing"] > 0).groupby(on_edge["edge"]).sum()
    U["dead_missing"] = dm.reindex(np.arange(len(U))).fillna(0.0).to_numpy()
    U["fatal"] = nf.reindex(np.arange(len(U))).fillna(0).to_numpy(dtype=np.float64)
    U["expected_fatal"] = np.nan  # no voyage-to-edge link: frequency per boat crossing, pooled prior
    if state["exposure_unit"] == "persons" and not np.isfinite(U["persons"]).all():
        U["persons"] = U["persons"].fillna(0.0)
    return U


def add_edge_risk(G: Any, result: RiskResult) -> Any:
    """Write the risk of each scored edge onto the graph and return it.

    Sets ``risk_score, risk_low, risk_high, risk_category, risk_explanation``
    on every edge ``(u, v, key)`` of ``result.edges`` (the graph contract's risk
    attributes). Edges not in the result are left unchanged.

    Parameters
    ----------
    G
        The ``networkx.MultiDiGraph`` that was passed to :func:`score_risk`.
    result
        Its :class:`RiskResult`.

    Returns
    -------
    networkx.MultiDiGraph
        ``G``, modified in place.
    """
    import networkx as nx

    e = result.edges
    if not len(e):
        return G
    keys = list(zip(e["u"], e["v"], e["key"], strict=True))
    for src, dst in (
        ("score", "risk_score"),
        ("score_low", "risk_low"),
        ("score_high", "risk_high"),
        ("category", "risk_category"),
        ("explanation", "risk_explanation"),
    ):
        vals = e[src].to_numpy()
        nx.set_edge_attributes(
            G,
            {
                k: (
                    None
                    if isinstance(x, float) and np.isnan(x)
                    else (float(x) if isinstance(x, float | np.floating) else x)
                )
                for k, x in zip(keys, vals, strict=True)
            },
            name=dst,
        )
    return G
