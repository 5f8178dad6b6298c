"""One adverse-event process per person serves every metric.

A person's events in a measurement window are Poisson with rate -ln(1 - p), where p is the
probability of at least one event; a binary metric asks "at least one?", a frequency metric
counts them. Both read the same fixed uniform (common random numbers), so the treated and the
untreated outcome of one person are two answers to the same draw.
"""

from __future__ import annotations

import numpy as np
from cislab.model.schema import Metric


def service_shift(
    hours: np.ndarray,
    hours_scale: np.ndarray,
    experience: float | np.ndarray,
    effect: float,
    max_reduction: float,
) -> np.ndarray:
    """Fall in logit risk from service hours: diminishing returns, harder cases need more hours."""
    return effect * max_reduction * (1.0 - np.exp(-hours * experience / hours_scale))


def events(prob: np.ndarray, uniform: np.ndarray, metric: Metric) -> np.ndarray:
    """Adverse outcome per person under the metric, read from fixed uniforms."""
    if metric == Metric.binary:
        return (uniform > 1.0 - prob).astype(np.float64)
    rate = -np.log1p(-np.clip(prob, 0.0, 1.0 - 1e-12))
    from scipy.stats import poisson  # only frequency metrics need it; scipy.stats is slow to import

    return poisson.ppf(uniform, rate)


def expected_events(prob: np.ndarray, metric: Metric) -> np.ndarray:
    """Expected value of the metric for a given probability of at least one event."""
    if metric == Metric.binary:
        return prob
    return -np.log1p(-np.clip(prob, 0.0, 1.0 - 1e-12))


def events_slope(prob: np.ndarray, metric: Metric) -> np.ndarray:
    """d(expected metric) / d(logit p): where an hour of service moves the metric most."""
    if metric == Metric.binary:
        return prob * (1.0 - prob)
    return prob


def prior_events(prob: np.ndarray, uniform: np.ndarray, metric: Metric) -> np.ndarray:
    """Events in the window before entry, given that entry required at least one (pre-post)."""
    if metric == Metric.binary:
        return np.ones_like(prob)
    rate = -np.log1p(-np.clip(prob, 0.0, 1.0 - 1e-12))
    p0 = np.exp(-rate)
    from scipy.stats import poisson

    return poisson.ppf(p0 + uniform * (1.0 - p0), rate)
