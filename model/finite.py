"""Outputs hold finite numbers, or null where a quantity is undefined — and say why.

Why a module of its own: `summary.json` must be strict JSON (no `NaN`, no `Infinity`), and the
Parquet tables are read by people who cannot guess whether an empty cell is a bug. The writer
calls `check_outputs` before anything is written, so a NaN produced by a fault in the model
stops the run loudly instead of reaching a file; undefined quantities are listed here with
their reason (the README repeats these lists).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

# Summary keys that may be null, and why. Per paid metric, `<metric>_measured_effect`,
# `<metric>_true_effect` and `<metric>_success_rate` are null when no cohort was measured.
NULLABLE_SUMMARY: dict[str, str] = {
    "terminated": "the contract was not terminated early (otherwise the reason)",
    "termination_month": "the contract was not terminated early",
    "investor_exit_month": "the investor never exited",
    "investor_irr": "no rate of return exists: nothing invested, or flows that never change sign",
    "investor_multiple": "nothing was invested (returned ÷ invested is 0/0)",
    "cost_per_avoided_event": "no adverse event was truly avoided (public cost ÷ 0)",
    "mean_wellbeing": "no one was enrolled",
    "scaled_on_inflated_evidence": "no scale-up decision was taken after the contract",
    "home_adopted_month": "the contract's own territory never adopted the programme",
    "first_adoption_month": "no territory adopted the programme",
    "next_contract_transaction_cost": "no next outcome-based contract was signed",
    "national_reform_month": "no national reform absorbed the programme",
    "programme_stopped_month": "the programme never stopped",
    "next_contracts_creaming_mean": "no next outcome-based contract enrolled anyone",
    "next_contracts_measured_effect_mean": "no next outcome-based contract was measured",
    "next_contracts_true_effect_mean": "no next outcome-based contract was measured",
    "service_stopped": "service never stopped at once (otherwise the cause)",
    "referrals_received": "no referral flow: free places are filled from the eligible pool",
    "operator_resized_month": "the operator never resized its team under a volume clause",
    "follow_up_level": "follow-up costs no hours (intervention.follow_up_hours = 0)",
    "savings_cap": "the contract has no cap at measured savings",
}
METRIC_SUFFIXES = ("_measured_effect", "_true_effect", "_success_rate")

# Float columns that may hold NaN (null in Parquet, empty in CSV), per table, and why.
NULLABLE_COLUMNS: dict[str, dict[str, str]] = {
    "timeseries": {
        "investor_estimated_effect": "the investor never weighed the contract (refused by the "
        "operator, or a public service with no investor)",
        "parking_index_month": "no client was served this month",
        "gaming_index_month": "no client was served this month",
        "measured_effect": "no cohort has been measured yet",
        "true_effect": "no cohort has been measured yet",
        "referrals_month": "no referral flow, or enrolment has ended",
    },
    "beneficiaries": {
        "wellbeing": "the person was never enrolled",
        "outcome_treated": "the person's outcome was never drawn (never enrolled or measured)",
        "outcome_untreated": "the person's outcome was never drawn (never enrolled or measured)",
        "counterfactual": "the person was never counted by the evaluator",
    },
    "next_contracts": {
        "closed": "the contract is still running at the end of the run",
        "creaming_index": "nobody was enrolled",
        "parking_index": "nobody was served",
        "gaming_index": "nobody was served",
        "true_effect": "no cohort of this contract has been measured yet",
        "measured_effect": "no cohort of this contract has been measured yet",
        "investor_invested": "a public service has no investor",
        "investor_returned": "a public service has no investor",
        "investor_irr": "no rate of return exists: nothing invested, or flows never change sign",
    },
    "decisions": {
        "contract": "the decision led to no contract (a growth grant, a reform)",
    },
    "territories": {
        "adopted_month": "the territory never adopted the programme",
        "dropped_month": "the territory never dropped the programme",
    },
}


class NonFiniteOutput(ValueError):
    """A NaN or infinity where the outputs promise a finite number: a fault in the model."""


def nullable_summary_key(key: str) -> bool:
    """True when `key` is documented as possibly null."""
    return key in NULLABLE_SUMMARY or key.endswith(METRIC_SUFFIXES)


def check_summary(summary: Mapping[str, Any]) -> None:
    """Every number in the summary (nested ones included) is finite."""
    stack: list[tuple[str, Any]] = list(summary.items())
    while stack:
        key, value = stack.pop()
        if isinstance(value, Mapping):
            stack.extend((f"{key}.{k}", v) for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend((f"{key}[{i}]", v) for i, v in enumerate(value))
        elif isinstance(value, float | np.floating) and not math.isfinite(value):
            raise NonFiniteOutput(f"summary: {key} = {value} (a number must be finite or null)")


def check_table(name: str, frame: pd.DataFrame) -> None:
    """No infinity anywhere; NaN only in the columns documented as nullable."""
    allowed = NULLABLE_COLUMNS.get(name, {})
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_float_dtype(values.dtype):
            continue
        data = values.to_numpy(dtype=float, na_value=np.nan)
        if np.isinf(data).any():
            raise NonFiniteOutput(f"{name}.{column}: holds an infinite value")
        if column not in allowed and np.isnan(data).any():
            raise NonFiniteOutput(
                f"{name}.{column}: holds NaN but is not documented as nullable "
                f"(see cislab.model.finite.NULLABLE_COLUMNS)"
            )


def check_outputs(summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> None:
    """Refuse to write a run whose outputs hold a number that is not finite where promised."""
    check_summary(summary)
    for name, frame in tables.items():
        check_table(name, frame)
