"""`cislab workshop-pack CASE --lang fr --out DIR`: the facilitator pack as a printable PDF.

Kept apart from cli.py; the PDF library is imported inside the command so `cislab --help` stays
instant. The folder follows the safe-output rules: a new folder, or one CIS Lab made before
(with --replace); never a user's folder overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LANGS = ("fr", "en")


def workshop_pack(
    scenario: Annotated[str, typer.Argument(help="Case (scenario name or TOML file).")],
    lang: Annotated[str, typer.Option("--lang", help="Language: fr or en.")] = "en",
    out: Annotated[Path, typer.Option("--out", help="New folder for the PDF.")] = Path(
        "workshop-pack"
    ),
    minutes: Annotated[int, typer.Option(help="Session length for the run sheet.")] = 90,
    replace: Annotated[
        bool, typer.Option(help="Replace a folder CIS Lab wrote before (never anything else).")
    ] = False,
) -> None:
    """Write the facilitator pack: run sheet, briefing, role cards, prediction sheets per team,
    discussion prompts tied to the debrief's indicators, glossary."""
    from cislab.terminal import fail

    if lang not in LANGS:
        fail(f"--lang = {lang!r}: allowed: fr, en")
    from cislab.game import workshop
    from cislab.model.scenarios import ScenarioError, load_scenario

    try:
        sc = load_scenario(scenario)
    except ScenarioError as exc:
        fail(str(exc))
    try:
        workshop.plan([sc], minutes)
    except workshop.PlanError as exc:
        fail(f"--minutes = {minutes}: {exc}")
    from cislab.game.pack import build_pdf
    from cislab.model.safe_output import OutputError, check_location, output_folder

    try:
        target = check_location(out)
        with output_folder(target, "workshop-pack", replace=replace) as tmp:
            path = build_pdf(sc, lang, tmp, minutes)
            name = path.name
    except OutputError as exc:
        fail(str(exc))
    typer.echo(f"{target / name}")


def register(app: typer.Typer) -> None:
    app.command("workshop-pack")(workshop_pack)
