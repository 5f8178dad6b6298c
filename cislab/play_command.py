"""`cislab play`: the teaching game. Kept apart from cli.py; heavy imports stay inside the command
so `cislab --help` stays instant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LANGS = ("fr", "en")


def play(
    scenario: Annotated[str | None, typer.Argument(help="Scenario name or TOML file.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language: fr or en.")] = "en",
    autoplay: Annotated[
        bool, typer.Option(help="The model plays every role at full speed (demo / checks).")
    ] = False,
    screenshots: Annotated[
        Path | None, typer.Option(help="Folder for a PNG of every scene (with --autoplay).")
    ] = None,
    fullscreen: Annotated[bool, typer.Option(help="Start full screen (projector).")] = False,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
    export: Annotated[Path | None, typer.Option(help="Folder for the debrief export.")] = None,
) -> None:
    """Play the workshop game (French or English; F2 switches at any time)."""
    from cislab.terminal import fail

    if lang not in LANGS:
        fail(f"--lang = {lang!r}: allowed: fr, en")
    if screenshots is not None and not autoplay:
        fail("--screenshots needs --autoplay")
    if export is not None and (export.exists() or export.is_symlink()) and not export.is_dir():
        from cislab.model.safe_output import quoted

        fail(
            f"--export {quoted(export)}: exists and is not a folder; "
            "give a folder (each export is a new folder in it)"
        )
    if scenario is not None:
        from cislab.model.scenarios import ScenarioError, load_scenario

        try:
            load_scenario(scenario)
        except ScenarioError as exc:
            fail(str(exc))
    from cislab.game.main import play as run_game

    names = run_game(scenario, lang, autoplay, screenshots, fullscreen, export, seed)
    if screenshots is not None:
        typer.echo(f"{len(names)} screenshots in {screenshots}/: {', '.join(names)}")


def register(app: typer.Typer) -> None:
    app.command("play")(play)


def main() -> None:  # pragma: no cover - `python -m cislab.game`
    standalone = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    standalone.command()(play)
    standalone()
