"""CISModel: one social impact contract, month by month, as a Mesa model.

The model owns the population's arrays, the ledger and the calendar; the agents decide. A month:
the investor monitors and funds; intake fills free places (by the contract's selection rule);
the operator plans and delivers effort and pays its costs; the state may audit; cohorts whose
measurement window has closed are measured; payments due are made within the caps.
Front ends (CLI, game, experiment runner) build it from a scenario and read its outputs; it
imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from cislab.agents import Beneficiary, Evaluator, Investor, Operator, State
from cislab.agents.deal import Verdict, operator_verdict
from cislab.agents.evaluator import CohortResult
from cislab.agents.expectations import audit_chance_this_month
from cislab.model.after_contract import AfterContract
from cislab.model.after_outputs import AFTER_REPORTERS
from cislab.model.budget import check_budget, comparison_pool_size
from cislab.model.contract import ContractState
from cislab.model.indices import MODEL_REPORTERS
from cislab.model.intake import run_intake
from cislab.model.ledger import Ledger
from cislab.model.ledger_view import LedgerView
from cislab.model.population import ComparisonPool, build_population, risk_logit_moments
from cislab.model.referrals import ReferralFlow
from cislab.model.scenarios import ScenarioError, load_scenario
from cislab.model.schema import ContractKind, Scenario
from cislab.model.service import deliver
from cislab.model.terms import PublicStats, passes
from cislab.model.truth import WorldTruth
from cislab.model.waterfall import pay_outcome


class CISModel(mesa.Model):
    """A social impact contract.

    Args:
        scenario: a scenario name, a TOML path or a `Scenario`; the default scenario if None.
        rng: seed (int) or numpy Generator, as for any Mesa model.
        months: months to run; defaults to the contract's length.
        overrides: dotted-path overrides, e.g. {"contract.audit_rate": 0.5}.
        ledger: the world's ledger seen by a later contract of a world of contracts (its
            parties' accounts already funded by the world); None for a contract of its own.
        **params: the same overrides as flat keywords (`contract__audit_rate=0.5` or, via
            `mesa.batch_run`, `**{"contract.audit_rate": 0.5}`).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | None = None,
        rng: int | np.random.Generator | None = None,
        months: int | None = None,
        overrides: Mapping[str, Any] | None = None,
        *,
        ledger: Ledger | LedgerView | None = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng)
        self.overrides = {**(overrides or {}), **params}  # as given: for the run's provenance
        self.config = load_scenario(scenario, self.overrides)
        self.seed = self._stream_seed(rng)
        sc = self.config
        self.run_months = int(
            months if months is not None else sc.contract_months + sc.after_months
        )
        if self.run_months < 1:
            raise ValueError("months must be ≥ 1")
        if months is not None and (problem := check_budget(sc, self.run_months)):
            raise ScenarioError(problem)  # more months than the scenario's own cost more memory
        self.month = 0

        population_rng = np.random.default_rng([self.seed, 1])
        self.population = build_population(sc, population_rng)
        self.truth = WorldTruth(sc, self.seed, self.population)
        mean, var = risk_logit_moments(self.population.risk)
        self.public = PublicStats(mean, var, sc.population.admin_noise**2)
        self.baseline_mean = float(self.population.risk.mean())
        self.eligible_admin_risk = float(self.public.admin_risk(self.population.admin_score).mean())
        self.public = replace(self.public, eligible_admin_risk=self.eligible_admin_risk)
        self.comparison_pool = ComparisonPool.draw(
            sc, comparison_pool_size(sc), np.random.default_rng([self.seed, 2])
        )

        self.ledger = ledger or Ledger(
            {
                "state": sc.state.budget,
                "investor": sc.investor.capital,
                "operator": sc.operator.cash,
                "evaluator": 0.0,
                "intermediary": 0.0,
                "guarantor": sc.investor.guarantee_amount,
                "economy": 0.0,
            }
        )
        self.people = Beneficiary.create_population(self, sc.population.size)
        self.contract = ContractState(sc)
        self.referral_flow = ReferralFlow(sc, self.seed, sc.population.size)
        self.operator = Operator(self)
        self.investor = Investor(self)
        self.state = State(self)
        self.evaluator = Evaluator(self)

        self._reset_month_counters()
        self.caseload = 0
        self.client_months = 0.0
        self.quality_hours_total = 0.0
        self.exits = 0
        self.positive_exits = 0
        self.ledger_imbalance = 0.0
        self.max_ledger_imbalance = 0.0
        self.last_clients = np.zeros(0, dtype=np.intp)
        self.last_hours = np.zeros(0)

        gains = self.investor.prior_gains()
        self.payment_multiplier = (
            sum(m.weight * g for m, g in zip(sc.outcome_metrics, gains, strict=True)) / gains[0]
            if gains[0] > 0
            else sum(m.weight for m in sc.outcome_metrics)
        )
        # The operator's side of the deal; a public service is funded as it runs, so there is
        # no investor's capital for it to weigh.
        self.operator_verdict = (
            Verdict("accept", sc.operator.caseworkers, 0.0, 0.0)
            if self.publicly_funded
            else operator_verdict(sc)
        )
        if self.operator_verdict.choice == "counter":  # signed at the team it can carry
            self.operator.resize(self.operator_verdict.caseworkers)
            self.operator.resize_month = None  # its offer, not a resizing under the contract
        if self.publicly_funded or (
            self.operator_verdict.choice != "refuse" and self.investor.decide_to_fund()
        ):
            self.sign()
        self.after = AfterContract(self) if sc.after_months > 0 else None
        reporters = MODEL_REPORTERS if self.after is None else MODEL_REPORTERS | AFTER_REPORTERS
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def sign(self) -> None:
        """Sign the contract: the investor pays the intermediary's fee from its capital.

        Called when the model's investor decides to fund; a front end calls it when a human
        investor accepts terms the model's investor would have refused."""
        if self.signed or self.month > 0:
            return
        sc = self.config
        self.contract.signed = True
        if sc.contract.intermediary_fee_payer == "state":  # part of the public cost
            fee = min(sc.contract.intermediary_fee, self.ledger.balance("state"))
            self.ledger.pay(0, "state", "intermediary", fee, "intermediary_fee")
            return
        fee = self.ledger.pay(
            0,
            "investor",
            "intermediary",
            min(sc.contract.intermediary_fee, sc.investor.capital),
            "intermediary_fee",
        )
        self.investor.disbursed.append((0, fee))  # part of the capital the cap applies to

    def _stream_seed(self, rng: int | np.random.Generator | None) -> int:
        """An integer behind every stream of this run: the seed itself when one is given."""
        if isinstance(rng, (int, np.integer)):
            return int(rng)
        return int(self.rng.integers(0, 2**63 - 1))

    def _reset_month_counters(self) -> None:
        # What the payer and the operator know of last month when they act this month: the
        # complaints it brought and the caseload they came from (audits are drawn before this
        # month's service, so this month's complaints cannot raise this month's audit chance).
        self.complaints_last_month = getattr(self, "month_complaints", 0)
        self.caseload_last_month = getattr(self, "caseload", 0)
        self.month_metric_hours = 0.0
        self.month_quality = 0.0
        self.month_complaints = 0
        self.month_dropouts = 0
        self.audits_before_month = self.state.audits if hasattr(self, "state") else 0

    # ------------------------------------------------------------------ the contract's standing
    # Read-only views for front ends and tests; the parties act on `self.contract` itself.
    @property
    def signed(self) -> bool:
        return self.contract.signed

    @property
    def publicly_funded(self) -> bool:
        """Run from the payer's ordinary budget (`contract.kind = "public"`), not by investors."""
        return self.config.contract.kind == ContractKind.public

    @property
    def terminated(self) -> str | None:
        return self.contract.terminated

    @property
    def termination_month(self) -> int | None:
        return self.contract.termination_month

    @property
    def service_stopped(self) -> str | None:
        return self.contract.service_stopped

    @property
    def pending(self) -> list[tuple[int, CohortResult]]:
        return self.contract.pending

    @property
    def measure_months(self) -> dict[int, int]:
        return self.contract.measure_months

    @property
    def enrolling(self) -> bool:
        return self.contract.enrolling(self.month)

    @property
    def delivery_end(self) -> int:
        """First month with no service left to deliver."""
        return self.contract.delivery_end

    @property
    def delivering(self) -> bool:
        return self.contract.delivering(self.month)

    # ------------------------------------------------------------------ the world's context
    @property
    def shocks(self) -> list[tuple[int, float]]:
        return self.truth.shocks

    def context_shift(self, month: int) -> float:
        """Logit shift of everyone's risk from trend and shocks at `month`."""
        return self.truth.context_shift(month)

    def add_shock(self, size: float, month: int | None = None) -> None:
        """A lasting shift of everyone's logit risk from `month` on (a recession, a reform):
        an event arriving mid-run, on top of the scenario's own trend and shock."""
        self.truth.add_shock(size, self.month if month is None else int(month))

    def metric_risk(self, k: int, idx: np.ndarray) -> np.ndarray:
        """True untreated risk of metric k for people `idx`."""
        return self.truth.metric_risk(k, idx)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        self._reset_month_counters()
        if self.signed:
            if self.month == self.config.context.policy_change_month:
                self.contract.terminate("policy_change", self.month)
            if self.enrolling:
                self.referral_flow.arrive(self)
            if not self.publicly_funded:
                self.investor.step()
            self.operator.hear_governance()
            if self.enrolling:
                run_intake(self)
            clients, hours, quality = self.operator.plan_effort()
            if self.delivering:
                self.state.audit(clients, quality)
                deliver(self, clients, hours, quality)
                if self.publicly_funded:  # ordinary funding: the payer pays the month's service
                    self.state.fund_service(self.operator.month_cost(clients.size))
                else:
                    self.state.pay_service_fee(clients.size)
                self.operator.pay_costs(clients.size)
            self.last_clients, self.last_hours = clients, hours
            self.caseload = int(clients.size)
            self._measure_due()
            self._pay_due()
            self.referral_flow.review(self)
        if self.after is not None:
            self.after.step()
        self.ledger_imbalance = self.ledger.imbalance()
        self.max_ledger_imbalance = max(self.max_ledger_imbalance, self.ledger_imbalance)
        self.datacollector.collect(self)
        self.month += 1
        if self.month >= self.run_months:
            self.running = False

    def run(self) -> CISModel:
        """Run to `run_months` (or until stopped)."""
        while self.running:
            self.step()
        return self

    def _measure_due(self) -> None:
        sc = self.config
        cohort = self.measure_months.get(self.month)
        if cohort is None or self.evaluator.counted(cohort).size == 0:
            return
        self.state.pay_evaluation(sc.evaluator.fee_per_measurement)
        results = self.evaluator.measure(cohort)
        self.operator.observe_outcomes(self.evaluator.served_in(cohort))
        due = self.month + sc.contract.payment_lag_months
        self.pending.extend((due, r) for r in results if r.passed)
        if self._last_measurement():
            self._apply_overall_trigger(due)

    def _last_measurement(self) -> bool:
        """No later cohort has anyone to measure (the last cohort, or the contract ended)."""
        later = [m for m in self.measure_months if m > self.month]
        return all(self.evaluator.counted(self.measure_months[m]).size == 0 for m in later)

    def _apply_overall_trigger(self, due: int) -> None:
        """Pay cohorts that missed their own trigger when all cohorts pass the overall one."""
        c = self.config.contract
        if c.overall_threshold <= 0:
            return
        for metric in self.config.outcome_metrics:
            results = [r for r in self.evaluator.results if r.metric == metric.name]
            n = sum(r.counted for r in results)
            cf = sum(r.counterfactual_mean * r.counted for r in results)
            y = sum(r.outcome_mean * r.counted for r in results)
            if passes(metric.threshold_kind, c.overall_threshold, cf, y, n):
                self.pending.extend((due, r) for r in results if not r.passed)

    def _pay_due(self) -> None:
        """Payments due this month: the payer pays the operator within its caps, then the
        operator repays the investor what the contract's waterfall says it is owed."""
        sc = self.config
        due_now = [r for m, r in self.pending if m == self.month]
        self.contract.pending = [(m, r) for m, r in self.pending if m != self.month]
        primary = sc.outcome_metrics[0].name
        measured = sum(
            max(r.measured_outcomes, 0.0) for r in self.evaluator.results if r.metric == primary
        )
        savings = measured * sc.state.cost_per_event
        if self.publicly_funded:  # observed, never paid for
            due_now = []
        for result in due_now:  # through the contract's waterfall (model/waterfall.py)
            result.paid += pay_outcome(self, self.contract.payment_for(result), savings)
        if self.month == sc.contract_months - 1:
            self.investor.settle_guarantee()

    # ------------------------------------------------------------------ events
    @property
    def cancelled_cohorts(self) -> list[int]:
        """Cohorts (from 0) whose enrolment had not begun when the contract ended early: they
        will never run (Peterborough's third cohort, cancelled by a policy change)."""
        if self.termination_month is None:
            return []
        c = self.config.contract
        return [k for k in range(c.cohorts) if k * c.cohort_months >= self.termination_month]

    def audit_probability(self) -> float:
        """Chance of an audit this month under the contract's rule (see `agents.expectations`)."""
        return audit_chance_this_month(self)

    # ------------------------------------------------------------------ people
    def beneficiary(self, index: int) -> Beneficiary:
        """The Mesa agent for population index `index`."""
        return self.people[index]
