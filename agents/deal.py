"""The operator's side of a deal: accept, counter or refuse a contract it cannot sustain.

Why a rule: an association that signs a contract whose money cannot carry its team to the end
runs out of cash mid-way and leaves its clients (it stops service, `operator_insolvent`). Before
signing it can see what everyone sees — its own cash, the investor's commitment (less the
intermediary's fee when the investor pays it), the fee for service — and the cost of its team
over the delivery calendar. Outcome payments are at risk and arrive late, so they do not count.

- accept: the money carries at least `SUSTAIN_SHARE` of the whole delivery's cost;
- counter: it does not, but a smaller team it can carry to the end exists: the operator proposes
  that team (the model's payer accepts it: the contract is signed at that scale);
- refuse: not even one caseworker can be carried to the first outcome payment.
"""

from __future__ import annotations

from dataclasses import dataclass

from cislab.model.schema import FeePayer, Scenario

SUSTAIN_SHARE = 0.9  # share of the delivery's cost the secured money must carry


@dataclass(frozen=True)
class Verdict:
    choice: str  # "accept", "counter" or "refuse"
    caseworkers: int  # the team it will run (the scenario's when it accepts)
    funds: float  # money secured before any outcome payment
    cost: float  # cost of the whole delivery with the scenario's team


def monthly_cost(sc: Scenario, caseworkers: int) -> float:
    op = sc.operator
    return (
        caseworkers * op.staff_cost_per_worker_month
        + op.fixed_costs_month
        + caseworkers * op.caseload_per_worker * op.cost_per_place_month
    )


def secured_funds(sc: Scenario) -> float:
    """Cash, the investor's commitment net of the intermediary's fee it pays, the fee for
    service."""
    c = sc.contract
    fee = c.intermediary_fee if c.intermediary_fee_payer == FeePayer.investor else 0.0
    service_fees = (1.0 - c.outcome_share) * c.max_payment
    return sc.operator.cash + max(sc.investor_commitment - fee, 0.0) + service_fees


def operator_verdict(sc: Scenario) -> Verdict:
    c = sc.contract
    months = c.cohorts * c.cohort_months + sc.intervention.service_months
    first_payment = (
        c.cohort_months
        + sc.intervention.service_months
        + c.measurement_months
        + c.payment_lag_months
    )
    funds = secured_funds(sc)
    team = sc.operator.caseworkers
    cost = monthly_cost(sc, team) * months
    if funds >= SUSTAIN_SHARE * cost:
        return Verdict("accept", team, funds, cost)
    for smaller in range(team - 1, 0, -1):
        if funds >= SUSTAIN_SHARE * monthly_cost(sc, smaller) * months:
            return Verdict("counter", smaller, funds, cost)
    if funds >= monthly_cost(sc, 1) * min(first_payment, months):
        return Verdict("counter", 1, funds, cost)
    return Verdict("refuse", 0, funds, cost)
