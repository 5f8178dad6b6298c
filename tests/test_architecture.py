"""The model is UI-agnostic: model/ and agents/ never import the game or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


def _methods_defined_in(path: Path) -> set[str]:
    """Names of the methods and properties of every class in a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ClassDef):
            names |= {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return names


def _is_the_model(node: ast.expr) -> bool:
    """`model`, `self.model`, `phase` or `self.phase`: how agents name the model they live in."""
    if isinstance(node, ast.Name):
        return node.id in {"model", "phase"}
    return (
        isinstance(node, ast.Attribute)
        and node.attr in {"model", "phase"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def test_agents_call_no_method_of_the_model():
    """Issue 13: agents own their beliefs. An agent reads the world's data (population arrays,
    ledger, contract standing, truth) but never calls a method or property of the model classes
    that create the agents — that would tie `agents/` and `model/` in a loop even with type-only
    imports. Expectations live on the agents or in `agents/expectations.py`."""
    model_methods = (
        _methods_defined_in(ROOT / "model" / "cis_model.py")
        | _methods_defined_in(ROOT / "model" / "after_contract.py")
        | _methods_defined_in(ROOT / "model" / "next_contract.py")
    )
    model_methods -= {"__init__"}
    offenders = {}
    for path in sorted((ROOT / "agents").glob("*.py")):
        calls = {
            node.attr
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Attribute)
            and node.attr in model_methods
            and _is_the_model(node.value)
        }
        if calls:
            offenders[path.name] = sorted(calls)
    assert offenders == {}


def test_model_modules_that_agents_use_do_not_import_agents():
    """The model modules agents import at run time must not import agents back (a loop)."""
    loops = {}
    for path in sorted((ROOT / "agents").glob("*.py")):
        for name in _runtime_imports(path):
            parts = name.split(".")
            if parts[:2] != ["cislab", "model"] or len(parts) < 3:
                continue
            target = ROOT / "model" / f"{parts[2]}.py"
            runtime = _runtime_imports(target)
            back = sorted(n for n in runtime if n.startswith("cislab.agents"))
            if back:
                loops[f"{path.name} -> {parts[2]}"] = back
    assert loops == {}


def _runtime_imports(path: Path) -> set[str]:
    """Modules imported outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            skipped |= {id(n) for n in ast.walk(node)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}  # submodules
    return names


def _module_name(path: Path) -> str:
    """`cislab.<package>.<module>` for a file of this checkout (the installed names)."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts if parts[0] == "cislab" else ["cislab", *parts])


def _import_cycles(folders: list[str]) -> list[list[str]]:
    """Cycles among the runtime imports (TYPE_CHECKING excluded) of modules in `folders`."""
    files = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    names = {_module_name(p): p for p in files}
    graph = {
        name: {
            target
            for imported in _runtime_imports(path)
            for target in names
            if imported == target or imported.startswith(target + ".")
            if target != name and not name.startswith(target + ".")
        }
        for name, path in names.items()
    }
    cycles, state = [], dict.fromkeys(graph, 0)

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state[nxt] == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif state[nxt] == 0:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if state[node] == 0:
            visit(node, [node])
    return cycles


@pytest.mark.parametrize("folders", [["cislab"], ["model", "agents"], ["game"]], ids=str)
def test_no_import_cycles(folders):
    """Issue 13: `cislab/cli.py` and its command modules imported each other (the commands now
    import their console helpers from `cislab/terminal.py` and `cli` registers them); the game's
    scenes imported each other to move on (they now name the next scene through
    `game/scenes/registry.py`, as Tuxemon does)."""
    assert _import_cycles(folders) == []
