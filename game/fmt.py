"""Numbers as a workshop reads them, in the current language (1 234 567 € / €1,234,567)."""

from __future__ import annotations

import math

from cislab.game.i18n import language, tr

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}


def _group(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    if language() == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def decimals_for(value: float, most: int) -> int:
    """The fewest decimals (up to `most`) that show `value` exactly."""
    for d in range(most + 1):
        if abs(round(value, d) - value) < 1e-9 * max(1.0, abs(value)):
            return d
    return most


def money(
    value: float | None, currency: str = "EUR", compact: bool = True, exact: bool = False
) -> str:
    """Money as a workshop reads it; `exact` keeps every digit a compact form would round away
    (a lever's value: £12,500 is "£12.5k", not "£12k")."""
    if missing(value):
        return tr("fmt.na")
    symbol = SYMBOLS.get(currency, currency + " ")
    sign = "−" if value < 0 else ""
    v = abs(value)
    unit = ""
    if compact and v >= 1_000_000:
        d = decimals_for(v / 1_000_000, 6) if exact else 2
        body, unit = _group(v / 1_000_000, d), tr("fmt.million")
    elif compact and v >= 10_000:
        d = decimals_for(v / 1000, 3) if exact else 0
        body, unit = _group(v / 1000, d), tr("fmt.thousand")
    else:
        body = _group(v, 0)
    if language() == "fr":  # French typography: "15 k€", "2,93 M£", but "1 234 €"
        return f"{sign}{body}{unit}{symbol}" if unit else f"{sign}{body} {symbol}"
    return f"{sign}{symbol}{body}{unit}"


def pct(value: float | None, decimals: int = 0, signed: bool = False) -> str:
    if missing(value):
        return tr("fmt.na")
    text = _group(abs(value) * 100, decimals)
    sign = (
        ("+" if value > 0 else "−" if value < 0 else "") if signed else ("−" if value < 0 else "")
    )
    return f"{sign}{text}\u202f%" if language() == "fr" else f"{sign}{text}%"


def num(value: float | None, decimals: int = 2, signed: bool = False) -> str:
    if missing(value):
        return tr("fmt.na")
    text = _group(abs(value), decimals)
    sign = "−" if value < 0 else ("+" if signed and value > 0 else "")
    return sign + text
