"""The model is UI-agnostic: model/ and agents/ never import the game or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Our own packages install under the one name `cislab` (issue 9); they are named here by their
# second component, so `cislab.game` is "game" and the CLI modules `cislab.cli` … are "cislab".
OWN = {"model", "agents", "game", "experiments", "importers", "scenarios", "data"}
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


def imported_modules(path: Path) -> set[str]:
    """Absolute module names a file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imported_roots(path: Path) -> set[str]:
    """The packages a file imports, ours named by their part below `cislab`."""
    roots = set()
    for name in imported_modules(path):
        parts = name.split(".")
        if parts[0] == "cislab" and len(parts) > 1 and parts[1] in OWN:
            roots.add(parts[1])
        else:
            roots.add(parts[0])
    return roots


def python_files() -> list[Path]:
    skip = {".venv", "runs", "build", "test-artifacts"}
    return [p for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts)]


def test_own_packages_are_imported_under_the_cislab_name():
    """A bare `import model` works only from a checkout, and would let a user's own `model.py`
    shadow CIS Lab in an installed package; everything goes through `cislab.`."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in OWN
        )
        for path in python_files()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_core_never_imports_front_ends():
    offenders = {}
    for package in ("model", "agents"):
        for path in (ROOT / package).rglob("*.py"):
            bad = imported_roots(path) & FRONT_ENDS
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}
