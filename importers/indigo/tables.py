"""The importer's vocabulary, read once from the data file `importers/indigo_tables.toml`.

Why a data file: which currency spellings, countries, sector defaults and evaluation designs the
importer knows is data a maintainer updates when INDIGO publishes a new export, not logic. This
module only turns the file into typed, read-only-by-convention structures and checks their
shape, so a bad edit fails at import with the table and key named instead of deep in a build.
The file ships in the wheel (pyproject.toml, package-data of `cislab.importers`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

TABLES_FILE = Path(__file__).resolve().parent.parent / "indigo_tables.toml"


@dataclass(frozen=True)
class SectorProfile:
    """What CIS Lab assumes about a policy sector when a record says nothing more."""

    key: str
    en: str
    fr: str
    adverse_en: str  # the adverse outcome the model counts (its binary metric)
    adverse_fr: str
    baseline_rate: float
    baseline_why: str
    service_months: int
    service_why: str
    caseload: int
    caseload_why: str
    measurement_months: int
    measurement_why: str
    selection: str
    selection_why: str


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A top-level table of the file; ValueError naming it when absent."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise ValueError(f"[{name}] missing or not a table")
    return value


def _strings(value: Any, where: str, length: int) -> list[str]:
    """A list of `length` strings; ValueError naming the key otherwise."""
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok or len(value) != length:
        raise ValueError(f"{where} must be a list of {length} strings")
    return value


def _pair(value: Any, where: str) -> tuple[str, str]:
    """[English, French] labels, [key, pattern] entries."""
    first, second = _strings(value, where, 2)
    return first, second


def _triple(value: Any, where: str) -> tuple[str, str, str]:
    """A country: [English name, French name, currency]."""
    first, second, third = _strings(value, where, 3)
    return first, second, third


def _pairs(value: Any, where: str) -> list[tuple[str, str]]:
    """Ordered (key, regex) pairs: order matters, the first match wins."""
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list of [key, pattern] pairs")
    return [_pair(v, where) for v in value]


def _sector(key: str, entry: Any) -> SectorProfile:
    """One sector's defaults, every field present with the type the planner computes with."""
    where = f"[sectors.{key}]"
    if not isinstance(entry, dict):
        raise ValueError(f"{where} is not a table")
    wanted = {f.name: f.type for f in fields(SectorProfile) if f.name != "key"}
    if set(entry) != set(wanted):
        raise ValueError(f"{where} must have exactly {sorted(wanted)}")
    for name, kind in wanted.items():
        value = entry[name]
        good = {
            "str": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, float),
        }[str(kind)]
        if not good:
            raise ValueError(f"{where} {name} must be {kind}, not {value!r}")
    return SectorProfile(key=key, **entry)


@dataclass(frozen=True)
class Tables:
    """Every table of the data file, typed."""

    currency_aliases: dict[str, str]
    countries: dict[str, tuple[str, str, str]]  # ISO 3166 -> (English, French, currency)
    sectors: dict[str, SectorProfile]
    sector_patterns: list[tuple[str, str]]
    method_patterns: list[tuple[str, str]]
    frequency_pattern: str
    reduction_pattern: str
    overall_pattern: str
    evaluation_rank: dict[str, int]
    evaluation_en: dict[str, str]
    evaluation_fr: dict[str, str]
    labels: dict[str, tuple[str, str]]


def load_tables(path: Path = TABLES_FILE) -> Tables:
    """Read and check the data file; ValueError naming the file and the table when its shape
    is wrong."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    try:
        return _tables(data)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None


def _tables(data: dict[str, Any]) -> Tables:
    """Every table checked, then typed; cross-references (patterns naming sectors and designs)
    checked too, since a typo there would silently never match."""
    aliases = _table(data, "currency_aliases")
    if not all(isinstance(v, str) for v in aliases.values()):
        raise ValueError("[currency_aliases] values must be strings")
    countries = {
        code: _triple(v, f"[countries] {code}") for code, v in _table(data, "countries").items()
    }
    sectors = {key: _sector(key, v) for key, v in _table(data, "sectors").items()}
    if "unknown" not in sectors:
        raise ValueError("[sectors.unknown], the fallback, is missing")
    patterns = _table(data, "patterns")
    sector_patterns = _pairs(patterns.get("sectors"), "[patterns] sectors")
    if unknown := {key for key, _ in sector_patterns} - set(sectors):
        raise ValueError(f"[patterns] sectors name unknown sectors {unknown}")
    evaluations = _table(data, "evaluations")
    for key, entry in evaluations.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("rank"), int)):
            raise ValueError(f"[evaluations.{key}] needs an integer rank")
        _pair([entry.get("en"), entry.get("fr")], f"[evaluations.{key}] en, fr")
    method_patterns = _pairs(patterns.get("methods"), "[patterns] methods")
    if unknown := {key for key, _ in method_patterns} - set(evaluations):
        raise ValueError(f"[patterns] methods name unknown designs {unknown}")
    single = {
        name: _strings([patterns.get(name)], f"[patterns] {name}", 1)[0]
        for name in ("frequency", "reduction", "overall")
    }
    return Tables(
        currency_aliases=dict(aliases),
        countries=countries,
        sectors=sectors,
        sector_patterns=sector_patterns,
        method_patterns=method_patterns,
        frequency_pattern=single["frequency"],
        reduction_pattern=single["reduction"],
        overall_pattern=single["overall"],
        evaluation_rank={k: v["rank"] for k, v in evaluations.items()},
        evaluation_en={k: v["en"] for k, v in evaluations.items()},
        evaluation_fr={k: v["fr"] for k, v in evaluations.items()},
        labels={key: _pair(v, f"[labels] {key}") for key, v in _table(data, "labels").items()},
    )


TABLES = load_tables()

# The names the importer's modules use, as before the tables moved out of the code.
CURRENCY_ALIASES = TABLES.currency_aliases
COUNTRIES = TABLES.countries
SECTORS = TABLES.sectors
SECTOR_PATTERNS = TABLES.sector_patterns
METHOD_PATTERNS = TABLES.method_patterns
FREQUENCY_PATTERN = TABLES.frequency_pattern
REDUCTION_PATTERN = TABLES.reduction_pattern
OVERALL_PATTERN = TABLES.overall_pattern
EVALUATION_RANK = TABLES.evaluation_rank
EVALUATION_EN = TABLES.evaluation_en
EVALUATION_FR = TABLES.evaluation_fr
LABELS = TABLES.labels
