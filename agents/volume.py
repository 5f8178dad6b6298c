"""What the operator and the payer decide when referrals fall short of a volume clause.

Why decision rules apart from the clause (`model/referrals.py`): the clause only says a breach
happened; ending or resizing a contract is a choice each party makes from what it can see —
the referrals of the last review period, the people enrolled so far, its own costs. Early
termination for shortfall follows from the payer's answer, never from the breach itself.

- The operator pays idle staff when the flow cannot fill its places: where the clause allows
  resizing, it shrinks its team to the caseworkers the observed flow keeps busy once the idle
  share exceeds `IDLE_TOLERANCE` (never below one caseworker).
- The payer ends the contract when, at the observed flow, the people the contract will have
  served by the end of enrolment fall below the clause's minimum share of the planned volume:
  the shortfall is no longer a dip but the contract's future, and what it pays for (an
  evaluation, an intermediary, a team) no longer buys the evidence it signed for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cislab.model.schema import ShortfallRemedy

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

IDLE_TOLERANCE = 0.2  # idle share of places an operator carries before it resizes


@dataclass(frozen=True)
class OperatorAnswer:
    choice: str  # "resize" or "continue"
    resize_to: int | None = None


def operator_answer(model: CISModel, rate: float) -> OperatorAnswer:
    """Resize to the flow when the clause allows it and too many places stand idle."""
    sc = model.config
    if sc.contract.shortfall_remedy != ShortfallRemedy.resize:
        return OperatorAnswer("continue")
    op = model.operator
    accept = max(1.0 - sc.population.refusal_rate, 0.05)
    admissions = rate * accept  # people a month the flow can bring in
    busy = admissions * sc.intervention.service_months  # places they keep filled
    idle = 1.0 - busy / max(op.capacity, 1)
    if idle <= IDLE_TOLERANCE:
        return OperatorAnswer("continue")
    needed = max(1, math.ceil(busy / sc.operator.caseload_per_worker))
    if needed >= op.caseworkers:
        return OperatorAnswer("continue")
    return OperatorAnswer("resize", needed)


def payer_answer(model: CISModel) -> str:
    """End when the volume the contract will reach at the observed flow is below the clause's
    minimum share of the planned volume."""
    c = model.config.contract
    if c.shortfall_remedy == ShortfallRemedy.none:
        return "continue"
    projected = model.referral_flow.projected_people(model)
    floor = c.min_referral_share * model.contract.planned_counted()
    return "end" if projected < floor else "continue"
