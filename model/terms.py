"""Contract terms every party reads the same way: risk bands, prices, triggers, caps.

Why one module: the operator's expectations, the state's payments and the game's sliders must
agree on what "passing the threshold" and "the price of this person's outcome" mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from cislab.model.schema import Contract, PriceRule, ThresholdKind
from scipy.special import expit, ndtri  # ndtri = norm.ppf, without importing scipy.stats


@dataclass(frozen=True)
class PublicStats:
    """What everyone knows about the eligible population: the spread of logit risk and how noisy
    the administrative profile is. Beliefs about individuals are built from these."""

    logit_mean: float
    logit_var: float
    admin_var: float
    eligible_admin_risk: float = 0.0  # mean admin risk of the eligible (person-level prices)

    def admin_risk(self, admin_score: np.ndarray) -> np.ndarray:
        """E[risk | administrative profile]: what a matched comparison will expect of a person."""
        w = self.logit_var / (self.logit_var + self.admin_var)
        mean = self.logit_mean + w * (admin_score - self.logit_mean)
        var = self.logit_var * (1.0 - w)
        return expit(mean / math.sqrt(1.0 + math.pi * var / 8.0))

    def band_edges(self, bands: int) -> np.ndarray:
        """Risk-band edges on the administrative score (equal shares of the population)."""
        sd = math.sqrt(self.logit_var + self.admin_var)
        return self.logit_mean + sd * ndtri(np.arange(1, bands) / bands)


def price_multipliers(
    contract: Contract, stats: PublicStats, admin_score: np.ndarray
) -> np.ndarray:
    """Per-person multiplier of the price by the contract's price rule: 1 (flat), the risk
    band's tier (tiers), or the payer's predicted difficulty — the person's administrative risk
    ÷ the eligible population's mean, so prices average the stated price over the eligible
    (person)."""
    if contract.price_rule == PriceRule.person:
        return stats.admin_risk(admin_score) / max(stats.eligible_admin_risk, 1e-12)
    tiers = contract.price_tiers
    if not tiers:
        return np.ones_like(admin_score, dtype=float)
    band = np.searchsorted(stats.band_edges(len(tiers)), admin_score)
    return np.asarray(tiers, dtype=float)[band]


def passes(
    kind: ThresholdKind, threshold: float, counterfactual_sum: float, outcome_sum: float, n: int
) -> bool:
    """Did the measured result reach the trigger?"""
    if n == 0:
        return False
    gain = counterfactual_sum - outcome_sum
    if kind == ThresholdKind.absolute:
        return gain / n >= threshold
    if kind == ThresholdKind.success_rate:
        return 1.0 - outcome_sum / n >= threshold
    return counterfactual_sum > 0 and gain / counterfactual_sum >= threshold


def effect_size(kind: ThresholdKind, per_person_gain: float, counterfactual_mean: float) -> float:
    """Measured gain in the unit the threshold uses (success rate needs the outcome: see caller)."""
    if kind == ThresholdKind.relative:
        return per_person_gain / counterfactual_mean if counterfactual_mean > 0 else 0.0
    return per_person_gain
