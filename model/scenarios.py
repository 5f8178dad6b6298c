"""Finding, loading, overriding and validating scenarios.

A scenario is a TOML file in `scenarios/`. Overrides use dotted paths (`contract.audit_rate=0.5`)
so the CLI, the experiment runner, the game and `mesa.batch_run` all speak the same language.
Every failure becomes a `ScenarioError` whose message is one line naming the field, the value
and what is allowed: front ends print it and exit 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

from cislab.model.budget import check_budget
from cislab.model.schema import Scenario
from cislab.model.user_input import (
    MAX_DEPTH,
    InputError,
    NestingError,
    parse_toml,
    printable,
    read_toml_file,
    shorten,
)
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
    try:
        is_path = candidate.suffix == ".toml" or candidate.exists()
        if is_path and not candidate.is_file():
            raise ScenarioError(f"scenario file not found: {printable(candidate)}")
        shipped = SCENARIO_DIR / f"{name_or_path}.toml"
        if not is_path and shipped.is_file():
            return shipped
    except (OSError, ValueError) as exc:  # a name with a NUL byte, or too long for the system
        if isinstance(exc, ScenarioError):
            raise
        reason = getattr(exc, "strerror", None) or "it holds a NUL character"
        raise ScenarioError(
            f"scenario {shorten(str(name_or_path))}: not a usable file name ({reason})"
        ) from None
    if is_path:
        return candidate
    names = ", ".join(scenario_names())
    raise ScenarioError(f"unknown scenario {shorten(str(name_or_path))}; known: {names}")


def read_toml(path: Path) -> dict[str, Any]:
    """A scenario file's data: refuses oversized, non-UTF-8 or too deeply nested files."""
    try:
        return read_toml_file(path)
    except InputError as exc:
        raise ScenarioError(str(exc)) from None


MAX_OVERRIDE_CHARS = 10_000  # a --set value longer than this is a mistake, not a lever


def parse_value(text: str) -> Any:
    """Read an override value as TOML (numbers, booleans, arrays), else as a plain string."""
    if len(text) > MAX_OVERRIDE_CHARS:
        raise ScenarioError(f"too long (at most {MAX_OVERRIDE_CHARS:,} characters)")
    if "\n" in text or "\r" in text:
        return text  # one line only: a newline would let the value define other TOML keys
    try:
        return parse_toml(f"v = {text}", "value")["v"]
    except NestingError:
        raise ScenarioError(f"arrays or tables nested too deep (at most {MAX_DEPTH})") from None
    except InputError:
        return text


def parse_assignments(items: Iterable[str]) -> dict[str, Any]:
    """`["contract.audit_rate=0.5"]` -> `{"contract.audit_rate": 0.5}`."""
    out: dict[str, Any] = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise ScenarioError(
                f"--set {shorten(item)}: expected path=value, e.g. contract.audit_rate=0.5"
            )
        try:
            out[path.strip()] = parse_value(value.strip())
        except ScenarioError as exc:
            raise ScenarioError(
                f"{printable(path.strip(), 80, keep_end=False)} = {shorten(value.strip())}: {exc}"
            ) from None
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
        path = str(raw_path).replace("__", ".")
        if path not in valid and not path.startswith(("meta.", "sources.")):
            section = path.split(".")[0]
            hint = sorted(p for p in valid if p.startswith(section + "."))[:6]
            more = f"; e.g. {', '.join(hint)}" if hint else f"; sections: {_sections()}"
            raise ScenarioError(f"unknown field {shorten(path)}{more}")
        node = data
        *parents, leaf = path.split(".")
        for depth, key in enumerate(parents, start=1):
            node = node.setdefault(key, {})
            if not isinstance(node, dict):  # meta.name.x: meta.name holds a value, not fields
                field = ".".join(parents[:depth])
                raise ScenarioError(
                    f"unknown field {shorten(path)}: {field} is a value, not a table of fields"
                )
        node[leaf] = value
    return data


def _sections() -> str:
    return ", ".join(Scenario.model_fields)


def format_validation_error(exc: ValidationError) -> str:
    """One line: the first failing field, the value given and what is allowed."""
    err = exc.errors()[0]
    loc = printable(".".join(str(p) for p in err["loc"]), 80, keep_end=False)
    ctx = err.get("ctx") or {}
    value = err.get("input")
    kind = err["type"]
    if not err["loc"]:  # a rule across fields: its message names them; never dump the scenario
        return err["msg"].removeprefix("Value error, ")
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
    elif kind == "finite_number":
        allowed = "must be a finite number (not inf or nan)"
    else:
        allowed = err["msg"].removeprefix("Value error, ")
    return f"{loc} = {shorten(value)}: {allowed}"


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
    """Validate raw data into a Scenario, then check that a run of it fits the memory limit."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc)) from None
    except RecursionError:  # deep data handed over from Python rather than read from a file
        raise ScenarioError("scenario: tables or arrays nested too deep") from None
    problem = check_budget(scenario)
    if problem:
        raise ScenarioError(problem)
    return scenario


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
