"""Values the model keeps between months for speed follow what they are computed from.

The operator keeps everyone's belief, believed risk and expected counterfactual; the evaluator
keeps the comparison pool's outcomes; the scenario keeps its filled-in metrics. Each must give
the numbers a fresh computation gives, also after what they depend on has changed.
"""

from __future__ import annotations

import math

import numpy as np
from cislab.model.cis_model import CISModel
from cislab.model.outcomes import expected_events
from cislab.model.population import shifted
from scipy.special import expit


def _fresh_belief(model: CISModel, idx: np.ndarray) -> np.ndarray:
    op, pop, stats, p = model.operator, model.population, model.public, model.config.population
    prec_prior = 1.0 / stats.logit_var
    prec_admin = 1.0 / max(p.admin_noise**2, 1e-6)
    prec_private = max(op.params.initial_insight, 1e-3) / max(p.private_noise**2, 1e-6)
    var = 1.0 / (prec_prior + prec_admin + prec_private)
    mean = var * (
        prec_prior * stats.logit_mean
        + prec_admin * pop.admin_score[idx]
        + prec_private * pop.private_score[idx]
    )
    mean = mean / math.sqrt(1.0 + math.pi * var / 8.0)
    return expit(mean + op.offsets[np.searchsorted(op.bin_edges, mean)])


def test_believed_risk_follows_learning_and_insight():
    model = CISModel(rng=4, overrides={"population.size": 800})
    idx = np.arange(0, 800, 7)
    op = model.operator
    assert np.array_equal(op.believed_risk(idx), _fresh_belief(model, idx))
    op.offsets[3] += 0.4  # learning moves a band's offset in place
    assert np.array_equal(op.believed_risk(idx), _fresh_belief(model, idx))
    op.params.initial_insight = 0.9  # a new reading of the interviews
    assert np.array_equal(op.believed_risk(idx), _fresh_belief(model, idx))
    model.run()  # three measurements, each teaching the operator
    assert np.array_equal(op.believed_risk(idx), _fresh_belief(model, idx))


def test_expected_counterfactual_is_the_matched_one():
    model = CISModel(rng=5, overrides={"population.size": 600})
    idx = np.arange(0, 600, 5)
    metric = model.config.outcome_metrics[0]
    p_hat = model.operator.believed_risk(idx)
    admin = model.public.admin_risk(model.population.admin_score[idx])
    fresh = expected_events(shifted(admin, model.truth.metric_shift(0)), metric.kind)
    kept = model.operator.counterfactual_belief(idx, p_hat, metric, 0)
    assert np.array_equal(kept, fresh)


def test_pool_outcomes_follow_the_context():
    model = CISModel(rng=6, overrides={"population.size": 600})
    metric = model.config.outcome_metrics[0]
    before = model.evaluator.pool_outcomes(0, metric).copy()
    model.add_shock(3.0, month=0)  # everyone far riskier: the pool's outcomes must move
    after = model.evaluator.pool_outcomes(0, metric)
    assert after.mean() > before.mean() + 0.1


def test_outcome_metrics_follow_the_contract():
    model = CISModel(rng=7, overrides={"population.size": 300})
    first = model.config.outcome_metrics
    model.config.contract.threshold = 0.07
    assert model.config.outcome_metrics[0].threshold == 0.07
    assert first[0].threshold != 0.07
    assert model.config.outcome_metrics is not model.config.outcome_metrics  # a new list each time


def test_kept_values_are_rebuilt_after_a_pickle():
    import pickle

    model = CISModel(rng=8, overrides={"population.size": 500})
    for _ in range(20):
        model.step()
    idx = np.arange(0, 500, 3)
    kept = model.operator.believed_risk(idx)
    copy = pickle.loads(pickle.dumps(model))
    assert "_risk" not in copy.operator.__dict__
    assert np.array_equal(copy.operator.believed_risk(idx), kept)
    for _ in range(25):
        model.step()
        copy.step()
    assert model.evaluator.results == copy.evaluator.results  # the copy runs on identically
