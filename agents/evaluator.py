"""The independent evaluator: measures a cohort's outcomes against a counterfactual.

Methods (MODEL.md §3), each with finite-sample noise because outcomes are individual draws:
- `rct`: referrals were randomised before admission; whole arms are compared (intent to treat).
- `matched_comparison`: each counted person is matched to the k people of a national comparison
  pool nearest on the administrative profile — blind to what only the operator saw at intake.
- `historical_baseline`: the same matching on a cohort observed before the programme, so trends
  and shocks since then count as effect.
- `pre_post`: the counted people's own situation before entry is the counterfactual; entry
  required an adverse event, so everything achieved counts, including what would have happened
  anyway.
The model knows each person's treated and untreated outcome, so the evaluator's measured effect
can be set beside the true one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.network import peer_share
from model.outcomes import events, prior_events, service_shift
from model.population import Status, shifted
from model.schema import Counting, Evaluation
from model.terms import passes, price_multipliers

if TYPE_CHECKING:
    from model.cis_model import CISModel


@dataclass
class CohortResult:
    """One measurement, in metric units per person unless named otherwise."""

    cohort: int
    month: int
    counted: int
    enrolled: int
    counterfactual_mean: float
    outcome_mean: float
    untreated_mean: float
    measured_effect: float
    true_effect: float
    measured_outcomes: float
    true_avoided: float
    priced_outcomes: float
    passed: bool
    paid: float = 0.0

    def as_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)


class Evaluator(mesa.Agent):
    model: CISModel

    def __init__(self, model: CISModel) -> None:
        super().__init__(model)
        self.params = model.config.evaluator
        self.results: list[CohortResult] = []

    def counted(self, cohort: int) -> np.ndarray:
        """Indices counted for a cohort under the contract's counting and method."""
        pop = self.model.population
        c = self.model.config.contract
        members = pop.cohort == cohort
        if c.evaluation == Evaluation.rct:
            return np.flatnonzero(members & (pop.arm == 1))
        counted = members & (pop.enrol_month >= 0)
        if c.counting == Counting.completers:
            counted &= pop.status == Status.completed
        return np.flatnonzero(counted)

    def measure(self, cohort: int) -> CohortResult:
        """Measure one cohort at the model's current month and record outcomes per person."""
        model = self.model
        sc = model.config
        c, iv = sc.contract, sc.intervention
        pop = model.population
        idx = self.counted(cohort)
        context = model.context_shift(model.month)
        spill = sc.population.spillover * peer_share(pop.adjacency, pop.enrol_month >= 0)
        gain = service_shift(
            pop.hours_effective[idx], pop.hours_scale[idx], 1.0, iv.effect, iv.max_logit_reduction
        )
        u = pop.u_outcome[idx]
        y1 = events(shifted(pop.risk[idx], context - spill[idx] - gain), u, c.metric)
        y0 = events(shifted(pop.risk[idx], context - spill[idx]), u, c.metric)
        cf = self.counterfactual(cohort, idx, context, spill)
        pop.y_treated[idx], pop.y_untreated[idx], pop.counterfactual[idx] = y1, y0, cf
        pop.measured[idx] = True
        n = idx.size
        tiers = price_multipliers(c, model.public, pop.admin_score[idx])
        cf_sum, y_sum = float(cf.sum()), float(y1.sum())
        result = CohortResult(
            cohort=cohort,
            month=model.month,
            counted=n,
            enrolled=int(((pop.cohort == cohort) & (pop.enrol_month >= 0)).sum()),
            counterfactual_mean=cf_sum / n if n else 0.0,
            outcome_mean=y_sum / n if n else 0.0,
            untreated_mean=float(y0.mean()) if n else 0.0,
            measured_effect=(cf_sum - y_sum) / n if n else 0.0,
            true_effect=float((y0 - y1).mean()) if n else 0.0,
            measured_outcomes=cf_sum - y_sum,
            true_avoided=float((y0 - y1).sum()),
            priced_outcomes=float((tiers * (cf - y1)).sum()),
            passed=passes(c, cf_sum, y_sum, n, c.threshold),
        )
        self.results.append(result)
        clients = idx[pop.enrol_month[idx] >= 0]
        model.operator.learn(clients, pop.y_treated[clients])
        return result

    def counterfactual(
        self, cohort: int, idx: np.ndarray, context: float, spill: np.ndarray
    ) -> np.ndarray:
        """Per-person counterfactual metric under the contract's evaluation method."""
        model = self.model
        sc = model.config
        c = sc.contract
        pop = model.population
        if idx.size == 0:
            return np.zeros(0)
        if c.evaluation == Evaluation.rct:
            control = np.flatnonzero((pop.cohort == cohort) & (pop.arm == 2))
            yc = events(
                shifted(pop.risk[control], context - spill[control]),
                pop.u_outcome[control],
                c.metric,
            )
            pop.y_untreated[control] = yc
            pop.measured[control] = True
            return np.full(idx.size, yc.mean() if yc.size else 0.0)
        if c.evaluation == Evaluation.pre_post:
            entry_context = np.array(
                [model.context_shift(int(m)) for m in np.unique(pop.enrol_month[idx])]
            )
            months = np.unique(pop.enrol_month[idx])
            ctx = entry_context[np.searchsorted(months, pop.enrol_month[idx])]
            return prior_events(shifted(pop.risk[idx], ctx), pop.u_prior[idx], c.metric)
        pool = model.comparison_pool
        if c.evaluation == Evaluation.historical_baseline:
            pool_y = events(shifted(pool.risk, model.historical_context()), pool.u_hist, c.metric)
        else:
            pool_y = events(shifted(pool.risk, context), pool.u_now, c.metric)
        return nearest_mean(
            pool.admin_score, pool_y, pop.admin_score[idx], self.params.comparison_matches
        )


def nearest_mean(
    sorted_keys: np.ndarray, values: np.ndarray, queries: np.ndarray, k: int
) -> np.ndarray:
    """Mean of `values` over the k entries whose keys are nearest each query (keys sorted).

    Takes the window of k around the insertion point, then slides it towards the closer side;
    exact for k=1 and a close approximation of k-nearest for larger k.
    """
    n = sorted_keys.size
    k = min(k, n)
    pos = np.searchsorted(sorted_keys, queries)
    start = np.clip(pos - k // 2, 0, n - k)
    for _ in range(k):
        left_gap = np.where(start > 0, queries - sorted_keys[np.maximum(start - 1, 0)], np.inf)
        right_gap = np.where(
            start + k < n, sorted_keys[np.minimum(start + k, n - 1)] - queries, np.inf
        )
        drop_right = sorted_keys[start + k - 1] - queries
        drop_left = queries - sorted_keys[start]
        move_left = (left_gap < drop_right) & (start > 0)
        move_right = (right_gap < drop_left) & (start + k < n) & ~move_left
        if not (move_left.any() or move_right.any()):
            break
        start = start - move_left + move_right
    window = start[:, None] + np.arange(k)[None, :]
    return values[window].mean(axis=1)
