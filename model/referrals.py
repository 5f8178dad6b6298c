"""The referral flow and the volume clause that watches it (issue 12).

Why apart from intake: who is *referred* (the referring body's monthly flow, with its own
uncertainty and shocks) is not who is *eligible* (the population) nor who is *admitted* (the
operator's free places). Without a flow (`referrals.per_month = 0`) every free place finds a
referral while the eligible pool lasts, as before, and nothing here draws a random number. With
a flow, intake admits only people referred and not yet seen, and a contract with a volume
clause compares each review period's referrals with its minimum; the parties' answers to a
breach are decisions (`agents/volume.py`), applied here to the contract.

It also remembers to which cohort each person was *referred* (offered a place, or referred by
the flow), which the `whole_cohort` counting rule needs: every eligible referral is counted,
engaged or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from cislab.model.population import Status

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel
    from cislab.model.schema import Scenario


@dataclass
class VolumeEvent:
    """One breached review of the volume clause and what each party decided."""

    month: int
    received: int
    minimum: float
    operator: str  # "resize" or "continue"
    payer: str  # "end" or "continue"
    caseworkers: int  # after the operator's decision


@dataclass
class ReferralFlow:
    config: Scenario
    seed: int
    size: int
    level: float = 1.0  # the flow's true level, drawn once (unknown at signature)
    referred: np.ndarray = field(init=False)  # referred by the flow, not yet seen
    cohort: np.ndarray = field(init=False)  # cohort a person was referred to (−1: never)
    received: list[int] = field(default_factory=list)  # referrals arrived, month by month
    events: list[VolumeEvent] = field(default_factory=list)
    last: tuple[int, int] = (-1, 0)  # (month, referrals) of the latest arrival

    def __post_init__(self) -> None:
        self.referred = np.zeros(self.size, dtype=bool)
        self.cohort = np.full(self.size, -1, dtype=np.int64)
        self.rng = np.random.default_rng([self.seed, 7])  # its own stream: others unchanged
        sigma = self.config.referrals.level_uncertainty
        if self.on and sigma > 0:
            self.level = math.exp(self.rng.normal(0.0, sigma) - sigma**2 / 2)

    @property
    def on(self) -> bool:
        return self.config.referrals.per_month > 0

    def expected(self, month: int) -> float:
        """The referring body's expected referrals at `month` (true level, shock included)."""
        r = self.config.referrals
        shock = r.shock_factor if 0 <= r.shock_month <= month else 1.0
        return r.per_month * self.level * shock

    # ------------------------------------------------------------------ the month's flow
    def arrive(self, model: CISModel) -> int:
        """This month's referrals join those waiting for a place, in the payer's order."""
        if not self.on:
            return 0
        pop = model.population
        candidates = np.flatnonzero((pop.status == Status.unseen) & ~self.referred)
        count = min(int(self.rng.poisson(self.expected(model.month))), candidates.size)
        if count > 0:
            chosen = model.state.referrals(candidates, count)
            self.referred[chosen] = True
            self.cohort[chosen] = model.month // self.config.contract.cohort_months
        self.received.append(count)
        self.last = (model.month, count)
        return count

    def available(self, unseen: np.ndarray) -> np.ndarray:
        """Who intake may draw from: everyone unseen without a flow, the referred with one."""
        return unseen[self.referred[unseen]] if self.on else unseen

    def mark_offered(self, offered: np.ndarray, cohort: int) -> None:
        """People offered a place belong to that cohort's referrals (whole-cohort counting)."""
        fresh = offered[self.cohort[offered] < 0]
        self.cohort[fresh] = cohort

    def observed_rate(self, months: int) -> float:
        """Mean referrals a month over the last `months` months (what every party can see)."""
        recent = self.received[-months:]
        return float(np.mean(recent)) if recent else 0.0

    # ------------------------------------------------------------------ the volume clause
    def review(self, model: CISModel) -> None:
        """Check the volume clause at the end of a review period; on a breach, ask the operator
        then the payer what they do, and apply it."""
        from cislab.agents.volume import operator_answer, payer_answer

        c = self.config.contract
        months = c.volume_review_months
        if not (self.on and c.min_referral_share > 0 and model.enrolling):
            return
        if model.month == 0 or model.month % months != 0 or len(self.received) < months:
            return
        received = int(sum(self.received[-months:]))
        minimum = c.min_referral_share * self.config.intake_per_month * months
        if received >= minimum:
            return
        operator = operator_answer(model, received / months)
        if operator.resize_to is not None:
            model.operator.resize(operator.resize_to)
        payer = payer_answer(model)
        self.events.append(
            VolumeEvent(
                month=model.month,
                received=received,
                minimum=minimum,
                operator=operator.choice,
                payer=payer,
                caseworkers=model.operator.caseworkers,
            )
        )
        if payer == "end":
            model.contract.terminate("referral_shortfall", model.month)

    def projected_people(self, model: CISModel) -> float:
        """People the contract will have enrolled by the end of enrolment if referrals go on
        at the rate seen over the last review period (at most the planned volume)."""
        c = self.config.contract
        enrolled = float((model.population.enrol_month >= 0).sum())
        end = c.cohorts * c.cohort_months
        rate = self.observed_rate(c.volume_review_months)
        accept = max(1.0 - self.config.population.refusal_rate, 0.05)
        to_come = rate * accept * max(end - model.month, 0)
        return min(enrolled + to_come, model.contract.planned_counted())
