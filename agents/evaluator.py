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
A contract may pay several metrics (each with its method, weight and horizon); the model knows
each person's treated and untreated outcome, so every measured effect has its true twin.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np
from cislab.model.network import peer_share
from cislab.model.outcomes import events, prior_events, service_shift
from cislab.model.population import Status, shifted
from cislab.model.schema import Counting, Evaluation, Metric, OutcomeMetric
from cislab.model.terms import passes, price_multipliers

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


@dataclass
class CohortResult:
    """One metric measured on one cohort, in metric units per person unless named otherwise."""

    cohort: int
    metric: str
    weight: float
    month: int
    counted: int
    enrolled: int
    counterfactual_mean: float
    outcome_mean: float
    untreated_mean: float
    measured_effect: float
    true_effect: float
    measured_outcomes: float
    true_avoided: float  # over the people counted (set beside measured_outcomes: the bias)
    priced_outcomes: float
    passed: bool
    paid: float = 0.0
    # True avoided outcomes of everyone the cohort enrolled, whatever the counting rule: a true
    # quantity (public savings) must not change when the contract counts only completers.
    true_avoided_served: float = 0.0

    @property
    def relative_change(self) -> float:
        """Measured change against the counterfactual (−0.09 = 9% fewer adverse outcomes)."""
        if self.counterfactual_mean <= 0:
            return 0.0
        return (self.outcome_mean - self.counterfactual_mean) / self.counterfactual_mean

    def as_dict(self) -> dict[str, float | int | bool | str]:
        return asdict(self)


class Evaluator(mesa.Agent):
    model: CISModel

    def __init__(self, model: CISModel) -> None:
        super().__init__(model)
        self.params = model.config.evaluator
        self.results: list[CohortResult] = []

    def __getstate__(self) -> dict[str, object]:
        # the pool's outcomes are rebuilt on demand: the game snapshots the model every turn
        return {k: v for k, v in self.__dict__.items() if k != "_pool_outcomes"}

    def counted(self, cohort: int, method: Evaluation | None = None) -> np.ndarray:
        """Indices counted for a cohort: the treatment arm under an RCT, else the enrolled."""
        pop = self.model.population
        c = self.model.config.contract
        members = pop.cohort == cohort
        if (method or self.model.config.outcome_metrics[0].evaluation) == Evaluation.rct:
            return np.flatnonzero(members & (pop.arm == 1))
        counted = members & (pop.enrol_month >= 0)
        if c.counting == Counting.completers:
            counted &= pop.status == Status.completed
        elif c.counting == Counting.whole_cohort:  # every eligible referral, engaged or not
            counted |= (self.model.referral_flow.cohort == cohort) & (pop.enrol_month < 0)
        return np.flatnonzero(counted)

    def measure(self, cohort: int) -> list[CohortResult]:
        """Measure every paid metric of one cohort at the model's current month."""
        model = self.model
        pop = model.population
        spill = model.config.population.spillover * peer_share(pop.adjacency, pop.enrol_month >= 0)
        results = [
            self._measure_metric(cohort, k, metric, spill)
            for k, metric in enumerate(model.config.outcome_metrics)
        ]
        self.results.extend(results)
        return results

    def served_in(self, cohort: int) -> np.ndarray:
        """People of a cohort counted on the primary metric who were served (the operator sees
        their outcomes once the cohort is measured)."""
        pop = self.model.population
        primary = self.counted(cohort, self.model.config.outcome_metrics[0].evaluation)
        return primary[pop.enrol_month[primary] >= 0]

    def _measure_metric(
        self, cohort: int, k: int, metric: OutcomeMetric, spill: np.ndarray
    ) -> CohortResult:
        model = self.model
        c = model.config.contract
        pop = model.population
        idx = self.counted(cohort, metric.evaluation)
        y1, y0 = self.outcomes(k, metric, idx, spill, treated=True)
        cf = self.counterfactual(cohort, k, metric, idx, spill)
        if k == 0:
            pop.y_treated[idx], pop.y_untreated[idx], pop.counterfactual[idx] = y1, y0, cf
            pop.measured[idx] = True
        n = idx.size
        tiers = price_multipliers(c, model.public, pop.admin_score[idx])
        cf_sum, y_sum = float(cf.sum()), float(y1.sum())
        return CohortResult(
            cohort=cohort,
            metric=metric.name,
            weight=metric.weight,
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
            passed=passes(metric.threshold_kind, metric.threshold, cf_sum, y_sum, n),
            true_avoided_served=self._true_avoided_served(cohort, k, metric, idx, y0 - y1, spill),
        )

    def _true_avoided_served(
        self,
        cohort: int,
        k: int,
        metric: OutcomeMetric,
        counted: np.ndarray,
        avoided: np.ndarray,
        spill: np.ndarray,
    ) -> float:
        """True avoided outcomes over everyone the cohort enrolled. The same fixed draws as the
        counted people's (common random numbers), so where the counted are the enrolled — the
        `enrolled` rule, or an RCT's arm, whose never-served members avoid nothing — it equals
        their sum exactly (outcomes are whole events)."""
        pop = self.model.population
        served = np.flatnonzero((pop.cohort == cohort) & (pop.enrol_month >= 0))
        missing = np.setdiff1d(served, counted, assume_unique=True)
        total = float(avoided[pop.enrol_month[counted] >= 0].sum())
        if missing.size:
            y1, y0 = self.outcomes(k, metric, missing, spill, treated=True)
            total += float((y0 - y1).sum())
        return total

    def outcomes(
        self, k: int, metric: OutcomeMetric, idx: np.ndarray, spill: np.ndarray, treated: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Treated and untreated outcome of people `idx` on metric k at its horizon."""
        model = self.model
        iv = model.config.intervention
        pop = model.population
        risk = model.truth.metric_risk(k, idx)
        context = model.truth.context_shift(model.month) - spill[idx]
        gain = metric.effect_scale * service_shift(
            pop.hours_effective[idx], pop.hours_scale[idx], 1.0, iv.effect, iv.max_logit_reduction
        )
        u = model.truth.metric_uniforms(k)[idx]
        y1 = events(shifted(risk, context - gain), u, metric.kind)
        y0 = events(shifted(risk, context), u, metric.kind)
        if metric.kind == Metric.binary and iv.relapse_rate > 0 and metric.horizon_months > 0:
            relapse_u = model.truth.relapse_uniforms()[idx]
            followed = np.where(
                treated & (pop.enrol_month[idx] >= 0), model.operator.follow_up.level[idx], 0.0
            )
            y1 = np.maximum(y1, relapse(model, risk, relapse_u, metric.horizon_months, followed))
            y0 = np.maximum(y0, relapse(model, risk, relapse_u, metric.horizon_months, False))
        return y1, y0

    def counterfactual(
        self, cohort: int, k: int, metric: OutcomeMetric, idx: np.ndarray, spill: np.ndarray
    ) -> np.ndarray:
        """Per-person counterfactual of metric k under the metric's evaluation method."""
        model = self.model
        pop = model.population
        if idx.size == 0:
            return np.zeros(0)
        if metric.evaluation == Evaluation.rct:
            control = np.flatnonzero((pop.cohort == cohort) & (pop.arm == 2))
            _, yc = self.outcomes(k, metric, control, spill, treated=False)
            if k == 0:
                pop.y_untreated[control] = yc
                pop.measured[control] = True
            return np.full(idx.size, yc.mean() if yc.size else 0.0)
        if metric.evaluation == Evaluation.pre_post:
            months = np.unique(pop.enrol_month[idx])
            entry_context = np.array([model.truth.context_shift(int(m)) for m in months])
            ctx = entry_context[np.searchsorted(months, pop.enrol_month[idx])]
            prior_u = model.truth.metric_uniforms(k, prior=True)[idx]
            return prior_events(shifted(model.truth.metric_risk(k, idx), ctx), prior_u, metric.kind)
        pool = model.comparison_pool
        return nearest_mean(
            pool.admin_score,
            self.pool_outcomes(k, metric),
            pop.admin_score[idx],
            self.params.comparison_matches,
        )

    def pool_outcomes(self, k: int, metric: OutcomeMetric) -> np.ndarray:
        """Outcomes of the whole comparison pool on metric k under the method's context.

        Kept between cohorts: they depend only on the pool's fixed draws, the metric and the
        context, and recomputing them for hundreds of thousands of people at every measurement
        would cost more than the matching itself.
        """
        model = self.model
        pool = model.comparison_pool
        shift = model.truth.metric_shift(k)
        if metric.evaluation == Evaluation.historical_baseline:
            context, u = model.truth.historical_context(), pool.u_hist
        else:
            context, u = model.truth.context_shift(model.month), pool.u_now
        iv = model.config.intervention
        relapse_terms = (iv.relapse_rate, iv.follow_up_months, iv.follow_up_effect)
        key = (shift, context, u is pool.u_hist, metric.kind, metric.horizon_months, relapse_terms)
        cache = self.__dict__.setdefault("_pool_outcomes", {})
        if cache.get("pool") is not pool:
            cache.clear()
            cache["pool"] = pool
        if key not in cache:
            if ("risk", shift) not in cache:
                cache["risk", shift] = shifted(pool.risk, shift)
            risk = cache["risk", shift]
            pool_y = events(shifted(risk, context), u, metric.kind)
            if metric.kind == Metric.binary and metric.horizon_months > 0:
                pool_y = np.maximum(
                    pool_y, relapse(model, risk, pool.u_relapse, metric.horizon_months, False)
                )
            cache[key] = pool_y
        return cache[key]


def relapse(
    model: CISModel,
    risk: np.ndarray,
    uniform: np.ndarray,
    horizon: int,
    followed: np.ndarray | float,
) -> np.ndarray:
    """1 where a person in the good state at exit has fallen back by `horizon` months.

    The monthly hazard grows with risk; follow-up by the operator (for the treated only) lowers
    it during the follow-up months. Outcome effects therefore decay with the horizon.
    """
    iv = model.config.intervention
    hazard = iv.relapse_rate * risk / model.baseline_mean
    covered = min(horizon, iv.follow_up_months)
    level = np.asarray(followed, dtype=float)  # follow-up each person got (0–1)
    exposure = np.where(
        level > 0, covered * (1.0 - iv.follow_up_effect * level) + horizon - covered, float(horizon)
    )
    return (uniform > np.exp(-hazard * exposure)).astype(np.float64)


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
