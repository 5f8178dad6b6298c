"""Play: turns of a quarter (or a year). Each human role decides in turn at one keyboard; then the
model runs month by month while the field, the charts and the money flows update.

Keys: Space/Enter end the current role's turn (or run the next turn), P/Esc pause menu, U undo the
last turn, F fork here, R return to the last fork, E explore, +/− speed, click a person to inspect.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pygame
import pygame_gui
from cislab.game import decisions, fmt, headlines, palette, payer, worker
from cislab.game.decisions import DECISIONS, ROLES
from cislab.game.i18n import tr
from cislab.game.scenes.base import Rect, Scene
from cislab.game.scenes.registry import make
from cislab.game.session import SessionError
from cislab.game.widgets import charts, flows, text
from cislab.game.widgets.field import BAD, GOOD, GREY, RING, PopulationField, risk_colour

FIELD = Rect(16, 100, 648, 268)  # leaves two legend rows inside the panel in either language
AUTO_RUN_DELAY = 0.6
JOB_MONTHS = 3  # months a job runs at full speed: a key waits for no more than these
EFFECT_COLOURS = ((90, 220, 255), (240, 170, 60))
INDEX_COLOURS = ((240, 120, 90), (200, 120, 240), (240, 210, 80))


class PlayScene(Scene):
    name = "play"
    clock_slot = (330, 40, 336, 28)  # beside the status line, above the field

    def __init__(self, app) -> None:
        super().__init__(app)
        self.session = app.session
        self.model = self.session.model
        self.field = PopulationField(FIELD, max_people=2000)
        self.seat = 0
        self.phase = "decide" if self.session.seats else "wait"
        self.pending: dict[str, Any] = {}
        self.accum = 0.0
        self.wait = 0.0
        self.auto_run = not self.session.humans
        self.inspect: tuple[int, float] | None = None
        self._series_key: tuple | None = None
        self._series: dict[str, np.ndarray] = {}
        self._flows_key: tuple | None = None
        self._flows: dict = {}
        self.shots_taken: set[str] = set()
        self._going = True

    # ------------------------------------------------------------------ state
    @property
    def role(self) -> str | None:
        """The human whose seat it is: only roles with something left to decide get one."""
        seats = self.session.seats
        if self.phase != "decide" or not seats:
            return None
        return seats[min(self.seat, len(seats) - 1)]

    def role_name(self, role: str) -> str:
        return payer.role_name(role, self.session.base)

    @property
    def currency(self) -> str:
        return self.session.base.meta.currency

    def startup(self) -> None:
        worker.settle_memory()  # no full collection of the model's objects mid-turn
        super().startup()

    def resume(self) -> None:
        self.model = self.session.model  # undo, fork or load may have replaced it
        super().resume()

    def refresh(self) -> None:
        self.model = self.session.model

    # ------------------------------------------------------------------ widgets
    def build_ui(self) -> None:
        s = self.session
        sc = s.base
        title = getattr(sc.meta.title, self.app.lang) or sc.meta.title.en
        self.label("title", Rect(16, 8, 650, 34), text.fit(title, 20, 630, bold=True), "@h2")
        self.label("status", Rect(16, 40, 310, 26), self._status(), "@muted")
        buttons = [
            ("menu", "play.menu", "tip.menu"),
            ("undo", "play.undo", "tip.undo"),
            ("fork", "play.fork", "tip.fork"),
            ("explore", "play.explore", "tip.explore"),
            ("lang", "ui.switch_language", "tip.switch_language"),
        ]
        for i, (name, key, tip) in enumerate(buttons):
            self.button(name, Rect(680 + i * 118, 12, 110, 38), tr(key), tip=tr(tip))
        if not s.can_undo:
            self.ui["undo"].disable()
        self._build_panel()
        self.textbox("log", Rect(680, 584, 584, 128), self._log_html())

    def _build_panel(self) -> None:
        role = self.role
        x, y, w = 692, 110, 560
        if self.phase == "ended":
            self._build_ended_panel(x, y, w)
            return
        if role is None:
            head = tr("play.model_turn") if self.phase != "run" else tr("play.running")
            self.label("panel_title", Rect(x, 66, w, 34), head, "@h2")
            self.textbox("reports", Rect(x, y, w, 224), self._reports_html())
            label = tr("play.pause_auto") if self.auto_run else tr("play.run_turn")
            self.button("run", Rect(x, 342, w, 44), label, tip=tr("tip.run"), cls="@primary")
            if self.phase == "run" and not self.auto_run:
                self.ui["run"].disable()
            return
        seat_text = tr(
            payer.key_for("play.seat", role, self.session.base),
            role=self.role_name(role),
            n=self.seat + 1,
            total=len(self.session.seats),
        )
        seat_text = text.fit(seat_text, 20, w - 10, bold=True)  # a case's long payer name
        self.label("panel_title", Rect(x, 66, w, 34), seat_text, "@h2")
        values = {**decisions.current(self.model, role), **self.pending}
        self.pending = dict(values)
        for i, dec in enumerate(DECISIONS[role]):
            ry = y + i * 44
            self.button(
                f"lbl:{dec.id}",
                Rect(x, ry, 230, 40),
                tr(dec.label_key),
                tip=tr(dec.tip_key),
                cls="@lever",
            )
            name = f"dec:{dec.id}"
            value = values[dec.id]
            if dec.kind == "choice":
                opts = {o: tr(f"choice.{dec.id}.{o}") for o in dec.options}
                self.dropdown(name, Rect(x + 240, ry, w - 240, 40), opts, value)
            elif dec.kind == "slider":
                self.slider(
                    name,
                    Rect(x + 240, ry + 4, w - 350, 32),
                    float(value),
                    dec.low,
                    dec.high,
                    dec.step,
                )
                self.label(f"val:{dec.id}", Rect(x + w - 100, ry, 100, 40), fmt.pct(value))
            else:
                done = bool(value)
                el = self.button(
                    name,
                    Rect(x + 240, ry, w - 240, 40),
                    tr(f"action.{dec.id}.{'done' if done else 'todo'}"),
                    cls="@danger" if dec.id == "exit" else None,
                )
                if done and dec.id == "exit" and not self.model.investor.funding:
                    el.disable()  # an exit cannot be taken back (except with Undo)
        self.textbox("reports", Rect(x, y + 134, w, 94), self._role_note(role))
        self.button(
            "done", Rect(x, 342, w, 44), tr("play.end_turn"), tip=tr("tip.end_turn"), cls="@primary"
        )

    def _build_ended_panel(self, x: int, y: int, w: int) -> None:
        """The contract has ended early: what happened and why, then on to what follows."""
        m = self.model
        title = tr("play.stopped_title", month=m.termination_month)
        self.label("panel_title", Rect(x, 66, w, 34), title, "@h2")
        self.textbox("reports", Rect(x, y, w, 224), self._ended_html())
        key = "play.to_after" if self._after_next() else "play.to_debrief"
        self.button("after", Rect(x, 342, w, 44), tr(key), cls="@primary")

    def _ended_html(self) -> str:
        s, m = self.session, self.model
        stop = m.termination_month or 0
        lines = [
            headlines.describe(item, s.base, self.currency)
            for item in s.news
            if item["month"] >= stop and (headlines.is_major(item) or item["kind"] == "payment")
        ]
        lines = [f"<b>{line}</b>" for line in lines]
        lines.append(tr("play.stopped_note", end=m.config.contract_months - 1))
        return "<br>".join(lines)

    def _status(self) -> str:
        m = self.model
        return tr(
            "play.status",
            month=m.month,
            total=m.config.contract_months,
            turn=self.session.turn + 1,
            speed=self.app.speed_label(),
        )

    def _role_note(self, role: str) -> str:
        m = self.model
        rep = decisions.agent_report(m, role, self.session.turn_start - self.session.turn_months)
        if role == "operator":
            note = tr(
                "note.operator",
                caseload=rep["caseload"],
                quality=fmt.num(rep["quality"], 2),
                pressure=fmt.pct(rep["pressure"]),
                cash=fmt.money(rep["cash"], self.currency),
            )
            if m.config.contract.selection != "operator":
                note += " " + tr("note.no_targeting")
            return note
        if role == "investor":
            return tr(
                "note.investor",
                disbursed=fmt.money(rep["disbursed"], self.currency),
                repaid=fmt.money(rep["repaid"], self.currency),
                pressure=fmt.pct(rep["pressure"]),
            )
        note = tr(
            "note.state",
            paid=fmt.money(rep["paid_total"], self.currency),
            audits=rep["audits"],
            fines=fmt.money(rep["fines"], self.currency),
        )
        if m.config.contract.selection != "public_referral":
            note += " " + tr("note.no_referral")
        return note

    def _reports_html(self) -> str:
        m = self.model
        since = self.session.turn_start - self.session.turn_months
        lines = []
        for role in ROLES:
            if self.session.is_human(role):
                continue
            rep = decisions.agent_report(m, role, since)
            if role == "state":
                body = tr(
                    "report.state",
                    paid=fmt.money(rep["paid_total"], self.currency),
                    audits=rep["audits"],
                    rate=fmt.pct(rep["audit_rate"]),
                )
            elif role == "investor":
                body = tr(
                    "report.investor",
                    disbursed=fmt.money(rep["disbursed"], self.currency),
                    pressure=fmt.pct(rep["pressure"]),
                    funding=tr("ui.yes") if rep["funding"] else tr("ui.no"),
                )
            else:
                body = tr(
                    "report.operator",
                    caseload=rep["caseload"],
                    quality=fmt.num(rep["quality"], 2),
                    pressure=fmt.pct(rep["pressure"]),
                )
            who = tr("play.model_plays")
            lines.append(tr("play.report_line", role=self.role_name(role), who=who, body=body))
        return "<br>".join(lines) or tr("play.all_human")

    def _log_html(self) -> str:
        s = self.session
        lines = []
        if s.event is not None:
            name, details = s.event
            lines.append(f"<b>{tr(f'event.{name}')}</b> — {self._event_text(name, details)}")
        for entry in reversed(s.log[-40:]):
            if entry["kind"] == "news":
                item = entry["news"]
                said = headlines.describe(item, s.base, self.currency)
                lines.append(f"<b>{said}</b>" if headlines.is_major(item) else said)
            elif entry["kind"] == "decision":
                lines.append(
                    tr(
                        "log.decision",
                        month=entry["month"],
                        role=self.role_name(entry["role"]),
                        decision=tr(f"decision.{entry['decision']}"),
                        value=self._value_text(entry["decision"], entry["value"]),
                    )
                )
            elif entry["kind"] == "event":
                lines.append(
                    tr("log.event", month=entry["month"], event=tr(f"event.{entry['event']}"))
                )
        if not self.model.signed:
            lines.insert(0, f"<b>{tr('play.not_signed')}</b>")
        return "<br>".join(lines[:12]) or tr("play.log_empty")

    def _event_text(self, name: str, d: dict) -> str:
        if name == "media_story":
            if d["story"] != "praise" and payer.named(self.session.base):  # the case's payer
                start = payer.sentence_start(self.session.base)
                return tr(f"event.story_payer.{d['story']}", payer=start)
            return tr(f"event.story.{d['story']}")
        if name == "policy_reform":
            return tr("event.detail.policy_reform", rate=fmt.pct(d["audit_rate"]))
        return tr(f"event.detail.{name}")

    def _value_text(self, key: str, value: Any) -> str:
        if isinstance(value, bool):
            return tr("ui.yes") if value else tr("ui.no")
        if isinstance(value, float):
            return fmt.pct(value)
        return tr(f"choice.{key}.{value}")

    # ------------------------------------------------------------------ events
    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        role = self.role
        if name.startswith("dec:") and role is not None:
            key = name[4:]
            if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
                self.pending[key] = self.choice_value(name, event)
            elif event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
                self.pending[key] = round(float(event.value), 2)
                self.ui[f"val:{key}"].set_text(fmt.pct(self.pending[key]))
            elif event.type == pygame_gui.UI_BUTTON_PRESSED:
                self.pending[key] = not self.pending.get(key, False)
                self.ui[name].set_text(
                    tr(f"action.{key}.{'done' if self.pending[key] else 'todo'}")
                )
            return
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        actions = {
            "done": self.end_seat,
            "run": self.toggle_run,
            "menu": self.open_menu,
            "undo": self.undo,
            "fork": self.fork,
            "explore": self.open_explore,
            "after": self.leave_contract,
        }
        if name in actions:
            actions[name]()

    def on_key(self, event: pygame.event.Event) -> bool:
        k = event.key
        if k in (pygame.K_SPACE, pygame.K_RETURN):
            if self.phase == "ended":
                self.leave_contract()
            elif self.role is not None:
                self.end_seat()
            else:
                self.toggle_run()
        elif k in (pygame.K_ESCAPE, pygame.K_p):
            self.open_menu()
        elif k == pygame.K_u:
            self.undo()
        elif k == pygame.K_f:
            self.fork()
        elif k == pygame.K_r:
            self.return_to_fork()
        elif k == pygame.K_e:
            self.open_explore()
        elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.app.change_speed(1)
            self._show_status()
        elif k in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.app.change_speed(-1)
            self._show_status()
        else:
            return False
        return True

    def _show_status(self) -> None:
        """The status line names the speed: it changes when the speed does, not a month later."""
        if "status" in self.ui:
            self.ui["status"].set_text(self._status())

    def on_mouse(self, event: pygame.event.Event, pos: tuple[int, int]) -> None:
        person = self.field.person_at(pos)
        if person is not None:
            self.inspect = (person, self.app.time + 5.0)

    # ------------------------------------------------------------------ actions
    def end_seat(self) -> None:
        role = self.role
        if role is None:
            return
        values = dict(self.pending)
        try:
            self.session.decide(role, values)
        except SessionError as exc:
            self.app.notify(str(exc))
        self.pending = {}
        self.seat += 1
        if self.seat >= len(self.session.seats):  # none left once an exit stopped the contract
            self.seat = 0
            self.phase = "run"
        self.rebuild()

    def toggle_run(self) -> None:
        if self.session.humans:
            if self.phase == "wait":
                self.phase = "run"
                self.rebuild()
            return
        self.auto_run = not self.auto_run
        if self.auto_run and self.phase == "wait":
            self.phase = "run"
        elif not self.auto_run and self.phase == "run":
            pass  # the turn under way finishes; the next waits
        self.rebuild()

    def open_menu(self) -> None:
        self.app.stack.push(make("pause", self.app))

    def open_explore(self) -> None:
        self.app.stack.push(make("explore", self.app, self.session.base, self.session.terms))

    def undo(self) -> None:
        if not self.session.can_undo:
            self.app.notify(tr("toast.nothing_to_undo"))
            return
        self.session.undo()
        self._after_restore()
        self.app.notify(tr("toast.undone", month=self.model.month))

    def fork(self) -> None:
        n = self.session.fork()
        self.app.notify(tr("toast.forked", n=n, month=self.session.model.month))

    def return_to_fork(self) -> None:
        try:
            month = self.session.return_to_fork()
        except SessionError:
            self.app.notify(tr("toast.no_fork"))
            return
        self._after_restore()
        self.app.notify(tr("toast.returned", month=month))

    def _after_restore(self) -> None:
        self.model = self.session.model
        self.seat, self.pending, self.accum = 0, {}, 0.0
        self.phase = "decide" if self.session.seats else "wait"
        self.rebuild()

    # ------------------------------------------------------------------ running
    def update(self, dt: float) -> None:
        super().update(dt)
        s = self.session
        if self.phase == "wait" and self.auto_run:
            self.wait += dt
            if self.wait >= AUTO_RUN_DELAY or self.app.speed == float("inf"):
                self.wait, self.phase = 0.0, "run"
                self.rebuild()
        if self.phase != "run" or self.app.worker.busy:
            return
        speed = self.app.speed
        if speed == float("inf"):  # threaded: a few months a job; else the whole turn at once
            steps = JOB_MONTHS if self.app.worker.threaded else 10_000
        else:
            self.accum += dt * speed
            steps = int(self.accum)
            self.accum -= steps
        if steps or s.winding_down:
            self.app.worker.start(lambda: self._advance(steps), self._advanced)

    def _advance(self, steps: int) -> None:
        """The model's part of a frame's months (in game.worker's thread): each month under the
        worker's lock; at the turn's end, the turn is closed there too (its undo snapshot)."""
        s, guard = self.session, self.app.worker.guard
        going = True
        for _ in range(steps):
            with guard():
                going = s.step_month()
            if not going:
                break
        if s.winding_down:  # stopped early: nothing to decide, the last months run at once
            more = True
            while more:
                with guard():
                    more = s.step_month()
            going = False
        if not going:
            with guard():
                s.close_turn()
        self._going = going

    def _advanced(self) -> None:
        """Back in the game's thread once the months have run: the status line, a turn's end."""
        if "status" in self.ui:
            self.ui["status"].set_text(self._status())
        if not self._going:
            self._turn_closed()

    def _end_turn(self) -> None:
        self.session.close_turn()
        self._turn_closed()

    def _turn_closed(self) -> None:
        """The turn just closed: on to the next one's seats, or to why the contract stopped."""
        s = self.session
        self.model = s.model
        if s.contract_over and self.model.terminated is not None:
            self.phase = "ended"  # the room reads why it stopped before moving on
            self.rebuild()
            for item in s.news:
                if headlines.is_major(item):
                    said = headlines.describe(item, s.base, self.currency, brief=True)
                    self.app.notify(said, 8.0)
                    break
            return
        if s.contract_over:
            self.leave_contract()
            return
        self.seat, self.accum = 0, 0.0
        self.phase = "decide" if s.seats else "wait"
        self.rebuild()
        heard = [
            item
            for item in s.news
            if item["month"] >= s.turn_start - s.turn_months
            and (headlines.is_major(item) or item["kind"] == "payment")
        ]
        if heard:  # the turn's latest ending or payment, for the room (the log keeps them all)
            said = headlines.describe(heard[-1], s.base, self.currency, brief=True)
            self.app.notify(said, 6.0)

    def _after_next(self) -> bool:
        """Years after the contract to play (else the session goes straight to the debrief)."""
        return self.model.after is not None and self.model.signed

    def leave_contract(self) -> None:
        self.app.stack.replace(make("after" if self._after_next() else "debrief", self.app))

    def autoplay(self) -> None:
        """Demo mode: every human seat keeps its decisions; show the menu and explore once."""
        month = self.model.month
        if month >= 12 and "pause" not in self.shots_taken:
            self.shots_taken.add("pause")
            self.open_menu()
            return
        if month >= 24 and "explore" not in self.shots_taken:
            self.shots_taken.add("explore")
            self.open_explore()
            return
        if self.phase == "ended":
            if "stopped" not in self.shots_taken:  # the screenshot first, then on
                self.shots_taken.add("stopped")
                self.app.shoot_after_draw("play_stopped")
            else:
                self.leave_contract()
        elif self.role is not None:
            self.end_seat()
        elif self.phase == "wait":
            self.phase = "run"

    # ------------------------------------------------------------------ drawing
    def _timeseries(self) -> dict[str, np.ndarray]:
        key = (id(self.model), self.model.month)
        if key != self._series_key:
            frame = self.model.datacollector.get_model_vars_dataframe()
            cols = (
                "measured_effect",
                "true_effect",
                "creaming_index",
                "parking_index",
                "gaming_index",
            )
            self._series = {
                c: frame[c].to_numpy(dtype=float) if len(frame) else np.zeros(0) for c in cols
            }
            self._series_key = key
        return self._series

    def _turn_flows(self) -> dict:
        key = (id(self.model), self.model.month)
        if key != self._flows_key:
            since = self.model.month - self.session.turn_months
            self._flows = flows.turn_flows(self.model.ledger.to_frame(), since)
            self._flows_key = key
        return self._flows

    def draw(self, surface: pygame.Surface) -> None:
        model = self.model
        charts.panel(surface, Rect(10, 70, 660, 400), tr("field.title"))
        self.field.set_model(model)
        self.field.draw(surface)
        self._draw_marks(surface)
        self._draw_legend(surface, FIELD.bottom + 48)
        ts = self._timeseries()
        n = model.config.contract_months
        charts.line_chart(
            surface,
            Rect(10, 478, 250, 234),
            tr("chart.effect_per_person"),  # the narrow panel's short title, with its unit
            [
                (tr("chart.measured"), ts["measured_effect"], EFFECT_COLOURS[0]),
                (tr("chart.true"), ts["true_effect"], EFFECT_COLOURS[1]),
            ],
            n,
            lambda v: fmt.num(v, 2),
            tr("chart.months"),
            no_data=tr("chart.no_data"),
        )
        charts.line_chart(  # each index says what it means, and parking what its sign means
            surface,
            Rect(268, 478, 402, 234),
            tr("chart.indices"),
            [
                (tr("chart.meaning.creaming"), ts["creaming_index"], INDEX_COLOURS[0]),
                (tr("chart.meaning.parking"), ts["parking_index"], INDEX_COLOURS[1]),
                (tr("chart.meaning.gaming"), ts["gaming_index"], INDEX_COLOURS[2]),
            ],
            n,
            lambda v: fmt.num(v, 2),
            tr("chart.months"),
            explain=True,
        )
        charts.panel(surface, Rect(680, 60, 584, 334))
        balances = {r: model.ledger.balance(r) for r in ROLES}
        names = {r: self.role_name(r) for r in ROLES}
        flows.draw_flows(
            surface, Rect(680, 402, 584, 174), balances, self._turn_flows(), self.currency, names
        )
        self._draw_inspector(surface)

    def _draw_marks(self, surface: pygame.Surface) -> None:
        """Triangles at the mean risk of the eligible and of the enrolled, with their labels."""
        eligible, enrolled = self.field.mean_marks()
        y = FIELD.bottom + 6
        marks = [
            (round(FIELD.left + frac * FIELD.width), colour, key)
            for frac, colour, key in (
                (eligible, text.TEXT, "field.mean_eligible"),
                (enrolled, palette.ink((90, 220, 255)), "field.mean_enrolled"),
            )
            if frac is not None
        ]
        for x, colour, _key in marks:
            pygame.draw.polygon(surface, colour, [(x, y), (x - 7, y + 11), (x + 7, y + 11)])
        sizes = [text.font(13).size(tr(key)) for _, _, key in marks]
        rects = mark_labels([x for x, _, _ in marks], sizes, y - 2, FIELD.left, FIELD.right)
        for (_x, colour, key), rect in zip(marks, rects, strict=True):
            text.draw(surface, tr(key), rect.topleft, 13, colour)
        text.draw(surface, tr("field.lower_risk"), (FIELD.left, FIELD.bottom + 26), 13, text.MUTED)
        text.draw(
            surface,
            tr("field.higher_risk"),
            (FIELD.right, FIELD.bottom + 26),
            13,
            text.MUTED,
            anchor="topright",
        )

    def _draw_legend(self, surface: pygame.Surface, y: int) -> None:
        c = tuple(int(v) for v in risk_colour(np.array([0.5]))[0])
        items = [
            ("legend.unseen", lambda p: pygame.draw.circle(surface, (70, 80, 70), p, 3)),
            (
                "legend.enrolled",
                lambda p: (
                    pygame.draw.circle(surface, c, p, 7),
                    pygame.draw.circle(surface, RING, p, 7, 2),
                ),
            ),
            (
                "legend.served",
                lambda p: (
                    pygame.draw.circle(surface, c, p, 7),
                    pygame.draw.circle(surface, RING, p, 4),
                ),
            ),
            (
                "legend.dropped",
                lambda p: (
                    pygame.draw.circle(surface, c, p, 7),
                    pygame.draw.circle(surface, GREY, p, 7, 2),
                ),
            ),
            (
                "legend.good",
                lambda p: (
                    pygame.draw.circle(surface, c, p, 7),
                    pygame.draw.circle(surface, GOOD, p, 4),
                ),
            ),
            (
                "legend.bad",
                lambda p: (
                    pygame.draw.circle(surface, c, p, 7),
                    pygame.draw.circle(surface, BAD, p, 4),
                ),
            ),
        ]
        x = 22
        for key, icon in items:
            width = 30 + text.font(13).size(tr(key))[0]
            if x + width > FIELD.right:
                x, y = 22, y + 22
            icon((x + 7, y + 10))
            r = text.draw(surface, tr(key), (x + 18, y + 1), 13, text.MUTED)
            x = r.right + 12

    def _draw_inspector(self, surface: pygame.Surface) -> None:
        if self.inspect is None:
            return
        person, until = self.inspect
        if self.app.time > until or person >= self.model.population.size:
            self.inspect = None
            return
        d = self.model.beneficiary(person).describe()
        lines = [
            tr("inspect.title", n=person),
            tr("inspect.risk", risk=fmt.pct(d["risk"])),
            tr("inspect.status", status=tr(f"status.{d['status']}")),
            tr(
                "inspect.hours",
                hours=fmt.num(d["service_hours"], 1),
                quality=fmt.num(d["quality_hours"], 1),
            ),
        ]
        box = Rect(420, 110, 236, 22 * len(lines) + 14)
        pygame.draw.rect(surface, palette.current().popup, box, border_radius=6)
        pygame.draw.rect(surface, palette.current().accent, box, 1, border_radius=6)
        for i, line in enumerate(lines):
            text.draw(
                surface,
                line,
                (box.left + 10, box.top + 7 + 22 * i),
                14,
                bold=i == 0,
                max_width=box.width - 20,
            )


def mark_labels(
    xs: list[int], sizes: list[tuple[int, int]], top: int, left: int, right: int
) -> list[pygame.Rect]:
    """Where the marker labels go: each on the side away from the other marker, else on the
    other side, so that a label never leaves [left, right] nor covers the other label (when the
    field is too narrow for both, it is clamped inside)."""
    placed: list[pygame.Rect] = []
    for i, (w, h) in enumerate(sizes):
        bounds = pygame.Rect(left, top, right - left, h)
        others = [xs[j] for j in range(len(xs)) if j != i]
        sides = ("left", "right") if others and others[0] > xs[i] else ("right", "left")
        rect = pygame.Rect(0, top, w, h)
        for side in sides:
            if side == "left":
                rect.right = xs[i] - 9
            else:
                rect.left = xs[i] + 9
            if bounds.contains(rect) and not rect.collidelistall(placed):
                break
        else:
            rect.left = xs[i] + 9
            rect.clamp_ip(bounds)
        placed.append(rect)
    return placed
