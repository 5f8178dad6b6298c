"""After the contract: the world of contracts that may follow the first one.

The three "after-CIS" axes of FAIR (2021, `../shared/seeds/000_…`) over a horizon of years,
across territories on a graph (MODEL.md §5). This module is the world's side of it — the
calendar of reviews, who holds which evidence, carrying out what the agents decide — and holds
no decision rule of its own:

- each territory's payer (`agents/territory.py`) reviews its evidence every year and adopts the
  programme into ordinary policy, tries it through an outcome-based contract whose terms it
  designs (`agents/payer_design.py`), drops it, or waits;
- impact investors, philanthropy and a national programme (`agents/funders.py`) fund what the
  evidence convinces them of; the first operator (`agents/operator_growth.py`) grows towards what
  it is asked for, losing fidelity when it grows too fast, and a replicating organisation takes
  what it cannot reach;
- every later contract — outcome-based or an adoption (`contract.kind = "public"`) — is a
  contract unit of its own (`model/next_contract.py`): the same `CISModel` as the first, with
  its territory's people, its operator, its payer's terms, its evaluator. Its creaming, parking,
  gaming and measured effect emerge from its own rules; it publishes what its evaluator measured,
  and that evidence is all later decisions read.
- durable practices (data systems, outcome-based contracting habits) stay in a territory after
  a contract, decay slowly, spread to neighbours, and cut its next contracts' transaction costs.

Every euro moves through the world's one ledger; the first contract's accounts are touched by
nothing here until the contract is over.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from cislab.agents.funders import ImpactInvestorMarket, NationalProgramme, Philanthropy
from cislab.agents.operator_growth import OperatorGrowth
from cislab.agents.payer_design import Design
from cislab.agents.scale_up_beliefs import ProgrammeFacts, discount
from cislab.agents.territory import Intent, Stage, Territory
from cislab.model.after_outputs import (
    Decision,
    DesignChoice,
    TerritoryMap,
    after_summary,
    after_tables,
    people_covered,
    realised,
    territory_map,
)
from cislab.model.evidence import Evidence, measured_mean, method_variance_factor
from cislab.model.next_contract import (
    NextContract,
    Terms,
    build_unit,
    contract_evidence,
    primary_results,
)
from cislab.model.schema import ContractKind, Evaluation, Metric
from cislab.model.territories import build_graph, draw_territories
from mesa.discrete_space import Network

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

AFTER_STREAM = 41  # random stream of the post-contract phase (the contract uses low numbers)
REVIEW_MONTH = 11  # budget reviews at the end of each year of the run
# Where a closing contract's balances go back to, party by party ("" = stays where it is).
BRANCH_HOME = {
    "investor": "impact_investors",
    "operator": "operator",
    "evaluator": "evaluator",
    "intermediary": "intermediary",
    "economy": "economy",
}
REPLICATOR_HOME = {**BRANCH_HOME, "operator": ""}


class AfterContract:
    """The post-contract phase of one run; `model.after` when the horizon is above zero."""

    def __init__(self, model: CISModel) -> None:
        self.model = model
        sc = model.config
        self.params = sc.after
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
        self.base_transaction_cost = (
            c.intermediary_fee + c.cohorts * sc.evaluator.fee_per_measurement
        )
        self.structuring_share = c.intermediary_fee / max(self.base_transaction_cost, 1e-9)
        self.end_month = sc.contract_months + sc.after_months

        self.territories = [
            Territory(
                model,
                self.space[i],
                i,
                int(graph.nodes[i]["region"]),
                self.home_people_per_year * float(draws.size[i]),
                float(draws.budget[i]),
                float(draws.context[i]),
                self.params,
            )
            for i in range(sc.territories.count)
        ]
        years = (sc.contract_months + sc.after_months) / 12.0 + 1.0
        for t in self.territories:
            model.ledger.open(t.account, t.budget_per_year * years)
        model.ledger.open("national_programme", sc.programme.budget)
        model.ledger.open("impact_investors", self.params.investor_pool)
        model.ledger.open("philanthropy", self.params.philanthropy_pool)
        self.investors = ImpactInvestorMarket(model, self.params, sc.investor)
        self.philanthropy = Philanthropy(model, self.params)
        self.national = NationalProgramme(model, sc.programme)
        self.operator = OperatorGrowth(model, self.params, float(sc.intake_per_month * 12))

        self.evidence: list[Evidence] = []
        self.seen_results = 0
        self.true_home: float | None = None  # true effect per person served (model knowledge)
        self.counterfactual_home = 0.0
        self.home_closed = False
        self.final_month: int | None = None
        self.contracts: list[NextContract] = []
        self.decisions: list[Decision] = []
        self.designs: list[DesignChoice] = []
        self.pending_designs: dict[int, Design] = {}  # applicants' designs, by territory
        self.reform_month: int | None = None
        self.structuring_spending = 0.0
        self.next_transaction_costs = 0.0

    # ------------------------------------------------------------------ what deciders know
    def facts(self) -> ProgrammeFacts:
        """The programme's public numbers, as the first contract set and measured them."""
        sc = self.model.config
        c, e = sc.contract, sc.evaluator
        return ProgrammeFacts(
            method=self.method,
            credibility=self.credibility,
            prudence=self.params.prudence,
            transfer=self.params.transfer,
            cost_per_person=self.cost_per_person,
            savings_per_event=sc.state.cost_per_event,
            horizon_weight=discount(
                sc.intervention.service_months + c.measurement_months,
                sc.state.political_horizon_months,
            ),
            min_people_per_year=sc.operator.caseload_per_worker
            * 12.0
            / sc.intervention.service_months,
            counterfactual=self.counterfactual_home,
            threshold_effect=self.threshold_effect(),
            price_per_outcome=c.price_per_outcome,
            max_payment_per_person=c.max_payment / max(self.planned_people, 1.0),
            binary=sc.contract.metric == Metric.binary,
            variance_factor=method_variance_factor(
                self.method, e.rct_control_share, e.comparison_matches
            ),
            base_transaction_cost=self.base_transaction_cost,
            practice_effect=self.params.practice_effect,
        )

    def threshold_effect(self) -> float:
        """Measured effect per person a contract's trigger asks for."""
        c = self.model.config.contract
        if c.threshold_kind == "relative":
            return c.threshold * self.counterfactual_home
        if c.threshold_kind == "success_rate":
            return c.threshold - 1.0 + self.counterfactual_home
        return c.threshold

    def published(self) -> list[Evidence]:
        """Every result published so far (what national funders and philanthropy read)."""
        return list(self.evidence)

    def held(self, t: Territory) -> list[Evidence]:
        """The evidence a State holds: its own results and what reached it (see `_spread`)."""
        return [e for i, e in enumerate(self.evidence) if e.source == t.index or i in t.known]

    def structuring_months(self, t: Territory) -> int:
        return round(
            self.params.contract_lead_months * (1.0 - self.params.practice_effect * t.practices)
        )

    def capital_needed(self, per_year: float) -> float:
        """What investors advance for a next contract: the new places, then delivery."""
        years = self.params.next_contract_years
        return per_year * (self.params.growth_cost_per_place + years * self.cost_per_person)

    def expected_truth(self, t: Territory | None) -> float:
        """True effect per person where the programme would scale, before any contract there
        is measured (the log's yardstick only; never read by deciders)."""
        context = t.context if t is not None else 1.0
        return (self.true_home or 0.0) * self.operator.fidelity * context

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        model = self.model
        month = model.month
        if not model.signed:
            return
        self._publish_home_results(month)
        if not self.home_closed and month >= model.config.contract_months - 1:
            self._close_home_contract(month)
        for unit in self.contracts:
            if not unit.live:
                continue
            if unit.model is None and month >= unit.start:
                self._start(unit, month)
            if unit.model is None:
                continue
            unit.step()
            if (item := unit.new_evidence(month, final=False)) is not None:
                self._publish(item)
            if unit.over(month + 1):
                self._close(unit, month)
        if month % 12 == REVIEW_MONTH:
            self._review(month)

    def _publish(self, item: Evidence) -> None:
        """Interim results are updated in place: one published item per contract."""
        for i, old in enumerate(self.evidence):
            if old.unit == item.unit:
                self.evidence[i] = item
                return
        self.evidence.append(item)

    def _publish_home_results(self, month: int) -> None:
        """Each cohort measured by the first contract's evaluator is published, pooled so far
        (under the contract's own `evaluation` and `metric`, as the world's facts read them)."""
        model = self.model
        primary = primary_results(model)
        if len(primary) == self.seen_results:
            return
        self.seen_results = len(primary)
        binary = model.config.contract.metric == Metric.binary
        item = contract_evidence(model, month, 0, 0, self.method, binary, False)
        if item is None:
            return
        self.true_home = sum(r.true_avoided for r in primary) / item.people
        self.counterfactual_home = item.counterfactual
        self._publish(item)

    def _close_home_contract(self, month: int) -> None:
        """The contract is over: its results are final, its practices stay, investors judge it."""
        self.home_closed = True
        self.final_month = month
        for item in self.evidence:
            if item.unit == 0:
                item.final = True
        home = self.territories[0]
        home.practices += self.params.practice_gain * (1.0 - home.practices)
        ledger = self.model.ledger
        self.investors.record(ledger.total(payer="investor"), ledger.total(payee="investor"))

    # ------------------------------------------------------------------ later contracts
    def _start(self, unit: NextContract, month: int) -> None:
        """A later contract starts: its people and parties are created, its territory runs it."""
        t = self.territories[unit.terms.territory]
        build_unit(unit, self.model, self.model.seed)
        if unit.terms.kind == ContractKind.public:
            self._fund_public(unit, month)
        t.reached = True
        if t.stage == Stage.structuring:
            t.stage = Stage.contract

    def _fund_public(self, unit: NextContract, month: int) -> None:
        """A public service's budget line gets the next twelve months of its cost, as its
        operator budgets it (what it asks its funder for)."""
        t = self.territories[unit.terms.territory]
        ledger = self.model.ledger
        assert unit.model is not None
        year = 12 * unit.model.operator.monthly_cost()
        need = year - ledger.balance("state" + unit.suffix)
        if need > 0:
            unit.fund(ledger, month, t.account, "state", need)

    def _close(self, unit: NextContract, month: int) -> None:
        """A later contract is over: final results published, balances returned, its
        territory keeps the practices, its investors judge it."""
        t = self.territories[unit.terms.territory]
        if (item := unit.new_evidence(month, final=True)) is not None:
            self._publish(item)
        m = unit.model
        assert m is not None
        if unit.terms.kind == ContractKind.outcome:
            view = m.ledger
            self.investors.record(view.total(payer="investor"), view.total(payee="investor"))
            self.investors.committed -= unit.terms.capital
            own = unit.funded.get(t.account, 0.0)
            t.committed = max(0.0, t.committed - own / self.params.next_contract_years)
            if unit.national:
                self.national.committed -= unit.funded.get("national_programme", 0.0)
            t.practices += self.params.practice_gain * (1.0 - t.practices)
            if t.stage in (Stage.contract, Stage.structuring):
                t.stage = Stage.idle
        home = BRANCH_HOME if unit.terms.branch else REPLICATOR_HOME
        unit.close(self.model.ledger, month, home)

    def _terms(
        self, t: Territory, kind: ContractKind, per_year: float, years: int, start: int
    ) -> Terms:
        """Who runs a new contract or service: the first operator's branch if it can reach the
        places by its start, else a replicating organisation."""
        month = self.model.month
        branch = self.operator.accepts(self._demand_at(start), per_year, start - month)
        fidelity = self.operator.fidelity if branch else self.params.replicator_fidelity
        c = self.model.config.contract
        return Terms(
            kind=kind,
            territory=t.index,
            per_year=per_year,
            years=years,
            eligible=round(t.eligible_per_year * years),
            context=t.context,
            fidelity=fidelity,
            branch=branch,
            evaluation=self.method,
            selection=c.selection,
            price_per_outcome=c.price_per_outcome,
            max_payment=0.0,
            capital=0.0,
        )

    def adopt(self, t: Territory, per_year: float, evidence: list[Evidence], kind: str) -> None:
        """Fund the programme from the ordinary budget, after the budget cycle's lead time: a
        public service of its own, run to the horizon."""
        month = self.model.month
        start = month + self.params.adoption_lead_months
        if t.index == 0:
            start = max(start, self.model.delivery_end)
        for unit in self.contracts:
            if unit.terms.territory == t.index and unit.live:
                start = max(start, unit.start + 12 * unit.terms.years)
        if start >= self.end_month:
            return
        service = self.model.config.intervention.service_months
        years = max(1, (self.end_month - start - service) // 12)
        terms = replace(
            self._terms(t, ContractKind.public, per_year, years, start),
            months=self.end_month - start,
            price_per_outcome=0.0,  # ordinary funding pays for the service, not for results
        )
        unit = NextContract(len(self.contracts) + 1, terms, month, start)
        self.contracts.append(unit)
        t.stage = Stage.adopted
        t.adopted_month = month
        t.start_month = start
        t.people_per_year = per_year
        t.committed += per_year * self.cost_per_person
        self._decide(month, t.index, kind, evidence, t, unit.index)

    def drop(self, t: Territory) -> None:
        """Failures stop: the State no longer funds the programme; its service winds down."""
        month = self.model.month
        for unit in self.contracts:
            mine = unit.terms.territory == t.index and unit.terms.kind == ContractKind.public
            if mine and unit.live and unit.stop_month is None:
                if unit.model is not None:
                    unit.model.contract.terminate("dropped", unit.model.month)
                    unit.stop_month = month + self.model.config.intervention.service_months
                else:
                    unit.closed_month = month  # dropped before it started
        t.stage = Stage.idle
        t.dropped_month = month
        t.committed = max(0.0, t.committed - t.people_per_year * self.cost_per_person)
        t.people_per_year = 0.0

    def consider_contract(
        self, t: Territory, evidence: list[Evidence], wanted: float, facts: ProgrammeFacts
    ) -> None:
        """A State that wants to try the programme through an outcome-based contract designs
        one; investors, the national programme and the operator decide whether it happens."""
        month = self.model.month
        if t.index == 0 and not self.home_closed:
            return
        per_year = min(wanted, self.operator.base_capacity)
        per_person = facts.max_payment_per_person * self.params.next_contract_years
        per_year = min(
            per_year, t.free_budget() * self.params.next_contract_years / max(per_person, 1e-9)
        )
        if per_year < facts.min_people_per_year:
            return
        people = per_year * self.params.next_contract_years
        national = self.national.open(month)
        required = self.national.params.min_credibility if national else 0.0
        design = t.design(
            facts, evidence, people, self.model.config.contract.selection, required, None, None
        )
        terms_facts = _with_terms(facts, design, people)
        if not self.investors.funds(terms_facts, evidence, people, self.capital_needed(per_year)):
            return
        if national:
            n = self.national.params
            value = t.contract_value(terms_facts, evidence, people, n.outcome_share, n.cost_share)
            if value > 0:
                self.national.apply(value, t.index, per_year)
                self.pending_designs[t.index] = design
                return
        if t.contract_value(terms_facts, evidence, people, 0.0, 0.0) > 0:
            self._sign(t, per_year, False, evidence, design, facts)

    def _select_laureates(self, month: int, facts: ProgrammeFacts) -> None:
        """The national programme picks its laureates by value, within its budget and count;
        applicants it turns down may still contract alone if that pays for them."""
        n = self.national.params
        for _value, index, per_year in self.national.ranked(self.random):
            t = self.territories[index]
            design = self.pending_designs.pop(index)
            evidence = self.held(t)
            people = per_year * self.params.next_contract_years
            cost = n.outcome_share * design.max_payment + n.cost_share * t.transaction_cost(facts)
            judged = _with_terms(facts, design, people)
            if not self.investors.funds(judged, evidence, people, self.capital_needed(per_year)):
                continue  # the pool was committed to better-ranked contracts this year
            if self.national.selects(cost):
                self._sign(t, per_year, True, evidence, design, facts)
            elif t.contract_value(facts, evidence, people, 0.0, 0.0) > 0:
                self._sign(t, per_year, False, evidence, design, facts)
        self.pending_designs = {}

    def _sign(
        self,
        t: Territory,
        per_year: float,
        national: bool,
        evidence: list[Evidence],
        design: Design,
        facts: ProgrammeFacts,
    ) -> None:
        month = self.model.month
        ledger = self.model.ledger
        years = self.params.next_contract_years
        cost = t.transaction_cost(facts)
        n = self.national.params
        start = month + self.structuring_months(t)
        terms = replace(
            self._terms(t, ContractKind.outcome, per_year, years, start),
            evaluation=design.evaluation,
            selection=design.selection,
            price_per_outcome=design.price_per_outcome,
            max_payment=design.max_payment,
            capital=self.capital_needed(per_year),
            metric_weights=design.metric_weights,
        )
        unit = NextContract(len(self.contracts) + 1, terms, month, start, national, cost)
        share = n.cost_share if national else 0.0
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
            self.structuring_spending += fee
        outcome_share = n.outcome_share if national else 0.0
        if national:
            self.national.laureates += 1
            paid = unit.fund(
                ledger, month, "national_programme", "state", outcome_share * design.max_payment
            )
            self.national.committed += paid
        unit.fund(ledger, month, t.account, "state", (1.0 - outcome_share) * design.max_payment)
        unit.fund(ledger, month, "impact_investors", "investor", terms.capital)
        self.investors.committed += terms.capital
        self.investors.reinvested += unit.funded.get("impact_investors", 0.0)
        t.committed += unit.funded.get(t.account, 0.0) / years
        t.stage = Stage.structuring
        t.contracts += 1
        t.transaction_costs += cost
        self.next_transaction_costs += cost
        self.contracts.append(unit)
        self.designs.append(
            DesignChoice(
                month,
                t.index,
                unit.index,
                design.evaluation.value,
                design.selection.value,
                design.price_per_outcome,
                design.max_payment,
                "; ".join(design.reasons) or "the first contract's terms",
            )
        )
        self._decide(month, t.index, "contract", evidence, t, unit.index)

    def _reform(self, month: int, facts: ProgrammeFacts) -> None:
        """A national reform absorbs the programme once enough territories have adopted it."""
        share = self.national.params.reform_share
        if share <= 0 or self.reform_month is not None:
            return
        adopted = sum(t.stage == Stage.adopted for t in self.territories)
        if adopted < share * len(self.territories):
            return
        self.reform_month = month
        evidence = self.published()
        self._decide(month, -1, "reform", evidence, None, None)
        for t in self.territories:
            if t.stage == Stage.idle:
                wanted = self.params.take_up * t.eligible_per_year
                per_year = min(wanted, t.free_budget() / self.cost_per_person)
                if per_year >= facts.min_people_per_year:
                    self.adopt(t, per_year, evidence, kind="reform")

    # ------------------------------------------------------------------ the operator's growth
    def _demand_at(self, month: int) -> float:
        """Places a year the first operator's branches are funded for at `month`."""
        return sum(
            u.terms.per_year
            for u in self.contracts
            if u.live and u.terms.branch and u.stop_month is None and u.start <= month < _end(u)
        )

    def _grow(self, month: int, facts: ProgrammeFacts) -> None:
        demand = max(self._demand_at(m) for m in range(month + 1, month + 13))
        later = any(u.live and u.terms.branch and u.start > month + 12 for u in self.contracts)
        need = demand - self.operator.capacity
        grant = self.philanthropy.grant(facts, self.published(), need)
        if grant > 0:
            self.model.ledger.pay(month, "philanthropy", "operator", grant, "growth_grant")
            self._decide(month, -1, "grant", self.published(), None, None)
        self.operator.grow(month, demand, later, grant)

    # ------------------------------------------------------------------ the yearly review
    def _review(self, month: int) -> None:
        self._update_practices()
        self._spread(month)
        facts = self.facts()
        order = list(self.territories)
        self.random.shuffle(order)
        for t in order:
            intent = t.review(facts, self.held(t))
            if intent is not None:
                self._carry_out(t, intent, facts)
        self._select_laureates(month, facts)
        self._reform(month, facts)
        if self.home_closed:
            self._grow(month, facts)
        for unit in self.contracts:
            public = unit.terms.kind == ContractKind.public
            if public and unit.live and unit.model is not None and unit.stop_month is None:
                self._fund_public(unit, month)

    def _carry_out(self, t: Territory, intent: Intent, facts: ProgrammeFacts) -> None:
        evidence = list(intent.evidence)
        if intent.kind == "adopt":
            self.adopt(t, intent.per_year, evidence, "adopt")
        elif intent.kind == "drop":
            self.drop(t)
        elif intent.kind == "contract":
            self.consider_contract(t, evidence, intent.per_year, facts)

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
        if 0 <= self.national.params.start_month <= month:
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
        self,
        month: int,
        territory: int,
        kind: str,
        evidence: list[Evidence],
        t: Territory | None,
        contract: int | None,
    ) -> None:
        measured = measured_mean(evidence) or 0.0
        truth = self.expected_truth(t)
        inflated = measured > 0 and truth < self.params.inflated_ratio * measured
        self.decisions.append(Decision(month, territory, kind, measured, truth, inflated, contract))

    # ------------------------------------------------------------------ outputs
    def summary(self) -> dict[str, Any]:
        return after_summary(self)

    def tables(self) -> dict[str, pd.DataFrame]:
        return after_tables(self)

    def territory_map(self) -> TerritoryMap:
        """The territories' state now and who neighbours whom (for maps; changes nothing)."""
        return territory_map(self)

    def people_covered(self) -> int:
        return people_covered(self)

    def decisions_realised(self) -> list[Decision]:
        """Decisions with the truth of the contract they led to, once it was measured."""
        return realised(self)


def _with_terms(facts: ProgrammeFacts, design: Design, people: float) -> ProgrammeFacts:
    """The public facts with a designed contract's price and cap (how funders judge it)."""
    return replace(
        facts,
        price_per_outcome=design.price_per_outcome,
        max_payment_per_person=design.max_payment / max(people, 1e-9),
    )


def _end(unit: NextContract) -> float:
    """First month a contract no longer needs its places (a public service: never, unless
    dropped — the run's horizon is not the programme's end)."""
    if unit.terms.kind == ContractKind.public:
        return float("inf")
    return unit.start + 12 * unit.terms.years
