"""What a worker does: run chunks of (point, seed) tasks and return one small record each.

Why module-level functions and light imports: process pools (spawn) and Dask workers import
this module by name, and each task should carry only a scenario and a few overrides. A run
that raises becomes a record with its error, so one bad run never stops a sweep.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cislab.model.schema import Scenario

DEFAULT_RUNNER = "cislab.experiments.worker:simulate"
#: Summary keys not stored as metrics: the row's own `seed` column says it already.
NOT_METRICS = {"seed"}


@dataclass(frozen=True)
class Task:
    point_id: int
    seed: int
    base: int  # index into the plan's base scenarios
    overrides: Mapping[str, Any]


def simulate(
    scenario: Scenario, seed: int, overrides: Mapping[str, Any], months: int | None
) -> dict[str, Any]:
    """The default run: build, run to the end, summarise (no per-month tables are built)."""
    from cislab.model.api import build
    from cislab.model.summary import summary

    model = build(scenario, seed=seed, overrides=overrides, months=months)
    model.run()
    return summary(model)


@cache
def resolve(ref: str) -> Callable[..., dict[str, Any]]:
    """`"package.module:function"` -> the function (workers import it by name)."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def run_task(
    bases: Sequence[Scenario], months: int | None, runner: str, task: Task
) -> dict[str, Any]:
    """One run as a record: key, status, error (one line), seconds, metrics."""
    start = time.perf_counter()
    try:
        summary = resolve(runner)(bases[task.base], task.seed, task.overrides, months)
        metrics = {k: v for k, v in summary.items() if k not in NOT_METRICS}
        status, error = "ok", None
    except Exception as exc:  # a failed run is data: record it and go on
        metrics = {}
        status = "error"
        error = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]
    return {
        "point_id": task.point_id,
        "seed": task.seed,
        "status": status,
        "error": error,
        "elapsed_s": time.perf_counter() - start,
        "metrics": metrics,
    }


def run_chunk(
    bases: Sequence[Scenario], months: int | None, runner: str, tasks: Sequence[Task]
) -> list[dict[str, Any]]:
    """Several runs per message, so that short runs do not pay one round trip each."""
    return [run_task(bases, months, runner, task) for task in tasks]


def init_worker() -> None:
    """Process-pool initialiser: leave Ctrl-C to the parent, which stops the sweep cleanly."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


@cache
def summary_keys() -> frozenset[str]:
    """The metrics a run reports, found by running a tiny model (always in step with the core)."""
    summary = simulate(_tiny(), 0, {}, 1)
    return frozenset(k for k in summary if k not in NOT_METRICS)


def _tiny() -> Scenario:
    from cislab.model.scenarios import load_scenario

    return load_scenario("default", {"population.size": 50})
