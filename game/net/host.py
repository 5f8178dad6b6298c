"""`cislab host`: the game on the facilitator's screen, the web server in a background thread.

Why the game keeps the main thread: pygame must (SDL's window and events belong to it), and the
model is only ever touched there, between frames — the server thread only talks to the hub.
The address is loopback unless the facilitator asks for the room's network (`--bind 0.0.0.0`
or one of the machine's addresses): a session must never be open to a network by surprise.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

from cislab.game.net.conductor import Conductor
from cislab.game.net.hub import Hub
from cislab.game.net.server import ServerThread
from cislab.game.session import Session

DEFAULT_PORT = 8765


def is_loopback(bind: str) -> bool:
    try:
        return ipaddress.ip_address(bind).is_loopback
    except ValueError:
        return bind == "localhost"


def join_host(bind: str) -> str:
    """The address phones type: the bound one, or for 0.0.0.0 one of this machine's own
    addresses (from its name; no packet is sent anywhere to find it)."""
    if bind not in ("0.0.0.0", "::", ""):
        return bind
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    for info in infos:
        address = str(info[4][0])
        if not ipaddress.ip_address(address).is_loopback:
            return address
    return socket.gethostname()


class Hosted:
    """The pieces of a hosted session: the game's app, the conductor and the server thread."""

    def __init__(self, app, conductor: Conductor, server: ServerThread) -> None:
        self.app = app
        self.conductor = conductor
        self.server = server

    def frame(self, dt: float | None = None) -> None:
        """One frame of the game, then the views it changed go out to the devices."""
        app, conductor = self.app, self.conductor
        app.frame(dt=dt)
        if app.session is not None and app.session is not conductor.session:
            conductor.follow(app.session)  # a save was loaded
        conductor.sync()

    def close(self) -> None:
        self.server.stop()


def build(
    scenario: str,
    lang: str = "en",
    bind: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    seed: int = 0,
    turn: str = "quarter",
    **app_options,
) -> Hosted:
    """Start the server and open the game on the lobby (the caller runs the frames)."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from cislab.game.app import App
    from cislab.game.net.projector import OVERRIDES, LobbyScene

    hub = Hub()
    session = Session(scenario, seed=seed, lang=lang)
    conductor = Conductor(session, hub, turn=turn)
    server = ServerThread(hub, host=bind, port=port).start()
    app = App(lang=lang, scenario=scenario, seed=seed, **app_options)
    app.session = session
    app.conductor = conductor
    app.loopback = is_loopback(bind)
    app.join_url = f"http://{join_host(bind)}:{server.port}/?code={hub.code}"
    app.scene_overrides = OVERRIDES
    app.stack.replace(LobbyScene(app))
    return Hosted(app, conductor, server)


def host(
    scenario: str,
    lang: str = "en",
    bind: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    seed: int = 0,
    turn: str = "quarter",
    fullscreen: bool = False,
    screenshots: Path | None = None,
    autoplay: bool = False,
    max_frames: int | None = None,
) -> list[str]:
    """Run a hosted session until the facilitator quits; returns the screenshots taken."""
    if autoplay and screenshots is not None and not os.environ.get("DISPLAY"):
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    hosted = build(
        scenario,
        lang,
        bind,
        port,
        seed,
        turn,
        fullscreen=fullscreen,
        screenshots=screenshots,
        autoplay=autoplay,
    )
    if autoplay:
        from cislab.game.app import SPEEDS

        hosted.app.speed_index = len(SPEEDS) - 1
    frames = 0
    try:
        while hosted.app.running and (max_frames is None or frames < max_frames):
            hosted.frame()
            frames += 1
    finally:
        hosted.close()
        import pygame

        pygame.quit()
    return hosted.app.shot_names
