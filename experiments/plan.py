"""A plan: every (design point, seed) run of a sweep, with the hashes that guard resuming.

Why two hashes: `design_hash` (base scenarios, months, points, run function) must match for a
sweep to resume into an existing folder — adding seeds is allowed, changing the design is not;
`scenario_hash` is reported in the manifest so a reader knows exactly which scenario ran.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cislab.experiments.design import Point, check_points, experiment_points
from cislab.experiments.spec import Experiment, load_experiment
from cislab.experiments.worker import DEFAULT_RUNNER, Task

if TYPE_CHECKING:
    from cislab.model.schema import Scenario


def digest(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Plan:
    name: str
    bases: list[Scenario]
    points: list[Point]
    seeds: list[int]
    months: int | None = None
    outputs: list[str] = field(default_factory=list)
    runner: str = DEFAULT_RUNNER
    kind: str = "sweep"
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.points) * len(self.seeds)

    @property
    def columns(self) -> list[str]:
        """Factor (or design) columns, in first-seen order."""
        return list(dict.fromkeys(k for p in self.points for k in p.values))

    def scenario_hash(self) -> str:
        return digest([b.model_dump(mode="json") for b in self.bases])

    def design_hash(self) -> str:
        return digest(
            {
                "bases": self.scenario_hash(),
                "months": self.months,
                "runner": self.runner,
                "points": [[p.point_id, p.base, p.values, p.overrides] for p in self.points],
            }
        )

    def tasks(self, done: set[tuple[int, int]]) -> Iterator[Task]:
        """Runs still missing, seed by seed (early results then cover every point)."""
        for seed in self.seeds:
            for p in self.points:
                if (p.point_id, seed) not in done:
                    yield Task(p.point_id, seed, p.base, p.overrides)

    def validate(self) -> None:
        check_points(self.points, self.bases)


def plan_from_experiment(
    exp: Experiment, base: Scenario, seeds: Sequence[int] | None = None
) -> Plan:
    plan = Plan(
        name=exp.name,
        bases=[base],
        points=experiment_points(exp),
        seeds=list(seeds) if seeds is not None else exp.seed_list,
        months=exp.months,
        outputs=list(exp.outputs),
        source=exp.model_dump(mode="json"),
    )
    plan.validate()
    return plan


def load_plan(path: str | Path, extra_fixed: dict[str, Any] | None = None) -> Plan:
    """Experiment file -> validated plan (extra fixed overrides, e.g. from `--set`, included)."""
    exp, base = load_experiment(path, extra_fixed)
    return plan_from_experiment(exp, base)
