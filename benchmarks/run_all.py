"""Run every benchmark script in this folder, one after the other, and summarise.

Every ``bench_*.py`` file here runs in its own process with the interpreter
running this script; their output is passed through. ``--quick`` is handed to
the scripts that accept it (smaller sizes). The figure script
``corridor_degradation.py`` runs too with ``--figures``.

Run::

    .venv/bin/python benchmarks/run_all.py            # full sizes (several minutes)
    .venv/bin/python benchmarks/run_all.py --quick
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="pass --quick to the scripts that accept it")
    p.add_argument(
        "--figures", action="store_true", help="also run corridor_degradation.py (writes docs/figures)"
    )
    a = p.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if a.figures:
        scripts.append(HERE / "corridor_degradation.py")
    summary = []
    for script in scripts:
        args = [sys.executable, str(script)]
        if a.quick and "--quick" in script.read_text():
            args.append("--quick")
        print(f"\n=== {script.name} {' '.join(args[2:])}", flush=True)
        t = time.perf_counter()
        rc = subprocess.run(args, check=False).returncode
        summary.append((script.name, rc, time.perf_counter() - t))
    print("\n=== summary")
    for name, rc, dt in summary:
        print(f"  {name:<28} {'ok' if rc == 0 else f'FAILED (exit {rc})':<18} {dt:7.1f} s")
    return 0 if all(rc == 0 for _, rc, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
