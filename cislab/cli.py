"""`cislab`: the command-line front end on the simulation model.

Heavy packages (mesa, pandas, scipy) are imported inside commands so that `cislab --help`
answers at once. Bad input exits with code 2 and one line naming the field and what is allowed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from cislab import (
    experiment_commands,
    host_command,
    indigo_command,
    pack_command,
    play_command,
)
from cislab.terminal import (
    LangOpt,
    ReplaceOpt,
    console,
    err_console,
    error_line,
    fail,
    use_language,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="CIS Lab: simulate social impact contracts (contrats à impact social).",
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from cislab import __version__

        print(f"cislab {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """CIS Lab: simulate social impact contracts (contrats à impact social)."""


def _scenario_and_overrides(scenario: str | None, settings: list[str] | None):
    from cislab.model.scenarios import ScenarioError, load_scenario, parse_assignments

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
    replace: ReplaceOpt = False,
    lang: LangOpt = None,
    report: Annotated[
        bool,
        typer.Option(
            "--report",
            help="Also write a one-page decision report (report.<lang>.html and .pdf): the "
            "contract's terms and medians with 95% intervals over --report-seeds seeds.",
        ),
    ] = False,
    report_seeds: Annotated[
        int, typer.Option(min=2, max=1000, help="Seeds the report's medians use (from --seed).")
    ] = 20,
) -> None:
    """Run one scenario and write summary.json plus tidy tables."""
    from cislab import lang as language
    from cislab.model.outputs import TableFormat, atomic_folder
    from cislab.model.safe_output import OutputError, quoted

    use_language(lang)
    if fmt not in {f.value for f in TableFormat}:
        fail(f"--format = {fmt!r}: allowed: parquet, csv")
    sc, overrides = _scenario_and_overrides(scenario, settings)
    out = out or Path("runs") / f"{sc.meta.name}-seed{seed}"
    start = time.perf_counter()
    title = language.tr("run.title", title=language.text_of(sc.meta.title, sc.meta.name), seed=seed)
    try:  # the folder is checked and locked before the run, written only once it is complete
        with atomic_folder(out, "run", replace) as tmp:
            result = _simulate(sc, seed, months, start, overrides)
            files = _run_figures(result, sc, title)
            if report:
                files |= _run_report(sc, seed, months, overrides, report_seeds, files)
            result.write_into(tmp, fmt, files)
    except OutputError as exc:
        fail(str(exc))
    except OSError as exc:  # e.g. the disk filled up: nothing was written (all files or none)
        fail(f"--out {quoted(out)}: cannot write ({exc.strerror or exc}); nothing was written")
    print_summary(result.summary, title=title, currency=sc.meta.currency)
    seconds = language.number(time.perf_counter() - start, 2)
    console.print(f"[dim]{escape(language.tr('run.wrote', path=str(out), seconds=seconds))}[/]")


def _simulate(sc, seed: int, months: int | None, start: float, overrides=None):
    """Build and step the model with a progress bar (shown after a second); its result."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from cislab.model.api import build, collect
    from cislab.model.scenarios import ScenarioError

    try:
        # the overrides are already in `sc`; given again, they are recorded in its provenance
        model = build(sc, seed=seed, months=months, overrides=overrides)
    except ScenarioError as exc:  # e.g. --months beyond what the memory limit allows
        fail(str(exc))
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
    return collect(model)


def _run_figures(result, sc, title: str) -> dict[str, bytes]:
    """Figures written beside the tables: the adoption curve of the post-contract phase."""
    if result.model.after is None:
        return {}
    from cislab.figures import adoption_png

    return {
        "adoption.png": adoption_png(
            result.timeseries, sc.meta.start_year, sc.contract_months, title
        )
    }


def _run_report(sc, seed: int, months, overrides, seeds: int, figures: dict[str, bytes]):
    """The decision report's files: the design over `seeds` seeds from `seed` (medians and
    intervals need several runs; the run written beside it is the first of them)."""
    from cislab import lang as language
    from cislab import report as decision

    err_console.print(
        f"[dim]{escape(language.tr('run.report_runs', n=seeds, seed=seed))}[/]", highlight=False
    )
    data = decision.run_report(sc, list(range(seed, seed + seeds)), months, overrides, figures)
    return decision.files(data)


SUMMARY_ROWS = [
    "contract_signed",
    "terminated",
    "enrolled",
    "counted",
    "creaming_index",
    "parking_index",
    "gaming_index",
    "true_effect",
    "measured_effect",
    "outcome_payments",
    "public_cost",
    "public_savings",
    "net_public_benefit",
    "investor_irr",
    "investor_multiple",
    "operator_cash_end",
    "ledger_imbalance",
]

AFTER_ROWS = [
    "adopted",
    "territories_reached",
    "people_covered",
    "next_contracts",
    "scaled_on_inflated_evidence",
    "investor_reinvestment",
    "public_spending_after",
]


def print_summary(summary: dict, title: str, currency: str = "EUR") -> None:
    """The run's indicators with their units, in the chosen language (`cislab.indicators`)."""
    from cislab import indicators
    from cislab import lang as language

    table = Table(title=Text(title), show_header=True, header_style="bold")
    table.add_column(language.tr("run.indicator"))
    table.add_column(language.tr("run.value"), justify="right")
    rows = SUMMARY_ROWS + (AFTER_ROWS if "adopted" in summary else [])
    for key in rows:
        value = summary.get(key)
        signed = key in ("creaming_index", "parking_index", "investor_irr", "net_public_benefit")
        shown = indicators.value(key, value, currency, signed=signed)
        table.add_row(Text(indicators.label(key, currency)), Text(shown))  # never markup
    console.print(table)


@app.command()
def validate(file: Annotated[str, typer.Argument(help="Scenario TOML file or name.")]) -> None:
    """Check a scenario file; exit 2 with the first problem if it is invalid."""
    sc, _ = _scenario_and_overrides(file, [])
    from cislab.model.scenarios import known_paths, source_ok

    missing = sorted(p for p in known_paths() if not source_ok(sc, p) and not p.startswith("meta."))
    console.print(f"[green]valid[/]: {sc.meta.name} — {escape(sc.meta.title.en)}")
    from cislab.model.budget import estimate, memory_limit_gb

    est = estimate(sc)
    console.print(
        f"[dim]a run needs about {est.memory_gb:.2f} GB of memory (limit "
        f"{memory_limit_gb():.1f} GB) and {est.seconds:.1f} s to run[/]"
    )
    if missing:
        console.print(
            f"[yellow]note[/]: {len(missing)} values without a source, e.g. "
            f"{', '.join(missing[:5])}"
        )


@app.command("scenarios")
def list_scenarios() -> None:
    """List the shipped scenarios, one line each."""
    from cislab.model.scenarios import ScenarioError, load_scenario, scenario_names

    table = Table(show_header=True, header_style="bold")
    table.add_column("name")
    table.add_column("title")
    table.add_column("setting")
    for name in scenario_names():
        try:
            sc = load_scenario(name)
        except ScenarioError as exc:
            table.add_row(name, Text(f"invalid: {exc}", style="red"), "")
            continue
        c = sc.contract
        table.add_row(
            name,
            Text(sc.meta.title.en),
            f"{c.metric}, {c.selection}, {c.evaluation}, {sc.population.size:,} eligible",
        )
    console.print(table)


@app.command("validate-cases")
def validate_cases(
    seeds: Annotated[int, typer.Option(min=1, max=10_000, help="Seeds per case.")] = 30,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes (default: all cores).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Report folder.")] = Path("runs/validation"),
    replace: ReplaceOpt = False,
    lang: LangOpt = None,
) -> None:
    """Compare every real case's published results with simulated 90% bands.

    Writes report.md, report.csv and report.png.
    """
    from rich.progress import Progress

    from cislab import lang as language
    from cislab import validate_cases as vc
    from cislab.model.outputs import atomic_folder
    from cislab.model.safe_output import OutputError, quoted

    use_language(lang)
    tr = language.tr
    case_list = vc.cases()
    total = seeds * sum(1 for c in case_list if c.checks)
    try:  # checked and locked before the runs, written only once the report is complete
        with atomic_folder(out, "validation", replace) as tmp:
            with Progress(
                console=err_console, transient=True, disable=not err_console.is_terminal
            ) as bar:
                task = bar.add_task(tr("cases.progress"), total=total)
                values = vc.simulate(case_list, seeds, workers, progress=lambda: bar.advance(task))
            frame = vc.report(case_list, values)
            vc.write_into(frame, tmp, seeds)
    except OutputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"--out {quoted(out)}: cannot write ({exc.strerror or exc}); nothing was written")
    table = Table(title=tr("cases.title", seeds=seeds))
    for key in ("case", "metric", "published", "sim05", "median", "sim95", "inside"):
        table.add_column(
            tr(f"cases.{key}"), justify="left" if key in ("case", "metric") else "right"
        )
    for row in frame.itertuples():
        if row.inside is None:
            table.add_row(row.case, f"[dim]{escape(row.note)}[/]", "—", "—", "—", "—", "—")
            continue
        table.add_row(
            row.case,
            row.metric,
            *(vc.significant(v) for v in (row.published, row.sim_p05, row.sim_median, row.sim_p95)),
            f"[green]{tr('yes')}[/]" if row.inside else f"[red]{tr('no')}[/]",
        )
    console.print(table)
    console.print(
        f"[dim]{escape(tr('wrote', paths=f'{out}/report.md, report.csv, report.png'))}[/]"
    )


def main() -> None:
    """Entry point: like `app()`, but a usage error is one line on stderr and exit code 2."""
    command = typer.main.get_command(app)
    try:
        code = command.main(standalone_mode=False)
    except Exception as exc:
        if getattr(exc, "exit_code", None) == 2 and hasattr(exc, "format_message"):
            message = exc.format_message()
            if message:  # empty when the help was shown for a bare `cislab`
                error_line(message)
            sys.exit(2)
        raise
    sys.exit(code if isinstance(code, int) else 0)


# Commands kept in their own modules; each registers its commands on the one app.
experiment_commands.register(app)
indigo_command.register(app)
play_command.register(app)
pack_command.register(app)
host_command.register(app)
