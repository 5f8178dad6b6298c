"""What the parties expect of a contract: pure functions of its terms and of what they see.

Why pure functions: an expectation belongs to the agent who holds it, computed from what that
agent can see. The investor and the operator both need "the chance that a cohort passes its
trigger at a given gain per person"; each calls these functions with its own belief of the gain,
and no agent has to ask the model (which would tie `agents/` and `model/` in a loop).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from cislab.model.contract import ContractState
from cislab.model.outcomes import expected_events
from cislab.model.schema import Evaluation, Metric, OutcomeMetric, Scenario, ThresholdKind
from cislab.model.terms import effect_size
from scipy.special import ndtr

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

COMPLAINT_AUDIT_WEIGHT = 5.0


def pre_post_binary(metric: OutcomeMetric) -> bool:
    """Pre-post on a binary metric: everyone was in the adverse state at entry."""
    return metric.evaluation == Evaluation.pre_post and metric.kind == Metric.binary


def counterfactual_mean(metric: OutcomeMetric, risk: float) -> float:
    """The counterfactual the evaluator will set against an average person of this risk.

    Pre-post compares with the window before entry, which entry required to hold an adverse
    event: 1 for a binary metric, λ / (1 − e^−λ) = λ / p events for a frequency metric.
    """
    mean = float(expected_events(np.array([risk]), metric.kind)[0])
    if metric.evaluation != Evaluation.pre_post:
        return mean
    return 1.0 if metric.kind == Metric.binary else mean / risk


def pass_probability(
    sc: Scenario, gain_per_person: float, people: float, threshold: float
) -> float:
    """P(the primary metric's measured effect clears `threshold` over `people` counted), with
    the sampling error of the contract's evaluation method."""
    metric = sc.outcome_metrics[0]
    n = max(people, 1.0)
    p = metric.baseline_rate
    mean = float(expected_events(np.array([p]), metric.kind)[0])
    var = mean if metric.kind == Metric.frequency else p * (1 - p)
    if metric.evaluation == Evaluation.rct:
        se = math.sqrt(var * 2.0 / n)
    elif metric.evaluation == Evaluation.pre_post:
        se = math.sqrt(var / n)
    else:
        se = math.sqrt(var * (1.0 / n + 1.0 / (n * sc.evaluator.comparison_matches)))
    cf_mean = counterfactual_mean(metric, p)
    if metric.threshold_kind == ThresholdKind.success_rate:
        effect = 1.0 - cf_mean + gain_per_person
    else:
        effect = effect_size(metric.threshold_kind, gain_per_person, cf_mean)
        se = effect_size(metric.threshold_kind, se, cf_mean)
    # ndtr is norm.cdf without scipy.stats' argument handling (the same numbers, 50× faster)
    return float(ndtr((effect - threshold) / max(se, 1e-9)))


def trigger_probability(contract: ContractState, gain_per_person: float) -> float:
    """P(payment is triggered on the primary metric): by a cohort passing its threshold or,
    where the contract has one, all cohorts passing the overall threshold."""
    sc = contract.config
    metric = sc.outcome_metrics[0]
    by_cohort = pass_probability(sc, gain_per_person, contract.cohort_size(), metric.threshold)
    if sc.contract.overall_threshold <= 0:
        return by_cohort
    overall = pass_probability(
        sc, gain_per_person, contract.planned_counted(), sc.contract.overall_threshold
    )
    return max(by_cohort, overall)


def break_even_effect(contract: ContractState, payment_multiplier: float) -> float:
    """Measured gain per person at which payments repay the capital at the required return."""
    sc = contract.config
    need = sc.investor_commitment * (1.0 + sc.investor.required_return) ** (sc.contract_months / 12)
    paid_per_unit = sc.outcome_price * payment_multiplier
    return need / max(paid_per_unit * contract.planned_counted(), 1e-9)


def audit_probability(rate: float, complaints: int, caseload: int) -> float:
    """Chance of an audit this month under the contract's rule: its rate, raised by the month's
    complaints. The payer draws its audits from it; the operator knows the rule."""
    if rate <= 0:
        return 0.0
    per_client = complaints / max(caseload, 1)
    return min(1.0, rate * (1.0 + COMPLAINT_AUDIT_WEIGHT * per_client))


def audit_chance_this_month(model: CISModel) -> float:
    """`audit_probability` on what is known when this month's audit is drawn: last month's
    complaints and caseload (this month's service has not happened yet). One place for the
    payer's draw, the operator's expected fine and the model's report."""
    return audit_probability(
        model.config.contract.audit_rate, model.complaints_last_month, model.caseload_last_month
    )
