"""Explore mode's engine: one design run over several seeds, summarised for the bars.

Why several seeds: one run's noise would make a lever look decisive; the bars show the median
and the range across seeds — the median, as `cislab compare` reports, so the two agree.
Results are cached by design, so moving a slider back is instant.

Why fast enough for 8 seeds in about a second: a run here keeps only the summary indicators
(no time series, ledger or cohort tables are built), and the seeds are spread over a small pool
of worker processes started once, in the background, when explore mode opens. The pool uses
"spawn", so a worker never inherits the game's window or audio; if processes cannot be started
(a sandbox, a frozen app) the seeds run one after the other, with the same results.
"""

from __future__ import annotations

import atexit
import math
import os
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import numpy as np
from cislab.model.api import build
from cislab.model.schema import Scenario
from cislab.model.summary import summary

OUTPUTS = (
    "creaming_index",
    "parking_index",
    "gaming_index",
    "true_effect",
    "measured_effect",
    "outcome_payments",
    "public_savings",
    "investor_irr",
)
SEEDS = tuple(range(8))
CACHE_SIZE = 256
_CACHE: dict[tuple, dict[str, tuple[float, float, float]]] = {}  # shared: re-entering is instant
_POOL: Executor | None = None
_POOL_FAILED = False


def workers() -> int:
    """Worker processes: `CISLAB_EXPLORE_WORKERS` if set (0 = none), else the CPUs, at most 8."""
    env = os.environ.get("CISLAB_EXPLORE_WORKERS")
    if env is not None and env.strip().isdigit():
        return int(env)
    return min(os.cpu_count() or 1, len(SEEDS))


def summarise(scenario: str | Scenario, seed: int, overrides: dict[str, Any]) -> list[float]:
    """One seed's explore outputs (NaN where undefined). Top level, so a worker can run it."""
    model = build(scenario, seed=seed, overrides=overrides)
    while model.running:
        model.step()
    values = summary(model)
    return [math.nan if values.get(k) is None else float(values[k]) for k in OUTPUTS]


def summarise_seeds(
    scenario: str | Scenario, seeds: tuple[int, ...], overrides: dict[str, Any]
) -> list[list[float]]:
    """Several seeds in one job: one message each way per worker, not one per seed."""
    return [summarise(scenario, s, overrides) for s in seeds]


def _warm() -> int:
    """Import the model in a worker before the first real job."""
    return os.getpid()


def pool() -> Executor | None:
    """The shared worker pool, started on first use; None when there is none to be had."""
    global _POOL, _POOL_FAILED
    if _POOL is not None or _POOL_FAILED:
        return _POOL
    n = workers()
    if n < 2:
        _POOL_FAILED = True
        return None
    try:
        import multiprocessing

        _POOL = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))
        for _ in range(n):
            _POOL.submit(_warm)
        atexit.register(shutdown)
    except (OSError, ValueError, NotImplementedError):
        _POOL_FAILED = True
        _POOL = None
    return _POOL


def shutdown() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL = None


class WhatIf:
    def __init__(
        self, scenario: str | Scenario, seeds: tuple[int, ...] = SEEDS, parallel: bool = True
    ) -> None:
        # A session's scenario is data (its file may be gone, e.g. a restored save): key the
        # cache by its content then, by its name otherwise.
        self.scenario = scenario
        self._key = scenario if isinstance(scenario, str) else scenario.model_dump_json()
        self.seeds = seeds
        self._cache = _CACHE
        self.parallel = parallel
        if parallel:
            pool()  # start the workers now, while the player reads the screen

    def _runs(self, overrides: dict[str, Any]) -> list[list[float]]:
        executor = pool() if self.parallel else None
        if executor is not None:
            n = max(1, min(workers(), len(self.seeds)))
            shares = [self.seeds[i::n] for i in range(n)]  # seed i goes to share i mod n
            try:
                jobs = [
                    executor.submit(summarise_seeds, self.scenario, s, overrides) for s in shares
                ]
                done = [job.result() for job in jobs]
                by_seed = {
                    seed: row
                    for share, rows in zip(shares, done, strict=True)
                    for seed, row in zip(share, rows, strict=True)
                }
                return [by_seed[s] for s in self.seeds]
            except Exception as exc:  # a broken pool: run here instead, same results
                from concurrent.futures.process import BrokenProcessPool

                if not isinstance(exc, BrokenProcessPool | OSError):
                    raise
                shutdown()
        return [summarise(self.scenario, s, overrides) for s in self.seeds]

    def evaluate(self, overrides: Mapping[str, Any]) -> dict[str, tuple[float, float, float]]:
        """Median, min and max of each output over the seeds (NaN where undefined)."""
        key = (self._key, self.seeds, *sorted((k, repr(v)) for k, v in overrides.items()))
        if key not in self._cache:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            table = np.array(self._runs(dict(overrides)), dtype=float).reshape(
                len(self.seeds), len(OUTPUTS)
            )
            out = {}
            for i, name in enumerate(OUTPUTS):
                ok = table[:, i][np.isfinite(table[:, i])]
                out[name] = (
                    (float(np.median(ok)), float(ok.min()), float(ok.max()))
                    if ok.size
                    else (math.nan,) * 3
                )
            self._cache[key] = out
        return self._cache[key]
