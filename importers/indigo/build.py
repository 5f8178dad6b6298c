"""One INDIGO record -> a validated scenario: the steps of an import, in order.

Why an order: each step reads a few fields and decides a few levers, and later steps use
earlier findings (see `draft.py`): the record is read first (identity, dates, users, money,
evaluation, returns) so every gap is noted in the order a reader meets it, then the contract is
planned (timeline, population, money, operator, price, terms, payer, shock) and assembled.
Never raises on bad data: what is missing or malformed becomes a gap and a stated assumption.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .build_dates import plan_covid, plan_timeline, read_dates
from .build_identity import read_identity
from .build_metrics import plan_guarantee, plan_metrics
from .build_money import plan_money, plan_returns, read_finance, read_returns
from .build_population import plan_operator, plan_population, read_users
from .build_price import plan_effect_defaults, plan_payer_and_values, plan_price
from .build_terms import plan_terms, read_method_and_metric
from .dataset import Dataset, load_dataset
from .describe import assemble
from .draft import Draft
from .reader import Gap, metrics_of
from .toml_out import to_toml


@dataclass
class ImportResult:
    """A validated scenario (plain data, ready for TOML) and the record's gaps."""

    project_id: str
    data: dict[str, Any]
    gaps: list[Gap]

    @property
    def name(self) -> str:
        """The scenario's name (`indigo_poj_0153`), the default file name's stem."""
        return self.data["meta"]["name"]

    def toml(self) -> str:
        """The scenario file's text, header with attribution and gaps included."""
        return to_toml(self.data, self.gaps)


def build(d: Draft) -> dict[str, Any]:
    """Read the record, plan the contract, and assemble the scenario data."""
    d.metrics = metrics_of(d.r)
    read_identity(d)
    read_dates(d)
    read_users(d)
    read_finance(d)
    read_method_and_metric(d)
    read_returns(d)
    plan_timeline(d)
    plan_population(d)
    plan_money(d)
    plan_operator(d)
    plan_price(d)
    plan_terms(d)
    plan_returns(d)
    plan_metrics(d)
    plan_guarantee(d)
    plan_effect_defaults(d)
    plan_payer_and_values(d)
    plan_covid(d)
    d.set("meta.currency", d.currency, d.currency_src)
    d.set("meta.start_year", int(d.start[0]), d.start_src)
    return assemble(d)


def build_scenario(
    record: Any, metadata: Mapping[str, Any] | None = None, project_id: str | None = None
) -> ImportResult:
    """Scenario data for one INDIGO record, validated by the schema. Never raises on bad data:
    what is missing or malformed becomes a gap and a stated assumption."""
    from cislab.model.scenarios import validate_data

    draft = Draft(record, metadata or {}, project_id)
    data = build(draft)
    validate_data(data)
    return ImportResult(draft.pid, data, draft.r.gaps)


def import_project(project_id: str, dataset: Dataset | None = None) -> ImportResult:
    """The scenario for a shipped project id; IndigoError for an unknown id."""
    dataset = dataset or load_dataset()
    return build_scenario(dataset.get(project_id), dataset.metadata, project_id)
