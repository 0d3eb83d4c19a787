"""Scenario configuration: frozen dataclasses loaded from (and written to) TOML.

A scenario is one TOML file. The shipped files live in
``medroutes/synthetic/scenarios/`` and are documented field by field with
units and sources (``calibration.md`` sections of the project reference);
copy one and edit it to make your own::

    import medroutes.synthetic as syn
    syn.list_scenarios()                      # ['calm-summer-week', 'central-med-2022', ...]
    cfg = syn.load_config("central-med-2023")
    cfg = syn.load_config("my-scenario.toml")
    text = syn.config_to_toml(cfg)            # round-trips through load_config

Variants are made with :func:`dataclasses.replace`, e.g. a year of voyages
without per-minute positions::

    import dataclasses
    cfg = dataclasses.replace(cfg, positions=dataclasses.replace(cfg.positions, mode="none"))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from medroutes.errors import ConfigError
from medroutes.schema import BOAT_TYPES

__all__ = [
    "POSITION_MODES",
    "AssetConfig",
    "BoatConfig",
    "CountryConfig",
    "DepartureConfig",
    "OutcomeConfig",
    "PositionConfig",
    "RouteConfig",
    "ScenarioConfig",
    "WeatherConfig",
    "ZoneConfig",
    "config_to_toml",
    "list_scenarios",
    "load_config",
]

#: Allowed values of ``[positions] mode``.
POSITION_MODES: tuple[str, ...] = ("all", "sample", "none")

Pairs = tuple[tuple[str, float], ...]


def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise ConfigError(msg)


def _range(name: str, v: tuple[float, float], lo: float = 0.0) -> None:
    _check(
        len(v) == 2 and lo <= v[0] <= v[1] and all(math.isfinite(x) for x in v),
        f"{name} must be [min, max] with {lo:g} <= min <= max, got {list(v)!r}",
    )


def _shares(name: str, pairs: Pairs) -> None:
    _check(len(pairs) > 0, f"{name} is empty")
    vals = [p[1] for p in pairs]
    _check(all(v >= 0 for v in vals), f"{name}: shares must be >= 0, got {dict(pairs)!r}")
    _check(
        abs(sum(vals) - 1.0) < 1e-6, f"{name}: shares must sum to 1, got {sum(vals):.6g} ({dict(pairs)!r})"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class BoatConfig:
    """One boat type (calibration.md s.4 and s.7).

    Attributes
    ----------
    boat_type
        One of :data:`medroutes.schema.BOAT_TYPES`.
    persons
        Range of persons on board, drawn uniformly [persons].
    speed_kn
        Range of mean passage speed over ground, drawn uniformly per voyage [kn].
    length_m
        Length overall [m].
    max_hs_m
        Significant wave height above which departures of this type become rare [m].
    hazard
        Relative hazard of a fatal incident in calm seas [-] (route-wide base rate is calibrated).
    hazard_hs_slope
        Log-hazard increase per metre of Hs above ``OutcomeConfig.hazard_hs_ref_m`` [1/m].
    rescue_prob
        Probability that a boat that is neither wrecked nor intercepted is rescued at sea [-].
    """

    boat_type: str
    persons: tuple[int, int]
    speed_kn: tuple[float, float]
    length_m: float
    max_hs_m: float
    hazard: float
    hazard_hs_slope: float
    rescue_prob: float

    def __post_init__(self) -> None:
        _check(self.boat_type in BOAT_TYPES, f"boat type {self.boat_type!r} is not one of {BOAT_TYPES}")
        _range(f"boats.{self.boat_type}.persons", self.persons, 1)
        _range(f"boats.{self.boat_type}.speed_kn", self.speed_kn, 0.5)
        _check(self.length_m > 0, f"boats.{self.boat_type}.length_m must be > 0 m")
        _check(self.max_hs_m > 0, f"boats.{self.boat_type}.max_hs_m must be > 0 m")
        _check(self.hazard >= 0, f"boats.{self.boat_type}.hazard must be >= 0")
        _check(self.hazard_hs_slope >= 0, f"boats.{self.boat_type}.hazard_hs_slope must be >= 0 1/m")
        _check(0 <= self.rescue_prob <= 1, f"boats.{self.boat_type}.rescue_prob must be in [0, 1]")

    @property
    def mean_persons(self) -> float:
        """Mean persons on board [persons]."""
        return (self.persons[0] + self.persons[1]) / 2.0


@dataclass(frozen=True, slots=True, kw_only=True)
class CountryConfig:
    """A departure country (calibration.md s.1 and s.2).

    Attributes
    ----------
    country
        Country name as in :func:`medroutes.geo.zones` (``"Libya"``, ``"Tunisia"``, ``"Türkiye"``).
    arrivals
        Target persons landed in Italy/Malta per year from this country [persons/yr].
    interception_prob
        Probability that a boat is intercepted and returned [-].
    """

    country: str
    arrivals: float
    interception_prob: float

    def __post_init__(self) -> None:
        _check(self.arrivals >= 0, f"countries.{self.country}.arrivals must be >= 0 persons")
        _check(
            0 <= self.interception_prob < 1, f"countries.{self.country}.interception_prob must be in [0, 1)"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneConfig:
    """A departure zone: its share of the country, boat mix and destinations.

    Attributes
    ----------
    zone_id
        A departure zone of :func:`medroutes.geo.zones`.
    share
        Share of the country's arrivals leaving from this zone [-].
    boats
        ``(boat_type, share)`` pairs, summing to 1 [-].
    destinations
        ``(arrival zone_id, share)`` pairs, summing to 1 [-].
    """

    zone_id: str
    share: float
    boats: Pairs
    destinations: Pairs

    def __post_init__(self) -> None:
        _check(0 <= self.share <= 1, f"zones.{self.zone_id}.share must be in [0, 1]")
        _shares(f"zones.{self.zone_id}.boats", self.boats)
        _shares(f"zones.{self.zone_id}.destinations", self.destinations)
        for b, _ in self.boats:
            _check(b in BOAT_TYPES, f"zones.{self.zone_id}.boats: unknown boat type {b!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class WeatherConfig:
    """Daily synthetic sea state per departure region (calibration.md s.7).

    Attributes
    ----------
    wind_kn_summer, wind_kn_winter
        Median daily mean wind in mid-July and mid-January [kn].
    wind_log_sd
        Standard deviation of log wind around the seasonal median [-].
    ar1
        Day-to-day autocorrelation of the latent weather anomaly [-].
    correlation_length_km
        e-folding distance of the cross-region correlation [km].
    hs_base_m, hs_coef
        Fetch-limited wave height ``Hs = hs_base_m + hs_coef * wind_kn**2`` [m], [m/kn^2].
    hs_log_sd
        Multiplicative noise of Hs around that relation (log sd) [-].
    reference
        Whether this weather is the reference climate that the calibration
        targets (``arrivals``, ``monthly_shares``, ``loss_rate``) refer to. Weather
        scenarios (a calm week, a rough winter) set ``false``: the targets then
        refer to the default climate (:class:`WeatherConfig` defaults), and the
        scenario's departures and losses depart from them as its weather does.
    """

    wind_kn_summer: float = 9.0
    wind_kn_winter: float = 14.0
    wind_log_sd: float = 0.35
    ar1: float = 0.7
    correlation_length_km: float = 600.0
    hs_base_m: float = 0.15
    hs_coef: float = 0.0035
    hs_log_sd: float = 0.15
    reference: bool = True

    def __post_init__(self) -> None:
        _check(self.wind_kn_summer > 0 and self.wind_kn_winter > 0, "weather wind medians must be > 0 kn")
        _check(self.wind_log_sd >= 0, "weather.wind_log_sd must be >= 0")
        _check(0 <= self.ar1 < 1, f"weather.ar1 must be in [0, 1), got {self.ar1!r}")
        _check(self.correlation_length_km > 0, "weather.correlation_length_km must be > 0 km")
        _check(self.hs_base_m >= 0 and self.hs_coef >= 0, "weather.hs_base_m and hs_coef must be >= 0")
        _check(self.hs_log_sd >= 0, "weather.hs_log_sd must be >= 0")


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartureConfig:
    """Daily departure count process.

    Attributes
    ----------
    dispersion
        Shape ``k`` of the Poisson-gamma (negative binomial) daily counts [-];
        variance = mean + mean**2 / k.
    release_calm, release_rough
        Fraction of boats waiting to leave that depart on a calm / rough day [-].
    hs_softness_m
        Width of the logistic switch between calm and rough around each boat type's ``max_hs_m`` [m].
    abandon_per_day
        Fraction of the persons still waiting who give up each day [1/day].
    hour_utc_mean, hour_utc_sd
        Departure time of day (mostly at night) [h UTC].
    """

    dispersion: float = 2.0
    release_calm: float = 0.55
    release_rough: float = 0.04
    hs_softness_m: float = 0.2
    abandon_per_day: float = 0.05
    hour_utc_mean: float = 20.0
    hour_utc_sd: float = 3.0

    def __post_init__(self) -> None:
        _check(self.dispersion > 0, "departures.dispersion must be > 0")
        _check(
            0 < self.release_rough <= self.release_calm <= 1, "need 0 < release_rough <= release_calm <= 1"
        )
        _check(self.hs_softness_m > 0, "departures.hs_softness_m must be > 0 m")
        _check(0 <= self.abandon_per_day < 1, "departures.abandon_per_day must be in [0, 1)")
        _check(0 <= self.hour_utc_mean < 24 and self.hour_utc_sd >= 0, "departures hour_utc_mean in [0, 24)")


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeConfig:
    """Outcomes, hazard and victim counts (calibration.md s.3).

    Attributes
    ----------
    loss_rate
        Target dead+missing / (arrivals + interceptions + dead+missing) [-].
    hazard_hs_ref_m
        Hs above which the hazard rises with the boat type's ``hazard_hs_slope`` [m].
    hazard_max
        Upper bound of any voyage's fatal-incident probability [-].
    wreck_min_fraction
        A fatal event that kills at least this fraction of those aboard ends the voyage as a shipwreck [-].
    p_unknown
        Share of arrivals that land unobserved (outcome ``unknown``) [-].
    distress_prob
        Share of rescues preceded by a distress alert [-].
    dead_share_wreck, dead_share_on_board
        Share of victims recovered dead (the rest missing) in wrecks / deaths on board [-].
    size_p_one
        Probability that a fatal event has exactly one victim [-].
    size_body_median, size_body_log_sd
        Lognormal body of victims per event (2-49 victims) [persons], [-].
    size_tail_p, size_tail_min, size_tail_alpha, size_max
        Probability, lower bound [persons], Pareto shape [-] and upper bound [persons] of the heavy tail.
    """

    loss_rate: float = 0.012
    hazard_hs_ref_m: float = 1.0
    hazard_max: float = 0.5
    wreck_min_fraction: float = 0.25
    p_unknown: float = 0.01
    distress_prob: float = 0.5
    dead_share_wreck: float = 0.2
    dead_share_on_board: float = 0.8
    size_p_one: float = 0.32
    size_body_median: float = 5.0
    size_body_log_sd: float = 1.0
    size_tail_p: float = 0.10
    size_tail_min: int = 50
    size_tail_alpha: float = 1.0
    size_max: int = 1100

    def __post_init__(self) -> None:
        _check(0 <= self.loss_rate < 0.5, f"outcomes.loss_rate must be in [0, 0.5), got {self.loss_rate!r}")
        _check(0 < self.hazard_max <= 1, "outcomes.hazard_max must be in (0, 1]")
        for name in (
            "wreck_min_fraction",
            "p_unknown",
            "distress_prob",
            "dead_share_wreck",
            "dead_share_on_board",
        ):
            v = getattr(self, name)
            _check(0 <= v <= 1, f"outcomes.{name} must be in [0, 1], got {v!r}")
        _check(
            0 <= self.size_p_one and 0 <= self.size_tail_p and self.size_p_one + self.size_tail_p <= 1,
            "outcomes.size_p_one + size_tail_p must be <= 1",
        )
        _check(
            self.size_body_median > 1 and self.size_body_log_sd > 0, "outcomes size body must be > 1, sd > 0"
        )
        _check(2 < self.size_tail_min < self.size_max, "need 2 < size_tail_min < size_max")
        _check(self.size_tail_alpha > 0, "outcomes.size_tail_alpha must be > 0")


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionConfig:
    """AIS-style positions.

    Attributes
    ----------
    mode : {"all", "sample", "none"}
        Positions for every voyage, for a ``sample_fraction`` of voyages, or none
        (voyages, outcomes and incidents only; fast for a simulated year).
    sample_fraction
        Share of voyages with positions when ``mode = "sample"`` [-].
    interval_min
        Range of the per-voyage mean reporting interval [min].
    gap_rate_per_day
        Reporting gaps per day at sea [1/day].
    gap_h
        Range of gap lengths [h].
    asset_interval_min
        Range of the SAR/patrol assets' reporting interval [min].
    lateral_sd_km
        Standard deviation of a voyage's smooth lateral offset from its route template [km].
    """

    mode: str = "all"
    sample_fraction: float = 0.1
    interval_min: tuple[float, float] = (1.0, 10.0)
    gap_rate_per_day: float = 0.5
    gap_h: tuple[float, float] = (1.2, 8.0)
    asset_interval_min: tuple[float, float] = (2.0, 6.0)
    lateral_sd_km: float = 6.0

    def __post_init__(self) -> None:
        _check(
            self.mode in POSITION_MODES, f"positions.mode must be one of {POSITION_MODES}, got {self.mode!r}"
        )
        _check(0 < self.sample_fraction <= 1, "positions.sample_fraction must be in (0, 1]")
        _range("positions.interval_min", self.interval_min, 0.1)
        _range("positions.gap_h", self.gap_h, 0.0)
        _range("positions.asset_interval_min", self.asset_interval_min, 0.1)
        _check(self.gap_rate_per_day >= 0, "positions.gap_rate_per_day must be >= 0")
        _check(self.lateral_sd_km >= 0, "positions.lateral_sd_km must be >= 0 km")


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteConfig:
    """Sea graph and corridors.

    Attributes
    ----------
    grid_km
        Spacing of the routing grid [km].
    coast_penalty, coast_scale_km
        Relative extra cost near the coast [-] and its e-folding distance [km].
    corridor_offset_km
        Lateral distance of the waypoints forcing alternative corridors [km].
    max_detour
        Longest alternative corridor relative to the direct route [-].
    corridor_weights
        Probability of corridor 0 (direct), 1 and 2 (alternatives) [-].
    """

    grid_km: float = 8.0
    coast_penalty: float = 2.0
    coast_scale_km: float = 12.0
    corridor_offset_km: float = 50.0
    max_detour: float = 1.3
    corridor_weights: tuple[float, ...] = (0.6, 0.2, 0.2)

    def __post_init__(self) -> None:
        _check(3.0 <= self.grid_km <= 30.0, f"routes.grid_km must be in [3, 30] km, got {self.grid_km!r}")
        _check(
            self.coast_penalty >= 0 and self.coast_scale_km > 0,
            "routes coast penalty must be >= 0, scale > 0",
        )
        _check(self.corridor_offset_km > 0, "routes.corridor_offset_km must be > 0 km")
        _check(self.max_detour >= 1, "routes.max_detour must be >= 1")
        _check(
            len(self.corridor_weights) >= 1
            and all(w >= 0 for w in self.corridor_weights)
            and sum(self.corridor_weights) > 0,
            "routes.corridor_weights must be non-negative with a positive sum",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetConfig:
    """A SAR or patrol vessel broadcasting AIS, patrolling a loop of waypoints.

    Attributes
    ----------
    vessel_id, name
        Track id and (synthetic) name.
    asset_type : {"sar_vessel", "patrol_vessel"}
    operator_country
        Operating state or, for NGO ships, flag state.
    base
        Zone id or place of the home port.
    speed_kn
        Mean patrol speed [kn].
    length_m
        Length overall [m].
    waypoints
        ``(lon, lat)`` points [deg] visited in a closed loop.
    """

    vessel_id: str
    name: str
    asset_type: str
    operator_country: str
    base: str
    speed_kn: float
    length_m: float
    waypoints: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        _check(
            self.asset_type in ("sar_vessel", "patrol_vessel"),
            f"assets.{self.vessel_id}.asset_type must be 'sar_vessel' or 'patrol_vessel', got {self.asset_type!r}",
        )
        _check(self.speed_kn > 0, f"assets.{self.vessel_id}.speed_kn must be > 0 kn")
        _check(len(self.waypoints) >= 2, f"assets.{self.vessel_id}.waypoints needs at least 2 points")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioConfig:
    """A complete synthetic scenario.

    Attributes
    ----------
    name, description
        Scenario name and a one-line description.
    start
        First day of the scenario (UTC), ISO date ``YYYY-MM-DD``.
    days
        Length of the scenario [days].
    scale
        Multiplier on every departure count (1 = the calibrated year) [-].
    monthly_shares
        Share of a year's arrivals in each calendar month, Jan..Dec, summing to 1 [-].
    countries, zones, boats
        Departure countries, departure zones and boat types.
    weather, departures, outcomes, positions, routes
        Sub-models.
    assets
        SAR and patrol vessels.
    """

    name: str
    description: str = ""
    start: str
    days: int
    scale: float = 1.0
    monthly_shares: tuple[float, ...]
    countries: tuple[CountryConfig, ...]
    zones: tuple[ZoneConfig, ...]
    boats: tuple[BoatConfig, ...]
    weather: WeatherConfig = field(default_factory=WeatherConfig)
    departures: DepartureConfig = field(default_factory=DepartureConfig)
    outcomes: OutcomeConfig = field(default_factory=OutcomeConfig)
    positions: PositionConfig = field(default_factory=PositionConfig)
    routes: RouteConfig = field(default_factory=RouteConfig)
    assets: tuple[AssetConfig, ...] = ()

    def __post_init__(self) -> None:
        from medroutes.geo import ZONE_DEFINITIONS

        try:
            dt.date.fromisoformat(self.start)
        except (TypeError, ValueError):
            raise ConfigError(
                f"scenario.start must be an ISO date 'YYYY-MM-DD', got {self.start!r}"
            ) from None
        _check(
            isinstance(self.days, int) and 1 <= self.days <= 3660,
            f"scenario.days must be 1..3660, got {self.days!r}",
        )
        _check(self.scale > 0, f"scenario.scale must be > 0, got {self.scale!r}")
        _check(len(self.monthly_shares) == 12, "scenario.monthly_shares needs 12 values (Jan..Dec)")
        _check(all(s >= 0 for s in self.monthly_shares), "scenario.monthly_shares must be >= 0")
        _check(
            abs(sum(self.monthly_shares) - 1) < 1e-3,
            f"scenario.monthly_shares must sum to 1, got {sum(self.monthly_shares):.4f}",
        )
        zdefs = {z.zone_id: z for z in ZONE_DEFINITIONS}
        countries = {c.country for c in self.countries}
        boats = {b.boat_type for b in self.boats}
        _check(len(countries) == len(self.countries), "countries: duplicate country")
        _check(len(boats) == len(self.boats), "boats: duplicate boat type")
        seen: set[str] = set()
        share_by_country: dict[str, float] = {}
        for z in self.zones:
            _check(z.zone_id not in seen, f"zones: duplicate zone {z.zone_id!r}")
            seen.add(z.zone_id)
            zd = zdefs.get(z.zone_id)
            _check(
                zd is not None and zd.kind == "departure",
                f"zones.{z.zone_id}: not a departure zone of medroutes.geo",
            )
            assert zd is not None
            _check(
                zd.country in countries, f"zones.{z.zone_id}: country {zd.country!r} has no [countries] entry"
            )
            share_by_country[zd.country] = share_by_country.get(zd.country, 0.0) + z.share
            for b, _ in z.boats:
                _check(b in boats, f"zones.{z.zone_id}.boats: boat type {b!r} has no [boats] entry")
            for a, _ in z.destinations:
                ad = zdefs.get(a)
                _check(
                    ad is not None and ad.kind == "arrival",
                    f"zones.{z.zone_id}.destinations: {a!r} is not an arrival zone",
                )
        for c in self.countries:
            s = share_by_country.get(c.country, 0.0)
            _check(
                c.arrivals == 0 or abs(s - 1) < 1e-6,
                f"zones of {c.country}: shares must sum to 1, got {s:.6g}",
            )
        ids = [a.vessel_id for a in self.assets]
        _check(len(set(ids)) == len(ids), "assets: duplicate vessel_id")

    @property
    def start_date(self) -> dt.date:
        """First day of the scenario."""
        return dt.date.fromisoformat(self.start)

    def boat(self, boat_type: str) -> BoatConfig:
        """Return the configuration of one boat type."""
        for b in self.boats:
            if b.boat_type == boat_type:
                return b
        raise ConfigError(f"boat type {boat_type!r} is not configured")

    def od_pairs(self) -> tuple[tuple[str, str], ...]:
        """Return the (departure zone, arrival zone) pairs used by the scenario, sorted."""
        return tuple(sorted({(z.zone_id, a) for z in self.zones for a, s in z.destinations if s > 0}))


# --------------------------------------------------------------------------- #
# TOML loading
# --------------------------------------------------------------------------- #

_SCENARIO_PKG = "medroutes.synthetic"


def _scenario_dir() -> Any:
    return resources.files(_SCENARIO_PKG).joinpath("scenarios")


def list_scenarios() -> list[str]:
    """Return the names of the scenarios shipped with medroutes.

    Returns
    -------
    list of str
        Sorted names, usable with :func:`load_config` and ``generate_scenario``.
    """
    return sorted(p.name[:-5] for p in _scenario_dir().iterdir() if p.name.endswith(".toml"))


def _pairs(d: Any, where: str) -> Pairs:
    if not isinstance(d, dict):
        raise ConfigError(f"{where} must be a table of name = share, got {type(d).__name__}")
    return tuple((str(k), float(v)) for k, v in d.items())


def _tuple(v: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(v, list | tuple):
        raise ConfigError(f"{where} must be a list, got {v!r}")
    return tuple(v)


def _build(cls: type, data: dict[str, Any], where: str, **extra: Any) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise ConfigError(
            f"[{where}]: unknown key{'s' if len(unknown) > 1 else ''} {sorted(unknown)}; known: {sorted(names - set(extra))}"
        )
    kwargs = dict(data)
    for f in dataclasses.fields(cls):
        if f.name in kwargs and isinstance(kwargs[f.name], list):
            kwargs[f.name] = tuple(tuple(x) if isinstance(x, list) else x for x in kwargs[f.name])
    kwargs.update(extra)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"[{where}]: {exc}") from None


def config_from_dict(data: dict[str, Any]) -> ScenarioConfig:
    """Build a :class:`ScenarioConfig` from the parsed TOML structure."""
    data = dict(data)
    scen = dict(data.pop("scenario", {}))
    if not scen:
        raise ConfigError("the scenario file has no [scenario] table")
    boats = tuple(
        _build(BoatConfig, dict(v), f"boats.{k}", boat_type=k) for k, v in dict(data.pop("boats", {})).items()
    )
    countries = tuple(
        _build(CountryConfig, dict(v), f"countries.{k}", country=k)
        for k, v in dict(data.pop("countries", {})).items()
    )
    zones = []
    for k, v in dict(data.pop("zones", {})).items():
        v = dict(v)
        v["boats"] = _pairs(v.get("boats"), f"zones.{k}.boats")
        v["destinations"] = _pairs(v.get("destinations"), f"zones.{k}.destinations")
        zones.append(_build(ZoneConfig, v, f"zones.{k}", zone_id=k))
    assets = tuple(_build(AssetConfig, dict(v), f"assets[{i}]") for i, v in enumerate(data.pop("assets", [])))
    subs = {
        "weather": WeatherConfig,
        "departures": DepartureConfig,
        "outcomes": OutcomeConfig,
        "positions": PositionConfig,
        "routes": RouteConfig,
    }
    kw: dict[str, Any] = {}
    for key, cls in subs.items():
        if key in data:
            kw[key] = _build(cls, dict(data.pop(key)), key)
    if data:
        raise ConfigError(f"unknown table{'s' if len(data) > 1 else ''} {sorted(data)} in the scenario file")
    if "monthly_shares" in scen:
        scen["monthly_shares"] = _tuple(scen["monthly_shares"], "scenario.monthly_shares")
    return _build(
        ScenarioConfig,
        scen,
        "scenario",
        countries=countries,
        zones=tuple(zones),
        boats=boats,
        assets=assets,
        **kw,
    )


def load_config(name_or_path: str | Path | ScenarioConfig) -> ScenarioConfig:
    """Load a scenario configuration by shipped name or from a TOML file.

    Parameters
    ----------
    name_or_path
        A shipped scenario name (see :func:`list_scenarios`), a path to a
        ``.toml`` file, or a :class:`ScenarioConfig` (returned as is).

    Returns
    -------
    ScenarioConfig

    Raises
    ------
    ConfigError
        Unknown name, unreadable TOML, or invalid values (the message names the field).
    """
    if isinstance(name_or_path, ScenarioConfig):
        return name_or_path
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        if not p.is_file():
            raise ConfigError(f"scenario file {str(p)!r} does not exist")
        text = p.read_text(encoding="utf-8")
        where = str(p)
    else:
        name = str(name_or_path)
        res = _scenario_dir().joinpath(f"{name}.toml")
        if not res.is_file():
            raise ConfigError(
                f"unknown scenario {name!r}; shipped scenarios: {', '.join(list_scenarios())} (or give a .toml path)"
            )
        text = res.read_text(encoding="utf-8")
        where = f"scenario {name!r}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    try:
        return config_from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


# --------------------------------------------------------------------------- #
# TOML writing (no extra dependency)
# --------------------------------------------------------------------------- #


def _toml_key(k: str) -> str:
    if k and all(c.isascii() and (c.isalnum() or c in "_-") for c in k):
        return k
    return _toml_value(k)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ConfigError(f"cannot write non-finite number {v!r} to TOML")
        return repr(v)
    if isinstance(v, str):
        esc = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{esc}"'
    if isinstance(v, tuple | list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise ConfigError(f"cannot write {type(v).__name__} to TOML")


def _inline(pairs: Pairs) -> str:
    return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(float(v))}" for k, v in pairs) + " }"


def config_to_toml(config: ScenarioConfig) -> str:
    """Write a scenario configuration as TOML text (read back by :func:`load_config`).

    Parameters
    ----------
    config
        The configuration.

    Returns
    -------
    str
        TOML text; deterministic for a given configuration.
    """
    out: list[str] = [
        f"# medroutes scenario {config.name!r} (written by medroutes.synthetic.config_to_toml)",
        "",
    ]
    out.append("[scenario]")
    for f in dataclasses.fields(config):
        v = getattr(config, f.name)
        if f.name in (
            "countries",
            "zones",
            "boats",
            "assets",
            "weather",
            "departures",
            "outcomes",
            "positions",
            "routes",
        ):
            continue
        out.append(f"{f.name} = {_toml_value(v)}")
    for key in ("weather", "departures", "outcomes", "positions", "routes"):
        sub = getattr(config, key)
        out += ["", f"[{key}]"]
        out += [f"{f.name} = {_toml_value(getattr(sub, f.name))}" for f in dataclasses.fields(sub)]
    for b in config.boats:
        out += ["", f"[boats.{_toml_key(b.boat_type)}]"]
        out += [
            f"{f.name} = {_toml_value(getattr(b, f.name))}"
            for f in dataclasses.fields(b)
            if f.name != "boat_type"
        ]
    for c in config.countries:
        out += ["", f"[countries.{_toml_key(c.country)}]"]
        out += [
            f"{f.name} = {_toml_value(getattr(c, f.name))}"
            for f in dataclasses.fields(c)
            if f.name != "country"
        ]
    for z in config.zones:
        out += ["", f"[zones.{_toml_key(z.zone_id)}]", f"share = {_toml_value(z.share)}"]
        out += [f"boats = {_inline(z.boats)}", f"destinations = {_inline(z.destinations)}"]
    for a in config.assets:
        out += ["", "[[assets]]"]
        out += [f"{f.name} = {_toml_value(getattr(a, f.name))}" for f in dataclasses.fields(a)]
    return "\n".join(out) + "\n"
