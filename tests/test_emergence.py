"""Behaviours the critics name must emerge from incentives (MODEL.md §5), over fixed seeds.

Each test states its bound and the spread seen when it was written; bounds leave several
standard errors of margin. Nothing here is scripted in the model: the operator only maximises
its objective under the contract's rules.
"""

from __future__ import annotations

import numpy as np

from tests.conftest import summaries, values

RANDOM = {"contract.selection": "random_referral"}


def test_creaming_when_the_operator_selects_under_a_binary_metric():
    # Seen: creaming index 0.11 ± 0.01 over 10 seeds.
    creaming = values(summaries(), "creaming_index")
    assert creaming.mean() > 0.06
    assert (creaming > 0.03).all()


def test_no_creaming_under_random_referral():
    # Seen: 0.000 ± 0.008 (standard error of the mean 0.003).
    creaming = values(summaries(RANDOM), "creaming_index")
    assert abs(creaming.mean()) < 0.02


def test_public_referral_by_need_serves_the_hardest():
    # Seen: −0.29 ± 0.004: the referral service sends the highest administrative risk first.
    creaming = values(
        summaries({"contract.selection": "public_referral", "state.referral_rule": "need_first"}),
        "creaming_index",
    )
    assert creaming.mean() < -0.15


def test_tiered_prices_shrink_creaming():
    # Seen: 0.11 with one price, 0.06 with prices rising with the risk band.
    flat = values(summaries(), "creaming_index").mean()
    tiered = values(
        summaries({"contract.price_tiers": [0.5, 0.75, 1.0, 1.5, 2.5]}), "creaming_index"
    ).mean()
    assert tiered < flat - 0.03


def test_parking_under_a_binary_metric_with_scarce_hours():
    # Random referral puts every risk level in the caseload. Seen: parking 0.37 ± 0.08 — the
    # riskiest fifth, far from the binary metric's margin, get about a third fewer hours.
    parking = values(summaries(RANDOM), "parking_index")
    assert parking.mean() > 0.2
    assert (parking > 0).all()


def test_parking_fades_with_abundant_hours_or_a_frequency_metric():
    # Seen: −0.29 with 4× the hours per client, −0.60 when every avoided event is paid.
    scarce = values(summaries(RANDOM), "parking_index").mean()
    abundant = values(
        summaries(
            {**RANDOM, "operator.hours_per_worker": 200.0, "operator.caseload_per_worker": 10}
        ),
        "parking_index",
    ).mean()
    frequency = values(
        summaries({**RANDOM, "contract.metric": "frequency"}), "parking_index"
    ).mean()
    assert abundant < scarce - 0.3
    assert frequency < 0 < scarce


def test_gaming_when_audits_are_rare():
    # Seen: gaming 0.21 ± 0.02 with no audits, 0.00 when audited every month.
    never = summaries({"contract.audit_rate": 0.0})
    always = summaries({"contract.audit_rate": 1.0})
    assert values(never, "gaming_index").mean() > values(always, "gaming_index").mean() + 0.1
    assert values(never, "mean_wellbeing").mean() < values(always, "mean_wellbeing").mean()


def test_investor_pressure_and_exit_emerge_from_results():
    # A programme with no effect, measured by an RCT: interim results fall short of break-even,
    # so investors stop funding in most runs. Seen: 9 of 10 runs terminated early.
    runs = summaries({"intervention.effect": 0.0, "contract.evaluation": "rct"})
    exits = sum(r["terminated"] == "investor_exit" for r in runs)
    assert exits >= 7
    assert np.mean([r["enrolled"] for r in runs]) < 0.8 * 900
