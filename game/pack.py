"""The facilitator pack: one printable PDF per case and language, made from what the game uses.

Why generated: the run sheet comes from the same workshop plan as the game's clock, the role
cards list the same decisions the play screen offers, the prediction sheets ask the game's own
questions (one per team, blank), and the discussion prompts name the indicators of the debrief
with the meaning the debrief prints. A pack can never disagree with the session it prepares.
Texts specific to the pack are in `pack.<lang>.json` beside the game's translations.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from cislab.game import fmt, i18n, payer, predictions, workshop
from cislab.game.decisions import DECISIONS, ROLES
from cislab.game.i18n import tr
from cislab.game.pdfdoc import Doc, plain
from cislab.model.schema import Scenario

SESSION_MINUTES = 90
PACK_DIR = Path(__file__).resolve().parent / "i18n"
INDICATORS = ("creaming", "parking", "gaming", "measured", "payments", "adoption")


@cache
def texts(lang: str) -> dict[str, str]:
    return json.loads((PACK_DIR / f"pack.{lang}.json").read_text(encoding="utf-8"))[lang]


def pt(lang: str, key: str, **values: object) -> str:
    text = texts(lang)[key]
    return text.format(**values) if values else text


def title_of(sc: Scenario, lang: str) -> str:
    return getattr(sc.meta.title, lang) or sc.meta.title.en or sc.meta.name


def build_pdf(sc: Scenario, lang: str, out: Path, minutes: int = SESSION_MINUTES) -> Path:
    """Write `workshop-pack-<case>-<lang>.pdf` into `out` (a folder of ours); returns its path."""
    before = i18n.language()
    i18n.set_language(lang)
    try:
        doc = Doc(pt(lang, "doc_title", case=title_of(sc, lang)))
        plan = workshop.plan([sc], minutes)
        _run_sheet(doc, sc, lang, plan)
        _briefing(doc, sc, lang)
        for role in ROLES:
            _role_card(doc, sc, lang, role)
        for team in predictions.TEAMS:  # the game asks the same teams the same questions
            _prediction_sheet(doc, sc, lang, team)
        _discussion(doc, sc, lang)
        _glossary(doc, sc, lang)
        path = out / f"workshop-pack-{sc.meta.name}-{lang}.pdf"
        doc.output(str(path))
        return path
    finally:
        i18n.set_language(before)


def _run_sheet(doc: Doc, sc: Scenario, lang: str, plan: workshop.WorkshopPlan) -> None:
    doc.add_page()
    doc.h1(pt(lang, "run_sheet", minutes=plan.session_minutes))
    doc.para(title_of(sc, lang), 13, "B")
    case = plan.cases[0]
    doc.para(
        pt(
            lang,
            "run_intro",
            turns=case.turns,
            months=case.turn_months,
            contract=case.contract_months,
            seats=case.seats,
            seat=workshop.SEAT_SECONDS,
            run=workshop.RUN_SECONDS,
        )
    )
    rows, start = [], 0.0
    for _, phase, mins in plan.phases():
        rows.append(
            [
                f"{workshop.hh_mm(start)}–{workshop.hh_mm(start + mins)}",
                tr(f"workshop.phase.{phase}"),
                f"{mins:.0f} min",
                pt(lang, f"do.{phase}", turns=case.turns, months=case.turn_months),
            ]
        )
        start += mins
    doc.table(
        [pt(lang, "col.when"), pt(lang, "col.phase"), pt(lang, "col.length"), pt(lang, "col.do")],
        rows,
        [24, 30, 18, 106],
    )
    doc.para(pt(lang, "run_command", case=sc.meta.name, code=lang, minutes=plan.session_minutes))
    doc.para(pt(lang, "run_keys"), 10, "I")


def _briefing(doc: Doc, sc: Scenario, lang: str) -> None:
    doc.add_page()
    doc.h1(pt(lang, "briefing"))
    doc.para(title_of(sc, lang), 13, "B")
    doc.para(getattr(sc.meta.description, lang) or sc.meta.description.en)
    c, cur = sc.contract, sc.meta.currency
    facts = [
        (tr("brief.payer"), payer.with_kind(sc)),
        (tr("brief.population"), f"{sc.population.size:,}".replace(",", "\u202f")),
        (tr("brief.baseline"), fmt.pct(sc.population.baseline_rate)),
        (tr("brief.selection"), tr(f"opt.{c.selection}")),
        (tr("brief.evaluation"), tr(f"opt.{c.evaluation}")),
        (tr("brief.metric"), tr(f"opt.{c.metric}")),
        (tr("brief.price"), fmt.money(c.price_per_outcome, cur, compact=False)),
        (tr("brief.max_payment"), fmt.money(c.max_payment, cur)),
        (tr("brief.capital"), fmt.money(sc.investor.capital, cur)),
        (tr("brief.cohorts"), tr("brief.cohorts_value", n=c.cohorts, months=c.cohort_months)),
        (tr("brief.length"), tr("brief.months", n=sc.contract_months)),
    ]
    doc.h2(pt(lang, "terms"))
    for label, value in facts:
        doc.row(label, value)
    doc.para(pt(lang, "briefing_note"), 10, "I")


def _role_card(doc: Doc, sc: Scenario, lang: str, role: str) -> None:
    doc.add_page()
    doc.set_draw_color(40, 40, 40)
    doc.set_line_width(0.6)
    doc.rect(10, 10, doc.w - 20, doc.h - 26)
    doc.set_line_width(0.2)
    doc.h1(pt(lang, "role_card", role=payer.role_name(role, sc)))
    if role == "state" and payer.briefing(sc):
        doc.para(payer.briefing(sc), 11, "B")
    doc.h2(pt(lang, "objective"))
    doc.para(tr(f"roles.desc.{role}"))
    doc.h2(pt(lang, "levers"))
    for dec in DECISIONS[role]:
        options = ""
        if dec.options:
            options = " — " + " / ".join(tr(f"choice.{dec.id}.{o}") for o in dec.options)
        elif dec.kind == "slider":
            options = " — " + pt(lang, "slider", low=fmt.pct(dec.low), high=fmt.pct(dec.high))
        doc.bullet(f"{tr(dec.label_key)} : {tr(dec.tip_key)}{options}".replace(" : ", _colon(lang)))
    doc.h2(pt(lang, "sees"))
    doc.para(pt(lang, f"sees.{role}"))
    doc.h2(pt(lang, "watch"))
    doc.para(pt(lang, f"watch.{role}"))


def _colon(lang: str) -> str:
    return "\u202f: " if lang == "fr" else ": "


def _prediction_sheet(doc: Doc, sc: Scenario, lang: str, role: str) -> None:
    doc.add_page()
    doc.h1(pt(lang, "prediction_sheet", team=payer.role_name(role, sc)))
    doc.para(pt(lang, "prediction_intro"), 10, "I")
    yes_no = [tr("ui.yes"), tr("ui.no")]
    for i, key in enumerate(predictions.QUESTIONS[:3], 1):
        doc.para(f"{i}. {_question(sc, key)}", 12, "B")
        doc.tick_boxes(yes_no)
    doc.para(f"4. {_question(sc, 'payments_share')}", 12, "B")
    doc.tick_boxes([fmt.pct(tick) for tick in predictions.SHARE_TICKS])
    doc.para(f"5. {tr('predict.q.note')}", 12, "B")
    doc.write_lines(3)
    doc.para(pt(lang, "prediction_after"), 10, "I")
    doc.write_lines(2)


def _question(sc: Scenario, key: str) -> str:
    if key == "payments_share":
        return tr(
            payer.key_for("predict.q.payments_share", "state", sc), payer=payer.in_sentence(sc)
        )
    return tr(f"predict.q.{key}")


def _discussion(doc: Doc, sc: Scenario, lang: str) -> None:
    doc.add_page()
    doc.h1(pt(lang, "discussion"))
    doc.para(pt(lang, "discussion_intro"), 10, "I")
    for key in INDICATORS:
        doc.h2(pt(lang, f"ind.{key}"))
        doc.para(pt(lang, f"ind.{key}.means", payer=payer.in_sentence(sc)), 10)
        for q in pt(lang, f"ind.{key}.ask", payer=payer.in_sentence(sc)).split("|"):
            doc.bullet(q, 11)


def _glossary(doc: Doc, sc: Scenario, lang: str) -> None:
    doc.add_page()
    doc.h1(pt(lang, "glossary"))
    for entry in texts(lang)["glossary_terms"].split("||"):
        term, _, meaning = entry.partition("|")
        doc.row(term, meaning, width=52, size=10.5)


__all__ = ["build_pdf", "plain"]
