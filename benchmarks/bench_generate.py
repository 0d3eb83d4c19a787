"""Benchmark of the scenario generator: positions per second and peak memory.

Generates the ``central-med-2023`` scenario with every position (``mode = "all"``)
at two volumes chosen to give about 1 million and about 10 million positions
(the volume is set through ``scale`` from a quick run without positions), each
in a fresh process so that peak memory (``ru_maxrss``) belongs to that run.
Wall time (median of 3 runs for 1e6, one run for 1e7) and CPU time of the
process are printed: on a shared machine the wall time includes waiting.
Caches that are built once per process (sea graph, route templates, reference
climate) are warmed before timing: the timed part is the generation proper.

Run::

    .venv/bin/python benchmarks/bench_generate.py            # 1e6 and 1e7
    .venv/bin/python benchmarks/bench_generate.py 1e6        # one size
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import time

SEED = 1


def _config(target: float, repeat: int) -> dict:
    import numpy as np

    import medroutes.synthetic as syn

    base = syn.load_config("central-med-2023")
    quick = syn.generate_scenario(base, seed=SEED, progress=False)  # no positions: warms the caches
    v = quick.voyages
    iv = np.mean(base.positions.interval_min)
    boat_pts = float((v["duration_h"] * 60.0 / iv).sum())
    asset_pts = len(base.assets) * base.days * 24 * 60 / np.mean(base.positions.asset_interval_min)
    scale = max((target - asset_pts) / boat_pts, 0.01)
    cfg = dataclasses.replace(base, scale=scale, positions=dataclasses.replace(base.positions, mode="all"))
    times = []
    cpu = []
    n = 0
    for _ in range(repeat):
        t = time.perf_counter()
        c = time.process_time()
        sc = syn.generate_scenario(cfg, seed=SEED, progress=False)
        cpu.append(time.process_time() - c)
        times.append(time.perf_counter() - t)
        n = len(sc.positions)
        del sc
    return {
        "target": target,
        "positions": n,
        "voyages": round(len(v) * scale),
        "median_s": float(np.median(times)),
        "best_s": float(min(times)),
        "positions_per_s": n / float(np.median(times)),
        "cpu_s": float(np.median(cpu)),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        print(json.dumps(_config(float(argv[1]), int(argv[2]))))
        return 0
    sizes = [float(a) for a in argv] or [1e6, 1e7]
    print(
        f"{'target':>8} {'positions':>11} {'wall s':>7} {'cpu s':>6} {'positions/s':>12} {'peak RSS MiB':>13}"
    )
    for size in sizes:
        repeat = 3 if size <= 2e6 else 1
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), str(repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{size:>8.0e} {r['positions']:>11,} {r['median_s']:>7.2f} {r['cpu_s']:>6.2f} {r['positions_per_s']:>12,.0f} "
            f"{r['peak_rss_mib']:>13,.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
