"""The generated documentation stays true to the code: lever reference, data dictionary,
citation metadata.

Why tests: docs/levers.md and docs/data-dictionary*.md are generated from the schema and from
real runs; a field or column added without its documentation, or a stale page, fails here with
the command that fixes it.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from cislab.model import schema

ROOT = Path(__file__).resolve().parent.parent


def load_script(name: str) -> ModuleType:
    """Import one of our own scripts/ files by path (scripts/ is not a package)."""
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_docs_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------- lever reference
def test_lever_reference_is_up_to_date() -> None:
    levers = load_script("lever_reference")
    current = (ROOT / "docs" / "levers.md").read_text(encoding="utf-8")
    assert current == levers.render(), (
        "docs/levers.md is out of date: run python scripts/lever_reference.py"
    )


def test_every_scenario_field_is_in_the_reference_with_a_description() -> None:
    levers = load_script("lever_reference")
    text = levers.render()
    missing = []
    for prefix, model in levers.sections():
        for name, info in levers.section_fields(prefix, model).items():
            path = f"{prefix}.{name}" if prefix else name
            if f"| `{path}` |" not in text or not info.description:
                missing.append(path)
    assert not missing, f"fields without a description in model/schema.py: {missing}"


def test_reference_rows_state_type_range_default_and_readers() -> None:
    """Spot checks that the generator reads the schema and resolves the code's aliases
    (`c = sc.contract`, `self.params = model.config.state`, `for metric in outcome_metrics`)."""
    text = load_script("lever_reference").render()
    rows = {
        line.split(" | ")[0][3:-1]: line for line in text.splitlines() if line.startswith("| `")
    }
    audit = rows["contract.audit_rate"]
    assert "per month" in audit and "0 ≤ x ≤ 1" in audit and "`0.25`" in audit
    assert "fraction of 1" in rows["contract.savings_share"]  # a Fraction without its own unit
    assert "`agents/expectations.py: audit_chance_this_month`" in audit  # the one reader
    assert "`agents/state.py: State.referrals`" in rows["state.referral_rule"]
    assert "`agents/state.py: State.audit`" in rows["contract.audit_penalty"]  # via c = …contract
    assert "`agents/evaluator.py: Evaluator.outcomes`" in rows["contract.metrics[].effect_scale"]
    assert r"`random_referral` \| `public_referral` \| `operator`" in rows["contract.selection"]
    assert "each 0–10" in rows["contract.price_tiers"]
    assert "people per month" in rows["operator.intake_per_month"]
    assert "AfterContract.__init__" in rows["after.credibility_pre_post"]  # via getattr(…, f"…")


# ---------------------------------------------------------------------------- citation, licence
def test_citation_file_matches_the_package() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"] == "MIT"
    assert cff["authors"] == [{"name": "CIS Lab contributors"}]
    indigo = [r for r in cff["references"] if "INDIGO" in r["title"]]
    assert indigo and "Government Outcomes Lab" in indigo[0]["authors"][0]["name"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "CIS Lab contributors" in licence


def test_schema_module_is_the_one_documented() -> None:
    """The reference documents the installed schema, i.e. this worktree's model/schema.py."""
    assert Path(schema.__file__).resolve() == ROOT / "model" / "schema.py"


# ---------------------------------------------------------------------------- data dictionary
@pytest.fixture(scope="module")
def dictionary() -> tuple[ModuleType, Any]:
    """The dictionary script and what its runs wrote (a few seconds: real runs)."""
    dd = load_script("data_dictionary")
    return dd, dd.observed()


def test_dictionary_reads_the_runs_the_issue_names(dictionary: tuple[ModuleType, Any]) -> None:
    dd, obs = dictionary
    assert ("default", {}) in dd.RUNS
    assert ("default", {"after.horizon_years": 3}) in dd.RUNS
    assert {"territories", "decisions"} <= {t for t, cols in obs.columns.items() if cols}
    assert obs.columns["next_contracts"], "no run signed a next contract: its columns go unseen"


def test_every_column_of_a_run_is_documented_in_english_and_french(
    dictionary: tuple[ModuleType, Any],
) -> None:
    dd, obs = dictionary
    for lang in dd.LANGS:
        assert dd.undocumented(obs.columns, lang) == [], (
            f"columns without a meaning in {lang}: add them to docs/data-dictionary.toml"
        )
    pages = {lang: path.read_text(encoding="utf-8") for lang, path in dd.OUT.items()}
    for table, columns in obs.columns.items():
        for column in columns:
            for lang, page in pages.items():
                assert f"| `{column}` |" in page, f"{table}.{column} missing from {lang} page"


def test_null_summary_values_and_ledger_codes_are_documented(
    dictionary: tuple[ModuleType, Any],
) -> None:
    dd, obs = dictionary
    text = dd.texts()
    for key in obs.nulls:  # a key the runs wrote as null says when it is null, in both languages
        entry = text["columns"]["summary"][key]
        assert "null" in entry["en"] and "null" in entry["fr"], key
    assert obs.reasons <= set(text["reasons"]), obs.reasons - set(text["reasons"])
    assert obs.parties <= set(text["parties"]), obs.parties - set(text["parties"])


def test_data_dictionary_pages_are_up_to_date(dictionary: tuple[ModuleType, Any]) -> None:
    dd, obs = dictionary
    for lang, path in dd.OUT.items():
        assert path.read_text(encoding="utf-8") == dd.render(obs, lang), (
            f"{path.relative_to(ROOT)} is out of date: run python scripts/data_dictionary.py"
        )


# ---------------------------------------------------------------------------- ODD
def _definitions(path: Path) -> dict[str, set[str]]:
    """Top-level names of a module, and for each class the names it defines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {"": set()}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[""].add(node.name)
        elif isinstance(node, ast.Assign):
            out[""].update(t.id for t in node.targets if isinstance(t, ast.Name))
        if isinstance(node, ast.ClassDef):
            names = {
                n.name if isinstance(n, (ast.FunctionDef, ast.ClassDef)) else n.target.id
                for n in node.body
                if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
            }
            names.update(  # attributes set on self in its methods (State.audits)
                t.attr
                for n in ast.walk(node)
                if isinstance(n, (ast.Assign, ast.AnnAssign))
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Attribute)
                and isinstance(t.value, ast.Name)
                and t.value.id == "self"
            )
            out[node.name] = names
    return out


def test_odd_cites_code_that_exists() -> None:
    """Every `folder/module.py: name` and `Class.method` the ODD cites is in the code, so the
    model description cannot silently point at renamed or deleted functions."""
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    modules = {
        f"{p.parent.name}/{p.name}": _definitions(p)
        for folder in ("model", "agents", "experiments", "game")
        for p in (ROOT / folder).glob("*.py")
    }
    classes = {c: names for defs in modules.values() for c, names in defs.items() if c}
    cited = re.findall(r"`((?:model|agents|experiments|game)/\w+\.py)(?:: ([\w.]+))?`", odd)
    assert len(cited) > 40
    for module, name in cited:
        assert module in modules, f"ODD cites {module}, which does not exist"
        if name:
            head, _, attr = name.partition(".")
            assert head in modules[module][""], f"ODD cites {module}: {name}"
            if attr:
                assert attr in modules[module][head], f"ODD cites {module}: {name}"
    methods = re.findall(r"`([A-Z]\w+)\.(\w+)`", odd)
    assert len(methods) > 30
    for klass, attr in methods:
        if klass in classes:
            assert attr in classes[klass], f"ODD cites {klass}.{attr}, not defined in the code"
