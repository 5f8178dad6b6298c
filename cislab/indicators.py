"""What each summary indicator is, for a reader: its label with unit, which way is better, how
its sign reads, and how to format its value — in the current language.

Why one table: `compare`, `run`, `sensitivity`, the figures and the decision report all name the
same indicators; a label, a unit or a direction defined twice would drift. The words live in the
catalogue (`metric.<key>`, `metric.<key>.note`), the structure (kind, direction) here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from babel.numbers import get_currency_symbol

from cislab import lang

Kind = Literal[
    "money",
    "tiny_money",  # a rounding residue (the ledger's imbalance): shown in scientific notation
    "risk",
    "share",
    "per_person",
    "rate",
    "ratio",
    "people",
    "events",
    "count",
    "flag",
    "fraction",
]
HIGHER, LOWER, NEITHER, INVESTOR = "higher", "lower", "neither", "investor"


@dataclass(frozen=True)
class Indicator:
    key: str
    kind: Kind
    direction: str  # higher / lower is better for the public; neither; investor's view


INDICATORS = {
    i.key: i
    for i in (
        Indicator("creaming_index", "risk", LOWER),
        Indicator("parking_index", "share", LOWER),
        Indicator("gaming_index", "share", LOWER),
        Indicator("true_effect", "per_person", HIGHER),
        Indicator("measured_effect", "per_person", NEITHER),
        Indicator("outcome_payments", "money", NEITHER),
        Indicator("public_cost", "money", LOWER),
        Indicator("public_savings", "money", HIGHER),
        Indicator("net_public_benefit", "money", HIGHER),
        Indicator("cost_per_avoided_event", "money", LOWER),
        Indicator("evaluation_fees", "money", LOWER),
        Indicator("investor_irr", "rate", INVESTOR),
        Indicator("investor_multiple", "ratio", INVESTOR),
        Indicator("operator_cash_end", "money", NEITHER),
        Indicator("enrolled", "people", NEITHER),
        Indicator("counted", "people", NEITHER),
        Indicator("true_avoided_events", "events", HIGHER),
        Indicator("measured_outcomes", "events", NEITHER),
        Indicator("contract_signed", "flag", NEITHER),
        Indicator("terminated", "flag", LOWER),
        Indicator("ledger_imbalance", "tiny_money", NEITHER),
        Indicator("adopted", "count", HIGHER),
        Indicator("territories_reached", "count", HIGHER),
        Indicator("people_covered", "people", HIGHER),
        Indicator("next_contracts", "count", NEITHER),
        Indicator("scaled_on_inflated_evidence", "fraction", LOWER),
        Indicator("investor_reinvestment", "money", NEITHER),
        Indicator("public_spending_after", "money", NEITHER),
    )
}


def indicator(key: str) -> Indicator:
    """The indicator for a summary key; keys without an entry read as plain counts."""
    return INDICATORS.get(key, Indicator(key, "count", NEITHER))


def name(key: str) -> str:
    """The indicator's name in the current language (the key itself when it has none)."""
    return lang.tr(f"metric.{key}") if lang.has(f"metric.{key}") else key


def unit(key: str, currency: str = "EUR") -> str:
    """The unit a value is read in: the currency's symbol, "per person", "% per year"…"""
    kind = indicator(key).kind
    if kind in ("money", "tiny_money"):
        return get_currency_symbol(currency, locale=lang.BABEL_LOCALES[lang.language()])
    return lang.tr(f"unit.{kind}")


def label(key: str, currency: str = "EUR") -> str:
    """Name and unit: "Net public benefit (€)", "Creaming index (risk points)"."""
    u = unit(key, currency)
    return f"{name(key)} ({u})" if u else name(key)


def direction(key: str) -> str:
    """ "higher is better", "lower is better", "neither: …" in the current language."""
    return lang.tr(f"direction.{indicator(key).direction}")


def note(key: str) -> str:
    """How the sign reads, in one short sentence ("> 0: the contract saved more than it cost")."""
    return lang.tr(f"metric.{key}.note") if lang.has(f"metric.{key}.note") else ""


def value(key: str, v: object, currency: str = "EUR", signed: bool = False) -> str:
    """A value as the indicator is read: money in the currency, IRR as a percentage…"""
    kind = indicator(key).kind
    if kind == "flag":
        return lang.NA if v is None else lang.tr("yes" if v else "no")
    if kind == "money":
        return lang.money(v, currency, signed)
    if kind == "tiny_money":
        return lang.scientific(v)
    if kind == "fraction":
        return lang.percent(v, 0, signed)
    if kind == "rate":
        return lang.percent(v, 1, signed)
    if kind == "ratio":
        return lang.number(v, 2, signed)
    if kind in ("people", "count", "events") and not lang.missing(v) and float(v) == int(v):  # type: ignore[arg-type]
        return lang.number(v, 0, signed)
    if kind in ("risk", "share", "per_person"):
        return lang.number(v, 3, signed)
    return lang.number(v, None, signed)


def short_value(key: str, v: object, currency: str = "EUR", signed: bool = False) -> str:
    """As `value`, with large money compact ("1,2 M€"): for figure ticks and narrow cells."""
    if indicator(key).kind == "money":
        return lang.money_short(v, currency, signed)
    return value(key, v, currency, signed)


def better(key: str, delta: float, low: float, high: float) -> str | None:
    """ "better"/"worse" when the interval of a difference excludes 0 and the indicator has a
    direction for the public; "no clear difference" when it includes 0; None otherwise."""
    d = indicator(key).direction
    if lang.missing(low) or lang.missing(high):
        return None
    if low <= 0 <= high:
        return "same"
    if d not in (HIGHER, LOWER):
        return "differs"
    up = low > 0
    return "better" if up == (d == HIGHER) else "worse"
