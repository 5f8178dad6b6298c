"""End-of-run summary and tidy tables, computed from the model's arrays and its ledger."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from cislab.model.finance import annual_irr
from cislab.model.indices import (
    creaming_index,
    pooled_results,
    run_gaming_index,
    run_parking_index,
)
from cislab.model.population import Status

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


def _finite(x: float) -> float | None:
    """JSON has no NaN: undefined figures are written as null."""
    return None if x is None or not math.isfinite(x) else float(x)


def summary(model: CISModel) -> dict[str, Any]:
    sc = model.config
    pop = model.population
    ledger = model.ledger
    enrolled = pop.enrol_month >= 0
    primary = sc.outcome_metrics[0].name
    results = [r for r in model.evaluator.results if r.metric == primary]
    counted, true_avoided, measured_outcomes = pooled_results(model)
    payments = ledger.total(payer="state", reason="outcome_payment")
    evaluation_fees = ledger.total(reason="evaluation_fee")
    intermediary_fees = ledger.total(reason="intermediary_fee")
    fines = ledger.total(reason="audit_fine")
    invested = ledger.total(payer="investor")
    returned = ledger.total(payee="investor")
    service_fees = ledger.total(payer="state", reason="service_fee")
    state_intermediary_fee = ledger.total(payer="state", reason="intermediary_fee")
    public_cost = payments + evaluation_fees + service_fees + state_intermediary_fee
    # A true quantity: over everyone served, whatever the contract counts (issue 12).
    avoided_served = sum(r.true_avoided_served for r in results)
    public_savings = avoided_served * sc.state.cost_per_event
    out = {
        "scenario": sc.meta.name,
        "seed": model.seed,
        "months": model.month,
        "contract_signed": model.signed,
        "terminated": model.terminated,
        "termination_month": model.termination_month,
        "eligible": pop.size,
        "enrolled": int(enrolled.sum()),
        "completed": int((pop.status == Status.completed).sum()),
        "dropped": int((pop.status == Status.dropped).sum()),
        "refused": int((pop.status == Status.refused).sum()),
        "counted": int(counted),
        "creaming_index": creaming_index(pop.risk, enrolled),
        "parking_index": run_parking_index(model, model.month - 1),
        "gaming_index": run_gaming_index(model),
        "true_effect": true_avoided / counted if counted else 0.0,
        "measured_effect": measured_outcomes / counted if counted else 0.0,
        "true_avoided_events": avoided_served,
        "measured_outcomes": measured_outcomes,
        "cohorts_measured": len(results),
        "guarantee_payments": ledger.total(reason="guarantee_payment"),
        "cohorts_paid": sum(1 for r in results if r.paid > 0),
        "outcome_payments": payments,
        "evaluation_fees": evaluation_fees,
        "intermediary_fees": intermediary_fees,
        "audit_fines": fines,
        "audits": model.state.audits,
        "complaints": int(pop.complaints.sum()),
        "public_cost": public_cost,
        "public_savings": public_savings,
        "net_public_benefit": public_savings - public_cost,
        "cost_per_avoided_event": _finite(public_cost / avoided_served)
        if avoided_served > 0
        else None,
        "investor_invested": invested,
        "investor_returned": returned,
        # null when no rate is defined (nothing invested, or no rate zeroes the flows): finance.py
        "investor_irr": _finite(annual_irr(ledger.flows("investor", model.month))),
        "investor_multiple": _finite(returned / invested) if invested > 0 else None,
        "investor_exit_month": model.investor.exit_month,
        "operator_cash_end": ledger.balance("operator"),
        "operator_insolvent": model.service_stopped == "operator_insolvent",
        "mean_wellbeing": _finite(float(np.nanmean(pop.wellbeing[enrolled])))
        if enrolled.any()
        else None,
        "ledger_imbalance": model.max_ledger_imbalance,
        **metric_summaries(model),
    }
    out.update(contract_terms_summary(model, measured_outcomes, public_savings))
    if model.after is not None:
        out.update(model.after.summary())
    return out


def contract_terms_summary(
    model: CISModel, measured_outcomes: float, public_savings: float
) -> dict[str, Any]:
    """What the issue-12 terms did: referrals and the volume clause, learning to serve, the
    fee for service and follow-up, true and measured savings, the waterfall, every party's
    gain."""
    sc = model.config
    ledger = model.ledger
    flow = model.referral_flow
    measured_savings = measured_outcomes * sc.state.cost_per_event
    c = sc.contract
    invested = ledger.total(payer="investor")
    return {
        "operator_verdict": model.operator_verdict.choice,
        "service_stopped": model.service_stopped,
        "referrals_received": int(sum(flow.received)) if flow.on else None,
        "volume_breaches": len(flow.events),
        "operator_resized_month": model.operator.resize_month,
        "caseworkers_end": model.operator.caseworkers,
        "practice_gain": model.operator.practice.mean_gain,
        "follow_up_level": _finite(model.operator.follow_up.mean_level())
        if model.operator.follow_up.chosen
        else None,
        "service_fees": ledger.total(payer="state", reason="service_fee"),
        "public_savings_measured": measured_savings,
        "savings_gap": measured_savings - public_savings,
        "savings_cap": c.savings_share * measured_savings if c.cap_at_savings else None,
        "outcome_not_due": model.contract.not_due,
        "intermediary_performance_fees": ledger.total(
            payer="state", payee="intermediary", reason="outcome_payment"
        ),
        "intermediary_fee_paid_by": str(c.intermediary_fee_payer),
        "investor_gain": ledger.total(payee="investor") - invested,
        "operator_gain": ledger.balance("operator") - sc.operator.cash,
        "intermediary_gain": ledger.balance("intermediary"),
        "evaluator_gain": ledger.balance("evaluator"),
        "guarantor_gain": 0.0 - ledger.total(payer="guarantor"),
    }


def metric_summaries(model: CISModel) -> dict[str, float | None]:
    """Per paid metric: measured and true gain per person, and the success rate."""
    out: dict[str, float | None] = {}
    for metric in model.config.outcome_metrics:
        results = [r for r in model.evaluator.results if r.metric == metric.name]
        n = sum(r.counted for r in results)
        measured = sum(r.measured_outcomes for r in results) / n if n else None
        true = sum(r.true_avoided for r in results) / n if n else None
        success = 1.0 - sum(r.outcome_mean * r.counted for r in results) / n if n else None
        out[f"{metric.name}_measured_effect"] = measured
        out[f"{metric.name}_true_effect"] = true
        out[f"{metric.name}_success_rate"] = success
    return out


def timeseries(model: CISModel) -> pd.DataFrame:
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    frame.insert(0, "scenario", model.config.meta.name)
    frame.insert(1, "seed", model.seed)
    return frame


def cohorts(model: CISModel) -> pd.DataFrame:
    return pd.DataFrame([r.as_dict() for r in model.evaluator.results])


def beneficiaries(model: CISModel) -> pd.DataFrame:
    """One row per eligible person: who they are, what they got, what happened."""
    pop = model.population
    return pd.DataFrame(
        {
            "person": np.arange(pop.size, dtype=np.int64),
            "risk": pop.risk,
            "admin_score": pop.admin_score,
            "status": pd.Categorical.from_codes(pop.status, [s.name for s in Status]),
            "arm": pd.Categorical.from_codes(pop.arm, ["none", "treatment", "control"]),
            "cohort": pop.cohort,
            "enrol_month": pop.enrol_month,
            "exit_month": pop.exit_month,
            "metric_hours": pop.hours_metric,
            "quality_hours": pop.hours_quality,
            "wellbeing": pop.wellbeing,
            "complaints": pop.complaints,
            "measured": pop.measured,
            "outcome_treated": pop.y_treated,
            "outcome_untreated": pop.y_untreated,
            "counterfactual": pop.counterfactual,
        }
    )
