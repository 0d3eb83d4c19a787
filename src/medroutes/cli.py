"""The ``medroutes`` command line.

``medroutes <command> [options]``; the commands only parse arguments, build the
stage configuration and call the library. Each stage owns its command in a
small ``_cli`` module (``medroutes.synthetic._cli`` for ``generate`` ...), with
``add_parser(subparsers)`` registering the sub-parser and a ``run(args) -> int``.

A :class:`~medroutes.errors.MedroutesError`, a missing input file or any other
:class:`OSError` (disk full, permission denied) becomes one line on stderr and
exit code 2; an interrupted run exits with 130.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from medroutes.errors import MedroutesError

__all__ = ["COMMAND_MODULES", "build_parser", "main"]

#: Sub-command name -> module implementing ``add_parser`` and ``run``.
COMMAND_MODULES: dict[str, str] = {
    "check": "medroutes.io._cli",
    "generate": "medroutes.synthetic._cli",
    "voyages": "medroutes.tracks._cli",
    "graph": "medroutes.graph._cli",
    "score": "medroutes.risk._cli",
    "report": "medroutes.report._cli",
}


def _version() -> str:
    from medroutes import __version__

    return __version__


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="medroutes",
        description=(
            "Maritime departure risk analysis and route modelling in the Central Mediterranean. "
            "Aggregated movements and incidents only; outputs support the duty to rescue at sea."
        ),
    )
    parser.add_argument("--version", action="version", version=f"medroutes {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for modname in COMMAND_MODULES.values():
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as exc:  # a stage not installed in this build
            if exc.name is not None and exc.name.startswith("medroutes"):
                continue
            raise
        mod.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    Parameters
    ----------
    argv
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on a medroutes error, bad input or a failed read/write
        (:class:`OSError`), 130 when interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(None if argv is None else list(argv))
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except MedroutesError as exc:
        msg = str(exc).strip().splitlines()
        print(
            f"medroutes {args.command}: error: {type(exc).__name__}: {msg[0] if msg else ''}", file=sys.stderr
        )
        for line in msg[1:]:
            print(f"  {line.strip()}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"medroutes {args.command}: error: file not found: {exc.filename or exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, permission denied, read-only file system ...
        reason = " ".join((exc.strerror or str(exc) or "").split())
        where = f": {exc.filename}" if exc.filename else ""
        print(f"medroutes {args.command}: error: {type(exc).__name__}: {reason}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"medroutes {args.command}: interrupted; no partial output was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
