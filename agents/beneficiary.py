"""A beneficiary: one person of the eligible population, as a light view onto shared arrays.

Why a view: the population's monthly rules run over numpy arrays owned by the model (see
`model.population`); the Mesa agent keeps identity for the network, the game's inspector and
analysis, and reads and writes through those arrays so both always agree.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import mesa
import numpy as np
from mesa.agentset import _HardKeyAgentSet

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


class Beneficiary(mesa.Agent):
    """Person `index` of `model.population`."""

    # Slots, not a per-agent dict: a person is four fields, and 100,000 of them take 16 MiB
    # and half the time to create instead of 37 MiB (other attributes still go to a dict).
    __slots__ = ("index", "model", "pos", "unique_id")
    model: CISModel

    def __init__(self, model: CISModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    def __reduce__(self) -> tuple:
        # The four fields as arguments: pickling slots the generic way is slower, and the game
        # pickles the whole model every turn.
        extra = self.__dict__ or None
        return (_rebuild, (type(self), self.model, self.unique_id, self.index, self.pos, extra))

    @classmethod
    def create_population(cls, model: CISModel, n: int) -> list[Beneficiary]:
        """Persons 0..n-1 as Mesa agents, registered in bulk; the same agents as `n` calls of
        `Beneficiary(model, i)` (ids from the model's counter, in index order, in
        `model.agents` and `model.agents_by_type[Beneficiary]`).

        Why in bulk: `Agent.__init__` registers one agent at a time through a signal-emitting
        wrapper, about 5 µs a person, so 100,000 people cost over half a second before the
        first month. Here each agent gets exactly the attributes `Agent.__init__` would give it
        (model, unique_id, pos) plus its index, and the registry's dictionaries are extended
        once. Anything that could observe a registration one by one — a subscriber to the
        model's agent signals, a batch of signals, a data registry tracking the class, an
        overridden `register_agent` — takes the ordinary path instead.
        """
        if not _bulk_safe(cls, model):
            return list(cls.create_agents(model, n, np.arange(n)))
        first = model.agent_id_counter
        new = object.__new__
        collecting = gc.isenabled()
        gc.disable()  # 100,000 new objects would trigger many full passes over older ones
        try:
            agents = [new(cls) for _ in range(n)]
            for index, agent in enumerate(agents):
                agent.model = model
                agent.unique_id = first + index
                agent.pos = None
                agent.index = index
        finally:
            if collecting:
                gc.enable()
        model.agent_id_counter = first + n
        model._all_agents._agents.update(dict.fromkeys(agents))
        by_type = model._agents_by_type
        if cls in by_type:
            by_type[cls]._agents.update(dict.fromkeys(agents))
        else:
            by_type[cls] = _HardKeyAgentSet(agents, random=model.random)
        return agents

    @property
    def risk(self) -> float:
        """Untreated probability of the adverse outcome in the measurement window."""
        return float(self.model.population.risk[self.index])

    @property
    def admin_score(self) -> float:
        return float(self.model.population.admin_score[self.index])

    @property
    def status(self) -> str:
        from cislab.model.population import Status

        return Status(int(self.model.population.status[self.index])).name

    @property
    def enrolled(self) -> bool:
        return bool(self.model.population.enrol_month[self.index] >= 0)

    @property
    def service_hours(self) -> float:
        return float(self.model.population.hours_metric[self.index])

    @property
    def quality_hours(self) -> float:
        return float(self.model.population.hours_quality[self.index])

    @property
    def wellbeing(self) -> float:
        return float(self.model.population.wellbeing[self.index])

    @property
    def peers(self) -> list[int]:
        """Population indices of this person's social ties."""
        adj = self.model.population.adjacency
        return adj.indices[adj.indptr[self.index] : adj.indptr[self.index + 1]].tolist()

    def describe(self) -> dict[str, object]:
        """Everything the game's inspector shows about this person."""
        pop = self.model.population
        i = self.index
        return {
            "index": i,
            "risk": self.risk,
            "admin_score": self.admin_score,
            "status": self.status,
            "cohort": int(pop.cohort[i]),
            "service_hours": self.service_hours,
            "quality_hours": self.quality_hours,
            "wellbeing": self.wellbeing,
            "complaints": int(pop.complaints[i]),
            "y_treated": float(pop.y_treated[i]),
            "y_untreated": float(pop.y_untreated[i]),
        }


def _bulk_safe(cls: type[Beneficiary], model: mesa.Model) -> bool:
    """Whether bulk registration is indistinguishable from registering one by one: Mesa's own
    `register_agent` and `Agent.__init__`, plain registry sets, and nobody listening."""
    return (
        type(model).register_agent is mesa.Model.register_agent
        and cls.__init__ is Beneficiary.__init__
        and not cls._datasets
        and type(getattr(model, "_all_agents", None)) is _HardKeyAgentSet
        and all(type(s) is _HardKeyAgentSet for s in getattr(model, "_agents_by_type", {}).values())
        and getattr(model, "_batch_context", None) is None
        and not any(key[0] == "agents" for key in getattr(model, "subscribers", {}))
    )


def _rebuild(
    cls: type[Beneficiary],
    model: mesa.Model,
    unique_id: int,
    index: int,
    pos: object,
    extra: dict[str, object] | None,
) -> Beneficiary:
    """A pickled person again (the registry is restored with the model's own state)."""
    agent = object.__new__(cls)
    agent.model, agent.unique_id, agent.index, agent.pos = model, unique_id, index, pos
    if extra:
        agent.__dict__.update(extra)
    return agent
