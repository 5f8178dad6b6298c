"""Benchmark the real model at scale, against a pure-numpy yardstick of the same rules.

For each population size, in a fresh process, on the scenario of `benchmarks/scaled.py` (the
default contract with caseworkers, money and caps grown with the population so about 90% of
the eligible people are served), it prints one JSON line with medians over `--repeats` runs:
- eligible_person_months_per_s: eligible people × months ÷ seconds stepping the model (build
  apart, in build_s), and ..._with_build: the same counting the build;
- served_client_months_per_s (and ..._with_build): client-months of service delivered ÷ the
  same seconds — the rate that grows harder as more people are served;
- create_agents_s: creating `size` Beneficiary agents in bulk, as the model does
  (`Beneficiary.create_population`), and create_agents_one_by_one_s, Mesa's `create_agents`;
- yardstick_*: the same figures for `benchmarks/yardstick.py` (no Mesa, one numpy function),
  timed in the same process, model and yardstick in turn; ratio_run and ratio_with_build are
  the medians of model ÷ yardstick taken run by run;
- enrolled / yardstick_enrolled, client_months / yardstick_client_months: the work each did;
- rss_peak_mib: the child process's peak resident memory; load_1min: the machine's load.
In-process times are CPU seconds of the process by default (`--clock cpu`): on a machine shared
with other work they move far less than wall seconds; `--clock wall` gives wall time.

Then, unless `--no-national`, one line for a national run (`NATIONAL_SCENARIO`,
`france_cis_programme`): the whole process — interpreter start, imports, build, run and the
result's tables — timed from outside in wall and CPU seconds, with its peak resident memory,
medians of `--national-runs`.

`--once model` (or `--once yardstick`) builds and runs one of them once at the first size, so
whole processes can be timed from outside, e.g. with `/usr/bin/time -v`.

Usage: python benchmarks/run.py [--sizes 10000 100000] [--repeats 5] [--table]
       python benchmarks/run.py --once model --sizes 100000
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# The national person-level run. Its later contracts are simulated by `model/after_contract.py`;
# whatever that module does, this times the whole process of running the scenario to its end.
NATIONAL_SCENARIO = "france_cis_programme"
NATIONAL_CODE = (
    "from cislab.model.api import run; "
    "r = run({scenario!r}, seed={seed}); r.tables(); "
    "import json; print(json.dumps({{'months': r.model.month, "
    "'next_contracts': len(r.tables().get('next_contracts', []))}}))"
)


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def child(size: int, repeats: int, clock_name: str = "cpu") -> dict[str, float | int]:
    """Measure one size in this process (run in a fresh interpreter by `main`)."""
    clock = CLOCKS[clock_name]
    sys.path.insert(0, str(HERE))
    import mesa
    from cislab.agents import Beneficiary
    from cislab.model.cis_model import CISModel
    from scaled import scaled_overrides, scaled_scenario
    from yardstick import Params
    from yardstick import run as yardstick_run

    overrides = scaled_overrides(size)
    params = Params.from_scenario(scaled_scenario(size))
    small = scaled_overrides(2_000)  # warm imports and caches
    CISModel("default", rng=0, overrides=small).run()
    yardstick_run(Params.from_scenario(scaled_scenario(2_000)), 0)

    model_runs, yard_runs = [], []
    for seed in range(repeats):
        order = ("model", "yardstick") if seed % 2 == 0 else ("yardstick", "model")
        for who in order:
            if who == "model":
                t0 = clock()
                model = CISModel("default", rng=seed, overrides=overrides)
                t1 = clock()
                model.run()
                t2 = clock()
                enrolled = int((model.population.enrol_month >= 0).sum())
                model_runs.append((t1 - t0, t2 - t1, model.month, model.client_months, enrolled))
                del model
                gc.collect()  # a model is a cycle (agents ↔ model): free it before the next
            else:
                out = yardstick_run(params, seed, clock)
                yard_runs.append(
                    (out["build_s"], out["run_s"], out["months"], out["client_months"],
                     out["enrolled"])
                )  # fmt: skip

    creation, one_by_one = [], []
    for _ in range(repeats):
        host = mesa.Model(rng=0)
        t0 = clock()
        Beneficiary.create_population(host, size)
        creation.append(clock() - t0)
        del host
        gc.collect()
    for _ in range(min(repeats, 3)):
        host = mesa.Model(rng=0)
        t0 = clock()
        Beneficiary.create_agents(host, size, list(range(size)))
        one_by_one.append(clock() - t0)
        del host
        gc.collect()

    def rates(runs: list[tuple], prefix: str) -> dict[str, float]:
        build = statistics.median(r[0] for r in runs)
        run = statistics.median(r[1] for r in runs)
        both = statistics.median(r[0] + r[1] for r in runs)
        months = runs[0][2]
        served = statistics.median(r[3] for r in runs)
        return {
            f"{prefix}build_s": round(build, 4),
            f"{prefix}run_s": round(run, 4),
            f"{prefix}eligible_person_months_per_s": round(size * months / run),
            f"{prefix}eligible_person_months_per_s_with_build": round(size * months / both),
            f"{prefix}served_client_months_per_s": round(served / run),
            f"{prefix}served_client_months_per_s_with_build": round(served / both),
            f"{prefix}client_months": served,
            f"{prefix}enrolled": statistics.median(r[4] for r in runs),
        }

    import resource

    pairs = list(zip(model_runs, yard_runs, strict=True))
    return {
        "eligible": size,
        "months": model_runs[0][2],
        "caseworkers": overrides["operator.caseworkers"],
        "repeats": repeats,
        "clock": clock_name,
        **rates(model_runs, ""),
        "create_agents_s": round(statistics.median(creation), 4),
        "create_agents_one_by_one_s": round(statistics.median(one_by_one), 4),
        **rates(yard_runs, "yardstick_"),
        "ratio_run": round(statistics.median(m[1] / y[1] for m, y in pairs), 3),
        "ratio_with_build": round(
            statistics.median((m[0] + m[1]) / (y[0] + y[1]) for m, y in pairs), 3
        ),
        "rss_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def once(who: str, size: int) -> dict[str, float | int]:
    """One build and run of the model or the yardstick, for timing the whole process."""
    sys.path.insert(0, str(HERE))
    from scaled import scaled_overrides, scaled_scenario

    if who == "yardstick":
        from yardstick import Params
        from yardstick import run as yardstick_run

        out = yardstick_run(Params.from_scenario(scaled_scenario(size)), 0)
        return {"yardstick": size, "client_months": out["client_months"]}
    from cislab.model.cis_model import CISModel

    model = CISModel("default", rng=0, overrides=scaled_overrides(size)).run()
    return {"model": size, "client_months": model.client_months}


def national(runs: int, scenario: str = NATIONAL_SCENARIO) -> dict[str, float | int | str]:
    """Whole-process time and peak memory of a national run, median of `runs` processes."""
    code = NATIONAL_CODE.format(scenario=scenario, seed=0)
    walls, cpus, peaks, facts = [], [], [], {}
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - t0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"national run of {scenario} failed with exit {proc.returncode}")
        peaks.append(usage.ru_maxrss / 1024)
        cpus.append(usage.ru_utime + usage.ru_stime)
        facts = json.loads(out.strip().splitlines()[-1])
    return {
        "national": scenario,
        **facts,
        "runs": runs,
        "whole_process_s": round(statistics.median(walls), 3),
        "whole_process_s_min": round(min(walls), 3),
        "whole_process_cpu_s": round(statistics.median(cpus), 3),
        "rss_peak_mib": round(statistics.median(peaks), 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def table(rows: list[dict]) -> str:
    """The figures as a markdown table (medians), for benchmarks/results-scale.md."""
    lines = [
        "| eligible | months | build s | run s | eligible-person-months/s (with build) "
        "| served client-months/s (with build) | creating the agents s (one by one) "
        "| yardstick run s | ratio run (with build) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "eligible" not in r:
            continue
        lines.append(
            f"| {r['eligible']:,} | {r['months']} | {r['build_s']:.3f} | {r['run_s']:.3f} "
            f"| {r['eligible_person_months_per_s'] / 1e6:.1f} M "
            f"({r['eligible_person_months_per_s_with_build'] / 1e6:.1f} M) "
            f"| {r['served_client_months_per_s'] / 1e6:.2f} M "
            f"({r['served_client_months_per_s_with_build'] / 1e6:.2f} M) "
            f"| {r['create_agents_s']:.3f} ({r['create_agents_one_by_one_s']:.3f}) "
            f"| {r['yardstick_run_s']:.3f} | {r['ratio_run']:.2f} ({r['ratio_with_build']:.2f}) |"
        )
    clocks = {r["clock"] for r in rows if "clock" in r}
    if clocks:
        lines.append(f"\nIn-process seconds on the {'/'.join(sorted(clocks))} clock; medians.")
    for r in rows:
        if "national" in r:
            lines.append(
                f"\nNational run `{r['national']}` ({r['months']} months): whole process "
                f"{r['whole_process_s']:.2f} s wall, {r['whole_process_cpu_s']:.2f} s CPU "
                f"(medians of {r['runs']}), peak RSS {r['rss_peak_mib']:.0f} MiB."
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--national-runs", type=int, default=3)
    parser.add_argument("--no-national", action="store_true", help="skip the national run")
    parser.add_argument("--table", action="store_true", help="also print a markdown table")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="time in-process figures in CPU seconds of this process (default: steadier on a"
        " shared machine) or wall seconds",
    )
    parser.add_argument(
        "--once",
        choices=["model", "yardstick"],
        help="build and run one of them once at the first size and exit (to time whole processes)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.repeats, args.clock)))
        return
    if args.once:
        print(json.dumps(once(args.once, args.sizes[0])))
        return
    if bad := [size for size in args.sizes if size < 1_000]:
        parser.error(f"--sizes {bad[0]}: allowed whole numbers ≥ 1000")
    if args.repeats < 1 or args.national_runs < 1:
        parser.error(f"--repeats {args.repeats}, --national-runs {args.national_runs}: allowed ≥ 1")
    rows = []
    for size in args.sizes:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(size),
                "--repeats",
                str(args.repeats),
                "--clock",
                args.clock,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    if not args.no_national:
        rows.append(national(args.national_runs))
        print(json.dumps(rows[-1]), flush=True)
    if args.table:
        print(table(rows))
    if not all(math.isfinite(v) for r in rows for v in r.values() if isinstance(v, float)):
        raise SystemExit("a figure is not finite")


if __name__ == "__main__":
    main()
