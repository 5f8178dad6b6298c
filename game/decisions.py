"""Each role's decisions during play, and how they reach the model's agents.

A human's decision is written into the agent's own state through the hooks the agents offer
(`Operator.targeting`, `Investor.pressure_target`, `State.order_audit`, ...): the model then
computes everything that follows. Roles left to the model keep their agents' own rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cislab.game.announcements import paid_so_far
from cislab.model.cis_model import CISModel
from cislab.model.schema import ReferralRule

ROLES = ("state", "investor", "operator")

EFFORT_QUALITY = {"metric": 0.0, "standard": 1.0, "generous": 2.0}  # × the quality standard
PRESSURE = {"none": 0.0, "moderate": 0.5, "strong": 1.0}


@dataclass(frozen=True)
class Decision:
    id: str
    kind: str  # "choice", "slider" or "action" (a one-off, reset every turn)
    options: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05

    @property
    def label_key(self) -> str:
        return f"decision.{self.id}"

    @property
    def tip_key(self) -> str:
        return f"decision_tip.{self.id}"


DECISIONS: dict[str, tuple[Decision, ...]] = {
    "state": (
        Decision("audit_rate", "slider", low=0.0, high=1.0, step=0.05),
        Decision("referral_rule", "choice", options=tuple(r.value for r in ReferralRule)),
        Decision("audit_now", "action"),
    ),
    "investor": (
        Decision("pressure", "choice", options=("own", "none", "moderate", "strong")),
        Decision("tranches", "choice", options=("release", "hold")),
        Decision("exit", "action"),
    ),
    "operator": (
        Decision(
            "targeting", "choice", options=("own", "hardest_first", "easiest_first", "random")
        ),
        Decision("effort", "choice", options=("own", "metric", "standard", "generous")),
        Decision("mission_weight", "slider", low=0.0, high=1.0, step=0.05),
    ),
}


def current(model: CISModel, role: str) -> dict[str, Any]:
    """What the role's decisions stand at in the model now (the panel's starting values)."""
    if role == "state":
        return {
            "audit_rate": model.config.contract.audit_rate,
            "referral_rule": str(model.config.state.referral_rule),
            "audit_now": model.state.audit_ordered,
        }
    if role == "investor":
        inv = model.investor
        pressure = next(
            (k for k, v in PRESSURE.items() if v == inv.pressure_target),
            "own",
        )
        return {
            "pressure": pressure,
            "tranches": "hold" if inv.hold_tranches else "release",
            "exit": not inv.funding,
        }
    if role == "operator":
        op = model.operator
        standard = model.config.contract.quality_standard_hours
        effort = "own"
        if op.quality_target is not None:
            effort = min(
                EFFORT_QUALITY, key=lambda k: abs(EFFORT_QUALITY[k] * standard - op.quality_target)
            )
        return {
            "targeting": op.targeting or "own",
            "effort": effort,
            "mission_weight": model.config.operator.mission_weight,
        }
    raise ValueError(f"unknown role {role!r}")


def take_over(model: CISModel, role: str) -> None:
    """A human now plays `role`: decisions the agent's rules took alone become theirs."""
    if role == "investor":
        model.investor.auto_exit = False


def apply(model: CISModel, role: str, values: dict[str, Any]) -> list[tuple[str, Any]]:
    """Write a human's decisions into the agents; returns what changed, for the session log."""
    before = current(model, role)
    changed = [(k, v) for k, v in values.items() if before.get(k) != v]
    for key, value in changed:
        _apply_one(model, role, key, value)
    return changed


def _apply_one(model: CISModel, role: str, key: str, value: Any) -> None:
    if role == "state":
        if key == "audit_rate":
            model.config.contract.audit_rate = min(max(float(value), 0.0), 1.0)
        elif key == "referral_rule":
            model.config.state.referral_rule = ReferralRule(value)
        elif key == "audit_now" and value:
            model.state.order_audit()
    elif role == "investor":
        inv = model.investor
        if key == "pressure":
            inv.pressure_target = PRESSURE.get(value)
        elif key == "tranches":
            inv.hold_tranches = value == "hold"
        elif key == "exit" and value:
            inv.exit_now()
    elif role == "operator":
        op = model.operator
        if key == "targeting":
            op.targeting = None if value == "own" else value
        elif key == "effort":
            standard = model.config.contract.quality_standard_hours
            op.quality_target = None if value == "own" else EFFORT_QUALITY[value] * standard
        elif key == "mission_weight":
            model.config.operator.mission_weight = min(max(float(value), 0.0), 1.0)


def agent_report(model: CISModel, role: str, since: int) -> dict[str, Any]:
    """What the role's agent did since month `since` (for the panel and the log)."""
    ledger = model.ledger.to_frame()
    recent = ledger[ledger["month"] >= since] if len(ledger) else ledger

    def total(**match: str) -> float:
        if not len(recent):
            return 0.0
        rows = recent
        for col, val in match.items():
            rows = rows[rows[col] == val]
        return float(rows["amount"].sum())

    if role == "state":
        return {
            "paid": total(payer="state", reason="outcome_payment"),
            "paid_total": paid_so_far(model),  # the whole contract's, not the turn's
            "audits": model.state.audits,
            "fines": total(reason="audit_fine"),
            "audit_rate": model.config.contract.audit_rate,
        }
    if role == "investor":
        inv = model.investor
        return {
            "disbursed": total(payer="investor", reason="capital_tranche"),
            "repaid": total(payee="investor", reason="investor_repayment"),
            "pressure": model.operator.pressure,
            "funding": inv.funding,
        }
    op = model.operator
    return {
        "caseload": model.caseload,
        "quality": op.quality_per_client,
        "pressure": op.pressure,
        "cash": model.ledger.balance("operator"),
    }
