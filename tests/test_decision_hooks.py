"""Hooks through which a person (the teaching game) takes an agent's decision in its place.

Each hook must leave the model's own behaviour unchanged when unused, and change what the model
computes — never compute an outcome itself — when used.
"""

from __future__ import annotations

import copy

import numpy as np
from cislab.model.api import build, collect
from cislab.model.population import Status


def run_months(model, months):
    for _ in range(months):
        model.step()
    return model


def test_unused_hooks_leave_runs_identical():
    a = collect(build("default", seed=4).run()).summary
    b = collect(build("default", seed=4).run()).summary
    assert a == b


def test_operator_targeting_rule_changes_who_is_enrolled():
    easy = build("default", seed=1)
    hard = build("default", seed=1)
    easy.operator.targeting = "easiest_first"
    hard.operator.targeting = "hardest_first"
    run_months(easy, 12)
    run_months(hard, 12)
    risk_easy = easy.population.risk[easy.population.enrol_month >= 0].mean()
    risk_hard = hard.population.risk[hard.population.enrol_month >= 0].mean()
    assert risk_hard > risk_easy + 0.1


def test_operator_rank_by_rule_rejects_unknown_rule():
    model = build("default", seed=1)
    try:
        model.operator.rank_by_rule(np.arange(5), "sideways")
    except ValueError as exc:
        assert "sideways" in str(exc)
    else:
        raise AssertionError("unknown rule accepted")


def test_operator_quality_target_sets_quality_hours():
    model = build("default", seed=2)
    model.operator.quality_target = 0.0
    run_months(model, 6)
    assert model.operator.quality_per_client == 0.0
    assert collect(model).summary["gaming_index"] == 1.0


def test_investor_pressure_target_and_exit():
    model = build("default", seed=3)
    model.investor.pressure_target = 1.0
    run_months(model, 30)
    assert model.operator.pressure > 0.9
    model.investor.exit_now()
    assert model.terminated == "investor_exit" and not model.investor.funding
    assert model.investor.exit_month == model.month


def test_investor_hold_tranches_stops_disbursements():
    model = build("default", seed=3)
    model.investor.hold_tranches = True
    before = len(model.investor.disbursed)
    run_months(model, 4)
    assert len(model.investor.disbursed) == before


def test_state_ordered_audit_happens_next_month_of_service():
    model = build("default", seed=5, overrides={"contract.audit_rate": 0.0})
    run_months(model, 2)
    assert model.state.audits == 0
    model.state.order_audit()
    model.step()
    assert model.state.audits == 1 and not model.state.audit_ordered


def test_added_shock_raises_untreated_risk_and_is_copied():
    model = build("default", seed=6)
    run_months(model, 3)
    before = model.context_shift(model.month)
    model.add_shock(0.4)
    assert model.context_shift(model.month) == before + 0.4
    assert model.context_shift(model.month - 1) == before
    fork = copy.deepcopy(model)
    assert fork.shocks == model.shocks


def test_sign_makes_an_unfunded_contract_live():
    model = build("default", seed=0, overrides={"contract.price_per_outcome": 100.0})
    assert not model.signed
    model.sign()
    assert model.signed and model.investor.disbursed
    run_months(model, 3)
    assert (model.population.status == Status.enrolled).any()
