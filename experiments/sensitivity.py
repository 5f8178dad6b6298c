"""Global sensitivity with SALib: which contract levers and which assumptions drive an outcome.

The experiment's factors span the space (ranges uniformly; lists of values as equal shares of
[0, 1), so categorical levers take part too). SALib draws the design in that unit cube — Morris
trajectories (cheap screening) or Saltelli/Sobol samples (variance shares) — and each point is
run on a few seeds through the ordinary sweep engine, so sensitivity runs are parallel,
resumable and stored like any sweep. Indices use the mean over seeds at each point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from cislab.experiments.design import Point, from_unit
from cislab.experiments.plan import Plan
from cislab.experiments.spec import Experiment, ExperimentError, Role, check_outputs
from cislab.experiments.stats import numeric

Method = Literal["morris", "sobol"]
DEFAULT_SAMPLES = {"morris": 10, "sobol": 32}
# Below these, indices are rough (Sobol's bootstrap intervals are often wider than the indices;
# Morris's μ* ranks are unstable): the CLI says so rather than let a reader trust them.
ADVISED_SAMPLES = {"morris": 10, "sobol": 64}
MORRIS_LEVELS = 4


def role(path: str, declared: Role | None) -> Role:
    """Contract terms are levers a designer sets; everything else is an assumption."""
    if declared is not None:
        return declared
    return Role.lever if path.startswith("contract.") else Role.uncertainty


@dataclass
class SensitivityDesign:
    plan: Plan
    method: Method
    problem: dict
    unit: np.ndarray  # the SALib sample in the unit cube, one row per point
    roles: dict[str, Role]


def sensitivity_design(
    exp: Experiment,
    base,
    method: Method,
    samples: int | None = None,
    seeds: int | None = None,
    outputs: Sequence[str] | None = None,
) -> SensitivityDesign:
    if method not in DEFAULT_SAMPLES:
        raise ExperimentError(f"--method = {method!r}: allowed: morris, sobol")
    if not exp.factors:
        raise ExperimentError("sensitivity needs at least one factor in [factors]")
    n = samples or exp.sensitivity.samples or DEFAULT_SAMPLES[method]
    if n < 2:
        raise ExperimentError(f"--samples = {n}: must be ≥ 2")
    if method == "sobol" and n & (n - 1):
        raise ExperimentError(f"--samples = {n}: Sobol needs a power of 2 (e.g. 16, 32, 64)")
    outputs = list(outputs or exp.sensitivity.outputs or exp.outputs)
    if not outputs:
        raise ExperimentError("name the outputs to analyse: outputs = [...] or --output")
    check_outputs(outputs, "outputs")
    names = list(exp.factors)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    seed = exp.design.seed
    if method == "morris":
        from SALib.sample import morris

        unit = morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        from SALib.sample import sobol

        unit = sobol.sample(problem, n, calc_second_order=False, seed=seed)
    points = []
    for i, row in enumerate(unit):
        values = {
            p: from_unit(p, exp.factors[p], float(u)) for p, u in zip(names, row, strict=True)
        }
        points.append(Point(i, values, dict(values)))
    n_seeds = seeds or exp.sensitivity.seeds
    plan = Plan(
        name=f"{exp.name}-{method}",
        bases=[base],
        points=points,
        seeds=list(range(exp.first_seed, exp.first_seed + n_seeds)),
        months=exp.months,
        outputs=outputs,
        kind="sensitivity",
        source={**exp.model_dump(mode="json"), "method": method, "samples": n},
    )
    plan.validate()
    roles = {p: role(p, f.role) for p, f in exp.factors.items()}
    return SensitivityDesign(plan, method, problem, unit, roles)


def point_means(frame: pd.DataFrame, n_points: int, output: str) -> np.ndarray:
    """Mean over seeds of one output at every point, in point order (NaN where undefined)."""
    ok = frame[frame["status"] == "ok"]
    means = numeric(ok, output).groupby(ok["point_id"]).mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


@dataclass
class Note:
    """Something a reader of the indices must know, as a catalogue key and its values (the CLI
    says it in the reader's language)."""

    key: str
    values: dict[str, object]


def undefined_runs(frame: pd.DataFrame, output: str) -> tuple[int, int]:
    """(runs where `output` is undefined, successful runs): an IRR with no cash flows…"""
    ok = frame[frame["status"] == "ok"]
    return int(numeric(ok, output).isna().sum()), len(ok)


def analyse(design: SensitivityDesign, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Note]]:
    """Indices per output and factor, each with `undefined_runs` (how many runs had no value)
    and `wide` (its interval is wider than the index: not told apart from 0); the notes say
    which outputs could not be analysed and why, with counts — nothing is dropped silently."""
    rows, notes = [], []
    n_points = len(design.plan.points)
    samples = design.plan.source.get("samples", 0)
    if samples < ADVISED_SAMPLES[design.method]:
        notes.append(
            Note(
                "sensitivity.small_n",
                {"n": samples, "method": design.method, "minimum": ADVISED_SAMPLES[design.method]},
            )
        )
    for output in design.plan.outputs:
        y = point_means(frame, n_points, output)
        bad_runs, total = undefined_runs(frame, output)
        missing = int(np.isnan(y).sum())
        counts = {"output": output, "runs": bad_runs, "total": total}
        if missing:
            notes.append(
                Note("sensitivity.undefined_points", {**counts, "points": missing, "n": n_points})
            )
            continue
        if bad_runs:
            notes.append(Note("sensitivity.undefined_some", counts))
        if np.ptp(y) == 0:
            notes.append(Note("sensitivity.constant", {"output": output}))
            continue
        for name, index in _indices(design, y).items():
            key = "mu_star" if design.method == "morris" else "ST"
            wide = bool(abs(index[f"{key}_conf"]) > abs(index[key]))
            rows.append(
                {
                    "output": output,
                    "factor": name,
                    "role": design.roles[name].value,
                    **index,
                    "wide": wide,
                    "undefined_runs": bad_runs,
                }
            )
    return pd.DataFrame(rows), notes


def _indices(design: SensitivityDesign, y: np.ndarray) -> dict[str, dict[str, float]]:
    names = design.problem["names"]
    if design.method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(design.problem, design.unit, y, num_levels=MORRIS_LEVELS, seed=0)
        keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(design.problem, y, calc_second_order=False, seed=0)
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    return {name: {k: float(np.asarray(res[k])[i]) for k in keys} for i, name in enumerate(names)}
