"""Several paid metrics, guarantees and caps, where a record has them (issue 12).

Why apart from the price: the price sets what one composite outcome per person is worth; this
step decides whether that outcome is one metric or several. A record with 2–8 metric tables
(Educate Girls: learning by RCT, enrolment pre-post) becomes as many paid metrics sharing the
composite price — by their prices' shares when every one is priced, else equally — each with
its own evaluation where its validation method names one, and its own horizon where its
definition names one ('sustained for 13 weeks'). More than 8 metrics are a rate card (many
outcomes of different people), kept as one composite outcome (said in the description); tables that
are one outcome's triggers (10% per cohort, 7.5% overall) stay one metric with both triggers.

Guarantees: INDIGO's 'maximum loss' is the share of principal investors may lose; below 100%
something covers the rest, mapped to a guarantor covering that share of the loss up to that
share of the capital. Caps: the maximum payment and the return cap are mapped by
`build_money` (`plan_money`, `plan_returns`).
"""

from __future__ import annotations

import re
from typing import Any

from .build_terms import classify_method
from .draft import Draft
from .parse import parse_number, shorten

MAX_METRICS = 8  # the schema's limit (model/schema.py, contract.metrics)
HORIZON_PATTERN = r"(\d{1,3})\s*(week|month)s?"
WEEKS_PER_MONTH = 4.345


def plan_metrics(d: Draft) -> None:
    """Map 2–8 metric tables to paid metrics; one metric or a rate card stays composite."""
    tables = [m for m in d.metrics if isinstance(m.get("definition"), str)]
    if len(tables) < 2:
        return
    if d.values.get("contract.overall_threshold", 0.0) > 0:
        return  # the tables are one outcome's triggers (per cohort, overall): plan_thresholds
    if len(tables) > MAX_METRICS:
        d.notes_en.append(
            f"Its {len(tables)} outcome metrics (a rate card) are kept as one composite outcome."
        )
        d.notes_fr.append(
            f"Ses {len(tables)} indicateurs (une grille tarifaire) sont gardés comme un seul "
            "résultat composite."
        )
        return
    prices = [_price(m) for m in tables]
    priced = all(p is not None and p > 0 for p in prices)
    total = sum(p for p in prices if p) if priced else 0.0
    measurement = int(d.values.get("contract.measurement_months", 6))
    metrics: list[dict[str, Any]] = []
    notes = []
    for k, table in enumerate(tables):
        definition = table["definition"]
        entry: dict[str, Any] = {
            "name": f"outcome_{k + 1}",
            "kind": d.metric,
            "weight": round(prices[k] / total, 4) if priced else round(1 / len(tables), 4),
        }
        method_text = table.get("validation_method")
        method = classify_method(method_text) if isinstance(method_text, str) else None
        if method is not None:
            entry["evaluation"] = method
        horizon = _horizon(definition)
        if horizon:
            entry["horizon_months"] = min(horizon, measurement)
        metrics.append(entry)
        notes.append(f"outcome_{k + 1} = '{shorten(definition, 40)}'")
    share = "its price's share of the prices" if priced else "an equal share"
    d.set(
        "contract.metrics",
        metrics,
        f"{d.pid} {len(tables)} metric tables ({'; '.join(notes)}), each paid {share} of the "
        "composite price, with its own validation method and horizon where the record names "
        "them",
    )


def plan_guarantee(d: Draft) -> None:
    """A maximum loss below 100% of principal: a guarantor covers the rest."""
    raw = d.r.raw("max_loss")
    if raw is None:
        return
    try:
        value = parse_number(raw)
    except ValueError:
        return
    capital = d.values.get("investor.capital", 0.0)
    invested = d.r.number("investment_exact", "capital")
    share = value if value <= 1 else (value / invested if invested else 1.0)
    if not 0 <= share < 1:
        return
    covered = round(1 - share, 4)
    source = d.r.cite("max_loss", "Maximum potential loss") + (
        f": investors may lose {share:.0%} of principal, so a guarantee covers {covered:.0%} "
        "of their loss"
    )
    d.set("investor.guarantee_share", covered, source)
    d.set("investor.guarantee_amount", float(round(capital * covered)), source)


def _price(table: dict[str, Any]) -> float | None:
    price = table.get("price")
    if not isinstance(price, dict):
        return None
    try:
        return parse_number(price.get("amount"))
    except ValueError:
        return None


def _horizon(definition: str) -> int:
    """Months after exit a definition names ('sustained for 13 weeks' → 3); 0 if none."""
    match = re.search(HORIZON_PATTERN, definition.lower())
    if not match:
        return 0
    n = int(match.group(1))
    return max(1, round(n / WEEKS_PER_MONTH)) if match.group(2) == "week" else n
