"""Reading INDIGO's free-text values: numbers, months, rates, currencies; writing money.

Why apart: INDIGO records are typed by hand, so every value arrives as text in several spellings
('2,250,000', '2019-01-01', '3% to 5%', 'Russian Ruble'). These pure functions accept the
spellings the dataset uses and raise ValueError for the rest, so the builder can turn a refusal
into a stated gap; `scripts/build_indigo.py` uses the same ones to derive the shipped file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .tables import CURRENCY_ALIASES


def normalize_currency(raw: Any) -> str | None:
    """An ISO 4217 code from INDIGO's mixed spellings ('GBP', 'Russian Ruble', 'NZ dollar')."""
    if not isinstance(raw, str):
        return None
    text = re.sub(r"\s+", " ", raw).strip().upper()
    if text in CURRENCY_ALIASES:
        return CURRENCY_ALIASES[text]
    return text if re.fullmatch(r"[A-Z]{3}", text) else None


def parse_number(raw: Any) -> float:
    """A finite, non-negative number from INDIGO text ('1000', '2,250,000', '0.15').

    Raises ValueError for anything else (words, symbols, negative or non-finite values)."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        if not re.fullmatch(r"\d+(\.\d+)?([eE][+-]?\d+)?", text):
            raise ValueError(raw)
        value = float(text)
    else:
        raise ValueError(raw)
    if not math.isfinite(value) or value < 0:
        raise ValueError(raw)
    return value


def parse_month(raw: Any, end: bool = False) -> tuple[int, int, bool]:
    """(year, month, month_given) from 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.

    A year alone is read as January (or December for an end date). Raises ValueError."""
    if not isinstance(raw, str):
        raise ValueError(raw)
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", raw.strip())
    if not match:
        raise ValueError(raw)
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if not (1990 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(raw)
    return year, month, match.group(2) is not None


def parse_rate(raw: Any) -> float:
    """An annual rate as a fraction: '0.15', '15%', '3% to 5%' (the top), '3.5' (read as %).

    Raises ValueError when no rate in (0, 1] can be read."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        values = [float(raw)]
        percents = False
    elif isinstance(raw, str):
        percents = "%" in raw
        found = re.findall(r"\d+(?:\.\d+)?(?=\s*%)" if percents else r"\d+(?:\.\d+)?", raw)
        values = [float(v) for v in found]
    else:
        raise ValueError(raw)
    if not values:
        raise ValueError(raw)
    top = max(values)
    rate = top / 100 if percents or top > 1 else top
    if not 0 < rate <= 1:
        raise ValueError(raw)
    return rate


def month_index(start: tuple[int, int], when: tuple[int, int]) -> int:
    """Months from `start` to `when`, both (year, month): the model's month numbers."""
    return (when[0] - start[0]) * 12 + (when[1] - start[1])


def money_text(amount: float, currency: str, lang: str = "en") -> str:
    """'GBP 5,000,000' in English, '5 000 000 GBP' in French; cents only below 100."""
    text = f"{amount:,.0f}" if amount >= 100 else f"{amount:,.2f}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",") + f" {currency}"
    return f"{currency} {text}"


def shorten(text: str, limit: int) -> str:
    """Whitespace collapsed and cut with '…': record text quoted in sources and gaps."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def strings_in(value: Any) -> list[str]:
    """Every string inside a value (strings, lists, dicts), for search and tolerant reading."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings_in(v)]
    return []
