"""What the project is: its title, policy sector and countries.

Why first: the sector chooses every default the later steps fall back on (support spell,
caseload, baseline risk, who selects participants), and the countries give the currency when the
record names none.
"""

from __future__ import annotations

import re

from .dataset import country_codes
from .draft import Draft
from .tables import SECTOR_PATTERNS, SECTORS, SectorProfile


def sector_profile(text: str) -> SectorProfile | None:
    """The sector whose pattern matches INDIGO's sector text first; None if none does."""
    low = text.lower()
    for key, pattern in SECTOR_PATTERNS:
        if re.search(pattern, low):
            return SECTORS[key]
    return None


def read_identity(d: Draft) -> None:
    """Title (or alternative name), sector profile (else 'unknown') and delivery countries."""
    r = d.r
    d.title = r.text("name") or r.text("alternative_names")
    if not d.title:
        r.missing("title")
        d.title = f"INDIGO project {d.pid}"
    sector_text = r.text("sector")
    profile = sector_profile(sector_text) if sector_text else None
    if profile is None:
        if sector_text:
            r.bad("sector", sector_text, "not recognised", "non reconnu")
        else:
            r.missing("sector")
        profile = SECTORS["unknown"]
    d.profile = profile
    d.countries = country_codes(r.record)
    if not d.countries:
        r.missing("country")
