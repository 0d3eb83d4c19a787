"""The scenario generator: weather -> departures -> routes -> outcomes -> incidents -> positions."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from medroutes.errors import ConfigError
from medroutes.geo import AT_SEA, ZONE_DEFINITIONS, assign_zone, zones
from medroutes.options import progress_bar
from medroutes.schema import BOAT_TYPES, INCIDENT_TYPES, OUTCOMES, validate_incidents
from medroutes.synthetic._departures import release_factors, simulate_departures
from medroutes.synthetic._outcomes import draw_outcomes, hazard_scale
from medroutes.synthetic._seagraph import RouteTemplate, route_templates, sea_graph, sea_path
from medroutes.synthetic._tracks import KN_TO_KMH, loop_positions, point_at, positions_along, voyage_geometry
from medroutes.synthetic._weather import simulate_weather
from medroutes.synthetic.config import BoatConfig, ScenarioConfig, WeatherConfig, load_config
from medroutes.synthetic.scenario import Scenario

__all__ = ["ROUTE", "SOURCE", "generate_scenario"]

#: ``source`` of every generated row.
SOURCE = "medroutes synthetic"
#: ``route`` of every generated incident (IOM route name).
ROUTE = "Central Mediterranean"

_VESSEL_TYPES = [*BOAT_TYPES, "patrol_vessel", "sar_vessel"]
_N_STREAMS = 8
_REF_YEARS = 4
_REF_SEED = 20_230_101
_WEATHER_PAD_DAYS = 14
_CHUNK_POINTS = 2_000_000
_SAR_SAMPLES = 40


_NAT = np.iinfo(np.int64).min


def utc_times(ns: NDArray[np.int64]) -> pd.api.extensions.ExtensionArray:
    """Nanoseconds since the epoch (``int64``, ``iinfo.min`` = NaT) as a ``datetime64[ns, UTC]`` array (fast path)."""
    import pyarrow as pa

    ns = np.asarray(ns, dtype=np.int64)
    nat = ns == _NAT
    arr = pa.array(ns, type=pa.timestamp("ns", tz="UTC"), mask=nat if nat.any() else None)
    return arr.to_pandas().array


def _streams(seed: int | np.random.Generator | None) -> tuple[int | None, list[np.random.Generator]]:
    if isinstance(seed, bool) or (isinstance(seed, int | np.integer) and int(seed) < 0):
        raise ConfigError(f"seed must be a non-negative int, a numpy Generator or None, got {seed!r}")
    if isinstance(seed, np.random.Generator):
        return None, list(seed.spawn(_N_STREAMS))
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]  # recorded, so the run can be repeated
    if not isinstance(seed, int | np.integer):
        raise ConfigError(
            f"seed must be a non-negative int, a numpy Generator or None, got {type(seed).__name__}"
        )
    rng = np.random.default_rng(int(seed))
    return int(seed), list(rng.spawn(_N_STREAMS))


def _choose(u: NDArray[np.float64], probs: NDArray[np.float64]) -> NDArray[np.int64]:
    c = np.cumsum(probs / probs.sum())
    return np.minimum(np.searchsorted(c, u, side="right"), len(probs) - 1)


def _sar_fraction(
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    country: NDArray[np.object_],
    length_km: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Fraction of each route (points on a regular grid of fractions) that lies, from the start, in its country's SAR region."""
    n, k = lon.shape
    sar = zones("sar")
    out = np.zeros(n)
    for c in np.unique(country):  # a loop per country (<= 3)
        rows = np.flatnonzero(country == c)
        reg = sar.loc[sar["country"] == c]
        if len(reg) == 0:  # no SAR region modelled (Türkiye): the first 40 km
            out[rows] = np.minimum(40.0 / length_km[rows], 0.15)
            continue
        z = assign_zone(lon[rows].ravel(), lat[rows].ravel(), reg).reshape(len(rows), k)
        inside = z != AT_SEA
        inside[:, 0] = True  # the launch site is on the coast
        first_out = np.where(inside.all(axis=1), k, np.argmin(inside, axis=1))
        out[rows] = (first_out - 1) / (k - 1)
    return np.maximum(out, 0.02)


def _assign_routes(
    cfg: ScenarioConfig, boats: pd.DataFrame, templates: tuple[RouteTemplate, ...], rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.object_]]:
    n = len(boats)
    tid = np.full(n, -1, dtype=np.int64)
    dest = np.empty(n, dtype=object)
    by_od: dict[tuple[str, str], dict[str, list[int]]] = {}
    for i, t in enumerate(templates):
        by_od.setdefault((t.departure_zone, t.arrival_zone), {}).setdefault(t.corridor_id, []).append(i)
    zone_arr = boats["zone_id"].to_numpy()
    weights = np.asarray(cfg.routes.corridor_weights, dtype=np.float64)
    u1, u2, u3 = rng.random(n), rng.random(n), rng.random(n)
    for z in cfg.zones:  # loops per zone and corridor, vectorised over voyages
        rows = np.flatnonzero(zone_arr == z.zone_id)
        names = np.array([a for a, _ in z.destinations], dtype=object)
        d_idx = _choose(u1[rows], np.array([s for _, s in z.destinations]))
        dest[rows] = names[d_idx]
        for a in names:
            r = rows[dest[rows] == a]
            if len(r) == 0:
                continue
            corrs = sorted(by_od[(z.zone_id, a)])
            w = np.array(
                [
                    weights[int(c.rsplit("/", 1)[1])] if int(c.rsplit("/", 1)[1]) < len(weights) else 0.0
                    for c in corrs
                ]
            )
            if w.sum() <= 0:
                w = np.ones(len(corrs))
            c_idx = _choose(u2[r], w)
            for ci, c in enumerate(corrs):
                rr = r[c_idx == ci]
                members = np.asarray(by_od[(z.zone_id, a)][c], dtype=np.int64)
                tid[rr] = members[np.minimum((u3[rr] * len(members)).astype(np.int64), len(members) - 1)]
    return tid, dest


def _templates(cfg: ScenarioConfig) -> tuple[RouteTemplate, ...]:
    rc = cfg.routes
    return route_templates(
        cfg.od_pairs(),
        grid_km=rc.grid_km,
        coast_penalty=rc.coast_penalty,
        coast_scale_km=rc.coast_scale_km,
        corridor_offset_km=rc.corridor_offset_km,
        max_detour=rc.max_detour,
    )


def _per_boat(
    cfg: ScenarioConfig, boats: pd.DataFrame, value: Callable[[BoatConfig], float]
) -> NDArray[np.float64]:
    """Return a boat-type attribute for every voyage (a lookup by category code, no loop per voyage)."""
    types = [b.boat_type for b in cfg.boats]
    codes = pd.Categorical(boats["boat_type"], categories=types).codes
    return np.array([value(b) for b in cfg.boats], dtype=np.float64)[codes]


def _voyage_rates(
    cfg: ScenarioConfig, boats: pd.DataFrame, hs: NDArray[np.float64], length_km: NDArray[np.float64]
) -> tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]
]:
    """Relative hazard, sea state [m], rough flag, interception and rescue probabilities per voyage."""
    n = len(boats)
    zcol = boats["zone_id"].map({z.zone_id: i for i, z in enumerate(cfg.zones)}).to_numpy()
    day = boats["day"].to_numpy()
    hs_voy = np.maximum(hs[day, zcol], hs[day + 1, zcol]) if n else np.zeros(0)

    def f(attr: str) -> NDArray[np.float64]:
        return _per_boat(cfg, boats, lambda b: getattr(b, attr))

    rel = f("hazard") * np.exp(f("hazard_hs_slope") * np.maximum(hs_voy - cfg.outcomes.hazard_hs_ref_m, 0.0))
    rel *= np.sqrt(length_km / 300.0)
    p_int_by = {c.country: c.interception_prob for c in cfg.countries}
    p_int = np.array([p_int_by[c] for c in boats["departure_country"].to_numpy()], dtype=np.float64)
    rough: NDArray[np.bool_] = np.asarray(hs_voy > f("max_hs_m"), dtype=bool)
    p_res = np.minimum(f("rescue_prob") * np.where(rough, 1.5, 1.0), 1.0)
    return rel, hs_voy, rough, p_int, p_res


def _reference_config(cfg: ScenarioConfig) -> ScenarioConfig:
    """Return the configuration whose simulated years define the calibration (reference climate, full years)."""
    return dataclasses.replace(
        cfg,
        name="reference",
        description="",
        start=f"{cfg.start_date.year}-01-01",
        days=365 * _REF_YEARS,
        scale=1.0,
        weather=cfg.weather if cfg.weather.reference else WeatherConfig(),
        positions=dataclasses.replace(cfg.positions, mode="none"),
        assets=(),
    )


@lru_cache(maxsize=16)
def _reference(ref: ScenarioConfig) -> tuple[NDArray[np.float64], float]:
    """Departure release factors per zone and month, and the hazard scale, from reference years.

    Uses a fixed seed: the calibration depends on the configuration only, never on the scenario seed.
    """
    r_w, r_d, r_r = np.random.default_rng(_REF_SEED).spawn(3)
    dates = pd.date_range(pd.Timestamp(ref.start), periods=ref.days + _WEATHER_PAD_DAYS, freq="D").as_unit(
        "ns"
    )
    _, hs = simulate_weather(ref.weather, [z.zone_id for z in ref.zones], dates, r_w)
    factors = release_factors(ref, dates[: ref.days], hs[: ref.days])
    boats, _ = simulate_departures(ref, dates[: ref.days], hs[: ref.days], r_d, factors=factors)
    templates = _templates(ref)
    tid, _ = _assign_routes(ref, boats, templates, r_r)
    length = np.array([templates[i].length_km for i in tid], dtype=np.float64)
    rel, _, _, p_int, _ = _voyage_rates(ref, boats, hs, length)
    beta = hazard_scale(
        ref.outcomes,
        rel_hazard=rel,
        persons=boats["persons"].to_numpy(),
        p_intercept=p_int,
        blocks=boats["day"].to_numpy() // 365,
    )
    return factors, beta


def generate_scenario(
    name_or_config: str | ScenarioConfig,
    *,
    seed: int | np.random.Generator | None,
    progress: bool | None = None,
) -> Scenario:
    """Generate a synthetic, calibrated Central-Mediterranean scenario with its ground truth.

    Parameters
    ----------
    name_or_config
        A shipped scenario name (``"central-med-2023"``, ``"sample"``, see
        :func:`medroutes.synthetic.list_scenarios`), a path to a TOML file, or a
        :class:`~medroutes.synthetic.ScenarioConfig`.
    seed
        Seed of every random draw. The same configuration and integer seed give
        byte-identical files from :meth:`Scenario.write`. ``None`` draws a fresh
        seed and records it in ``scenario.seed``; a Generator is used as is
        (``scenario.seed`` is then ``None``).
    progress
        Show progress bars; ``None`` follows :func:`medroutes.set_options`.

    Returns
    -------
    Scenario
        Observable tables (``positions, voyages, incidents, weather,
        departures, assets``) and the ground truth (``truth``).

    Raises
    ------
    ConfigError
        Unknown scenario, invalid configuration or seed.

    Notes
    -----
    Sea routes are planned once per process on a sea graph (a few seconds the
    first time). Positions are generated in chunks of about 2 million points,
    fully vectorised; memory is proportional to the output.

    Examples
    --------
    >>> import medroutes.synthetic as syn
    >>> sc = syn.generate_scenario("sample", seed=7)  # doctest: +SKIP
    >>> sc.voyages.outcome.value_counts()  # doctest: +SKIP
    """
    cfg = load_config(name_or_config)
    seed_rec, rs = _streams(seed)
    r_weather, r_dep, r_route, r_geom, r_out, r_inc, r_pos, r_asset = rs
    stages = ["weather", "departures", "routes", "outcomes", "incidents", "assets", "positions"]
    state: dict[str, Any] = {}
    for stage in progress_bar(stages, desc=f"generate {cfg.name}", unit="stage", enabled=progress):
        if stage == "weather":
            start = pd.Timestamp(cfg.start)
            all_dates = pd.date_range(start, periods=cfg.days + _WEATHER_PAD_DAYS, freq="D").as_unit("ns")
            regions = [z.zone_id for z in cfg.zones]
            wind, hs = simulate_weather(cfg.weather, regions, all_dates, r_weather)
            state.update(dates=all_dates[: cfg.days], regions=regions, wind=wind, hs=hs, all_dates=all_dates)
        elif stage == "departures":
            factors, beta = _reference(_reference_config(cfg))
            state["beta"] = beta
            boats, departures = simulate_departures(
                cfg,
                state["dates"],
                state["hs"][: cfg.days],
                r_dep,
                factors=factors,
            )
            boats = boats.sort_values(["departure_time", "zone_id", "persons"], kind="stable").reset_index(
                drop=True
            )
            state.update(boats=boats, departures=departures)
        elif stage == "routes":
            templates = _templates(cfg)
            boats = state["boats"]
            tid, dest = _assign_routes(cfg, boats, templates, r_route)
            geom = voyage_geometry(templates, tid, lateral_sd_km=cfg.positions.lateral_sd_km, rng=r_geom)
            state.update(templates=templates, tid=tid, dest=dest, geom=geom)
        elif stage == "outcomes":
            _stage_outcomes(cfg, state, r_out)
        elif stage == "incidents":
            _stage_incidents(cfg, state, r_inc)
        elif stage == "positions":
            _stage_positions(cfg, state, r_pos, progress)
        elif stage == "assets":
            _stage_assets(cfg, state, r_asset)
    return _assemble(cfg, state, seed_rec)


def _stage_outcomes(cfg: ScenarioConfig, state: dict, rng: np.random.Generator) -> None:
    boats: pd.DataFrame = state["boats"]
    geom = state["geom"]
    n = len(boats)
    rel, hs_voy, rough, p_int, p_res = _voyage_rates(cfg, boats, state["hs"], geom.length_km)
    speed_lo = _per_boat(cfg, boats, lambda b: b.speed_kn[0])
    speed_hi = _per_boat(cfg, boats, lambda b: b.speed_kn[1])
    speed = speed_lo + rng.random(n) * (speed_hi - speed_lo)
    country = boats["departure_country"].to_numpy()
    o = cfg.outcomes
    sar_frac = _template_sar_fraction(state["templates"])[state["tid"]] * 0.97 if n else np.zeros(0)
    out = draw_outcomes(
        o,
        persons=boats["persons"].to_numpy(),
        rel_hazard=rel,
        p_intercept=p_int,
        p_rescue=p_res,
        rough=rough,
        sar_frac=sar_frac,
        group=country,
        beta=state["beta"],
        rng=rng,
    )
    state.update(out=out, speed=speed, hs_voy=hs_voy, sar_frac=sar_frac)


def _template_sar_fraction(templates: tuple[RouteTemplate, ...]) -> NDArray[np.float64]:
    """Per template, the fraction of the route that lies, from its start, in the departure country's SAR region."""
    zc = {z.zone_id: z.country for z in ZONE_DEFINITIONS}
    fr = np.linspace(0.0, 1.0, _SAR_SAMPLES)
    lon = np.stack([np.interp(fr * t.length_km, t.cum_km, t.lon) for t in templates])
    lat = np.stack([np.interp(fr * t.length_km, t.cum_km, t.lat) for t in templates])
    country = np.array([zc[t.departure_zone] for t in templates], dtype=object)
    length = np.array([t.length_km for t in templates])
    return _sar_fraction(lon, lat, country, length)


def _stage_incidents(cfg: ScenarioConfig, state: dict, rng: np.random.Generator) -> None:
    boats: pd.DataFrame = state["boats"]
    geom = state["geom"]
    out = state["out"]
    speed = state["speed"]
    n = len(boats)
    t0 = pd.DatetimeIndex(boats["departure_time"]).asi8
    _keep_interceptions_in_sar(boats, geom, out)
    end_km = out.end_frac * geom.length_km
    end_lon, end_lat = point_at(geom, end_km)
    end_ns = t0 + np.round(end_km / (speed * KN_TO_KMH) * 3600.0).astype(np.int64) * 1_000_000_000
    persons = boats["persons"].to_numpy()
    survivors = persons - out.victims
    rows = []
    # fatal events
    fat = np.flatnonzero(out.event != "")
    ev_km = out.event_frac[fat] * geom.length_km[fat]
    ev_lon, ev_lat = point_at(_Subset(geom, fat).geom, ev_km)
    ev_ns = t0[fat] + np.round(ev_km / (speed[fat] * KN_TO_KMH) * 3600.0).astype(np.int64) * 1_000_000_000
    rows.append(
        pd.DataFrame(
            {
                "vi": fat,
                "t_ns": ev_ns,
                "lat": ev_lat,
                "lon": ev_lon,
                "incident_type": out.event[fat],
                "dead": out.dead[fat],
                "missing": out.missing[fat],
                "survivors": survivors[fat],
                "cause": np.where(out.event[fat] == "shipwreck", "Drowning", "Mixed or unknown"),
            }
        )
    )
    for kind, oc in (("interception", "intercepted"), ("rescue", "rescued")):
        idx = np.flatnonzero(out.outcome == oc)
        rows.append(
            pd.DataFrame(
                {
                    "vi": idx,
                    "t_ns": end_ns[idx],
                    "lat": end_lat[idx],
                    "lon": end_lon[idx],
                    "incident_type": kind,
                    "dead": 0,
                    "missing": 0,
                    "survivors": survivors[idx],
                    "cause": "",
                }
            )
        )
    dis = np.flatnonzero(out.distress)
    lead_h = rng.uniform(0.5, 3.0, len(dis))
    d_km = np.maximum(end_km[dis] - lead_h * speed[dis] * KN_TO_KMH, 0.0)
    d_lon, d_lat = point_at(_Subset(geom, dis).geom, d_km)
    rows.append(
        pd.DataFrame(
            {
                "vi": dis,
                "t_ns": t0[dis]
                + np.round(d_km / (speed[dis] * KN_TO_KMH) * 3600.0).astype(np.int64) * 1_000_000_000,
                "lat": d_lat,
                "lon": d_lon,
                "incident_type": "distress",
                "dead": 0,
                "missing": 0,
                "survivors": survivors[dis],
                "cause": "",
            }
        )
    )
    inc = pd.concat(rows, ignore_index=True)
    inc = inc.sort_values(["t_ns", "vi", "incident_type"], kind="stable").reset_index(drop=True)
    # survivors of a wreck inside the departure country's SAR region are returned there
    sar = zones("sar")
    sar_country = dict(zip(sar["zone_id"], sar["country"], strict=True))
    where = np.array([sar_country.get(z, "") for z in assign_zone(ev_lon, ev_lat, sar)], dtype=object)
    home_sar = np.zeros(n, dtype=bool)
    home_sar[fat] = where == boats["departure_country"].to_numpy()[fat]
    state.update(
        end_lon=end_lon,
        end_lat=end_lat,
        end_ns=end_ns,
        end_km=end_km,
        inc_raw=inc,
        t0=t0,
        event_in_home_sar=home_sar,
    )


def _keep_interceptions_in_sar(boats: pd.DataFrame, geom: object, out: object) -> None:
    """Move an interception back along its route until it lies in the departure country's SAR region."""
    sar = zones("sar")
    countries = set(sar["country"])
    country = boats["departure_country"].to_numpy()
    idx = np.flatnonzero((out.outcome == "intercepted") & np.isin(country, list(countries)))  # type: ignore[attr-defined]
    sar_country = dict(zip(sar["zone_id"], sar["country"], strict=True))
    for _ in range(12):  # a few halvings of the few interceptions that fall outside
        if len(idx) == 0:
            break
        sub = _Subset(geom, idx).geom
        lon, lat = point_at(sub, out.end_frac[idx] * sub.length_km)  # type: ignore[attr-defined]
        where = np.array([sar_country.get(z, "") for z in assign_zone(lon, lat, sar)], dtype=object)
        bad = where != country[idx]
        idx = idx[bad]
        out.end_frac[idx] *= 0.7  # type: ignore[attr-defined]


class _Subset:
    """The voyages ``idx`` of a geometry, as a geometry of their own."""

    def __init__(self, geom: object, idx: NDArray[np.int64]) -> None:
        from medroutes.synthetic._tracks import VoyageGeometry

        g: VoyageGeometry = geom  # type: ignore[assignment]
        if len(idx) and idx[-1] - idx[0] == len(idx) - 1:  # a contiguous range: slices, no copies
            a, b = g.start[idx[0]], g.start[idx[-1] + 1]
            self.geom = VoyageGeometry(
                g.start[idx[0] : idx[-1] + 2] - a, g.lon[a:b], g.lat[a:b], g.cum_km[a:b], g.length_km[idx]
            )
            return
        counts = np.diff(g.start)[idx]
        start = np.r_[0, np.cumsum(counts)].astype(np.int64)
        vidx = np.repeat(g.start[:-1][idx], counts) + (np.arange(start[-1]) - np.repeat(start[:-1], counts))
        self.geom = VoyageGeometry(start, g.lon[vidx], g.lat[vidx], g.cum_km[vidx], g.length_km[idx])


class _PositionBuffer:
    """Preallocated position columns filled chunk by chunk (peak memory: the output plus one chunk)."""

    def __init__(self, capacity: int) -> None:
        self.pos = 0
        self.code = np.empty(capacity, dtype=np.int32)
        self.t_ns = np.empty(capacity, dtype=np.int64)
        self.cols = {k: np.empty(capacity) for k in ("lat", "lon", "sog_kn", "cog_deg", "length_m")}
        self.vt = np.empty(capacity, dtype=np.int8)

    def add(
        self, code: NDArray | int, cols: dict[str, NDArray], vt: NDArray | int, length: NDArray | float
    ) -> None:
        """Append one chunk, rounded to AIS-like precision (1e-6 deg, 0.1 kn, 0.1 deg)."""
        m = len(cols["t_ns"])
        sl = slice(self.pos, self.pos + m)
        self.code[sl] = code
        self.t_ns[sl] = cols["t_ns"]
        for k, d in (("lat", 6), ("lon", 6), ("sog_kn", 1), ("cog_deg", 1)):
            np.round(cols[k], d, out=self.cols[k][sl])
        np.mod(self.cols["cog_deg"][sl], 360.0, out=self.cols["cog_deg"][sl])
        self.vt[sl] = vt
        self.cols["length_m"][sl] = length
        self.pos += m

    def frame(self, ids: list[str], names: list[str], n_boats: int) -> pd.DataFrame:
        """Return the positions table (views on the buffer: no copy of the numeric columns)."""
        import pyarrow as pa

        n = self.pos
        code = self.code[:n]
        id_col = pd.array(pa.compute.take(pa.array(ids, type=pa.large_string()), pa.array(code)), dtype="str")
        name_code = np.where(code >= n_boats, code - n_boats, -1)
        return pd.DataFrame(
            {
                "vessel_id": id_col,
                "timestamp": utc_times(self.t_ns[:n]),
                "lat": self.cols["lat"][:n],
                "lon": self.cols["lon"][:n],
                "sog_kn": self.cols["sog_kn"][:n],
                "cog_deg": self.cols["cog_deg"][:n],
                "vessel_type": pd.Categorical.from_codes(
                    self.vt[:n], categories=pd.Index(_VESSEL_TYPES, dtype="str")
                ),
                "length_m": self.cols["length_m"][:n],
                "name": pd.Categorical.from_codes(name_code, categories=pd.Index(names, dtype="str")),
                "source": pd.Categorical.from_codes(
                    np.zeros(n, dtype=np.int8), categories=pd.Index([SOURCE], dtype="str")
                ),
            },
            copy=False,
        )


def _stage_positions(
    cfg: ScenarioConfig, state: dict, rng: np.random.Generator, progress: bool | None
) -> None:
    """Positions of the boats and the assets, sorted by (vessel_id, timestamp) by construction.

    Boat chunks come in voyage order (ids ``B000001``...), then the assets
    sorted by id (``PV-...``, ``SV-...`` sort after ``B...``), each in time order.
    """
    boats: pd.DataFrame = state["boats"]
    n = len(boats)
    pc = cfg.positions
    assets = sorted(state["asset_chunks"], key=lambda ac: ac[0].vessel_id)
    if pc.mode == "none":
        sel = np.zeros(0, dtype=np.int64)
    elif pc.mode == "all":
        sel = np.arange(n)
    else:
        sel = np.sort(rng.choice(n, size=min(n, max(1, round(pc.sample_fraction * n))), replace=False))
    geom = state["geom"]
    speed = state["speed"]
    end_km = state["end_km"]
    t0 = state["t0"]
    dt_h = rng.uniform(pc.interval_min[0], pc.interval_min[1], len(sel)) / 60.0
    cap_v = (
        np.floor(end_km[sel] / (speed[sel] * KN_TO_KMH) / dt_h).astype(np.int64) + 2
    )  # upper bound per voyage
    buf = _PositionBuffer(int(cap_v.sum()) + sum(len(c["t_ns"]) for _, c in assets))
    b_len = _per_boat(cfg, boats, lambda b: b.length_m)
    b_code = _per_boat(cfg, boats, lambda b: _VESSEL_TYPES.index(b.boat_type)).astype(np.int8)
    cuts = np.searchsorted(
        np.cumsum(cap_v), np.arange(_CHUNK_POINTS, cap_v.sum() + _CHUNK_POINTS, _CHUNK_POINTS)
    )
    bounds = np.unique(np.r_[0, np.minimum(cuts + 1, len(sel)), len(sel)])
    owners = []
    chunks = list(itertools.pairwise(bounds))
    for a, b in progress_bar(chunks, desc="positions", unit="chunk", enabled=progress):
        idx = sel[a:b]
        cols = positions_along(
            _Subset(geom, idx).geom,
            dist_km=end_km[idx],
            speed_kn=speed[idx],
            t0_ns=t0[idx],
            dt_h=dt_h[a:b],
            gap_rate_per_day=pc.gap_rate_per_day,
            gap_h=pc.gap_h,
            rng=rng,
        )
        v = idx[cols["voyage"]]
        owners.append(v)
        buf.add(v, cols, b_code[v], b_len[v])
        del cols
    for j, (a, c) in enumerate(assets):  # a loop per asset
        buf.add(n + j, c, _VESSEL_TYPES.index(a.asset_type), a.length_m)
    ids = [f"B{i + 1:06d}" for i in range(n)] + [a.vessel_id for a, _ in assets]
    state.update(
        positions=buf.frame(ids, [a.name for a, _ in assets], n),
        pos_voyage=np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64),
    )


def _stage_assets(cfg: ScenarioConfig, state: dict, rng: np.random.Generator) -> None:
    chunks = []
    if cfg.positions.mode != "none" and cfg.assets:
        rc = cfg.routes
        t_start = int(pd.Timestamp(cfg.start).value)
        t_end = t_start + cfg.days * 86_400 * 1_000_000_000
        for a in cfg.assets:  # a loop per asset (a handful)
            wl = [p[0] for p in a.waypoints] + [a.waypoints[0][0]]
            wa = [p[1] for p in a.waypoints] + [a.waypoints[0][1]]
            lon, lat = _asset_loop(tuple(wl), tuple(wa), rc.grid_km, rc.coast_penalty, rc.coast_scale_km)
            cols = loop_positions(
                lon,
                lat,
                t_start_ns=t_start,
                t_end_ns=t_end,
                speed_kn=a.speed_kn,
                interval_min=cfg.positions.asset_interval_min,
                rng=rng,
            )
            chunks.append((a, cols))
    state.update(asset_chunks=chunks)


_LOOP_CACHE: dict[tuple, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}


def _asset_loop(
    lon: tuple, lat: tuple, grid_km: float, cp: float, cs: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    key = (lon, lat, grid_km, cp, cs)
    if key not in _LOOP_CACHE:
        _LOOP_CACHE[key] = sea_path(list(lon), list(lat), graph=sea_graph(grid_km, cp, cs))
    return _LOOP_CACHE[key]


def _assemble(cfg: ScenarioConfig, state: dict, seed: int | None) -> Scenario:
    boats: pd.DataFrame = state["boats"]
    out = state["out"]
    geom = state["geom"]
    templates: tuple[RouteTemplate, ...] = state["templates"]
    tid = state["tid"]
    n = len(boats)
    vessel_id = np.array([f"B{i + 1:06d}" for i in range(n)], dtype=object)
    voyage_id = np.array([f"V{i + 1:06d}" for i in range(n)], dtype=object)
    end_ns = state["end_ns"]
    t0 = state["t0"]
    arr_zone = assign_zone(state["end_lon"], state["end_lat"], zones("arrival"))
    arrived = out.outcome == "arrived"
    start_lon = geom.lon[geom.start[:-1]]
    start_lat = geom.lat[geom.start[:-1]]
    n_pos = np.bincount(state["pos_voyage"], minlength=n).astype(np.int64)
    voyages = pd.DataFrame(
        {
            "voyage_id": voyage_id,
            "vessel_id": vessel_id,
            "departure_zone": boats["zone_id"].to_numpy(),
            "departure_country": boats["departure_country"].to_numpy(),
            "departure_time": boats["departure_time"],
            "boat_type": pd.Categorical(boats["boat_type"].to_numpy(), categories=list(BOAT_TYPES)),
            "persons": boats["persons"].to_numpy().astype(np.int64),
            "outcome": pd.Categorical(out.outcome, categories=list(OUTCOMES)),
            "arrival_zone": arr_zone,
            "arrival_time": utc_times(np.where(arrived, end_ns, _NAT)),
            "end_time": utc_times(end_ns),
            "dist_km": np.round(state["end_km"], 3),
            "duration_h": np.round((end_ns - t0) / 3.6e12, 4),
            "start_lon": np.round(start_lon, 6),
            "start_lat": np.round(start_lat, 6),
            "end_lon": np.round(state["end_lon"], 6),
            "end_lat": np.round(state["end_lat"], 6),
            "n_positions": n_pos,
        }
    )
    for c in ("voyage_id", "vessel_id", "departure_zone", "departure_country", "arrival_zone"):
        voyages[c] = voyages[c].astype("str")

    # ground truth
    dep_zone = boats["zone_id"].to_numpy()
    dest = state["dest"]
    wreck = out.outcome == "shipwreck"
    returned_wreck = wreck & state["event_in_home_sar"]
    landing = np.where(out.outcome == "intercepted", dep_zone, dest).astype(object)
    landing[returned_wreck] = dep_zone[returned_wreck]
    landing[out.outcome == "unknown"] = dest[out.outcome == "unknown"]
    survivors = boats["persons"].to_numpy() - out.victims
    to_europe = np.isin(out.outcome, ["arrived", "rescued"]) | (wreck & ~returned_wreck)
    back = (out.outcome == "intercepted") | returned_wreck
    truth = pd.DataFrame(
        {
            "voyage_id": voyage_id,
            "corridor_id": np.array([templates[i].corridor_id for i in tid], dtype=object),
            "hazard": out.hazard,
            "dead": out.dead,
            "missing": out.missing,
            "outcome_cause": out.cause,
            "fatal_event": out.event,
            "destination_zone": dest,
            "launch_site": np.array([templates[i].launch for i in tid], dtype=object),
            "landing_site": np.array([templates[i].landing for i in tid], dtype=object),
            "route_km": np.round(geom.length_km, 3),
            "speed_kn": np.round(state["speed"], 3),
            "hs_m": state["hs_voy"],
            "landing_zone": landing,
            "landed": np.where(to_europe, survivors, 0).astype(np.int64),
            "returned": np.where(back, survivors, 0).astype(np.int64),
            "unobserved": np.where(out.outcome == "unknown", survivors, 0).astype(np.int64),
        }
    )
    for c in (
        "voyage_id",
        "corridor_id",
        "outcome_cause",
        "fatal_event",
        "destination_zone",
        "launch_site",
        "landing_site",
        "landing_zone",
    ):
        truth[c] = truth[c].astype("str")

    # incidents
    raw = state["inc_raw"]
    inc = pd.DataFrame(
        {
            "incident_id": [f"I{i + 1:06d}" for i in range(len(raw))],
            "timestamp": utc_times(raw["t_ns"].to_numpy(dtype=np.int64)),
            "lat": np.round(raw["lat"].to_numpy(dtype=np.float64), 6),
            "lon": np.round(raw["lon"].to_numpy(dtype=np.float64), 6),
            "incident_type": raw["incident_type"].to_numpy(),
            "dead": raw["dead"].to_numpy(dtype=np.int64),
            "missing": raw["missing"].to_numpy(dtype=np.int64),
            "survivors": raw["survivors"].to_numpy(dtype=np.int64),
            "route": ROUTE,
            "source": SOURCE,
            "date_precision": "day",
            "location_precision_km": 1.0,
            "record_type": "incident",
            "cause": raw["cause"].replace("", pd.NA).to_numpy(dtype=object),
            "voyage_id": voyage_id[raw["vi"].to_numpy(dtype=np.int64)]
            if len(raw)
            else np.zeros(0, dtype=object),
        }
    )
    for c in ("incident_id", "route", "source", "record_type", "voyage_id"):
        inc[c] = inc[c].astype("str")
    inc["cause"] = inc["cause"].astype("str")
    inc, _ = validate_incidents(inc)
    inc["date_precision"] = pd.Categorical(inc["date_precision"], categories=["day", "month", "year"])
    assert set(inc["incident_type"].astype(str)) <= set(INCIDENT_TYPES)

    positions = state["positions"]

    # weather and assets tables
    dates = state["dates"]
    regions = state["regions"]
    nd = len(dates)
    weather = pd.DataFrame(
        {
            "date": np.repeat(dates.tz_localize("UTC"), len(regions)),
            "region": np.tile(np.asarray(regions, dtype=object), nd),
            "wind_kn": state["wind"][:nd].ravel(),
            "hs_m": state["hs"][:nd].ravel(),
        }
    )
    weather["region"] = weather["region"].astype("str")
    assets = pd.DataFrame(
        {
            "vessel_id": [a.vessel_id for a in cfg.assets],
            "name": [a.name for a in cfg.assets],
            "asset_type": [a.asset_type for a in cfg.assets],
            "operator_country": [a.operator_country for a in cfg.assets],
            "base": [a.base for a in cfg.assets],
            "speed_kn": np.array([a.speed_kn for a in cfg.assets], dtype=np.float64),
            "length_m": np.array([a.length_m for a in cfg.assets], dtype=np.float64),
        },
    )
    for c in ("vessel_id", "name", "asset_type", "operator_country", "base"):
        assets[c] = assets[c].astype("str")
    departures = state["departures"]
    departures["zone_id"] = departures["zone_id"].astype("str")
    return Scenario(
        positions=positions,
        voyages=voyages,
        incidents=inc,
        weather=weather,
        departures=departures,
        assets=assets,
        truth=truth,
        config=cfg,
        seed=seed,
        zones=zones(),
    )
