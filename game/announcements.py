"""What the room must hear when it happens: the contract's stop and its cause, an investor's exit,
an operator out of cash, cancelled cohorts, cohorts measured against their trigger, payments.

Why a module of its own: the game must never compute an outcome, so every item is *read* from the
model for the months just run — its termination fields, the agents' state, the evaluator's cohort
table, the ledger and the monthly records — and handed on as plain data (a kind, the month and
the fields its sentence needs). The session logs the items; the play screen words them in the
session's language (`game.scenes.news`).
"""

from __future__ import annotations

from typing import Any

from cislab.model.cis_model import CISModel
from cislab.model.population import Status
from cislab.model.schema import ThresholdKind
from cislab.model.terms import effect_size

CASH_EMPTY = 0.5  # below half a currency unit the operator's till is empty
CAUSES = ("policy_change", "investor_exit", "operator_insolvent")


def news(model: CISModel, since: int, until: int) -> list[dict[str, Any]]:
    """Everything worth announcing that the model recorded in months [since, until)."""
    if not model.signed:
        return []
    items = _ending(model, since, until)
    items += _cash(model, since, until, insolvent=any(i["kind"] == "insolvent" for i in items))
    items += _measurements(model, since, until)
    items += _payments(model, since, until)
    return sorted(items, key=lambda item: item["month"])


def _ending(model: CISModel, since: int, until: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    inv = model.investor
    month = model.termination_month
    stopped = model.terminated is not None and month is not None and since <= month < until
    if stopped:  # the headline first, then what led to it
        items.append({"kind": "stopped", "month": month, "cause": model.terminated})
    if inv.exit_month is not None and since <= inv.exit_month < until:
        # the agent's own rule decides only while `auto_exit` holds; a human's exit is a decision
        items.append({"kind": "investor_exit", "month": inv.exit_month, "by_rule": inv.auto_exit})
    if not stopped:
        return items
    if model.service_stopped == "operator_insolvent":
        pop = model.population
        left = int(((pop.status == Status.dropped) & (pop.exit_month == month)).sum())
        items.append({"kind": "insolvent", "month": month, "clients": left})
    cancelled = model.cancelled_cohorts
    if cancelled:
        items.append(
            {
                "kind": "cancelled",
                "month": month,
                "cohorts": [c + 1 for c in cancelled],
                "planned": model.config.contract.cohorts,
            }
        )
    return items


def _cash(model: CISModel, since: int, until: int, insolvent: bool) -> list[dict[str, Any]]:
    """The month the operator's recorded cash first reaches zero (insolvency says it already)."""
    if insolvent:
        return []
    cash = model.datacollector.model_vars.get("operator_cash", [])
    for month in range(max(since, 0), min(until, len(cash))):
        before = cash[month - 1] if month > 0 else model.config.operator.cash
        if cash[month] < CASH_EMPTY <= before:
            return [{"kind": "cash_zero", "month": month}]
    return []


def _measurements(model: CISModel, since: int, until: int) -> list[dict[str, Any]]:
    metrics = {m.name: m for m in model.config.outcome_metrics}
    items = []
    for r in model.evaluator.results:
        if not since <= r.month < until:
            continue
        metric = metrics[r.metric]
        kind = ThresholdKind(metric.threshold_kind)
        if kind == ThresholdKind.success_rate:
            value = 1.0 - r.outcome_mean
        else:
            value = effect_size(kind, r.measured_effect, r.counterfactual_mean)
        items.append(
            {
                "kind": "measured",
                "month": r.month,
                "cohort": r.cohort + 1,
                "metric": r.metric,
                "several": len(metrics) > 1,
                "value": float(value),
                "threshold": float(metric.threshold or 0.0),
                "threshold_kind": str(kind),
                "passed": bool(r.passed),
            }
        )
    return items


def _payments(model: CISModel, since: int, until: int) -> list[dict[str, Any]]:
    """Outcome payments of the ledger, by month, with the cohorts they paid and the total so far."""
    ledger = model.ledger
    lag = model.config.contract.payment_lag_months
    by_month: dict[int, float] = {}
    for month, payer, reason, amount in zip(
        ledger.months, ledger.payers, ledger.reasons, ledger.amounts, strict=True
    ):
        if reason == "outcome_payment" and payer == "state" and since <= month < until:
            by_month[month] = by_month.get(month, 0.0) + amount
    results = model.evaluator.results
    last = max((r.month for r in results), default=-1)
    items = []
    for month, amount in sorted(by_month.items()):
        # a cohort that passed is paid `lag` months after its measurement; one that missed its
        # own trigger only through the overall trigger, `lag` months after the last measurement
        paid = [r for r in results if r.paid > 0 and (r.month if r.passed else last) + lag == month]
        items.append(
            {
                "kind": "payment",
                "month": month,
                "amount": amount,
                "cohorts": sorted({r.cohort + 1 for r in paid}),
                "overall": any(not r.passed for r in paid),
                "total": paid_so_far(model, month),
            }
        )
    return items


def paid_so_far(model: CISModel, month: int | None = None) -> float:
    """Outcome payments the payer has made up to `month` included (all so far without one),
    summed from the ledger."""
    ledger = model.ledger
    return float(
        sum(
            a
            for m, p, r, a in zip(
                ledger.months, ledger.payers, ledger.reasons, ledger.amounts, strict=True
            )
            if r == "outcome_payment" and p == "state" and (month is None or m <= month)
        )
    )
