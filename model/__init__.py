"""CIS Lab's simulation core: contract rules as data, the model, its outputs.

Imports are lazy so that `cislab --help` and scenario validation stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.api import RunResult, build, run
    from model.cis_model import CISModel
    from model.scenarios import ScenarioError, load_scenario
    from model.schema import Scenario

_EXPORTS = {
    "CISModel": "model.cis_model",
    "RunResult": "model.api",
    "build": "model.api",
    "run": "model.api",
    "load_scenario": "model.scenarios",
    "ScenarioError": "model.scenarios",
    "Scenario": "model.schema",
}

__all__ = [
    "CISModel",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "build",
    "load_scenario",
    "run",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")
