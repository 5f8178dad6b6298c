"""Design points from an experiment's factors: full-factorial grids or Latin hypercubes.

Why points are plain dicts of override values with a stable `point_id`: the id is the row key
in the results (with the seed), so the same file must always give the same points in the
same order — resuming a sweep relies on it.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cislab.experiments.spec import Experiment, ExperimentError, Factor, coerce, field_kind
from cislab.model.scenarios import ScenarioError, load_scenario

if TYPE_CHECKING:
    from cislab.model.schema import Scenario


@dataclass(frozen=True)
class Point:
    """One design point: `values` become columns of the results, `overrides` are applied."""

    point_id: int
    values: dict[str, Any]
    overrides: dict[str, Any]
    base: int = 0


def grid_levels(path: str, factor: Factor) -> list[Any]:
    """A factor's levels on a grid: its values, or `steps` evenly spaced points of its range."""
    if not factor.is_range:
        return [coerce(path, v) for v in factor.values or []]
    assert factor.low is not None and factor.high is not None and factor.steps is not None
    step = (factor.high - factor.low) / (factor.steps - 1)
    levels = [factor.low + i * step for i in range(factor.steps)]
    levels[-1] = factor.high  # exact end, whatever the rounding
    if field_kind(path) is int:
        levels = list(dict.fromkeys(round(v) for v in levels))
    return [coerce(path, v) for v in levels]


def from_unit(path: str, factor: Factor, u: float) -> Any:
    """Map u in [0, 1) onto a factor: uniform on a range, equal shares of a list of values."""
    if not factor.is_range:
        values = factor.values or []
        return coerce(path, values[min(int(u * len(values)), len(values) - 1)])
    assert factor.low is not None and factor.high is not None
    if field_kind(path) is int:
        low, high = int(factor.low), int(factor.high)
        return min(low + math.floor(u * (high - low + 1)), high)
    return coerce(path, factor.low + u * (factor.high - factor.low))


def grid_points(factors: Mapping[str, Factor]) -> list[Point]:
    names = list(factors)
    levels = [grid_levels(name, factors[name]) for name in names]
    return [
        Point(i, dict(zip(names, combo, strict=True)), dict(zip(names, combo, strict=True)))
        for i, combo in enumerate(itertools.product(*levels))
    ]


def lhs_points(factors: Mapping[str, Factor], samples: int, seed: int) -> list[Point]:
    """A Latin hypercube (scipy.stats.qmc), seeded so the same file gives the same points."""
    import numpy as np
    from scipy.stats import qmc

    names = list(factors)
    if not names:
        return [Point(0, {}, {})]
    unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed)).random(samples)
    points = []
    for i, row in enumerate(unit):
        values = {n: from_unit(n, factors[n], float(u)) for n, u in zip(names, row, strict=True)}
        points.append(Point(i, values, dict(values)))
    return points


def experiment_points(exp: Experiment) -> list[Point]:
    if exp.design.kind == "lhs":
        assert exp.design.samples is not None
        return lhs_points(exp.factors, exp.design.samples, exp.design.seed)
    return grid_points(exp.factors)


def check_points(points: Sequence[Point], bases: Sequence[Scenario]) -> None:
    """Validate every point before any run starts (combinations can fail where values pass)."""
    for point in points:
        try:
            load_scenario(bases[point.base], point.overrides)
        except ScenarioError as exc:
            shown = json.dumps(point.values, default=str)
            raise ExperimentError(f"design point {point.point_id} {shown}: {exc}") from None
