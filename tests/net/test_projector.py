"""The facilitator's screen in `cislab host` (pygame, dummy video): the lobby lists the teams as
they join, the play panel shows who has sent (never a team's form), the turn runs once every
seat is in, and the debrief compares the teams' predictions. Screenshots: test-artifacts/net/."""

from __future__ import annotations

import os
import time

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["CISLAB_I18N_STRICT"] = "1"

import pygame
import pygame_gui
import pytest
from cislab.game import i18n
from cislab.game.net.host import build

from tests.game.conftest import ARTIFACTS, nonblank

SHOTS = ARTIFACTS / "net"


@pytest.fixture
def hosted(tmp_path):
    h = build("default", lang="en", port=0, seed=2, turn="year", export_dir=tmp_path / "export")
    h.app.fps_limit = 0
    yield h
    h.close()
    pygame.quit()
    i18n.set_language("en")


def frames(h, n: int = 3) -> None:
    for _ in range(n):
        h.frame(dt=1 / 60)


def frames_until(h, done, seconds: float = 60.0) -> None:
    """Draw frames until `done()`: the model runs months on the game's worker thread, so a
    turn takes real time, not a number of frames (bounded, never a timing assertion)."""
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        h.frame(dt=1 / 60)
        time.sleep(0.002)


def join(hub, conn: int, role: str, **extra) -> str:
    msg = {"type": "hello", "code": hub.code, "role": role, "lang": "fr", **extra}
    reply = hub.handle(conn, msg)[0]
    assert reply["type"] == "welcome", reply
    return reply["token"]


def shoot(h, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pygame.image.save(h.app.canvas, str(path))
    assert nonblank(path)
    return path


def test_lobby_play_and_debrief_on_the_projector(hosted):
    h = hosted
    hub = h.conductor.hub
    app = h.app
    frames(h)
    assert app.stack.top.name == "lobby"
    assert "teams" in app.stack.top.ui
    join(hub, 1, "state")
    join(hub, 2, "operator")
    join(hub, 3, "operator")  # a second device on the operator's team: a viewer
    hub.handle(1, {"type": "predict", "answers": {"creaming": "yes", "money_back": "no"}})
    hub.handle(2, {"type": "predict", "answers": {"creaming": "no", "note": "ça ira"}})
    frames(h)
    lobby_text = app.stack.top.ui["teams"].html_text
    assert "2 devices, 2 online" in lobby_text and "predictions sent" in lobby_text
    assert "no team: the model will play it" in lobby_text  # the investor
    shoot(h, "projector_lobby_en")
    app.set_language("fr")
    frames(h)
    shoot(h, "projector_lobby_fr")
    app.set_language("en")

    app.stack.top.start()
    frames(h)
    play = app.stack.top
    assert play.name == "play" and type(play).__name__ == "NetPlayScene"
    assert app.session.humans == ["state", "operator"]
    assert play.phase == "decide" and "dec:audit_rate" not in play.ui  # no form on the screen
    assert hub.phase == "decide" and hub.seats == ("state", "operator")
    hub.handle(1, {"type": "decide", "turn": 0, "values": {"audit_rate": 0.4}})
    frames(h)
    panel = play.ui["reports"].html_text
    assert "decisions sent" in panel and "deciding…" in panel and "played by the model" in panel
    assert play.phase == "decide"
    shoot(h, "projector_play_deciding_en")
    hub.handle(2, {"type": "decide", "turn": 0, "values": {"effort": "generous"}})
    frames(h, 2)
    assert play.phase == "run"  # everyone is in: the turn runs by itself
    decided = [e for e in app.session.journal if e["kind"] == "decision"]
    assert [(e["role"], e["decision"], e["value"]) for e in decided] == [
        ("state", "audit_rate", 0.4),
        ("operator", "effort", "generous"),
    ]
    frames_until(h, lambda: play.phase == "decide" or app.stack.top is not play)
    assert app.session.turn == 1 and hub.turn == 1 and hub.phase == "decide"
    shoot(h, "projector_play_turn2_en")
    # the facilitator runs the rest without waiting (Space): teams keep standing decisions
    end = time.monotonic() + 180
    while time.monotonic() < end:
        top = app.stack.top
        if top.name == "debrief":
            break
        if top.name == "play" and top.phase == "decide":
            h.frame(dt=1 / 60)
            top.on_key(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE))
        elif top.name == "after":
            top.autoplay()
        elif top.name in ("pause", "explore"):
            app.stack.pop()
        frames(h, 1)
        time.sleep(0.002)
    assert app.stack.top.name == "debrief"
    frames(h, 3)
    html = app.stack.top.ui["predictions"].html_text
    assert "State:" in html and "Operator:" in html and "of 4 right" in html
    assert "ça ira" in html and "creaming: yes (right)" in html.lower()
    assert hub.phase == "over" and hub.results["teams"][0]["role"] == "state"
    shoot(h, "projector_debrief_en")

    # play again: back to the lobby, same devices on their roles, a fresh session
    first = app.session
    app.stack.top.on_ui("again", pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED))
    frames(h)
    assert app.stack.top.name == "lobby" and app.session is not first
    assert h.conductor.session is app.session and app.session.model is None
    assert hub.phase == "lobby" and hub.predictions == {} and hub.predictions_open
    assert hub.occupied() == ["state", "operator"]
