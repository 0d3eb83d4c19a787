"""``medroutes score``: score departure zones, corridors and time windows for risk to life at sea."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from medroutes.errors import ConfigError, DataFormatError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``score`` sub-command."""
    p = subparsers.add_parser(
        "score",
        help="score zones, corridors and time windows for risk (threat, vulnerability, impact)",
        description=(
            "Score departure zones, corridors and zone x month windows for risk to life at sea "
            "(threat x vulnerability x impact, with a risk category, a credible interval and an explanation). "
            "Input: a scenario folder written by 'medroutes generate', or --voyages and --incidents files, or "
            "nothing for the bundled sample. Writes one CSV row per unit and, beside it, "
            "<out>.provenance.json (seed, config, input fingerprints, versions, risk matrix, attribution). "
            "Categories describe places, routes and time windows, never people."
        ),
    )
    p.add_argument(
        "scenario", nargs="?", metavar="SCENARIO_DIR", help="scenario folder (default: bundled sample)"
    )
    p.add_argument("--voyages", metavar="FILE", help="voyages table (CSV or Parquet)")
    p.add_argument(
        "--incidents", metavar="FILE", help="incidents (IOM Missing Migrants CSV or tidy CSV/Parquet)"
    )
    p.add_argument(
        "--weather", metavar="FILE", help="weather table: date, region, wind_kn, hs_m (CSV or Parquet)"
    )
    p.add_argument(
        "--assets", metavar="FILE", help="AIS positions including rescue/patrol vessels (CSV or Parquet)"
    )
    p.add_argument("--corridors", metavar="FILE", help="voyage_id, corridor_id table (CSV or Parquet)")
    p.add_argument("--config", metavar="TOML", help="TOML file with a [risk] table of RiskConfig parameters")
    p.add_argument(
        "--seed", type=int, metavar="N", help="seed of the uncertainty draws (overrides the config)"
    )
    p.add_argument("--out", required=True, metavar="CSV", help="output CSV, one row per scored unit")
    p.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    p.set_defaults(func=run)
    return p


def _read_table(path: str, what: str) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, f"{what} file not found", str(p))
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(p)
        df = pd.read_csv(p)
    except (ValueError, OSError) as exc:
        raise DataFormatError(f"{what}: cannot read {str(p)!r} as CSV or Parquet ({exc})") from exc
    for col in ("departure_time", "arrival_time", "start_time", "end_time", "timestamp", "date"):
        if col in df.columns:
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    return df


def _config(args: argparse.Namespace) -> Any:
    from medroutes.risk.config import RiskConfig

    params: dict[str, Any] = {}
    if args.config:
        import tomllib

        path = Path(args.config)
        if not path.is_file():
            raise FileNotFoundError(2, "config file not found", str(path))
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config: {str(path)!r} is not valid TOML ({exc})") from exc
        params = dict(data.get("risk", data))
    if args.seed is not None:
        params["seed"] = args.seed
    return RiskConfig.from_dict(params)


def _inputs(args: argparse.Namespace) -> tuple[dict[str, Any], str, list[str]]:
    files = [args.voyages, args.incidents, args.weather, args.assets, args.corridors]
    if args.scenario and (args.voyages or args.incidents):
        raise ConfigError("give either SCENARIO_DIR or --voyages/--incidents, not both")
    if bool(args.voyages) != bool(args.incidents):
        raise ConfigError(
            "--voyages and --incidents go together (impact needs the incidents of those voyages)"
        )
    if args.voyages:
        import medroutes.io as mio

        inc = mio.read_incidents(args.incidents)
        kw = {"voyages": _read_table(args.voyages, "voyages"), "incidents": inc}
        label = f"{args.voyages} + {args.incidents}"
    else:
        if args.scenario:
            from medroutes.synthetic import read_scenario

            if not Path(args.scenario).is_dir():
                raise FileNotFoundError(2, "scenario folder not found", str(args.scenario))
            sc = read_scenario(args.scenario)
            label = f"scenario {args.scenario}"
        else:
            from medroutes.datasets import load_sample

            sc = load_sample()
            label = "the bundled sample scenario"
        kw = {"voyages": sc.voyages, "incidents": sc.incidents, "weather": sc.weather, "assets": sc.positions}
    if args.weather:
        kw["weather"] = _read_table(args.weather, "weather")
    if args.assets:
        kw["assets"] = _read_table(args.assets, "assets")
    if args.corridors:
        kw["corridors"] = _read_table(args.corridors, "corridors")
    return kw, label, [f for f in files if f]


def run(args: argparse.Namespace) -> int:
    """Run ``medroutes score``; return the exit code."""
    from medroutes._atomic import atomic_write_text, check_output_path
    from medroutes.options import set_options
    from medroutes.risk import score_risk

    cfg = _config(args)
    out = Path(args.out)
    side = out.with_name(out.name + ".provenance.json")
    given = [
        f for f in (args.voyages, args.incidents, args.weather, args.assets, args.corridors, args.config) if f
    ]
    check_output_path(out, inputs=given)  # before reading anything: never overwrite an input
    check_output_path(side, inputs=given)
    kw, label, files = _inputs(args)
    with set_options(progress=False) if args.quiet else set_options():
        res = score_risk(kw.pop("voyages"), kw.pop("incidents"), config=cfg, **kw)
    table = res.to_frame()
    atomic_write_text(out, table.to_csv(index=False, lineterminator="\n"), inputs=files)
    meta = {
        "input": label,
        "provenance": res.provenance,
        "matrix": res.matrix.to_dict(orient="records"),
        "attribution": res.attribution.to_dict(orient="records"),
        "notes": list(res.notes),
    }
    atomic_write_text(side, json.dumps(meta, indent=2, default=str, allow_nan=True) + "\n", inputs=files)
    if not args.quiet:
        print(
            f"scored {label}\n{res!r}\nwritten {len(table):,} units to {out} (+ {side.name})", file=sys.stdout
        )
    return 0
