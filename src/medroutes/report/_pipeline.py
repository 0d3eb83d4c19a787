"""Run the whole pipeline for the report: load, clean, split, graph, corridors, risk."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from medroutes.errors import ConfigError, DataQualityWarning, InsufficientDataError
from medroutes.schema import QualityReport

__all__ = ["STEPS", "PipelineRun", "parse_period", "run_pipeline"]

ASSET_TYPES = ("sar_vessel", "patrol_vessel")

#: Labels of the pipeline steps, in order (the progress bar counts them).
STEPS: tuple[str, ...] = (
    "load inputs",
    "clean positions",
    "split voyages",
    "route graph",
    "corridors",
    "risk",
    "risk by half-period",
    "model checks",
)


@dataclass
class PipelineRun:
    """Everything the report shows, computed once."""

    label: str = ""
    is_sample: bool = False
    scenario: Any = None
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None
    period_how: str = ""
    positions: pd.DataFrame = field(default_factory=pd.DataFrame)
    incidents: pd.DataFrame = field(default_factory=pd.DataFrame)
    zones: Any = None
    weather: pd.DataFrame | None = None
    asset_positions: pd.DataFrame | None = None
    attributes: pd.DataFrame | None = None
    voyages: Any = None
    graph: Any = None
    corridors: Any = None
    corridor_model: Any = None
    risk_voyages: Any = None
    risk_incidents: pd.DataFrame = field(default_factory=pd.DataFrame)
    risk: Any = None
    risk_halves: tuple[Any, Any] = (None, None)
    incident_model: Any = None
    departure_backtest: Any = None
    quality: list[tuple[str, QualityReport]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inputs: list[dict[str, str]] = field(default_factory=list)
    input_paths: list[Path] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    seed: int | None = None
    configs: list[tuple[str, str]] = field(default_factory=list)
    n_positions: int = 0
    n_tracks: int = 0

    @property
    def mid(self) -> pd.Timestamp:
        """Start of the second half of the period [UTC]."""
        assert self.period is not None
        a, b = self.period
        days = (b - a).days
        return a + pd.Timedelta(days=days // 2) if days >= 2 else a + (b - a) / 2


# --------------------------------------------------------------------------- #
# inputs
# --------------------------------------------------------------------------- #


def parse_period(period: Any) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Parse ``"2023-01-01:2023-06-30"`` (end day included) or a pair of timestamps.

    Parameters
    ----------
    period
        ``None``, a string ``START:END`` of ISO dates, or ``(start, end)``.

    Returns
    -------
    tuple of pandas.Timestamp or None
        ``[start, end)`` in UTC; a date-only END means the end of that day.

    Raises
    ------
    ConfigError
        Unparseable, or END before START.
    """
    if period is None:
        return None
    if isinstance(period, str):
        parts = period.split(":") if period.count(":") == 1 else period.split("/")
        if len(parts) != 2:
            raise ConfigError(
                f"period must be START:END with ISO dates, e.g. 2023-01-01:2023-06-30; got {period!r}"
            )
        raw = parts
    else:
        try:
            raw = list(period)
        except TypeError as exc:
            raise ConfigError(f"period must be 'START:END' or (start, end), got {period!r}") from exc
        if len(raw) != 2:
            raise ConfigError(f"period must be 'START:END' or (start, end), got {period!r}")
    out = []
    for i, v in enumerate(raw):
        try:
            t = pd.Timestamp(v.strip() if isinstance(v, str) else v)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"period: cannot read {v!r} as a date (use YYYY-MM-DD)") from exc
        if pd.isna(t):
            raise ConfigError(f"period: cannot read {v!r} as a date (use YYYY-MM-DD)")
        t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
        date_only = isinstance(v, str) and len(v.strip()) <= 10
        if i == 1 and date_only:
            t = t + pd.Timedelta(days=1)
        out.append(t)
    if not out[0] < out[1]:
        raise ConfigError(f"period: the end ({raw[1]}) is before the start ({raw[0]})")
    return out[0], out[1]


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha256_frame(df: pd.DataFrame) -> str:
    cols = [c for c in df.columns if c != "geometry"]
    rows = pd.util.hash_pandas_object(df[cols], index=False).to_numpy()
    h = hashlib.sha256(rows.tobytes())
    h.update(",".join(map(str, cols)).encode())
    return h.hexdigest()


def _record_input(run: PipelineRun, name: str, value: Any, n_rows: int) -> None:
    if isinstance(value, str | os.PathLike):
        p = Path(value)
        shown = f"bundled sample: {p.name}" if run.is_sample else str(value)
        run.inputs.append({"name": name, "path": shown, "rows": f"{n_rows:,}", "sha256": _sha256_file(p)})
        run.input_paths.append(p)
    else:
        run.inputs.append(
            {
                "name": name,
                "path": "(in memory table; hash of its rows)",
                "rows": f"{n_rows:,}",
                "sha256": _sha256_frame(value),
            }
        )


def _table_source(scenario: Any, folder: Path | None, name: str) -> Any:
    """Return the scenario file a table was read from (for its checksum), else the table itself."""
    if folder is not None and (folder / f"{name}.parquet").is_file():
        return folder / f"{name}.parquet"
    return getattr(scenario, name)


def _check_file(value: Any, what: str) -> None:
    if isinstance(value, str | os.PathLike) and not Path(value).is_file():
        raise FileNotFoundError(2, f"{what} file not found", str(value))


def _read_positions(value: Any) -> tuple[pd.DataFrame, QualityReport]:
    from medroutes.schema import validate_positions

    if isinstance(value, pd.DataFrame):
        return validate_positions(value, on_invalid="drop")
    import medroutes.io as mio

    return mio.read_positions(value, on_invalid="drop", return_report=True)


def _read_incidents(value: Any) -> tuple[pd.DataFrame, QualityReport]:
    from medroutes.schema import validate_incidents

    if isinstance(value, pd.DataFrame):
        return validate_incidents(value, on_invalid="drop")
    import medroutes.io as mio

    return mio.read_incidents(value, on_invalid="drop", return_report=True)


def _read_zones(value: Any) -> tuple[Any, QualityReport]:
    import geopandas as gpd

    from medroutes.schema import validate_zones

    if isinstance(value, str | os.PathLike):
        try:
            value = gpd.read_file(value)
        except Exception as exc:  # pyogrio raises its own DataSourceError types
            from medroutes.errors import DataFormatError

            raise DataFormatError(f"zones: cannot read {str(value)!r} as a vector file ({exc})") from exc
    return validate_zones(value, on_invalid="drop")


def _sources_of(df: pd.DataFrame) -> set[str]:
    if "source" not in df.columns or len(df) == 0:
        return set()
    text = " ".join(map(str, pd.unique(df["source"].astype(str))[:50])).lower()
    found = set()
    if "iom" in text or "missing migrants" in text:
        found.add("iom")
    if "dma" in text or "danish" in text:
        found.add("dma")
    if "unhcr" in text:
        found.add("unhcr")
    if "synthetic" in text or "medroutes" in text or "scenario" in text:
        found.add("synthetic")
    if "marinecadastre" in text or "noaa" in text:
        found.add("noaa")
    return found


def _resolve_scenario(run: PipelineRun, args: dict[str, Any]) -> tuple[Any, Path | None]:
    """Return the scenario to use (read from a folder, the bundled sample, or none) and its folder."""
    scenario = args["scenario"]
    positions, incidents = args["positions"], args["incidents"]
    folder: Path | None = None
    if isinstance(scenario, str | os.PathLike):
        from medroutes.synthetic import read_scenario

        if not Path(scenario).is_dir():
            raise FileNotFoundError(2, "scenario folder not found", str(scenario))
        folder = Path(scenario)
        scenario = read_scenario(folder)
        run.label = f"scenario read from {folder}"
    if scenario is None and positions is None and incidents is None:
        from medroutes.datasets import load_sample, sample_dir

        scenario = load_sample()
        folder = sample_dir()
        run.is_sample = True
        run.label = (
            "the bundled synthetic sample scenario (invented voyages calibrated against published aggregates)"
        )
    elif scenario is None and (positions is None or incidents is None):
        missing = "incidents" if incidents is None else "positions"
        raise ConfigError(
            f"{missing} are needed: the report scores loss of life from positions and incidents together; "
            f"pass both (or neither, for the bundled sample)"
        )
    elif scenario is not None and not run.label:
        run.label = f"synthetic scenario {getattr(getattr(scenario, 'config', None), 'name', '')!s}".strip()
    if scenario is not None:
        run.seed = getattr(scenario, "seed", None)
        run.weather = getattr(scenario, "weather", None)
        run.attributes = getattr(scenario, "voyages", None)
        run.sources.add("synthetic")
    run.scenario = scenario
    return scenario, folder


def _load_tables(
    run: PipelineRun, args: dict[str, Any], scenario: Any, folder: Path | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and validate positions, incidents and zones; record their checksums and quality."""
    from medroutes.schema import validate_incidents, validate_positions

    positions, incidents, zones = args["positions"], args["incidents"], args["zones"]
    if positions is not None:
        pos, qr = _read_positions(positions)
        run.attributes = None  # a scenario's per-voyage attributes describe its own tracks only
        if incidents is not None:
            run.label = "the user's files"
    else:
        pos, qr = validate_positions(scenario.positions, on_invalid="drop")
        positions = _table_source(scenario, folder, "positions")
    run.quality.append(("positions: read and validate", qr))
    _record_input(run, "positions", positions, qr.n_in)
    if incidents is not None:
        inc, qi = _read_incidents(incidents)
    else:
        inc, qi = validate_incidents(scenario.incidents, on_invalid="drop")
        incidents = _table_source(scenario, folder, "incidents")
    run.quality.append(("incidents: read and validate", qi))
    _record_input(run, "incidents", incidents, qi.n_in)
    for name in ("voyages", "weather"):
        table = getattr(scenario, name, None) if scenario is not None else None
        if table is not None:
            _record_input(run, f"scenario {name}", _table_source(scenario, folder, name), len(table))
    if zones is not None:
        z, qz = _read_zones(zones)
        run.quality.append(("zones: read and validate", qz))
        _record_input(run, "zones", zones, qz.n_in)
        run.zones = z
    else:
        from medroutes.geo import zones as builtin_zones

        run.zones = builtin_zones()
    run.sources |= _sources_of(pos) | _sources_of(inc)
    run.sources.add("natural_earth")
    return pos, inc


def _split_assets(run: PipelineRun, pos: pd.DataFrame) -> pd.DataFrame:
    """Set SAR / patrol vessel positions aside: they describe rescue capacity, not crossings."""
    if "vessel_type" not in pos.columns:
        return pos
    is_asset = pos["vessel_type"].astype(str).isin(ASSET_TYPES).to_numpy()
    if not is_asset.any():
        return pos
    n_av = pos.loc[is_asset, "vessel_id"].nunique()
    run.notes.append(
        f"positions: {int(is_asset.sum()):,} positions of {n_av:,} SAR or patrol vessels are not "
        "migrant-boat tracks; they describe rescue capacity and are not split into voyages"
    )
    run.asset_positions = pos.loc[is_asset].reset_index(drop=True)
    return pos.loc[~is_asset].reset_index(drop=True)


def _load(run: PipelineRun, args: dict[str, Any]) -> None:
    for what in ("positions", "incidents", "zones"):
        _check_file(args[what], what)
    scenario, folder = _resolve_scenario(run, args)
    pos, inc = _load_tables(run, args, scenario, folder)
    pos = _split_assets(run, pos)
    period = parse_period(args["period"])
    if period is None:
        if len(pos) == 0:
            raise InsufficientDataError("positions: no valid position left to analyse (0 rows)")
        t = pos["timestamp"]
        period = (t.min().floor("D"), t.max().floor("D") + pd.Timedelta(days=1))
        run.period_how = "the span of the positions"
    else:
        run.period_how = "selected period"
        pos = _filter_period(run, pos, "timestamp", period, "positions")
        inc = _filter_period(run, inc, "timestamp", period, "incidents")
        if run.asset_positions is not None:
            t = run.asset_positions["timestamp"]
            run.asset_positions = run.asset_positions[((t >= period[0]) & (t < period[1])).to_numpy()]
        if run.weather is not None:
            w = pd.to_datetime(run.weather["date"], utc=True)
            run.weather = run.weather[((w >= period[0]) & (w < period[1])).to_numpy()].reset_index(drop=True)
    run.period = period
    if len(pos) == 0:
        raise InsufficientDataError(
            f"positions: no position in the period {period[0]:%Y-%m-%d} to "
            f"{period[1] - pd.Timedelta(days=1):%Y-%m-%d}"
        )
    run.positions = pos
    run.incidents = inc
    run.n_positions = len(pos)
    run.n_tracks = int(pos["vessel_id"].nunique())


def _filter_period(
    run: PipelineRun, df: pd.DataFrame, col: str, period: tuple[pd.Timestamp, pd.Timestamp], table: str
) -> pd.DataFrame:
    t = df[col]
    keep = ((t >= period[0]) & (t < period[1])).fillna(False).to_numpy(dtype=bool)
    n_out = int((~keep).sum())
    from medroutes.schema import Problem

    problems = (
        (Problem("outside_period", col, "are outside the selected period (not analysed)", n_out),)
        if n_out
        else ()
    )
    run.quality.append(
        (f"{table}: select the period", QualityReport(table, len(df), int(keep.sum()), problems))
    )
    return df.loc[keep].reset_index(drop=True)


# --------------------------------------------------------------------------- #
# stages
# --------------------------------------------------------------------------- #


def _clean(run: PipelineRun) -> None:
    import medroutes.tracks as tr

    pos, qr = tr.clean_positions(run.positions, on_invalid="drop")
    run.quality.append(("positions: clean", qr))
    run.positions = pos


def _split(run: PipelineRun) -> None:
    import medroutes.tracks as tr

    voy = tr.split_voyages(run.positions, zones=run.zones)
    run.quality.append(("positions: split into voyages", voy.quality))
    run.configs.append(("TrackConfig", repr(voy.config)))
    if len(voy.table) == 0:
        raise InsufficientDataError(f"voyages: the {len(run.positions):,} positions give no voyage")
    run.voyages = voy


def _graph(run: PipelineRun) -> None:
    import medroutes.graph as mg

    G = mg.graph_from_voyages(
        run.voyages, attributes=run.attributes, incidents=run.incidents, zones=run.zones
    )
    run.graph = G
    cfg = G.graph.get("config")
    if cfg is not None:
        run.configs.append(("GraphConfig", repr(cfg)))


def _corridors(run: PipelineRun) -> None:
    import medroutes.graph as mg

    try:
        est = mg.CorridorClustering(seed=0).fit(run.voyages)
    except InsufficientDataError as exc:
        run.notes.append(f"corridors: not computed ({exc})")
        return
    run.corridor_model = est
    run.corridors = est.corridors_


def _risk_inputs(run: PipelineRun) -> None:
    """Voyages with the scenario's per-voyage attributes, and incidents linked to those voyages.

    Scenario attributes (persons, boat type, outcome) join on ``vessel_id``,
    unique per boat voyage in a scenario; a scenario incident's ``voyage_id``
    is mapped to the first track voyage of the same vessel. Incidents
    without a link are attributed by location in the risk stage.
    """
    voy = run.voyages
    inc = run.incidents
    attrs = run.attributes
    if attrs is not None and "vessel_id" in attrs.columns and attrs["vessel_id"].is_unique:
        cols = [
            c
            for c in ("persons", "boat_type", "outcome")
            if c in attrs.columns and c not in voy.table.columns
        ]
        table = voy.table.merge(
            attrs[["vessel_id", *cols]], on="vessel_id", how="left", validate="many_to_one"
        )
        voy = dataclasses.replace(voy, table=table)
        if "voyage_id" in inc.columns and "voyage_id" in attrs.columns:
            first = voy.table.drop_duplicates("vessel_id", keep="first").set_index("vessel_id")["voyage_id"]
            vessel = attrs.set_index("voyage_id")["vessel_id"]
            track_id = vessel.reindex(inc["voyage_id"].to_numpy()).map(first)
            inc = inc.assign(voyage_id=track_id.to_numpy())
    elif "voyage_id" in inc.columns:
        inc = inc.drop(columns="voyage_id")
    run.risk_voyages = voy
    run.risk_incidents = inc


def _score(run: PipelineRun, voyages: Any, incidents: pd.DataFrame, *, full: bool) -> Any:
    import medroutes.risk as mr

    assets = run.asset_positions
    if assets is not None and not full and len(voyages.table):
        # only the asset fixes that can be near these voyages in time (the risk stage looks +- hours)
        t = assets["timestamp"]
        lo = voyages.table["start_time"].min() - pd.Timedelta(days=1)
        hi = voyages.table["end_time"].max() + pd.Timedelta(days=1)
        assets = assets.loc[((t >= lo) & (t <= hi)).to_numpy()]
    return mr.score_risk(
        voyages,
        incidents,
        graph=run.graph if full else None,
        weather=run.weather,
        assets=assets,
        corridors=run.corridor_model if full else None,
    )


def _risk(run: PipelineRun) -> None:
    _risk_inputs(run)
    run.risk = _score(run, run.risk_voyages, run.risk_incidents, full=True)
    run.notes += [f"risk: {n}" for n in getattr(run.risk, "notes", ())]
    cfg = getattr(run.risk, "config", None)
    if cfg is not None:
        run.configs.append(("RiskConfig", repr(cfg)))


def _risk_halves(run: PipelineRun) -> None:
    mid = run.mid
    voy = run.risk_voyages
    inc = run.risk_incidents
    assert voy is not None
    start = pd.to_datetime(voy.table["start_time"], utc=True)
    first = (start < mid).to_numpy()
    t_inc = inc["timestamp"]
    halves: list[Any] = []
    for sel, isel in ((first, (t_inc < mid).to_numpy()), (~first, (t_inc >= mid).to_numpy())):
        if not sel.any():
            halves.append(None)
            continue
        try:
            halves.append(_score(run, voy.select(sel), inc.loc[isel].reset_index(drop=True), full=False))
        except InsufficientDataError as exc:
            run.notes.append(f"risk by half-period: {exc}")
            halves.append(None)
    run.risk_halves = (halves[0], halves[1])


def _model_checks(run: PipelineRun) -> None:
    """Out-of-sample checks of the risk stage's two models, where the data allow them."""
    import medroutes.risk as mr

    F = run.risk.voyages
    if hasattr(run.risk, "incident_model"):  # scored and cross-validated inside score_risk
        run.incident_model = run.risk.incident_model  # None: the risk notes say why
    else:
        try:
            y = mr.incident_target(F, run.risk_incidents)
            run.incident_model = mr.evaluate_incident_model(F, y, seed=0)
        except InsufficientDataError as exc:
            run.notes.append(f"incident model: calibration not evaluated ({exc})")
    try:
        V = F.loc[~F["zone_id"].isin(["at sea", "unknown"])].rename(columns={"zone_id": "departure_zone"})
        counts = mr.daily_counts(V[["departure_zone", "departure_time"]])
        run.departure_backtest = mr.backtest(counts, run.weather)
    except InsufficientDataError as exc:
        run.notes.append(f"departure model: backtest not run ({exc})")


def run_pipeline(args: dict[str, Any], *, progress: bool | None = None) -> PipelineRun:
    """Run every stage, with one progress-bar step per stage.

    Parameters
    ----------
    args
        ``scenario, positions, incidents, zones, period`` as given to
        :func:`medroutes.report.build_report`.
    progress
        Show the progress bar; ``None`` follows :func:`medroutes.set_options`.

    Returns
    -------
    PipelineRun
    """
    from medroutes.options import get_options, progress_bar, set_options

    show = bool(get_options()["progress"]) if progress is None else bool(progress)
    run = PipelineRun()
    actions = {
        "load inputs": lambda: _load(run, args),
        "clean positions": lambda: _clean(run),
        "split voyages": lambda: _split(run),
        "route graph": lambda: _graph(run),
        "corridors": lambda: _corridors(run),
        "risk": lambda: _risk(run),
        "risk by half-period": lambda: _risk_halves(run),
        "model checks": lambda: _model_checks(run),
    }
    with warnings.catch_warnings():
        # drops are counted in the quality reports and shown in the report's data-quality section
        warnings.simplefilter("ignore", DataQualityWarning)
        for step in progress_bar(list(STEPS), desc="medroutes report", unit="step", enabled=show):
            with set_options(progress=False):  # one bar for the report, not one per inner loop
                actions[step]()
    return run
