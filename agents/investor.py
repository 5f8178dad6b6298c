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
from scipy.special import expit, logit

from model.finance import capped_due
from model.outcomes import expected_events

if TYPE_CHECKING:
    from model.cis_model import CISModel

PRESSURE_SMOOTHING = 0.5


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
    def prior_effect(self) -> float:
        """Measured gain per person the investor expects before any data (its own model)."""
        sc = self.model.config
        p = sc.population.baseline_rate
        hours = self.model.operator.typical_spell_hours()
        shift = (
            self.params.prior_effect
            * sc.intervention.max_logit_reduction
            * (1.0 - math.exp(-hours / sc.intervention.hours_scale))
        )
        metric = sc.contract.metric
        return float(
            expected_events(np.array([p]), metric)[0]
            - expected_events(np.array([expit(logit(p) - shift)]), metric)[0]
        )

    def expected_repayment(self, gain_per_person: float, people: float) -> float:
        """Repayments expected from a measured gain over `people` counted, under the caps."""
        model = self.model
        c = model.config.contract
        p_pass = model.trigger_probability(gain_per_person)
        payments = min(
            c.price_per_outcome * max(gain_per_person, 0.0) * people,
            model.payment_headroom_amount(),
        )
        to_come = self.params.capital - sum(a for _, a in self.disbursed)
        advanced = [*self.disbursed, (model.month, max(to_come, 0.0))]
        cap = capped_due(advanced, self.repaid, model.config.contract_months, c.return_cap)
        return p_pass * min(payments, cap)

    def decide_to_fund(self) -> bool:
        """Fund when the prior expected repayment covers the capital grown at the required return,
        discounted by risk appetite."""
        sc = self.model.config
        years = sc.contract_months / 12.0
        need = self.params.capital * (1.0 + self.params.required_return) ** years
        expected = self.expected_repayment(self.prior_effect(), self.model.planned_counted())
        self.estimated_effect = self.prior_effect()
        return expected >= (1.0 - self.params.risk_appetite) * need

    def step(self) -> None:
        model = self.model
        if not model.contract_live:
            return
        self.monitor()
        if (
            self.funding
            and not self.hold_tranches
            and model.delivering
            and model.month % self.params.tranche_months == 0
        ):
            self.disburse()

    def monitor(self) -> None:
        """Update the estimate of the measured effect, press the operator, maybe exit."""
        model = self.model
        estimate = model.interim_effect_estimate()
        if estimate is None:
            return
        self.estimated_effect = estimate
        target = model.break_even_effect()
        gap = (target - estimate) / target if target > 0 else 0.0
        wanted = float(np.clip(self.params.pressure_sensitivity * gap, 0.0, 1.0))
        if self.pressure_target is not None:
            wanted = float(np.clip(self.pressure_target, 0.0, 1.0))
        op = model.operator
        op.pressure = (1 - PRESSURE_SMOOTHING) * op.pressure + PRESSURE_SMOOTHING * wanted
        c = model.config.contract
        if (
            self.funding
            and self.auto_exit
            and model.enrolling
            and model.month > 0
            and model.month % c.termination_check_months == 0
        ):
            future_out = self.funds_still_needed()
            future_in = self.expected_repayment(estimate, model.planned_counted())
            if future_out > 0 and future_in < (1.0 - self.params.risk_appetite) * future_out:
                self.funding = False
                self.exit_month = model.month
                model.terminate("investor_exit")

    def exit_now(self) -> None:
        """Stop funding and trigger early termination now (a decision, not a rule)."""
        if not self.funding:
            return
        self.funding = False
        self.exit_month = self.model.month
        self.model.terminate("investor_exit")

    def funds_still_needed(self) -> float:
        """What the operator will still need from the investor to finish delivery."""
        model = self.model
        remaining = self.params.capital - sum(a for _, a in self.disbursed)
        gap = model.remaining_delivery_cost() - model.ledger.balance("operator")
        return float(min(max(gap, 0.0), remaining))

    def disburse(self) -> None:
        """Send the operator what it needs for the next tranche, within the commitment."""
        model = self.model
        remaining = self.params.capital - sum(a for _, a in self.disbursed)
        need = model.cost_next_months(self.params.tranche_months) - model.ledger.balance("operator")
        amount = min(max(need, 0.0), remaining, model.ledger.balance("investor"))
        if amount > 0:
            model.ledger.pay(model.month, "investor", "operator", amount, "capital_tranche")
            self.disbursed.append((model.month, amount))

    def collect_repayment(self, payment: float) -> None:
        """Take from an outcome payment what is due under the return cap; the rest stays with
        the operator."""
        model = self.model
        due = capped_due(self.disbursed, self.repaid, model.month, model.config.contract.return_cap)
        amount = min(payment, due, model.ledger.balance("operator"))
        if amount > 0:
            model.ledger.pay(model.month, "operator", "investor", amount, "investor_repayment")
            self.repaid.append((model.month, amount))
