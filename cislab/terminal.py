"""What every `cislab` command prints through: the consoles, one-line errors, shared options.

Why a module of its own: the commands live in several modules (`cli`, `experiment_commands`,
`indigo_command`, `play_command`); each imports these from here, and `cli` imports the
commands to register them, so no module imports `cli` back (no import cycle).
"""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text

console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)


def error_line(message: str) -> None:
    """Print `error: message` on stderr as one line of plain text.

    The message holds what a user typed (a `--set` value, a title, a file name): it is a rich
    `Text`, never markup, so `[/]` cannot crash the print and `[link=…]` cannot make a link.
    """
    line = Text("error:", style="bold red")
    line.append(" " + " ".join(str(message).split()))
    err_console.print(line, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """One clear line on stderr, exit code 2 (bad input)."""
    error_line(message)
    raise typer.Exit(code=2)


ReplaceOpt = Annotated[
    bool,
    typer.Option(
        "--replace", help="Replace an earlier CIS Lab output in --out (never other files)."
    ),
]

LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of tables, figures and reports: fr or en (default: from LANG/LC_ALL). "
        "Langue des tableaux, figures et rapports : fr ou en (par défaut : selon LANG/LC_ALL).",
    ),
]


def use_language(lang: str | None) -> str:
    """Set the command's language from `--lang` (or the locale); a bad value is one line, exit 2."""
    from cislab import lang as language

    if lang is not None and lang not in language.LANGS:
        fail(f"--lang = {lang!r}: allowed: {', '.join(language.LANGS)}")
    return language.choose(lang)
