"""The operator's choice between quick results and durable ones: follow-up after exit.

Why a decision: following former clients lowers their relapse (`intervention.follow_up_effect`)
but takes caseworker hours from the clients in service, whose results come sooner. With
`intervention.follow_up_hours = 0` follow-up costs nothing and every leaver is fully followed (as
before). Above 0, at each exit the operator gives each leaver the follow-up level (0–100%) that
maximises its objective: the relapse it avoids — valued in money where a paid metric is observed
after the follow-up starts, and in mission at the longest horizon it cares about — less the
metric hours it displaces, valued at its shadow price of an hour. More pay at risk raises that
shadow price, so whether durable results rise or fall with `contract.outcome_share` depends on
which horizons the contract pays: the agents' incentives decide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from cislab.model.population import Status, shifted
from cislab.model.schema import Metric
from cislab.model.terms import price_multipliers

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

LEVELS = np.linspace(0.0, 1.0, 5)


class FollowUp:
    def __init__(self, size: int) -> None:
        self.level = np.ones(size)  # follow-up each person gets after exit (1 = full)
        self.chosen: list[float] = []  # mean level chosen at each exit, for the summary

    @staticmethod
    def on(model: CISModel) -> bool:
        iv = model.config.intervention
        return iv.follow_up_hours > 0 and iv.follow_up_months > 0

    def hours_due(self, model: CISModel) -> float:
        """Caseworker hours this month's follow-up of former clients takes."""
        if not self.on(model):
            return 0.0
        pop = model.population
        iv = model.config.intervention
        since = model.month - pop.exit_month
        followed = (pop.status == Status.completed) & (since > 0) & (since <= iv.follow_up_months)
        return float(self.level[followed].sum() * iv.follow_up_hours)

    def decide(self, model: CISModel, leavers: np.ndarray) -> None:
        """Choose each leaver's follow-up level from the operator's objective."""
        if not self.on(model) or leavers.size == 0:
            return
        op = model.operator
        sc = model.config
        iv = sc.intervention
        p_hat = op.believed_risk(leavers)
        covered = iv.follow_up_months
        w = op.mission_weight
        tiers = price_multipliers(sc.contract, model.public, model.population.admin_score[leavers])
        money = np.zeros((leavers.size, LEVELS.size))
        mission = np.zeros_like(money)
        horizons = [m.horizon_months for m in sc.outcome_metrics]
        for k, metric in enumerate(sc.outcome_metrics):
            if metric.kind != Metric.binary or metric.horizon_months <= 0:
                continue
            p_k = shifted(p_hat, model.truth.metric_shift(k))
            kept = _kept(p_k, metric.horizon_months, covered, model)
            money += metric.weight * tiers[:, None] * (kept - kept[:, :1])
        longest = max([*horizons, covered])
        kept = _kept(p_hat, longest, covered, model)
        mission += (p_hat / model.baseline_mean)[:, None] * (kept - kept[:, :1])
        value = (1.0 - w) * op.payment_value() * money + w * op.params.value_per_avoided_event * (
            mission
        )
        cost = op.shadow_price * LEVELS[None, :] * iv.follow_up_hours * covered
        best = np.argmax(value - cost, axis=1)
        self.level[leavers] = LEVELS[best]
        self.chosen.append(float(LEVELS[best].mean()))

    def mean_level(self) -> float | None:
        return float(np.mean(self.chosen)) if self.chosen else None


def _kept(p: np.ndarray, horizon: int, covered: int, model: CISModel) -> np.ndarray:
    """P(good at exit and still good at `horizon`) per person and follow-up level."""
    iv = model.config.intervention
    hazard = iv.relapse_rate * p / model.baseline_mean
    cov = min(horizon, covered)
    exposure = cov * (1.0 - iv.follow_up_effect * LEVELS[None, :]) + horizon - cov
    return (1.0 - p)[:, None] * np.exp(-hazard[:, None] * exposure)
