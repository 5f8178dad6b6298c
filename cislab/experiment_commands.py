"""`cislab sweep`, `cislab compare`, `cislab sensitivity`: experiments from the command line.

Registered on the main `app` (see the end of cislab/cli.py). Heavy packages are imported inside
the commands so `cislab --help` stays instant. Exit codes: 0 done, 1 done but some runs failed
(their errors are in the results), 2 bad input (one line, before any run), 130 interrupted
(everything finished so far is saved; the same command resumes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from cislab.terminal import LangOpt, console, err_console, fail, use_language

if TYPE_CHECKING:
    from cislab.experiments.plan import Plan
    from cislab.experiments.runner import SweepReport

WorkersOpt = Annotated[
    int | None, typer.Option("--workers", min=1, help="Worker processes (default: all cores).")
]
DaskOpt = Annotated[
    str | None, typer.Option("--dask", help="Run on an existing Dask scheduler (tcp://host:8786).")
]
DaskLocalOpt = Annotated[
    int | None, typer.Option("--dask-local", min=1, help="Start a local Dask cluster of N workers.")
]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Output folder.")]
MAX_SHOWN_POINTS = 12
MAX_SHOWN_FACTORS = 3  # more factor columns do not fit a terminal; summary.csv has them all
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Fixed override for every run: path=value (repeatable)."),
]


def _fixed(settings: list[str] | None) -> dict[str, Any]:
    from cislab.model.scenarios import ScenarioError, parse_assignments

    try:
        return parse_assignments(settings or [])
    except ScenarioError as exc:
        fail(str(exc))


@contextmanager
def _progress_bar(description: str):
    """A rich progress bar with ETA on stderr (silent when stderr is not a terminal)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs · [red]{task.fields[failed]} failed[/]"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None, failed=0)

        def update(done: int, total: int, failed: int) -> None:
            bar.update(task, completed=done, total=total, failed=failed)

        yield update


def _execute(
    plan: Plan,
    out: Path,
    workers: int | None,
    dask: str | None,
    dask_local: int | None,
) -> SweepReport:
    """Run a plan with a progress bar; translate every failure into the documented exit code."""
    from cislab import lang as language
    from cislab.experiments.runner import WorkerLost, sweep
    from cislab.experiments.spec import ExperimentError

    if dask is not None and dask_local is not None:
        fail("--dask and --dask-local: give one or the other")
    if workers is not None and (dask is not None or dask_local is not None):
        fail("--workers applies to local processes; with Dask the cluster's workers run the sweep")
    fresh = not out.exists()
    try:
        with _progress_bar(plan.name) as update:
            report = sweep(
                plan, out, workers=workers, dask=dask, dask_local=dask_local, progress=update
            )
    except ExperimentError as exc:
        fail(str(exc))
    except WorkerLost as exc:
        err_console.print(
            Text.assemble(
                ("error: ", "bold red"), language.tr("worker_died", reason=str(exc), out=str(out))
            ),
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=1) from None
    except OSError as exc:  # e.g. a Dask scheduler that cannot be reached
        if fresh and out.exists() and not (out / "manifest.json").exists():  # nothing ran
            import shutil

            shutil.rmtree(out)
        fail(f"cannot start the workers: {exc}")
    for note in report.notes:  # also when interrupted: e.g. which damaged files were set aside
        err_console.print(
            Text.assemble((language.tr("note") + language.tr("colon"), "yellow"), note),
            highlight=False,
            soft_wrap=True,
        )
    if report.interrupted:
        done = report.already_done + report.done
        err_console.print(
            Text(
                language.tr("interrupted", done=done, planned=report.planned, out=str(out)),
                style="yellow",
            ),
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=130)
    return report


def _finish(report: SweepReport, started: float, what: str) -> None:
    from cislab import lang as language

    tr = language.tr
    runs = report.already_done + report.done
    console.print(
        Text(
            tr(
                "done",
                what=what,
                runs=language.number(runs, 0),
                out=str(report.out),
                done=language.number(report.done, 0),
                executor=report.executor,
                seconds=language.number(time.perf_counter() - started, 1),
            ),
            style="dim",
        ),
        soft_wrap=True,
    )
    if report.lost:
        err_console.print(
            Text.assemble(
                (tr("warning") + tr("colon"), "yellow"),
                tr("warn.lost", n=report.lost, reason=report.lost_reason),
            ),
            highlight=False,
            soft_wrap=True,
        )
    if report.failed or report.lost:
        if report.failed:
            first = "; ".join(f"point {p} seed {s}: {e}" for p, s, e in report.errors[:3])
            err_console.print(
                Text.assemble(
                    (tr("warning") + tr("colon"), "yellow"),
                    tr("warn.failed", n=report.failed, first=first),
                ),
                highlight=False,
                soft_wrap=True,
            )
        raise typer.Exit(code=1)


def sweep(
    experiment: Annotated[str, typer.Argument(help="Experiment TOML file.")],
    workers: WorkersOpt = None,
    dask: DaskOpt = None,
    dask_local: DaskLocalOpt = None,
    out: OutOpt = None,
    settings: SetOpt = None,
    figures: Annotated[bool, typer.Option(help="Write figures at the end.")] = True,
    lang: LangOpt = None,
) -> None:
    """Run every (design point, seed) of an experiment once; resumable; Parquet results."""
    started = time.perf_counter()
    from cislab import lang as language
    from cislab.experiments.plan import load_plan
    from cislab.experiments.spec import ExperimentError

    use_language(lang)
    try:
        plan = load_plan(experiment, _fixed(settings))
    except ExperimentError as exc:
        fail(str(exc))
    out = out or Path("runs") / plan.name
    report = _execute(plan, out, workers, dask, dask_local)
    _report_sweep(plan, out, figures)
    _finish(report, started, language.tr("sweep.what"))


def _report_sweep(plan: Plan, out: Path, figures: bool) -> None:
    """summary.csv (median and band per point and output), figures, a table of the points."""
    from cislab.experiments.stats import bands
    from cislab.experiments.storage import read_results

    outputs = plan.outputs or ["creaming_index", "public_savings", "investor_irr"]
    frame = read_results(out, ["point_id", "seed", "status", *plan.columns, *outputs])
    frame = frame[
        frame["point_id"].isin({p.point_id for p in plan.points}) & frame["seed"].isin(plan.seeds)
    ]
    table = bands(frame, ["point_id", *plan.columns], outputs)
    table.to_csv(out / "summary.csv", index=False)
    currency = plan.bases[0].meta.currency
    if figures and plan.columns:
        from cislab.experiments.figures import lever_figure, save, scatter_figure

        varied = [c for c in plan.columns if frame[c].astype(str).nunique() > 1]
        if plan.source.get("design", {}).get("kind") == "lhs":
            fig = scatter_figure(frame, outputs, varied or plan.columns, currency)
        else:
            x = varied[0] if varied else plan.columns[0]
            hue = varied[1] if len(varied) > 1 else None
            fig = lever_figure(frame, outputs, x, hue, title=plan.name, currency=currency)
        save(fig, out / "figures" / "outcomes")
    from cislab import indicators
    from cislab import lang as language

    tr = language.tr
    shown = Table(title=Text(tr("sweep.title", name=plan.name)), header_style="bold")
    shown.add_column(tr("sweep.output"), overflow="fold")
    shown.add_column(tr("sweep.point"))
    columns = plan.columns if len(plan.columns) <= MAX_SHOWN_FACTORS else []
    for column in columns:
        shown.add_column(column)
    for column in ("stat.median", "stat.interval", "stat.q05", "stat.q95"):
        shown.add_column(tr(column), justify="right", no_wrap=True)
    from cislab.report import interval

    shown_points = plan.points[:MAX_SHOWN_POINTS]
    by_point = {(r["point_id"], r["output"]): r for _, r in table.iterrows()}
    for output in outputs:
        for i, p in enumerate(shown_points):
            row = by_point.get((p.point_id, output))
            if row is None:
                stats = ["—"] * 4
            else:
                stats = [
                    indicators.short_value(output, row["median"], currency),
                    interval(output, row["median_lo"], row["median_hi"], currency, short=True),
                    indicators.short_value(output, row["q05"], currency),
                    indicators.short_value(output, row["q95"], currency),
                ]
            values = [escape(_short(p.values.get(c, ""))) for c in columns]
            shown.add_row(
                Text(indicators.label(output, currency)) if i == 0 else "",
                str(p.point_id),
                *values,
                *(Text(cell) for cell in stats),  # money in the scenario's currency: never markup
                end_section=i == len(shown_points) - 1,
            )
    console.print(shown)
    if len(plan.points) > MAX_SHOWN_POINTS:
        more = tr("sweep.more", n=len(plan.points) - MAX_SHOWN_POINTS, path=f"{out}/summary.csv")
        console.print(Text(more, style="dim"))


def _short(value: Any) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def compare(
    designs: Annotated[
        list[str],
        typer.Argument(
            help="Designs: scenarios (name or TOML) or override sets (path=value[,path=value…]), "
            'optionally named: "Audit=contract.audit_rate=1.0", "Peterborough=peterborough".'
        ),
    ],
    seeds: Annotated[int, typer.Option(min=2, max=100_000, help="Seeds per design.")] = 20,
    base: Annotated[str, typer.Option(help="Baseline scenario; override sets apply to it.")] = (
        "default"
    ),
    metrics: Annotated[
        list[str] | None, typer.Option("--metric", help="Metric to show (repeatable).")
    ] = None,
    months: Annotated[int | None, typer.Option(min=1, max=1200, help="Months to run.")] = None,
    settings: SetOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = None,
    dask_local: DaskLocalOpt = None,
    out: OutOpt = None,
    lang: LangOpt = None,
    precision: Annotated[
        float,
        typer.Option(
            min=0.001,
            max=1.0,
            help="Relative precision (95%) to report seeds needed for, e.g. 0.05 for ±5%.",
        ),
    ] = 0.05,
    report: Annotated[
        bool,
        typer.Option("--report", help="Also write a one-page report (report.<lang>.html, .pdf)."),
    ] = False,
) -> None:
    """Designs side by side with the baseline: medians with 95% intervals, paired differences
    from the baseline with intervals, and the seeds a stated precision needs; table + figures."""
    started = time.perf_counter()
    from cislab import indicators
    from cislab import lang as language
    from cislab.experiments.compare import (
        BASELINE,
        compare_plan,
        compare_table,
        display_labels,
        write_outputs,
    )
    from cislab.experiments.compare import precision as precision_of
    from cislab.experiments.spec import ExperimentError
    from cislab.experiments.storage import read_results

    use_language(lang)
    tr = language.tr
    try:
        plan = compare_plan(designs, base, _fixed(settings), seeds, months, metrics=metrics)
    except ExperimentError as exc:
        fail(str(exc))
    out = out or Path("runs") / f"compare-{plan.design_hash()[:10]}"
    report_ = _execute(plan, out, workers, dask, dask_local)
    frame = read_results(out)
    frame = frame[frame["seed"].isin(plan.seeds)]
    table = compare_table(frame, plan.outputs, BASELINE)
    labels = display_labels(plan)
    currency = plan.bases[0].meta.currency
    needed = precision_of(frame, plan.outputs, precision)
    written = write_outputs(out, table, plan.outputs, BASELINE, labels, currency, needed)
    stored = [p.values["design"] for p in plan.points]
    shown = Table(title=Text(tr("compare.title", n=len(plan.seeds))), header_style="bold")
    shown.add_column(tr("compare.indicator"), ratio=2, overflow="fold")
    for design in stored:
        shown.add_column(Text(labels[design]), justify="right", ratio=2, overflow="fold")
    cells = {(r["design"], r["output"]): r for _, r in table.iterrows()}
    for metric in plan.outputs:
        row = [
            Text.assemble(
                (indicators.label(metric, currency), "bold"),
                "\n",
                (indicators.direction(metric), "dim"),
            )
        ]
        for design in stored:
            row.append(_compare_cell(cells.get((design, metric)), metric, currency, design))
        shown.add_row(*row, end_section=True)
    console.print(shown)
    console.print(Text(tr("compare.legend", n=len(plan.seeds)), style="dim"))
    _print_signs(plan.outputs)
    _print_precision(needed, plan.outputs, len(plan.seeds), precision)
    if report:
        from cislab import report as decision
        from cislab.model.safe_output import quoted

        data = decision.compare_report(plan, table, labels, plan.outputs)
        for name, content in decision.files(data).items():
            path = out / name
            try:
                path.write_bytes(content)
            except OSError as exc:
                fail(f"--out {quoted(out)}: cannot write {name} ({exc.strerror or exc})")
            written.append(path)
    console.print(
        Text(tr("wrote", paths=", ".join(str(p) for p in written)), style="dim"), soft_wrap=True
    )
    _finish(report_, started, tr("compare.what"))


def _compare_cell(cell: Any, metric: str, currency: str, design: str) -> Text:
    """Median [interval], then (not for the baseline) Δ [interval] and better/worse."""
    from cislab import indicators
    from cislab import lang as language
    from cislab.experiments.compare import BASELINE
    from cislab.report import interval

    if cell is None or cell["n"] == 0:
        return Text("—")
    text = Text(indicators.short_value(metric, cell["median"], currency))
    ci = interval(metric, cell["median_lo"], cell["median_hi"], currency, short=True)
    text.append("\n" + ci, "dim")
    if design != BASELINE and "delta_median" in cell:
        delta = indicators.short_value(metric, cell["delta_median"], currency, signed=True)
        ci = interval(metric, cell["delta_lo"], cell["delta_hi"], currency, True, short=True)
        text.append(f"\nΔ {delta}\n{ci}")
        verdict = indicators.better(
            metric, cell["delta_median"], cell["delta_lo"], cell["delta_hi"]
        )
        if verdict is not None:
            style = {"better": "green", "worse": "red"}.get(verdict, "dim")
            text.append("\n" + language.tr(f"verdict.{verdict}"), style)
    return text


def _print_signs(metrics: list[str]) -> None:
    """Each indicator's sign convention, once, under the table."""
    from cislab import indicators
    from cislab import lang as language

    notes = [(indicators.name(m), indicators.note(m)) for m in metrics if indicators.note(m)]
    if not notes:
        return
    console.print(Text(language.tr("compare.signs"), style="bold"))
    for name, note in notes:
        console.print(Text.assemble(("• " + name + " — ", "bold"), note), soft_wrap=False)


def _print_precision(needed: Any, metrics: list[str], run: int, target: float) -> None:
    """Seeds needed for ±target on each metric's median and mean: the most any design needs."""
    from cislab import indicators
    from cislab import lang as language

    tr = language.tr
    table = Table(
        title=Text(tr("compare.precision_title", pct=language.percent(target, 0))),
        header_style="bold",
    )
    for column in (
        "compare.indicator",
        "compare.seeds_run",
        "compare.for_median",
        "compare.for_mean",
    ):
        table.add_column(tr(column), justify="left" if column == "compare.indicator" else "right")

    def most(column: str, metric: str) -> str:
        values = needed.loc[needed["output"] == metric, column]
        if values.isna().any() or values.empty:
            return tr("compare.precision_undefined")
        n = int(values.max())
        shown = language.number(n, 0)
        return f"{shown} ✓" if n <= run else shown

    for metric in metrics:
        table.add_row(
            indicators.name(metric),
            language.number(run, 0),
            most("seeds_for_median", metric),
            most("seeds_for_mean", metric),
        )
    console.print(table)
    console.print(Text(tr("compare.precision_note"), style="dim"))


def sensitivity(
    experiment: Annotated[str, typer.Argument(help="Experiment TOML file (its factors).")],
    method: Annotated[
        str | None,
        typer.Option(help="morris (screening) or sobol (variance); default: the file's."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(min=2, help="Morris trajectories, or Sobol base samples (a power of 2)."),
    ] = None,
    seeds: Annotated[int | None, typer.Option(min=1, help="Seeds per design point.")] = None,
    outputs: Annotated[
        list[str] | None, typer.Option("--output", help="Output to analyse (repeatable).")
    ] = None,
    settings: SetOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = None,
    dask_local: DaskLocalOpt = None,
    out: OutOpt = None,
    lang: LangOpt = None,
) -> None:
    """SALib sensitivity indices of the experiment's factors for chosen outputs; table + figure.

    Warns when N is small or an index's interval is wider than the index; counts the runs where
    an output is undefined instead of dropping them silently."""
    started = time.perf_counter()
    from cislab import lang as language
    from cislab.experiments.sensitivity import analyse, sensitivity_design
    from cislab.experiments.spec import ExperimentError, load_experiment

    use_language(lang)
    if method is not None and method not in {"morris", "sobol"}:
        fail(f"--method = {method!r}: allowed: morris, sobol")
    try:
        exp, base = load_experiment(experiment, _fixed(settings), grid=False)
        method = method or exp.sensitivity.method
        design = sensitivity_design(exp, base, method, samples, seeds, outputs)
    except ExperimentError as exc:
        fail(str(exc))
    plan = design.plan
    out = out or Path("runs") / plan.name
    report = _execute(plan, out, workers, dask, dask_local)
    from cislab.experiments.figures import indices_figure, save
    from cislab.experiments.storage import read_results

    frame = read_results(out, ["point_id", "seed", "status", *plan.outputs])
    frame = frame[frame["seed"].isin(plan.seeds)]
    indices, notes = analyse(design, frame)
    indices.to_csv(out / "sensitivity.csv", index=False)
    written = [out / "sensitivity.csv"]
    currency = base.meta.currency
    if not indices.empty:
        written += save(indices_figure(indices, method, currency), out / "sensitivity")
    _print_indices(indices, method, currency)
    tr = language.tr
    for note in notes:
        console.print(
            Text.assemble((tr("warning") + tr("colon"), "yellow"), tr(note.key, **note.values)),
            soft_wrap=False,
        )
    _warn_wide(indices, method)
    console.print(
        Text(tr("wrote", paths=", ".join(str(p) for p in written)), style="dim"), soft_wrap=True
    )
    _finish(report, started, tr("sensitivity.what"))


MAX_WIDE_SHOWN = 5


def _warn_wide(indices: Any, method: str) -> None:
    """One line per index whose interval is wider than itself (the first few, then a count)."""
    from cislab import lang as language

    if indices.empty or "wide" not in indices:
        return
    tr = language.tr
    key = "mu_star" if method == "morris" else "ST"
    wide = indices[indices["wide"]]
    for _, row in wide.head(MAX_WIDE_SHOWN).iterrows():
        text = tr(
            "sensitivity.wide",
            output=row["output"],
            factor=row["factor"],
            index="μ*" if method == "morris" else "ST",
            conf=language.significant(row[f"{key}_conf"], 3),
            value=language.significant(row[key], 3),
        )
        console.print(Text.assemble((tr("warning") + tr("colon"), "yellow"), text))
    if len(wide) > MAX_WIDE_SHOWN:
        count = len(wide) - MAX_WIDE_SHOWN
        console.print(Text(tr("sensitivity.wide_count", count=count), style="yellow"))


def _print_indices(indices: Any, method: str, currency: str = "EUR") -> None:
    from cislab import indicators
    from cislab import lang as language

    if indices.empty:
        return
    tr = language.tr
    cols: list[tuple[str, Callable[[Any], str]]]
    if method == "morris":

        def unit(r: Any, col: str) -> str:  # μ* and σ are in the output's own unit
            return indicators.short_value(r["output"], r[col], currency)

        cols = [
            ("μ*", lambda r: f"{unit(r, 'mu_star')} ± {unit(r, 'mu_star_conf')}"),
            ("σ", lambda r: unit(r, "sigma")),
        ]
    else:
        cols = [
            ("S1", lambda r: f"{language.number(r['S1'], 2)} ± {language.number(r['S1_conf'], 2)}"),
            ("ST", lambda r: f"{language.number(r['ST'], 2)} ± {language.number(r['ST_conf'], 2)}"),
        ]
    table = Table(title=Text(tr("sensitivity.title", method=method)), header_style="bold")
    for name in ("sensitivity.output", "sensitivity.factor", "sensitivity.role"):
        table.add_column(tr(name), overflow="fold")
    for name, _ in cols:
        table.add_column(name, justify="right")
    table.add_column(tr("sensitivity.undefined_runs"), justify="right")
    key = "mu_star" if method == "morris" else "ST"
    for output, group in indices.groupby("output", sort=False):
        for _, row in group.sort_values(key, ascending=False).iterrows():
            cells = [Text(f(row), style="yellow" if row["wide"] else "") for _, f in cols]
            table.add_row(
                Text(indicators.label(output, currency)),
                Text(str(row["factor"])),
                tr(f"role.{row['role']}"),
                *cells,
                language.number(row["undefined_runs"], 0),
            )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `sweep`, `compare` and `sensitivity` to the `cislab` app."""
    app.command()(sweep)
    app.command()(compare)
    app.command()(sensitivity)
