"""The outcome payer as the case names it: "Gironde département", "Ministry of Justice", Actiris.

Why here and not in the translation files: the name is a fact of the case (`meta.payer` in the
scenario, with its source), not of the game; a case that names no payer keeps the generic
"State" / "the State" of the translations.
"""

from __future__ import annotations

from cislab.game.i18n import language, tr
from cislab.model.schema import Scenario


def _pick(text) -> str:
    return getattr(text, language(), "") or ""


def role_name(role: str, scenario: Scenario | None) -> str:
    """The label of a role: the case's payer for the State, else the generic role name."""
    if role == "state" and scenario is not None:
        name = _pick(scenario.meta.payer.name)
        if name:
            return name
    return tr(f"role.{role}")


def named(scenario: Scenario | None) -> bool:
    """Does the case name its payer? (else the generic State of the translations)"""
    return scenario is not None and bool(_pick(scenario.meta.payer.name))


def key_for(key: str, role: str, scenario: Scenario | None) -> str:
    """The translation key for a sentence naming `role`: its `_named` variant for a case's payer,
    whose name takes no elided article ("À l'{role}" suits "État", not "Département ...")."""
    return f"{key}_named" if role == "state" and named(scenario) else key


def sentence_start(scenario: Scenario | None) -> str:
    """The payer opening a sentence: "The Ministry of Justice", "Le Département de la Gironde"."""
    phrase = in_sentence(scenario)
    return phrase[:1].upper() + phrase[1:]


def in_sentence(scenario: Scenario | None) -> str:
    """The payer inside a sentence, with its article ("the Ministry of Justice", "l'État")."""
    if scenario is not None:
        phrase = _pick(scenario.meta.payer.in_sentence) or _pick(scenario.meta.payer.name)
        if phrase:
            return phrase
    return tr("payer.the_state")


def with_kind(scenario: Scenario) -> str:
    """The payer's name and what it is: "Actiris (public agency)"; the generic State alone."""
    name = role_name("state", scenario)
    if not _pick(scenario.meta.payer.name):
        return name
    kind = tr(f"payer.kind.{scenario.meta.payer.kind}")
    if kind.casefold() in name.casefold():  # "Ministère de la Justice" already says ministère
        return name
    return f"{name} ({kind})"


def briefing(scenario: Scenario | None) -> str:
    """One line for the State's briefing: who pays for outcomes in this case, and what it is
    (nothing when the case names no payer: the role's own description says it all)."""
    if scenario is None or not _pick(scenario.meta.payer.name):
        return ""
    payer = scenario.meta.payer
    kind = tr(f"payer.kind.{payer.kind}")
    if kind.casefold() in _pick(payer.name).casefold():  # the name already says what it is
        return tr("payer.brief_named", payer=in_sentence(scenario))
    return tr(
        "payer.brief",
        payer=in_sentence(scenario),  # "the Ministry of Justice", with its article
        kind=tr(f"payer.kind.{payer.kind}"),
    )
