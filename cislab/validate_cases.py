"""Validation of the real cases: published figures against simulated 90% bands.

Each case scenario lists its published results as `[[validation]]` checks (observable, published
value, source, what kind of evidence it is). Every case runs over N seeds in
parallel processes; a figure is "inside" when it lies between the 5th and 95th percentiles of
the simulated values (widened by the check's stated tolerance, used only for figures a
contract cap pins exactly, such as an IRR capped at 15%).

Each figure says what it is evidence of (`model.schema.Evidence`): only out-of-sample figures
test the model; calibrated ones were reproduced on purpose and by-construction ones are fixed by
the contract's terms. The report counts each kind so a reader never takes "12 of 12 inside" for
twelve tests of the model.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from cislab.model.scenarios import load_scenario, scenario_names
from cislab.model.schema import Check, Evidence

COLUMNS = [
    "case",
    "metric",
    "published",
    "sim_median",
    "sim_p05",
    "sim_p95",
    "inside",
    "calibrated",
    "evidence",
    "why",
    "source",
    "note",
]


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    checks: tuple[Check, ...]
    note: str


def cases() -> list[Case]:
    """Shipped scenarios that carry published results or say why they have none."""
    out = []
    for name in scenario_names():
        sc = load_scenario(name)
        if not (sc.validation or sc.validation_note):
            continue
        out.append(Case(name, sc.meta.title.en or name, tuple(sc.validation), sc.validation_note))
    return out


def observe_case(job: tuple[str, int, tuple[str, ...]]) -> list[float]:
    """Run one case with one seed; return its observables (a top-level function for pools)."""
    from cislab.model.api import build
    from cislab.model.observables import observe

    name, seed, observables = job
    model = build(name, seed=seed).run()
    return [observe(model, spec) for spec in observables]


def simulate(
    case_list: list[Case], seeds: int, workers: int | None = None, progress=None
) -> dict[str, np.ndarray]:
    """Observable values per case: an array of shape (seeds, checks)."""
    jobs = [
        (c.name, seed, tuple(ch.observable for ch in c.checks))
        for c in case_list
        if c.checks
        for seed in range(seeds)
    ]
    results: dict[str, list[list[float]]] = {c.name: [] for c in case_list}
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        outputs = map(observe_case, jobs)
        for job, values in zip(jobs, outputs, strict=True):
            results[job[0]].append(values)
            if progress:
                progress()
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            for job, values in zip(jobs, pool.map(observe_case, jobs, chunksize=4), strict=True):
                results[job[0]].append(values)
                if progress:
                    progress()
    return {name: np.array(v, dtype=float) for name, v in results.items() if v}


def report(case_list: list[Case], values: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per published figure (or one note row for a case without published results)."""
    rows = []
    for case in case_list:
        if not case.checks:
            rows.append(
                {
                    "case": case.name,
                    "metric": "—",
                    "published": math.nan,
                    "sim_median": math.nan,
                    "sim_p05": math.nan,
                    "sim_p95": math.nan,
                    "inside": None,
                    "calibrated": None,
                    "evidence": None,
                    "why": "",
                    "source": "",
                    "note": case.note or "no published result",
                }
            )
            continue
        sims = values[case.name]
        for j, check in enumerate(case.checks):
            published, tolerance = check.published, check.tolerance
            column = sims[:, j]
            finite = column[np.isfinite(column)]
            if finite.size == 0:
                p05 = p50 = p95 = math.nan
                inside = False
            else:
                p05, p50, p95 = np.percentile(finite, [5, 50, 95])
                inside = bool(p05 - tolerance <= published <= p95 + tolerance)
            rows.append(
                {
                    "case": case.name,
                    "metric": check.label or check.observable,
                    "published": published,
                    "sim_median": p50,
                    "sim_p05": p05,
                    "sim_p95": p95,
                    "inside": inside,
                    "calibrated": check.evidence == Evidence.calibrated,
                    "evidence": str(check.evidence),
                    "why": check.why,
                    "source": check.source,
                    "note": case.note,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def evidence_counts(frame: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per kind of evidence: (figures, figures inside their band)."""
    checked = frame[frame["inside"].notna()]
    return {
        str(kind): (
            int((checked["evidence"] == str(kind)).sum()),
            int(((checked["evidence"] == str(kind)) & checked["inside"].astype(bool)).sum()),
        )
        for kind in Evidence
    }


def to_markdown(frame: pd.DataFrame, seeds: int) -> str:
    """The validation report in the reader's language (`cislab.lang`); the citations and the
    *why* of each figure are the scenarios' own words."""
    from cislab.lang import tr

    def kind(value: object) -> str:
        return tr(f"cases.evidence.{Evidence(value).value}")

    counts = evidence_counts(frame)
    tally = "; ".join(
        tr("cases.md.tally", kind=kind(k), inside=inside, n=n) for k, (n, inside) in counts.items()
    )
    lines = [
        tr("cases.md.title"),
        "",
        tr("cases.md.intro", seeds=seeds),
        "",
        tr("cases.md.by_kind", tally=tally),
        "",
        tr("cases.md.header"),
        "|---|---|---:|---:|---:|---:|:---:|---|",
    ]

    def fmt(x: float) -> str:
        return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else significant(x)

    for row in frame.itertuples():
        if row.inside is None:
            lines.append(f"| {row.case} | {row.note} | — | — | — | — | — | — |")
            continue
        inside = tr("cases.md.yes") if row.inside else tr("cases.md.no")
        lines.append(
            f"| {row.case} | {row.metric} | {fmt(row.published)} | {fmt(row.sim_median)} | "
            f"{fmt(row.sim_p05)} | {fmt(row.sim_p95)} | {inside} | {kind(row.evidence)} |"
        )
    whys = [row for row in frame.itertuples() if isinstance(row.why, str) and row.why]
    if whys:
        lines += ["", tr("cases.md.why"), ""]
        lines += [f"- {row.case}, {row.metric}: {row.why}" for row in whys]
    lines += ["", tr("cases.md.sources"), ""]
    for row in frame.itertuples():
        if row.source:
            lines.append(f"- {row.case}, {row.metric}: {row.source}")
    return "\n".join(lines) + "\n"


def significant(value: float) -> str:
    """Four significant digits in the reader's number format (`cislab.lang`)."""
    from cislab import lang

    return lang.significant(value, 4)


def figure(frame: pd.DataFrame, path: Path) -> None:
    """Published figures against simulated bands, one panel row per figure (in the chosen
    language; case and metric names stay the identifiers the scenarios use)."""
    import matplotlib

    from cislab.lang import tr

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = frame[frame["inside"].notna()].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(12, 0.45 * len(rows) + 1.6))
    for i, row in rows.iterrows():
        scale = max(abs(row.sim_p05), abs(row.sim_p95), abs(row.published), 1e-12)
        lo, mid, hi, pub = (
            row.sim_p05 / scale,
            row.sim_median / scale,
            row.sim_p95 / scale,
            row.published / scale,
        )
        ax.plot([lo, hi], [i, i], color="#4477aa", linewidth=6, alpha=0.5, solid_capstyle="butt")
        ax.plot(mid, i, "|", color="#224466", markersize=14)
        ax.plot(pub, i, "D", color="#228833" if row.inside else "#cc3311", markersize=7)
    tags = {
        "calibrated": f" [{tr('cases.in_sample')}]",
        "by_construction": f" [{tr('cases.by_construction')}]",
    }
    ax.set_yticks(
        range(len(rows)),
        [f"{r.case}: {r.metric}{tags.get(r.evidence, '')}" for r in rows.itertuples()],
    )
    ax.invert_yaxis()
    ax.set_xlabel(tr("cases.figure_x"))
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_title(tr("cases.figure_title"))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write(frame: pd.DataFrame, out: Path, seeds: int, replace: bool = False) -> None:
    """report.md, report.csv and report.png, all or nothing (safe_output's rules on `out`)."""
    from cislab.model.outputs import atomic_folder

    with atomic_folder(out, "validation", replace) as tmp:
        write_into(frame, tmp, seeds)


def write_into(frame: pd.DataFrame, folder: Path, seeds: int) -> None:
    """report.md, report.csv and report.png into a folder the caller holds."""
    frame.to_csv(folder / "report.csv", index=False)
    (folder / "report.md").write_text(to_markdown(frame, seeds))
    figure(frame, folder / "report.png")
