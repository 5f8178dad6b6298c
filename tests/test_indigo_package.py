"""The INDIGO importer as a package: same bytes as before the split, no cycles, data that ships.

`importers/indigo.py` (1,627 lines) became `importers/indigo/`, one job a module, with its
vocabulary tables in `importers/indigo_tables.toml`. These tests hold the split to its promise:
every shipped project (and every malformed record of tests/test_indigo.py) imports to the very
bytes the single module wrote, checked against SHA-256 hashes made with that module; no module of
the package imports the package or another module in a loop; the tables file refuses a bad
edit by name; and the wheel lists every code package and the tables file.

Regenerate the hashes only for an intended change of the importer's output (or of the schema
defaults it copies): `python tests/test_indigo_package.py --update`, then review a few files.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from cislab.importers.indigo import build_scenario, import_project, load_dataset, to_toml
from cislab.importers.indigo.tables import TABLES_FILE, load_tables

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "importers" / "indigo"
GOLDEN = ROOT / "tests" / "data" / "indigo_golden_sha256.json"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def malformed_records() -> dict[str, object]:
    """The malformed records tests/test_indigo.py imports, by the name the golden file uses."""
    from tests.test_indigo import BROKEN

    return {
        "broken": BROKEN,
        "none": None,
        "empty_list": [],
        "text": "text",
        "empty_table": {},
        "numeric_id": {"id": 35},
        "metrics_table": {"metrics": {"a": 1}},
    }


def current_hashes() -> dict[str, dict[str, str]]:
    """What the importer writes now, hashed like the golden file."""
    dataset = load_dataset()
    projects = {}
    for record in dataset.projects:
        result = import_project(record["id"], dataset)
        projects[result.project_id] = sha256(result.toml())
    records = {}
    for name, record in malformed_records().items():
        result = build_scenario(record, dataset.metadata, project_id="INDIGO-POJ-0998")
        records[name] = sha256(to_toml(result.data, result.gaps))
    result = build_scenario(malformed_records()["broken"], {})
    records["broken_without_metadata"] = sha256(to_toml(result.data, result.gaps))
    return {"projects": projects, "records": records}


# ------------------------------------------------------------------------- same bytes
def test_every_project_imports_to_the_bytes_of_the_single_module():
    """All 320 projects and the malformed records: byte-identical TOML (about a second)."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = current_hashes()
    assert len(golden["projects"]) == len(now["projects"]) == 320
    changed = sorted(pid for pid, h in now["projects"].items() if golden["projects"].get(pid) != h)
    assert changed == [], f"{len(changed)} project(s) import differently: {changed[:10]}"
    assert now["records"] == golden["records"]


# ------------------------------------------------------------------------- one job a module
def relative_imports(path: Path) -> list[tuple[int, str | None, list[str]]]:
    """(level, module, names) of every relative import of a file."""
    return [
        (node.level, node.module, [a.name for a in node.names])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]


def test_no_module_imports_the_package_and_there_is_no_cycle():
    modules = {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        text = path.read_text(encoding="utf-8")
        assert "cislab.importers.indigo" not in text, f"{name} imports the package by name"
        edges = set()
        for level, module, names in relative_imports(path):
            assert level == 1 and module, f"{name}: `from . import {names}` goes through __init__"
            assert module in modules, f"{name} imports {module}, not a module of the package"
            edges.add(module)
        graph[name] = edges
    # Kahn's algorithm: a module is placed once everything it imports is placed.
    placed: list[str] = []
    while len(placed) < len(graph):
        ready = [m for m in sorted(graph) if m not in placed and graph[m] <= set(placed)]
        assert ready, f"import cycle among {sorted(set(graph) - set(placed))}"
        placed.extend(ready)
    assert placed[0] == "tables"  # the data file's loader depends on nothing of the package


def test_modules_stay_small():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 300, sizes


# ------------------------------------------------------------------------- the tables file
def test_tables_file_is_read_into_typed_tables():
    tables = load_tables()
    assert tables.countries["FR"] == ("France", "France", "EUR")
    assert tables.currency_aliases["£"] == "GBP"
    assert tables.sectors["criminal_justice"].measurement_months == 18
    assert isinstance(tables.sectors["health"].baseline_rate, float)
    assert [m for m, _ in tables.method_patterns][-1] == "pre_post"  # never inferred from text
    assert tables.evaluation_rank["rct"] > tables.evaluation_rank["pre_post"]
    assert tables.labels["return"] == ("maximum return", "rendement maximal")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "caseload = 30\n",
            'caseload = "thirty"\n',
            "[sectors.employment] caseload must be int, not 'thirty'",
        ),
        ("caseload = 30\n", "", "[sectors.employment] must have exactly"),
        (
            'FR = ["France", "France", "EUR"]',
            'FR = ["France", "EUR"]',
            "[countries] FR must be a list of 3 strings",
        ),
        ('["poverty", ', '["wealth", ', "[patterns] sectors name unknown sectors {'wealth'}"),
        ("[labels]", "[label]", "[labels] missing or not a table"),
    ],
)
def test_a_bad_edit_of_the_tables_file_is_refused_by_name(tmp_path, old, new, message):
    text = TABLES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / TABLES_FILE.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_tables(path)
    assert message in str(refused.value)


# ------------------------------------------------------------------------- the wheel
def test_wheel_lists_every_code_package_and_the_tables_file():
    """Setuptools is given an explicit package list: a new subpackage or data file that is not
    listed is silently left out of the wheel (the installed `cislab import-indigo` would fail)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    setup = config["setuptools"]
    listed = set(setup["packages"])
    for name, folder in setup["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            assert ".".join([name, *parts]) in listed, init.parent
    globs = setup["package-data"]["cislab.importers"]
    for path in (ROOT / "importers").rglob("*"):
        if path.is_file() and path.suffix not in {".py", ".pyc"}:
            relative = path.relative_to(ROOT / "importers").as_posix()
            assert any(fnmatch(relative, g) for g in globs), relative


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    sys.path.insert(0, str(ROOT))
    document = json.loads(GOLDEN.read_text(encoding="utf-8"))
    document.update(current_hashes())
    GOLDEN.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
