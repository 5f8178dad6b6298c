"""What each evaluation method measures, against the true effect the model knows."""

from __future__ import annotations

import numpy as np
from cislab.agents.evaluator import nearest_mean

from tests.conftest import summaries, values

SEEDS_20 = tuple(range(20))


def bias(runs) -> np.ndarray:
    return values(runs, "measured_effect") - values(runs, "true_effect")


def test_rct_is_unbiased_for_the_true_effect():
    # Seen: bias −0.007 ± 0.025 over 20 seeds (standard error 0.006).
    b = bias(summaries({"contract.evaluation": "rct"}, seeds=SEEDS_20))
    assert abs(b.mean()) < 0.025


def test_rct_cannot_be_fooled_by_creaming():
    # The operator still chooses among treatment-arm referrals, but arms are compared whole.
    runs = summaries(
        {"contract.evaluation": "rct", "contract.selection": "operator"}, seeds=SEEDS_20
    )
    assert abs(bias(runs).mean()) < 0.025


def test_matched_comparison_is_fooled_by_selection_on_what_it_cannot_see():
    # Seen: measured 0.22 against a true 0.11 when the operator picks on its interviews.
    assert bias(summaries()).mean() > 0.05


def test_matched_comparison_is_fair_without_selection():
    # Seen: 0.010 ± 0.022 under random referral.
    assert abs(bias(summaries({"contract.selection": "random_referral"})).mean()) < 0.03


def test_historical_baseline_counts_a_trend_as_effect():
    # A labour market improving by 0.3 logit a year: seen bias 0.21 ± 0.02; without it 0.008.
    trend = {
        "contract.evaluation": "historical_baseline",
        "contract.selection": "random_referral",
        "context.trend_per_year": -0.3,
    }
    flat = {**trend, "context.trend_per_year": 0.0}
    assert bias(summaries(trend)).mean() > 0.1
    assert abs(bias(summaries(flat)).mean()) < 0.03


def test_pre_post_pays_for_what_would_have_happened_anyway():
    # Everyone was out of work at entry: every job counts. Seen: measured 0.72, true 0.10.
    assert bias(summaries({"contract.evaluation": "pre_post"})).mean() > 0.4


def test_nearest_mean_matches_brute_force():
    rng = np.random.default_rng(5)
    keys = np.sort(rng.normal(size=400))
    vals = rng.random(400)
    queries = rng.normal(size=50)
    for k in (1, 3, 5, 10):
        got = nearest_mean(keys, vals, queries, k)
        dist = np.abs(keys[None, :] - queries[:, None])
        want = np.take_along_axis(vals[None, :].repeat(50, 0), np.argsort(dist, 1)[:, :k], 1)
        np.testing.assert_allclose(got, want.mean(1), atol=1e-12)
