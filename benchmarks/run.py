"""Benchmark the real model: the default scenario with its population size overridden.

Prints one JSON line per population size with:
- beneficiaries, months: the run's size;
- beneficiary_months_per_s: beneficiaries × months ÷ seconds spent stepping the model (build
  excluded, reported apart as build_s: creating the Mesa agents dominates it), and
  with_build_per_s, the same rate counting the build;
- peak_mib: peak memory the model allocated while building and running (tracemalloc, which
  numpy reports to), in a fresh process per size;
- rss_peak_mib: the whole process's peak resident memory, interpreter and libraries included.

Usage: python benchmarks/run.py [--sizes 1000 10000 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time, tracemalloc
sys.path.insert(0, {root!r})
from cislab.model.api import build

size, repeats = {size}, {repeats}
overrides = {{"population.size": size}}
build("default", seed=0, overrides=overrides).run()  # warm caches and imports

best_run, best_build = float("inf"), float("inf")
for seed in range(repeats):
    t0 = time.perf_counter()
    model = build("default", seed=seed, overrides=overrides)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    best_build, best_run = min(best_build, t1 - t0), min(best_run, t2 - t1)
    months = model.month
    del model

tracemalloc.start()
model = build("default", seed=0, overrides=overrides).run()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({{
    "beneficiaries": size,
    "months": months,
    "beneficiary_months_per_s": round(size * months / best_run),
    "with_build_per_s": round(size * months / (best_run + best_build)),
    "run_s": round(best_run, 4),
    "build_s": round(best_build, 4),
    "peak_mib": round(peak / 2**20, 1),
    "rss_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        code = CHILD.format(root=str(ROOT), size=size, repeats=args.repeats)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        print(out.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
