"""One import in progress: what has been read, planned and cited so far.

Why a shared draft: the steps of an import (`build.py` runs them in order) each read a few fields
and decide a few levers, but later steps need earlier findings (the price needs the users, the
capacity and the evaluation method). The draft holds those findings, declared here in one place
with the step that sets them, and the scenario being written: `values` by path, a `sources`
entry for each, and notes for the description. Reading the draft tells what an import knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .dataset import normalize_id
from .parse import money_text
from .reader import Reader
from .tables import COUNTRIES, SectorProfile


def assume(text: str) -> str:
    """A source for a value the record does not give: stated as an assumption, with its why."""
    return f"assumption: {text}"


class Draft:
    """The scenario being built from one record, and the findings the steps share."""

    # build_identity.read_identity
    title: str
    profile: SectorProfile
    countries: list[str]
    # build_dates.read_dates / plan_timeline
    start: tuple[int, int]
    start_src: str
    duration: int
    duration_src: str
    service: int  # months of one support spell
    cohorts: int
    cohort_months: int
    enrol: int  # months of enrolment, all cohorts
    delivery: int  # months the operator delivers: enrolment plus one spell
    # build_population.read_users / plan_population / plan_operator
    users_n: float | None
    users_src: str
    unit_note: str
    users_total: float
    scale: float  # simulated share of a very large programme
    sim_users: float
    workers: int
    caseload: int
    hours_per_worker: float
    capacity: int
    staff: float
    # build_money.read_finance / read_returns / plan_money
    currency: str
    currency_src: str
    capital: tuple[float, str] | None
    max_payment: tuple[float, str] | None
    prices: list[tuple[float, str]]
    return_cap: tuple[float, str] | None
    irr_target: tuple[float, str] | None
    capital_sim: float
    max_payment_sim: float
    # build.build, first: the record's metric tables (reader.metrics_of)
    metrics: list[Mapping[str, Any]]
    # build_terms.read_method_and_metric, build_price.plan_price
    method: str
    method_src: str
    metric: str
    metric_src: str
    price: float

    def __init__(self, record: Any, metadata: Any, project_id: str | None) -> None:
        """Accept anything: a record that is not a table becomes an empty one and a gap."""
        record_ok = isinstance(record, Mapping)
        record = record if record_ok else {}
        own_id = record.get("id")
        pid = normalize_id(own_id) if isinstance(own_id, str) else None
        self.pid = pid or normalize_id(project_id or "") or "INDIGO-POJ-0000"
        self.r = Reader(record, self.pid)
        if not record_ok:
            self.r.bad("record", type(record).__name__, "not a table", "n'est pas une table")
        self.meta = metadata if isinstance(metadata, Mapping) else {}
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}
        self.notes_en: list[str] = []
        self.notes_fr: list[str] = []

    def set(self, path: str, value: Any, source: str) -> None:
        """A scenario value at `path` ('contract.max_payment') and where it comes from."""
        self.values[path] = value
        self.sources[path] = source

    def median(self, key: str, fallback: float) -> tuple[float, str]:
        """A dataset median from the data file's metadata (the default for a missing field)."""
        medians = self.meta.get("medians")
        entry = medians.get(key) if isinstance(medians, Mapping) else None
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value), f"median of the shipped INDIGO data (n={entry.get('n', '?')})"
        return fallback, "a round default (the data file gives no median)"

    def rates(self) -> dict[str, float]:
        """USD per unit of each currency, as INDIGO converts (data file metadata)."""
        table = self.meta.get("usd_rates")
        out = {}
        for code, entry in table.items() if isinstance(table, Mapping) else ():
            value = entry.get("usd_per_unit") if isinstance(entry, Mapping) else None
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                out[str(code)] = float(value)
        out["USD"] = 1.0
        return out

    def usd_to_currency(self) -> float | None:
        """Units of the scenario's currency per USD; None when INDIGO gives no rate."""
        rate = self.rates().get(self.currency)
        return 1.0 / rate if rate else None

    def money(self, amount: float, lang: str = "en") -> str:
        """An amount in the scenario's currency, written for a description or a source."""
        return money_text(amount, self.currency, lang)

    def countries_text(self, lang: str) -> str:
        """The delivery countries' names in `lang`, or 'country unknown'."""
        i = 0 if lang == "en" else 1
        unknown = "country unknown" if lang == "en" else "pays inconnu"
        return ", ".join(COUNTRIES.get(c, (c, c))[i] for c in self.countries) or unknown
