"""Write docs/levers.md, the lever reference, from the scenario schema (model/schema.py).

Why generated: a hand-written list of levers drifts from the code the day a field is added, a
default changes or a range moves. Everything here is read from the pydantic models — name, type,
range or allowed values, default, description — and "read by" is found by scanning model/ and
agents/ for the attribute, so it says what the code does, not what it was meant to do.
`tests/test_docs.py` regenerates the text in memory and fails when docs/levers.md differs.

    python scripts/lever_reference.py            # rewrite docs/levers.md
    python scripts/lever_reference.py --check    # exit 1 if docs/levers.md is out of date
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from cislab.model import schema
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "levers.md"
#: Where the decisions live: the readers listed are functions of these folders.
SCANNED = ("model", "agents")
#: Units implied by the schema's own type aliases (see the schema's module docstring).
ALIAS_UNITS = {"Money": "currency", "Fraction": "fraction of 1"}
BOUNDS = (
    (Ge, "ge"),
    (Gt, "gt"),
    (Le, "le"),
    (Lt, "lt"),
    (MaxLen, "max_length"),
    (MinLen, "min_length"),
)


# ---------------------------------------------------------------------------- the schema
def sections() -> list[tuple[str, type[BaseModel]]]:
    """(dotted prefix, model) of every section, nested lists of models included, in file order."""
    out: list[tuple[str, type[BaseModel]]] = []

    def walk(prefix: str, model: type[BaseModel]) -> None:
        out.append((prefix, model))
        for name, info in model.model_fields.items():
            inner = _model_in(info.annotation)
            if inner is not None and inner is not schema.Text:
                walk(f"{prefix}.{name}{'[]' if _is_list(info.annotation) else ''}", inner)

    out.append(("", schema.Scenario))  # the top level's own fields (sources, …)
    for name, info in schema.Scenario.model_fields.items():
        inner = _model_in(info.annotation)
        if inner is not None and not _is_list(info.annotation):
            walk(name, inner)
    for name, info in schema.Scenario.model_fields.items():
        inner = _model_in(info.annotation)
        if inner is not None and _is_list(info.annotation):
            walk(f"{name}[]", inner)
    return out


def section_fields(prefix: str, model: type[BaseModel]) -> dict[str, FieldInfo]:
    """The rows of one section's table: every field, except, at the top level, the sections
    that have a table of their own."""
    return {
        name: info
        for name, info in model.model_fields.items()
        if prefix or _model_in(info.annotation) is None or _is_list(info.annotation)
    }


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (directly or as list items), if any."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _raw_annotation(model: type[BaseModel], name: str) -> str:
    """The annotation as written in schema.py (`Money`, `Fraction`, `int`, …)."""
    for klass in model.__mro__:
        raw = inspect.get_annotations(klass).get(name)
        if raw is not None:
            return raw if isinstance(raw, str) else getattr(raw, "__name__", str(raw))
    return "?"


def type_text(model: type[BaseModel], name: str, info: FieldInfo) -> str:
    raw = _raw_annotation(model, name)
    if raw.startswith("list[Annotated[float"):
        return "list[float]"
    return raw.replace("Annotated[", "").replace("]]", "]")


def _enum_in(annotation: Any) -> type[Enum] | None:
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in metadata:
        for kind, attr in BOUNDS:
            if isinstance(item, kind):
                out[kind.__name__] = getattr(item, attr)
    return out


def allowed_text(info: FieldInfo) -> str:
    """Range or allowed values, as the validator enforces them."""
    enum = _enum_in(info.annotation)
    if enum is not None:
        values = " | ".join(f"`{e.value}`" for e in enum)
        return values + (" or unset" if type(None) in typing.get_args(info.annotation) else "")
    if info.annotation is bool:
        return "`true` | `false`"
    b = _bounds(list(info.metadata))
    for item in typing.get_args(info.annotation):  # list[Annotated[float, Field(...)]]
        for inner in typing.get_args(item)[1:] if typing.get_origin(item) is not None else []:
            b.update({f"item {k}": v for k, v in _bounds(list(inner.metadata)).items()})
    parts = []
    low = ("≥", b["Ge"]) if "Ge" in b else ((">", b["Gt"]) if "Gt" in b else None)
    high = ("≤", b["Le"]) if "Le" in b else (("<", b["Lt"]) if "Lt" in b else None)
    if low and high:
        parts.append(f"{_num(low[1])} {'≤' if low[0] == '≥' else '<'} x {high[0]} {_num(high[1])}")
    elif low:
        parts.append(f"{low[0]} {_num(low[1])}")
    elif high:
        parts.append(f"{high[0]} {_num(high[1])}")
    if b.get("MinLen") == 1:
        parts.append("not empty")
    elif "MinLen" in b:
        parts.append(f"at least {b['MinLen']} characters")
    if "MaxLen" in b:
        parts.append(f"at most {b['MaxLen']} items")
    item_low = b.get("item Ge")
    item_high = b.get("item Le")
    if item_low is not None and item_high is not None:
        parts.append(f"each {_num(item_low)}–{_num(item_high)}")
    if info.metadata and any(getattr(m, "pattern", None) for m in info.metadata):
        pattern = next(m.pattern for m in info.metadata if getattr(m, "pattern", None))
        parts.append(f"matches `{pattern}`")
    return "; ".join(parts) if parts else "any"


def _num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        x = int(x)
    return f"{x:,}".replace(",", " ") if isinstance(x, int) and abs(x) >= 10_000 else str(x)


def default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if isinstance(value, BaseModel):
        return "see its fields"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value is None:
        return "unset"
    if isinstance(value, (int, float)):
        return f"`{_num(value)}`"
    if value in ([], {}):
        return "empty"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def unit_text(model: type[BaseModel], name: str, info: FieldInfo) -> str:
    """A unit stated in the schema: an explicit `unit`, else what the type alias or the field's
    name (`_months`, `_years`) says; empty when the schema states none."""
    extra = info.json_schema_extra
    if isinstance(extra, dict) and extra.get("unit"):
        return str(extra["unit"])
    raw = _raw_annotation(model, name)
    if raw in ALIAS_UNITS:
        return ALIAS_UNITS[raw]
    if name.endswith("_months"):
        return "months"
    if name.endswith("_years"):
        return "years"
    if name.endswith("_month") and not name.endswith("_per_month"):
        return "month of the run"
    return ""


# ---------------------------------------------------------------------------- who reads it
class _Readers(ast.NodeVisitor):
    """Finds `<section>.<field>` reads in one module, resolving simple aliases.

    An expression is the scenario when it ends in `.config` (or is a name bound to one); it is
    section S when it is `<scenario>.S`, a name or `self.<attr>` bound to one, or a parameter
    annotated with S's model class. Fields no other section uses and with an underscore in
    A field no other section has is also matched on any object, unless the scanned code uses
    that name for something else (a method, an attribute set on `self`, a dataclass field).
    """

    def __init__(
        self,
        module: str,
        classes: dict[str, str],
        unique: dict[str, str],
        only: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.only = only  # scan only this top-level class (schema.py: Scenario's properties)
        self.fields = fields or {}  # section prefix -> its field names
        self.module = module
        self.classes = classes  # schema class name -> section prefix
        self.unique = unique  # field name -> its only section
        self.found: dict[tuple[str, str], set[str]] = {}
        self.scope: list[str] = []
        self.self_alias: dict[str, str] = {}
        self.local: list[dict[str, str]] = []

    def _resolve(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Attribute):
            if node.attr == "config":
                return "<scenario>"
            if (
                isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr in self.self_alias
            ):
                return self.self_alias[node.attr]
            if self._resolve(node.value) == "<scenario>":
                return node.attr
            return None
        if isinstance(node, ast.Name):
            if node.id == "self" and self.scope[:1] == ["Scenario"]:
                return "<scenario>"
            return self.local[-1].get(node.id) if self.local else None
        return None

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self.only is not None and not self.scope and node.name != self.only:
            return
        saved = self.self_alias
        self.self_alias = {}
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()
        self.self_alias = saved

    def _section_of(self, node: ast.AST) -> str | None:
        resolved = self._resolve(node)
        return resolved if resolved not in (None, "<scenario>") else None

    def _bind_loop(self, target: ast.AST, iterable: ast.AST, aliases: dict[str, str]) -> None:
        """`for k, metric in enumerate(sc.outcome_metrics)`: metric is a contract.metrics[]."""
        if not any(
            isinstance(n, ast.Attribute) and n.attr == "outcome_metrics" for n in ast.walk(iterable)
        ):
            return
        names = target.elts if isinstance(target, ast.Tuple) else [target]
        if names and isinstance(names[-1], ast.Name):
            aliases[names[-1].id] = self.classes["OutcomeMetric"]

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        aliases: dict[str, str] = {}
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            ann = arg.annotation
            name = ann.id if isinstance(ann, ast.Name) else getattr(ann, "value", None)
            if isinstance(name, str) and name in self.classes:
                aliases[arg.arg] = self.classes[name]
        self.local.append(aliases)
        for sub in ast.walk(node):  # c = sc.contract; sc = model.config; self.params = sc.after
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
                target = sub.targets[0]
                value = sub.value
                if (
                    isinstance(value, ast.Subscript)
                    and isinstance(value.value, ast.Attribute)
                    and value.value.attr == "outcome_metrics"
                ):  # primary = sc.outcome_metrics[0]
                    if isinstance(target, ast.Name):
                        aliases[target.id] = self.classes["OutcomeMetric"]
                    continue
                resolved = self._resolve(value)
                if resolved is None:
                    continue
                if isinstance(target, ast.Name):
                    aliases[target.id] = resolved
                elif (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                    and resolved != "<scenario>"
                ):
                    self.self_alias[target.attr] = resolved
            elif isinstance(sub, (ast.For, ast.comprehension)):
                self._bind_loop(sub.target, sub.iter, aliases)
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()
        self.local.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Call(self, node: ast.Call) -> None:
        """`getattr(self.params, f"credibility_{m.value}")`: every field with that prefix."""
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.JoinedStr)
            and node.args[1].values
            and isinstance(node.args[1].values[0], ast.Constant)
            and self.scope
        ):
            section = self._section_of(node.args[0])
            prefix = str(node.args[1].values[0].value)
            for name in self.fields.get(section or "", ()):
                if name.startswith(prefix):
                    where = f"{self.module}: {'.'.join(self.scope)}"
                    self.found.setdefault((section or "", name), set()).add(where)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        section = self._section_of(node.value)
        if section is None and node.attr in self.unique:
            section = self.unique[node.attr]
        if section is not None and self.scope:
            where = f"{self.module}: {'.'.join(self.scope)}"
            self.found.setdefault((section, node.attr), set()).add(where)
        self.generic_visit(node)


def _other_uses(tree: ast.AST) -> set[str]:
    """Names the code gives to things other than scenario fields: functions and methods,
    attributes set on `self`, fields of dataclasses and other annotated class bodies."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    names.add(target.attr)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
    return names - {"schema"}


def readers(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """(section, field) -> sorted `module: function` that read it, over model/ and agents/."""
    all_sections = sections()
    classes = {model.__name__: prefix for prefix, model in all_sections}
    owners: dict[str, set[str]] = {}
    for prefix, model in all_sections:
        for name in model.model_fields:
            owners.setdefault(name, set()).add(prefix)
    fields = {prefix: list(model.model_fields) for prefix, model in all_sections}
    paths = [p for folder in SCANNED for p in sorted((root / folder).glob("*.py"))]
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in paths}
    shadowed = {
        name for p, tree in trees.items() if p.name != "schema.py" for name in _other_uses(tree)
    }
    unique = {
        name: next(iter(s)) for name, s in owners.items() if len(s) == 1 and name not in shadowed
    }
    found: dict[tuple[str, str], set[str]] = {}
    for path, tree in trees.items():
        only = "Scenario" if path.name == "schema.py" else None
        visitor = _Readers(f"{path.parent.name}/{path.name}", classes, unique, only, fields)
        visitor.visit(tree)
        for key, where in visitor.found.items():
            found.setdefault(key, set()).update(where)
    return {key: sorted(where) for key, where in found.items()}


# ---------------------------------------------------------------------------- the page
def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render() -> str:
    """The whole of docs/levers.md."""
    read = readers()
    lines = [
        "# Lever reference",
        "",
        "<!-- Generated by scripts/lever_reference.py from model/schema.py. Do not edit by hand:",
        "     change the schema's Field(description=...) and run the script. -->",
        "",
        "Every field a scenario file (TOML) or `--set section.field=value` can set, read from the",
        "schema the validator uses, so it cannot drift from the code. Money is in the scenario's",
        "`meta.currency`; time in months (one model step is a month) unless the unit says years;",
        "rates and shares are fractions of 1. A value outside the range is refused before anything",
        "runs. *Read by* lists the functions of `model/` and `agents/` that read the field, found",
        "by scanning the source for the attribute (aliases such as `c = sc.contract` resolved);",
        "fields read only by front ends show none. Defaults are the schema's:",
        "a shipped scenario may set other values (see its `[sources]` table).",
        "",
    ]
    for prefix, model in sections():
        doc = " ".join((model.__doc__ or "").split())
        if model.__doc__ is BaseModel.__doc__ or doc.startswith("!!! abstract"):
            doc = ""
        fields = section_fields(prefix, model)
        if not prefix:
            doc = "Fields of the scenario file outside its sections."
        lines += [f"## `{prefix or 'top level'}`", ""]
        if doc:
            lines += [doc, ""]
        lines += [
            "| field | type | unit | allowed | default | meaning | read by |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, info in fields.items():
            who = read.get((prefix, name), [])
            lines.append(
                "| "
                + " | ".join(
                    [
                        f"`{prefix}.{name}`" if prefix else f"`{name}`",
                        _cell(type_text(model, name, info)),
                        _cell(unit_text(model, name, info)),
                        _cell(allowed_text(info)),
                        _cell(default_text(info)),
                        _cell(info.description or ""),
                        _cell("<br>".join(f"`{w}`" for w in who)),
                    ]
                )
                + " |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run python scripts/lever_reference.py")
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
