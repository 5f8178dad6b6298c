"""Where a result comes from: the code, the versions, the exact scenario, the seed.

Why: a number handed to a decision-maker or into a methods section must be traceable to the
code and inputs that made it, and runs written by different people must stack into one table.
Every run's `summary.json` carries this record under `provenance`, every Parquet file carries it
in its schema metadata (key `cislab`), and every table has a `run_id` column. Nothing here
depends on the clock, so the same scenario and seed still give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from cislab.model.schema import Scenario

FORMAT = 1
METADATA_KEY = b"cislab"
PACKAGES = (
    "cislab",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "networkx",
    "pydantic",
    "pyarrow",
    "dask",
    "distributed",
    "SALib",
)


@cache
def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


@cache
def git_commit() -> str | None:
    """The source commit, with "+dirty" when tracked files differ from it; None when the code
    does not run from a git checkout (an installed wheel: its version says what it is)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


NOT_INPUTS = ("sources", "validation", "validation_note")  # what documents a scenario


def scenario_sha256(config: Scenario) -> str:
    """Hash of the validated scenario as run (overrides applied): two runs with the same hash
    and seed ran the same inputs. Citations and published figures are left out: editing a
    source's wording does not change what ran, so it must not change the run's identity. Values
    left at their defaults are left out too: a new lever whose default keeps results as they were
    keeps every run's identity (the code's version, recorded beside it, says which defaults)."""
    data = config.model_dump(mode="json", exclude=set(NOT_INPUTS), exclude_defaults=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_id(config: Scenario, seed: int) -> str:
    """A short identifier of (scenario as run, seed): the `run_id` column of every table."""
    return f"{config.meta.name}-{scenario_sha256(config)[:10]}-s{seed}"


def code_identity() -> dict[str, Any]:
    """Which code ran: CIS Lab's version, the git commit and dirty flag, library versions (the
    part of a run's and of a sweep's provenance they share)."""
    commit = git_commit()
    return {
        "cislab_version": versions().get("cislab"),
        "git_commit": commit,
        "git_dirty": None if commit is None else commit.endswith("+dirty"),
        "versions": dict(versions()),
    }


def record(config: Scenario, seed: int, overrides: Mapping[str, Any] | None = None) -> dict:
    """The provenance of one run, as plain JSON values."""
    return {
        "format": FORMAT,
        "run_id": run_id(config, seed),
        "scenario": config.meta.name,
        "scenario_sha256": scenario_sha256(config),
        "seed": int(seed),
        "overrides": {str(k): _plain(v) for k, v in sorted((overrides or {}).items())},
        **code_identity(),
    }


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (overrides may be enums, tuples or pydantic models)."""
    return json.loads(json.dumps(value, default=lambda v: getattr(v, "value", str(v))))
