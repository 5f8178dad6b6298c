"""Build `data/indigo_projects.json.gz`: the compact slice of GO Lab's INDIGO dataset CIS Lab ships.

Why a derived file: `cislab import-indigo` must work from the repository alone, never from a
path outside it, and 2 MB of CSV tables (plus organisations, sources and pipeline files) are far
more than the importer needs. This script keeps, per project, the fields the importer maps
(dates, finance, users, sector, countries, outcome metrics and prices, organisation names), as
the raw strings INDIGO publishes — trimmed of whitespace and long prose cut short — so that
parsing, and the handling of missing or malformed values, happens in one place:
`importers/indigo/`. It also derives one table from the data: INDIGO's own local-currency to
USD conversion rates (median per currency over every amount INDIGO gives in both), used only
when a record's amounts come in two currencies.

Usage: python scripts/build_indigo.py [--src ../shared/data/indigo]
                                      [--out data/indigo_projects.json.gz]
The output is deterministic (projects sorted by id, gzip mtime 0): rebuilding from the same
export gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cislab.importers.indigo import (  # noqa: E402
    month_index,
    normalize_currency,
    parse_month,
    parse_number,
)

DEFAULT_SRC = ROOT.parent / "shared" / "data" / "indigo"  # ../shared/data/indigo
DEFAULT_OUT = ROOT / "data" / "indigo_projects.json.gz"

ATTRIBUTION = (
    "Government Outcomes Lab, University of Oxford — INDIGO Impact Bond Dataset, "
    "published by GO Lab as open data"
)
EXPORT = "INDIGO export of 2024-12-24 (one CSV per data type: projects, organisations, funds)"

# Text limits (characters): enough to describe and search, not whole reports.
SHORT, MEDIUM, LONG = 160, 300, 600

# Our key -> (INDIGO column in projects/projects.csv, text limit or None for a value field).
PROJECT_FIELDS: dict[str, tuple[str, int | None]] = {
    "name": ("Impact Bond Name - (Value)", SHORT),
    "alternative_names": ("Alternative Names - (Value)", SHORT),
    "stage": ("Stage of Development - (Value)", None),
    "date_outcomes_contract_signed": ("Dates - Date outcomes contract signed - (Value)", None),
    "date_all_contracts_signed": (
        "Dates - Date contracts between all parties signed - (Value)",
        None,
    ),
    "date_completion_anticipated": ("Dates - Anticipated completion date - (Value)", None),
    "date_completion_actual": ("Dates - Actual completion date - (Value)", None),
    "date_service_start": ("Dates - Start date of service provision - (Value)", None),
    "date_service_end_anticipated": (
        "Dates - Anticipated end date of service provision - (Value)",
        None,
    ),
    "date_service_end_actual": ("Dates - Actual end date of service provision - (Value)", None),
    "service_duration_anticipated": (
        "Dates - Anticipated duration of service provision - (Value)",
        None,
    ),
    "service_duration_actual": ("Dates - Actual duration of service provision - (Value)", None),
    "dates_notes": ("Dates - (Notes)", MEDIUM),
    "jurisdiction": ("Jurisdiction - Jurisdiction - (Value)", None),
    "investment_currency": (
        "Overall project finance - Total investment commitment - Currency - (Value)",
        None,
    ),
    "investment_min": (
        "Overall project finance - Total investment commitment - Amount - Min - (Value)",
        None,
    ),
    "investment_exact": (
        "Overall project finance - Total investment commitment - Amount - Exact - (Value)",
        None,
    ),
    "investment_max": (
        "Overall project finance - Total investment commitment - Amount - Max - (Value)",
        None,
    ),
    "investment_usd_min": (
        "Overall project finance - Total investment commitment - Amount USD - Min - (Value)",
        None,
    ),
    "investment_usd_exact": (
        "Overall project finance - Total investment commitment - Amount USD - Exact - (Value)",
        None,
    ),
    "investment_usd_max": (
        "Overall project finance - Total investment commitment - Amount USD - Max - (Value)",
        None,
    ),
    "max_payment_currency": (
        "Overall project finance - Maximum potential outcome payment - Currency - (Value)",
        None,
    ),
    "max_payment": (
        "Overall project finance - Maximum potential outcome payment - Amount - (Value)",
        None,
    ),
    "max_payment_usd": (
        "Overall project finance - Maximum potential outcome payment - Amount USD - (Value)",
        None,
    ),
    "max_loss": ("Overall project finance - Maximum potential loss - (Value)", None),
    "max_return_type": (
        "Overall project finance - Maximum potential return type - (Value)",
        SHORT,
    ),
    "max_return": ("Overall project finance - Maximum potential return - (Value)", SHORT),
    "investor_repayment": ("Overall project finance - Investor repayment - (Value)", SHORT),
    "payments_made_currency": (
        "Overall project finance - Total outcome payments made - Currency - (Value)",
        None,
    ),
    "payments_made": (
        "Overall project finance - Total outcome payments made - Amount - (Value)",
        None,
    ),
    "payments_made_usd": (
        "Overall project finance - Total outcome payments made - Amount USD - (Value)",
        None,
    ),
    "finance_notes": ("Overall project finance - (Notes)", MEDIUM),
    "irr_target": ("Investment Details - Internal Rate of Return - Target - (Value)", None),
    "irr_latest": ("Investment Details - Internal Rate of Return - Latest - (Value)", None),
    "social_challenge": ("Purpose and classifications - Social challenge - (Value)", MEDIUM),
    "intervention": ("Purpose and classifications - Intervention - (Value)", MEDIUM),
    "sector": ("Purpose and classifications - Policy sector - (Value)", None),
    "target_population": ("Service and beneficiaries - Target population - (Value)", MEDIUM),
    "users_target": (
        "Service and beneficiaries - Targeted number of unique service users or beneficiaries "
        "(total) - (Value)",
        None,
    ),
    "users_target_unit": (
        "Service and beneficiaries - Unit type of targeted service users or beneficiaries "
        "- (Value)",
        None,
    ),
    "users_target_unit_description": (
        "Service and beneficiaries - Unit description of targeted service user or beneficiaries "
        "- (Value)",
        SHORT,
    ),
    "users_actual": (
        "Service and beneficiaries - Actual number of unique service users or beneficiaries "
        "engaged (total) - (Value)",
        None,
    ),
    "users_actual_unit": (
        "Service and beneficiaries - Unit type of actual service users or beneficiaries engaged "
        "- (Value)",
        None,
    ),
    "users_notes": ("Service and beneficiaries - (Notes)", MEDIUM),
    "covid_changes": ("Changes to project due to COVID-19 - (Value)", SHORT),
    "notes": ("Notes - (Value)", LONG),
}

METRIC_FIELDS: dict[str, tuple[str, int | None]] = {
    "id": ("Id", None),
    "definition": ("Outcome Definition - (Value)", 240),
    "target_population": ("Target Population - (Value)", SHORT),
    "target_users": ("Targeted number of service users Or beneficiaries (total) - (Value)", None),
    "unit": ("Unit type of targeted Service users or beneficiaries - (Value)", None),
    "unit_description": ("Unit description of Service user or beneficiaries - (Value)", SHORT),
    "target": ("Outcome metric target - (Value)", SHORT),
    "validation_method": ("Outcome validation Method - (Value)", SHORT),
    "data_source": ("Data source for Outcome validation - (Value)", SHORT),
    "notes": ("Notes", SHORT),
}

PRICE_FIELDS: dict[str, tuple[str, int | None]] = {
    "currency": ("Currency - (Value)", None),
    "amount": ("Price Per Unit - Amount - (Value)", None),
    "amount_usd": ("Price Per Unit - Amount USD - (Value)", None),
    "max_total": ("Maximum Price if all targets achieved - Amount - (Value)", None),
    "description": ("Price Description - (Value)", SHORT),
}

# Organisation tables: role in the contract -> file.
ORG_ROLES = {
    "investors": "projects_investments.csv",
    "outcome_payers": "projects_outcome_payment_commitments.csv",
    "providers": "projects_service_provisions.csv",
    "intermediaries": "projects_intermediary_services.csv",
}

# (currency column, local amount column, USD amount column) triples used to derive INDIGO's rates.
RATE_TRIPLES = {
    "projects.csv": [
        (
            "Overall project finance - Total investment commitment - Currency - (Value)",
            f"Overall project finance - Total investment commitment - Amount - {kind} - (Value)",
            "Overall project finance - Total investment commitment - Amount USD - "
            f"{kind} - (Value)",
        )
        for kind in ("Min", "Exact", "Max")
    ]
    + [
        (
            "Overall project finance - Maximum potential outcome payment - Currency - (Value)",
            "Overall project finance - Maximum potential outcome payment - Amount - (Value)",
            "Overall project finance - Maximum potential outcome payment - Amount USD - (Value)",
        ),
        (
            "Overall project finance - Total outcome payments made - Currency - (Value)",
            "Overall project finance - Total outcome payments made - Amount - (Value)",
            "Overall project finance - Total outcome payments made - Amount USD - (Value)",
        ),
    ],
    "projects_investments.csv": [
        (
            "Investment Commitment - Currency - (Value)",
            "Investment Commitment - Amount - Exact - (Value)",
            "Investment Commitment - Amount USD - Exact - (Value)",
        )
    ],
    "projects_outcome_pricings.csv": [
        (
            "Currency - (Value)",
            "Price Per Unit - Amount - (Value)",
            "Price Per Unit - Amount USD - (Value)",
        )
    ],
}


def clean(value: str | None, limit: int | None) -> str:
    """Collapse whitespace; cut prose at `limit` characters (with an ellipsis)."""
    text = re.sub(r"\s+", " ", value or "").strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def pick(row: dict[str, str], fields: dict[str, tuple[str, int | None]]) -> dict[str, str]:
    """The mapped fields of one row, non-empty ones only."""
    out = {}
    for key, (column, limit) in fields.items():
        value = clean(row.get(column), limit)
        if value:
            out[key] = value
    return out


def unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


def usd_rates(src: Path) -> dict[str, dict[str, float | int]]:
    """USD per unit of each currency: the median of INDIGO's own conversions in the data."""
    ratios: dict[str, list[float]] = defaultdict(list)
    for name, triples in RATE_TRIPLES.items():
        for row in read_csv(src / "projects" / name):
            for cur_col, local_col, usd_col in triples:
                code = normalize_currency(row.get(cur_col))
                try:
                    local, usd = float(row.get(local_col) or ""), float(row.get(usd_col) or "")
                except ValueError:
                    continue
                if code and local > 0 and usd > 0:
                    ratios[code].append(usd / local)
    rates = {
        code: {"usd_per_unit": float(f"{statistics.median(v):.6g}"), "n": len(v)}
        for code, v in sorted(ratios.items())
    }
    rates["USD"] = {"usd_per_unit": 1.0, "n": 0}
    return dict(sorted(rates.items()))


def _number(record: dict, key: str) -> float | None:
    try:
        value = parse_number(record.get(key))
    except ValueError:
        return None
    return value if value > 0 else None


def medians(records: Iterable[dict]) -> dict[str, dict[str, float | int]]:
    """Medians over the dataset, the importer's defaults when a record lacks a field."""
    series: dict[str, list[float]] = defaultdict(list)
    for rec in records:
        try:
            start = parse_month(rec.get("date_service_start"))
        except ValueError:
            start = None
        if start:
            series["start_year"].append(start[0])
        duration = _number(rec, "service_duration_anticipated")
        if duration is None and start and rec.get("date_service_end_anticipated"):
            try:
                end = parse_month(rec["date_service_end_anticipated"], end=True)
                duration = month_index(start[:2], end[:2]) + 1
            except ValueError:
                duration = None
        if duration and duration > 0:
            series["duration_months"].append(duration)
        users = _number(rec, "users_target")
        if users:
            series["users_target"].append(users)
        capital, max_payment = _number(rec, "investment_exact"), _number(rec, "max_payment")
        same = normalize_currency(rec.get("investment_currency")) == normalize_currency(
            rec.get("max_payment_currency")
        )
        if capital and max_payment and same and 0.01 <= capital / max_payment <= 10:
            series["capital_to_max_payment"].append(capital / max_payment)
        usd = _number(rec, "investment_usd_exact")
        if usd:
            series["investment_usd"].append(usd)
            if users:
                series["investment_usd_per_user"].append(usd / users)
    return {
        key: {"value": float(f"{statistics.median(values):.4g}"), "n": len(values)}
        for key, values in sorted(series.items())
    }


def build(src: Path) -> dict:
    projects_dir = src / "projects"
    org_names = {
        row["ID"]: clean(row.get("Name") or row.get("Trading Name"), SHORT)
        for row in read_csv(src / "organisations" / "organisations.csv")
    }
    records: dict[str, dict] = {}
    for row in read_csv(projects_dir / "projects.csv"):
        record = {"id": row["ID"].strip(), **pick(row, PROJECT_FIELDS)}
        records[record["id"]] = record

    countries: dict[str, list[str]] = defaultdict(list)
    locations: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(projects_dir / "projects_delivery_locations.csv"):
        pid = row["Project ID"].strip()
        countries[pid].append(clean(row.get("Location - Country - (Value)"), None).upper())
        locations[pid].append(clean(row.get("Location - Name - (Value)"), SHORT))

    prices: dict[tuple[str, str], dict[str, str]] = {}
    for row in read_csv(projects_dir / "projects_outcome_pricings.csv"):
        key = (row["Project ID"].strip(), clean(row.get("Outcome Metric Id - (Value)"), None))
        prices.setdefault(key, pick(row, PRICE_FIELDS))

    metrics: dict[str, list[dict]] = defaultdict(list)
    for row in read_csv(projects_dir / "projects_outcome_metrics.csv"):
        pid = row["Project ID"].strip()
        metric = pick(row, METRIC_FIELDS)
        if not metric:
            continue
        price = prices.get((pid, metric.get("id", "")))
        if price:
            metric["price"] = price
        metrics[pid].append(metric)

    orgs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for role, name in ORG_ROLES.items():
        for row in read_csv(projects_dir / name):
            pid = row["Project ID"].strip()
            for org_id in (row.get("Organisation ID - (Value)") or "").split(","):
                org = org_names.get(org_id.strip())
                if org:
                    orgs[pid][role].append(org)

    for pid, record in records.items():
        if countries.get(pid):
            record["countries"] = unique(countries[pid])
        if locations.get(pid):
            record["locations"] = unique(locations[pid])[:5]
        if metrics.get(pid):
            record["metrics"] = metrics[pid]
        roles = {role: unique(orgs[pid][role]) for role in ORG_ROLES if orgs[pid].get(role)}
        if roles:
            record["organisations"] = roles

    return {
        "metadata": {
            "attribution": ATTRIBUTION,
            "cite": "Cite it wherever figures derived from it are shown.",
            "source": EXPORT,
            "data_dictionary": "INDIGO data standard (indigo-data-standard.readthedocs.io)",
            "built_by": "scripts/build_indigo.py",
            "content": (
                "Per project: the INDIGO fields CIS Lab's importer maps, as published (raw "
                "strings, whitespace collapsed, prose cut to a few hundred characters); "
                "countries and location names from projects_delivery_locations.csv; outcome "
                "metrics with their prices; organisation names by role."
            ),
            "caveats": (
                "Many fields are sparse; currency fields mix local currency and USD conversions "
                "at INDIGO's rates; some values are malformed in the source and are kept as "
                "published."
            ),
            "usd_rates_note": (
                "USD per unit of each currency: median of usd/local over every amount INDIGO "
                "publishes in both (investment, maximum payment, payments made, investments, "
                "prices); n = number of amounts. INDIGO converts at varying dates, so these are "
                "approximate."
            ),
            "usd_rates": usd_rates(src),
            "medians_note": (
                "Medians over the projects: start year, planned service duration (months), "
                "target users, capital ÷ maximum payment (same currency), investment in USD and "
                "per target user. The importer's defaults when a record lacks a field."
            ),
            "medians": medians(records.values()),
            "fields": {
                **{f"project.{k}": f"projects.csv: {c}" for k, (c, _) in PROJECT_FIELDS.items()},
                "project.countries": "projects_delivery_locations.csv: Location - Country",
                "project.locations": "projects_delivery_locations.csv: Location - Name",
                **{
                    f"metric.{k}": f"projects_outcome_metrics.csv: {c}"
                    for k, (c, _) in METRIC_FIELDS.items()
                },
                **{
                    f"metric.price.{k}": f"projects_outcome_pricings.csv: {c}"
                    for k, (c, _) in PRICE_FIELDS.items()
                },
                **{
                    f"project.organisations.{role}": f"{name} joined to organisations.csv: Name"
                    for role, name in ORG_ROLES.items()
                },
            },
            "projects": len(records),
        },
        "projects": [records[pid] for pid in sorted(records)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    data = build(args.src)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(args.out.suffix + ".tmp")
    with tmp.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(payload)
    tmp.replace(args.out)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({data['metadata']['projects']} projects, {size:,} bytes)")


if __name__ == "__main__":
    main()
