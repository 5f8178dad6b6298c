"""Beneficiaries created in bulk are the same Mesa agents as those created one by one.

`Beneficiary.create_population` skips Mesa's per-agent registration for speed; these tests hold
it to the agents, ids, registry order and removal behaviour of the ordinary path, and check that
it falls back to that path whenever something observes registrations.
"""

from __future__ import annotations

import pickle

import mesa
import numpy as np
from cislab.agents import Beneficiary
from cislab.model.cis_model import CISModel
from mesa.experimental.mesa_signals import ModelSignals


def _attrs(agents: list[Beneficiary]) -> list[tuple]:
    return [(a.unique_id, a.index, a.pos, type(a), vars(a)) for a in agents]


def test_bulk_matches_one_by_one():
    bulk_model, slow_model = mesa.Model(rng=1), mesa.Model(rng=1)
    bulk = Beneficiary.create_population(bulk_model, 500)
    slow = list(Beneficiary.create_agents(slow_model, 500, np.arange(500)))
    assert _attrs(bulk) == _attrs(slow)
    assert all(a.model is bulk_model for a in bulk)
    assert list(bulk_model.agents) == bulk
    assert list(bulk_model.agents_by_type[Beneficiary]) == bulk
    assert bulk_model.agent_id_counter == slow_model.agent_id_counter == 501


def test_agents_made_after_continue_the_ids_and_removal_deregisters():
    model = mesa.Model(rng=1)
    before = mesa.Agent(model)
    people = Beneficiary.create_population(model, 100)
    after = mesa.Agent(model)
    assert before.unique_id == 1
    assert [p.unique_id for p in people] == list(range(2, 102))
    assert after.unique_id == 102
    more = Beneficiary.create_population(model, 10)
    assert [p.unique_id for p in more] == list(range(103, 113))
    assert len(model.agents_by_type[Beneficiary]) == 110
    people[3].remove()
    assert people[3] not in model.agents
    assert len(model.agents_by_type[Beneficiary]) == 109
    assert len(model.agents) == 111


def test_model_people_are_registered_agents():
    model = CISModel(rng=2, overrides={"population.size": 300})
    people = model.agents_by_type[Beneficiary]
    assert len(people) == 300
    assert [model.beneficiary(i).index for i in range(300)] == list(range(300))
    assert [model.beneficiary(i).unique_id for i in range(300)] == list(range(1, 301))
    assert model.operator.unique_id == 301
    assert model.agents.select(agent_type=Beneficiary).get("index") == list(range(300))
    assert model.beneficiary(7).risk == float(model.population.risk[7])


def test_a_listener_gets_every_registration():
    class Listener:
        def __init__(self) -> None:
            self.seen: list[object] = []

        def hear(self, signal: object) -> None:
            self.seen.append(signal)

    model, listener = mesa.Model(rng=1), Listener()
    model.observe("agents", ModelSignals.AGENT_ADDED, listener.hear)
    people = Beneficiary.create_population(model, 20)
    assert len(listener.seen) == 20
    assert [p.unique_id for p in people] == list(range(1, 21))


def test_people_survive_a_pickle_round_trip():
    model = CISModel(rng=3, overrides={"population.size": 200})
    model.step()
    model.beneficiary(4).note = "asked about"  # an attribute beyond the slots
    copy = pickle.loads(pickle.dumps(model))
    assert copy.beneficiary(4).note == "asked about"
    assert copy.beneficiary(9).unique_id == 10
    assert copy.beneficiary(9).model is copy
    assert copy.beneficiary(9).risk == model.beneficiary(9).risk
    assert len(copy.agents_by_type[Beneficiary]) == 200
