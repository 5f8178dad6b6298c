"""Contract design and negotiation, then "predict before reveal".

The State proposes terms with every lever; the Investor and then the Operator accept or counter
on price, return cap and threshold; a counter goes back to the State. Roles no human holds are
played by the model (see `game.negotiation`). Before the contract starts, players write down
what they expect; the debrief sets it beside what happened.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from cislab.game import fmt, payer, predictions
from cislab.game.i18n import tr
from cislab.game.levers import CONTRACT_LEVERS, HORIZON
from cislab.game.negotiation import NEGOTIABLE, NegotiationError
from cislab.game.scenes import lever_rows
from cislab.game.scenes.base import Rect, Scene
from cislab.game.scenes.registry import make
from cislab.game.widgets import text
from cislab.model.scenarios import ScenarioError

ORDER = CONTRACT_LEVERS[:3] + CONTRACT_LEVERS[13:] + CONTRACT_LEVERS[3:13]
ROW = 37


class ContractScene(Scene):
    name = "contract"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.session = app.session
        self.neg = self.session.negotiation or self.session.begin_negotiation()
        self.session.settle_ai_moves()
        self.values: dict[str, Any] = dict(self.neg.shown)
        # the case's own ranges and steps (lever_rows reads them): its values are never clipped
        self.levers = (*(self.neg.lever(lv.path) for lv in ORDER), self.session.horizon_lever)

    @property
    def currency(self) -> str:
        return self.session.base.meta.currency

    def editable(self, path: str) -> bool:
        actor = self.neg.actor
        if self.neg.done or not self.session.is_human(actor):
            return False
        if self.neg.stage == "state":
            return True
        return self.neg.stage in ("investor", "operator") and path in NEGOTIABLE

    def build_ui(self) -> None:
        case = self.session.base
        subtitle = (
            text.fit(tr("contract.subtitle_payer", payer=payer.sentence_start(case)), 16, 900)
            if payer.named(case)
            else tr("contract.subtitle")
        )
        self.header(tr("contract.title"), subtitle)
        y0 = 92
        for i, lv in enumerate(self.levers[: len(ORDER)]):
            lever_rows.add_row(
                self,
                lv,
                24,
                y0 + i * ROW,
                832,
                self.values[lv.path],
                self.currency,
                self.editable(lv.path),
                label_share=0.36,
            )
        # Not a term of the contract: how long the model goes on after it (any player may set it).
        lever_rows.add_row(
            self,
            self.session.horizon_lever,
            24,
            y0 + len(ORDER) * ROW,
            832,
            self.session.horizon_years,
            self.currency,
            label_share=0.36,
        )
        self.label("hint", Rect(24, 650, 640, 30), tr("contract.tooltip_hint"), "@muted")
        stage = text.fit(self._stage_text(), 20, 366, bold=True)  # a case's long payer name
        self.label("stage", Rect(880, 96, 376, 32), stage, "@h2")
        self.textbox("history", Rect(880, 132, 376, 380), self._history_html())
        self._buttons()

    def _stage_text(self) -> str:
        if self.neg.done:
            return tr("neg.agreed")
        who = payer.role_name(self.neg.actor, self.session.base)
        return tr(payer.key_for("neg.your_move", self.neg.actor, self.session.base), role=who)

    def _buttons(self) -> None:
        stage, human = self.neg.stage, self.session.is_human(self.neg.actor)
        r1, r2 = Rect(880, 524, 183, 48), Rect(1073, 524, 183, 48)
        if self.neg.done:
            self.button("next", Rect(880, 650, 376, 48), tr("contract.to_predict"), cls="@primary")
        elif human and stage == "state":
            self.button("propose", Rect(880, 524, 376, 48), tr("neg.propose"), cls="@primary")
        elif human and stage in ("investor", "operator"):
            self.button("accept", r1, tr("neg.accept"), cls="@primary")
            counter = self.button("counter", r2, tr("neg.counter"), tip=tr("tip.counter"))
            if not self.neg.can_counter(stage):
                counter.disable()
        elif human and stage == "state_reply":
            self.button("accept_counter", r1, tr("neg.accept_counter"), cls="@primary")
            self.button("reject_counter", r2, tr("neg.reject_counter"))
        self.button("back", Rect(880, 596, 180, 44), tr("ui.back"))

    def _history_html(self) -> str:
        lines = []
        for role, action, terms in self.neg.history:
            changes = " · ".join(  # "Qui sélectionne : l'opérateur choisit · Prix : 15 k€"
                tr(
                    "neg.change",
                    lever=tr(_lever(p).label_key),
                    value=lever_rows.show(_lever(p), v, self.currency),
                )
                for p, v in terms.items()
            )
            line = f"<b>{payer.role_name(role, self.session.base)}</b> {tr(f'neg.did.{action}')}"
            lines.append(tr("neg.changes", line=line, changes=changes) if changes else line)
        if self.neg.stage == "state_reply" and self.neg.pending:
            lines.append(f"<i>{tr('neg.pending')}</i>")
        human_investor = self.session.is_human("investor")
        if self.neg.done and not human_investor and not self.neg.would_fund(self.neg.terms):
            lines.append(f"<b>{tr('neg.investor_declines')}</b>")
        if self.neg.done:
            price = self.neg.terms["contract.price_per_outcome"]
            lines.append(tr("neg.final_price", price=fmt.money(price, self.currency, False)))
        return "<br>".join(lines) or tr("neg.empty")

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if name == f"lv:{HORIZON.path}":
            setting = {HORIZON.path: self.session.horizon_years}
            if lever_rows.handle(self, name, event, setting, self.currency):
                self.session.set_horizon(setting[HORIZON.path])
            return
        if lever_rows.handle(self, name, event, self.values, self.currency):
            return
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        try:
            self._move(name)
        except (NegotiationError, ScenarioError) as exc:
            self.app.notify(str(exc), 5.0)
            self.values = dict(self.neg.shown)
        self.rebuild()

    def _move(self, name: str) -> None:
        neg = self.neg
        if name == "propose":
            neg.propose({p: v for p, v in self.values.items() if v != neg.terms.get(p)})
        elif name == "accept":
            neg.accept(neg.stage)
        elif name == "counter":
            changes = {p: self.values[p] for p in NEGOTIABLE if self.values[p] != neg.terms[p]}
            if not changes:
                self.app.notify(tr("neg.counter_needs_change"), 4.0)
                return
            neg.counter(neg.stage, changes)
        elif name == "accept_counter":
            neg.reply(True)
        elif name == "reject_counter":
            neg.reply(False)
        elif name == "next":
            self.app.stack.replace(PredictScene(self.app))
            return
        elif name == "back":
            self.session.negotiation = None
            self.app.stack.replace(make("roles", self.app))
            return
        self.session.settle_ai_moves()
        self.values = dict(neg.shown)  # a counter awaiting its answer moves the sliders

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_RETURN:
            for name in ("next", "propose", "accept", "accept_counter"):
                if name in self.ui:
                    self.on_ui(name, pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED))
                    return True
        return False

    def autoplay(self) -> None:
        self.on_key(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN))


def _lever(path: str):
    from cislab.game.levers import lever

    return lever(path)


QUESTION_W = 500  # the questions' column; then one column per team
TEAM_X, TEAM_W, TEAM_GAP = 548, 224, 16
ROW_Y, ROW_H = 138, 68
NOT_ANSWERED = ""
# Autoplay (a demo, not a room) fills each team's sheet differently, so the debrief has teams to
# compare; a real session starts blank.
DEMO = {
    "state": {"creaming": "yes", "measured_above_true": "yes", "money_back": "no"},
    "investor": {"creaming": "no", "measured_above_true": "no", "money_back": "yes"},
    "operator": {"creaming": "yes", "measured_above_true": "no", "money_back": "yes"},
}
DEMO_SHARE = {"state": 0.5, "investor": 0.75, "operator": 0.25}


class PredictScene(Scene):
    """One prediction sheet per team (the payer's, the investor's, the operator's), as printed in
    the workshop pack: the same questions, the same choices, every answer blank at first."""

    name = "predict"
    toast_bottom = 644

    def __init__(self, app) -> None:
        super().__init__(app)
        self.session = app.session
        self.answers: dict[str, dict[str, Any]] = {
            team: {**predictions.blank(), **self.session.predictions.get(team, {})}
            for team in predictions.TEAMS
        }

    def team_x(self, i: int) -> int:
        return TEAM_X + i * (TEAM_W + TEAM_GAP)

    def team_label(self, team: str) -> str:
        return tr("predict.team", team=payer.role_name(team, self.session.base))

    def questions(self) -> list[str]:
        """The sheet's questions in order (the payer named as on the printed sheet)."""
        base = self.session.base
        share = tr(
            payer.key_for("predict.q.payments_share", "state", base), payer=payer.in_sentence(base)
        )
        return [*(tr(f"predict.q.{q}") for q in predictions.QUESTIONS[:3]), share]

    def build_ui(self) -> None:
        self.header(tr("predict.title"), tr("predict.subtitle"))
        blank = tr("predict.blank")
        yes_no = {NOT_ANSWERED: blank, **{v: tr(f"ui.{v}") for v in predictions.YES_NO}}
        shares = {NOT_ANSWERED: blank, **{str(v): fmt.pct(v) for v in predictions.SHARE_TICKS}}
        for i, team in enumerate(predictions.TEAMS):
            x = self.team_x(i)
            answers = self.answers[team]
            for j, key in enumerate(predictions.QUESTIONS):
                y = ROW_Y + j * ROW_H + 10
                value = answers[key]
                if key == "payments_share":
                    shown = NOT_ANSWERED if value is None else str(float(value))
                    self.dropdown(f"a:{team}:{key}", Rect(x, y, TEAM_W, 40), shares, shown)
                else:
                    shown = NOT_ANSWERED if value is None else str(value)
                    self.dropdown(f"a:{team}:{key}", Rect(x, y, TEAM_W, 40), yes_no, shown)
            y = ROW_Y + len(predictions.QUESTIONS) * ROW_H + 10
            self.entry(f"a:{team}:note", Rect(x, y, TEAM_W, 40), str(answers["note"] or ""))
        self.label("why", Rect(24, 560, 1230, 60), tr("predict.why"), "@muted")
        self.button("start", Rect(1000, 650, 256, 48), tr("predict.start"), cls="@primary")

    def draw(self, surface: pygame.Surface) -> None:
        """The teams' names over their columns and the questions beside them, wrapped (drawn, so
        a long French question or payer's name takes two lines instead of being cut)."""
        for i, team in enumerate(predictions.TEAMS):  # a long payer's name takes two lines
            rect = Rect(self.team_x(i), 84, TEAM_W, 50)
            text.draw_wrapped(surface, self.team_label(team), rect, 17, bold=True)
        rows = [*self.questions(), tr("predict.q.note")]
        for j, question in enumerate(rows):
            rect = Rect(24, ROW_Y + j * ROW_H, QUESTION_W, ROW_H - 4)
            text.draw_wrapped(surface, question, rect, 17)

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if name.startswith("a:"):
            _, team, key = name.split(":")
            if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
                value = self.choice_value(name, event)
                if value == NOT_ANSWERED:
                    self.answers[team][key] = None
                elif key == "payments_share":
                    self.answers[team][key] = float(value)
                else:
                    self.answers[team][key] = value
            elif key == "note" and event.type in (
                pygame_gui.UI_TEXT_ENTRY_CHANGED,
                pygame_gui.UI_TEXT_ENTRY_FINISHED,
            ):
                self.answers[team]["note"] = event.text[:300]
        elif name == "start" and event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.start()

    def start(self) -> None:
        self.session.predictions = {team: dict(a) for team, a in self.answers.items()}
        self.session.start()
        self.app.goto_session_scene() if not self.session.live else self.app.stack.replace(
            make("play", self.app)
        )

    def on_key(self, event: pygame.event.Event) -> bool:
        typing = any(self.ui[f"a:{t}:note"].is_focused for t in predictions.TEAMS)
        if event.key == pygame.K_RETURN and not typing:
            self.start()
            return True
        return False

    def autoplay(self) -> None:
        for team in predictions.TEAMS:
            self.answers[team].update(DEMO[team], payments_share=DEMO_SHARE[team])
        self.start()
