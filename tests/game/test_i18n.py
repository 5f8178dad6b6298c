"""French and English are both complete: every key the game uses exists in both files, with the
same placeholders, and every character can be drawn by the game's font."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from cislab.game import i18n
from cislab.game.debrief import DIMENSIONS
from cislab.game.decisions import DECISIONS, ROLES
from cislab.game.events import EVENTS
from cislab.game.levers import ASSUMPTIONS, CONTRACT_LEVERS, SESSION_LEVERS
from cislab.game.whatif import OUTPUTS
from cislab.model.population import Status

GAME = Path(i18n.__file__).resolve().parent
LITERAL = re.compile(r"""\btr\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")


def used_literal_keys() -> set[str]:
    keys = set()
    for path in GAME.rglob("*.py"):
        keys |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    return keys


def dynamic_keys() -> set[str]:
    """Keys built at run time from the game's data: one per lever, option, decision, event..."""
    keys = set()
    for lever in (*CONTRACT_LEVERS, *ASSUMPTIONS, *SESSION_LEVERS):
        keys |= {lever.label_key, lever.tip_key}
        keys |= {f"opt.{o}" for o in lever.options}
    for role in ROLES:
        keys |= {f"role.{role}", f"roles.desc.{role}"}
        for dec in DECISIONS[role]:
            keys |= {dec.label_key, dec.tip_key}
            keys |= {f"choice.{dec.id}.{o}" for o in dec.options}
            if dec.kind == "action":
                keys |= {f"action.{dec.id}.todo", f"action.{dec.id}.done"}
    keys |= {f"event.{e}" for e in EVENTS}
    keys |= {f"event.detail.{e}" for e in EVENTS if e != "media_story"}
    keys |= {f"event.story.{s}" for s in ("creaming", "parking", "praise")}
    keys |= {f"status.{s.name}" for s in Status}
    keys |= {f"score.{d}" for d in DIMENSIONS}
    keys |= {f"out.{o}" for o in OUTPUTS}
    keys |= {f"incident.{k}" for k in ("creaming", "parking", "gaming", "bias", "overpaid")}
    keys |= {"incident.inflated", "unit.year", "unit.years", "unit.none"}
    keys |= {f"reason.{r}" for r in ("investor_exit", "operator_insolvent")}
    keys |= {f"flow.{r}" for r in ("capital_tranche", "outcome_payment", "investor_repayment")}
    keys |= {"flow.audit_fine", "ui.yes", "ui.no"}
    keys |= {f"neg.did.{a}" for a in ("propose", "accept", "counter", "accept_counter")}
    keys |= {"neg.did.reject_counter"}
    keys |= {f"predict.q.{q}" for q in ("creaming", "measured_above_true", "money_back")}
    keys |= {f"predict.short.{q}" for q in ("creaming", "measured_above_true", "money_back")}
    keys |= {"predict.q.payments_share", "predict.short.payments_share"}
    keys |= {f"help.key{i}" for i in range(1, 15)}
    return keys


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    fr, en = i18n.table("fr"), i18n.table("en")
    assert sorted(set(en) - set(fr)) == []
    assert sorted(set(fr) - set(en)) == []


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_key_the_game_uses_is_translated(lang):
    table = i18n.table(lang)
    needed = used_literal_keys() | dynamic_keys()
    assert len(used_literal_keys()) > 150  # the scan really found the game's keys
    assert sorted(k for k in needed if k not in table) == []


def test_no_empty_text_and_same_placeholders():
    fr, en = i18n.table("fr"), i18n.table("en")
    assert [k for k, v in {**fr, **en}.items() if not v.strip()] == []
    assert [k for k in en if placeholders(en[k]) != placeholders(fr[k])] == []


def test_strict_mode_fails_on_a_missing_key(monkeypatch):
    monkeypatch.setenv("CISLAB_I18N_STRICT", "1")
    with pytest.raises(i18n.MissingTranslation):
        i18n.tr("no.such.key")
    monkeypatch.setenv("CISLAB_I18N_STRICT", "0")
    assert i18n.tr("no.such.key") == "no.such.key"


def test_every_character_exists_in_the_font():
    """A glyph missing from Noto Sans shows as an empty box on screen (tofu)."""
    import pygame
    from cislab.game.widgets import text

    pygame.font.init()
    regular, bold = text.font(16), text.font(16, bold=True)
    missing_box = regular.metrics("\u25b6")[0]  # a glyph the font lacks
    chars = {c for lang in i18n.LANGS for v in i18n.table(lang).values() for c in v}
    chars -= set("<>/")  # html tags in text boxes
    bad = sorted(
        c
        for c in chars
        if c.strip() and (regular.metrics(c)[0] == missing_box or bold.metrics(c)[0] == missing_box)
    )
    assert bad == []


def test_the_payer_sentence_names_the_payer_with_its_article():
    """Seen before: "In this case the outcome payer is Ministry of Justice (ministry)"."""
    from cislab.game import payer
    from cislab.model.scenarios import load_scenario

    sc = load_scenario("peterborough")
    i18n.set_language("en")
    try:
        assert payer.briefing(sc) == (
            "In this case, the Ministry of Justice pays for the outcomes."
        )
        i18n.set_language("fr")
        assert payer.briefing(sc).startswith("Dans ce cas, c'est le ministère de la Justice qui")
        assert "(ministère)" not in payer.briefing(sc)  # the name already says what it is
        actiris = load_scenario("duo_for_a_job")
        assert payer.briefing(actiris).endswith("(organisme public).")
    finally:
        i18n.set_language("en")
