"""Tolerant reading of one record: every read either succeeds or notes a gap.

Why apart: INDIGO records are sparse and sometimes malformed (numbers in words, lists where
tables belong). The builder never crashes on them; it asks a `Reader`, which returns None and
records a bilingual `Gap` that the scenario's description lists. Gaps are kept in the order they
are found, which is the order the description shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .parse import parse_number, shorten
from .tables import LABELS


@dataclass(frozen=True)
class Gap:
    """Something the record lacks or gets wrong, in both languages of the scenario."""

    en: str
    fr: str


@dataclass
class Money:
    """An amount as the record gives it, before conversion to the scenario's currency."""

    amount: float
    currency: str | None
    usd: float | None
    source: str  # "field 'label' = raw"


@dataclass
class Reader:
    """Tolerant access to one record: every read either succeeds or notes a gap."""

    record: Mapping[str, Any]
    pid: str
    gaps: list[Gap] = field(default_factory=list)

    def raw(self, key: str) -> Any:
        """The field's value, None when absent or empty (INDIGO writes both)."""
        value = self.record.get(key)
        return None if value is None or value == "" or value == [] else value

    def text(self, key: str) -> str:
        """The field as stripped text; '' when absent or not text-like."""
        value = self.raw(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return ""

    def missing(self, what: str) -> None:
        """Note that the record lacks `what` (a key of the LABELS table)."""
        en, fr = LABELS[what]
        self.gaps.append(Gap(f"no {en}", f"{fr} : absent"))

    def bad(self, what: str, raw: Any, why: str = "unreadable", why_fr: str = "illisible") -> None:
        """Note that the record's `what` is unusable, quoting the value (shortened)."""
        en, fr = LABELS[what]
        shown = shorten(str(raw), 40)
        self.gaps.append(Gap(f"{en} ('{shown}') {why}", f"{fr} (« {shown} ») {why_fr}"))

    def number(self, key: str, what: str) -> float | None:
        """A number field: None when absent; None and a gap when malformed."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            return parse_number(value)
        except ValueError:
            self.bad(what, value)
            return None

    def cite(self, key: str, label: str) -> str:
        """Where a value comes from, as `INDIGO-POJ-0153 field 'label' = value`."""
        return f"{self.pid} field '{label}' = {shorten(self.text(key) or '?', 60)}"


def metrics_of(reader: Reader) -> list[Mapping[str, Any]]:
    """The record's outcome metrics that are tables; a gap for a missing list or bad entries."""
    value = reader.raw("metrics")
    if value is None:
        reader.missing("metrics")
        return []
    if not isinstance(value, list):
        reader.bad("metrics", type(value).__name__, "not a list", "n'est pas une liste")
        return []
    good = [m for m in value if isinstance(m, Mapping)]
    if len(good) < len(value):
        reader.bad(
            "metrics",
            f"{len(value) - len(good)} of {len(value)}",
            "partly unreadable",
            "en partie illisibles",
        )
    return good
