"""What is true in the world, whatever anyone believes: risks by metric, outcome draws, context.

Why a module of its own: the evaluator measures these truths and the service changes them, but
no agent should have to call the model to reach them. `WorldTruth` holds the population's true
risks and the common random numbers behind every outcome (drawn once per person from streams
that depend only on the seed, so two designs run with one seed face the same people), and the
context — the scenario's trend and shock plus events added while running. It imports no agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from cislab.model.population import Population, shifted
from cislab.model.schema import Scenario
from scipy.optimize import brentq
from scipy.special import expit, logit


@dataclass
class WorldTruth:
    config: Scenario
    seed: int
    population: Population
    shocks: list[tuple[int, float]] = field(default_factory=list)  # events added while running
    _uniforms: dict[object, np.ndarray] = field(default_factory=dict, repr=False)
    _metric_shifts: dict[int, float] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ context
    def context_shift(self, month: int) -> float:
        """Logit shift of everyone's risk from trend and shocks at `month`."""
        ctx = self.config.context
        shift = ctx.trend_per_year * month / 12.0
        if 0 <= ctx.shock_month <= month:
            shift += ctx.shock_size
        shift += sum(size for start, size in self.shocks if start <= month)
        return shift

    def add_shock(self, size: float, month: int) -> None:
        """A lasting shift of everyone's logit risk from `month` on (a recession, a reform)."""
        self.shocks.append((int(month), float(size)))

    def historical_context(self) -> float:
        """Context of the pre-programme year a historical baseline was taken from."""
        return self.config.context.trend_per_year * -1.0

    # ------------------------------------------------------------------ metrics
    def metric_shift(self, k: int) -> float:
        """Logit shift that gives metric k its own untreated rate while people keep their rank:
        solved once so the population's mean risk on the metric is the metric's baseline."""
        if k not in self._metric_shifts:
            target = self.config.outcome_metrics[k].baseline_rate
            if target == self.config.population.baseline_rate:
                self._metric_shifts[k] = 0.0
            else:
                base = logit(self.population.risk)
                self._metric_shifts[k] = float(
                    brentq(lambda s: expit(base + s).mean() - target, -20.0, 20.0, xtol=1e-10)
                )
        return self._metric_shifts[k]

    def metric_risk(self, k: int, idx: np.ndarray) -> np.ndarray:
        return shifted(self.population.risk[idx], self.metric_shift(k))

    def metric_uniforms(self, k: int, prior: bool = False) -> np.ndarray:
        """Fixed outcome draws per person for metric k (common random numbers)."""
        if k == 0:
            return self.population.u_prior if prior else self.population.u_outcome
        key = (k, prior)
        if key not in self._uniforms:
            stream = np.random.default_rng([self.seed, 100 + 2 * k + int(prior)])
            self._uniforms[key] = stream.random(self.population.size)
        return self._uniforms[key]

    def relapse_uniforms(self) -> np.ndarray:
        if "relapse" not in self._uniforms:
            stream = np.random.default_rng([self.seed, 99])
            self._uniforms["relapse"] = stream.random(self.population.size)
        return self._uniforms["relapse"]
