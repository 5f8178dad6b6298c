"""The shipped INDIGO slice: loading it, finding a project by id or by words.

Why apart: listing and searching (`cislab import-indigo --list`) need only the records, not the
scenario builder, and must stay quick; nothing here imports the model. The data come only from
the derived file in the repository (`data/indigo_projects.json.gz`, built by
`scripts/build_indigo.py`), never from the INDIGO export itself.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cislab.model.user_input import shorten as show_value

from .parse import strings_in
from .tables import COUNTRIES

# importers/indigo/ -> the repository root, or the installed `cislab` package (cislab.data).
ROOT = Path(__file__).resolve().parent.parent.parent
DATA_FILE = ROOT / "data" / "indigo_projects.json.gz"


class IndigoError(ValueError):
    """Bad importer input (unknown id, unreadable data file); one line fit for a user."""


@dataclass
class Dataset:
    """The shipped INDIGO slice: metadata (attribution, rates, medians) and project records."""

    metadata: dict[str, Any]
    projects: list[dict[str, Any]]

    @property
    def by_id(self) -> dict[str, dict[str, Any]]:
        """Records by upper-cased id; non-table entries are skipped, never a crash."""
        return {str(p.get("id", "")).upper(): p for p in self.projects if isinstance(p, dict)}

    def get(self, project_id: str) -> dict[str, Any]:
        """The record for an id ('INDIGO-POJ-0153', 'POJ-0153', '153'); IndigoError if none."""
        pid = normalize_id(project_id)
        record = self.by_id.get(pid or "")
        if record is None:
            raise IndigoError(
                f"unknown INDIGO project {show_value(project_id)}: {len(self.projects)} projects "
                "are shipped (INDIGO-POJ-0001 …); search with: cislab import-indigo --list TEXT"
            )
        return record

    def search(self, text: str = "") -> list[dict[str, Any]]:
        """Projects whose id, title, countries, sector, stage or organisations hold every word."""
        words = [w for w in re.split(r"\s+", text.lower().strip()) if w]
        return [p for p in self.projects if all(w in search_text(p) for w in words)]


def normalize_id(text: str) -> str | None:
    """'INDIGO-POJ-0035' from the short forms users type ('poj-35', '35'); None if no id."""
    match = re.fullmatch(r"\s*(?:indigo-)?(?:poj-?)?0*(\d{1,4})\s*", str(text), re.IGNORECASE)
    return f"INDIGO-POJ-{int(match.group(1)):04d}" if match else None


def search_text(record: Mapping[str, Any]) -> str:
    """The lower-cased text a search matches: names, places (with country names), organisations."""
    parts = [
        *strings_in(record.get("id")),
        *strings_in(record.get("name")),
        *strings_in(record.get("alternative_names")),
        *strings_in(record.get("sector")),
        *strings_in(record.get("stage")),
        *strings_in(record.get("countries")),
        *strings_in(record.get("locations")),
        *strings_in(record.get("jurisdiction")),
        *strings_in(record.get("organisations")),
    ]
    for code in country_codes(record):
        parts.extend(COUNTRIES.get(code, ()))
    return " ".join(parts).lower()


def country_codes(record: Mapping[str, Any]) -> list[str]:
    """Delivery countries (ISO 3166 alpha-2), else the jurisdiction."""
    codes = []
    for raw in [*strings_in(record.get("countries")), *strings_in(record.get("jurisdiction"))]:
        code = raw.strip().upper()
        if re.fullmatch(r"[A-Z]{2}", code) and code not in codes:
            codes.append(code)
    return codes


def load_dataset(path: Path | None = None) -> Dataset:
    """The shipped derived file (gzip JSON), read once; IndigoError if missing or unreadable."""
    return _load_dataset(path or DATA_FILE)


@cache
def _load_dataset(path: Path) -> Dataset:
    """Cached by path: the CLI lists, searches and imports from one read of the file."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise IndigoError(f"cannot read the INDIGO data file {path}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("projects"), list):
        raise IndigoError(f"{path}: not an INDIGO derived file (no 'projects' list)")
    return Dataset(metadata=dict(raw.get("metadata") or {}), projects=raw["projects"])
