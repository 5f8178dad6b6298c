"""One contract's terms in force, calendar and standing: signed, ended (and why), what is due.

Why a data object apart from the model: the parties act on the contract — an investor that
exits ends it, an operator out of cash stops its service, the investor's demands reach the
operator through its governance — and none of them should have to call the model to do so.
This is the seed of the contract unit that every later contract will share (see
docs/design/world-of-contracts.md). It imports no agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cislab.model.population import Population, Status
from cislab.model.schema import Evaluation, Scenario

if TYPE_CHECKING:
    from cislab.agents.evaluator import CohortResult


@dataclass
class ContractState:
    config: Scenario
    signed: bool = False
    terminated: str | None = None  # cause of an early end: policy_change, investor_exit, …
    termination_month: int | None = None
    service_stopped: str | None = None  # cause the service stopped at once (operator_insolvent)
    pending: list[tuple[int, CohortResult]] = field(default_factory=list)  # (month due, result)
    not_due: float = 0.0  # earned outcome payments the waterfall says are not due
    pressure_demand: float | None = (
        None  # the investor's latest demand, until the operator reads it
    )
    measure_months: dict[int, int] = field(init=False)  # month → cohort measured then

    def __post_init__(self) -> None:
        sc = self.config
        self.measure_months = {
            (c + 1) * sc.contract.cohort_months
            + sc.intervention.service_months
            + sc.contract.measurement_months
            - 1: c
            for c in range(sc.contract.cohorts)
        }

    # ------------------------------------------------------------------ calendar
    def enrolling(self, month: int) -> bool:
        sc = self.config
        return (
            self.signed
            and self.terminated is None
            and self.service_stopped is None
            and month < sc.contract.cohorts * sc.contract.cohort_months
        )

    @property
    def delivery_end(self) -> int:
        """First month with no service left to deliver."""
        sc = self.config
        end = sc.contract.cohorts * sc.contract.cohort_months + sc.intervention.service_months
        if self.termination_month is not None:
            end = min(end, self.termination_month + sc.intervention.service_months)
        return end

    def delivering(self, month: int) -> bool:
        return self.signed and self.service_stopped is None and month < self.delivery_end

    # ------------------------------------------------------------------ terms
    def planned_counted(self) -> float:
        """People the contract expects to count, over all cohorts."""
        sc = self.config
        people = sc.intake_per_month * sc.contract.cohorts * sc.contract.cohort_months
        if sc.outcome_metrics[0].evaluation == Evaluation.rct:
            people /= max(1.0 - sc.population.refusal_rate, 0.05)
        return float(people)

    def cohort_size(self) -> float:
        return self.planned_counted() / self.config.contract.cohorts

    def payment_for(self, result: CohortResult) -> float:
        """Price × metric weight × priced outcomes (never negative), before caps."""
        price = self.config.outcome_price
        return price * result.weight * max(result.priced_outcomes, 0.0)

    def pending_amount(self) -> float:
        """Payments earned and not yet made, before caps."""
        return sum(self.payment_for(r) for _, r in self.pending)

    # ------------------------------------------------------------------ events
    def terminate(self, reason: str, month: int) -> None:
        """Early termination: no new enrolment; current clients finish while cash lasts."""
        if self.terminated is None:
            self.terminated = reason
            self.termination_month = month

    def stop_service(self, reason: str, month: int, population: Population) -> None:
        """The operator can no longer serve: current clients leave service now."""
        if self.service_stopped is None:
            self.service_stopped = reason
            leaving = population.status == Status.enrolled
            population.status[leaving] = Status.dropped
            population.exit_month[leaving] = month
            self.terminate(reason, month)
