"""The first contract's operator as an organisation after the contract: how far and how fast it
grows, and what growth does to the quality of its service.

Why an agent of its own: whether a programme can take a new contract or an adoption is the
operator's call, and growing faster than it can train staff lowers fidelity — the
main risk of scale-up the literature names (FAIR 2021). Each year it grows towards the places it
is asked for, at a capped pace; growth above a safe pace costs fidelity in proportion to the
excess; fidelity recovers part of its gap each year; unfunded places are let go. A place it
cannot reach in time goes to another organisation replicating the programme
(`replicator_fidelity`), so no territory is refused for the first operator's size alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
from cislab.model.schema import After

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


class OperatorGrowth(mesa.Agent):
    """Capacity (places a year) and fidelity (share of the first contract's effectiveness)."""

    model: CISModel

    def __init__(self, model: CISModel, params: After, base_capacity: float) -> None:
        super().__init__(model)
        self.params = params
        self.base_capacity = base_capacity  # places a year of the first contract
        self.capacity = base_capacity if model.contract.signed else 0.0
        self.peak_capacity = self.capacity
        self.fidelity = 1.0
        self.lowest_fidelity = 1.0
        self.stopped_month: int | None = None
        self.grants = 0.0

    def reachable(self, months_ahead: float) -> float:
        """Places a year it can have in `months_ahead` months, growing at its fastest."""
        scale = max(self.capacity, self.base_capacity)
        return scale * (1.0 + self.params.max_growth) ** (max(months_ahead, 0.0) / 12.0)

    def accepts(self, demand_then: float, per_year: float, months_ahead: float) -> bool:
        """Take a contract or an adoption only if the places promised by its start, this one
        included, fit what it can reach by then."""
        return demand_then + per_year <= self.reachable(months_ahead)

    def grow(self, month: int, demand: float, committed_later: bool, grant: float) -> None:
        """Grow towards `demand` places a year (the most funded in the next twelve months),
        paying growth from its cash (a philanthropic `grant` has just been received)."""
        ledger = self.model.ledger
        p = self.params
        self.grants += grant
        self.fidelity += p.quality_recovery * (1.0 - self.fidelity)
        need = demand - self.capacity
        if need <= 0:  # unfunded places are let go; a core team stays while work is promised
            core = self.base_capacity if committed_later else 0.0
            self.capacity = max(demand, min(core, self.capacity))
        else:
            scale = max(self.capacity, self.base_capacity)
            cost = p.growth_cost_per_place
            funds = ledger.balance("operator") / cost if cost > 0 else need
            added = max(0.0, min(need, p.max_growth * scale, funds))
            ledger.pay(month, "operator", "economy", added * cost, "growth_costs")
            excess = added / scale - p.safe_growth
            if excess > 0:
                self.fidelity *= max(0.0, 1.0 - p.quality_loss * excess)
            self.capacity += added
            self.lowest_fidelity = min(self.lowest_fidelity, self.fidelity)
        self.peak_capacity = max(self.peak_capacity, self.capacity)
        if self.capacity <= 0 and self.stopped_month is None:
            self.stopped_month = month
