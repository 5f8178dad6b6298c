"""The operator's effort planning: scarce hours go where their marginal value is highest."""

from __future__ import annotations

import numpy as np
import pytest
from cislab.agents.operator import water_fill, water_levels


@pytest.mark.parametrize("budget", [0.5, 20.0, 400.0, 20_000.0])
def test_water_fill_spends_the_budget_and_equalises_marginal_values(budget):
    rng = np.random.default_rng(3)
    amplitude, rate = rng.random(200) * 100, rng.random(200) * 0.1 + 0.01
    hours, mu = water_fill(amplitude, rate, budget)
    assert hours.sum() == pytest.approx(budget, rel=1e-9)
    assert (hours >= 0).all()
    marginal = amplitude * rate * np.exp(-rate * hours)
    served = hours > 1e-9
    np.testing.assert_allclose(marginal[served], mu, rtol=1e-6)
    assert (marginal[~served] <= mu * (1 + 1e-9)).all()


def test_water_fill_beats_an_even_spread():
    rng = np.random.default_rng(4)
    amplitude, rate = rng.random(100) * 50, rng.random(100) * 0.2 + 0.01
    hours, _ = water_fill(amplitude, rate, 300.0)
    even = np.full(100, 3.0)

    def value(h):
        return (amplitude * (1 - np.exp(-rate * h))).sum()

    assert value(hours) > value(even)


def test_water_levels_fall_as_budgets_grow():
    rng = np.random.default_rng(5)
    amplitude, rate = rng.random(50) * 10, rng.random(50) * 0.1 + 0.01
    levels = water_levels(amplitude, rate, np.array([1.0, 10.0, 100.0, 1000.0]))
    assert (np.diff(levels) < 0).all()
    assert water_fill(np.zeros(5), np.ones(5), 10.0)[0].sum() == 0
