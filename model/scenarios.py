"""Finding, loading, overriding and validating scenarios.

A scenario is a TOML file in `scenarios/`. Overrides use dotted paths (`contract.audit_rate=0.5`)
so the CLI, the experiment runner, the game and `mesa.batch_run` all speak the same language.
Every failure becomes a `ScenarioError` whose message is one line naming the field, the value
and what is allowed: front ends print it and exit 2.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

from cislab.model.schema import Scenario
from pydantic import ValidationError

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_SCENARIO = "default"


class ScenarioError(ValueError):
    """Bad scenario input; the message is a single line fit for a user."""


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_path(name_or_path: str | Path) -> Path:
    """A scenario name (`default`) or a path to a TOML file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        if not candidate.is_file():
            raise ScenarioError(f"scenario file not found: {candidate}")
        return candidate
    shipped = SCENARIO_DIR / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    names = ", ".join(scenario_names())
    raise ScenarioError(f"unknown scenario '{name_or_path}'; known: {names}")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None


def parse_value(text: str) -> Any:
    """Read an override value as TOML (numbers, booleans, arrays), else as a plain string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_assignments(items: Iterable[str]) -> dict[str, Any]:
    """`["contract.audit_rate=0.5"]` -> `{"contract.audit_rate": 0.5}`."""
    out: dict[str, Any] = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise ScenarioError(
                f"--set '{item}': expected path=value, e.g. contract.audit_rate=0.5"
            )
        out[path.strip()] = parse_value(value.strip())
    return out


def known_paths() -> set[str]:
    """Every overridable dotted path of the schema (section.field)."""
    paths = set()
    for section, info in Scenario.model_fields.items():
        annotation = info.annotation
        fields = getattr(annotation, "model_fields", None)
        if fields:
            paths.update(f"{section}.{name}" for name in fields)
    return paths


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of raw scenario data with dotted-path overrides applied."""
    data = deepcopy(data)
    valid = known_paths()
    for raw_path, value in overrides.items():
        path = raw_path.replace("__", ".")
        if path not in valid and not path.startswith(("meta.", "sources.")):
            section = path.split(".")[0]
            hint = sorted(p for p in valid if p.startswith(section + "."))[:6]
            more = f"; e.g. {', '.join(hint)}" if hint else ""
            raise ScenarioError(f"unknown field '{path}'{more}")
        node = data
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return data


def format_validation_error(exc: ValidationError) -> str:
    """One line: the first failing field, the value given and what is allowed."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "scenario"
    ctx = err.get("ctx") or {}
    value = err.get("input")
    kind = err["type"]
    bounds = {
        "greater_than_equal": "≥",
        "greater_than": ">",
        "less_than_equal": "≤",
        "less_than": "<",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()))
        allowed = f"must be {bounds[kind]} {limit}{_range_hint(loc)}"
    elif kind == "enum":
        allowed = f"allowed: {ctx.get('expected', '')}"
    elif kind == "extra_forbidden":
        return f"{loc}: unknown field"
    elif kind == "missing":
        return f"{loc}: required field is missing"
    else:
        allowed = err["msg"]
    shown = repr(value) if isinstance(value, str) else value
    return f"{loc} = {shown}: {allowed}"


def _range_hint(loc: str) -> str:
    """Both ends of a field's allowed range, so a user sees it in one go."""
    section, _, field = loc.partition(".")
    sec = Scenario.model_fields.get(section)
    info = getattr(sec.annotation, "model_fields", {}).get(field) if sec else None
    if info is None:
        return ""
    low = high = None
    for m in info.metadata:
        low = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else low
        low = getattr(m, "gt", None) if getattr(m, "gt", None) is not None else low
        high = getattr(m, "le", None) if getattr(m, "le", None) is not None else high
        high = getattr(m, "lt", None) if getattr(m, "lt", None) is not None else high
    if low is not None and high is not None:
        return f" (allowed {low}–{high})"
    return ""


def validate_data(data: Mapping[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc)) from None


def load_scenario(
    source: str | Path | Scenario | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """Load a scenario by name, path or object, apply overrides, validate. Never half-applies."""
    if isinstance(source, Scenario):
        data = source.model_dump(mode="json")
    else:
        path = resolve_path(source or DEFAULT_SCENARIO)
        data = read_toml(path)
    return validate_data(apply_overrides(data, overrides or {}))


def source_ok(scenario: Scenario, path: str) -> bool:
    """True when a scenario cites a source (or states an assumption) for a dotted path."""
    return bool(scenario.sources.get(path, "").strip())
