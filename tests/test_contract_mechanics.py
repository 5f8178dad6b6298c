"""Contract mechanics the real cases need, each a general lever: weighted metrics, horizons with
decaying outcomes, guarantees, policy-change termination, success-rate triggers."""

from __future__ import annotations

import numpy as np
import pytest
from cislab.model.api import build, run
from cislab.model.observables import ObservableError, observe
from cislab.model.scenarios import ScenarioError, load_scenario

TWO_METRICS = {
    "contract.metrics": [
        {"name": "work", "weight": 0.5},
        {"name": "training", "weight": 0.5, "baseline_rate": 0.4, "evaluation": "pre_post"},
    ],
}


def test_weighted_metrics_are_measured_and_paid_by_weight():
    result = run("default", seed=2, overrides=TWO_METRICS)
    cohorts = result.cohorts
    assert set(cohorts["metric"]) == {"work", "training"}
    assert set(cohorts["weight"]) == {0.5}
    assert {"work_measured_effect", "training_success_rate"} <= set(result.summary)
    paid = cohorts["paid"].sum()
    assert paid == pytest.approx(result.summary["outcome_payments"])
    price = result.model.config.contract.price_per_outcome
    for row in cohorts.itertuples():
        if row.paid > 0:
            assert row.paid <= price * row.weight * row.priced_outcomes + 1e-6


def test_each_metric_keeps_its_own_untreated_rate():
    model = build("default", seed=1, overrides=TWO_METRICS)
    idx = np.arange(model.population.size)
    assert model.metric_risk(0, idx).mean() == pytest.approx(0.6, abs=0.02)
    assert model.metric_risk(1, idx).mean() == pytest.approx(0.4, abs=0.03)
    # people keep their rank of risk on every metric
    order0 = np.argsort(model.metric_risk(0, idx))
    assert (np.diff(model.metric_risk(1, idx)[order0]) >= -1e-12).all()


def test_outcomes_decay_with_the_horizon_and_follow_up_slows_it():
    horizons = {
        "intervention.relapse_rate": 0.15,
        "contract.measurement_months": 6,
        "contract.metrics": [
            {"name": "exit", "horizon_months": 0},
            {"name": "month3", "horizon_months": 3, "weight": 0.0},
            {"name": "month6", "horizon_months": 6, "weight": 0.0},
        ],
    }
    followed = {
        **horizons,
        "intervention.follow_up_months": 6,
        "intervention.follow_up_effect": 0.5,
    }
    plain = [run("default", seed=s, overrides=horizons).summary for s in range(3)]
    helped = [run("default", seed=s, overrides=followed).summary for s in range(3)]
    for s in plain:
        assert s["exit_success_rate"] > s["month3_success_rate"] > s["month6_success_rate"]
    assert (
        np.mean([s["month6_success_rate"] for s in helped])
        > np.mean([s["month6_success_rate"] for s in plain]) + 0.03
    )


def test_metric_horizon_cannot_outlast_the_measurement():
    with pytest.raises(ScenarioError, match="horizon 12 months is after the measurement"):
        load_scenario("default", {"contract.metrics": [{"name": "late", "horizon_months": 12}]})
    with pytest.raises(ScenarioError, match="names must be unique"):
        load_scenario("default", {"contract.metrics": [{"name": "a"}, {"name": "a"}]})


def test_guarantee_covers_its_share_of_the_loss():
    overrides = {
        "intervention.effect": 0.0,
        "contract.evaluation": "rct",
        "investor.guarantee_amount": 400_000.0,
        "investor.guarantee_share": 0.5,
    }
    for seed in range(4):
        result = run("default", seed=seed, overrides=overrides)
        ledger = result.model.ledger
        invested = ledger.total(payer="investor")
        repaid = ledger.total(payer="operator", payee="investor")
        cover = ledger.total(reason="guarantee_payment")
        assert cover == pytest.approx(min(400_000.0, 0.5 * max(invested - repaid, 0.0)))
        assert result.summary["ledger_imbalance"] < 1e-6


def test_policy_change_ends_enrolment():
    result = run("default", seed=0, overrides={"context.policy_change_month": 10})
    model = result.model
    assert model.terminated == "policy_change"
    assert model.termination_month == 10
    assert (model.population.enrol_month < 10).all()
    assert (model.population.enrol_month[model.population.enrol_month >= 0] >= 0).all()


def test_success_rate_trigger_pays_only_above_the_share():
    strict = {
        "contract.threshold_kind": "success_rate",
        "contract.threshold": 0.95,
        "contract.selection": "random_referral",
    }
    loose = {**strict, "contract.threshold": 0.2}
    assert run("default", seed=0, overrides=strict).summary["outcome_payments"] == 0
    assert run("default", seed=0, overrides=loose).summary["outcome_payments"] > 0


def test_observables_name_their_errors():
    result = run("default", seed=0)
    model = result.model
    assert observe(model, "relative_change") < 0  # fewer adverse outcomes than matched peers
    assert observe(model, "investor_irr") == pytest.approx(result.summary["investor_irr"])
    assert observe(model, "primary_success_rate") == pytest.approx(
        result.summary["primary_success_rate"]
    )
    with pytest.raises(ObservableError, match="unknown observable 'nonsense'"):
        observe(model, "nonsense")
    with pytest.raises(ObservableError, match="unknown metric 'learning'"):
        observe(model, "success_rate:learning")
    with pytest.raises(ObservableError, match="has no target"):
        observe(model, "target_ratio:primary")
