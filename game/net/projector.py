"""The facilitator's screen in `cislab host`: a lobby with the join address, QR code and code,
then the game's own play and debrief screens with two narrow changes — the decision panel shows
which teams have sent (their forms are on their phones, so no private view reaches the
projector), and the debrief compares the teams' predictions.

Hooked in by name (`app.scene_overrides`, read by `scenes.registry.make`), so the hot-seat scenes
stay as they are and every facilitator control (pause, speed, undo, fork, explore, save) works
unchanged. The app carries `conductor` and `join_url`, set by `game.net.host`.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from cislab.game import payer
from cislab.game.decisions import ROLES
from cislab.game.i18n import tr
from cislab.game.net.conductor import Conductor
from cislab.game.net.words import say
from cislab.game.scenes.base import Rect, Scene
from cislab.game.scenes.debrief import DebriefScene
from cislab.game.scenes.play import PlayScene
from cislab.game.scenes.registry import make
from cislab.game.session import Session
from cislab.game.widgets import text

QR_BOX = Rect(60, 214, 400, 400)
STATUS_COLOURS = {"submitted": "#6fd08c", "deciding": "#f0c060", "away": "#a9b8c8"}


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules (True: dark), with its quiet zone."""
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(surface: pygame.Surface, matrix: list[list[bool]], box: pygame.Rect) -> None:
    """Dark modules on white, as large as `box` allows in whole pixels (crisp from a distance)."""
    n = len(matrix)
    cell = max(1, min(box.width, box.height) // n)
    side = cell * n
    origin = (box.centerx - side // 2, box.centery - side // 2)
    pygame.draw.rect(surface, (255, 255, 255), (*origin, side, side))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pygame.draw.rect(
                    surface, (0, 0, 0), (origin[0] + x * cell, origin[1] + y * cell, cell, cell)
                )


def _conductor(app: Any) -> Conductor:
    return app.conductor


class LobbyScene(Scene):
    """Join address, QR code and session code; the teams as they arrive; start the contract."""

    name = "lobby"

    def __init__(self, app) -> None:
        super().__init__(app)
        conductor = _conductor(app)
        if conductor.started:  # "play again" from the debrief: same room, a fresh session
            session = Session(conductor.session.base, seed=app.seed, lang=app.lang)
            session.scenario = conductor.session.scenario
            app.session = session
            conductor.new_round(session)
        self.turn = conductor.turn_length
        self.matrix = qr_matrix(app.join_url)
        self._seen = -1

    def build_ui(self) -> None:
        c = _conductor(self.app)
        s = c.session
        title = getattr(s.base.meta.title, self.app.lang) or s.base.meta.title.en
        self.header(say("projector.title"), text.fit(title, 16, 880))
        self.label("join", Rect(60, 100, 700, 36), say("projector.join"), "@h2")
        self.label("scan", Rect(60, 136, 760, 28), say("projector.scan"), "@muted")
        self.label("url", Rect(60, 166, 760, 32), self.app.join_url.split("?")[0], "@h2")
        code = " ".join(c.hub.code)
        self.label("code", Rect(480, 300, 330, 28), say("projector.code"), "@muted")
        self.label("code_value", Rect(480, 330, 330, 60), code, "@title")
        if self.app.loopback:
            self.textbox("loopback", Rect(480, 420, 330, 150), say("projector.loopback"))
        self.label("teams_title", Rect(850, 100, 400, 36), say("projector.teams"), "@h2")
        self.textbox("teams", Rect(850, 140, 406, 430), self._teams_html())
        turn = say(f"projector.turn.{self.turn}")
        self.button("turn", Rect(850, 590, 406, 40), say("projector.turn", turn=turn))
        self.button(
            "start",
            Rect(850, 646, 406, 50),
            say("projector.start"),
            tip=say("projector.start_tip"),
            cls="@primary",
        )
        self._seen = c.hub.version

    def _teams_html(self) -> str:
        c = _conductor(self.app)
        lines = []
        for team in c.hub.teams():
            name = payer.role_name(team["role"], c.session.base)
            if not team["held"]:
                lines.append(f"<b>{name}</b><br><i>{say('projector.no_team')}</i>")
                continue
            devices = say("projector.devices", n=team["members"], online=team["online"])
            said = say("projector.predicted" if team["predicted"] else "projector.not_predicted")
            lines.append(f"<b>{name}</b><br>{devices}<br>{said}")
        return "<br><br>".join(lines)

    def update(self, dt: float) -> None:
        super().update(dt)
        if _conductor(self.app).hub.version != self._seen:
            self.rebuild()  # a device joined, left or sent its predictions

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name == "turn":
            self.turn = "year" if self.turn == "quarter" else "quarter"
            self.rebuild()
        elif name == "start":
            self.start()

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_RETURN:
            self.start()
            return True
        return False

    def start(self) -> None:
        c = _conductor(self.app)
        c.turn_length = self.turn
        c.start()
        self.app.session = c.session
        if c.session.live:
            self.app.stack.replace(make("play", self.app))
        else:
            self.app.goto_session_scene()

    def draw(self, surface: pygame.Surface) -> None:
        draw_qr(surface, self.matrix, QR_BOX)

    def autoplay(self) -> None:
        self.start()


class NetPlayScene(PlayScene):
    """The play screen; while teams decide, its panel shows who has sent instead of a form."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self._seen = -1

    @property
    def conductor(self) -> Conductor:
        return _conductor(self.app)

    @property
    def role(self) -> str | None:
        return None  # no hot seat: each team decides on its own device

    def _build_panel(self) -> None:
        if self.phase != "decide":
            super()._build_panel()
            return
        x, w = 692, 560
        head = say("projector.deciding", turn=self.session.turn + 1)
        self.label("panel_title", Rect(x, 66, w, 34), head, "@h2")
        self.textbox("reports", Rect(x, 110, w, 184), self._teams_html())
        url, code = self.app.join_url.split("?")[0], " ".join(self.conductor.hub.code)
        line = text.fit(say("projector.join_line", url=url, code=code), 14, w)
        self.label("join", Rect(x, 298, w, 30), line, "@muted")
        self.button(
            "run",
            Rect(x, 342, w, 44),
            say("projector.run_now"),
            tip=say("projector.run_now_tip"),
            cls="@primary",
        )
        self._seen = self.conductor.hub.version

    def _teams_html(self) -> str:
        hub = self.conductor.hub
        lines = []
        for role in ROLES:
            name = self.role_name(role)
            if not self.session.is_human(role):
                lines.append(f"<b>{name}</b>: <i>{say('teams.model')}</i>")
            elif role in hub.seats:
                status = hub.status(role)
                colour = STATUS_COLOURS.get(status, "#a9b8c8")
                said = say(f"projector.st.{status}")
                lines.append(f"<b>{name}</b>: <font color='{colour}'>{said}</font>")
        return "<br>".join(lines)

    def update(self, dt: float) -> None:
        if self.phase == "decide":
            if self.conductor.all_in():
                self.run_now()
            elif self.conductor.hub.version != self._seen:
                self.rebuild()  # a team sent, left or came back
        super().update(dt)

    def run_now(self) -> None:
        """Every seat's submitted decisions go to the model and the turn runs."""
        if self.phase != "decide":
            return
        self.conductor.collect()
        self.phase = "run"
        self.rebuild()

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if name == "run" and self.phase == "decide":
            if event.type == pygame_gui.UI_BUTTON_PRESSED:
                self.run_now()
            return
        super().on_ui(name, event)

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_SPACE, pygame.K_RETURN) and self.phase == "decide":
            self.run_now()
            return True
        return super().on_key(event)

    def _turn_closed(self) -> None:
        super()._turn_closed()  # every way a turn closes (in the frame or on the worker) ends here
        if self.phase == "decide":
            self.conductor.open_decisions()

    def _after_restore(self) -> None:
        super()._after_restore()  # undo or a fork: the teams decide that turn again
        if self.phase == "decide":
            self.conductor.open_decisions()

    def autoplay(self) -> None:
        if self.phase == "decide":
            self.run_now()
        else:
            super().autoplay()


class NetDebriefScene(DebriefScene):
    """The debrief, with every team's predictions set beside what happened."""

    def _predictions_html(self) -> str:
        res = _conductor(self.app).results
        lines = [f"<b>{say('projector.results')}</b>"]
        if not res or not res["teams"]:
            lines.append(say("projector.no_predictions"))
            return "<br>".join(lines)
        lang = self.app.lang
        questions, actual = res["questions"][lang], res["actual"][lang]
        for team in res["teams"]:
            name = payer.role_name(team["role"], self.session.base)
            score = say("projector.score", role=name, right=team["right"], of=res["of"])
            guesses = "; ".join(
                say(
                    "projector.guess",
                    q=questions[r["q"]],
                    guess=r["guess"][lang],
                    mark=tr("debrief.right") if r["right"] else tr("debrief.wrong"),
                )
                for r in team["rows"]
            )
            lines.append(f"<b>{score}</b><br>{guesses}")
            note = team["note"]
            if note:
                lines.append(f"<i>« {note} »</i>" if lang == "fr" else f"<i>“{note}”</i>")
        said = "; ".join(say("projector.fact", q=questions[q], actual=actual[q]) for q in questions)
        lines.append(say("projector.actual", said=said))
        return "<br>".join(lines)


OVERRIDES = {"play": NetPlayScene, "debrief": NetDebriefScene, "title": LobbyScene}
