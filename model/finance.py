"""Investor returns computed from actual cash flows, never from promised terms."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq


def annual_irr(monthly_flows: np.ndarray) -> float:
    """Annualised internal rate of return of monthly flows; NaN when undefined.

    Undefined when nothing was invested; a total loss (nothing back) is -100%. Monthly rates are
    searched in [-50%, +100%] (annual -99.98% to +819,000%) with discounting in log space so
    long horizons cannot overflow.
    """
    flows = np.asarray(monthly_flows, dtype=float)
    if not (flows < 0).any():
        return math.nan
    if not (flows > 0).any():
        return -1.0
    t = np.arange(flows.size)

    def npv(rate: float) -> float:
        return float(np.sum(flows * np.exp(-t * math.log1p(rate))))

    lo, hi = -0.5, 1.0
    if npv(lo) < 0:
        return -1.0  # so little came back that the loss rounds to total
    if npv(hi) > 0:
        return math.nan
    monthly = brentq(npv, lo, hi, xtol=1e-12)
    return (1.0 + monthly) ** 12 - 1.0


def capped_due(
    disbursed: list[tuple[int, float]],
    repaid: list[tuple[int, float]],
    month: int,
    annual_cap: float,
) -> float:
    """What the investor may still receive at `month` without exceeding the return cap.

    Each euro advanced may grow at most at `annual_cap` a year; each euro repaid stops growing.
    """
    growth = 1.0 + annual_cap
    owed = sum(a * growth ** ((month - m) / 12.0) for m, a in disbursed)
    paid = sum(a * growth ** ((month - m) / 12.0) for m, a in repaid)
    return max(0.0, owed - paid)
