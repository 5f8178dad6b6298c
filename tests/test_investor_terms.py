"""The investor reads the evaluation method as the evaluator counts: pre-post pays every outcome.

Found while importing INDIGO rate-card contracts (simple verification of outcomes achieved):
an investor that expected only the avoided outcomes turned down deals that then paid in full.
"""

from __future__ import annotations

from cislab.model.api import build, run

CHEAP_PRE_POST = {"contract.evaluation": "pre_post", "contract.price_per_outcome": 3000}


def test_pre_post_prior_counts_every_outcome_achieved():
    pre_post = build("default", seed=0, overrides=CHEAP_PRE_POST)
    matched = build("default", seed=0, overrides={"contract.price_per_outcome": 3000})
    # Under pre-post the counterfactual is "everyone had the adverse outcome", so the measured
    # gain is the success share (≈ 0.5 here), not the extra successes (≈ 0.1).
    assert pre_post.investor.prior_effect() > 3 * matched.investor.prior_effect()
    assert pre_post.signed and not matched.signed


def test_pre_post_deal_the_investor_signs_does_pay():
    result = run("default", seed=0, overrides=CHEAP_PRE_POST)
    assert result.summary["contract_signed"]
    assert result.summary["terminated"] is None
    # Measured gains (creaming inflates them) are at least what the investor expected.
    prior = build("default", seed=0, overrides=CHEAP_PRE_POST).investor.prior_effect()
    measured = [r.measured_effect for r in result.model.evaluator.results]
    assert min(measured) >= prior
    assert result.summary["outcome_payments"] > result.model.config.investor.capital
