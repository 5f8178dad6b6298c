"""The INDIGO importer maps several metrics, guarantees and caps where a record has them
(issue 12): before, every record became one composite metric and guarantees were ignored."""

from __future__ import annotations

from cislab.importers.indigo import import_project, load_dataset
from cislab.model.api import run
from cislab.model.schema import Scenario


def _scenario(pid: str) -> Scenario:
    return Scenario.model_validate(import_project(pid, load_dataset()).data)


def test_educate_girls_keeps_its_two_metrics_and_their_methods():
    sc = _scenario("INDIGO-POJ-0035")
    metrics = sc.outcome_metrics
    assert [m.evaluation for m in metrics] == ["rct", "pre_post"]
    assert abs(sum(m.weight for m in metrics) - 1.0) < 1e-3
    assert "2 metric tables" in sc.sources["contract.metrics"]
    summary = run(sc, seed=0).summary
    assert summary["outcome_1_measured_effect"] is not None
    assert summary["outcome_2_measured_effect"] is not None


def test_triggers_of_one_outcome_stay_one_metric():
    sc = _scenario("INDIGO-POJ-0153")  # Peterborough: 10% per cohort, 7.5% overall
    assert sc.contract.metrics == []
    assert (sc.contract.threshold, sc.contract.overall_threshold) == (0.10, 0.075)


def test_a_maximum_loss_below_principal_becomes_a_guarantee():
    sc = _scenario("INDIGO-POJ-0218")  # maximum loss 0.5 of principal
    assert sc.investor.guarantee_share == 0.5
    assert sc.investor.guarantee_amount == 0.5 * sc.investor.capital
    assert "Maximum potential loss" in sc.sources["investor.guarantee_share"]
    full = _scenario("INDIGO-POJ-0035")  # maximum loss 100%: no guarantee
    assert full.investor.guarantee_amount == 0.0


def test_a_rate_card_stays_composite_and_says_so():
    data = load_dataset()
    card = next(p for p in data.projects if len(p.get("metrics") or []) > 8)
    result = import_project(card["id"], data)
    assert result.data["contract"]["metrics"] == []
    assert "rate card" in result.data["meta"]["description"]["en"]


def test_caps_are_mapped():
    sc = _scenario("INDIGO-POJ-0035")
    assert sc.contract.max_payment == 422_000 and sc.contract.return_cap == 0.15
