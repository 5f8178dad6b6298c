"""Named quantities of a finished run that can be set beside published results.

A scenario's `[[validation]]` checks name an observable (`relative_change:1`,
`target_ratio:learning`, `investor_irr`, ...); `cislab validate-cases` computes it over many
seeds. Keeping the registry here means a new case needs data, not code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from cislab.model.schema import TargetKind

if TYPE_CHECKING:
    from cislab.agents.evaluator import CohortResult
    from cislab.model.cis_model import CISModel


class ObservableError(ValueError):
    """An observable name or argument that does not exist for this scenario."""


def _metric_results(model: CISModel, metric: str | None) -> list[CohortResult]:
    names = [m.name for m in model.config.outcome_metrics]
    name = metric or names[0]
    if name not in names:
        raise ObservableError(f"unknown metric '{name}'; metrics: {', '.join(names)}")
    return [r for r in model.evaluator.results if r.metric == name]


def _pooled(results: list[CohortResult]) -> tuple[float, float, int]:
    """Counterfactual mean, outcome mean and people counted over cohorts."""
    n = sum(r.counted for r in results)
    if n == 0:
        return math.nan, math.nan, 0
    cf = sum(r.counterfactual_mean * r.counted for r in results) / n
    y = sum(r.outcome_mean * r.counted for r in results) / n
    return cf, y, n


def relative_change(model: CISModel, arg: str | None) -> float:
    """Measured change of the primary metric against its counterfactual: one cohort
    (1-based) or all cohorts pooled (−0.09 = 9% fewer adverse outcomes)."""
    results = _metric_results(model, None)
    if arg:
        results = [r for r in results if r.cohort == int(arg) - 1]
    cf, y, _ = _pooled(results)
    return (y - cf) / cf if cf and cf > 0 else math.nan


def success_rate(model: CISModel, arg: str | None) -> float:
    """Share of counted people without the adverse outcome on a metric."""
    _, y, _ = _pooled(_metric_results(model, arg))
    return 1.0 - y


def target_ratio(model: CISModel, arg: str | None) -> float:
    """Achievement as a share of the metric's published target ("116% of target")."""
    results = _metric_results(model, arg)
    metric = (
        next(m for m in model.config.outcome_metrics if m.name == results[0].metric)
        if results
        else None
    )
    if metric is None or metric.target is None:
        raise ObservableError(f"metric '{arg}' has no target")
    cf, y, _ = _pooled(results)
    achieved = 1.0 - y if metric.target_kind == TargetKind.success_rate else cf - y
    return achieved / metric.target


def retention(model: CISModel, arg: str | None) -> float:
    """Success on a later metric among those with success on an earlier one: `later/earlier`
    (SIBs.CO's "79 of every 100 placed retained at 3 months")."""
    later, _, earlier = (arg or "").partition("/")
    if not later or not earlier:
        raise ObservableError("retention needs 'later/earlier' metric names")
    return success_rate(model, later) / success_rate(model, earlier)


def investor_net_loss(model: CISModel, arg: str | None) -> float:
    """What the investor put in minus all it got back, guarantee included (> 0 is a loss)."""
    ledger = model.ledger
    return ledger.total(payer="investor") - ledger.total(payee="investor")


OBSERVABLES: dict[str, Callable[[CISModel, str | None], float]] = {
    "relative_change": relative_change,
    "success_rate": success_rate,
    "target_ratio": target_ratio,
    "retention": retention,
    "investor_net_loss": investor_net_loss,
}


def observe(model: CISModel, spec: str) -> float:
    """Value of an observable such as `relative_change:1` on a finished model."""
    name, _, arg = spec.partition(":")
    if name in OBSERVABLES:
        return OBSERVABLES[name](model, arg or None)
    from cislab.model.summary import summary

    values = summary(model)
    if name in values and not arg:
        return math.nan if values[name] is None else float(values[name])
    raise ObservableError(
        f"unknown observable '{name}'; known: {', '.join(OBSERVABLES)} or any summary key"
    )
