"""The eligible population as arrays owned by the model.

Why arrays: the rules that touch everyone each month are numpy expressions (tens of millions of
beneficiary-months per second); Mesa `Beneficiary` agents are light views onto one index each.
Common random numbers: each person's outcome uniforms are drawn once, from a stream that
depends only on the seed, so the model knows the treated and untreated outcome of the same
person, and two contract designs run with the same seed face the same people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from cislab.model.network import small_world
from cislab.model.schema import Scenario
from scipy import sparse
from scipy.special import expit, logit


class Status(IntEnum):
    """Where a person stands towards the programme."""

    unseen = 0  # eligible, not referred or approached yet
    enrolled = 1  # in service
    completed = 2  # finished the service spell
    dropped = 3  # left service early
    refused = 4  # offered a place, said no
    control = 5  # randomised to the control arm (RCT)
    waiting = 6  # referred to the treatment arm, not admitted (RCT, intent-to-treat)


def beta_risks(n: int, mean: float, concentration: float, rng: np.random.Generator) -> np.ndarray:
    """Untreated risks with the scenario's baseline rate as their mean."""
    a, b = mean * concentration, (1.0 - mean) * concentration
    return np.clip(rng.beta(a, b, n), 0.005, 0.995)


@dataclass
class Population:
    """Per-person state. Indices are stable; index i is `Beneficiary` with `index == i`."""

    risk: np.ndarray
    admin_score: np.ndarray
    private_score: np.ndarray
    hours_scale: np.ndarray
    u_outcome: np.ndarray
    u_prior: np.ndarray
    u_refuse: np.ndarray
    queue: np.ndarray
    adjacency: sparse.csr_matrix
    status: np.ndarray = field(init=False)
    arm: np.ndarray = field(init=False)
    cohort: np.ndarray = field(init=False)
    enrol_month: np.ndarray = field(init=False)
    exit_month: np.ndarray = field(init=False)
    hours_metric: np.ndarray = field(init=False)
    hours_effective: np.ndarray = field(init=False)
    hours_quality: np.ndarray = field(init=False)
    plan_hours: np.ndarray = field(init=False)
    wellbeing: np.ndarray = field(init=False)
    complaints: np.ndarray = field(init=False)
    measured: np.ndarray = field(init=False)
    y_treated: np.ndarray = field(init=False)
    y_untreated: np.ndarray = field(init=False)
    counterfactual: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.risk.size
        self.status = np.zeros(n, np.int8)
        self.arm = np.zeros(n, np.int8)  # 0 none, 1 treatment, 2 control
        self.cohort = np.full(n, -1, np.int16)
        self.enrol_month = np.full(n, -1, np.int32)
        self.exit_month = np.full(n, -1, np.int32)
        self.hours_metric = np.zeros(n, np.float64)
        self.hours_effective = np.zeros(n, np.float64)  # hours × experience when delivered
        self.hours_quality = np.zeros(n, np.float64)
        self.plan_hours = np.zeros(n, np.float64)
        self.wellbeing = np.full(n, np.nan, np.float64)
        self.complaints = np.zeros(n, np.int32)
        self.measured = np.zeros(n, bool)
        self.y_treated = np.full(n, np.nan, np.float64)
        self.y_untreated = np.full(n, np.nan, np.float64)
        self.counterfactual = np.full(n, np.nan, np.float64)

    @property
    def size(self) -> int:
        return int(self.risk.size)

    def ever_enrolled(self) -> np.ndarray:
        return self.enrol_month >= 0

    def in_service(self) -> np.ndarray:
        return self.status == Status.enrolled


def risk_logit_moments(risk: np.ndarray) -> tuple[float, float]:
    """Mean and variance of logit risk: the public statistics every actor knows."""
    lr = logit(risk)
    return float(lr.mean()), float(lr.var())


def build_population(scenario: Scenario, rng: np.random.Generator) -> Population:
    """Draw the population from a seed-only stream: contract levers never change who is there."""
    pop = scenario.population
    n = pop.size
    risk = beta_risks(n, pop.baseline_rate, pop.risk_concentration, rng)
    lr = logit(risk)
    admin = lr + rng.normal(0.0, pop.admin_noise, n)
    private = lr + rng.normal(0.0, pop.private_noise, n)
    hours_scale = scenario.intervention.hours_scale * (risk / risk.mean()) ** pop.hardness
    u_outcome = rng.random(n)
    u_prior = rng.random(n)
    u_refuse = rng.random(n)
    queue = rng.permutation(n)
    adjacency = small_world(n, pop.network_degree, pop.network_rewire, rng)
    return Population(
        risk=risk,
        admin_score=admin,
        private_score=private,
        hours_scale=hours_scale,
        u_outcome=u_outcome,
        u_prior=u_prior,
        u_refuse=u_refuse,
        queue=queue,
        adjacency=adjacency,
    )


@dataclass
class ComparisonPool:
    """People outside the programme the evaluator can match on (national or historical data)."""

    risk: np.ndarray
    admin_score: np.ndarray
    u_now: np.ndarray
    u_hist: np.ndarray
    u_relapse: np.ndarray

    @classmethod
    def draw(cls, scenario: Scenario, size: int, rng: np.random.Generator) -> ComparisonPool:
        pop = scenario.population
        risk = beta_risks(size, pop.baseline_rate, pop.risk_concentration, rng)
        admin = logit(risk) + rng.normal(0.0, pop.admin_noise, size)
        order = np.argsort(admin)  # sorted by admin score: matching is a searchsorted
        return cls(risk[order], admin[order], rng.random(size), rng.random(size), rng.random(size))


def shifted(risk: np.ndarray, shift: np.ndarray | float) -> np.ndarray:
    """Risk moved by a shift on the logit scale (context, peers, service)."""
    return expit(logit(risk) + shift)
