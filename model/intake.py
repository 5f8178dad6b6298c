"""Monthly intake: who is referred, randomised, offered a place and enrolled.

Who chooses is a contract lever (`contract.selection`); under an RCT, referrals are randomised to
arms before any admission, so the operator only ever sees the treatment arm.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from cislab.model.population import Status
from cislab.model.schema import Selection

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


def run_intake(model: CISModel) -> int:
    """Fill this month's free places for the current cohort. Returns people admitted."""
    sc = model.config
    pop = model.population
    caseload = int((pop.status == Status.enrolled).sum())
    slots = min(model.operator.capacity - caseload, model.operator.intake_per_month)
    if slots <= 0:
        return 0
    cohort = model.month // sc.contract.cohort_months
    # without a referral flow, every unseen eligible person; with one, those referred
    unseen = model.referral_flow.available(np.flatnonzero(pop.status == Status.unseen))
    acceptance = max(1.0 - sc.population.refusal_rate, 0.05)
    c = sc.contract
    if sc.uses_rct:
        referred = model.state.referrals(
            unseen, math.ceil(slots / acceptance / (1 - sc.evaluator.rct_control_share))
        )
        control = model.rng.random(referred.size) < sc.evaluator.rct_control_share
        pop.status[referred[control]] = Status.control
        pop.arm[referred[control]] = 2
        treated = referred[~control]
        pop.arm[treated] = 1
        pop.cohort[referred] = cohort
        if c.selection == Selection.operator:
            treated = model.operator.choose(treated, cohort_members(model, cohort))
        admitted = offer_places(model, treated, slots, cohort)
        pop.status[treated[pop.status[treated] == Status.unseen]] = Status.waiting
        return admitted
    if c.selection == Selection.operator:
        size = min(unseen.size, math.ceil(slots * sc.operator.intake_pool_factor))
        applicants = model.rng.choice(unseen, size=size, replace=False)
        ranked = model.operator.choose(applicants, cohort_members(model, cohort), slots)
    else:
        ranked = model.state.referrals(unseen, math.ceil(slots / acceptance) + 1)
    return offer_places(model, ranked, slots, cohort)


def cohort_members(model: CISModel, cohort: int) -> np.ndarray:
    pop = model.population
    return np.flatnonzero((pop.cohort == cohort) & (pop.enrol_month >= 0))


def offer_places(model: CISModel, ranked: np.ndarray, slots: int, cohort: int) -> int:
    """Offer places down the ranked list until `slots` people accept; some refuse."""
    pop = model.population
    accepts = pop.u_refuse[ranked] >= model.config.population.refusal_rate
    accepted_before = np.cumsum(accepts) - accepts
    offered = accepted_before < slots
    model.referral_flow.mark_offered(ranked[offered], cohort)
    refused = ranked[offered & ~accepts]
    enrolled = ranked[offered & accepts]
    pop.status[refused] = Status.refused
    pop.status[enrolled] = Status.enrolled
    pop.cohort[enrolled] = cohort
    pop.enrol_month[enrolled] = model.month
    pop.wellbeing[enrolled] = 0.5
    return int(enrolled.size)
