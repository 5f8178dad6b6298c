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
    workshop: Annotated[
        int | None,
        typer.Option(
            help="Workshop mode: the session's length in minutes; turns are cut so the case fits."
        ),
    ] = None,
    second_case: Annotated[
        str | None, typer.Option(help="Workshop mode: a second case played after the first.")
    ] = None,
    theme: Annotated[str, typer.Option(help="Colours: dark, or light (a lit room).")] = "dark",
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
    if theme not in ("dark", "light"):
        fail(f"--theme = {theme!r}: allowed: dark, light")
    if second_case is not None and (workshop is None or scenario is None):
        fail(f"--second-case = {second_case!r}: needs a first case and --workshop MINUTES")
    cases = []
    for name, option in ((scenario, "scenario"), (second_case, "--second-case")):
        if name is None:
            continue
        from cislab.model.scenarios import ScenarioError, load_scenario

        try:
            cases.append(load_scenario(name))
        except ScenarioError as exc:
            fail(f"{option}: {exc}" if option != "scenario" else str(exc))
    if workshop is not None:
        _check_workshop(workshop, cases, lang)
    from cislab.game.main import play as run_game

    names = run_game(
        scenario,
        lang,
        autoplay,
        screenshots,
        fullscreen,
        export,
        seed,
        workshop=workshop,
        second_case=second_case,
        theme=theme,
    )
    if screenshots is not None:
        typer.echo(f"{len(names)} screenshots in {screenshots}/: {', '.join(names)}")


def _check_workshop(minutes: int, cases: list, lang: str) -> None:
    """One line naming the session length when the case(s) cannot fit; else print the plan."""
    from cislab.game import workshop
    from cislab.terminal import fail

    if not workshop.MIN_SESSION <= minutes <= workshop.MAX_SESSION:
        fail(
            f"--workshop = {minutes}: allowed {workshop.MIN_SESSION} to "
            f"{workshop.MAX_SESSION} minutes"
        )
    if not cases:
        return  # the case is chosen on screen; its plan is shown there
    try:
        plan = workshop.plan(cases, minutes)
    except workshop.PlanError as exc:
        fail(f"--workshop = {minutes}: {exc}")
    for line in workshop.describe(plan, lang):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command("play")(play)


def main() -> None:  # pragma: no cover - `python -m cislab.game`
    standalone = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    standalone.command()(play)
    standalone()
