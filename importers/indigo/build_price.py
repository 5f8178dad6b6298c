"""What an outcome is worth: the expected effect, the price, and the values agents weigh.

Why together: the model pays for one composite outcome per person, so the price is set from the
outcomes the planned service is expected to produce as the evaluator counts them; the payer's
envelope, the evaluation fees and the values the operator and the state weigh are all ratios of
that price or of the maximum payment, in the scenario's currency.
"""

from __future__ import annotations

import math

from .draft import Draft, assume
from .tables import EVALUATION_EN

MAX_LOGIT_REDUCTION = 0.6  # the schema's defaults for the intervention's effect
HOURS_SCALE = 20.0
QUALITY_STANDARD_HOURS = 1.0
EVALUATION_SHARE = 0.02  # evaluation or verification fees, share of the maximum payment


def expit(x: float) -> float:
    """Logistic function: the model's risks live on the logit scale."""
    return 1.0 / (1.0 + math.exp(-x))


def logit(p: float) -> float:
    """Inverse of `expit`."""
    return math.log(p / (1.0 - p))


def expected_gain(baseline: float, hours: float, metric: str, method: str) -> float:
    """Measured outcomes per counted person at the planned service, as the evaluator counts them.

    Pre/post counts every success (entry required the adverse outcome); comparison designs count
    only the difference the service makes. Ignores dropouts and selection: a planning figure."""
    shift = MAX_LOGIT_REDUCTION * (1.0 - math.exp(-hours / HOURS_SCALE))
    treated = expit(logit(baseline) - shift)
    if metric == "binary":
        return 1.0 - treated if method == "pre_post" else baseline - treated
    rate0, rate1 = -math.log1p(-baseline), -math.log1p(-treated)
    return rate0 / baseline - rate1 if method == "pre_post" else rate0 - rate1


def plan_price(d: Draft) -> None:
    """One composite outcome per person, priced so that payments at full expected success
    are in the range of the maximum payment; the record's price when one fits."""
    hours = max(d.hours_per_worker / d.caseload - QUALITY_STANDARD_HOURS, 0.0)
    hours *= d.service
    gain = expected_gain(d.profile.baseline_rate, hours, d.metric, d.method)
    outcomes = max(d.sim_users * gain, 1e-9)
    max_payment = d.max_payment_sim
    coherent = max_payment / outcomes
    expected = (
        f"{d.sim_users:,.0f} users × {gain:.2f} measured outcomes each at the planned "
        f"service ({hours:.0f} h a spell; {EVALUATION_EN[d.method]})"
    )
    price = coherent
    source = assume(
        f"maximum payment ÷ expected outcomes ({expected}), so full expected success pays "
        "the maximum"
    )
    if d.prices:
        values = [v for v, _ in d.prices]
        low, high = min(values), max(values)
        nearest, nearest_src = min(d.prices, key=lambda p: abs(math.log(p[0] / coherent)))
        listed = (
            f"the record prices {len(values)} metric(s) at {d.money(low)}–{d.money(high)}"
            if low != high
            else f"the record's price is {d.money(low)}"
        )
        if max_payment / 3 <= nearest * outcomes <= 3 * max_payment:
            price = nearest
            source = (
                nearest_src
                if low == high
                else f"{nearest_src}: of the record's prices ({listed}), the one nearest to "
                f"maximum payment ÷ expected outcomes ({expected}); the model pays one "
                "composite outcome per person"
            )
        else:
            paid = d.money(nearest * outcomes)
            source += (
                f"; {listed}, but one outcome per person at the nearest would pay {paid}, "
                "not within a factor 3 of the maximum payment (rate cards pay several "
                "outcomes per person)"
            )
    else:
        d.r.missing("prices")
        source += ", because the record gives no outcome prices"
    d.price = round(price, 2)
    d.set("contract.price_per_outcome", d.price, source)


def plan_effect_defaults(d: Draft) -> None:
    """The sector's baseline risk and the schema's effect levers: INDIGO gives no effect size."""
    prof = d.profile
    d.set(
        "population.baseline_rate",
        prof.baseline_rate,
        assume(f"{prof.baseline_why}: share {prof.adverse_en} ({prof.en} default)"),
    )
    d.set(
        "intervention.max_logit_reduction",
        MAX_LOGIT_REDUCTION,
        assume("the schema default, because the record gives no effect size"),
    )
    d.set(
        "intervention.hours_scale",
        HOURS_SCALE,
        assume("the schema default: 20 hours give 63% of the maximum effect"),
    )
    d.set(
        "contract.quality_standard_hours",
        QUALITY_STANDARD_HOURS,
        assume("one hour per client-month of unmeasured support (schema default)"),
    )


def plan_payer_and_values(d: Draft) -> None:
    """Payer's envelope, evaluation fees and the values agents weigh, in the currency."""
    fee = round(EVALUATION_SHARE * d.max_payment_sim / d.cohorts, 2)
    d.set(
        "evaluator.fee_per_measurement",
        fee,
        assume(
            f"evaluation or verification costs {EVALUATION_SHARE:.0%} of the maximum payment, "
            "spread over the cohorts"
        ),
    )
    d.set(
        "state.budget",
        float(round(1.1 * d.max_payment_sim + d.cohorts * fee)),
        assume("the payer's envelope: the maximum payment plus 10%, and the evaluation fees"),
    )
    d.set(
        "state.cost_per_event",
        round(2 * d.price, 2),
        assume(
            "an outcome price is about half the public cost it avoids (as Peterborough's "
            "payments, CASES.md §1, Payment formula)"
        ),
    )
    d.set(
        "operator.value_per_avoided_event",
        round(d.price / 3, 2),
        assume(
            "the operator values an avoided adverse outcome at a third of its price, the "
            "default scenario's ratio"
        ),
    )
    d.set(
        "operator.value_of_wellbeing",
        round(d.staff * 60 / 3500, 2),
        assume("the default scenario's ratio to a caseworker's monthly cost (60 / 3,500)"),
    )
    d.set(
        "contract.audit_penalty",
        round(d.price * 0.02, 2),
        assume(
            "2% of the outcome price per client for a full quality shortfall, the default "
            "scenario's ratio (300 / 15,000)"
        ),
    )
