"""Designs side by side: scenarios or override sets, each metric as a median and 90% band.

A design is a scenario (`peterborough`, `my.toml`) or a set of overrides applied to the base
scenario (`contract.metric=frequency`, or several joined by commas:
`contract.selection=public_referral,state.referral_rule=need_first`).
The baseline — the base scenario as it is — is always run and shown first, because a policy
question is always "compared with what we do now?". All designs run the same seeds (common
random numbers), so their differences are paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from cislab.experiments.design import Point
from cislab.experiments.plan import Plan
from cislab.experiments.spec import ExperimentError, check_outputs, check_paths
from cislab.experiments.stats import bands, paired_difference
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
    baseline = f"baseline ({bases[0].meta.name})"
    points = [Point(0, {DESIGN: baseline}, {})]
    seen = {(0, "{}")}
    for text in designs:
        if "=" in text:
            overrides = parse_overrides(text)
            check_paths(list(overrides), f"design {shorten(text)}")
            index = 0
        else:
            overrides, index = {}, base_index(text)
        key = (index, repr(sorted(overrides.items())))
        if key in seen:
            if key == (0, "{}"):
                continue  # the baseline named explicitly: it is shown anyway
            raise ExperimentError(f"design {shorten(text)} is given twice")
        seen.add(key)
        try:
            load_scenario(bases[index], overrides)
        except ScenarioError as exc:
            raise ExperimentError(f"design {shorten(text)}: {exc}") from None
        points.append(Point(len(points), {DESIGN: text}, overrides, base=index))
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
        source={"designs": list(designs), "base": base, "fixed": fixed, "metrics": metrics},
    )


def compare_table(frame: pd.DataFrame, metrics: Sequence[str], baseline: str) -> pd.DataFrame:
    """Long table: design × metric with median, 90% band and the paired difference."""
    table = bands(frame, [DESIGN], metrics)
    deltas = paired_difference(frame, DESIGN, baseline, metrics)
    if not deltas.empty:
        table = table.merge(deltas, on=[DESIGN, "output"], how="left")
    design_order = {d: i for i, d in enumerate(dict.fromkeys(frame[DESIGN]))}
    metric_order = {m: i for i, m in enumerate(metrics)}
    rank = table[DESIGN].map(design_order) * len(metrics) + table["output"].map(metric_order)
    return table.iloc[rank.argsort(kind="stable")].reset_index(drop=True)


def write_outputs(
    out: Path, table: pd.DataFrame, metrics: Sequence[str], baseline: str
) -> list[Path]:
    from cislab.experiments.figures import compare_figure, save

    out.mkdir(parents=True, exist_ok=True)
    csv = out / "compare.csv"
    table.to_csv(csv, index=False)
    return [csv, *save(compare_figure(table, metrics, baseline), out / "compare")]
