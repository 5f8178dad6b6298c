"""CIS Lab's simulation core: contract rules as data, the model, its outputs.

Imports are lazy so that `cislab --help` and scenario validation stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cislab.model.api import RunResult, build, run
    from cislab.model.cis_model import CISModel
    from cislab.model.scenarios import ScenarioError, load_scenario
    from cislab.model.schema import Scenario

_EXPORTS = {
    "CISModel": "cislab.model.cis_model",
    "RunResult": "cislab.model.api",
    "build": "cislab.model.api",
    "run": "cislab.model.api",
    "load_scenario": "cislab.model.scenarios",
    "ScenarioError": "cislab.model.scenarios",
    "Scenario": "cislab.model.schema",
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
    raise AttributeError(f"module 'cislab.model' has no attribute {name!r}")
