"""Session logic without a screen: negotiation rules, turns, undo, fork, save and load."""

from __future__ import annotations

import pytest
from cislab.game import debrief, replay
from cislab.game.negotiation import Negotiation, NegotiationError
from cislab.game.savefile import SaveError
from cislab.game.session import Session, SessionError
from cislab.model.scenarios import ScenarioError


def test_negotiation_moves_are_checked():
    s = Session("default")
    neg = s.begin_negotiation()
    with pytest.raises(NegotiationError):
        neg.accept("investor")  # the State moves first
    with pytest.raises(NegotiationError, match=r"x\.y"):
        neg.propose({"contract.cohorts": 2, "x.y": 1})
    with pytest.raises(ValueError, match="allowed"):
        neg.propose({"contract.selection": "lottery"})
    neg.propose({"contract.price_per_outcome": 20000})
    with pytest.raises(NegotiationError):
        neg.counter("investor", {"contract.selection": "random_referral"})  # not negotiable
    neg.counter("investor", {"contract.price_per_outcome": 25000})
    neg.reply(False)
    assert neg.stage == "investor" and neg.terms["contract.price_per_outcome"] == 20000
    neg.counter("investor", {"contract.return_cap": 0.08})
    neg.reply(True)
    assert neg.stage == "operator" and neg.terms["contract.return_cap"] == 0.08
    assert not neg.can_counter("investor")


def test_model_investor_counters_a_price_it_would_not_fund():
    s = Session("default")
    s.set_roles(["state"])
    neg = s.begin_negotiation()
    neg.propose({"contract.price_per_outcome": 1000})
    assert not neg.would_fund(neg.terms)
    s.settle_ai_moves()  # the model's investor counters; the model's State answers
    assert neg.history[1][:2] == ("investor", "counter")
    assert neg.done or neg.actor == "state"


def test_turns_undo_fork_save_load(tmp_path):
    s = Session("default", seed=2)
    s.set_roles(["operator"])
    s.begin_negotiation()
    s.settle_ai_moves()
    s.start()
    s.decide("operator", {"targeting": "hardest_first"})
    s.run_turn()
    s.run_turn()
    assert s.model.month == 6 and s.can_undo
    s.fork()
    s.run_turn()
    s.undo()
    assert s.model.month == 6
    s.run_turn()
    assert s.return_to_fork() == 6 and s.model.month == 6
    assert s.model.operator.targeting == "hardest_first"
    with pytest.raises(SessionError):
        s.decide("state", {"audit_rate": 1.0})
    path = replay.save(s, tmp_path / "a.json")
    loaded = replay.load(path)
    assert loaded.model.month == 6 and loaded.humans == ["operator"]
    while not loaded.finished:
        loaded.run_turn()
    assert debrief.scores(loaded.result())["impact"] is not None


def test_bad_session_files_are_refused(tmp_path):
    with pytest.raises(SaveError, match="No save file"):
        replay.load(tmp_path / "missing.json")
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"not a save")
    with pytest.raises(SaveError, match="not a CIS Lab save"):
        replay.load(junk)
    with pytest.raises(SessionError):
        Session("default").set_roles(["king"])
    with pytest.raises(ScenarioError):
        Session("no_such_case")


def test_same_seed_same_events():
    def events(seed):
        s = Session("default", seed=seed)
        s.begin_negotiation()
        s.settle_ai_moves()
        s.start()
        while not s.finished:
            s.run_turn()
        return s.events_seen

    assert events(3) == events(3)


def test_unsigned_contract_ends_at_once():
    s = Session("default")
    neg = s.begin_negotiation()
    neg.terms["contract.price_per_outcome"] = 1000.0
    neg.stage = "done"
    s.start()
    assert not s.live and not s.model.signed


def test_negotiation_standalone_ai_run():
    neg = Negotiation("peterborough", 0, Session("peterborough").terms)
    while not neg.done:
        neg.ai_move()
    assert [h[0] for h in neg.history][:1] == ["state"]


def test_explore_engine_reruns_several_seeds_quickly():
    import time

    from cislab.game.whatif import WhatIf

    whatif = WhatIf("default")
    base = whatif.evaluate({})
    start = time.perf_counter()
    random = whatif.evaluate({"contract.selection": "random_referral"})
    seconds = time.perf_counter() - start
    assert seconds < 3.0  # about a second on this 2-core machine; margin for a loaded CI
    assert random["creaming_index"][0] < base["creaming_index"][0] - 0.05
    assert whatif.evaluate({"contract.selection": "random_referral"}) is random  # cached
