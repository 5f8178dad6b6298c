"""How a territory's payer designs its next contract from what it has seen.

Why a rule of its own: real payers change the terms of their next contract after the first —
Colombia's second SIB moved payment weight to later job retention once placements were seen to
fade (../shared/cases, SIBs.CO); commissioners who saw weak counterfactuals contradicted later
asked for stronger evaluation; payers who saw the easiest cases enrolled referred participants
themselves. The rule reads only the evidence the payer holds and public facts; every choice is
returned with the reason it rests on, so the world can log it (`designs` table).

The rule, in order (each step reads the evidence, none reads a true effect):
1. Evaluation: keep the first contract's method, unless (a) the payer holds results of a
   stronger method that contradict a weaker method's (the weaker pooled effect exceeds the
   stronger's by more than `contradiction_z` combined standard errors): then the strongest
   method it has seen; or (b) a national co-funder asks for more credibility: then the least
   costly method that meets it.
2. Selection: if the operator chose participants and the enrolled looked easier than the
   eligible in the payer's own referral data (mean `observed_creaming` above
   `creaming_tolerance`), the payer refers participants itself.
3. Price: no more per measured outcome than the payer believes a measured outcome saves
   (price ≤ credibility of the chosen method × savings per avoided event).
4. Horizon: when later measurements showed outcomes fading, move half of the first metric's
   payment weight to the longest one (only for contracts with several metrics).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from cislab.agents.scale_up_beliefs import ProgrammeFacts
from cislab.model.evidence import Evidence, measured_mean
from cislab.model.schema import Evaluation, Selection

CONTRADICTION_Z = 2.0  # combined standard errors by which a weaker method must exceed a stronger
CREAMING_TOLERANCE = 0.10  # observed creaming a payer tolerates before referring itself
FADING = 0.3  # share of the early effect lost by the later horizon that counts as fading


@dataclass(frozen=True)
class Design:
    """A next contract's terms as its payer chose them, with the reasons."""

    evaluation: Evaluation
    selection: Selection
    price_per_outcome: float
    max_payment: float
    metric_weights: tuple[float, ...] | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)


def strength(method: Evaluation, facts: ProgrammeFacts) -> float:
    """How strong a method is, as payers rank them: the credibility they give it."""
    return facts.credibility[method]


def contradicted(evidence: Sequence[Evidence], facts: ProgrammeFacts) -> Evaluation | None:
    """The strongest method whose results contradict a weaker method's, if any."""
    by_method: dict[Evaluation, list[Evidence]] = {}
    for item in evidence:
        by_method.setdefault(item.method, []).append(item)
    methods = sorted(by_method, key=lambda m: strength(m, facts))
    for i, weak in enumerate(methods):
        for strong in methods[i + 1 :]:
            w, s = by_method[weak], by_method[strong]
            gap = (measured_mean(w) or 0.0) - (measured_mean(s) or 0.0)
            se = math.sqrt(_pooled_se(w) ** 2 + _pooled_se(s) ** 2)
            if gap > CONTRADICTION_Z * se:
                return methods[-1]
    return None


def _pooled_se(items: Sequence[Evidence]) -> float:
    people = sum(e.people for e in items)
    if people <= 0:
        return 0.0
    return math.sqrt(sum((e.se * e.people / people) ** 2 for e in items))


def design_next(
    first_selection: Selection,
    evidence: Sequence[Evidence],
    facts: ProgrammeFacts,
    people: float,
    budget_room: float,
    required_credibility: float = 0.0,
    first_weights: tuple[float, ...] | None = None,
    fading: float | None = None,
) -> Design:
    """The payer's choice of terms for a contract serving `people`, with its reasons."""
    reasons: list[str] = []
    method = facts.method
    stronger = contradicted(evidence, facts)
    if stronger is not None and strength(stronger, facts) > strength(method, facts):
        method = stronger
        reasons.append(f"evaluation={method.value}: weaker results were contradicted")
    if strength(method, facts) < required_credibility:
        enough = [m for m in Evaluation if strength(m, facts) >= required_credibility]
        method = min(enough, key=lambda m: strength(m, facts)) if enough else Evaluation.rct
        reasons.append(f"evaluation={method.value}: the co-funder's credibility rule")

    selection = first_selection
    creaming = [e.observed_creaming for e in evidence]
    if selection == Selection.operator and creaming and max(creaming) > CREAMING_TOLERANCE:
        selection = Selection.public_referral
        reasons.append("selection=public_referral: easier cases were enrolled")

    price = facts.price_per_outcome
    measured = measured_mean(evidence)
    if measured and measured > 0:
        ceiling = facts.savings_per_event * strength(method, facts)
        if price > ceiling:
            price = ceiling
            reasons.append("price lowered to what a believed outcome saves")
    max_payment = min(facts.max_payment_per_person * people, budget_room)

    weights = first_weights
    if first_weights and len(first_weights) > 1 and fading is not None and fading > FADING:
        moved = first_weights[0] / 2
        weights = (first_weights[0] - moved, *first_weights[1:-1], first_weights[-1] + moved)
        reasons.append("payment weight moved to the longest horizon: outcomes faded")
    return Design(method, selection, price, max_payment, weights, tuple(reasons))
