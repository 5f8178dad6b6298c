"""The networked workshop's own words (the phone client's and the projector's lobby), kept in
`static/web.<lang>.json` beside the client that also reads them, so the game's translation files
stay the hot-seat game's. Looked up in the game's current language, like `tr`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from babel import Locale
from cislab.game import i18n

STATIC = Path(__file__).resolve().parent / "static"


@cache
def table(lang: str) -> dict[str, str]:
    return json.loads((STATIC / f"web.{lang}.json").read_text(encoding="utf-8"))


def plural_key(key: str, lang: str, values: dict[str, object]) -> str:
    """`key.one` when the count (`n`, else `years`) takes the singular in `lang` (French: 0 and 1;
    English: 1), by CLDR's plural rules through Babel; otherwise `key`."""
    count = values.get("n", values.get("years"))
    if isinstance(count, int) and Locale.parse(lang).plural_form(count) == "one":
        return key + ".one"
    return key


def say(key: str, **values: object) -> str:
    """The text for `key` in the game's current language, with `{name}` fields filled."""
    lang = i18n.language()
    text = table(lang).get(plural_key(key, lang, values)) or table(lang).get(key)
    if text is None:
        if i18n.strict():
            raise i18n.MissingTranslation(f"{key} ({i18n.language()})")
        text = table("en").get(key, key)
    return text.format(**values) if values else text
