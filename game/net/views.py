"""What each role may see, read from the model, worded in both languages.

Why worded here, on the game's side: news, events, decisions and money must read on a phone
exactly as on the projector, so they go through the game's own translations and number formats
(`tr`, `fmt`, `headlines`) once per language; the browser only picks its language's text. These
functions run on the game's thread (the one that owns the model and the current language).

A role's private view is what that role knows in the game: the payer its budget, the investor its
dashboard, the operator its caseload and what it believes of its applicants' risk (its beliefs,
never the true risks the model hides from it). Only that role's team receives it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from cislab.game import decisions, fmt, headlines, i18n, payer
from cislab.game import predictions as predictions_rules
from cislab.game.announcements import paid_so_far
from cislab.game.decisions import DECISIONS, ROLES
from cislab.game.i18n import tr
from cislab.game.session import Session
from cislab.model.population import Status

LANGS = i18n.LANGS
NEWS_SHOWN = 8
RISK_BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)
QUESTIONS = predictions_rules.QUESTIONS  # the printed sheets' and the hot-seat game's


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """The game's translations in `lang` for a moment (the game's thread only)."""
    before = i18n.language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(before)


def both(make: Callable[[], Any]) -> dict[str, Any]:
    """`make()` in each language: {"fr": ..., "en": ...}."""
    out = {}
    for lang in LANGS:
        with speaking(lang):
            out[lang] = make()
    return out


# ---------------------------------------------------------------------- the case and the roles
def case_view(session: Session) -> dict[str, Any]:
    """What never changes in a session: the case, the roles' cards, the prediction questions."""
    sc = session.base

    def title() -> str:
        return getattr(sc.meta.title, i18n.language()) or sc.meta.title.en or sc.meta.name

    def roles() -> dict[str, dict[str, str]]:
        out = {}
        for role in ROLES:
            desc = tr(f"roles.desc.{role}")
            if role == "state" and payer.briefing(sc):
                desc = f"<b>{payer.briefing(sc)}</b><br><br>{desc}"
            out[role] = {"name": payer.role_name(role, sc), "desc": desc}
        return out

    def questions() -> dict[str, str]:
        return {q: tr(f"predict.q.{q}") for q in (*QUESTIONS, "note")}

    return {
        "name": sc.meta.name,
        "title": both(title),
        "currency": sc.meta.currency,
        "months": sc.contract_months,
        "turn_months": session.turn_months,
        "roles": both(roles),
        "questions": both(questions),
        "yes_no": both(lambda: {"yes": tr("ui.yes"), "no": tr("ui.no")}),
    }


# ---------------------------------------------------------------------- the shared view
def public_view(session: Session, case: dict[str, Any]) -> dict[str, Any]:
    """What the whole room sees (the projector shows the same): month, event, news."""
    m = session.model
    out: dict[str, Any] = {"case": case, "started": m is not None}
    if m is None:
        return out
    cur = session.base.meta.currency
    since = session.turn_start - session.turn_months

    def news() -> list[str]:
        lines = []
        if session.event is not None:
            name, details = session.event
            lines.append(f"{tr(f'event.{name}')}: {_event_text(session, name, details)}")
        recent = [i for i in session.news if i["month"] >= since]
        for item in reversed(recent[-NEWS_SHOWN:]):
            lines.append(headlines.describe(item, session.base, cur, brief=True))
        return lines

    out.update(
        {
            "month": m.month,
            "months": m.config.contract_months,
            "turn": session.turn,
            "signed": bool(m.signed),
            "live": session.live,
            "contract_over": session.contract_over,
            "finished": session.finished,
            "years_after": session.years_after if session.contract_over else 0,
            "news": both(news),
        }
    )
    return out


def _event_text(session: Session, name: str, d: dict[str, Any]) -> str:
    if name == "media_story":
        if d["story"] != "praise" and payer.named(session.base):
            return tr(f"event.story_payer.{d['story']}", payer=payer.sentence_start(session.base))
        return tr(f"event.story.{d['story']}")
    if name == "policy_reform":
        return tr("event.detail.policy_reform", rate=fmt.pct(d["audit_rate"]))
    return tr(f"event.detail.{name}")


# ---------------------------------------------------------------------- private views
def private_view(session: Session, role: str) -> dict[str, Any]:
    """The role's own figures and its decision form (current values from the model)."""
    m = session.model
    if m is None:
        return {"role": role, "figures": [], "decisions": []}
    since = max(session.turn_start - session.turn_months, 0)
    figures = {"state": _payer_figures, "investor": _investor_figures}.get(role, _operator_figures)
    out: dict[str, Any] = {
        "role": role,
        "figures": figures(session, since),
        "decisions": _decision_form(session, role),
        "human": session.is_human(role),
    }
    if role == "operator":
        out["applicants"] = _applicants(session)
    return out


def _fig(key: str, make: Callable[[], str]) -> dict[str, Any]:
    return {"key": key, "value": both(make)}


def _payer_figures(session: Session, since: int) -> list[dict[str, Any]]:
    m, cur = session.model, session.base.meta.currency
    rep = decisions.agent_report(m, "state", since)
    cap = m.config.contract.max_payment
    paid = paid_so_far(m)
    figs = [
        _fig("max_payment", lambda: fmt.money(cap, cur)),
        _fig("paid_total", lambda: fmt.money(paid, cur)),
        _fig("budget_left", lambda: fmt.money(max(cap - paid, 0.0), cur)),
        _fig("paid_turn", lambda: fmt.money(rep["paid"], cur)),
        _fig("cost_per_event", lambda: fmt.money(m.config.state.cost_per_event, cur)),
        _fig("audits", lambda: str(rep["audits"])),
        _fig("fines", lambda: fmt.money(rep["fines"], cur)),
        _fig("audit_rate", lambda: fmt.pct(rep["audit_rate"])),
    ]
    if m.config.contract.selection != "public_referral":
        figs.append(_fig("note", lambda: tr("note.no_referral")))
    return figs


def _investor_figures(session: Session, since: int) -> list[dict[str, Any]]:
    m, cur = session.model, session.base.meta.currency
    inv = m.investor
    rep = decisions.agent_report(m, "investor", since)
    ledger = m.ledger
    disbursed = ledger.total(payer="investor", reason="capital_tranche")
    repaid = ledger.total(payee="investor", reason="investor_repayment")
    capital = m.config.investor.capital
    return [
        _fig("capital", lambda: fmt.money(capital, cur)),
        _fig("disbursed_total", lambda: fmt.money(disbursed, cur)),
        _fig("repaid_total", lambda: fmt.money(repaid, cur)),
        _fig("multiple", lambda: fmt.num(repaid / disbursed, 2) if disbursed else tr("fmt.na")),
        _fig("disbursed_turn", lambda: fmt.money(rep["disbursed"], cur)),
        _fig("estimate", lambda: fmt.num(inv.estimated_effect, 3, signed=True)),
        _fig("pressure", lambda: fmt.pct(rep["pressure"])),
        _fig("funding", lambda: tr("ui.yes") if inv.funding else tr("ui.no")),
    ]


def _operator_figures(session: Session, since: int) -> list[dict[str, Any]]:
    m, cur = session.model, session.base.meta.currency
    rep = decisions.agent_report(m, "operator", since)
    figs = [
        _fig("caseload", lambda: f"{rep['caseload']} / {m.config.capacity}"),
        _fig("cash", lambda: fmt.money(rep["cash"], cur)),
        _fig("quality", lambda: fmt.num(rep["quality"], 2)),
        _fig("pressure_felt", lambda: fmt.pct(rep["pressure"])),
        _fig("mission", lambda: fmt.pct(m.operator.mission_weight)),
    ]
    if m.config.contract.selection != "operator":
        figs.append(_fig("note", lambda: tr("note.no_targeting")))
    return figs


def _applicants(session: Session) -> dict[str, Any]:
    """How many of its clients and of the people not reached yet the operator believes to be
    in each band of risk (its own posterior from the admin profile and the intake interview)."""
    m = session.model
    pop = m.population
    counts = {}
    for key, status in (("clients", Status.enrolled), ("pool", Status.unseen)):
        idx = np.flatnonzero(pop.status == status)
        believed = m.operator.believed_risk(idx) if idx.size else np.zeros(0)
        counts[key] = np.histogram(believed, bins=RISK_BANDS)[0].astype(int).tolist()
    counts["bands"] = [f"{round(lo * 100)}–{min(round(hi * 100), 100)}" for lo, hi in _pairs()]
    return counts


def _pairs() -> list[tuple[float, float]]:
    return list(itertools.pairwise(RISK_BANDS))


def _decision_form(session: Session, role: str) -> list[dict[str, Any]]:
    m = session.model
    now = decisions.current(m, role)
    form = []
    for dec in DECISIONS[role]:
        item: dict[str, Any] = {
            "id": dec.id,
            "kind": dec.kind,
            "value": now[dec.id],
            "label": both(lambda d=dec: tr(d.label_key)),
            "tip": both(lambda d=dec: tr(d.tip_key)),
        }
        if dec.kind == "choice":
            item["options"] = [
                {"value": o, "label": both(lambda d=dec, o=o: tr(f"choice.{d.id}.{o}"))}
                for o in dec.options
            ]
        elif dec.kind == "slider":
            item.update(low=dec.low, high=dec.high, step=dec.step)
        else:
            item["todo"] = both(lambda d=dec: tr(f"action.{d.id}.todo"))
            item["done"] = both(lambda d=dec: tr(f"action.{d.id}.done"))
            item["locked"] = dec.id == "exit" and not m.investor.funding  # cannot be undone
        form.append(item)
    return form


# ---------------------------------------------------------------------- the debrief, per team
def results_view(session: Session, predictions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What happened against each team's predictions, for every phone and the projector."""
    result = session.result()
    actual = predictions_rules.actual_answers(result)

    def show(key: str, value: Any) -> str:
        if value is None:
            return "—"
        return fmt.pct(value) if key == "payments_share" else tr(f"ui.{value}")

    teams = []
    for role in ROLES:
        guesses = predictions.get(role)
        if guesses is None:
            continue
        rows = predictions_rules.compare(guesses, result)  # the hot-seat debrief's judge
        teams.append(
            {
                "role": role,
                "right": sum(r["right"] is True for r in rows),
                "rows": [
                    {
                        "q": r["question"],
                        "guess": both(lambda r=r: show(r["question"], r["predicted"])),
                        "right": r["right"] is True,
                    }
                    for r in rows
                ],
                "note": guesses.get("note", ""),
            }
        )
    return {
        "questions": both(lambda: {q: tr(f"predict.short.{q}") for q in QUESTIONS}),
        "actual": both(lambda: {q: show(q, actual[q]) for q in QUESTIONS}),
        "teams": teams,
        "of": len(QUESTIONS),
    }
