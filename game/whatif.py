"""Explore mode's engine: one design run over several seeds, summarised for the bars.

Why several seeds: one run's noise would make a lever look decisive; the bars show the median
and the range across seeds — the median, as `cislab compare` reports, so the two agree.
Results are cached by design, so moving a slider back is instant.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from cislab.model.api import run
from cislab.model.schema import Scenario

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
SEEDS = (0, 1, 2, 3)
CACHE_SIZE = 256
_CACHE: dict[tuple, dict[str, tuple[float, float, float]]] = {}  # shared: re-entering is instant


class WhatIf:
    def __init__(self, scenario: str | Scenario, seeds: tuple[int, ...] = SEEDS) -> None:
        # A session's scenario is data (its file may be gone, e.g. a restored save): key the
        # cache by its content then, by its name otherwise.
        self.scenario = scenario
        self._key = scenario if isinstance(scenario, str) else scenario.model_dump_json()
        self.seeds = seeds
        self._cache = _CACHE

    def evaluate(self, overrides: Mapping[str, Any]) -> dict[str, tuple[float, float, float]]:
        """Median, min and max of each output over the seeds (NaN where undefined)."""
        key = (self._key, self.seeds, *sorted((k, repr(v)) for k, v in overrides.items()))
        if key not in self._cache:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            runs = [
                run(self.scenario, seed=s, overrides=dict(overrides)).summary for s in self.seeds
            ]
            out = {}
            for name in OUTPUTS:
                vals = np.array(
                    [r.get(name) if r.get(name) is not None else math.nan for r in runs], float
                )
                ok = vals[np.isfinite(vals)]
                out[name] = (
                    (float(np.median(ok)), float(ok.min()), float(ok.max()))
                    if ok.size
                    else (math.nan,) * 3
                )
            self._cache[key] = out
        return self._cache[key]
