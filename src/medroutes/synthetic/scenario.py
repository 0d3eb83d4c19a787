"""The :class:`Scenario` container: tables, ground truth, writing and reading folders."""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from medroutes.errors import DataFormatError, OutputError
from medroutes.synthetic.config import ScenarioConfig, config_to_toml, load_config

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["TABLE_NAMES", "Scenario", "calibration_summary", "read_scenario"]

#: Tables of a scenario, in the order they are written.
TABLE_NAMES: tuple[str, ...] = (
    "positions",
    "voyages",
    "incidents",
    "weather",
    "departures",
    "assets",
    "truth",
)

_CONFIG_FILE = "scenario.toml"
_MANIFEST = "manifest.json"


def _version() -> str:
    from medroutes import __version__

    return __version__


def _check_folder(
    folder: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
) -> Path:
    """Check, before any work, that a scenario can be written to ``folder``.

    :meth:`Scenario.write` runs this check itself; the ``generate`` command
    also calls it before the simulation, to fail fast.

    Parameters
    ----------
    folder
        Target folder.
    overwrite
        Whether an existing non-empty folder may be replaced.
    inputs
        Files the run reads (e.g. the scenario TOML); ``None`` entries are
        ignored. A folder that holds one of them is never replaced.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    OutputError
        The folder is a file, holds one of ``inputs``, is not empty (without
        ``overwrite``), or its parent folder does not exist.
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise OutputError(f"cannot write the scenario to {str(target)!r}: it is a file")
    if target.is_dir():
        root = target.resolve()
        for src in inputs:
            if src is None:
                continue
            if Path(src).resolve().is_relative_to(root):
                raise OutputError(
                    f"refusing to replace folder {str(target)!r}: it holds the input file {str(src)!r}; "
                    "choose another output folder (or move the input out of it)"
                )
        if any(target.iterdir()) and not overwrite:
            raise OutputError(
                f"folder {str(target)!r} is not empty; pass overwrite=True (CLI: --overwrite) to replace it"
            )
    parent = target.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: folder {str(parent)!r} does not exist")
    return target


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True, eq=False, repr=False)
class Scenario:
    """A generated scenario: observable tables plus the ground truth kept apart.

    Attributes
    ----------
    positions
        AIS-style positions (POSITIONS schema plus ``vessel_type``, ``length_m``,
        ``name``, ``source``), sorted by ``(vessel_id, timestamp)``: one track per
        boat voyage (``vessel_id`` ``B000001`` ...) and the SAR/patrol assets
        (``vessel_type`` ``sar_vessel`` / ``patrol_vessel``).
    voyages
        One row per boat (SCENARIO_VOYAGES schema) plus ``arrival_time`` (UTC,
        missing unless ``outcome == "arrived"``), ``end_time`` (UTC, end of the
        track), ``dist_km`` [km] and ``duration_h`` [h] sailed, ``start_lon,
        start_lat, end_lon, end_lat`` [deg] and ``n_positions``.
    incidents
        INCIDENTS schema plus ``voyage_id``: fatal events (``shipwreck``,
        ``death_on_board``), ``interception``, ``rescue`` and ``distress``.
    weather
        ``date, region, wind_kn, hs_m`` per day and departure zone.
    departures
        ``date, zone_id, departures, persons`` per day and departure zone.
    assets
        ``vessel_id, name, asset_type, operator_country, base, speed_kn, length_m``.
    truth
        Ground truth per voyage: ``voyage_id, corridor_id, hazard`` (true
        probability of a fatal incident), ``dead, missing, outcome_cause`` and
        more (``destination_zone, launch_site, landing_site, route_km, speed_kn,
        hs_m, landing_zone, landed, returned, unobserved``). Downstream stages
        never read it; tests and exercises do.
    config
        The configuration used.
    seed
        The integer seed (``None`` when a Generator was passed).
    zones
        The zones used (:func:`medroutes.geo.zones`).
    """

    positions: pd.DataFrame
    voyages: pd.DataFrame
    incidents: pd.DataFrame
    weather: pd.DataFrame
    departures: pd.DataFrame
    assets: pd.DataFrame
    truth: pd.DataFrame
    config: ScenarioConfig
    seed: int | None
    zones: gpd.GeoDataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables by name (see :data:`TABLE_NAMES`)."""
        return {name: getattr(self, name) for name in TABLE_NAMES}

    def summary(self) -> dict[str, Any]:
        """Headline numbers: counts per table, persons, outcomes and the loss rate."""
        v = self.voyages
        t = self.truth
        dm = int(t["dead"].sum() + t["missing"].sum())
        denom = int(t["landed"].sum() + t["returned"].sum()) + dm
        return {
            "name": self.config.name,
            "seed": self.seed,
            "start": self.config.start,
            "days": self.config.days,
            "rows": {k: len(df) for k, df in self.tables().items()},
            "voyages": len(v),
            "persons": int(v["persons"].sum()),
            "outcomes": {str(k): int(c) for k, c in v["outcome"].value_counts(sort=False).items()},
            "landed": int(t["landed"].sum()),
            "returned": int(t["returned"].sum()),
            "dead_missing": dm,
            "loss_rate": dm / denom if denom else float("nan"),
        }

    def __repr__(self) -> str:
        s = self.summary()
        rows = ", ".join(f"{k}={n:,}" for k, n in s["rows"].items())
        return (
            f"<Scenario {s['name']!r} seed={s['seed']} {s['start']} +{s['days']} d: "
            f"{s['voyages']:,} voyages, {s['persons']:,} persons, {s['dead_missing']:,} dead+missing; {rows}>"
        )

    def _repr_html_(self) -> str:
        s = self.summary()
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td style='text-align:right'>{n:,}</td></tr>"
            for k, n in s["rows"].items()
        )
        oc = ", ".join(f"{html.escape(k)} {n:,}" for k, n in s["outcomes"].items())
        return (
            f"<div><b>Scenario {html.escape(str(s['name']))}</b> (seed {html.escape(str(s['seed']))}, "
            f"{html.escape(s['start'])} + {s['days']} days)<br>"
            f"{s['voyages']:,} voyages, {s['persons']:,} persons; outcomes: {oc}<br>"
            f"landed {s['landed']:,}, returned {s['returned']:,}, dead+missing {s['dead_missing']:,} "
            f"(loss rate {s['loss_rate']:.2%})"
            f"<table><tr><th>table</th><th>rows</th></tr>{rows}</table></div>"
        )

    def write(
        self,
        folder: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        csv: bool = True,
        inputs: Iterable[str | os.PathLike[str] | None] = (),
    ) -> Path:
        """Write every table (Parquet and CSV), the configuration and a manifest to a folder.

        The folder is written atomically: everything goes to a temporary folder
        beside it, which is renamed at the end, so a reader never sees a half
        written scenario. Same scenario, same bytes.

        Parameters
        ----------
        folder
            Target folder; it must not exist or be empty unless ``overwrite``.
        overwrite
            Replace an existing non-empty folder.
        csv
            Also write ``<table>.csv`` next to each ``<table>.parquet``.
        inputs
            Files the run read (e.g. the scenario TOML): a folder holding one
            of them is never replaced, even with ``overwrite``.

        Returns
        -------
        pathlib.Path
            The folder.

        Raises
        ------
        OutputError
            The folder exists and is not empty (and ``overwrite`` is False), is
            a file, or holds one of ``inputs``; or writing failed (disk full,
            no permission): the message names the folder and the reason, and
            no partial folder is left (a replaced folder is kept as it was).

        Notes
        -----
        Files: ``<table>.parquet`` (and ``.csv``) for each of :data:`TABLE_NAMES`,
        ``scenario.toml`` (the configuration, loadable with
        :func:`~medroutes.synthetic.load_config`) and ``manifest.json``
        (version, seed, row counts and the sha256 of every file).
        """
        target = _check_folder(folder, overwrite=overwrite, inputs=inputs)
        parent = target.resolve().parent
        try:
            self._write_replace(target, parent, csv=csv)
        except OutputError:
            raise
        except OSError as exc:  # disk full, permission denied, read-only file system ...
            reason = exc.strerror or str(exc) or type(exc).__name__
            code = f" (errno {exc.errno})" if exc.errno is not None else ""
            raise OutputError(
                f"cannot write the scenario to folder {str(target)!r}: {reason}{code}; "
                "no partial output was kept"
            ) from exc
        return target

    def _write_replace(self, target: Path, parent: Path, *, csv: bool) -> None:
        """Write to a temporary folder in ``parent``, then rename it onto ``target``."""
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
        try:
            files: dict[str, str] = {}
            for name, df in self.tables().items():
                p = tmp / f"{name}.parquet"
                df.to_parquet(p, index=False, engine="pyarrow", compression="zstd")
                files[p.name] = _sha256(p)
                if csv:
                    c = tmp / f"{name}.csv"
                    df.to_csv(c, index=False, lineterminator="\n", date_format="%Y-%m-%dT%H:%M:%SZ")
                    files[c.name] = _sha256(c)
            cfg_path = tmp / _CONFIG_FILE
            cfg_path.write_text(config_to_toml(self.config), encoding="utf-8")
            files[_CONFIG_FILE] = _sha256(cfg_path)
            manifest = {
                "generator": "medroutes.synthetic.generate_scenario",
                "medroutes_version": _version(),
                "scenario": self.config.name,
                "seed": self.seed,
                "start": self.config.start,
                "days": self.config.days,
                "rows": {k: len(df) for k, df in self.tables().items()},
                "files": dict(sorted(files.items())),
            }
            (tmp / _MANIFEST).write_text(
                json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
            os.chmod(tmp, 0o777 & ~_umask())
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
                os.rmdir(old)
                os.rename(target, old)
                try:
                    os.rename(tmp, target)
                except OSError:
                    os.rename(old, target)
                    raise
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _umask() -> int:
    cur = os.umask(0)
    os.umask(cur)
    return cur


def _read_manifest(path: Path) -> dict[str, Any]:
    """Parse ``manifest.json``: a JSON object with optional ``files``, ``rows`` and ``seed`` entries."""
    from medroutes.schema import _short

    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{str(path)!r} is not a valid scenario manifest: undecodable byte at offset {exc.start} "
            "(not UTF-8 text); regenerate the folder with Scenario.write or medroutes generate"
        ) from exc
    except json.JSONDecodeError as exc:
        raise DataFormatError(
            f"{str(path)!r} is not a valid scenario manifest: not JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}); regenerate the folder with Scenario.write or medroutes generate"
        ) from exc
    problem = None
    if not isinstance(manifest, dict):
        problem = f"expected a JSON object, found {type(manifest).__name__}"
    elif not all(isinstance(manifest.get(k, {}), dict) for k in ("files", "rows")):
        problem = "'files' and 'rows' must be JSON objects"
    elif not all(type(v) is int for v in manifest.get("rows", {}).values()):
        problem = "'rows' must map table names to row counts (integers)"
    elif not isinstance(manifest.get("seed"), int | None) or isinstance(manifest.get("seed"), bool):
        problem = f"'seed' must be an integer, found {_short(manifest.get('seed'), 40)!r}"
    if problem:
        raise DataFormatError(f"{str(path)!r} is not a valid scenario manifest: {problem}")
    return manifest


def read_scenario(folder: str | os.PathLike[str], *, verify: bool = True) -> Scenario:
    """Read a scenario written by :meth:`Scenario.write`.

    Parameters
    ----------
    folder
        Folder with ``<table>.parquet`` files, ``scenario.toml`` and ``manifest.json``.
    verify
        Check the sha256 of every file listed in the manifest that is present
        (CSV copies may be absent).

    Returns
    -------
    Scenario

    Raises
    ------
    DataFormatError
        Missing files, a ``manifest.json`` that is not a JSON object (e.g. a
        corrupt or truncated file), or a checksum that does not match the manifest.
    """
    from medroutes.geo import zones

    root = Path(folder)
    if not root.is_dir():
        raise DataFormatError(f"scenario folder {str(root)!r} does not exist")
    man_path = root / _MANIFEST
    if not man_path.is_file():
        raise DataFormatError(f"{str(root)!r} is not a medroutes scenario folder: {_MANIFEST} is missing")
    manifest = _read_manifest(man_path)
    missing = [f"{n}.parquet" for n in TABLE_NAMES if not (root / f"{n}.parquet").is_file()]
    if not (root / _CONFIG_FILE).is_file():
        missing.append(_CONFIG_FILE)
    if missing:
        raise DataFormatError(f"scenario folder {str(root)!r} lacks {', '.join(missing)}")
    if verify:
        bad = [
            name
            for name, digest in manifest.get("files", {}).items()
            if (root / name).is_file() and _sha256(root / name) != digest
        ]
        if bad:
            raise DataFormatError(
                f"scenario folder {str(root)!r}: {len(bad)} file(s) do not match the manifest checksums "
                f"({', '.join(bad)}); the files were modified after writing"
            )
    tables = {n: pd.read_parquet(root / f"{n}.parquet", engine="pyarrow") for n in TABLE_NAMES}
    for n, df in tables.items():
        expected = manifest.get("rows", {}).get(n)
        if expected is not None and expected != len(df):
            raise DataFormatError(f"{n}.parquet has {len(df):,} rows, the manifest says {expected:,}")
    cfg = load_config(root / _CONFIG_FILE)
    seed = manifest.get("seed")
    return Scenario(**tables, config=cfg, seed=None if seed is None else int(seed), zones=zones())


def calibration_summary(scenario: Scenario) -> dict[str, Any]:
    """Compare a scenario with its configured calibration targets.

    Returns persons landed per departure country (vs ``arrivals * days/365 *
    scale`` for a calendar year), the monthly shares of landed persons, and the
    loss rate (dead+missing / (landed + returned + dead+missing)) vs
    ``loss_rate``.

    Parameters
    ----------
    scenario
        A generated scenario.

    Returns
    -------
    dict
        ``landed_by_country`` (DataFrame: country, landed, target, ratio),
        ``monthly_shares`` (DataFrame: month, landed_share, configured_share),
        ``loss_rate``, ``target_loss_rate``.
    """
    v = scenario.voyages
    t = scenario.truth
    cfg = scenario.config
    frac = cfg.days / 365.0 * cfg.scale
    landed = t["landed"].groupby(v["departure_country"].to_numpy()).sum()
    by_c = pd.DataFrame(
        {
            "country": [c.country for c in cfg.countries],
            "landed": [int(landed.get(c.country, 0)) for c in cfg.countries],
            "target": [c.arrivals * frac for c in cfg.countries],
        }
    )
    by_c["ratio"] = by_c["landed"] / by_c["target"].where(by_c["target"] > 0)
    when = v["end_time"].dt.month.to_numpy()
    monthly = np.bincount(when, weights=t["landed"].to_numpy(), minlength=13)[1:]
    shares = pd.DataFrame(
        {
            "month": np.arange(1, 13),
            "landed_share": monthly / monthly.sum() if monthly.sum() else monthly,
            "configured_share": np.asarray(cfg.monthly_shares) / sum(cfg.monthly_shares),
        }
    )
    dm = float(t["dead"].sum() + t["missing"].sum())
    denom = float(t["landed"].sum() + t["returned"].sum()) + dm
    return {
        "landed_by_country": by_c,
        "monthly_shares": shares,
        "loss_rate": dm / denom if denom else float("nan"),
        "target_loss_rate": cfg.outcomes.loss_rate,
    }
