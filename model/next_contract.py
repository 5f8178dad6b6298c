"""A later contract of the world: the same contract unit as the first, in another territory.

Why the same unit: the issue with scale-up is that creaming, parking, gaming and the bias of a
weak evaluation must be able to reappear — or not — under each contract's own rules. So a later
contract is a `CISModel` built from a scenario of its own: its territory's eligible people (drawn
from a stream `[seed, 7000 + k]`), its operator (the first operator's branch, with what that
operator learnt and the fidelity its growth left, or a replicating organisation), the terms its
payer designed, its own evaluator and investors. Its agents pay through a `LedgerView` onto the
world's one ledger. Nothing of the first contract's measured bias or effect is copied.

An adoption into ordinary policy is the same unit with `contract.kind = "public"`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from cislab.model.evidence import Evidence, method_variance_factor, pooled_result
from cislab.model.ledger import Ledger
from cislab.model.ledger_view import LedgerView
from cislab.model.schema import ContractKind, Evaluation, Metric, Scenario, Selection
from cislab.model.summary import summary

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

SEED_STREAM = 7000  # later contract k draws from [seed, SEED_STREAM + k]
PARTIES = ("state", "investor", "operator", "evaluator", "intermediary", "guarantor", "economy")


@dataclass
class Terms:
    """What a later contract is: who runs it where, for whom, on which terms."""

    kind: ContractKind
    territory: int
    per_year: float  # people a year it serves
    years: int  # years of enrolment
    eligible: int  # eligible people of the territory over those years
    context: float  # how well the programme works there (never seen by deciders)
    fidelity: float  # share of the first operator's effectiveness its operator keeps
    branch: bool  # the first operator's branch (else a replicating organisation)
    evaluation: Evaluation
    selection: Selection
    price_per_outcome: float
    max_payment: float
    capital: float  # investors' commitment (0 for a public service)
    metric_weights: tuple[float, ...] | None = None
    months: int | None = None  # months to run (public services run to the horizon)


@dataclass
class NextContract:
    """A later contract of the world, from signature to close."""

    index: int  # k ≥ 1 (the first contract is 0)
    terms: Terms
    signed: int  # world month
    start: int  # world month its service starts (its own month 0)
    national: bool = False
    transaction_cost: float = 0.0
    funded: dict[str, float] = field(default_factory=dict)  # world account → money put in
    model: CISModel | None = None
    closed_month: int | None = None
    stop_month: int | None = None  # a public service dropped: close once service is over
    published: int = 0  # primary results published so far

    @property
    def suffix(self) -> str:
        return f"#{self.index}"

    @property
    def live(self) -> bool:
        return self.closed_month is None

    def over(self, month: int) -> bool:
        """Nothing left to run: its calendar is done, or a dropped service has wound down."""
        if self.model is None:
            return False
        if self.stop_month is not None and month >= self.stop_month:
            return True
        return not self.model.running

    # ------------------------------------------------------------------ money
    def fund(self, ledger: Ledger, month: int, payer: str, party: str, amount: float) -> float:
        """Put money of a world account into one of this contract's accounts."""
        paid = ledger.pay(
            month,
            payer,
            party + self.suffix,
            min(amount, ledger.balance(payer)),
            "contract_funding",
        )
        self.funded[payer] = self.funded.get(payer, 0.0) + paid
        return paid

    def close(self, ledger: Ledger, month: int, home: dict[str, str]) -> None:
        """Give every balance back where it came from: the payer's budget line to its funders
        (pro rata), investors' cash to their pool, each other party to its world account."""
        self.closed_month = month
        state = "state" + self.suffix
        left = ledger.balance(state)
        total = sum(a for payer, a in self.funded.items() if payer != "impact_investors")
        for payer, amount in sorted(self.funded.items()):
            if payer != "impact_investors" and total > 0 and left > 0:
                ledger.pay(month, state, payer, left * amount / total, "contract_closing")
        for party, world in home.items():
            account = party + self.suffix
            if ledger.balance(account) > 0 and world:
                ledger.pay(month, account, world, ledger.balance(account), "contract_closing")

    # ------------------------------------------------------------------ results
    def step(self) -> None:
        if self.model is not None and self.model.running:
            self.model.step()

    def new_evidence(self, month: int, final: bool) -> Evidence | None:
        """Its pooled primary result, when a cohort was measured since the last look."""
        m = self.model
        if m is None:
            return None
        count = len(primary_results(m))
        if count == self.published and not final:
            return None
        self.published = count
        first = m.config.outcome_metrics[0]
        return contract_evidence(
            m,
            month,
            self.terms.territory,
            self.index,
            first.evaluation or m.config.contract.evaluation,
            first.kind == Metric.binary,
            final,
        )

    def row(self) -> dict[str, Any]:
        """Its line of the `next_contracts` table: terms, then what emerged."""
        t = self.terms
        row: dict[str, Any] = {
            "contract": self.index,
            "territory": t.territory,
            "kind": t.kind.value,
            "national": self.national,
            "signed": self.signed,
            "start": self.start,
            "closed": self.closed_month,
            "operator": "branch" if t.branch else "replicator",
            "fidelity": t.fidelity,
            "context": t.context,
            "evaluation": t.evaluation.value,
            "selection": t.selection.value,
            "price_per_outcome": t.price_per_outcome,
            "max_payment": t.max_payment,
            "people_per_year": t.per_year,
            "eligible": t.eligible,
            "transaction_cost": self.transaction_cost,
        }
        m = self.model
        s = summary(m) if m is not None else {}
        for key in (
            "contract_signed",
            "terminated",
            "enrolled",
            "creaming_index",
            "parking_index",
            "gaming_index",
            "true_effect",
            "measured_effect",
            "cohorts_measured",
            "cohorts_paid",
            "outcome_payments",
            "investor_invested",
            "investor_returned",
            "investor_irr",
        ):
            row[key] = s.get(key)
        if not row["cohorts_measured"]:  # nobody measured yet: no effect to report
            row["true_effect"] = row["measured_effect"] = None
        outcome = t.kind == ContractKind.outcome
        row["passed"] = bool(s.get("cohorts_paid")) if m is not None and outcome else None
        row["true_avoided"] = true_avoided_served(m)
        return row


def primary_results(m: CISModel) -> list[Any]:
    """A contract's results on its primary metric (the first one measured), so far."""
    primary = m.config.outcome_metrics[0].name
    return [r for r in m.evaluator.results if r.metric == primary]


def contract_evidence(
    m: CISModel,
    month: int,
    territory: int,
    unit: int,
    method: Evaluation,
    binary: bool,
    final: bool,
) -> Evidence | None:
    """What a contract publishes — the first one or any later one: its pooled primary result
    under `method`, and the creaming its payer can see; None before anyone was counted."""
    e = m.config.evaluator
    factor = method_variance_factor(method, e.rct_control_share, e.comparison_matches)
    pooled = pooled_result(primary_results(m), method, binary, factor)
    if pooled is None:
        return None
    effect, se, people, counterfactual = pooled
    return Evidence(
        territory,
        month,
        method,
        effect,
        se,
        people,
        final,
        unit,
        observed_creaming(m),
        counterfactual,
    )


def observed_creaming(m: CISModel) -> float:
    """1 − mean administrative risk of those enrolled ÷ that of the eligible (payer's data)."""
    enrolled = m.population.enrol_month >= 0
    if not enrolled.any() or m.eligible_admin_risk <= 0:
        return 0.0
    risk = m.public.admin_risk(m.population.admin_score[enrolled])
    return float(1.0 - risk.mean() / m.eligible_admin_risk)


def true_avoided_served(m: CISModel | None) -> float:
    """True avoided events of everyone served in cohorts measured so far (model knowledge)."""
    if m is None:
        return 0.0
    return float(sum(r.true_avoided_served for r in primary_results(m)))


def unit_seed(world_seed: int, index: int) -> int:
    """The integer behind every stream of later contract `index`."""
    state = np.random.SeedSequence([world_seed, SEED_STREAM + index]).generate_state(1, np.uint64)
    return int(state[0] % (2**63 - 1))


def unit_scenario(first: Scenario, terms: Terms) -> Scenario:
    """The scenario of a later contract: the first contract's programme and parties, resized to
    its territory, run by its operator on the terms its payer chose."""
    data = first.model_dump(mode="python")
    iv, op = first.intervention, first.operator
    years = max(1, terms.years)
    places = terms.per_year * iv.service_months / 12.0
    data["population"]["size"] = max(terms.eligible, 10)
    data["intervention"]["effect"] = min(5.0, iv.effect * terms.context * terms.fidelity)
    data["operator"].update(
        caseworkers=max(1, math.ceil(places / op.caseload_per_worker)),
        cash=0.0,
        intake_per_month=0,
    )
    data["investor"].update(capital=terms.capital, guarantee_amount=0.0)
    data["state"]["budget"] = max(terms.max_payment, 0.0)
    c = data["contract"]
    c.update(
        kind=terms.kind,
        cohorts=years,
        cohort_months=12,
        evaluation=terms.evaluation,
        selection=terms.selection,
        price_per_outcome=terms.price_per_outcome,
        max_payment=terms.max_payment,
        intermediary_fee=0.0,  # structuring was paid at signature, by the payer
        overall_threshold=0.0,
    )
    if terms.metric_weights and c.get("metrics"):
        for metric, weight in zip(c["metrics"], terms.metric_weights, strict=False):
            metric["weight"] = weight
    if terms.kind == ContractKind.public:
        data["evaluator"]["fee_per_measurement"] = 0.0  # administrative follow-up
    ctx = data["context"]
    ctx["policy_change_month"] = -1  # the first contract's own event
    ctx["shock_month"] = -1
    data["after"]["horizon_years"] = 0
    data["validation"] = []
    return Scenario.model_validate(data)


def build_unit(unit: NextContract, first: CISModel, world_seed: int) -> CISModel:
    """Create the contract at its start — people, parties, on the world's ledger — with the
    first contract's own class: every contract of the world is the same unit."""
    scenario = unit_scenario(first.config, unit.terms)
    view = LedgerView(first.ledger, unit.suffix, unit.start)
    model = type(first)(
        scenario, rng=unit_seed(world_seed, unit.index), months=unit.terms.months, ledger=view
    )
    if unit.terms.branch:  # the branch starts with what the first operator learnt
        model.operator.client_months = first.operator.client_months
        model.operator.offsets = first.operator.offsets.copy()
        model.operator.offset_counts = first.operator.offset_counts.copy()
    unit.model = model
    return model
