"""`cislab host`: the networked workshop. Kept apart from cli.py; heavy imports (pygame, the
server) stay inside the command so `cislab --help` stays instant."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

LANGS = ("fr", "en")
TURNS = ("quarter", "year")
SERVER_PACKAGES = ("starlette", "uvicorn", "websockets", "qrcode")


def host(
    scenario: Annotated[str, typer.Argument(help="Case (scenario name or TOML file).")],
    bind: Annotated[
        str,
        typer.Option(
            "--bind",
            help="Address to listen on: 127.0.0.1 (this computer only) by default; "
            "0.0.0.0 or one of its addresses opens the session to the room's network.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free).")] = 8765,
    lang: Annotated[str, typer.Option("--lang", help="Projector language: fr or en.")] = "en",
    turn: Annotated[str, typer.Option("--turn", help="Turn length: quarter or year.")] = "quarter",
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
    fullscreen: Annotated[bool, typer.Option(help="Start full screen (projector).")] = False,
    screenshots: Annotated[
        Path | None, typer.Option(help="Folder for a PNG of every scene (with --autoplay).")
    ] = None,
    autoplay: Annotated[
        bool, typer.Option(help="Start at once and run every turn (a demo; checks).")
    ] = False,
) -> None:
    """Host a workshop: the game on this screen, each team's role on its own phone or laptop
    (they open the address shown, or scan the QR code, and type the session code)."""
    from cislab.terminal import fail

    if lang not in LANGS:
        fail(f"--lang = {lang!r}: allowed: fr, en")
    if turn not in TURNS:
        fail(f"--turn = {turn!r}: allowed: quarter, year")
    if not 0 <= port <= 65535:
        fail(f"--port = {port}: allowed: 0 to 65535")
    if screenshots is not None and not autoplay:
        fail("--screenshots needs --autoplay")
    missing = [p for p in SERVER_PACKAGES if importlib.util.find_spec(p) is None]
    if missing:
        fail(
            f"cislab host needs {', '.join(missing)}: install them with pip install 'cislab[host]'"
        )
    import ipaddress

    if bind != "localhost":
        try:
            ipaddress.ip_address(bind)
        except ValueError:
            fail(f"--bind = {bind!r}: allowed: an IP address of this computer, e.g. 127.0.0.1")
    from cislab.model.scenarios import ScenarioError, load_scenario

    try:
        load_scenario(scenario)
    except ScenarioError as exc:
        fail(str(exc))
    from cislab.game.net.host import host as run_host

    try:
        names = run_host(scenario, lang, bind, port, seed, turn, fullscreen, screenshots, autoplay)
    except OSError as exc:
        fail(f"--bind {bind} --port {port}: cannot listen there ({exc})")
    if screenshots is not None:
        typer.echo(f"{len(names)} screenshots in {screenshots}/: {', '.join(names)}")


def register(app: typer.Typer) -> None:
    app.command("host")(host)
