"""The benchmark's scenario: the default contract with the served population growing with the
population, so a bigger run times more people served, not more people idle.

At any size, capacity, money and caps scale together: 5.5 caseworkers per 1,000 eligible people
(550 for 100,000, 30 clients each, 6-month spells) enrol about 90% of the population over the
three yearly cohorts, and the operator's cash and costs, the investor's capital, the payer's
budget, the maximum payment and the fees grow in the same proportion, so the contract is signed,
funded and paid as the default one is.
"""

from __future__ import annotations

from typing import Any

CASEWORKERS_PER_PERSON = 5.5 / 1000
DEFAULT_CASEWORKERS = 5  # the default scenario's, whose money figures are scaled


def scaled_overrides(size: int) -> dict[str, Any]:
    """Overrides of the default scenario for `size` eligible people, ~90% of them served."""
    caseworkers = max(1, round(size * CASEWORKERS_PER_PERSON))
    k = caseworkers / DEFAULT_CASEWORKERS
    return {
        "population.size": size,
        "operator.caseworkers": caseworkers,
        "operator.cash": 50_000.0 * k,
        "operator.fixed_costs_month": 3_000.0 * k,
        "investor.capital": 1_000_000.0 * k,
        "state.budget": 3_000_000.0 * k,
        "contract.max_payment": 1_400_000.0 * k,
        "contract.intermediary_fee": 40_000.0 * k,
        "evaluator.fee_per_measurement": 15_000.0 * k,
    }


def scaled_scenario(size: int):
    """The default scenario with `scaled_overrides(size)` applied and validated."""
    from cislab.model.scenarios import load_scenario

    return load_scenario("default", scaled_overrides(size))
