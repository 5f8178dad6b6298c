"""The language of everything a person reads outside the game: CLI tables, messages, figures,
reports. One catalogue (`cislab/i18n/cli.<lang>.json`) and Babel for every number.

Why a module of its own beside `cislab.game.i18n`: the CLI and the experiment figures must not
load the game package. Both look their keys up through `cislab.catalogue` (the same JSON layout,
the same English fallback, `CISLAB_I18N_STRICT=1` making a missing key an error); each keeps its
own current language.
Why Babel: thousands separators, decimal commas, currency placement ("1 234 € " / "€1,234") and
percent spacing differ by locale; a maintained CLDR library gets them right where hand-written
`replace(",", " ")` does not.

Data files never go through here: their column names stay stable identifiers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

from babel import Locale
from babel.numbers import format_compact_currency, format_scientific, parse_pattern

from cislab.catalogue import Catalogue
from cislab.catalogue import MissingTranslation as MissingTranslation  # re-exported
from cislab.catalogue import strict as strict  # re-exported

I18N_DIR = Path(__file__).resolve().parent / "i18n"
LANGS = ("fr", "en")
DEFAULT_LANG = "en"
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
NA = "—"

_current = DEFAULT_LANG


_CATALOGUE = Catalogue(I18N_DIR, "cli")


def from_environment(env: Mapping[str, str] | None = None) -> str:
    """The language the user's locale asks for: the first of LC_ALL, LC_MESSAGES, LANG and
    LANGUAGE that is set (POSIX precedence); "fr…" gives French, anything else English."""
    env = os.environ if env is None else env
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(name, "")
        if value and value not in ("C", "POSIX"):
            return "fr" if value.lower().startswith("fr") else "en"
    return DEFAULT_LANG


def choose(lang: str | None) -> str:
    """Set the language for the rest of the command: `lang` if given, else the locale's."""
    chosen = from_environment() if lang is None else lang
    set_language(chosen)
    return chosen


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGS:
        raise ValueError(f"--lang = {lang!r}: allowed: {', '.join(LANGS)}")
    _current = lang


def language() -> str:
    return _current


def table(lang: str) -> dict[str, str]:
    """All keys of one language."""
    return _CATALOGUE.table(lang)


def has(key: str) -> bool:
    return _CATALOGUE.has(_current, key)


def tr(key: str, **values: object) -> str:
    """The text for `key` in the current language, with `{name}` fields filled."""
    return _CATALOGUE.tr(_current, key, **values)


def text_of(bilingual: object, fallback: str = "") -> str:
    """A scenario's bilingual text (`meta.title`) in the current language, else English."""
    value = getattr(bilingual, _current, "") or getattr(bilingual, "en", "") or fallback
    return str(value)


# ---------------------------------------------------------------------------------------------
# Numbers, through Babel only


def _locale() -> Locale:
    return Locale.parse(BABEL_LOCALES[_current])


def missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _apply(pattern_text: str, value: float, digits: int, currency: str | None = None) -> str:
    """Format with a locale pattern, forcing exactly `digits` decimals."""
    pattern = parse_pattern(pattern_text)
    pattern.frac_prec = (digits, digits)
    return pattern.apply(value, _locale(), currency=currency, currency_digits=False)


def _signed(text: str, value: float, signed: bool) -> str:
    """A true minus sign (−), and a plus on positive differences when `signed`."""
    text = text.replace("-", "−")
    if signed and value > 0:
        return "+" + text
    return text


def digits_for(value: float) -> int:
    """Decimals that show a quantity without false precision: none from 1 000, one from 10."""
    size = abs(value)
    if size >= 1000:
        return 0
    if size >= 10:
        return 1
    return 3


def number(value: object, digits: int | None = None, signed: bool = False) -> str:
    """A plain number (1 234,5 / 1,234.5); `digits` decimals, or as many as its size needs."""
    if missing(value):
        return NA
    v = float(value)  # type: ignore[arg-type]
    if v == 0:
        return "0"
    d = digits_for(v) if digits is None else digits
    pattern = _locale().decimal_formats[None].pattern.split(";")[0]
    return _signed(_apply(pattern, v, d), v, signed)


def money(value: object, currency: str = "EUR", signed: bool = False) -> str:
    """Whole units of the scenario's currency: "1 234 567 €" / "€1,234,567"."""
    if missing(value):
        return NA
    v = float(value)  # type: ignore[arg-type]
    pattern = _locale().currency_formats["standard"].pattern.split(";")[0]
    return _signed(_apply(pattern, round(v), 0, currency), v, signed)


def money_short(value: object, currency: str = "EUR", signed: bool = False, digits: int = 2) -> str:
    """Money for figure ticks and tight cells: "1,25 M€" / "€1.25M" (up to `digits` decimals)."""
    if missing(value):
        return NA
    v = float(value)  # type: ignore[arg-type]
    if abs(v) < 10_000:
        return money(v, currency, signed)
    text = format_compact_currency(v, currency, locale=_locale(), fraction_digits=digits)
    return _signed(text, v, signed)


def percent(value: object, digits: int = 1, signed: bool = False) -> str:
    """A fraction of 1 as a percentage: "12,3 %" / "12.3%"."""
    if missing(value):
        return NA
    v = float(value)  # type: ignore[arg-type]
    pattern = _locale().percent_formats[None].pattern.split(";")[0]
    return _signed(_apply(pattern, v, digits), v, signed)


def integer(value: object) -> str:
    return number(value, 0)


def scientific(value: object) -> str:
    """A residue such as the ledger's imbalance (1,2E-10), which plain decimals would show as 0."""
    if missing(value):
        return NA
    if float(value) == 0.0:
        return "0"  # exactly balanced: nothing to show in scientific notation
    return _signed(format_scientific(float(value), "0.0E0", locale=_locale()), 0.0, False)  # type: ignore[arg-type]


def significant(value: object, digits: int = 4) -> str:
    """`digits` significant digits (1 235 / 0,01235), for figures of very different sizes."""
    if missing(value):
        return NA
    v = float(value)  # type: ignore[arg-type]
    if v == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(v))))
    return number(round(v, decimals), decimals)
