"""What deciders after a contract believe about the programme: pure functions of public facts.

Why pure functions: a territory's payer, impact investors, philanthropy and the national
programme all judge the same published evidence, each by its own rule. Keeping the arithmetic
here, fed with `ProgrammeFacts` (what anyone can know of the programme and of the first
contract's terms) and the evidence a decider holds, means no agent has to call the world to form
a belief — and none can read a true effect.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cislab.model.evidence import Evidence, measured_mean
from cislab.model.schema import Evaluation
from scipy.special import ndtr  # the normal CDF, without importing scipy.stats


@dataclass(frozen=True)
class ProgrammeFacts:
    """Public numbers about the programme, as the first contract set and measured them."""

    method: Evaluation  # the first contract's evaluation method
    credibility: Mapping[Evaluation, float]  # share of a measured effect believed, by method
    prudence: float  # standard errors taken off a measured effect before believing it
    transfer: float  # weight of results from another territory
    cost_per_person: float  # cost of serving one person for a spell
    savings_per_event: float  # what an avoided adverse event saves the public purse
    horizon_weight: float  # discount of savings arriving after the political horizon
    min_people_per_year: float  # one caseworker's yearly caseload
    counterfactual: float  # counterfactual mean outcome the first contract measured
    threshold_effect: float  # measured effect per person a contract's trigger asks for
    price_per_outcome: float
    max_payment_per_person: float  # the first contract's maximum ÷ its planned people
    binary: bool  # binary metric (else a count of events)
    variance_factor: float  # the first method's inflation of sampling variance
    base_transaction_cost: float  # structuring + evaluation of a contract like the first
    practice_effect: float  # share of that cost durable practices can save


def believe(
    evidence: Sequence[Evidence],
    credibility: Mapping[Evaluation, float],
    prudence: float,
    weight: Callable[[Evidence], float],
) -> float | None:
    """Believed effect per person: each result counts credibility × weight × (measured −
    prudence × se), pooled by credibility × weight × people; `weight(item)` is the trust in
    where the result comes from (1 for one's own territory). None without evidence."""
    num = den = 0.0
    for item in evidence:
        c, w = credibility[item.method], weight(item)
        share = c * w * item.people
        num += share * c * w * (item.effect - prudence * item.se)
        den += share
    return num / den if den > 0 else None


def pass_probability(effect: float, se: float, threshold: float) -> float:
    """Chance a measured effect around `effect` with standard error `se` reaches `threshold`."""
    if se <= 0:
        return 1.0 if effect >= threshold else 0.0
    return float(ndtr((effect - threshold) / se))


def discount(months: float, horizon_months: float) -> float:
    """Weight a payer puts on savings arriving `months` ahead, given its political horizon."""
    return math.exp(-months / max(horizon_months, 1e-9))


def standard_error(facts: ProgrammeFacts, mean_outcome: float, people: float) -> float:
    """Sampling error of a measured effect per person served, under the first contract's
    method (what a decider expects a contract of `people` to be measured with)."""
    if facts.binary:
        y = min(max(mean_outcome, 1e-6), 1.0 - 1e-6)
        var = y * (1.0 - y)
    else:
        var = max(mean_outcome, 1e-6)
    return math.sqrt(var * facts.variance_factor / max(people, 1.0))


def expected_payment(facts: ProgrammeFacts, evidence: Sequence[Evidence], people: float) -> float:
    """Outcome payments a contract for `people` would bring, judged on measured results."""
    measured = measured_mean(evidence)
    if measured is None or people <= 0:
        return 0.0
    se = standard_error(facts, facts.counterfactual - measured, people)
    chance = pass_probability(measured, se, facts.threshold_effect)
    cap = facts.max_payment_per_person * people
    return chance * min(facts.price_per_outcome * max(measured, 0.0) * people, cap)


def transaction_cost(facts: ProgrammeFacts, practices: float) -> float:
    """A next contract costs what the first did to structure and evaluate, less what a
    territory's durable practices (0–1) save."""
    return facts.base_transaction_cost * (1.0 - facts.practice_effect * practices)
