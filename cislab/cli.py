"""`cislab`: the command-line front end on the simulation model.

Heavy packages (mesa, pandas, scipy) are imported inside commands so that `cislab --help`
answers at once. Bad input exits with code 2 and one line naming the field and what is allowed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="CIS Lab: simulate social impact contracts (contrats à impact social).",
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> NoReturn:
    """One clear line on stderr, exit code 2 (bad input)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _scenario_and_overrides(scenario: str | None, settings: list[str] | None):
    from model.scenarios import ScenarioError, load_scenario, parse_assignments

    try:
        overrides = parse_assignments(settings or [])
        return load_scenario(scenario, overrides), overrides
    except ScenarioError as exc:
        fail(str(exc))


@app.command()
def run(
    scenario: Annotated[str | None, typer.Argument(help="Scenario name or TOML file.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
    months: Annotated[int | None, typer.Option(min=1, max=1200, help="Months to run.")] = None,
    settings: Annotated[
        list[str] | None, typer.Option("--set", help="Override a lever: path=value (repeatable).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
) -> None:
    """Run one scenario and write summary.json plus tidy tables."""
    from model.outputs import TableFormat

    if fmt not in {f.value for f in TableFormat}:
        fail(f"--format = {fmt!r}: allowed: parquet, csv")
    sc, _ = _scenario_and_overrides(scenario, settings)
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from model.api import build, collect

    model = build(sc, seed=seed, months=months)
    out = out or Path("runs") / f"{sc.meta.name}-seed{seed}"
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} months"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task(sc.meta.name, total=model.run_months, visible=False)
        while model.running:
            model.step()
            bar.update(task, completed=model.month, visible=time.perf_counter() - start > 1.0)
    result = collect(model)
    result.write(out, fmt)
    print_summary(result.summary, title=f"{sc.meta.title.en or sc.meta.name} — seed {seed}")
    console.print(f"[dim]wrote {out}/ in {time.perf_counter() - start:.2f} s[/]")


SUMMARY_ROWS = [
    ("contract_signed", "Contract signed", "{}"),
    ("terminated", "Early termination", "{}"),
    ("enrolled", "People enrolled", "{:,}"),
    ("counted", "People counted by the evaluator", "{:,}"),
    ("creaming_index", "Creaming index (eligible − enrolled risk)", "{:+.3f}"),
    ("parking_index", "Parking index (hardest fifth's hours)", "{:+.3f}"),
    ("gaming_index", "Gaming index (quality shortfall)", "{:.3f}"),
    ("true_effect", "True effect per person", "{:.3f}"),
    ("measured_effect", "Measured effect per person", "{:.3f}"),
    ("outcome_payments", "Outcome payments", "{:,.0f}"),
    ("public_cost", "Public cost (payments + evaluation)", "{:,.0f}"),
    ("public_savings", "Public savings (true)", "{:,.0f}"),
    ("investor_irr", "Investor IRR", "{:+.1%}"),
    ("investor_multiple", "Investor multiple", "{:.2f}×"),
    ("operator_cash_end", "Operator cash at end", "{:,.0f}"),
    ("ledger_imbalance", "Ledger imbalance", "{:.2e}"),
]


def print_summary(summary: dict, title: str) -> None:
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("Indicator")
    table.add_column("Value", justify="right")
    for key, label, pattern in SUMMARY_ROWS:
        value = summary.get(key)
        table.add_row(label, "—" if value is None else pattern.format(value))
    console.print(table)


@app.command()
def validate(file: Annotated[str, typer.Argument(help="Scenario TOML file or name.")]) -> None:
    """Check a scenario file; exit 2 with the first problem if it is invalid."""
    sc, _ = _scenario_and_overrides(file, [])
    from model.scenarios import known_paths, source_ok

    missing = sorted(p for p in known_paths() if not source_ok(sc, p) and not p.startswith("meta."))
    console.print(f"[green]valid[/]: {sc.meta.name} — {sc.meta.title.en}")
    if missing:
        console.print(
            f"[yellow]note[/]: {len(missing)} values without a source, e.g. "
            f"{', '.join(missing[:5])}"
        )


@app.command("scenarios")
def list_scenarios() -> None:
    """List the shipped scenarios, one line each."""
    from model.scenarios import ScenarioError, load_scenario, scenario_names

    table = Table(show_header=True, header_style="bold")
    table.add_column("name")
    table.add_column("title")
    table.add_column("setting")
    for name in scenario_names():
        try:
            sc = load_scenario(name)
        except ScenarioError as exc:
            table.add_row(name, f"[red]invalid: {exc}[/]", "")
            continue
        c = sc.contract
        table.add_row(
            name,
            sc.meta.title.en,
            f"{c.metric}, {c.selection}, {c.evaluation}, {sc.population.size:,} eligible",
        )
    console.print(table)


def main() -> None:  # pragma: no cover - entry point
    sys.exit(app())


# Experiment commands (sweep, compare, sensitivity) register themselves on `app`.
from cislab import experiment_commands  # noqa: E402, F401
