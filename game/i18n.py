"""Translations: every text the game shows comes from `i18n/game.<lang>.json` by key.

Why our own lookup rather than only pygame_gui's: charts and the field are drawn with pygame,
not widgets, and a test must be able to fail on a missing key. With `CISLAB_I18N_STRICT=1` (the
tests set it) a missing key raises instead of falling back to English.
The files keep pygame_gui's layout (`{"fr": {...}}`) so they could also be given to its
`translation_directory_paths`.
"""

from __future__ import annotations

from pathlib import Path

from cislab.catalogue import Catalogue
from cislab.catalogue import MissingTranslation as MissingTranslation  # re-exported
from cislab.catalogue import strict as strict  # re-exported

I18N_DIR = Path(__file__).resolve().parent / "i18n"
LANGS = ("fr", "en")
DEFAULT_LANG = "en"

_current = DEFAULT_LANG


_CATALOGUE = Catalogue(I18N_DIR, "game")


def table(lang: str) -> dict[str, str]:
    """All keys of one language."""
    return _CATALOGUE.table(lang)


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: allowed {', '.join(LANGS)}")
    _current = lang


def language() -> str:
    return _current


def has(key: str) -> bool:
    return _CATALOGUE.has(_current, key)


def tr(key: str, **values: object) -> str:
    """The text for `key` in the current language, with `{name}` fields filled."""
    return _CATALOGUE.tr(_current, key, **values)
