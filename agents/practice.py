"""Learning to serve: the operator's practice improves from the outcomes it observes.

Why apart from learning whom to admit (`Operator.learn`): real programmes ramp up because they
change what they do — Educate Girls overhauled its curriculum after year 2 (50% of the learning
target then, 160% at the end; CASES.md §2) — not only whom they take. Here each measured cohort
shows the operator its clients' outcomes; per band of its belief about risk ("for whom") it
closes `practice_learning_rate` of the gap to `practice_gain_max`, weighted by how many outcomes
it saw in that band (few outcomes teach little). An hour for a client of a learnt band is worth
1 + practice_gain_max × learnt share hours, on top of experience. Off when the rate is 0.
"""

from __future__ import annotations

import numpy as np
from cislab.model.schema import Intervention

PRIOR_OUTCOMES = 20.0  # outcomes seen in a band before it teaches half of what it can


class Practice:
    def __init__(self, intervention: Intervention, bands: int) -> None:
        self.rate = intervention.practice_learning_rate
        self.gain_max = intervention.practice_gain_max
        self.learnt = np.zeros(bands)  # share of the largest gain learnt, per band

    @property
    def on(self) -> bool:
        return self.rate > 0 and self.gain_max > 0

    def multiplier(self, band: np.ndarray) -> np.ndarray:
        """Worth of an hour, per client's band, relative to an unlearnt practice."""
        return 1.0 + self.gain_max * self.learnt[band]

    def learn(self, band: np.ndarray) -> None:
        """Outcomes observed for clients of these bands move each band's practice."""
        seen = np.bincount(band, minlength=self.learnt.size).astype(float)
        weight = seen / (seen + PRIOR_OUTCOMES)
        self.learnt += self.rate * weight * (1.0 - self.learnt)

    @property
    def mean_gain(self) -> float:
        """Mean gain over bands (a summary figure)."""
        return float(self.gain_max * self.learnt.mean())
