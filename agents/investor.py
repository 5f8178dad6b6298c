"""The investor: advances working capital by tranches and is repaid from outcome payments.

It funds only if its prior view of the programme covers its required return (scaled by its risk
appetite); it then disburses what the operator needs tranche by tranche, reads interim
indicators (the operator's "positive exits", later the evaluator's results), presses the
operator when results fall short of break-even, and stops funding when the repayments it still
expects no longer justify the money it would still have to put in. Its IRR and multiple come
from the ledger's actual cash flows.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np
from cislab.agents.expectations import (
    break_even_effect,
    counterfactual_mean,
    pre_post_binary,
    trigger_probability,
)
from cislab.model.finance import capped_due
from cislab.model.outcomes import expected_events
from cislab.model.schema import Metric
from scipy.special import expit, logit

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

MIN_EXITS_FOR_ESTIMATE = 20


class Investor(mesa.Agent):
    model: CISModel

    def __init__(self, model: CISModel) -> None:
        super().__init__(model)
        self.params = model.config.investor
        self.disbursed: list[tuple[int, float]] = []
        self.repaid: list[tuple[int, float]] = []
        self.funding = True
        self.exit_month: int | None = None
        self.estimated_effect = math.nan
        # Decisions a person can take in the investor's place (the teaching game, what-ifs).
        self.pressure_target: float | None = None  # pressure wanted on the operator, 0–1
        self.auto_exit = True  # False: only `exit_now` ends the funding
        self.hold_tranches = False  # True: skip disbursements until released

    # ------------------------------------------------------------------ decisions
    def prior_gains(self) -> list[float]:
        """Measured gain per person the investor expects on each paid metric before any data:
        a typical spell's effect on an average person under the metric's method, as its own
        model sees it (pre-post counts every success)."""
        sc = self.model.config
        hours = self.model.operator.typical_spell_hours()
        dose = 1.0 - math.exp(-hours / sc.intervention.hours_scale)
        shift = self.params.prior_effect * sc.intervention.max_logit_reduction * dose
        gains = []
        for metric in sc.outcome_metrics:
            p = np.array([metric.baseline_rate])
            treated = expected_events(expit(logit(p) - metric.effect_scale * shift), metric.kind)
            counterfactual = counterfactual_mean(metric, float(p[0]))
            gains.append(counterfactual - float(treated[0]))
        return gains

    def prior_effect(self) -> float:
        """Expected gain per person on the primary metric."""
        return self.prior_gains()[0]

    def expected_inflow(self, gain_per_person: float, people: float, more: float) -> float:
        """Everything the investor expects back (repaid so far, payments already earned, payments
        on `people` not yet measured at this primary-metric gain, and the guarantee) if it puts in
        `more`, under every cap."""
        model = self.model
        c = model.config.contract
        p_pass = trigger_probability(model.contract, gain_per_person)
        earned = model.contract.pending_amount()
        to_earn = (
            p_pass
            * model.config.outcome_price
            * model.payment_multiplier
            * max(gain_per_person, 0.0)
            * max(people, 0.0)
        )
        payments = min(
            earned + to_earn, max(model.config.outcome_max_payment - model.state.paid, 0.0)
        )
        advanced = [*self.disbursed, (model.month, max(more, 0.0))]
        cap = capped_due(advanced, self.repaid, model.config.contract_months, c.return_cap)
        expected = min(payments, cap)
        invested = sum(a for _, a in advanced)
        repaid = sum(a for _, a in self.repaid)
        return repaid + expected + self.guarantee_cover(invested - repaid - expected)

    def guarantee_cover(self, loss: float) -> float:
        """What the guarantor pays on a given loss: its share, up to its amount."""
        p = self.params
        return min(p.guarantee_amount, p.guarantee_share * max(loss, 0.0))

    def decide_to_fund(self) -> bool:
        """Fund when the prior expected repayment covers the capital grown at the required return,
        discounted by risk appetite and impact weight."""
        sc = self.model.config
        years = sc.contract_months / 12.0
        committed = sc.investor_commitment  # less the fee for service, if any
        need = committed * (1.0 + self.params.required_return) ** years
        to_come = committed - sum(a for _, a in self.disbursed)
        planned = self.model.contract.planned_counted()
        expected = self.expected_inflow(self.prior_effect(), planned, to_come)
        self.estimated_effect = self.prior_effect()
        return expected >= self.demanded_share() * need

    def demanded_share(self) -> float:
        """Share of what it puts in that the investor must expect back to go on: lower with
        more appetite for risk and more weight on impact (a foundation stays where a bank
        leaves)."""
        return (1.0 - self.params.risk_appetite) * (1.0 - self.params.impact_weight)

    def settle_guarantee(self) -> None:
        """At the contract's end the guarantor covers its share of the investor's loss."""
        loss = sum(a for _, a in self.disbursed) - sum(a for _, a in self.repaid)
        model = self.model
        cover = min(self.guarantee_cover(loss), model.ledger.balance("guarantor"))
        if cover > 0:
            model.ledger.pay(model.month, "guarantor", "investor", cover, "guarantee_payment")

    def step(self) -> None:
        model = self.model
        if not model.contract.signed:
            return
        self.monitor()
        if not (self.funding and model.contract.delivering(model.month)) or self.hold_tranches:
            return
        due = model.month % self.params.tranche_months == 0
        short = model.ledger.balance("operator") < model.operator.monthly_cost()
        if due or short:  # scheduled tranche, or a drawdown request when cash runs short
            self.disburse()

    def monitor(self) -> None:
        """Update the estimate of the measured effect, press the operator, maybe exit."""
        model = self.model
        estimate = self.interim_effect_estimate()
        if estimate is None:
            return
        if not model.evaluator.results:  # lead indicators only: weigh them against the prior
            seen, weight = model.exits, self.params.prior_strength
            estimate = (weight * self.prior_effect() + seen * estimate) / (weight + seen)
        self.estimated_effect = estimate
        target = break_even_effect(model.contract, model.payment_multiplier)
        gap = (target - estimate) / target if target > 0 else 0.0
        wanted = float(np.clip(self.params.pressure_sensitivity * gap, 0.0, 1.0))
        if self.pressure_target is not None:
            wanted = float(np.clip(self.pressure_target, 0.0, 1.0))
        model.contract.pressure_demand = wanted  # the operator hears it through governance
        c = model.config.contract
        if (
            self.funding
            and self.auto_exit
            and model.contract.enrolling(model.month)
            and model.month > 0
            and model.month % c.termination_check_months == 0
            and self.enough_evidence()
        ):
            # what going on adds, against stopping now with the people already served
            future_out = self.funds_still_needed()
            measured = sum(
                r.counted
                for r in model.evaluator.results
                if r.metric == model.config.outcome_metrics[0].name
            )
            served = float((model.population.enrol_month >= 0).sum())
            future_in = self.expected_inflow(
                estimate, self.projected_volume() - measured, future_out
            ) - self.expected_inflow(estimate, served - measured, 0.0)
            if future_out > 0 and future_in < self.demanded_share() * future_out:
                self.funding = False
                self.exit_month = model.month
                model.contract.terminate("investor_exit", model.month)

    def projected_volume(self) -> float:
        """People the contract will count: from actual enrolment and the referrals seen when
        referrals come as a flow (a shortfall shows), else the planned volume (free places are
        then filled from the eligible pool, so actual volume is planned volume)."""
        model = self.model
        if model.referral_flow.on:
            return model.referral_flow.projected_people(model)
        return model.contract.planned_counted()

    def enough_evidence(self) -> bool:
        """Ending a contract takes a measured result, or interim data on half a cohort."""
        model = self.model
        return bool(model.evaluator.results) or model.exits >= 0.5 * model.contract.cohort_size()

    def exit_now(self) -> None:
        """Stop funding and trigger early termination now (a decision, not a rule)."""
        if not self.funding:
            return
        self.funding = False
        self.exit_month = self.model.month
        self.model.contract.terminate("investor_exit", self.model.month)

    def funds_still_needed(self) -> float:
        """What the operator will still need from the investor to finish delivery."""
        model = self.model
        remaining = self.params.capital - sum(a for _, a in self.disbursed)
        gap = model.operator.remaining_delivery_cost() - model.ledger.balance("operator")
        return float(min(max(gap, 0.0), remaining))

    def disburse(self) -> None:
        """Send the operator what it needs for the next tranche, within the commitment."""
        model = self.model
        remaining = self.params.capital - sum(a for _, a in self.disbursed)
        need = model.operator.cost_next_months(self.params.tranche_months) - model.ledger.balance(
            "operator"
        )
        amount = min(max(need, 0.0), remaining, model.ledger.balance("investor"))
        if amount > 0:
            model.ledger.pay(model.month, "investor", "operator", amount, "capital_tranche")
            self.disbursed.append((model.month, amount))

    def interim_effect_estimate(self) -> float | None:
        """What the investor can see: measured results once any exist, else positive exits
        against the baseline rate (a lead indicator that creaming flatters)."""
        model = self.model
        sc = model.config
        primary = sc.outcome_metrics[0]
        results = [r for r in model.evaluator.results if r.metric == primary.name]
        if results:
            n = sum(r.counted for r in results)
            return sum(r.measured_effect * r.counted for r in results) / max(n, 1)
        if model.exits < MIN_EXITS_FOR_ESTIMATE:
            return None
        success = model.positive_exits / model.exits
        if pre_post_binary(primary):  # every success counts: nothing to subtract
            return success
        rate_gain = success - (1.0 - sc.population.baseline_rate)
        if primary.kind == Metric.frequency:
            # a small service effect moves events 1/(1-p) times as much as the binary rate
            rate_gain /= 1.0 - primary.baseline_rate
        return rate_gain

    def amount_owed(self) -> float:
        """What it may still receive under the return cap (the waterfall's first claim)."""
        model = self.model
        return capped_due(
            self.disbursed, self.repaid, model.month, model.config.contract.return_cap
        )

    def collect_repayment(self, payment: float) -> None:
        """Take from an outcome payment what is due under the return cap; the rest stays with
        the operator."""
        model = self.model
        due = capped_due(self.disbursed, self.repaid, model.month, model.config.contract.return_cap)
        amount = min(payment, due, model.ledger.balance("operator"))
        if amount > 0:
            model.ledger.pay(model.month, "operator", "investor", amount, "investor_repayment")
            self.repaid.append((model.month, amount))
