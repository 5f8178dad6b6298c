"""Explore mode's redraw time: 8 seeds of a design not seen before (no cache), per scenario.

Goal (issue 11): ≤ 1 s for the default scenario on the project's 2-core machine. Each scenario
is timed on `--designs` different audit rates (each a cache miss) after the worker pool has
warmed up, as when a player moves a slider; prints one JSON line per scenario with the median
and the worst time, then one line for the same work run in this process alone (no pool).

    .venv/bin/python benchmarks/explore.py [--designs 5] [--scenario default ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(whatif, designs: int, start: float) -> list[float]:
    seconds = []
    for i in range(designs):
        t = time.perf_counter()
        whatif.evaluate({"contract.audit_rate": round(start + 0.01 * i, 4)})
        seconds.append(time.perf_counter() - t)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--designs", type=int, default=5)
    parser.add_argument("--scenario", action="append")
    args = parser.parse_args()
    from cislab.game import whatif as engine

    scenarios = args.scenario or ["default"]
    for parallel in (True, False):
        w = engine.WhatIf("default", parallel=parallel)
        w.evaluate({"contract.audit_rate": 0.999})  # warm-up: workers import the model
        for k, name in enumerate(scenarios):
            w = engine.WhatIf(name, parallel=parallel)
            s = timed(w, args.designs, 0.3 + 0.1 * k + (0.05 if parallel else 0.0))
            print(
                json.dumps(
                    {
                        "scenario": name,
                        "seeds": len(w.seeds),
                        "workers": engine.workers() if parallel else 0,
                        "cpus": os.cpu_count(),
                        "median_s": round(statistics.median(s), 3),
                        "worst_s": round(max(s), 3),
                        "goal_s": 1.0,
                    }
                ),
                flush=True,
            )
    engine.shutdown()


if __name__ == "__main__":
    main()
