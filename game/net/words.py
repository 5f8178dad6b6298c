"""The networked workshop's own words (the phone client's and the projector's lobby), kept in
`static/web.<lang>.json` beside the client that also reads them, so the game's translation files
stay the hot-seat game's. Looked up in the game's current language, like `tr`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from cislab.game import i18n

STATIC = Path(__file__).resolve().parent / "static"


@cache
def table(lang: str) -> dict[str, str]:
    return json.loads((STATIC / f"web.{lang}.json").read_text(encoding="utf-8"))


def say(key: str, **values: object) -> str:
    """The text for `key` in the game's current language, with `{name}` fields filled."""
    text = table(i18n.language()).get(key)
    if text is None:
        if i18n.strict():
            raise i18n.MissingTranslation(f"{key} ({i18n.language()})")
        text = table("en").get(key, key)
    return text.format(**values) if values else text
