"""Translations: every text the game shows comes from `i18n/game.<lang>.json` by key.

Why our own lookup rather than only pygame_gui's: charts and the field are drawn with pygame,
not widgets, and a test must be able to fail on a missing key. With `CISLAB_I18N_STRICT=1` (the
tests set it) a missing key raises instead of falling back to English.
The files keep pygame_gui's layout (`{"fr": {...}}`) so they could also be given to its
`translation_directory_paths`.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent / "i18n"
LANGS = ("fr", "en")
DEFAULT_LANG = "en"

_current = DEFAULT_LANG


class MissingTranslation(KeyError):
    """A key used by the game is absent from a translation file."""


@cache
def table(lang: str) -> dict[str, str]:
    """All keys of one language."""
    path = I18N_DIR / f"game.{lang}.json"
    return json.loads(path.read_text(encoding="utf-8"))[lang]


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: allowed {', '.join(LANGS)}")
    _current = lang


def language() -> str:
    return _current


def strict() -> bool:
    return os.environ.get("CISLAB_I18N_STRICT", "") == "1"


def has(key: str) -> bool:
    return key in table(_current)


def tr(key: str, **values: object) -> str:
    """The text for `key` in the current language, with `{name}` fields filled."""
    text = table(_current).get(key)
    if text is None:
        if strict():
            raise MissingTranslation(f"{key} ({_current})")
        text = table(DEFAULT_LANG).get(key, key)
    return text.format(**values) if values else text
