"""A message catalogue by key: the one lookup behind the game's texts (`cislab.game.i18n`) and the
command line's (`cislab.lang`).

Why one: both keep the same conventions — files `<stem>.<lang>.json` in pygame_gui's layout
(`{"fr": {...}}`), keys rather than strings in code, an English fallback, and
`CISLAB_I18N_STRICT=1` (set by the tests) turning a missing key into an error — and two copies
would drift. The current language stays with each front end (the game and a command each choose
theirs); this module holds no state but its files' cache, and imports nothing of CIS Lab, so the
command line can use it without loading the game.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT_LANG = "en"


class MissingTranslation(KeyError):
    """A key used by CIS Lab is absent from a translation file."""


def strict() -> bool:
    """Whether a missing key is an error (the tests) rather than an English fallback."""
    return os.environ.get("CISLAB_I18N_STRICT", "") == "1"


class Catalogue:
    """The files `<folder>/<stem>.<lang>.json`, read once each."""

    def __init__(self, folder: Path, stem: str) -> None:
        self.folder = folder
        self.stem = stem
        self._tables: dict[str, dict[str, str]] = {}

    def table(self, lang: str) -> dict[str, str]:
        """All keys of one language."""
        if lang not in self._tables:
            path = self.folder / f"{self.stem}.{lang}.json"
            self._tables[lang] = json.loads(path.read_text(encoding="utf-8"))[lang]
        return self._tables[lang]

    def has(self, lang: str, key: str) -> bool:
        return key in self.table(lang)

    def tr(self, lang: str, key: str, **values: object) -> str:
        """The text for `key` in `lang`, with `{name}` fields filled."""
        text = self.table(lang).get(key)
        if text is None:
            if strict():
                raise MissingTranslation(f"{key} ({lang})")
            text = self.table(DEFAULT_LANG).get(key, key)
        return text.format(**values) if values else text
