"""A territory's State (e.g. a département) after — or beside — the contract.

Each year, at its budget review, a State looks at the evidence it holds and decides whether to
fund the programme from its ordinary budget ("droit commun"), to try it first through an
outcome-based contract of its own, to drop it, or to wait. It reads only what a State can see:
published measured effects, the method that produced them, their sample size; the savings an
avoided adverse event brings; its budget; its political horizon; and which of its neighbours
adopted on what evidence. The true effect is never read here — so inflated evidence can spread.

- Belief: each published result counts `credibility(method) × (measured − prudence × se)`,
  discounted by `transfer` when it comes from another territory; results are pooled by
  credibility × people.
- Adoption: believed savings within the political horizon over cost per person served, raised by
  imitation of neighbours that adopted on credible evidence, must reach `adoption_threshold`
  and the budget must pay for at least one caseworker's yearly caseload.
- Contracting: the expected value of paying only for measured results — believed savings minus
  expected payments and transaction costs (a national programme may carry part of both).
- Exit: an adopted programme whose ratio falls below `exit_threshold` is dropped (failures stop).
- Design: a State that contracts chooses its contract's terms from what it has seen
  (`agents/payer_design.py`).

The State decides; the world carries its decision out (it returns an `Intent`), so no method of
the world is called from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cislab.agents.payer_design import Design, design_next
from cislab.agents.scale_up_beliefs import (
    ProgrammeFacts,
    believe,
    expected_payment,
    transaction_cost,
)
from cislab.model.evidence import Evidence
from cislab.model.schema import After, Selection
from mesa.discrete_space import Cell, FixedAgent

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


class Stage(StrEnum):
    idle = "idle"  # no programme here (never had it, or dropped it)
    structuring = "structuring"  # preparing an outcome-based contract (lead time)
    contract = "contract"  # running an outcome-based contract
    adopted = "adopted"  # funds the programme from its ordinary budget


@dataclass(frozen=True)
class Intent:
    """What a State decided at its review, for the world to carry out."""

    kind: str  # adopt | drop | contract
    per_year: float  # people a year it wants served (adopt) or would like to (contract)
    evidence: tuple[Evidence, ...]


class Territory(FixedAgent):
    """One State on the territory graph; index 0 is the contract's own territory."""

    model: CISModel

    def __init__(
        self,
        model: CISModel,
        cell: Cell,
        index: int,
        region: int,
        eligible_per_year: float,
        budget_per_year: float,
        context: float,
        params: After,
    ) -> None:
        super().__init__(model)
        self.cell = cell
        self.index = index
        self.region = region
        self.eligible_per_year = eligible_per_year
        self.budget_per_year = budget_per_year
        self.context = context  # multiplies the true effect here; never seen by the State
        self.params = params
        self.stage = Stage.idle
        self.practices = 0.0
        self.people_per_year = 0.0  # funded under ordinary budget while adopted
        self.committed = 0.0  # euros a year already promised (adoption, contracts)
        self.adopted_month: int | None = None
        self.dropped_month: int | None = None
        self.start_month: int | None = None  # first month of adopted service
        self.reached = index == 0
        self.contracts = 0
        self.transaction_costs = 0.0
        self.served = 0.0
        self.known: set[int] = set()  # ids of published results this State has heard of

    @property
    def account(self) -> str:
        return f"territory:{self.index}"

    def neighbours(self) -> list[Territory]:
        return sorted(self.cell.neighborhood.agents, key=lambda t: t.index)

    # ------------------------------------------------------------------ beliefs
    def weight(self, item: Evidence) -> float:
        """How much this State trusts a published result relative to its own evidence."""
        return 1.0 if item.source == self.index else self.params.transfer

    def believed_effect(self, facts: ProgrammeFacts, evidence: Sequence[Evidence]) -> float | None:
        """Effect per person served this State believes, from the evidence it holds."""
        return believe(evidence, facts.credibility, facts.prudence, self.weight)

    def peer_signal(self, facts: ProgrammeFacts) -> float:
        """Credibility-weighted share of neighbours funding the programme from their budget since
        an earlier review."""
        peers = self.neighbours()
        if not peers:
            return 0.0
        month = self.model.month
        adopted = sum(
            t.stage == Stage.adopted and t.adopted_month is not None and t.adopted_month < month
            for t in peers
        )
        return facts.credibility[facts.method] * adopted / len(peers)

    def adoption_ratio(self, facts: ProgrammeFacts, evidence: Sequence[Evidence]) -> float | None:
        """Believed savings within the political horizon per euro, with imitation of peers."""
        believed = self.believed_effect(facts, evidence)
        if believed is None:
            return None
        value = believed * facts.savings_per_event * facts.horizon_weight
        boost = 1.0 + self.params.imitation * self.peer_signal(facts)
        return value / facts.cost_per_person * boost

    def free_budget(self) -> float:
        return max(0.0, self.budget_per_year - self.committed)

    def transaction_cost(self, facts: ProgrammeFacts) -> float:
        return transaction_cost(facts, self.practices)

    def contract_value(
        self,
        facts: ProgrammeFacts,
        evidence: Sequence[Evidence],
        people: float,
        outcome_share: float,
        cost_share: float,
    ) -> float:
        """Expected net value of an outcome-based contract for `people` served in all, when a
        national programme pays `outcome_share` of payments and `cost_share` of set-up costs."""
        believed = self.believed_effect(facts, evidence) or 0.0
        savings = believed * people * facts.savings_per_event * facts.horizon_weight
        payments = expected_payment(facts, evidence, people)
        cost = self.transaction_cost(facts)
        return savings - (1.0 - outcome_share) * payments - (1.0 - cost_share) * cost

    # ------------------------------------------------------------------ decisions
    def review(self, facts: ProgrammeFacts, evidence: Sequence[Evidence]) -> Intent | None:
        """The yearly budget review: adopt, try a contract, drop or wait."""
        ratio = self.adoption_ratio(facts, evidence)
        if ratio is None or self.stage == Stage.structuring:
            return None
        p = self.params
        held = tuple(evidence)
        if self.stage == Stage.adopted:
            return Intent("drop", 0.0, held) if ratio < p.exit_threshold else None
        wanted = p.take_up * self.eligible_per_year
        affordable = min(wanted, self.free_budget() / facts.cost_per_person)
        if ratio >= p.adoption_threshold and affordable >= facts.min_people_per_year:
            return Intent("adopt", affordable, held)  # may come before its contract's results
        if self.stage == Stage.idle:
            return Intent("contract", wanted, held)
        return None

    def design(
        self,
        facts: ProgrammeFacts,
        evidence: Sequence[Evidence],
        people: float,
        first_selection: Selection,
        required_credibility: float,
        first_weights: tuple[float, ...] | None,
        fading: float | None,
    ) -> Design:
        """The terms of its next contract, chosen from what it has seen."""
        room = self.free_budget() * self.params.next_contract_years
        return design_next(
            first_selection,
            evidence,
            facts,
            people,
            room,
            required_credibility,
            first_weights,
            fading,
        )
