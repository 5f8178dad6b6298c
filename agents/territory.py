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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from mesa.discrete_space import Cell, FixedAgent
from scipy.stats import norm

if TYPE_CHECKING:
    from cislab.model.after_contract import AfterContract, Evidence
    from cislab.model.cis_model import CISModel
    from cislab.model.schema import Evaluation


class Stage(StrEnum):
    idle = "idle"  # no programme here (never had it, or dropped it)
    structuring = "structuring"  # preparing an outcome-based contract (lead time)
    contract = "contract"  # running an outcome-based contract
    adopted = "adopted"  # funds the programme from its ordinary budget


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
    ) -> None:
        super().__init__(model)
        self.cell = cell
        self.index = index
        self.region = region
        self.eligible_per_year = eligible_per_year
        self.budget_per_year = budget_per_year
        self.context = context  # multiplies the true effect here; never seen by the State
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

    @property
    def phase(self) -> AfterContract:
        after = self.model.after
        assert after is not None
        return after

    def neighbours(self) -> list[Territory]:
        return sorted(self.cell.neighborhood.agents, key=lambda t: t.index)

    # ------------------------------------------------------------------ beliefs
    def weight(self, item: Evidence) -> float:
        """How much this State trusts a published result relative to its own evidence."""
        return 1.0 if item.source == self.index else self.phase.params.transfer

    def believed_effect(self, evidence: list[Evidence]) -> float | None:
        """Effect per person served this State believes, from the evidence it holds."""
        phase = self.phase
        return believe(evidence, phase.credibility, phase.params.prudence, self.weight)

    def peer_signal(self) -> float:
        """Credibility-weighted share of neighbours funding the programme from their budget since
        an earlier review (every result of a run comes from the same evaluation method)."""
        peers = self.neighbours()
        if not peers:
            return 0.0
        month = self.model.month
        adopted = sum(
            t.stage == Stage.adopted and t.adopted_month is not None and t.adopted_month < month
            for t in peers
        )
        return self.phase.credibility[self.phase.method] * adopted / len(peers)

    def adoption_ratio(self, evidence: list[Evidence]) -> float | None:
        """Believed savings within the political horizon per euro, with imitation of peers."""
        believed = self.believed_effect(evidence)
        if believed is None:
            return None
        phase = self.phase
        value = believed * phase.savings_per_event * phase.horizon_weight
        boost = 1.0 + phase.params.imitation * self.peer_signal()
        return value / phase.cost_per_person * boost

    def free_budget(self) -> float:
        return max(0.0, self.budget_per_year - self.committed)

    def contract_value(
        self, evidence: list[Evidence], people: float, outcome_share: float, cost_share: float
    ) -> float:
        """Expected net value of an outcome-based contract for `people` served in all, when a
        national programme pays `outcome_share` of payments and `cost_share` of set-up costs."""
        phase = self.phase
        believed = self.believed_effect(evidence) or 0.0
        savings = believed * people * phase.savings_per_event * phase.horizon_weight
        payments = phase.expected_payment(evidence, people)
        cost = phase.transaction_cost(self)
        return savings - (1.0 - outcome_share) * payments - (1.0 - cost_share) * cost

    # ------------------------------------------------------------------ decisions
    def review(self) -> None:
        """The yearly budget review: adopt, contract, drop or wait."""
        phase = self.phase
        evidence = phase.held(self)
        ratio = self.adoption_ratio(evidence)
        if ratio is None or self.stage == Stage.structuring:
            return
        p = phase.params
        if self.stage == Stage.adopted:
            if ratio < p.exit_threshold:
                phase.drop(self)
            return
        wanted = p.take_up * self.eligible_per_year
        affordable = min(wanted, self.free_budget() / phase.cost_per_person)
        if ratio >= p.adoption_threshold and affordable >= phase.min_people_per_year:
            phase.adopt(self, affordable, evidence)  # may come before its contract's results
        elif self.stage == Stage.idle:
            phase.consider_contract(self, evidence, wanted)


def believe(
    evidence: list[Evidence],
    credibility: dict[Evaluation, float],
    prudence: float,
    weight: Callable[[Evidence], float],
) -> float | None:
    """Believed effect per person: each result counts credibility × weight × (measured −
    prudence × se), pooled by credibility × weight × people; `weight(item)` is the trust in
    where the result comes from (1 for one's own territory). None without evidence."""
    num = den = 0.0
    for item in evidence:
        c, w = credibility[item.method], weight(item)
        share = c * w * item.people
        num += share * c * w * (item.effect - prudence * item.se)
        den += share
    return num / den if den > 0 else None


def pass_probability(effect: float, se: float, threshold: float) -> float:
    """Chance a measured effect around `effect` with standard error `se` reaches `threshold`."""
    if se <= 0:
        return 1.0 if effect >= threshold else 0.0
    return float(norm.cdf((effect - threshold) / se))


def discount(months: float, horizon_months: float) -> float:
    """Weight a State puts on savings arriving `months` ahead, given its political horizon."""
    return math.exp(-months / max(horizon_months, 1e-9))
