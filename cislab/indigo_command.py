"""`cislab import-indigo`: a scenario from a real impact bond of GO Lab's INDIGO dataset.

Kept apart from `cislab/cli.py` so the importer's front end reads on one screen; the importer's
logic lives in `importers/indigo/` and is imported inside the command, so `cislab --help`
stays fast. Bad input (unknown id, unwritable file, a file that exists without --replace)
exits 2 with one line and writes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

ATTRIBUTION = (
    "Data: Government Outcomes Lab, University of Oxford — INDIGO Impact Bond Dataset (open data)."
)


def register(app: typer.Typer) -> None:
    """Add the `import-indigo` command to the CLI."""
    app.command("import-indigo")(import_indigo)


def import_indigo(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PROJECT_ID | TEXT…",
            help="INDIGO project id (INDIGO-POJ-0153, POJ-0153 or 153); with --list, words to "
            "search for (all must match).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Scenario file to write (default: indigo_poj_NNNN.toml here; '-' for stdout).",
        ),
    ] = None,
    list_: Annotated[
        bool,
        typer.Option(
            "--list",
            help="Search the 320 projects by id, title, country, sector and organisations.",
        ),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite the scenario file if it exists.")
    ] = False,
) -> None:
    """Write a runnable scenario TOML from one INDIGO impact-bond record, or search them.

    Every value of the scenario cites the INDIGO field it comes from or states the assumption
    that fills a gap; gaps are listed in the scenario's description.
    """
    from cislab.importers.indigo import IndigoError, import_project, load_dataset
    from cislab.terminal import console, fail

    try:
        dataset = load_dataset()
        if list_:
            show_matches(dataset, " ".join(words or []))
            return
        if not words:
            fail("give an INDIGO project id (e.g. INDIGO-POJ-0153) or --list [TEXT]")
        if len(words) > 1:
            fail(f"give one project id, not {len(words)} ({' '.join(words)}); to search: --list")
        result = import_project(words[0], dataset)
    except IndigoError as exc:
        fail(str(exc))
    text = result.toml()
    check_round_trip(text)
    if out is not None and str(out) == "-":
        sys.stdout.write(text)
        return
    target = out or Path(f"{result.name}.toml")
    from cislab.model.safe_output import OutputError, write_file

    try:  # refused if it exists (unless --replace); a temporary file, then renamed
        write_file(target, text.encode("utf-8"), replace, "--out" if out else "scenario file")
    except OutputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    title = result.data["meta"]["title"]["en"]
    console.print(f"[green]wrote[/] {escape(str(target))} — {escape(title)}")
    if result.gaps:
        console.print(f"[yellow]{len(result.gaps)} gap(s)[/], filled with stated assumptions:")
        for gap in result.gaps:
            console.print(f"  - {escape(gap.en)}", highlight=False)
    else:
        console.print("no gaps in the fields the importer maps")
    console.print(f"run it: cislab run {escape(str(target))}", highlight=False)
    console.print(f"[dim]{ATTRIBUTION}[/]")


def check_round_trip(text: str) -> None:
    """The TOML text must load back into a valid scenario (it is what users will run)."""
    import tomllib

    from cislab.model.scenarios import ScenarioError, validate_data
    from cislab.terminal import fail

    try:
        validate_data(tomllib.loads(text))
    except (ScenarioError, tomllib.TOMLDecodeError) as exc:  # a bug, never bad user input
        fail(f"the imported scenario does not validate: {exc}")


def show_matches(dataset, text: str) -> None:
    """A table of the projects matching every word of `text` (all projects if empty)."""
    from cislab.importers.indigo import COUNTRIES, country_codes
    from cislab.terminal import console

    matches = dataset.search(text)
    if not matches:
        shown = escape(text[:60])
        console.print(f"no INDIGO project matches '{shown}' (of {len(dataset.projects)})")
        return
    table = Table(show_header=True, header_style="bold", caption=ATTRIBUTION)
    table.add_column("id", no_wrap=True)
    table.add_column("title", ratio=3, overflow="fold")
    table.add_column("country", ratio=1, overflow="fold")
    table.add_column("sector", ratio=1, overflow="fold")
    for column in ("start", "users", "stage"):
        table.add_column(column, no_wrap=True)
    for record in matches:
        codes = country_codes(record)
        table.add_row(
            escape(str(record.get("id", "?"))),
            escape(str(record.get("name", ""))[:60]),
            ", ".join(COUNTRIES.get(c, (c,))[0] for c in codes[:3])
            + (" …" if len(codes) > 3 else ""),
            escape(str(record.get("sector", ""))),
            str(record.get("date_service_start", ""))[:7],
            str(record.get("users_target") or record.get("users_actual") or ""),
            escape(str(record.get("stage", ""))),
        )
    console.print(table)
    label = f" matching '{escape(text[:60])}'" if text.strip() else ""
    console.print(f"{len(matches)} of {len(dataset.projects)} projects{label}")
