"""Experiment files: a base scenario, factors over override paths, seeds, outputs wanted.

Why a schema of its own (pydantic, `extra="forbid"`, like scenarios): a researcher's typo in a
factor path or an empty range must stop the sweep before the first run, with one line naming
the file, the field and what is allowed — not after an hour of runs.

    name = "creaming_vs_selection"
    scenario = "default"           # a shipped name or a TOML path (relative to this file)
    seeds = 20                     # replications: seeds first_seed … first_seed + 19
    outputs = ["creaming_index", "public_savings"]

    [design]                       # optional: kind = "grid" (default) or "lhs"
    kind = "grid"

    [fixed]                        # overrides applied to every run
    "population.size" = 2000

    [factors]
    "contract.selection" = ["operator", "random_referral"]          # a list of values
    "contract.audit_rate" = { low = 0.0, high = 1.0, steps = 5 }    # a range
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from cislab.model.scenarios import ScenarioError, load_scenario, resolve_path
from cislab.model.schema import Scenario
from cislab.model.user_input import InputError, printable, read_toml_file, shorten
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MAX_RUNS = 10_000_000


class ExperimentError(ValueError):
    """Bad experiment input; the message is one line fit for a user."""


class Role(StrEnum):
    """For EMA and sensitivity reports: a lever is the contract designer's, the rest assumptions."""

    lever = "lever"
    uncertainty = "uncertainty"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Factor(Strict):
    """One factor: either explicit `values`, or a `low`–`high` range (`steps` points on a grid)."""

    values: list[Any] | None = None
    low: float | None = None
    high: float | None = None
    steps: int | None = Field(None, ge=2, le=10_000)
    role: Role | None = None

    @model_validator(mode="before")
    @classmethod
    def _list_shorthand(cls, data: Any) -> Any:
        return {"values": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _one_form(self) -> Factor:
        has_range = self.low is not None or self.high is not None
        if self.values is not None and (has_range or self.steps is not None):
            raise ValueError("give either values = [...] or low/high, not both")
        if self.values is not None:
            if not self.values:
                raise ValueError("values is empty: give at least one value")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give values = [...] or both low and high")
        if not self.low < self.high:
            raise ValueError(f"empty range: low ({self.low:g}) must be < high ({self.high:g})")
        return self

    @property
    def is_range(self) -> bool:
        return self.values is None


class Design(Strict):
    kind: Literal["grid", "lhs"] = "grid"
    samples: int | None = Field(None, ge=2, le=1_000_000)
    seed: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _lhs_needs_samples(self) -> Design:
        if self.kind == "lhs" and self.samples is None:
            raise ValueError("a Latin hypercube needs samples = N (≥ 2)")
        return self


class Sensitivity(Strict):
    method: Literal["morris", "sobol"] = "morris"
    samples: int | None = Field(None, ge=2, le=100_000)
    seeds: int = Field(2, ge=1, le=1000)
    outputs: list[str] | None = None


class Experiment(Strict):
    # Not starting with a dot: the name is the default output folder (runs/NAME), and `..`
    # would write into the current folder.
    name: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
    description: str = ""
    scenario: str = "default"
    months: int | None = Field(None, ge=1, le=1200)
    seeds: int | list[int] = 10
    first_seed: int = Field(0, ge=0)
    outputs: list[str] = Field(default_factory=list)
    design: Design = Design()
    fixed: dict[str, Any] = Field(default_factory=dict)
    factors: dict[str, Factor] = Field(default_factory=dict)
    sensitivity: Sensitivity = Sensitivity()

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, v: int | list[int]) -> int | list[int]:
        if isinstance(v, int) and not 1 <= v <= 1_000_000:
            raise ValueError(f"must be between 1 and 1000000, got {v}")
        if isinstance(v, list):
            if not v:
                raise ValueError("the list of seeds is empty")
            if len(set(v)) != len(v) or min(v) < 0:
                raise ValueError("seeds must be distinct integers ≥ 0")
        return v

    @property
    def seed_list(self) -> list[int]:
        if isinstance(self.seeds, list):
            return list(self.seeds)
        return list(range(self.first_seed, self.first_seed + self.seeds))


def _one_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(f'"{p}"' if "." in str(p) else str(p) for p in err["loc"]) or "experiment"
    loc = printable(loc, 80, keep_end=False)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return f"{loc}: unknown field"
    if err["type"] == "missing":
        return f"{loc}: required field is missing"
    if err["type"] == "finite_number":
        msg = "must be a finite number (not inf or nan)"
    value = err.get("input")
    if err["loc"] and not isinstance(value, dict):
        return f"{loc} = {shorten(value)}: {msg}"
    return f"{loc}: {msg}"


def field_kind(path: str) -> type | None:
    """The Python type of a scenario field (int, float, str, bool …), to sample it right."""
    section, _, name = path.partition(".")
    sec = Scenario.model_fields.get(section)
    info = getattr(sec.annotation, "model_fields", {}).get(name) if sec else None
    if info is None:
        return None
    annotation = info.annotation
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return str
    return annotation if isinstance(annotation, type) else None


def coerce(path: str, value: Any) -> Any:
    """Normalise a factor value to its field's type, so designs and hashes are canonical."""
    kind = field_kind(path)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_paths(paths: list[str], where: str) -> None:
    from cislab.model.scenarios import known_paths

    valid = known_paths()
    for path in paths:
        if path not in valid:
            section = path.split(".")[0]
            hint = sorted(p for p in valid if p.startswith(section + "."))[:5]
            more = f"; e.g. {', '.join(hint)}" if hint else f"; sections: {_sections()}"
            raise ExperimentError(f"{where}: unknown path {shorten(path)}{more}")


def _sections() -> str:
    return ", ".join(k for k in Scenario.model_fields if k not in {"meta", "sources"})


def base_scenario(exp: Experiment, folder: Path | None) -> Scenario:
    """The experiment's base scenario with its fixed overrides applied and validated."""
    source: str | Path = exp.scenario
    if folder is not None and exp.scenario.endswith(".toml"):
        candidate = folder / exp.scenario
        if candidate.is_file():
            source = candidate
    try:
        resolve_path(source)
    except ScenarioError as exc:
        raise ExperimentError(f"scenario: {exc}") from None
    check_paths(list(exp.fixed), "fixed")
    try:
        return load_scenario(source, exp.fixed)
    except ScenarioError as exc:
        raise ExperimentError(f"fixed: {exc}") from None


def check_factor_values(exp: Experiment, base: Scenario) -> None:
    """Every listed value and both ends of every range must be valid for its field."""
    check_paths(list(exp.factors), "factors")
    for path, factor in exp.factors.items():
        kind = field_kind(path)
        if factor.is_range:
            if kind not in {int, float}:
                raise ExperimentError(
                    f'factors."{path}": a low/high range needs a numeric field; '
                    f"give values = [...] instead"
                )
            probes = [factor.low, factor.high]
            if kind is int:
                probes = [_int_bound(path, factor.low), _int_bound(path, factor.high)]
        else:
            probes = factor.values or []
        for value in probes:
            try:
                load_scenario(base, {path: coerce(path, value)})
            except ScenarioError as exc:
                raise ExperimentError(f'factors."{path}": {exc}') from None


def _int_bound(path: str, value: float | None) -> int:
    if value is None or not float(value).is_integer():
        raise ExperimentError(f'factors."{path}": an integer field needs integer low/high')
    return int(value)


def check_outputs(names: list[str], where: str = "outputs") -> None:
    from cislab.experiments.worker import summary_keys

    known = summary_keys()
    for name in names:
        if name not in known:
            raise ExperimentError(
                f"{where}: unknown output {shorten(name)}; {_allowed_outputs(name, known)}"
            )


def _allowed_outputs(name: str, known: Iterable[str]) -> str:
    """What is allowed, short enough for one line: the nearest names, then where the rest are
    listed (the summary has dozens of keys)."""
    from difflib import get_close_matches

    known = sorted(known)
    near = get_close_matches(name, known, n=3, cutoff=0.5) or known[:6]
    return (
        f"allowed: any of the {len(known)} summary keys, e.g. {', '.join(near)} "
        "(all in docs/data-dictionary.md)"
    )


def parse_experiment(
    data: dict[str, Any], folder: Path | None = None, grid: bool = True
) -> Experiment:
    """Validate raw experiment data; raise ExperimentError with one line on the first problem.

    `grid=False` when the factors only span a space (sensitivity analysis: Morris and Sobol
    sample a low/high range themselves, so it needs no `steps`)."""
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(_one_line(exc)) from None
    if grid and exp.design.kind == "grid":
        for path, factor in exp.factors.items():
            if factor.is_range and factor.steps is None:
                raise ExperimentError(
                    f'factors."{path}": a grid needs steps = N (≥ 2) for a low/high range'
                )
    base = base_scenario(exp, folder)
    check_factor_values(exp, base)
    check_outputs(exp.outputs)
    if exp.sensitivity.outputs:
        check_outputs(exp.sensitivity.outputs, "sensitivity.outputs")
    return exp


def load_experiment(
    path: str | Path, extra_fixed: dict[str, Any] | None = None, grid: bool = True
) -> tuple[Experiment, Scenario]:
    """Read and validate an experiment file; return it with its resolved base scenario.

    `extra_fixed` (e.g. from `--set`) is added to the file's [fixed] overrides; `grid=False`
    for sensitivity analysis (see `parse_experiment`).
    """
    path = Path(path)
    try:
        if not path.is_file():
            raise ExperimentError(f"experiment file not found: {printable(path)}")
        data = read_toml_file(path)
    except InputError as exc:
        raise ExperimentError(str(exc)) from None
    except (OSError, ValueError) as exc:  # a NUL byte or an over-long name
        if isinstance(exc, ExperimentError):
            raise
        raise ExperimentError(f"experiment {shorten(str(path))}: not a usable file name") from None
    if extra_fixed:
        check_paths(list(extra_fixed), "--set")
        data["fixed"] = {**data.get("fixed", {}), **extra_fixed}
    try:
        exp = parse_experiment(data, path.parent, grid)
    except ExperimentError as exc:
        raise ExperimentError(f"{printable(path.name)}: {exc}") from None
    return exp, base_scenario(exp, path.parent)


__all__ = [
    "Experiment",
    "ExperimentError",
    "Factor",
    "Role",
    "coerce",
    "field_kind",
    "load_experiment",
    "parse_experiment",
]
