"""The model is UI-agnostic: model/ and agents/ never import the game or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONT_ENDS = {
    "game",
    "cislab",
    "experiments",
    "pygame",
    "pygame_gui",
    "typer",
    "rich",
    "dask",
    "distributed",
    "SALib",
    "ema_workbench",
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_never_imports_front_ends():
    offenders = {}
    for package in ("model", "agents"):
        for path in (ROOT / package).rglob("*.py"):
            bad = imported_roots(path) & FRONT_ENDS
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}
