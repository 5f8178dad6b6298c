"""The state as outcome payer, and its referral service.

It refers eligible people where the contract gives it that role (by its referral rule: waiting
list, random allocation or need first), audits the quality of service at the contract's rate
(complaints make an audit likelier), fines shortfalls below the quality standard, and pays
verified outcomes within every cap: the maximum payment, its budget and, where the contract
says so, the public savings the evaluation measured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from cislab.agents.expectations import audit_chance_this_month
from cislab.model.schema import ReferralRule, Selection

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


class State(mesa.Agent):
    model: CISModel

    def __init__(self, model: CISModel) -> None:
        super().__init__(model)
        self.params = model.config.state
        self.paid = 0.0  # outcome payments
        self.service_fees = 0.0  # fee for service (contract.outcome_share < 1)
        self.funded = 0.0  # ordinary funding of a public service
        self.audits = 0
        self.fines = 0.0
        self.audit_ordered = False  # an audit decided outside the random schedule

    # ------------------------------------------------------------------ referrals
    def referrals(self, unseen: np.ndarray, count: int) -> np.ndarray:
        """Who the referral service sends, in its order of priority."""
        model = self.model
        c = model.config.contract
        count = min(count, unseen.size)
        if c.selection == Selection.random_referral or count == unseen.size:
            return model.rng.choice(unseen, size=count, replace=False) if count else unseen[:0]
        rule = self.params.referral_rule
        if c.selection == Selection.operator:
            rule = ReferralRule.random
        if rule == ReferralRule.need_first:
            score = model.population.admin_score[unseen]
            return unseen[np.argsort(-score, kind="stable")[:count]]
        if rule == ReferralRule.waiting_list:
            order = np.argsort(model.population.queue[unseen], kind="stable")
            return unseen[order[:count]]
        return model.rng.choice(unseen, size=count, replace=False)

    # ------------------------------------------------------------------ audits
    def audit(self, clients: np.ndarray, quality: float) -> None:
        """Maybe audit a sample of clients this month; fine any detected quality shortfall."""
        model = self.model
        c = model.config.contract
        if clients.size == 0 or c.quality_standard_hours <= 0:
            return
        ordered, self.audit_ordered = self.audit_ordered, False
        if not ordered and model.rng.random() >= audit_chance_this_month(model):
            return
        self.audits += 1
        shortfall = max(0.0, 1.0 - quality / c.quality_standard_hours)
        if shortfall <= 0 or model.rng.random() >= c.audit_detection:
            return
        fine = min(c.audit_penalty * shortfall * clients.size, model.ledger.balance("operator"))
        model.ledger.pay(model.month, "operator", "state", fine, "audit_fine")
        self.fines += fine

    def order_audit(self) -> None:
        """Audit the operator at the next month of service, whatever the schedule says."""
        self.audit_ordered = True

    # ------------------------------------------------------------------ payments
    def payment_room(self, amount: float, measured_savings: float) -> float:
        """What of `amount` fits within the max payment, budget and savings caps."""
        model = self.model
        c = model.config.contract
        room = model.config.outcome_max_payment - self.paid
        if c.cap_at_savings:
            room = min(room, c.savings_share * measured_savings - self.paid)
        room = min(room, model.ledger.balance("state"))
        return max(0.0, min(amount, room))

    def pay_outcomes(
        self, amount: float, measured_savings: float, payee: str = "operator"
    ) -> float:
        """Pay up to `amount`, within the max payment, budget and savings caps."""
        model = self.model
        paid = self.payment_room(amount, measured_savings)
        if paid > 0:
            model.ledger.pay(model.month, "state", payee, paid, "outcome_payment")
            self.paid += paid
        return paid

    def fund_service(self, cost: float) -> float:
        """Ordinary funding (`contract.kind = "public"`): pay the operator the month's cost of
        service, as far as the budget line allows — no investor advances it, no result is paid."""
        model = self.model
        paid = min(cost, model.ledger.balance("state"))
        if paid > 0:
            model.ledger.pay(model.month, "state", "operator", paid, "service_funding")
            self.funded += paid
        return paid

    def pay_service_fee(self, clients: int) -> None:
        """The fee for service (`contract.outcome_share` < 1): a fixed amount per client-month
        served, up to (1 − share) × the maximum payment over the contract."""
        model = self.model
        sc = model.config
        total = (1.0 - sc.contract.outcome_share) * sc.contract.max_payment
        if total <= 0 or clients <= 0:
            return
        planned = model.contract.planned_counted() * sc.intervention.service_months
        due = min(total / max(planned, 1.0) * clients, total - self.service_fees)
        due = min(due, model.ledger.balance("state"))
        if due > 0:
            model.ledger.pay(model.month, "state", "operator", due, "service_fee")
            self.service_fees += due

    def pay_evaluation(self, fee: float) -> None:
        model = self.model
        fee = min(fee, model.ledger.balance("state"))
        model.ledger.pay(model.month, "state", "evaluator", fee, "evaluation_fee")
