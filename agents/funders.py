"""Who finances the programme after its first contract: impact investors, philanthropy and a
national programme. Each reads published evidence only and decides by its own rule.

- Impact investors (`ImpactInvestorMarket`) reinvest while the contracts they financed gave
  their money back (track record, the first contract included), and fund a next contract when
  expected repayments on measured results cover the capital at their required return, less
  their appetite for risk.
- Philanthropy (`Philanthropy`) pays for the operator's growth when the believed savings within a
  payer's horizon, per euro of service, reach the adoption threshold.
- The national programme (`NationalProgramme`, like the French 2016 call and the 2020–21 calls)
  is open for a window, ranks applicants by the value they expect, and co-funds outcome
  payments and set-up costs of the laureates within its budget and count.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

import mesa
from cislab.agents.scale_up_beliefs import ProgrammeFacts, believe, expected_payment
from cislab.model.evidence import Evidence
from cislab.model.schema import After, Investor, Programme

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


class ImpactInvestorMarket(mesa.Agent):
    """The pool of impact investors (ledger account `impact_investors`)."""

    model: CISModel

    def __init__(self, model: CISModel, params: After, terms: Investor) -> None:
        super().__init__(model)
        self.params = params
        self.terms = terms  # the first contract's investor: required return, risk appetite
        self.invested = 0.0  # track record: money advanced to contracts that are over
        self.returned = 0.0  # and what came back
        self.committed = 0.0  # capital promised to contracts not yet over
        self.reinvested = 0.0

    def record(self, invested: float, returned: float) -> None:
        """A financed contract is over: add it to the track record."""
        self.invested += invested
        self.returned += returned

    def open(self) -> bool:
        """Satisfied investors reinvest: the contracts they financed gave their money back."""
        return self.invested > 0 and self.returned >= self.invested

    def funds(
        self, facts: ProgrammeFacts, evidence: Sequence[Evidence], people: float, capital: float
    ) -> bool:
        """Fund a contract for `people` needing `capital` when expected repayments on measured
        results cover the capital grown at the required return, less the appetite for risk."""
        if not self.open():
            return False
        if self.model.ledger.balance("impact_investors") - self.committed < capital:
            return False
        years = self.params.next_contract_years + 1.0
        need = capital * (1.0 + self.terms.required_return) ** years
        return expected_payment(facts, evidence, people) >= (1.0 - self.terms.risk_appetite) * need


class Philanthropy(mesa.Agent):
    """Foundations that pay for the operator's growth when the evidence convinces them."""

    model: CISModel

    def __init__(self, model: CISModel, params: After) -> None:
        super().__init__(model)
        self.params = params

    def grant(self, facts: ProgrammeFacts, evidence: Sequence[Evidence], need: float) -> float:
        """The grant it offers for `need` new places a year (0 when unconvinced)."""
        if need <= 0:
            return 0.0
        believed = believe(evidence, facts.credibility, facts.prudence, lambda _item: 1.0) or 0.0
        ratio = believed * facts.savings_per_event * facts.horizon_weight / facts.cost_per_person
        if ratio < self.params.adoption_threshold:
            return 0.0
        cash = self.model.ledger.balance("philanthropy")
        return max(0.0, min(need * self.params.growth_cost_per_place, cash))


class NationalProgramme(mesa.Agent):
    """A national call for projects: a window, a budget, a count of laureates, a rule."""

    model: CISModel

    def __init__(self, model: CISModel, params: Programme) -> None:
        super().__init__(model)
        self.params = params
        self.laureates = 0
        self.committed = 0.0  # outcome payments promised to laureates not yet over
        self.applicants: list[tuple[float, int, float]] = []  # (value, territory, people/year)

    def open(self, month: int) -> bool:
        n = self.params
        return (
            n.start_month >= 0
            and n.start_month <= month < n.start_month + n.open_months
            and self.laureates < n.max_contracts
        )

    def apply(self, value: float, territory: int, per_year: float) -> None:
        self.applicants.append((value, territory, per_year))

    def ranked(self, rnd: random.Random) -> list[tuple[float, int, float]]:
        """This year's applicants, best expected value first (ties in random order, drawn from
        the post-contract phase's own stream `rnd`), cleared."""
        applicants = list(self.applicants)
        rnd.shuffle(applicants)
        self.applicants = []
        return sorted(applicants, key=lambda a: -a[0])

    def selects(self, cost: float) -> bool:
        """Take a laureate whose share of payments and set-up costs is `cost`, if room."""
        room = self.model.ledger.balance("national_programme") - self.committed
        return self.laureates < self.params.max_contracts and cost <= room
