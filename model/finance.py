"""Investor returns computed from actual cash flows, never from promised terms.

Why a scan before the root finder: an investor's monthly flows need not change sign once. A
tranche paid after the last repayment (the investor keeps funding, then the contract ends)
gives out–in–out, and the present value as a function of the rate then has two roots or none.
A root finder bracketed on fixed ends (the old [−50%, +100%] a month) saw the late tranche
dominate at the low end and reported −100% for runs that got most of their money back. Here the
rate is scanned outward from zero and the IRR is the first root on the side the money says: a
loss (less back than put in) has the largest negative root, a gain the smallest positive one.
For flows with one sign change this is the unique IRR; with several it is the one consistent
with the investor multiple (multiple < 1 ⇔ IRR < 0).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

# Monthly rates searched: (−99.99%, +1000%) a month, i.e. annual −100% (to 48 digits) to 3e12.
MONTHLY_LOW, MONTHLY_HIGH = -0.9999, 10.0
# Scan points per side; the steps grow geometrically away from zero (1e-7 to about 1% of the
# continuously compounded monthly rate), so nearby roots are told apart where returns live.
SCAN_POINTS = 4000
# Net flows this small against the gross are a break-even, not a gain or a loss.
ZERO_RELATIVE = 1e-12


class _PresentValue:
    """Present value of monthly flows at a continuously compounded monthly rate `u`.

    Scaled by a positive factor (its largest term) so no term overflows at any rate: the
    scaled function has the same sign and the same roots, which is all the IRR needs.
    """

    def __init__(self, flows: np.ndarray) -> None:
        months = np.flatnonzero(flows)
        self.t = months.astype(float)
        self.sign = np.sign(flows[months])
        self.log_size = np.log(np.abs(flows[months]))

    def scaled(self, u: np.ndarray | float) -> np.ndarray:
        u = np.atleast_1d(np.asarray(u, dtype=float))
        logs = self.log_size[None, :] - np.outer(u, self.t)
        logs -= logs.max(axis=1, keepdims=True)
        return (self.sign[None, :] * np.exp(logs)).sum(axis=1)

    def __call__(self, u: float) -> float:
        return float(self.scaled(u)[0])


def _first_root(pv: _PresentValue, limit: float) -> float | None:
    """The root of `pv` nearest to zero in (0, `limit`], or None when there is none."""
    grid = np.concatenate(([0.0], np.geomspace(1e-7, abs(limit), SCAN_POINTS)))
    grid *= math.copysign(1.0, limit)
    signs = np.sign(pv.scaled(grid))
    hits = np.flatnonzero((signs[1:] == 0) | (signs[1:] * signs[:-1] < 0))
    if not hits.size:
        return None
    i = int(hits[0])
    if signs[i + 1] == 0:
        return float(grid[i + 1])
    return float(brentq(pv, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-14))


def annual_irr(monthly_flows: np.ndarray) -> float | None:
    """Annual internal rate of return of monthly net flows (in positive, out negative).

    Returns None when no rate is defined: nothing was invested (no outflow), or no rate in the
    searched range makes the flows' present value zero on the side of their net sum (a loss
    followed by a late outflow can have none; a gain above +1000% a month is not searched).
    A total loss (nothing came back) is −1.0, and so is a loss whose root lies below −99.99% a
    month, which rounds to −100% a year.
    The annual rate compounds the monthly one, (1 + m)**12 − 1, as the return cap does
    (`capped_due`), so a payment capped at `return_cap` gives an IRR of `return_cap`.
    """
    flows = np.asarray(monthly_flows, dtype=float)
    if flows.ndim != 1 or not np.isfinite(flows).all():
        raise ValueError("monthly flows must be a finite one-dimensional array")
    if not (flows < 0).any():
        return None
    if not (flows > 0).any():
        return -1.0
    net = float(flows.sum())
    if abs(net) <= ZERO_RELATIVE * float(np.abs(flows).sum()):
        return 0.0
    pv = _PresentValue(flows)
    limit = math.log1p(MONTHLY_HIGH) if net > 0 else math.log1p(MONTHLY_LOW)
    u = _first_root(pv, limit)
    if u is None:
        last_in = flows[np.flatnonzero(flows)[-1]] > 0
        # A loss ending in an inflow always has a root; beyond the range it rounds to −100%.
        return -1.0 if net < 0 and last_in else None
    return math.expm1(12.0 * u)


def capped_due(
    disbursed: list[tuple[int, float]],
    repaid: list[tuple[int, float]],
    month: int,
    annual_cap: float,
) -> float:
    """What the investor may still receive at `month` without exceeding the return cap.

    Each euro advanced may grow at most at `annual_cap` a year; each euro repaid stops growing.
    Growth compounds as `annual_irr` annualises, (1 + cap) ** (months / 12): paying exactly what
    is due makes the flows' present value zero at the cap, so their IRR is the cap itself.
    """
    growth = 1.0 + annual_cap
    owed = sum(a * growth ** ((month - m) / 12.0) for m, a in disbursed)
    paid = sum(a * growth ** ((month - m) / 12.0) for m, a in repaid)
    return max(0.0, owed - paid)
