"""How much memory and time a run of a scenario will take, estimated from its sizes.

Why: every field of a scenario may be valid on its own while their product is not — 2 million
people with 50 ties each, or 1,000 territories all linked to each other. Such a scenario used to
pass `validate` and then exhaust the machine's memory. Validation now estimates the run's peak
memory from its sizes and refuses it, in one line with the estimate and the limit, when it would
not fit. The limit is `CISLAB_MAX_MEMORY_GB` (default: 4 GB, or half the machine's memory if that
is less); a sweep's worker processes each hold one run.

Calibration (peak resident memory `ru_maxrss` of a fresh process that builds the model, runs
every month, collects the tables and writes the output folder; Linux, Python 3.12, numpy 2,
Mesa 3.5; `python benchmarks/budget.py` prints the table below again):

    ============================================  ===========  =========  ==========
    case                                          measured MB  estimate   (+25%)
    ============================================  ===========  =========  ==========
    population 50                                 216          220        275
    default × 10 (50,000 people)                  263          266        332
    default × 80 (400,000 people)                 538          587        734
    400,000 people × 50 ties                      1,130        1,212      1,516
    comparison pool of 2 million                  352          387        483
    2,000,000 people (the largest population)     1,561        2,054      2,568
    issue 9: 100,000 caseworkers × 1,000 places   224          226        283
    1,000 territories, complete graph             366          360        450
    1,000 territories, 30 years after             235          250        313
    ============================================  ===========  =========  ==========

Coefficients fitted on those runs: 220 MB for the interpreter and libraries; 700 B per eligible
person (Mesa agent, arrays, output tables); 34 B per person and network tie; 75 B per person of
the comparison pool; 270 B per link between territories; 50 B per territory-month after the
contract. The estimate lies between 2% below and 32% above the measured peak; `SAFETY` adds 25%.
Time is a coarse guide, shown by `cislab validate` and never a reason to refuse: on the
reference machine (2 shared cores) about 1.2 µs per person to build (Beneficiary agents are
created in bulk; benchmarks/results-scale.md), 35 ns per person-month, 4 µs
per territory link and 3.5 µs per territory-month — two to three times that when the cores are
busy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from math import ceil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cislab.model.schema import Scenario

MB = 1_000_000
BASE_BYTES = 220 * MB
PERSON_BYTES = 700
TIE_BYTES = 34
POOL_BYTES = 75
LINK_BYTES = 270
TERRITORY_MONTH_BYTES = 50
SAFETY = 1.25

BASE_SECONDS = 0.05
BUILD_SECONDS_PER_PERSON = 1.2e-6
SECONDS_PER_PERSON_MONTH = 3.5e-8
SECONDS_PER_LINK = 4e-6
SECONDS_PER_TERRITORY_MONTH = 3.5e-6
SECONDS_PER_MONTH = 1e-3

DEFAULT_LIMIT_GB = 4.0
LIMIT_ENV = "CISLAB_MAX_MEMORY_GB"


@dataclass(frozen=True)
class Estimate:
    """Peak memory (bytes) and run time (seconds) of one run, and what drives the memory."""

    memory: float
    seconds: float
    largest: str  # the term that costs most, named as the fields a user would lower

    @property
    def memory_gb(self) -> float:
        return self.memory / 1e9


def comparison_pool_size(sc: Scenario) -> int:
    """People drawn for the matched comparison: `comparison_pool_factor` per person who can
    enrol, and no one can enrol twice, so never more than that factor × the population."""
    planned = sc.intake_per_month * sc.contract.cohorts * sc.contract.cohort_months
    return max(200, ceil(sc.evaluator.comparison_pool_factor * min(planned, sc.population.size)))


def territory_links(sc: Scenario) -> float:
    """Expected number of links of the territory graph."""
    t = sc.territories
    n = t.count
    pairs = n * (n - 1) / 2
    if t.graph == "complete":
        return pairs
    if t.graph == "random":
        return pairs * t.link_within
    if t.graph == "small_world":
        return n * min(t.degree, n - 1) / 2
    regions = max(1, min(t.regions, n))
    within = regions * (n / regions) * (n / regions - 1) / 2
    return within * t.link_within + (pairs - within) * t.link_between


def estimate(sc: Scenario, months: int | None = None) -> Estimate:
    """Peak memory and time of a run of `sc` over `months` (default: the scenario's own)."""
    months = sc.contract_months + sc.after_months if months is None else months
    people = sc.population.size
    after_months = max(0, months - sc.contract_months) if sc.after.horizon_years > 0 else 0
    territory_months = sc.territories.count * after_months if sc.after.horizon_years > 0 else 0
    links = territory_links(sc) if sc.after.horizon_years > 0 else 0.0
    terms = {
        "population.size": people * PERSON_BYTES,
        "population.size × population.network_degree": people
        * sc.population.network_degree
        * TIE_BYTES,
        "evaluator.comparison_pool_factor × population.size": comparison_pool_size(sc) * POOL_BYTES,
        "territories.count and territories.graph": links * LINK_BYTES,
        "territories.count × after.horizon_years": territory_months * TERRITORY_MONTH_BYTES,
    }
    memory = SAFETY * (BASE_BYTES + sum(terms.values()))
    seconds = (
        BASE_SECONDS
        + people * BUILD_SECONDS_PER_PERSON
        + months * (SECONDS_PER_MONTH + people * SECONDS_PER_PERSON_MONTH)
        + territory_months * SECONDS_PER_TERRITORY_MONTH
        + links * SECONDS_PER_LINK
    )
    return Estimate(memory, seconds, max(terms, key=terms.__getitem__))


def memory_limit_gb() -> float:
    """The limit in GB: `CISLAB_MAX_MEMORY_GB`, else 4 GB or half the machine's memory."""
    raw = os.environ.get(LIMIT_ENV, "").strip()
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 < value < 1e6:
            raise ValueError(f"{LIMIT_ENV} = {raw[:60]!r}: must be a number of GB above 0")
        return value
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e9
    except (AttributeError, ValueError, OSError):  # not a POSIX system: keep the default
        return DEFAULT_LIMIT_GB
    return min(DEFAULT_LIMIT_GB, physical / 2) if physical > 0 else DEFAULT_LIMIT_GB


def check_budget(sc: Scenario, months: int | None = None) -> str | None:
    """None when a run fits the memory limit, else one line with the estimate and the limit."""
    est = estimate(sc, months)
    try:
        limit = memory_limit_gb()
    except ValueError as exc:
        return str(exc)
    if est.memory_gb <= limit:
        return None
    return (
        f"this scenario would need about {est.memory_gb:.1f} GB of memory, above the limit of "
        f"{limit:.1f} GB (mostly {est.largest}); lower it, or raise the limit with "
        f"{LIMIT_ENV}=<GB>"
    )
