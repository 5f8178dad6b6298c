"""Benchmark the experiment runner on the default scenario.

Prints one JSON line per measurement:
- overhead: seconds (wall and CPU) per run of a bare loop (`experiments.worker.simulate`, i.e.
  build + run + summary; and `model.api.run`, which also builds the per-month tables) against a
  whole `sweep()` call on one worker in this process (journal, Parquet, manifest included).
  Modes are interleaved and repeated, the best of each kept, to damp noise from other processes.
- throughput: runs per minute of `sweep()` with a process pool of 1 and 2 workers and a Dask
  LocalCluster of 2: over the whole call (worker start-up included) and in steady state
  (from the first result to the last).
- ceiling: the same runs as bare loops in 1 process, then split over 2 independent processes
  started together: the speed-up the machine itself offers right now (on a shared machine, other
  work can take it away; the runner's speed-up should be read against it).
- memory: the sweeping process's resident memory every 100 runs of a 1,000-run sweep on 2
  workers (results stream to disk, so it should stay flat).

Usage: python benchmarks/sweep.py [--runs 200] [--overhead-runs 60] [--memory-runs 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cislab.experiments.design import Point
from cislab.experiments.executors import ProcessExecutor
from cislab.experiments.plan import Plan
from cislab.experiments.runner import sweep
from cislab.model.scenarios import load_scenario


def plan(runs: int, first_seed: int = 0) -> Plan:
    """One design point (the default scenario as shipped), `runs` seeds."""
    base = load_scenario("default")
    return Plan("bench", [base], [Point(0, {}, {})], list(range(first_seed, first_seed + runs)))


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def load() -> float:
    return round(os.getloadavg()[0], 2)


def overhead(runs: int, repeats: int, tmp: Path) -> dict:
    """Per-run cost of the runner: wall time, and CPU time of this process (which other
    programs on a shared machine do not inflate)."""
    from cislab.experiments.worker import simulate
    from cislab.model.api import run

    base = load_scenario("default")
    simulate(base, 0, {}, None)  # warm imports and caches
    modes = ("simulate", "api_run", "sweep")
    wall = dict.fromkeys(modes, float("inf"))
    cpu = dict.fromkeys(modes, float("inf"))

    def timed(mode: str, fn) -> None:
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall[mode] = min(wall[mode], (time.perf_counter() - w) / runs)
        cpu[mode] = min(cpu[mode], (time.process_time() - c) / runs)

    for rep in range(repeats):
        seeds = range(rep * runs, (rep + 1) * runs)
        timed("simulate", lambda seeds=seeds: [simulate(base, s, {}, None) for s in seeds])
        timed("api_run", lambda seeds=seeds: [run(base, seed=s) for s in seeds])
        out = tmp / f"overhead-{rep}"
        timed("sweep", lambda rep=rep, out=out: sweep(plan(runs, rep * runs), out, workers=1))
        shutil.rmtree(out)

    def pct(a: float, b: float) -> float:
        return round(100 * (a / b - 1), 2)

    return {
        "bench": "overhead",
        "runs": runs,
        "repeats": repeats,
        "simulate_s_per_run": round(wall["simulate"], 5),
        "api_run_s_per_run": round(wall["api_run"], 5),
        "sweep_inline_s_per_run": round(wall["sweep"], 5),
        "overhead_ms_per_run": round(1000 * (wall["sweep"] - wall["simulate"]), 2),
        "overhead_vs_simulate_pct": pct(wall["sweep"], wall["simulate"]),
        "overhead_vs_api_run_pct": pct(wall["sweep"], wall["api_run"]),
        "cpu_overhead_ms_per_run": round(1000 * (cpu["sweep"] - cpu["simulate"]), 2),
        "cpu_overhead_vs_simulate_pct": pct(cpu["sweep"], cpu["simulate"]),
        "cpu_overhead_vs_api_run_pct": pct(cpu["sweep"], cpu["api_run"]),
        "load_avg_1min": load(),
    }


def throughput(runs: int, tmp: Path, label: str, **executor) -> dict:
    stamps: list[tuple[float, int]] = []
    out = tmp / label
    t0 = time.perf_counter()
    report = sweep(
        plan(runs),
        out,
        progress=lambda done, total, failed: stamps.append((time.perf_counter(), done)),
        **executor,
    )
    wall = time.perf_counter() - t0
    assert report.done == runs and report.failed == 0
    first_t, first_n = next((t, n) for t, n in stamps if n > 0)
    last_t, last_n = stamps[-1]
    steady = (last_n - first_n) / (last_t - first_t) * 60 if last_t > first_t else float("nan")
    shutil.rmtree(out)
    return {
        "bench": "throughput",
        "executor": label,
        "runs": runs,
        "wall_s": round(wall, 2),
        "runs_per_min_total": round(runs / wall * 60, 1),
        "runs_per_min_steady": round(steady, 1),
        "first_result_after_s": round(first_t - t0, 2),
        "load_avg_1min": load(),
    }


BARE_LOOP = r"""
import sys, time
sys.path.insert(0, {root!r})
from cislab.experiments.worker import simulate
from cislab.model.scenarios import load_scenario
base = load_scenario("default")
simulate(base, 0, {{}}, None)
t = time.perf_counter()
for seed in range({first}, {first} + {runs}):
    simulate(base, seed, {{}}, None)
print(time.perf_counter() - t)
"""


def _bare_processes(runs: int, parts: int) -> float:
    """Wall time of `runs` bare runs split over `parts` processes started together."""
    import subprocess

    root = str(Path(__file__).resolve().parent.parent)
    share = runs // parts
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BARE_LOOP.format(root=root, first=i * share, runs=share)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(parts)
    ]
    return max(float(p.communicate()[0]) for p in procs)


def ceiling(runs: int) -> dict:
    one = _bare_processes(runs, 1)
    two = _bare_processes(runs, 2)
    return {
        "bench": "ceiling",
        "runs": runs,
        "one_process_runs_per_min": round(runs / one * 60, 1),
        "two_processes_runs_per_min": round(runs / two * 60, 1),
        "machine_speedup_two_vs_one": round(one / two, 2),
        "load_avg_1min": load(),
    }


def memory(runs: int, tmp: Path) -> dict:
    samples: list[tuple[int, float]] = []
    next_mark = [100]

    def progress(done: int, total: int, failed: int) -> None:
        if done >= next_mark[0]:
            samples.append((done, round(rss_mib(), 1)))
            next_mark[0] += 100

    out = tmp / "memory"
    start = rss_mib()
    report = sweep(plan(runs), out, workers=2, progress=progress)
    assert report.done == runs
    rows = sum(1 for _ in (out / "results").glob("part-*.parquet"))
    shutil.rmtree(out)
    values = [v for _, v in samples]
    return {
        "bench": "memory",
        "runs": runs,
        "workers": 2,
        "rss_mib_before": round(start, 1),
        "rss_mib_every_100_runs": samples,
        "growth_from_100th_to_last_mib": round(values[-1] - values[0], 1),
        "parquet_parts": rows,
        "load_avg_1min": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs per throughput measurement")
    parser.add_argument("--overhead-runs", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-runs", type=int, default=1000)
    parser.add_argument(
        "--skip", nargs="*", default=[], help="any of: overhead ceiling throughput dask memory"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cislab-bench-"))
    try:
        if "overhead" not in args.skip:
            print(json.dumps(overhead(args.overhead_runs, args.repeats, tmp)), flush=True)
        if "ceiling" not in args.skip:
            print(json.dumps(ceiling(args.runs)), flush=True)
        if "throughput" not in args.skip:
            print(json.dumps(throughput(args.runs, tmp, "inline-1", workers=1)), flush=True)
            pool = ProcessExecutor(1)  # a pool of one, to compare like with like
            try:
                one = throughput(args.runs, tmp, "processes-1", executor=pool)
            finally:
                pool.close()
            print(json.dumps(one), flush=True)
            two = throughput(args.runs, tmp, "processes-2", workers=2)
            print(json.dumps(two), flush=True)
            speedup = {
                "bench": "speedup",
                "two_vs_one_total": round(two["runs_per_min_total"] / one["runs_per_min_total"], 2),
                "two_vs_one_steady": round(
                    two["runs_per_min_steady"] / one["runs_per_min_steady"], 2
                ),
            }
            print(json.dumps(speedup), flush=True)
            if "dask" not in args.skip:
                print(
                    json.dumps(throughput(args.runs, tmp, "dask-local-2", dask_local=2)), flush=True
                )
        if "memory" not in args.skip:
            print(json.dumps(memory(args.memory_runs, tmp)), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
