"""Benchmark: ``medroutes report`` end to end on about one million positions.

Generates a seeded synthetic scenario (the calibrated ``central-med-2023``
configuration, May to mid-October, positions for every voyage), writes it to a
temporary folder, then times the command exactly as a user runs it::

    medroutes report --scenario DIR --out report.html --quiet

The time covers reading the scenario, validation, cleaning, voyages, the
route graph, corridors, risk (whole period and both halves), model checks,
every figure and writing the HTML. Generating the scenario is not timed.

Run::

    python benchmarks/bench_report.py             # ~1 M positions, 3 runs
    python benchmarks/bench_report.py --days 30 --repeat 1   # quick

Measured on the development machine (2 cores, Python 3.11, shared with other
jobs, so noisy): 942,009 positions (2,312 voyages, 1,541 incidents), runs of
48.9 s and 30.1 s (median 39.5 s), peak process memory 745 MiB, report 1.0 MB.
By step (one run, 36.9 s): load 3.3 s, clean 2.8 s, voyages 0.5 s, graph 2.6 s,
corridors 1.1 s, risk 14.0 s (edges with rescue-asset distances dominate),
risk of each half-period 7.5 s, figures 4.9 s, HTML 0.3 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _scenario(days: int, seed: int):  # type: ignore[no-untyped-def]
    import medroutes.synthetic as syn

    cfg = syn.load_config("central-med-2023")
    cfg = dataclasses.replace(
        cfg, start="2023-05-01", days=days, positions=dataclasses.replace(cfg.positions, mode="all")
    )
    return syn.generate_scenario(cfg, seed=seed, progress=False)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=165, help="scenario length [days] (165 gives ~1 M positions)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs; the median is reported")
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args(argv)

    from medroutes.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scenario"
        t0 = time.perf_counter()
        sc = _scenario(args.days, args.seed)
        sc.write(folder)
        n_pos, n_voy = len(sc.positions), len(sc.voyages)
        print(
            f"scenario: {n_pos:,} positions, {n_voy:,} voyages, {len(sc.incidents):,} incidents "
            f"(generated and written in {time.perf_counter() - t0:.1f} s)"
        )
        del sc
        times = []
        for i in range(args.repeat):
            out = Path(tmp) / f"report-{i}.html"
            t = time.perf_counter()
            code = cli(["report", "--scenario", str(folder), "--out", str(out), "--quiet"])
            times.append(time.perf_counter() - t)
            if code != 0:
                print(f"medroutes report failed with exit code {code}", file=sys.stderr)
                return code
            print(f"run {i + 1}: {times[-1]:.1f} s, report {out.stat().st_size / 1e6:.1f} MB")
    med = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"medroutes report on {n_pos:,} positions: median {med:.1f} s over {len(times)} run(s) "
        f"({n_pos / med / 1e3:,.0f} k positions/s); peak memory of the process {peak:,.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
