"""Events that arrive between turns: recession, staff turnover, policy reform, a media story.

An event only changes the world the agents live in (a shock to everyone's risk, lost experience,
a stricter audit rule, an audit ordered after a story); the model computes what follows. Draws
come from the session's own seeded stream, so a replay meets the same events.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from cislab.model.cis_model import CISModel
from cislab.model.indices import report_creaming, report_parking

EVENTS = ("recession", "staff_turnover", "policy_reform", "media_story")
CHANCE_PER_TURN = 0.2
RECESSION_SHOCK = 0.3  # logit points added to everyone's risk
TURNOVER_LOSS = 0.5  # share of the operator's experience lost
REFORM_AUDIT_STEP = 0.25
CREAMING_STORY = 0.03
PARKING_STORY = 0.15


def draw_event(rng: np.random.Generator, turn: int, seen: list[str]) -> str | None:
    """Maybe one event this turn (never in the first; a reform or a recession happens once)."""
    if turn == 0 or rng.random() >= CHANCE_PER_TURN:
        return None
    once = ("policy_reform", "recession")
    pool = [e for e in EVENTS if not (e in once and e in seen)]
    return str(rng.choice(pool))


def apply_event(model: CISModel, name: str) -> dict[str, Any]:
    """Change the model's world; returns what the screen says about it (translation fields)."""
    if name == "recession":
        model.add_shock(RECESSION_SHOCK)
        return {"shock": RECESSION_SHOCK}
    if name == "staff_turnover":
        model.operator.client_months *= 1.0 - TURNOVER_LOSS
        return {"loss": TURNOVER_LOSS}
    if name == "policy_reform":
        c = model.config.contract
        c.audit_rate = min(1.0, c.audit_rate + REFORM_AUDIT_STEP)
        return {"audit_rate": c.audit_rate}
    if name == "media_story":
        creaming = report_creaming(model)
        parking = report_parking(model)
        if creaming > CREAMING_STORY:
            model.state.order_audit()
            return {"story": "creaming", "value": creaming}
        if parking == parking and parking > PARKING_STORY:
            model.state.order_audit()
            return {"story": "parking", "value": parking}
        return {"story": "praise", "value": creaming}
    raise ValueError(f"unknown event {name!r}")
