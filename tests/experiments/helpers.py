"""Run functions for tests, importable by worker processes (`tests.experiments.helpers:…`)."""

from __future__ import annotations

from typing import Any

from cislab.experiments.worker import simulate

FAILING_SEED = 2


def explode_on_seed_2(scenario, seed: int, overrides: dict[str, Any], months: int | None):
    """The real model, except that seed 2 raises: a run that fails inside a sweep."""
    if seed == FAILING_SEED:
        raise ValueError(f"boom at seed {seed}\nsecond line")
    return simulate(scenario, seed, overrides, months)


def die_on_seed_2(scenario, seed: int, overrides: dict[str, Any], months: int | None):
    """Seed 2 kills the worker process itself (as the OOM killer or a crash would)."""
    if seed == FAILING_SEED:
        import os

        os._exit(1)
    return simulate(scenario, seed, overrides, months)
