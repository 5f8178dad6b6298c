"""Contract negotiation: the State proposes, the Investor then the Operator accept or counter.

A counter may change only the negotiable terms (price, return cap, threshold) and goes back to the
State, which accepts it or keeps its own terms. A human plays a role by calling the moves; the
model plays the rest through `ai_move`, whose answers come from the model itself (a trial build
tells whether the model's investor would fund) or from the scenario (the State will not pay more
per outcome than the public cost it avoids).
"""

from __future__ import annotations

from typing import Any

from cislab.game.levers import CONTRACT_LEVERS, Lever, levers_for, overrides, values_from
from cislab.model.api import build
from cislab.model.scenarios import ScenarioError, load_scenario
from cislab.model.schema import Scenario

PARTIES = ("investor", "operator")
MAX_COUNTERS = 2
PRICE_STEPS = (1.1, 1.2, 1.35, 1.5)
NEGOTIABLE = tuple(lv.path for lv in CONTRACT_LEVERS if lv.negotiable)


class NegotiationError(ValueError):
    """A move made out of turn or with terms outside the levers' ranges."""


class Negotiation:
    def __init__(self, scenario: str | Scenario, seed: int, terms: dict[str, Any]) -> None:
        self.scenario = scenario
        self.seed = seed
        config = load_scenario(scenario)
        self.levers = levers_for(config, CONTRACT_LEVERS)  # the case's own ranges and steps
        self.own = values_from(config, CONTRACT_LEVERS)  # the case's terms: no override needed
        self.base = dict(terms)
        self.terms = dict(terms)
        self.stage = "state"  # state, investor, operator, state_reply, done
        self.pending: dict[str, Any] | None = None
        self.pending_from: str | None = None
        self.counters = dict.fromkeys(PARTIES, 0)
        self.history: list[tuple[str, str, dict[str, Any]]] = []

    @classmethod
    def concluded(
        cls,
        scenario: str | Scenario,
        seed: int,
        terms: dict[str, Any],
        history: list[tuple[str, str, dict[str, Any]]],
    ) -> Negotiation:
        """A negotiation already over on `terms` (a restored save: its moves are kept to show)."""
        neg = cls(scenario, seed, terms)
        neg.history = [(role, move, dict(changes)) for role, move, changes in history]
        neg.stage = "done"
        return neg

    def lever(self, path: str) -> Lever:
        return self.levers[path]

    def overrides(self, terms: dict[str, Any]) -> dict[str, Any]:
        """Scenario overrides for the terms that differ from the case's own (none untouched)."""
        return overrides(terms, self.own)

    @property
    def shown(self) -> dict[str, Any]:
        """The terms on the table: the agreed ones, with a counter-offer awaiting its answer."""
        return {**self.terms, **(self.pending or {})}

    # ------------------------------------------------------------------ moves
    def _expect(self, stage: str) -> None:
        if self.stage != stage:
            raise NegotiationError(f"it is the {self.stage}'s move, not the {stage}'s")

    def propose(self, terms: dict[str, Any]) -> None:
        self._expect("state")
        unknown = sorted(set(terms) - set(self.terms))
        if unknown:
            raise NegotiationError(f"not a contract lever: {', '.join(unknown)}")
        clean = {p: self.lever(p).clamp(v) for p, v in terms.items()}
        load_scenario(self.scenario, self.overrides({**self.terms, **clean}))  # or ScenarioError
        self.terms.update(clean)
        self.history.append(("state", "propose", dict(clean)))
        self.stage = "investor"

    def accept(self, role: str) -> None:
        self._expect(role)
        self.history.append((role, "accept", {}))
        self._next_after(role)

    def can_counter(self, role: str) -> bool:
        return self.stage == role and self.counters[role] < MAX_COUNTERS

    def counter(self, role: str, changes: dict[str, Any]) -> None:
        self._expect(role)
        if not self.can_counter(role):
            raise NegotiationError(f"the {role} has no counter-offer left")
        bad = sorted(set(changes) - set(NEGOTIABLE))
        if bad:
            raise NegotiationError(f"not negotiable: {', '.join(bad)}")
        clean = {p: self.lever(p).clamp(v) for p, v in changes.items()}
        self.counters[role] += 1
        self.pending, self.pending_from = clean, role
        self.history.append((role, "counter", dict(clean)))
        self.stage = "state_reply"

    def reply(self, accept: bool) -> None:
        self._expect("state_reply")
        role = self.pending_from or "investor"
        if accept and self.pending:
            self.terms.update(self.pending)
        self.history.append(("state", "accept_counter" if accept else "reject_counter", {}))
        self.pending, self.pending_from = None, None
        if accept:
            self._next_after(role)
        else:
            self.stage = role

    def _next_after(self, role: str) -> None:
        order = ["investor", "operator", "done"]
        self.stage = order[order.index(role) + 1]

    @property
    def done(self) -> bool:
        return self.stage == "done"

    @property
    def actor(self) -> str:
        """The role whose move it is (the State also answers counters)."""
        return "state" if self.stage == "state_reply" else self.stage

    # ------------------------------------------------------------------ the model's moves
    def would_fund(self, terms: dict[str, Any]) -> bool:
        """Would the model's investor fund these terms? (its own decision rule, on a trial build)"""
        try:
            return build(self.scenario, seed=self.seed, overrides=self.overrides(terms)).signed
        except ScenarioError:
            return False

    def ai_move(self) -> None:
        """Play the current stage as the model's agent would."""
        if self.stage == "state":
            self.propose({})
        elif self.stage == "investor":
            if self.would_fund(self.terms) or not self.can_counter("investor"):
                self.accept("investor")
            else:
                self.counter("investor", self._investor_counter())
        elif self.stage == "operator":
            self.accept("operator")  # the model's operator has no rule for refusing a contract
        elif self.stage == "state_reply":
            self.reply(self._state_accepts(self.pending or {}))

    def _investor_counter(self) -> dict[str, Any]:
        price = self.lever("contract.price_per_outcome")
        base = float(self.terms["contract.price_per_outcome"])
        for factor in PRICE_STEPS:
            offer = {"contract.price_per_outcome": price.clamp(base * factor)}
            if self.would_fund({**self.terms, **offer}):
                return offer
        return {"contract.price_per_outcome": price.clamp(base * PRICE_STEPS[-1])}

    def _state_accepts(self, changes: dict[str, Any]) -> bool:
        """The State pays no more per outcome than the public cost an outcome avoids."""
        config = load_scenario(self.scenario)
        price = changes.get("contract.price_per_outcome", self.terms["contract.price_per_outcome"])
        return float(price) <= config.state.cost_per_event
