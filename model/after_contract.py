"""After the contract: adoption, development with new funding, durable practices, diffusion.

The three "after-CIS" axes of FAIR (2021, `../shared/seeds/000_…`) over a horizon of years,
across territories on a graph (MODEL.md §5). Nothing here is scripted: each outcome follows from
a decision taken on what the decider can see.

1. Learnings into public policy — each territory's State (`agents/territory.py`) reviews its
   evidence every year and may fund the programme from its ordinary budget, before final results
   if interim ones convince it (Duo for a Job); a national reform may absorb it.
2. Development with new funding — impact investors finance next outcome-based contracts while
   their track record (the first contract included) has given their money back; philanthropy
   funds the operator's growth when it finds the evidence convincing; the operator grows towards
   the places it is asked for, at a capped pace, and growth above a safe pace lowers the fidelity
   (true effect) of the service for a while.
3. Durable practices — each contract leaves data systems, outcome-based contracting and
   partnership habits in its territory (decaying slowly, spreading to neighbours); they cut the
   transaction costs and structuring time of that territory's next contracts.

A national programme (like the French 2016 call for projects) is an event with its own window,
budget and rules: it co-funds outcome payments and set-up costs of the contracts it selects.

Next contracts are simulated in reduced form, not person by person: they are the first
contract's design in another territory, so their measured effect is their true effect (the first
contract's, times fidelity and the territory's context) plus the bias the evaluation method
showed in the first contract plus sampling noise. Every euro moves through the model's ledger,
and nothing here touches the contract's accounts until the contract is over.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from cislab.agents.territory import Stage, Territory, believe, discount, pass_probability
from cislab.model.finance import capped_due
from cislab.model.schema import Evaluation, Metric
from cislab.model.territories import build_graph, draw_territories
from mesa.discrete_space import Network

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

AFTER_STREAM = 41  # random stream of the post-contract phase (the contract uses low numbers)
REVIEW_MONTH = 11  # budget reviews at the end of each year of the run


@dataclass
class Evidence:
    """A published evaluation result, in metric units per person served."""

    source: int  # territory whose programme was evaluated
    month: int
    method: Evaluation
    effect: float  # measured effect per person served
    se: float  # its standard error
    people: float  # people served it rests on
    final: bool  # False for interim results of a running contract


@dataclass
class NextContract:
    """An outcome-based contract signed after the first one, in reduced form."""

    territory: int
    signed: int
    start: int  # first month of service
    end: int  # first month without new service
    measure: int  # month its results are measured and paid
    people_per_year: float
    transaction_cost: float
    national: bool  # selected by the national programme
    max_payment: float
    capital: float  # what investors committed to advance
    served: float = 0.0
    true_avoided: float = 0.0
    unpaid_cost: float = 0.0
    advanced: list[tuple[int, float]] = field(default_factory=list)
    repaid: list[tuple[int, float]] = field(default_factory=list)
    measured_effect: float | None = None
    true_effect: float | None = None
    passed: bool | None = None
    paid: float = 0.0

    @property
    def invested(self) -> float:
        return sum(a for _, a in self.advanced)

    @property
    def returned(self) -> float:
        return sum(a for _, a in self.repaid)


@dataclass
class Decision:
    """A scale-up decision and the evidence it was taken on, beside the truth where it scales."""

    month: int
    territory: int  # -1 for the operator's funders
    kind: str  # adopt | contract | grant | reform
    measured_effect: float
    true_effect: float
    inflated: bool


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


def measured_mean(evidence: list[Evidence]) -> float | None:
    """People-weighted mean of published measured effects: what a decision rests on."""
    people = sum(e.people for e in evidence)
    return sum(e.effect * e.people for e in evidence) / people if people > 0 else None


class AfterContract:
    """The post-contract phase of one run; `model.after` when the horizon is above zero."""

    def __init__(self, model: CISModel) -> None:
        self.model = model
        sc = model.config
        self.params = sc.after
        self.national = sc.programme
        self.method = sc.contract.evaluation
        self.rng = np.random.default_rng([model.seed, AFTER_STREAM])
        # A stream of its own, so the contract's draws are the same with or without this phase.
        self.random = random.Random(int(self.rng.integers(0, 2**63 - 1)))
        graph = build_graph(sc.territories, self.random)
        draws = draw_territories(sc.territories, self.rng)
        self.space = Network(graph, capacity=1, random=self.random, layout=None)
        self.credibility = {m: getattr(self.params, f"credibility_{m.value}") for m in Evaluation}

        iv, op, c = sc.intervention, sc.operator, sc.contract
        enrol_months = c.cohorts * c.cohort_months
        self.home_people_per_year = sc.population.size * 12.0 / enrol_months
        self.planned_people = float(sc.intake_per_month * enrol_months)
        monthly = (
            op.caseworkers * op.staff_cost_per_worker_month
            + op.fixed_costs_month
            + sc.capacity * op.cost_per_place_month
        )
        self.cost_per_person = monthly / sc.capacity * iv.service_months
        self.savings_per_event = sc.state.cost_per_event
        self.horizon_weight = discount(
            iv.service_months + c.measurement_months, sc.state.political_horizon_months
        )
        self.min_people_per_year = op.caseload_per_worker * 12.0 / iv.service_months
        self.base_transaction_cost = (
            c.intermediary_fee + c.cohorts * sc.evaluator.fee_per_measurement
        )
        self.structuring_share = c.intermediary_fee / max(self.base_transaction_cost, 1e-9)

        self.territories = [
            Territory(
                model,
                self.space[i],
                i,
                int(graph.nodes[i]["region"]),
                self.home_people_per_year * float(draws.size[i]),
                float(draws.budget[i]),
                float(draws.context[i]),
            )
            for i in range(sc.territories.count)
        ]
        years = (sc.contract_months + sc.after_months) / 12.0 + 1.0
        for t in self.territories:
            model.ledger.open(t.account, t.budget_per_year * years)
        model.ledger.open("national_programme", self.national.budget)
        model.ledger.open("impact_investors", self.params.investor_pool)
        model.ledger.open("philanthropy", self.params.philanthropy_pool)

        self.evidence: list[Evidence] = []
        self.seen_results = 0
        self.true_home: float | None = None  # true effect per person served (model knowledge)
        self.bias_home = 0.0
        self.counterfactual_home = 0.0
        self.home_closed = False
        self.final_month: int | None = None
        self.track_invested = 0.0
        self.track_returned = 0.0
        self.base_capacity = float(sc.intake_per_month * 12)
        self.capacity = self.base_capacity if model.signed else 0.0
        self.peak_capacity = self.capacity
        self.fidelity = 1.0
        self.lowest_fidelity = 1.0
        self.stopped_month: int | None = None
        self.contracts: list[NextContract] = []
        self.decisions: list[Decision] = []
        self.applicants: list[tuple[float, Territory, float]] = []
        self.laureates = 0
        self.national_committed = 0.0
        self.investor_committed = 0.0
        self.reform_month: int | None = None
        self.due: dict[int, float] = {}
        self.people_covered = 0.0
        self.true_avoided = 0.0
        self.public_spending = 0.0
        self.reinvested = 0.0
        self.grants = 0.0
        self.next_transaction_costs = 0.0

    # ------------------------------------------------------------------ shared views
    def published(self) -> list[Evidence]:
        """Every result published so far (what national funders and philanthropy read)."""
        return list(self.evidence)

    def held(self, t: Territory) -> list[Evidence]:
        """The evidence a State holds: its own results and what reached it (see `_spread`)."""
        return [e for i, e in enumerate(self.evidence) if e.source == t.index or i in t.known]

    def transaction_cost(self, t: Territory) -> float:
        """A next contract costs what the first did to structure and evaluate, less what the
        territory's durable practices save."""
        return self.base_transaction_cost * (1.0 - self.params.practice_effect * t.practices)

    def structuring_months(self, t: Territory) -> int:
        return round(
            self.params.contract_lead_months * (1.0 - self.params.practice_effect * t.practices)
        )

    def max_payment(self, people: float) -> float:
        """The first contract's maximum payment, scaled to a contract's size."""
        return self.model.config.contract.max_payment * people / max(self.planned_people, 1.0)

    def standard_error(self, mean_outcome: float, people: float) -> float:
        """Sampling error of a measured effect per person served, under the run's method."""
        sc = self.model.config
        if sc.contract.metric == Metric.binary:
            y = min(max(mean_outcome, 1e-6), 1.0 - 1e-6)
            var = y * (1.0 - y)
        else:
            var = max(mean_outcome, 1e-6)
        n = max(people, 1.0)
        if self.method == Evaluation.rct:
            share = sc.evaluator.rct_control_share
            factor = 1.0 + (1.0 - share) / share
        elif self.method == Evaluation.pre_post:
            factor = 1.0
        else:
            factor = 1.0 + 1.0 / sc.evaluator.comparison_matches
        return math.sqrt(var * factor / n)

    def threshold_effect(self) -> float:
        """Measured effect per person a contract's trigger asks for."""
        c = self.model.config.contract
        if c.threshold_kind == "relative":
            return c.threshold * self.counterfactual_home
        if c.threshold_kind == "success_rate":
            return c.threshold - 1.0 + self.counterfactual_home
        return c.threshold

    def expected_payment(self, evidence: list[Evidence], people: float) -> float:
        """Outcome payments a contract for `people` would bring, judged on measured results."""
        measured = measured_mean(evidence)
        if measured is None or people <= 0:
            return 0.0
        outcome = self.counterfactual_home - measured
        se = self.standard_error(outcome, people)
        chance = pass_probability(measured, se, self.threshold_effect())
        price = self.model.config.contract.price_per_outcome
        return chance * min(price * max(measured, 0.0) * people, self.max_payment(people))

    def capital_needed(self, per_year: float) -> float:
        """What investors advance for a next contract: the new places, then delivery."""
        years = self.params.next_contract_years
        return per_year * (self.params.growth_cost_per_place + years * self.cost_per_person)

    def true_effect_in(self, t: Territory | None) -> float:
        """True effect per person served where the programme scales (never read by deciders)."""
        context = t.context if t is not None else 1.0
        return (self.true_home or 0.0) * self.fidelity * context

    def investors_open(self) -> bool:
        """Satisfied investors reinvest: the contracts they financed gave their money back."""
        return (
            self.home_closed
            and self.track_invested > 0
            and (self.track_returned >= self.track_invested)
        )

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        model = self.model
        month = model.month
        if not model.signed:
            return
        self._publish_home_results(month)
        if not self.home_closed and month >= model.config.contract_months - 1:
            self._close_home_contract(month)
        for contract in self.contracts:
            t = self.territories[contract.territory]
            if contract.start == month and t.stage == Stage.structuring:
                t.stage = Stage.contract
        self._serve(month)
        for contract in self.contracts:
            if contract.measure == month:
                self._measure(contract, month)
        if month % 12 == REVIEW_MONTH:
            self._review(month)

    def _primary_results(self) -> list[Any]:
        """The contract's results for its primary metric (the first one measured)."""
        results = self.model.evaluator.results
        if not results:
            return []
        first = getattr(results[0], "metric", None)
        return [r for r in results if getattr(r, "metric", None) == first]

    def _publish_home_results(self, month: int) -> None:
        """Each cohort measured by the contract's evaluator is published, pooled so far."""
        results = self._primary_results()
        if len(results) == self.seen_results:
            return
        self.seen_results = len(results)
        counted = sum(r.counted for r in results)
        enrolled = sum(r.enrolled for r in results)
        served = enrolled if self.method == Evaluation.rct else counted
        if served <= 0 or counted <= 0:
            return
        measured = sum(r.measured_outcomes for r in results) / served
        self.true_home = sum(r.true_avoided for r in results) / served
        self.bias_home = measured - self.true_home
        self.counterfactual_home = sum(r.counterfactual_mean * r.counted for r in results) / counted
        outcome = sum(r.outcome_mean * r.counted for r in results) / counted
        se = self.standard_error(outcome, counted) * counted / served
        home = [e for e in self.evidence if e.source == 0]
        if home:  # interim results are updated in place: one published item per contract
            home[0].month, home[0].effect, home[0].se, home[0].people = month, measured, se, served
        else:
            self.evidence.append(Evidence(0, month, self.method, measured, se, served, False))

    def _close_home_contract(self, month: int) -> None:
        """The contract is over: its results are final, its practices stay, investors judge it."""
        self.home_closed = True
        self.final_month = month
        for item in self.evidence:
            if item.source == 0:
                item.final = True
        home = self.territories[0]
        home.practices += self.params.practice_gain * (1.0 - home.practices)
        ledger = self.model.ledger
        self.track_invested += ledger.total(payer="investor")
        self.track_returned += ledger.total(payee="investor")

    # ------------------------------------------------------------------ service
    def _serve(self, month: int) -> None:
        """The operator serves what is funded, in order, while its capacity lasts: contracts
        first (it promised their places), then adopted services by the date they started — it
        opens a territory's service when it has the staff for it."""
        demands: list[tuple[Territory, float, NextContract | None]] = [
            (self.territories[c.territory], c.people_per_year, c)
            for c in sorted(self.contracts, key=lambda c: (c.start, c.territory))
            if c.start <= month < c.end
        ]
        adopted = [
            t
            for t in self.territories
            if t.stage == Stage.adopted and t.start_month is not None and t.start_month <= month
        ]
        demands += [(t, t.people_per_year, None) for t in sorted(adopted, key=_start_order)]
        available = self.capacity
        if month < self.model.delivery_end and self.model.service_stopped is None:
            available -= self.base_capacity  # the contract's own places are taken
        for t, per_year, contract in demands:
            places = min(per_year, max(available, 0.0))
            available -= places
            served = places / 12.0
            if served <= 0:
                break
            avoided = served * self.true_effect_in(t)
            t.served += served
            t.reached = True
            self.people_covered += served
            self.true_avoided += avoided
            if contract is None:
                self.due[t.index] = self.due.get(t.index, 0.0) + served * self.cost_per_person
            else:
                contract.served += served
                contract.true_avoided += avoided
                contract.unpaid_cost += served * self.cost_per_person

    def _settle(self, month: int) -> None:
        """Pay for last year's service: budgets for adopted places, investors for contracts."""
        ledger = self.model.ledger
        costs = 0.0
        for index, amount in sorted(self.due.items()):
            t = self.territories[index]
            paid = ledger.pay(
                month, t.account, "operator", min(amount, ledger.balance(t.account)), "droit_commun"
            )
            self.public_spending += paid
            costs += paid
        self.due = {}
        for contract in self.contracts:
            costs += self._advance(contract, month)
        ledger.pay(
            month,
            "operator",
            "economy",
            min(costs, ledger.balance("operator")),
            "post_contract_service",
        )

    def _advance(self, contract: NextContract, month: int) -> float:
        """Investors advance a contract's delivery costs."""
        ledger = self.model.ledger
        amount = min(contract.unpaid_cost, ledger.balance("impact_investors"))
        contract.unpaid_cost = 0.0
        if amount > 0:
            ledger.pay(month, "impact_investors", "operator", amount, "next_contract_capital")
            contract.advanced.append((month, amount))
            self.reinvested += amount
        return amount

    # ------------------------------------------------------------------ next contracts
    def _measure(self, contract: NextContract, month: int) -> None:
        """Measure a next contract, pay on the result, publish it, keep its practices."""
        model, ledger = self.model, self.model.ledger
        sc = model.config
        t = self.territories[contract.territory]
        ledger.pay(
            month, "operator", "economy", self._advance(contract, month), "post_contract_service"
        )
        people = contract.served
        contract.true_effect = contract.true_avoided / people if people > 0 else 0.0
        se = self.standard_error(self.counterfactual_home - contract.true_effect, people)
        noise = float(self.rng.normal())
        measured = contract.true_effect + self.bias_home + se * noise if people > 0 else 0.0
        contract.measured_effect = measured
        contract.passed = people > 0 and measured >= self.threshold_effect()
        own = 1.0 - (self.national.outcome_share if contract.national else 0.0)
        if contract.passed:
            due = min(
                sc.contract.price_per_outcome * max(measured, 0.0) * people, contract.max_payment
            )
            national = ledger.pay(
                month,
                "national_programme",
                "operator",
                min(due * (1.0 - own), ledger.balance("national_programme")),
                "next_contract_outcome_payment",
            )
            local = ledger.pay(
                month,
                t.account,
                "operator",
                min(due * own, ledger.balance(t.account)),
                "next_contract_outcome_payment",
            )
            contract.paid = national + local
            self.public_spending += contract.paid
            owed = capped_due(contract.advanced, contract.repaid, month, sc.contract.return_cap)
            back = ledger.pay(
                month,
                "operator",
                "impact_investors",
                min(contract.paid, owed, ledger.balance("operator")),
                "next_contract_repayment",
            )
            if back > 0:
                contract.repaid.append((month, back))
        if contract.national:
            self.national_committed -= (1.0 - own) * contract.max_payment
        self.investor_committed -= contract.capital
        t.committed -= own * contract.max_payment / self.params.next_contract_years
        self.track_invested += contract.invested
        self.track_returned += contract.returned
        if people > 0:
            self.evidence.append(Evidence(t.index, month, self.method, measured, se, people, True))
        t.practices += self.params.practice_gain * (1.0 - t.practices)
        if t.stage in (Stage.contract, Stage.structuring):
            t.stage = Stage.idle

    def investors_fund(self, evidence: list[Evidence], people: float) -> bool:
        """Impact investors weigh expected repayments (on measured results) against capital."""
        if not self.investors_open():
            return False
        inv = self.model.config.investor
        capital = self.capital_needed(people / self.params.next_contract_years)
        if self.model.ledger.balance("impact_investors") - self.investor_committed < capital:
            return False
        years = self.params.next_contract_years + 1.0
        need = capital * (1.0 + inv.required_return) ** years
        return self.expected_payment(evidence, people) >= (1.0 - inv.risk_appetite) * need

    def national_open(self, month: int) -> bool:
        n = self.national
        return (
            n.start_month >= 0
            and n.start_month <= month < n.start_month + n.open_months
            and self.laureates < n.max_contracts
            and self.credibility[self.method] >= n.min_credibility
        )

    def consider_contract(self, t: Territory, evidence: list[Evidence], wanted: float) -> None:
        """A State weighs trying the programme through an outcome-based contract of its own."""
        month = self.model.month
        years = self.params.next_contract_years
        if t.index == 0 and not self.home_closed:
            return
        per_year = self._affordable_contract(t, wanted)
        if per_year < self.min_people_per_year:
            return
        people = per_year * years
        if not self.investors_fund(evidence, people):
            return
        if self.national_open(month):
            n = self.national
            value = t.contract_value(evidence, people, n.outcome_share, n.cost_share)
            if value > 0:
                self.applicants.append((value, t, per_year))
                return
        if t.contract_value(evidence, people, 0.0, 0.0) > 0:
            self._sign(t, per_year, national=False, evidence=evidence)

    def _affordable_contract(self, t: Territory, wanted: float) -> float:
        """People a year for a contract like the first one (a pilot, not a roll-out), within
        what the State wants and what its free budget can promise in maximum payments."""
        per_year = min(wanted, self.base_capacity)
        per_person = self.max_payment(1.0) / self.params.next_contract_years
        if per_person <= 0:
            return per_year
        return min(per_year, t.free_budget() / per_person)

    def _select_laureates(self, month: int) -> None:
        """The national programme picks its laureates by value, within its budget and count;
        applicants it turns down may still contract alone if that pays for them."""
        n = self.national
        applicants = list(self.applicants)
        self.random.shuffle(applicants)  # equal values are served in random order
        for _value, t, per_year in sorted(applicants, key=lambda a: -a[0]):
            evidence = self.held(t)
            people = per_year * self.params.next_contract_years
            cost = n.outcome_share * self.max_payment(people)
            cost += n.cost_share * self.transaction_cost(t)
            room = self.model.ledger.balance("national_programme") - self.national_committed
            if not self.investors_fund(evidence, people):
                continue
            if self.laureates < n.max_contracts and cost <= room:
                self._sign(t, per_year, national=True, evidence=evidence)
            elif t.contract_value(evidence, people, 0.0, 0.0) > 0:
                self._sign(t, per_year, national=False, evidence=evidence)
        self.applicants = []

    def operator_accepts(self, per_year: float, start: int) -> bool:
        """The operator takes a contract only if the places it has promised by `start`, this one
        included, fit the capacity it can reach by then growing at its fastest."""
        month = self.model.month
        reachable = max(self.capacity, self.base_capacity) * (1.0 + self.params.max_growth) ** (
            (start - month) / 12.0
        )
        return self._demand_at(start) + per_year <= reachable

    def _demand_at(self, month: int) -> float:
        """Places a year funded at `month`: adopted services started by then, running contracts."""
        demand = sum(
            t.people_per_year
            for t in self.territories
            if t.stage == Stage.adopted and t.start_month is not None and t.start_month <= month
        )
        return demand + sum(c.people_per_year for c in self.contracts if c.start <= month < c.end)

    def _sign(
        self, t: Territory, per_year: float, national: bool, evidence: list[Evidence]
    ) -> None:
        month = self.model.month
        ledger = self.model.ledger
        years = self.params.next_contract_years
        iv = self.model.config.intervention
        people = per_year * years
        cost = self.transaction_cost(t)
        share = self.national.cost_share if national else 0.0
        start = month + self.structuring_months(t)
        if not self.operator_accepts(per_year, start):
            return
        end = start + 12 * years
        contract = NextContract(
            territory=t.index,
            signed=month,
            start=start,
            end=end,
            measure=end + iv.service_months + self.model.config.contract.measurement_months - 1,
            people_per_year=per_year,
            transaction_cost=cost,
            national=national,
            max_payment=self.max_payment(people),
            capital=self.capital_needed(per_year),
        )
        for payer, part in (("national_programme", share), (t.account, 1.0 - share)):
            amount = min(cost * part, ledger.balance(payer))
            fee = ledger.pay(
                month,
                payer,
                "intermediary",
                amount * self.structuring_share,
                "next_contract_structuring",
            )
            fee += ledger.pay(
                month,
                payer,
                "evaluator",
                amount * (1.0 - self.structuring_share),
                "next_contract_evaluation",
            )
            self.public_spending += fee
        own = 1.0 - (self.national.outcome_share if national else 0.0)
        if national:
            self.laureates += 1
            self.national_committed += (1.0 - own) * contract.max_payment
        self.investor_committed += contract.capital
        growth = ledger.pay(
            month,
            "impact_investors",
            "operator",
            min(per_year * self.params.growth_cost_per_place, ledger.balance("impact_investors")),
            "next_contract_growth_capital",
        )
        if growth > 0:  # the places this contract needs are financed up front
            contract.advanced.append((month, growth))
            self.reinvested += growth
        t.committed += own * contract.max_payment / years
        t.stage = Stage.structuring
        t.contracts += 1
        t.transaction_costs += cost
        self.next_transaction_costs += cost
        self.contracts.append(contract)
        self._decide(month, t.index, "contract", evidence, self.true_effect_in(t))

    # ------------------------------------------------------------------ adoption
    def adopt(
        self, t: Territory, per_year: float, evidence: list[Evidence], kind: str = "adopt"
    ) -> None:
        """Fund the programme from the ordinary budget, after the budget cycle's lead time."""
        month = self.model.month
        start = month + self.params.adoption_lead_months
        if t.index == 0:
            start = max(start, self.model.delivery_end)
        for contract in self.contracts:
            if contract.territory == t.index and contract.measure >= month:
                start = max(start, contract.end)
        t.stage = Stage.adopted
        t.adopted_month = month
        t.start_month = start
        t.people_per_year = per_year
        t.committed += per_year * self.cost_per_person
        if kind == "adopt":
            self._decide(month, t.index, kind, evidence, self.true_effect_in(t))

    def drop(self, t: Territory) -> None:
        """Failures stop: the State no longer funds the programme."""
        t.stage = Stage.idle
        t.dropped_month = self.model.month
        t.committed = max(0.0, t.committed - t.people_per_year * self.cost_per_person)
        t.people_per_year = 0.0

    def _reform(self, month: int) -> None:
        """A national reform absorbs the programme once enough territories have adopted it."""
        share = self.national.reform_share
        if share <= 0 or self.reform_month is not None:
            return
        adopted = sum(t.stage == Stage.adopted for t in self.territories)
        if adopted < share * len(self.territories):
            return
        self.reform_month = month
        evidence = self.published()
        self._decide(month, -1, "reform", evidence, self.true_effect_in(None))
        for t in self.territories:
            if t.stage == Stage.idle:
                wanted = self.params.take_up * t.eligible_per_year
                per_year = min(wanted, t.free_budget() / self.cost_per_person)
                if per_year >= self.min_people_per_year:
                    self.adopt(t, per_year, evidence, kind="reform")

    # ------------------------------------------------------------------ the operator's growth
    def _demand_next_year(self, month: int) -> float:
        """The most places a year funded at any time in the next twelve months."""
        return max(self._demand_at(m) for m in range(month + 1, month + 13))

    def _committed_later(self, month: int) -> bool:
        """Work promised beyond the next year: adopted services or contracts yet to start."""
        later = any(
            t.stage == Stage.adopted and t.start_month is not None and t.start_month > month + 12
            for t in self.territories
        )
        return later or any(c.start > month + 12 for c in self.contracts)

    def _grow(self, month: int) -> None:
        """Grow towards the places funded next year; philanthropy may pay for the growth.

        Fidelity recovers part of its gap each year; growth faster than `safe_growth` costs
        fidelity in proportion to the excess. Unfunded places are let go.
        """
        ledger = self.model.ledger
        p = self.params
        self.fidelity += p.quality_recovery * (1.0 - self.fidelity)
        demand = self._demand_next_year(month)
        need = demand - self.capacity
        if need <= 0:  # unfunded places are let go; a core team stays while work is promised
            core = self.base_capacity if self._committed_later(month) else 0.0
            self.capacity = max(demand, min(core, self.capacity))
        else:
            evidence = self.published()
            believed = believe(evidence, self.credibility, p.prudence, lambda _item: 1.0) or 0.0
            ratio = believed * self.savings_per_event * self.horizon_weight / self.cost_per_person
            if ratio >= p.adoption_threshold and ledger.balance("philanthropy") > 0:
                grant = ledger.pay(
                    month,
                    "philanthropy",
                    "operator",
                    min(need * p.growth_cost_per_place, ledger.balance("philanthropy")),
                    "growth_grant",
                )
                self.grants += grant
                self._decide(month, -1, "grant", evidence, self.true_effect_in(None))
            scale = max(self.capacity, self.base_capacity)
            cost = p.growth_cost_per_place
            funds = ledger.balance("operator") / cost if cost > 0 else need
            added = max(0.0, min(need, p.max_growth * scale, funds))
            ledger.pay(month, "operator", "economy", added * cost, "growth_costs")
            excess = added / scale - p.safe_growth
            if excess > 0:
                self.fidelity *= max(0.0, 1.0 - p.quality_loss * excess)
            self.capacity += added
            self.lowest_fidelity = min(self.lowest_fidelity, self.fidelity)
        self.peak_capacity = max(self.peak_capacity, self.capacity)
        if self.capacity <= 0 and self.stopped_month is None:
            self.stopped_month = month

    # ------------------------------------------------------------------ the yearly review
    def _review(self, month: int) -> None:
        if self.home_closed:
            self._settle(month)
        self._update_practices()
        self._spread(month)
        order = list(self.territories)
        self.random.shuffle(order)
        for t in order:
            t.review()
        self._select_laureates(month)
        self._reform(month)
        if self.home_closed:
            self._grow(month)

    def _spread(self, month: int) -> None:
        """Evidence travels one step a year: States learn what their neighbours that run the
        programme know (imitation of peers), and a national programme, once launched,
        publicises every final result to all."""
        runs = {Stage.adopted, Stage.contract}
        learned = []
        for t in self.territories:
            known = set(t.known)
            known.update(i for i, e in enumerate(self.evidence) if e.source == t.index)
            for q in t.neighbours():
                if q.stage in runs or (q.index == 0 and not self.home_closed):
                    known |= q.known | {
                        i for i, e in enumerate(self.evidence) if e.source == q.index
                    }
            learned.append(known)
        if 0 <= self.national.start_month <= month:
            public = {i for i, e in enumerate(self.evidence) if e.final}
            learned = [known | public for known in learned]
        for t, known in zip(self.territories, learned, strict=True):
            t.known = known

    def _update_practices(self) -> None:
        """Practices decay a little each year and spread to neighbours (partnership habits)."""
        p = self.params
        level = np.array([t.practices for t in self.territories])
        spread = np.zeros_like(level)
        for t in self.territories:
            peers = t.neighbours()
            if peers:
                gap = np.mean([level[q.index] for q in peers]) - level[t.index]
                spread[t.index] = p.practice_spillover * max(gap, 0.0)
        level = (level + spread) * (1.0 - p.practice_decay)
        for t in self.territories:
            t.practices = float(min(1.0, level[t.index]))

    def _decide(
        self, month: int, territory: int, kind: str, evidence: list[Evidence], true_effect: float
    ) -> None:
        measured = measured_mean(evidence) or 0.0
        inflated = measured > 0 and true_effect < self.params.inflated_ratio * measured
        self.decisions.append(Decision(month, territory, kind, measured, true_effect, inflated))

    # ------------------------------------------------------------------ outputs
    def summary(self) -> dict[str, Any]:
        decided = len(self.decisions)
        inflated = sum(d.inflated for d in self.decisions)
        home = self.territories[0]
        costs = [c.transaction_cost for c in self.contracts]
        adopted_ever = [t for t in self.territories if t.adopted_month is not None]
        return {
            "horizon_years": self.params.horizon_years,
            "territories": len(self.territories),
            "adopted": sum(t.stage == Stage.adopted for t in self.territories),
            "adopted_ever": len(adopted_ever),
            "territories_reached": sum(t.reached for t in self.territories)
            if self.model.signed
            else 0,
            "people_covered": self.people_covered,
            "scale_up_decisions": decided,
            "scale_ups_on_inflated_evidence": inflated,
            "scaled_on_inflated_evidence": inflated / decided if decided else None,
            "inflated_ratio": self.params.inflated_ratio,
            "home_adopted_month": home.adopted_month,
            "adopted_before_final_results": home.adopted_month is not None
            and (self.final_month is None or home.adopted_month < self.final_month),
            "first_adoption_month": min((t.adopted_month for t in adopted_ever), default=None),
            "next_contracts": len(self.contracts),
            "next_contracts_national": sum(c.national for c in self.contracts),
            "next_contracts_paid": sum(c.paid > 0 for c in self.contracts),
            "first_contract_transaction_cost": self.base_transaction_cost,
            "next_contract_transaction_cost": float(np.mean(costs)) if costs else None,
            "transaction_costs_after": self.next_transaction_costs,
            "practices_mean_end": float(np.mean([t.practices for t in self.territories])),
            "public_spending_after": self.public_spending,
            "public_savings_after": self.true_avoided * self.savings_per_event,
            "investor_reinvestment": self.reinvested,
            "philanthropy_grants": self.grants,
            "operator_capacity_end": self.capacity,
            "operator_capacity_peak": self.peak_capacity,
            "fidelity_end": self.fidelity,
            "fidelity_lowest": self.lowest_fidelity,
            "national_reform_month": self.reform_month,
            "programme_stopped_month": self.stopped_month,
        }

    def territory_map(self) -> TerritoryMap:
        """The territories' state now and who neighbours whom (for maps; changes nothing)."""
        ts = self.territories
        signed = self.model.signed
        return TerritoryMap(
            region=tuple(t.region for t in ts),
            stage=tuple(t.stage.value for t in ts),
            reached=tuple(bool(t.reached and signed) for t in ts),
            dropped=tuple(t.dropped_month is not None for t in ts),
            links=tuple(sorted((min(a, b), max(a, b)) for a, b in self.space.G.edges)),
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        territories = pd.DataFrame(
            {
                "territory": [t.index for t in self.territories],
                "region": [t.region for t in self.territories],
                "home": [t.index == 0 for t in self.territories],
                "eligible_per_year": [t.eligible_per_year for t in self.territories],
                "budget_per_year": [t.budget_per_year for t in self.territories],
                "context": [t.context for t in self.territories],
                "stage": pd.Series([t.stage.value for t in self.territories], dtype="string"),
                "adopted_month": pd.array([t.adopted_month for t in self.territories], "Int64"),
                "dropped_month": pd.array([t.dropped_month for t in self.territories], "Int64"),
                "contracts": [t.contracts for t in self.territories],
                "reached": [t.reached for t in self.territories],
                "people_served": [t.served for t in self.territories],
                "practices": [t.practices for t in self.territories],
                "transaction_costs": [t.transaction_costs for t in self.territories],
                "neighbours": [len(t.neighbours()) for t in self.territories],
            }
        )
        decisions = pd.DataFrame(
            [asdict(d) for d in self.decisions],
            columns=["month", "territory", "kind", "measured_effect", "true_effect", "inflated"],
        )
        contracts = pd.DataFrame(
            [
                {
                    **{k: v for k, v in asdict(c).items() if k not in ("advanced", "repaid")},
                    "invested": c.invested,
                    "returned": c.returned,
                }
                for c in self.contracts
            ]
        )
        return {"territories": territories, "decisions": decisions, "next_contracts": contracts}


def _start_order(t: Territory) -> tuple[int, int]:
    return (t.start_month if t.start_month is not None else 0, t.index)


# ---------------------------------------------------------------- reporters (time series)
def _after(model: CISModel) -> AfterContract:
    assert model.after is not None
    return model.after


def report_adopted(model: CISModel) -> int:
    return sum(t.stage == Stage.adopted for t in _after(model).territories)


def report_reached(model: CISModel) -> int:
    return sum(t.reached for t in _after(model).territories) if model.signed else 0


def report_people_covered(model: CISModel) -> float:
    return _after(model).people_covered


def report_public_spending(model: CISModel) -> float:
    return _after(model).public_spending


def report_capacity(model: CISModel) -> float:
    return _after(model).capacity


def report_fidelity(model: CISModel) -> float:
    return _after(model).fidelity


def report_reinvestment(model: CISModel) -> float:
    return _after(model).reinvested


def report_grants(model: CISModel) -> float:
    return _after(model).grants


def report_transaction_costs(model: CISModel) -> float:
    return _after(model).next_transaction_costs


def report_next_contracts(model: CISModel) -> int:
    return len(_after(model).contracts)


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
