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


def money(value: float | None, currency: str = "EUR", compact: bool = True) -> str:
    if missing(value):
        return tr("fmt.na")
    symbol = SYMBOLS.get(currency, currency + " ")
    sign = "−" if value < 0 else ""
    v = abs(value)
    if compact and v >= 1_000_000:
        body = _group(v / 1_000_000, 2) + tr("fmt.million")
    elif compact and v >= 10_000:
        body = _group(v / 1000, 0) + tr("fmt.thousand")
    else:
        body = _group(v, 0)
    if language() == "fr":
        return f"{sign}{body} {symbol}"
    return f"{sign}{symbol}{body}"


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
