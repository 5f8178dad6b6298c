"""Small experiments for the experiment tests: tiny populations and short runs keep them cheap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SMALL_FIXED = {"population.size": 300}


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


def experiment_text(
    factors: dict[str, Any],
    seeds: int | list[int] = 3,
    fixed: dict[str, Any] | None = None,
    name: str = "small",
    months: int | None = 24,
    outputs: list[str] | None = None,
    design: dict[str, Any] | None = None,
) -> str:
    lines = [f'name = "{name}"', 'scenario = "default"', f"seeds = {toml_value(seeds)}"]
    if months is not None:
        lines.append(f"months = {months}")
    lines.append(f"outputs = {toml_value(outputs or ['creaming_index', 'public_savings'])}")
    if design:
        lines.append(f"design = {toml_value(design)}")
    lines.append("[fixed]")
    for k, v in (SMALL_FIXED if fixed is None else fixed).items():
        lines.append(f'"{k}" = {toml_value(v)}')
    lines.append("[factors]")
    for k, v in factors.items():
        lines.append(f'"{k}" = {toml_value(v)}')
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_experiment(tmp_path: Path):
    """Write an experiment file into tmp_path and return its path."""

    def write(filename: str = "exp.toml", **kwargs: Any) -> Path:
        path = tmp_path / filename
        path.write_text(experiment_text(**kwargs), encoding="utf-8")
        return path

    return write
