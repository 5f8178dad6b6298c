"""Counts read as a person writes them: "1 appareil", "2 appareils" — never "appareil(s)"."""

from __future__ import annotations

import json

import pytest
from cislab.game import i18n
from cislab.game.net.words import STATIC, say


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("fr", 0, "0 appareil, 0 en ligne"),
        ("fr", 1, "1 appareil, 1 en ligne"),
        ("fr", 2, "2 appareils, 2 en ligne"),
        ("en", 0, "0 devices, 0 online"),
        ("en", 1, "1 device, 1 online"),
    ],
)
def test_projector_counts_agree_in_number(lang, n, expected):
    before = i18n.language()
    i18n.set_language(lang)
    try:
        assert say("projector.devices", n=n, online=n) == expected
    finally:
        i18n.set_language(before)


def test_no_text_hedges_its_plural_with_parentheses():
    for lang in ("en", "fr"):
        words = json.loads((STATIC / f"web.{lang}.json").read_text(encoding="utf-8"))
        assert [k for k, v in words.items() if "(s)" in v] == [], lang
