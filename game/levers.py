"""The contract levers (MODEL.md §4) and key assumptions, as data the screens turn into widgets.

Each lever is a dotted scenario path — the same override language as the CLI — with its widget
kind, range and display format. Labels and tooltips come from the translation files
(`lever.<id>` and `tip.<id>`), so a lever is added here once and appears everywhere.

The ranges below are the usual ones; a case is played as it was (`levers_for`): where its own
value lies outside, the range widens to hold it, and the slider's steps pass through it, so
Gironde's €45,000 and 82% or Wimoov's €100 are reachable exactly and never clipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from cislab.model.schema import Scenario

TIERED_PRICES = [0.6, 1.0, 1.4]  # lowest, middle, highest administrative risk band
HEADROOM = 1.5  # a widened range reaches this far beyond the case's value (a counter's room)
EPS = 1e-9
GAME_HORIZON_YEARS = 10  # years a session plays after the contract when its case sets none


@dataclass(frozen=True)
class Lever:
    path: str
    kind: str  # "slider", "choice" or "toggle"
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01
    options: tuple[str, ...] = ()
    unit: str = "num"  # "money", "pct", "num", "int", "years"
    negotiable: bool = False
    integer: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    limits: tuple[float, float] = (0.0, math.inf)  # what the schema accepts
    anchor: float | None = None  # a value the steps pass through (the case's own)

    @property
    def id(self) -> str:
        return self.path.replace(".", "_")

    @property
    def label_key(self) -> str:
        return f"lever.{self.id}"

    @property
    def tip_key(self) -> str:
        return f"tip.{self.id}"

    def clamp(self, value: Any) -> Any:
        """A value the lever can hold: sliders clamped and snapped, choices checked."""
        if self.kind == "slider":
            v = min(max(float(value), self.low), self.high)
            origin = self.low if self.anchor is None else self.anchor
            v = origin + round((v - origin) / self.step) * self.step
            v = min(max(v, self.low), self.high)
            return round(v) if self.integer else round(v, 6)
        if self.kind == "choice":
            if value not in self.options:
                raise ValueError(f"{self.path} = {value!r}: allowed {', '.join(self.options)}")
            return value
        return bool(value)

    def around(self, value: Any) -> Lever:
        """This lever as a case with `value` plays it: the range widened (never past the schema's
        limits) until it holds the value with some room beyond, and its ends moved onto a grid of
        steps through the value, so the value is a stop of the slider."""
        if self.kind != "slider":
            return self
        v = float(value)
        low, high = self.low, self.high
        if v < low:
            low = max(self.limits[0], v / HEADROOM)
        if v > high:
            high = min(self.limits[1], v * HEADROOM)
        step = self.step
        low = v - math.floor((v - low) / step + EPS) * step
        high = v + math.floor((high - v) / step + EPS) * step
        if self.integer:  # whole numbers stay whole (the slider then steps by units)
            return replace(self, low=round(low), high=round(high), anchor=round(v))
        return replace(self, low=round(low, 9) + 0.0, high=round(high, 9) + 0.0, anchor=v)

    def to_override(self, value: Any) -> Any:
        """The scenario value behind the widget value (toggles may stand for lists)."""
        if self.path == "contract.price_tiers":
            return list(TIERED_PRICES) if value else []
        return value

    def raw(self, scenario: Scenario) -> Any:
        section, name = self.path.split(".")
        return getattr(getattr(scenario, section), name)

    def from_config(self, scenario: Scenario) -> Any:
        """The scenario's own value, as the widget holds it (sliders exactly, on the case's
        range: see `around`)."""
        value = self.raw(scenario)
        if self.path == "contract.price_tiers":
            return bool(value)
        if self.kind == "choice":
            return str(value)
        if self.kind == "toggle":
            return bool(value)
        return self.around(value).clamp(value)


CONTRACT_LEVERS: tuple[Lever, ...] = (
    Lever(
        "contract.selection", "choice", options=("operator", "public_referral", "random_referral")
    ),
    Lever(
        "contract.evaluation",
        "choice",
        options=("rct", "matched_comparison", "historical_baseline", "pre_post"),
    ),
    Lever("contract.metric", "choice", options=("binary", "frequency")),
    Lever(
        "contract.threshold", "slider", 0.0, 0.3, 0.01, unit="pct", negotiable=True, limits=(0, 1)
    ),
    Lever("contract.price_per_outcome", "slider", 1000, 40000, 500, unit="money", negotiable=True),
    Lever("contract.max_payment", "slider", 200_000, 12_000_000, 100_000, unit="money"),
    Lever(
        "contract.return_cap", "slider", 0.0, 0.2, 0.005, unit="pct", negotiable=True, limits=(0, 1)
    ),
    Lever("contract.cap_at_savings", "toggle"),
    Lever("contract.price_tiers", "toggle"),
    Lever("contract.representative_cohort", "toggle"),
    Lever("contract.audit_rate", "slider", 0.0, 1.0, 0.05, unit="pct", limits=(0, 1)),
    Lever("contract.audit_penalty", "slider", 0, 2000, 50, unit="money"),
    Lever("contract.cohorts", "slider", 1, 5, 1, unit="int", integer=True, limits=(1, 20)),
    Lever("state.referral_rule", "choice", options=("waiting_list", "random", "need_first")),
)

ASSUMPTIONS: tuple[Lever, ...] = (
    Lever("intervention.effect", "slider", 0.0, 2.0, 0.05, unit="num", limits=(0, 5)),
    Lever("population.private_noise", "slider", 0.05, 2.0, 0.05, unit="num", limits=(0, 10)),
    Lever("operator.mission_weight", "slider", 0.0, 1.0, 0.05, unit="pct", limits=(0, 1)),
    Lever("population.baseline_rate", "slider", 0.2, 0.9, 0.05, unit="pct", limits=(0.01, 0.99)),
    Lever("context.trend_per_year", "slider", -0.3, 0.3, 0.05, unit="num", limits=(-2, 2)),
)

# Not a contract term but the session's horizon: how many years the model goes on after the
# contract's last month, so adoption, scale-up or stop can happen (set on the design screen).
HORIZON = Lever(
    "after.horizon_years", "slider", 0, 20, 1, unit="years", integer=True, limits=(0, 30)
)
SESSION_LEVERS: tuple[Lever, ...] = (HORIZON,)

BY_PATH = {lever.path: lever for lever in (*CONTRACT_LEVERS, *ASSUMPTIONS, *SESSION_LEVERS)}


def lever(path: str) -> Lever:
    return BY_PATH[path]


def game_horizon(scenario: Scenario) -> int:
    """The case's own post-contract horizon, or the game's default where it has none: most cases
    stop at the contract's end (horizon 0), but a workshop should see what comes after."""
    return int(scenario.after.horizon_years) or GAME_HORIZON_YEARS


def levers_for(scenario: Scenario, levers: tuple[Lever, ...] | None = None) -> dict[str, Lever]:
    """Every lever (or those given) as this case plays it: ranges and steps around its values."""
    chosen = levers if levers is not None else tuple(BY_PATH.values())
    return {lv.path: lv.around(lv.raw(scenario)) for lv in chosen}


def values_from(scenario: Scenario, levers: tuple[Lever, ...]) -> dict[str, Any]:
    """The scenario's own value of each lever, exactly."""
    return {lv.path: lv.from_config(scenario) for lv in levers}


def overrides(values: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Scenario overrides for the lever values that differ from `base` (all if no base)."""
    out = {}
    for path, value in values.items():
        if base is not None and base.get(path) == value:
            continue
        out[path] = BY_PATH[path].to_override(value)
    return out
