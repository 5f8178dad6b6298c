"""Check `model/budget.py`'s estimate against the measured peak memory and time of real runs.

Each case runs in a fresh process: build the model, run every month, collect the tables and write
the output folder (what `cislab run` does), then report the process's peak resident memory
(`ru_maxrss`) beside the estimate. The coefficients in `model/budget.py` come from these runs.

Usage: python benchmarks/budget.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

CHILD = r"""
import json, sys, tempfile, time
from cislab.model.api import build, collect
overrides, months = json.loads(sys.argv[1]), json.loads(sys.argv[2])
start = time.perf_counter()
model = build("default", seed=0, overrides=overrides, months=months)
while model.running:
    model.step()
result = collect(model)
with tempfile.TemporaryDirectory() as folder:
    result.write(folder + "/out")
print(json.dumps({"seconds": time.perf_counter() - start, "months": model.month}))
"""

SCALED = {  # the default contract scaled by k, so that it is signed and runs at size
    "population.size": 5000,
    "operator.caseworkers": 6,
    "investor.capital": 1e6,
    "state.budget": 5e6,
    "contract.max_payment": 2e6,
    "operator.cash": 5e4,
    "contract.intermediary_fee": 5e4,
    "evaluator.fee_per_measurement": 2e4,
    "operator.fixed_costs_month": 5e3,
}


def scaled(k: int, **extra: object) -> dict[str, object]:
    return {path: value * k for path, value in SCALED.items()} | extra


CASES: list[tuple[str, dict[str, object], int | None]] = [
    ("population 50", {"population.size": 50}, None),
    ("default × 10 (50,000 people)", scaled(10), None),
    ("default × 80 (400,000 people)", scaled(80), None),
    ("400,000 people × 50 ties", scaled(80, **{"population.network_degree": 50}), 3),
    (
        "comparison pool of 2 million",
        {
            "population.size": 20_000,
            "evaluator.comparison_pool_factor": 100,
            "operator.caseworkers": 2000,
        },
        None,
    ),
    ("2,000,000 people (the largest population)", scaled(400), None),
    (
        "issue 9: 100,000 caseworkers × 1,000",
        {"operator.caseworkers": 100_000, "operator.caseload_per_worker": 1000},
        None,
    ),
    (
        "1,000 territories, complete graph, 1 year",
        {"territories.count": 1000, "territories.graph": "complete", "after.horizon_years": 1},
        None,
    ),
    (
        "1,000 territories, 30 years after",
        {"territories.count": 1000, "territories.regions": 50, "after.horizon_years": 30},
        None,
    ),
]
QUICK = [0, 1, 6]


def measure(overrides: dict[str, object], months: int | None) -> dict[str, float]:
    """Run one case in a child process; its peak RSS comes from a grandchild-free wrapper."""
    wrapper = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "print(json.dumps({'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " 'out': p.stdout, 'err': p.stderr[-500:]}))"
    )
    args = [sys.executable, "-c", CHILD, json.dumps(overrides), json.dumps(months)]
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True)
    report = json.loads(done.stdout)
    if not report["out"]:
        raise RuntimeError(report["err"])
    return {"rss_mb": report["rss"] / 1024 * 1.048576, **json.loads(report["out"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three small cases only")
    args = parser.parse_args()
    os.environ.setdefault("CISLAB_MAX_MEMORY_GB", "100")  # measure beyond the default limit
    from cislab.model.budget import SAFETY, estimate
    from cislab.model.scenarios import load_scenario

    cases = [CASES[i] for i in QUICK] if args.quick else CASES
    for label, overrides, months in cases:
        est = estimate(load_scenario("default", overrides), months)
        start = time.perf_counter()
        got = measure(overrides, months)
        line = {
            "case": label,
            "measured_mb": round(got["rss_mb"]),
            "estimate_mb": round(est.memory / SAFETY / 1e6),
            "with_safety_mb": round(est.memory / 1e6),
            "measured_s": round(got["seconds"], 2),
            "estimate_s": round(est.seconds, 2),
            "wall_s": round(time.perf_counter() - start, 1),
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
