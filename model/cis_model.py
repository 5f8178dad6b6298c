"""CISModel: one social impact contract, month by month, as a Mesa model.

The model owns the population's arrays, the ledger and the calendar; the agents decide. A month:
the investor monitors and funds; intake fills free places (by the contract's selection rule);
the operator plans and delivers effort and pays its costs; the state may audit; cohorts whose
measurement window has closed are measured; payments due are made within the caps.
Front ends (CLI, game, experiment runner) build it from a scenario and read its outputs; it
imports none of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from cislab.agents import Beneficiary, Evaluator, Investor, Operator, State
from cislab.agents.evaluator import CohortResult
from cislab.model.after_contract import AFTER_REPORTERS, AfterContract
from cislab.model.indices import MODEL_REPORTERS
from cislab.model.intake import run_intake
from cislab.model.ledger import Ledger
from cislab.model.outcomes import expected_events
from cislab.model.population import (
    ComparisonPool,
    Status,
    build_population,
    risk_logit_moments,
    shifted,
)
from cislab.model.scenarios import load_scenario
from cislab.model.schema import Evaluation, Metric, OutcomeMetric, Scenario, ThresholdKind
from cislab.model.service import deliver
from cislab.model.terms import PublicStats, effect_size, passes
from scipy.optimize import brentq
from scipy.special import expit, logit
from scipy.stats import norm

COMPLAINT_AUDIT_WEIGHT = 5.0
MIN_EXITS_FOR_ESTIMATE = 20


class CISModel(mesa.Model):
    """A social impact contract.

    Args:
        scenario: a scenario name, a TOML path or a `Scenario`; the default scenario if None.
        rng: seed (int) or numpy Generator, as for any Mesa model.
        months: months to run; defaults to the contract's length.
        overrides: dotted-path overrides, e.g. {"contract.audit_rate": 0.5}.
        **params: the same overrides as flat keywords (`contract__audit_rate=0.5` or, via
            `mesa.batch_run`, `**{"contract.audit_rate": 0.5}`).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | None = None,
        rng: int | np.random.Generator | None = None,
        months: int | None = None,
        overrides: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng)
        self.config = load_scenario(scenario, {**(overrides or {}), **params})
        self.seed = self._stream_seed(rng)
        sc = self.config
        self.run_months = int(
            months if months is not None else sc.contract_months + sc.after_months
        )
        if self.run_months < 1:
            raise ValueError("months must be ≥ 1")
        self.month = 0

        population_rng = np.random.default_rng([self.seed, 1])
        self.population = build_population(sc, population_rng)
        mean, var = risk_logit_moments(self.population.risk)
        self.public = PublicStats(mean, var, sc.population.admin_noise**2)
        self.baseline_mean = float(self.population.risk.mean())
        self.eligible_admin_risk = float(self.public.admin_risk(self.population.admin_score).mean())
        pool_size = math.ceil(
            sc.evaluator.comparison_pool_factor
            * sc.intake_per_month
            * sc.contract.cohorts
            * sc.contract.cohort_months
        )
        self.comparison_pool = ComparisonPool.draw(
            sc, max(pool_size, 200), np.random.default_rng([self.seed, 2])
        )

        self.ledger = Ledger(
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
        self.people = list(
            Beneficiary.create_agents(self, sc.population.size, np.arange(sc.population.size))
        )
        self.operator = Operator(self)
        self.investor = Investor(self)
        self.state = State(self)
        self.evaluator = Evaluator(self)

        self.terminated: str | None = None
        self.termination_month: int | None = None
        self.service_stopped: str | None = None
        self.pending: list[tuple[int, CohortResult]] = []
        self._uniforms: dict[object, np.ndarray] = {}
        self._metric_shifts: dict[int, float] = {}
        self.measure_months = {
            (c + 1) * sc.contract.cohort_months
            + sc.intervention.service_months
            + sc.contract.measurement_months
            - 1: c
            for c in range(sc.contract.cohorts)
        }
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
        self.shocks: list[tuple[int, float]] = []  # events added while running (game, what-ifs)
        self.signed = False
        if self.investor.decide_to_fund():
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
        self.signed = True
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
        self.month_metric_hours = 0.0
        self.month_quality = 0.0
        self.month_complaints = 0
        self.month_dropouts = 0
        self.month_audits = 0

    # ------------------------------------------------------------------ calendar
    @property
    def enrolling(self) -> bool:
        sc = self.config
        return (
            self.signed
            and self.terminated is None
            and self.service_stopped is None
            and self.month < sc.contract.cohorts * sc.contract.cohort_months
        )

    @property
    def delivery_end(self) -> int:
        """First month with no service left to deliver."""
        sc = self.config
        end = sc.contract.cohorts * sc.contract.cohort_months + sc.intervention.service_months
        if self.termination_month is not None:
            end = min(end, self.termination_month + sc.intervention.service_months)
        return end

    @property
    def delivering(self) -> bool:
        return self.signed and self.service_stopped is None and self.month < self.delivery_end

    def context_shift(self, month: int) -> float:
        """Logit shift of everyone's risk from trend and shocks at `month`."""
        ctx = self.config.context
        shift = ctx.trend_per_year * month / 12.0
        if 0 <= ctx.shock_month <= month:
            shift += ctx.shock_size
        shift += sum(size for start, size in self.shocks if start <= month)
        return shift

    def add_shock(self, size: float, month: int | None = None) -> None:
        """A lasting shift of everyone's logit risk from `month` on (a recession, a reform):
        an event arriving mid-run, on top of the scenario's own trend and shock."""
        self.shocks.append((self.month if month is None else int(month), float(size)))

    def historical_context(self) -> float:
        """Context of the pre-programme year a historical baseline was taken from."""
        return self.config.context.trend_per_year * -1.0

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        self._reset_month_counters()
        if self.signed:
            if self.month == self.config.context.policy_change_month:
                self.terminate("policy_change")
            self.investor.step()
            if self.enrolling:
                run_intake(self)
            clients, hours, quality = self.operator.plan_effort()
            if self.delivering:
                self.state.audit(clients, quality)
                deliver(self, clients, hours, quality)
                self.operator.pay_costs(clients.size)
            self.last_clients, self.last_hours = clients, hours
            self.caseload = int(clients.size)
            self._measure_due()
            self._pay_due()
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
        sc = self.config
        due_now = [r for m, r in self.pending if m == self.month]
        self.pending = [(m, r) for m, r in self.pending if m != self.month]
        primary = sc.outcome_metrics[0].name
        measured = sum(
            max(r.measured_outcomes, 0.0) for r in self.evaluator.results if r.metric == primary
        )
        savings = measured * sc.state.cost_per_event
        for result in due_now:
            result.paid += self.state.pay_outcomes(self.payment_for(result), savings)
        if self.month == sc.contract_months - 1:
            self.investor.settle_guarantee()

    def payment_for(self, result: CohortResult) -> float:
        """Price × metric weight × priced outcomes (never negative), before caps."""
        price = self.config.contract.price_per_outcome
        return price * result.weight * max(result.priced_outcomes, 0.0)

    # ------------------------------------------------------------------ events
    def terminate(self, reason: str) -> None:
        """Early termination: no new enrolment; current clients finish while cash lasts."""
        if self.terminated is None:
            self.terminated = reason
            self.termination_month = self.month

    @property
    def cancelled_cohorts(self) -> list[int]:
        """Cohorts (from 0) whose enrolment had not begun when the contract ended early: they
        will never run (Peterborough's third cohort, cancelled by a policy change)."""
        if self.termination_month is None:
            return []
        c = self.config.contract
        return [k for k in range(c.cohorts) if k * c.cohort_months >= self.termination_month]

    def stop_service(self, reason: str) -> None:
        """The operator can no longer serve: current clients leave service now."""
        if self.service_stopped is None:
            self.service_stopped = reason
            pop = self.population
            leaving = pop.status == Status.enrolled
            pop.status[leaving] = Status.dropped
            pop.exit_month[leaving] = self.month
            self.terminate(reason)

    # ------------------------------------------------------------------ shared expectations
    def audit_probability(self) -> float:
        """Chance of an audit this month: the contract's rate, raised by recent complaints."""
        rate = self.config.contract.audit_rate
        if rate <= 0:
            return 0.0
        per_client = self.month_complaints / max(self.caseload, 1)
        return min(1.0, rate * (1.0 + COMPLAINT_AUDIT_WEIGHT * per_client))

    def planned_counted(self) -> float:
        """People the contract expects to count, over all cohorts."""
        sc = self.config
        people = sc.intake_per_month * sc.contract.cohorts * sc.contract.cohort_months
        if sc.outcome_metrics[0].evaluation == Evaluation.rct:
            people /= max(1.0 - sc.population.refusal_rate, 0.05)
        return float(people)

    def cohort_size(self) -> float:
        return self.planned_counted() / self.config.contract.cohorts

    def trigger_probability(self, gain_per_person: float) -> float:
        """P(payment is triggered on the primary metric): by a cohort passing its threshold or,
        where the contract has one, all cohorts passing the overall threshold."""
        c = self.config.contract
        metric = self.config.outcome_metrics[0]
        by_cohort = self._pass_probability(gain_per_person, self.cohort_size(), metric.threshold)
        if c.overall_threshold <= 0:
            return by_cohort
        overall = self._pass_probability(
            gain_per_person, self.planned_counted(), c.overall_threshold
        )
        return max(by_cohort, overall)

    def _pass_probability(self, gain_per_person: float, people: float, threshold: float) -> float:
        sc = self.config
        metric = sc.outcome_metrics[0]
        n = max(people, 1.0)
        p = metric.baseline_rate
        mean = float(expected_events(np.array([p]), metric.kind)[0])
        var = mean if metric.kind == Metric.frequency else p * (1 - p)
        if metric.evaluation == Evaluation.rct:
            se = math.sqrt(var * 2.0 / n)
        elif metric.evaluation == Evaluation.pre_post:
            se = math.sqrt(var / n)
        else:
            se = math.sqrt(var * (1.0 / n + 1.0 / (n * sc.evaluator.comparison_matches)))
        cf_mean = self.counterfactual_mean(metric, p)
        if metric.threshold_kind == ThresholdKind.success_rate:
            effect = 1.0 - cf_mean + gain_per_person
        else:
            effect = effect_size(metric.threshold_kind, gain_per_person, cf_mean)
            se = effect_size(metric.threshold_kind, se, cf_mean)
        return float(norm.cdf((effect - threshold) / max(se, 1e-9)))

    def projected_trigger_probability(self) -> float:
        """The operator's view of its current cohort passing, from its own beliefs."""
        clients = self.last_clients
        if clients.size < 10:
            return self.trigger_probability(self.investor.prior_effect())
        hours = np.maximum(
            self.population.plan_hours[clients], self.population.hours_metric[clients]
        )
        weighted, _ = self.operator.expected_gains(clients, hours)
        return self.trigger_probability(float(weighted.mean()) / self.payment_multiplier)

    def payment_headroom_amount(self) -> float:
        """What the state could still pay under the maximum payment."""
        pending = sum(self.payment_for(r) for _, r in self.pending)
        return max(0.0, self.config.contract.max_payment - self.state.paid - pending)

    def payment_headroom(self) -> float:
        """Share of the next expected payments that still fits under the maximum payment."""
        sc = self.config
        remaining_people = max(self.planned_counted() - self._counted_so_far(), 1.0)
        expected = (
            sc.contract.price_per_outcome
            * self.payment_multiplier
            * max(self.investor.estimated_effect, 0.01)
            * remaining_people
        )
        return float(np.clip(self.payment_headroom_amount() / expected, 0.0, 1.0))

    def _counted_so_far(self) -> float:
        return float(sum(r.counted for r in self.evaluator.results))

    def monthly_cost(self) -> float:
        op = self.config.operator
        return (
            op.caseworkers * op.staff_cost_per_worker_month
            + op.fixed_costs_month
            + self.config.capacity * op.cost_per_place_month
        )

    def cost_next_months(self, months: int) -> float:
        return self.monthly_cost() * max(0, min(months, self.delivery_end - self.month))

    def remaining_delivery_cost(self) -> float:
        return self.cost_next_months(self.delivery_end - self.month)

    def break_even_effect(self) -> float:
        """Measured gain per person at which payments repay the capital at the required return."""
        sc = self.config
        need = sc.investor.capital * (1.0 + sc.investor.required_return) ** (
            sc.contract_months / 12
        )
        paid_per_unit = sc.contract.price_per_outcome * self.payment_multiplier
        return need / max(paid_per_unit * self.planned_counted(), 1e-9)

    def interim_effect_estimate(self) -> float | None:
        """What investors can see: measured results once any exist, else positive exits
        against the baseline rate (a lead indicator that creaming flatters)."""
        sc = self.config
        primary = sc.outcome_metrics[0]
        results = [r for r in self.evaluator.results if r.metric == primary.name]
        if results:
            n = sum(r.counted for r in results)
            return sum(r.measured_effect * r.counted for r in results) / max(n, 1)
        if self.exits < MIN_EXITS_FOR_ESTIMATE:
            return None
        success = self.positive_exits / self.exits
        if self.pre_post_binary(primary):  # every success counts: nothing to subtract
            return success
        rate_gain = success - (1.0 - sc.population.baseline_rate)
        if primary.kind == Metric.frequency:
            # a small service effect moves events 1/(1-p) times as much as the binary rate
            rate_gain /= 1.0 - primary.baseline_rate
        return rate_gain

    # ------------------------------------------------------------------ metrics
    @staticmethod
    def pre_post_binary(metric: OutcomeMetric) -> bool:
        """Pre-post on a binary metric: everyone was in the adverse state at entry."""
        return metric.evaluation == Evaluation.pre_post and metric.kind == Metric.binary

    @staticmethod
    def counterfactual_mean(metric: OutcomeMetric, risk: float) -> float:
        """The counterfactual the evaluator will set against an average person of this risk.

        Pre-post compares with the window before entry, which entry required to hold an adverse
        event: 1 for a binary metric, λ / (1 − e^−λ) = λ / p events for a frequency metric.
        """
        mean = float(expected_events(np.array([risk]), metric.kind)[0])
        if metric.evaluation != Evaluation.pre_post:
            return mean
        return 1.0 if metric.kind == Metric.binary else mean / risk

    def metric_shift(self, k: int) -> float:
        """Logit shift that gives metric k its own untreated rate while people keep their rank:
        solved once so the population's mean risk on the metric is the metric's baseline."""
        if k not in self._metric_shifts:
            target = self.config.outcome_metrics[k].baseline_rate
            if target == self.config.population.baseline_rate:
                self._metric_shifts[k] = 0.0
            else:
                base = logit(self.population.risk)
                self._metric_shifts[k] = float(
                    brentq(lambda s: expit(base + s).mean() - target, -20.0, 20.0, xtol=1e-10)
                )
        return self._metric_shifts[k]

    def metric_risk(self, k: int, idx: np.ndarray) -> np.ndarray:
        return shifted(self.population.risk[idx], self.metric_shift(k))

    def metric_uniforms(self, k: int, prior: bool = False) -> np.ndarray:
        """Fixed outcome draws per person for metric k (common random numbers)."""
        if k == 0:
            return self.population.u_prior if prior else self.population.u_outcome
        key = (k, prior)
        if key not in self._uniforms:
            stream = np.random.default_rng([self.seed, 100 + 2 * k + int(prior)])
            self._uniforms[key] = stream.random(self.population.size)
        return self._uniforms[key]

    def relapse_uniforms(self) -> np.ndarray:
        if "relapse" not in self._uniforms:
            stream = np.random.default_rng([self.seed, 99])
            self._uniforms["relapse"] = stream.random(self.population.size)
        return self._uniforms["relapse"]

    # ------------------------------------------------------------------ people
    def beneficiary(self, index: int) -> Beneficiary:
        """The Mesa agent for population index `index`."""
        return self.people[index]
