"""The run's indices, defined once (MODEL.md §6) so the CLI, the game and analyses agree.

Module-level functions, not lambdas: Mesa's DataCollector keeps them, and the model must stay
picklable (the game copies it to fork a session).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


def creaming_index(risk: np.ndarray, enrolled: np.ndarray) -> float:
    """Mean risk of the eligible minus mean risk of those enrolled (> 0 is creaming)."""
    if not enrolled.any():
        return 0.0
    return float(risk.mean() - risk[enrolled].mean())


def parking_index(risk: np.ndarray, hours: np.ndarray) -> float:
    """1 − hours per person in the riskiest fifth ÷ mean hours (0 even, 1 the hardest get none)."""
    if risk.size < 5 or hours.mean() <= 0:
        return 0.0
    riskiest = risk >= np.quantile(risk, 0.8)
    return float(1.0 - hours[riskiest].mean() / hours.mean())


def gaming_index(quality_hours: float, client_months: float, standard: float) -> float:
    """1 − quality hours per client-month ÷ the contract's standard, floored at 0."""
    if standard <= 0 or client_months <= 0:
        return 0.0
    return float(max(0.0, 1.0 - quality_hours / (client_months * standard)))


# ------------------------------------------------- the run so far (the summary's statistics)
# One name, one quantity (issue 11): the time series and the DataCollector report these under
# the summary's names, so their last row equals the summary; the month's own values carry a
# `_month` suffix.


def run_parking_index(model: CISModel, last_month: int) -> float:
    """Parking over everyone served so far, by metric hours per month in service up to
    `last_month` (computed for the enrolled alone: the time series asks every month)."""
    pop = model.population
    enrolled = np.flatnonzero(pop.enrol_month >= 0)
    if enrolled.size == 0:
        return 0.0
    exit_month = pop.exit_month[enrolled]
    months_served = (
        np.where(exit_month >= 0, exit_month, last_month) - pop.enrol_month[enrolled] + 1
    )
    per_month = np.divide(
        pop.hours_metric[enrolled],
        months_served,
        out=np.zeros(enrolled.size),
        where=months_served > 0,
    )
    return parking_index(pop.risk[enrolled], per_month)


def run_gaming_index(model: CISModel) -> float:
    """Gaming over every client-month so far."""
    return gaming_index(
        model.quality_hours_total, model.client_months, model.config.contract.quality_standard_hours
    )


def pooled_results(model: CISModel) -> tuple[int, float, float]:
    """People counted, true avoided outcomes and measured outcomes, pooled over every cohort of
    the primary metric measured so far."""
    primary = model.config.outcome_metrics[0].name
    results = [r for r in model.evaluator.results if r.metric == primary]
    return (
        int(sum(r.counted for r in results)),
        float(sum(r.true_avoided for r in results)),
        float(sum(r.measured_outcomes for r in results)),
    )


# ---------------------------------------------------------------- reporters (time series)
def report_creaming(model: CISModel) -> float:
    pop = model.population
    return creaming_index(pop.risk, pop.enrol_month >= 0)


def report_parking(model: CISModel) -> float:
    """Parking over this month's caseload, by this month's hours."""
    clients, hours = model.last_clients, model.last_hours
    if clients.size == 0:
        return math.nan
    return parking_index(model.population.risk[clients], hours)


def report_gaming(model: CISModel) -> float:
    if model.last_clients.size == 0:
        return math.nan
    return gaming_index(
        model.operator.quality_per_client, 1.0, model.config.contract.quality_standard_hours
    )


def report_operator_cash(model: CISModel) -> float:
    return model.ledger.balance("operator")


def report_investor_cash(model: CISModel) -> float:
    return model.ledger.balance("investor")


def report_state_paid(model: CISModel) -> float:
    return model.state.paid


def report_pressure(model: CISModel) -> float:
    return model.operator.pressure


def report_estimated_effect(model: CISModel) -> float:
    return model.investor.estimated_effect


def report_measured_effect(model: CISModel) -> float:
    """Measured effect per person counted, pooled over the cohorts measured so far (NaN before
    the first measurement)."""
    counted, _, measured = pooled_results(model)
    return measured / counted if counted else math.nan


def report_true_effect(model: CISModel) -> float:
    """True effect per person counted, pooled as the measured one."""
    counted, true_avoided, _ = pooled_results(model)
    return true_avoided / counted if counted else math.nan


def report_run_parking(model: CISModel) -> float:
    return run_parking_index(model, model.month)


def report_run_gaming(model: CISModel) -> float:
    return run_gaming_index(model)


def report_enrolled_total(model: CISModel) -> int:
    return int((model.population.enrol_month >= 0).sum())


def report_audits(model: CISModel) -> int:
    """Audits carried out this month (the payer's count since the month began)."""
    return model.state.audits - model.audits_before_month


def report_referrals(model: CISModel) -> float:
    """Referrals the flow brought this month (NaN without a flow: free places find people)."""
    month, count = model.referral_flow.last
    return float(count) if month == model.month else math.nan


def report_caseworkers(model: CISModel) -> int:
    return model.operator.caseworkers


MODEL_REPORTERS = {
    "month": "month",
    "caseload": "caseload",
    "enrolled_total": report_enrolled_total,
    "metric_hours": "month_metric_hours",
    "quality_hours_per_client": "month_quality",
    "creaming_index": report_creaming,
    "parking_index": report_run_parking,
    "gaming_index": report_run_gaming,
    "parking_index_month": report_parking,
    "gaming_index_month": report_gaming,
    "complaints": "month_complaints",
    "dropouts": "month_dropouts",
    "audits": report_audits,
    "operator_cash": report_operator_cash,
    "investor_cash": report_investor_cash,
    "outcome_payments_cum": report_state_paid,
    "investor_pressure": report_pressure,
    "investor_estimated_effect": report_estimated_effect,
    "measured_effect": report_measured_effect,
    "true_effect": report_true_effect,
    "ledger_imbalance": "ledger_imbalance",
    "referrals_month": report_referrals,
    "caseworkers": report_caseworkers,
}
