"""Shared fixtures: cached runs over fixed seeds, so statistical tests stay cheap."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import hypothesis  # noqa: F401  (loaded at collection: its trio entry point warns if loaded late)
import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
# The CLI speaks the locale's language unless told (`--lang`): tests that read its English
# output must not depend on the machine's locale; French is tested with `--lang fr`.
os.environ["LC_ALL"] = "C.UTF-8"
os.environ["CISLAB_I18N_STRICT"] = os.environ.get("CISLAB_I18N_STRICT", "1")

SEEDS = tuple(range(10))


@cache
def _summary(items: tuple[tuple[str, Any], ...], seed: int, scenario: str) -> dict[str, Any]:
    from cislab.model.api import run

    overrides = {k: (list(v) if isinstance(v, tuple) else v) for k, v in items}
    return run(scenario, seed=seed, overrides=overrides).summary


def summaries(
    overrides: dict[str, Any] | None = None, seeds=SEEDS, scenario: str = "default"
) -> list[dict[str, Any]]:
    """Summaries of one design over several fixed seeds (cached across tests)."""
    items = tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (overrides or {}).items())
    )
    return [_summary(items, seed, scenario) for seed in seeds]


def values(runs: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([r[key] if r[key] is not None else np.nan for r in runs], dtype=float)


def assert_copies_continue(model: Any, steps: int) -> None:
    """A deepcopy and a pickled copy of a model continue exactly as the original does."""
    import copy
    import pickle

    from cislab.model.api import collect

    fork = copy.deepcopy(model)
    thawed = pickle.loads(pickle.dumps(model))
    for m in (model, fork, thawed):
        for _ in range(steps):
            m.step()
    want = collect(model).summary
    assert collect(fork).summary == want
    assert collect(thawed).summary == want
