"""Designs side by side: scenarios or override sets, each metric as a median with its interval.

A design is a scenario (`peterborough`, `my.toml`) or a set of overrides applied to the base
scenario (`contract.metric=frequency`, or several joined by commas:
`contract.selection=public_referral,state.referral_rule=need_first`), optionally named:
`"Public referral=contract.selection=public_referral"` or `"Peterborough=peterborough"`. A name
is whatever stands before the first `=` when that is not a scenario path; unnamed, a scenario is
shown by its title and an override set by its full text (never truncated).
The baseline — the base scenario as it is, with the `--set` overrides every design shares — is
always run and shown first, because a policy question is always "compared with what we do now?".
All designs run the same seeds (common random numbers), so their differences are paired.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from cislab.experiments.design import Point
from cislab.experiments.plan import Plan
from cislab.experiments.spec import ExperimentError, check_outputs, check_paths
from cislab.experiments.stats import bands, paired_difference, precision_table
from cislab.model.scenarios import ScenarioError, load_scenario, parse_assignments
from cislab.model.user_input import shorten

DEFAULT_METRICS = [
    "creaming_index",
    "parking_index",
    "gaming_index",
    "true_effect",
    "measured_effect",
    "outcome_payments",
    "public_savings",
    "net_public_benefit",
    "investor_irr",
]
DESIGN = "design"
BASELINE = "baseline"  # the stored name of point 0; shown as "Baseline: <title> (<--set>)"
_PATH_LIKE = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


def split_assignments(text: str) -> list[str]:
    """`a=1,b=[1, 2];c=x` -> ["a=1", "b=[1, 2]", "c=x"] (commas inside brackets are kept)."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "["
        depth -= char == "]"
        if char in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_overrides(text: str) -> dict[str, Any]:
    """`"a.b=1, c.d=[1, 2]"` -> overrides, parsed as `cislab run --set` parses them."""
    try:
        return parse_assignments(split_assignments(text))
    except ScenarioError:
        raise ExperimentError(
            f"design {shorten(text)}: expected path=value, e.g. contract.metric=frequency"
        ) from None


def split_label(text: str) -> tuple[str | None, str]:
    """`"Audit=contract.audit_rate=1"` -> ("Audit", "contract.audit_rate=1"); an unnamed design
    -> (None, text). What stands before the first `=` is a path when it looks like one
    (`section.field`), so a mistyped path is reported as unknown rather than taken as a name."""
    head, sep, rest = text.partition("=")
    if not sep or _PATH_LIKE.match(head.strip()):
        return None, text
    name = " ".join(head.split())
    if not name or not rest.strip():
        raise ExperimentError(
            f"design {shorten(text)}: expected name=design, e.g. "
            '"Audit=contract.audit_rate=1.0" or "Peterborough=peterborough"'
        )
    return name, rest.strip()


def compare_plan(
    designs: Sequence[str],
    base: str = "default",
    fixed: dict[str, Any] | None = None,
    seeds: int = 20,
    months: int | None = None,
    first_seed: int = 0,
    metrics: Sequence[str] | None = None,
) -> Plan:
    """Baseline + each design as design points of one plan (point 0 is the baseline)."""
    fixed = dict(fixed or {})
    check_paths(list(fixed), "--set")
    metrics = list(metrics or DEFAULT_METRICS)
    check_outputs(metrics, "--metric")
    sources: list[str] = []
    bases = []

    def base_index(source: str) -> int:
        if source not in sources:
            try:
                bases.append(load_scenario(source, fixed))
            except ScenarioError as exc:
                raise ExperimentError(f"design {shorten(source)}: {exc}") from None
            sources.append(source)
        return sources.index(source)

    base_index(base)
    points = [Point(0, {DESIGN: BASELINE}, {})]
    info: dict[str, dict[str, Any]] = {BASELINE: {"kind": BASELINE, "scenario": 0}}
    seen = {(0, "{}")}
    for text in designs:
        name, body = split_label(text)
        if "=" in body:
            overrides = parse_overrides(body)
            check_paths(list(overrides), f"design {shorten(text)}")
            index = 0
        else:
            overrides, index = {}, base_index(body)
        key = (index, repr(sorted(overrides.items())))
        if key in seen:
            if key == (0, "{}") and name is None:
                continue  # the baseline named explicitly: it is shown anyway
            raise ExperimentError(f"design {shorten(text)} is given twice")
        stored = name or body
        if stored in info:
            raise ExperimentError(f"design name {shorten(stored)} is given twice")
        seen.add(key)
        try:
            load_scenario(bases[index], overrides)
        except ScenarioError as exc:
            raise ExperimentError(f"design {shorten(text)}: {exc}") from None
        kind = "named" if name else ("overrides" if overrides else "scenario")
        info[stored] = {"kind": kind, "scenario": index, "overrides": body if overrides else ""}
        points.append(Point(len(points), {DESIGN: stored}, overrides, base=index))
    if len(points) < 2:
        raise ExperimentError("give at least one design to compare with the baseline")
    return Plan(
        name="compare",
        bases=bases,
        points=points,
        seeds=list(range(first_seed, first_seed + seeds)),
        months=months,
        outputs=metrics,
        kind="compare",
        source={
            "designs": list(designs),
            "base": base,
            "fixed": fixed,
            "metrics": metrics,
            "design_info": info,
        },
    )


def display_labels(plan: Plan) -> dict[str, str]:
    """Each stored design name as a reader sees it, in the current language: the baseline with
    its scenario's title and the `--set` overrides, a scenario by its title, a name or an
    override set as given."""
    from cislab import lang

    info = plan.source.get("design_info", {})
    fixed = plan.source.get("fixed", {})
    labels = {}
    for p in plan.points:
        stored = p.values[DESIGN]
        entry = info.get(stored, {"kind": "named", "scenario": p.base})
        sc = plan.bases[entry["scenario"]]
        title = lang.text_of(sc.meta.title, sc.meta.name)
        if entry["kind"] == BASELINE:
            text = lang.tr("compare.baseline", title=title)
            if fixed:
                text += " (" + ", ".join(f"{k}={v}" for k, v in fixed.items()) + ")"
        elif entry["kind"] == "scenario":
            text = title
        else:
            text = stored
        labels[stored] = text
    return labels


def compare_table(frame: pd.DataFrame, metrics: Sequence[str], baseline: str) -> pd.DataFrame:
    """Long table: design × metric with median and its interval, 90% band, and the paired
    difference against the baseline with its interval."""
    table = bands(frame, [DESIGN], metrics)
    deltas = paired_difference(frame, DESIGN, baseline, metrics)
    if not deltas.empty:
        table = table.merge(deltas, on=[DESIGN, "output"], how="left")
    design_order = {d: i for i, d in enumerate(dict.fromkeys(frame[DESIGN]))}
    metric_order = {m: i for i, m in enumerate(metrics)}
    rank = table[DESIGN].map(design_order) * len(metrics) + table["output"].map(metric_order)
    return table.iloc[rank.argsort(kind="stable")].reset_index(drop=True)


def precision(frame: pd.DataFrame, metrics: Sequence[str], target: float) -> pd.DataFrame:
    """Seeds each design needs for ± `target` (relative, 95%) on each metric's median/mean."""
    return precision_table(frame, [DESIGN], metrics, target)


def write_outputs(
    out: Path,
    table: pd.DataFrame,
    metrics: Sequence[str],
    baseline: str,
    labels: dict[str, str],
    currency: str,
    precision_rows: pd.DataFrame | None = None,
) -> list[Path]:
    """compare.csv (stable identifiers: design names as given, metric keys), precision.csv, and
    the figures in the current language: designs side by side, differences from the baseline."""
    from cislab.experiments.figures import compare_figure, difference_figure, save

    out.mkdir(parents=True, exist_ok=True)
    csv = out / "compare.csv"
    table.to_csv(csv, index=False)
    written = [csv]
    if precision_rows is not None:
        precision_rows.to_csv(out / "precision.csv", index=False)
        written.append(out / "precision.csv")
    written += save(compare_figure(table, metrics, baseline, labels, currency), out / "compare")
    if "delta_median" in table:
        fig = difference_figure(table, metrics, baseline, labels, currency)
        written += save(fig, out / "compare-differences")
    return written
