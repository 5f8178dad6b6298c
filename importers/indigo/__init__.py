"""One INDIGO impact-bond record -> a runnable CIS Lab scenario (data, then TOML text).

Why an importer: GO Lab's INDIGO dataset describes 320 real impact bonds; a scenario built from
one of them lets a user start from a real contract instead of a blank page. INDIGO records are
sparse and sometimes malformed, and the model needs every lever, so each value of the scenario is
either read from a named INDIGO field or filled with a stated default, and its `[sources]` entry
says which ("INDIGO INDIGO-POJ-0153 field '…'" or "assumption: …, because the record lacks …").
What the record lacks or gets wrong is listed as a gap in the description, never a crash.

The data come only from the derived file shipped in the repository
(`data/indigo_projects.json.gz`, built by `scripts/build_indigo.py`). Nothing here imports
mesa, pandas or numpy: the CLI lists and imports at once.

How a record becomes a contract the model can run (each step is cited in the scenario):
- one outcome per person: the model pays for one adverse-or-not outcome per counted person, so
  INDIGO's several metrics become one composite outcome whose price keeps payments at full
  expected success in the range of the maximum payment;
- delivery costs are sized so that the capital (less fees) pays for delivery over the service
  period — the investor finances the operator;
- capacity is sized so that the cohorts serve the record's number of users; very large
  programmes are simulated at a stated scale with money scaled alike.

The package, one job a module (a module never imports this `__init__`):
- `indigo_tables.toml` + `tables.py`: the vocabulary (currencies, countries, sector defaults,
  evaluation designs, patterns, labels) as data, loaded once into typed structures;
- `parse.py`: INDIGO's free-text numbers, months, rates, currencies; money as text;
- `dataset.py`: the shipped data file, project ids, search;
- `reader.py`: tolerant reading of one record, gaps; `draft.py`: an import in progress;
- `build_identity.py`, `build_dates.py`, `build_population.py`, `build_money.py`,
  `build_terms.py`, `build_price.py`: the decisions, by what they decide;
- `describe.py`: sources, titles and descriptions; `build.py`: the steps in order;
- `toml_out.py`: TOML text with the attribution header.
"""

from __future__ import annotations

from .build import ImportResult, build_scenario, import_project
from .build_population import ELIGIBLE_PER_USER, MAX_ELIGIBLE
from .build_price import expected_gain
from .dataset import (
    DATA_FILE,
    Dataset,
    IndigoError,
    country_codes,
    load_dataset,
    normalize_id,
    search_text,
)
from .parse import (
    money_text,
    month_index,
    normalize_currency,
    parse_month,
    parse_number,
    parse_rate,
    shorten,
)
from .reader import Gap
from .tables import COUNTRIES, CURRENCY_ALIASES, SECTORS, SectorProfile
from .toml_out import to_toml

__all__ = [
    "COUNTRIES",
    "CURRENCY_ALIASES",
    "DATA_FILE",
    "ELIGIBLE_PER_USER",
    "MAX_ELIGIBLE",
    "SECTORS",
    "Dataset",
    "Gap",
    "ImportResult",
    "IndigoError",
    "SectorProfile",
    "build_scenario",
    "country_codes",
    "expected_gain",
    "import_project",
    "load_dataset",
    "money_text",
    "month_index",
    "normalize_currency",
    "normalize_id",
    "parse_month",
    "parse_number",
    "parse_rate",
    "search_text",
    "shorten",
    "to_toml",
]
