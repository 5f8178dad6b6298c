"""Published evaluation results: what every payer, funder and operator after a contract reads.

Why data of its own: evidence is the only channel from a contract's truth to later decisions.
Each contract of the world — the first one and every later one — publishes what its evaluator
measured (never its true effect), with the size of the sample and the method, plus what anyone
can see in administrative data (how the people enrolled compare with those eligible).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cislab.model.schema import Evaluation


@dataclass
class Evidence:
    """A published evaluation result, in metric units per person served."""

    source: int  # territory whose programme was evaluated
    month: int
    method: Evaluation
    effect: float  # measured effect per person served
    se: float  # its standard error
    people: float  # people served it rests on
    final: bool  # False for interim results of a running contract
    unit: int = 0  # contract of the world it comes from (0 = the first contract)
    # 1 − (mean administrative risk of those enrolled ÷ that of the eligible): > 0 means the
    # easier cases were enrolled — visible to a payer in its own referral data.
    observed_creaming: float = 0.0
    counterfactual: float = 0.0  # counterfactual mean outcome the evaluation measured


def measured_mean(evidence: Sequence[Evidence]) -> float | None:
    """People-weighted mean of published measured effects: what a decision rests on."""
    people = sum(e.people for e in evidence)
    return sum(e.effect * e.people for e in evidence) / people if people > 0 else None


def method_variance_factor(method: Evaluation, rct_control_share: float, matches: int) -> float:
    """How much a method inflates the sampling variance of a per-person effect."""
    if method == Evaluation.rct:
        return 1.0 + (1.0 - rct_control_share) / rct_control_share
    if method == Evaluation.pre_post:
        return 1.0
    return 1.0 + 1.0 / max(matches, 1)


def pooled_result(
    results: Sequence[Any], method: Evaluation, binary: bool, variance_factor: float
) -> tuple[float, float, float, float] | None:
    """(measured effect per person served, its se, people served, counterfactual mean) of a
    contract's primary-metric results so far; None before anyone was counted."""
    counted = sum(r.counted for r in results)
    enrolled = sum(r.enrolled for r in results)
    served = enrolled if method == Evaluation.rct else counted
    if served <= 0 or counted <= 0:
        return None
    measured = sum(r.measured_outcomes for r in results) / served
    counterfactual = sum(r.counterfactual_mean * r.counted for r in results) / counted
    outcome = sum(r.outcome_mean * r.counted for r in results) / counted
    if binary:
        y = min(max(outcome, 1e-6), 1.0 - 1e-6)
        var = y * (1.0 - y)
    else:
        var = max(outcome, 1e-6)
    se = math.sqrt(var * variance_factor / max(counted, 1)) * counted / served
    return measured, se, float(served), counterfactual
