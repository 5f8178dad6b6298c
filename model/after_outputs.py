"""What the world of contracts reports: its records, its summary, its tables, its time series.

Why apart from `model/after_contract.py`: that module runs the world; this one only reads it,
so a front end or an analysis can understand the outputs without the machinery, and the
machinery reads on fewer screens.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from cislab.agents.territory import Stage
from cislab.model.next_contract import NextContract, true_avoided_served
from cislab.model.schema import ContractKind

if TYPE_CHECKING:
    from cislab.model.after_contract import AfterContract
    from cislab.model.cis_model import CISModel


@dataclass
class Decision:
    """A scale-up decision and the evidence it was taken on; the truth where it scales is
    filled in from the contract it led to, once that contract's people were measured."""

    month: int
    territory: int  # -1 for the operator's funders or a national reform
    kind: str  # adopt | contract | grant | reform
    measured_effect: float
    true_effect: float
    inflated: bool
    contract: int | None = None  # the later contract it led to


@dataclass(frozen=True)
class DesignChoice:
    """A payer's design of its next contract, as logged in the `designs` table."""

    month: int
    territory: int
    contract: int
    evaluation: str
    selection: str
    price_per_outcome: float
    max_payment: float
    reasons: str


@dataclass(frozen=True)
class TerritoryMap:
    """Where each territory stands now, and the graph's links: a read-only view for maps.

    Why a copy rather than the agents: a front end drawing a map every frame must not be able to
    change a State, and needs none of its decision machinery. Index i is territory i (0 is the
    contract's own); `stage` is an `agents.territory.Stage` value.
    """

    region: tuple[int, ...]
    stage: tuple[str, ...]
    reached: tuple[bool, ...]  # the programme has been delivered there (now or before)
    dropped: tuple[bool, ...]  # its State funded the programme once and dropped it
    links: tuple[tuple[int, int], ...]  # edges (low index first), sorted


def people_covered(after: AfterContract) -> int:
    """People enrolled by every later contract and adopted service (whole people)."""
    return int(sum(_enrolled(u) for u in after.contracts))


def public_spending(after: AfterContract) -> float:
    """Public money spent after the first contract: set-up of later contracts, their
    evaluations and outcome payments, and the ordinary funding of adopted services."""
    spent = after.structuring_spending
    for u in after.contracts:
        if u.model is not None:
            spent += u.model.ledger.total(payer="state")
    return spent


def true_avoided(after: AfterContract) -> float:
    return sum(true_avoided_served(u.model) for u in after.contracts)


def after_summary(after: AfterContract) -> dict[str, Any]:
    decisions = realised(after)
    decided = len(decisions)
    inflated = sum(d.inflated for d in decisions)
    home = after.territories[0]
    outcome = [u for u in after.contracts if u.terms.kind == ContractKind.outcome]
    costs = [u.transaction_cost for u in outcome]
    adopted_ever = [t for t in after.territories if t.adopted_month is not None]
    rows = [u.row() for u in outcome]
    return {
        "horizon_years": after.params.horizon_years,
        "territories": len(after.territories),
        "adopted": sum(t.stage == Stage.adopted for t in after.territories),
        "adopted_ever": len(adopted_ever),
        "territories_reached": sum(t.reached for t in after.territories)
        if after.model.signed
        else 0,
        "people_covered": people_covered(after),
        "scale_up_decisions": decided,
        "scale_ups_on_inflated_evidence": inflated,
        "scaled_on_inflated_evidence": inflated / decided if decided else None,
        "inflated_ratio": after.params.inflated_ratio,
        "home_adopted_month": home.adopted_month,
        "adopted_before_final_results": home.adopted_month is not None
        and (after.final_month is None or home.adopted_month < after.final_month),
        "first_adoption_month": min((t.adopted_month for t in adopted_ever), default=None),
        "next_contracts": len(outcome),
        "next_contracts_national": sum(u.national for u in outcome),
        "next_contracts_paid": sum(bool(r["cohorts_paid"]) for r in rows),
        "next_contracts_replicated": sum(not u.terms.branch for u in after.contracts),
        "first_contract_transaction_cost": after.base_transaction_cost,
        "next_contract_transaction_cost": float(np.mean(costs)) if costs else None,
        "transaction_costs_after": after.next_transaction_costs,
        "practices_mean_end": float(np.mean([t.practices for t in after.territories])),
        "public_spending_after": public_spending(after),
        "public_savings_after": true_avoided(after) * after.model.config.state.cost_per_event,
        "investor_reinvestment": after.investors.reinvested,
        "philanthropy_grants": after.operator.grants,
        "operator_capacity_end": after.operator.capacity,
        "operator_capacity_peak": after.operator.peak_capacity,
        "fidelity_end": after.operator.fidelity,
        "fidelity_lowest": after.operator.lowest_fidelity,
        "national_reform_month": after.reform_month,
        "programme_stopped_month": after.operator.stopped_month,
        "next_contracts_creaming_mean": _mean(r["creaming_index"] for r in rows),
        "next_contracts_measured_effect_mean": _mean(r["measured_effect"] for r in rows),
        "next_contracts_true_effect_mean": _mean(r["true_effect"] for r in rows),
    }


def territory_map(after: AfterContract) -> TerritoryMap:
    """The territories' state now and who neighbours whom (for maps; changes nothing)."""
    ts = after.territories
    signed = after.model.signed
    return TerritoryMap(
        region=tuple(t.region for t in ts),
        stage=tuple(t.stage.value for t in ts),
        reached=tuple(bool(t.reached and signed) for t in ts),
        dropped=tuple(t.dropped_month is not None for t in ts),
        links=tuple(sorted((min(a, b), max(a, b)) for a, b in after.space.G.edges)),
    )


def after_tables(after: AfterContract) -> dict[str, pd.DataFrame]:
    served = {t.index: 0 for t in after.territories}
    for u in after.contracts:
        served[u.terms.territory] += _enrolled(u)
    territories = pd.DataFrame(
        {
            "territory": [t.index for t in after.territories],
            "region": [t.region for t in after.territories],
            "home": [t.index == 0 for t in after.territories],
            "eligible_per_year": [t.eligible_per_year for t in after.territories],
            "budget_per_year": [t.budget_per_year for t in after.territories],
            "context": [t.context for t in after.territories],
            "stage": pd.Series([t.stage.value for t in after.territories], dtype="string"),
            "adopted_month": pd.array([t.adopted_month for t in after.territories], "Int64"),
            "dropped_month": pd.array([t.dropped_month for t in after.territories], "Int64"),
            "contracts": [t.contracts for t in after.territories],
            "reached": [t.reached for t in after.territories],
            "people_served": [served[t.index] for t in after.territories],
            "practices": [t.practices for t in after.territories],
            "transaction_costs": [t.transaction_costs for t in after.territories],
            "neighbours": [len(t.neighbours()) for t in after.territories],
        }
    )
    decisions = pd.DataFrame(
        [asdict(d) for d in realised(after)],
        columns=[
            "month",
            "territory",
            "kind",
            "measured_effect",
            "true_effect",
            "inflated",
            "contract",
        ],
    )
    decisions["contract"] = pd.array(decisions["contract"], "Int64")
    contracts = pd.DataFrame([u.row() for u in after.contracts])
    designs = pd.DataFrame(
        [asdict(d) for d in after.designs],
        columns=list(DesignChoice.__dataclass_fields__),
    )
    return {
        "territories": territories,
        "decisions": decisions,
        "next_contracts": contracts,
        "designs": designs,
    }


def realised(after: AfterContract) -> list[Decision]:
    """Decisions with the truth of the contract they led to, where it was measured."""
    out = []
    for d in after.decisions:
        if d.contract is not None:
            truth = _true_effect(after.contracts[d.contract - 1])
            if truth is not None:
                inflated = d.measured_effect > 0 and (
                    truth < after.params.inflated_ratio * d.measured_effect
                )
                d = replace(d, true_effect=truth, inflated=inflated)
        out.append(d)
    return out


def _enrolled(unit: NextContract) -> int:
    m = unit.model
    return int((m.population.enrol_month >= 0).sum()) if m is not None else 0


def _true_effect(unit: NextContract) -> float | None:
    m = unit.model
    if m is None or not m.evaluator.results:
        return None
    served = _enrolled(unit)
    return true_avoided_served(m) / served if served else None


def _mean(values: Any) -> float | None:
    xs = [float(v) for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(xs)) if xs else None


# ---------------------------------------------------------------- reporters (time series)
def _after(model: CISModel) -> AfterContract:
    assert model.after is not None
    return model.after


def report_adopted(model: CISModel) -> int:
    return sum(t.stage == Stage.adopted for t in _after(model).territories)


def report_reached(model: CISModel) -> int:
    return sum(t.reached for t in _after(model).territories) if model.signed else 0


def report_people_covered(model: CISModel) -> int:
    return people_covered(_after(model))


def report_public_spending(model: CISModel) -> float:
    return public_spending(_after(model))


def report_capacity(model: CISModel) -> float:
    return _after(model).operator.capacity


def report_fidelity(model: CISModel) -> float:
    return _after(model).operator.fidelity


def report_reinvestment(model: CISModel) -> float:
    return _after(model).investors.reinvested


def report_grants(model: CISModel) -> float:
    return _after(model).operator.grants


def report_transaction_costs(model: CISModel) -> float:
    return _after(model).next_transaction_costs


def report_next_contracts(model: CISModel) -> int:
    return sum(u.terms.kind == ContractKind.outcome for u in _after(model).contracts)


def report_practices(model: CISModel) -> float:
    return float(np.mean([t.practices for t in _after(model).territories]))


AFTER_REPORTERS = {
    "territories_adopted": report_adopted,
    "territories_reached": report_reached,
    "people_covered": report_people_covered,
    "public_spending_after": report_public_spending,
    "operator_capacity": report_capacity,
    "operator_fidelity": report_fidelity,
    "investor_reinvestment": report_reinvestment,
    "philanthropy_grants": report_grants,
    "transaction_costs_after": report_transaction_costs,
    "next_contracts": report_next_contracts,
    "practices_mean": report_practices,
}
