"""How success is measured and paid for: evaluation method, metric, selection and triggers.

Why together: the evaluation design decides what the payer counts (every verified success, or
only the difference a comparison shows), and with it the payment lag and whether a relative
trigger ('a 10% reduction') applies. The method comes from INDIGO's validation-method field when
given, the strictest across metrics, else from a design the free text names, else pre-post.
"""

from __future__ import annotations

import re

from .draft import Draft, assume
from .parse import shorten
from .tables import (
    EVALUATION_RANK,
    FREQUENCY_PATTERN,
    METHOD_PATTERNS,
    OVERALL_PATTERN,
    REDUCTION_PATTERN,
)


def classify_method(text: str) -> str | None:
    """The evaluation design an INDIGO validation-method text names; None if none."""
    low = text.lower()
    for method, pattern in METHOD_PATTERNS:
        if re.search(pattern, low):
            return method
    return None


def keyword_method(text: str) -> tuple[str, str] | None:
    """A comparison design named in free text (definitions, notes); pre-post is not inferred."""
    for method, pattern in METHOD_PATTERNS[:3]:
        match = re.search(pattern, text)
        if match:
            return method, match.group(0)
    return None


def read_method_and_metric(d: Draft) -> None:
    """Evaluation method: INDIGO's validation method field (the strictest across metrics),
    else a comparison design named in the text, else pre-post. Frequency if events counted."""
    r = d.r
    explicit = []
    for metric in d.metrics:
        text = metric.get("validation_method")
        if isinstance(text, str) and (method := classify_method(text)):
            explicit.append((method, text))
    texts = [m.get("definition") for m in d.metrics] + [r.text("notes"), r.text("finance_notes")]
    free = " ".join(t for t in texts if isinstance(t, str)).lower()
    if explicit:
        method, text = max(explicit, key=lambda m: EVALUATION_RANK[m[0]])
        others = sorted({t for _, t in explicit} - {text})
        also = f" (the strictest; also: {', '.join(shorten(o, 30) for o in others)})"
        d.method = method
        d.method_src = (
            f"{d.pid} metric field 'Outcome validation Method' = '{shorten(text, 60)}'"
            + (also if others else "")
        )
    elif found := keyword_method(free):
        d.method, word = found
        d.method_src = (
            f"{d.pid} metric definitions or notes mention '{word}' (no validation method field)"
        )
    else:
        r.missing("method")
        d.method = "pre_post"
        d.method_src = assume(
            "pre_post, because the record gives no validation method; most INDIGO projects "
            "that give one use simple ex-post verification of outcomes achieved (CASES.md "
            "§8, Verification methods)"
        )
    frequency = re.search(FREQUENCY_PATTERN, free)
    if frequency:
        d.metric = "frequency"
        d.metric_src = f"{d.pid} metric definition counts events: '{frequency.group(0)}'"
    else:
        d.metric = "binary"
        d.metric_src = assume(
            f"binary: one outcome per person ({d.profile.adverse_en}, or not), because "
            "the record's metrics do not count events"
        )


def plan_terms(d: Draft) -> None:
    """Metric, evaluation, who selects participants, when outcomes are read and paid."""
    prof = d.profile
    d.set("contract.metric", d.metric, d.metric_src)
    d.set("contract.evaluation", d.method, d.method_src)
    selection, why = prof.selection, assume(prof.selection_why)
    if re.search(r"\brefer", d.r.text("target_population").lower()):
        selection = "public_referral"
        why = f"{d.pid} field 'Target population' describes referrals"
    d.set("contract.selection", selection, why)
    d.set(
        "contract.measurement_months",
        prof.measurement_months,
        assume(f"{prof.measurement_why} ({prof.en} default)"),
    )
    lag = 1 if d.method == "pre_post" else 3
    d.set(
        "contract.payment_lag_months",
        lag,
        assume("a month to verify and pay achieved outcomes")
        if lag == 1
        else assume("a quarter to analyse the comparison and pay"),
    )
    plan_thresholds(d)


def plan_thresholds(d: Draft) -> None:
    """Relative triggers read from definitions ('a 10% reduction'), comparison designs only."""
    threshold, overall, kind = 0.0, 0.0, "absolute"
    src = (
        assume("no trigger: every verified outcome is paid (rate-card style)")
        if d.method == "pre_post"
        else assume("no trigger stated, so payment follows the measured effect")
    )
    overall_src = assume("no overall trigger stated")
    kind_src = assume("absolute per-person threshold (schema default)")
    if d.method != "pre_post":
        for metric in d.metrics:
            text = metric.get("definition")
            match = re.search(REDUCTION_PATTERN, text.lower()) if isinstance(text, str) else None
            if not match or not 0 < float(match.group(1)) <= 100:
                continue
            value = float(match.group(1)) / 100
            quote = f"{d.pid} metric definition: '{shorten(match.group(0), 40)}'"
            if re.search(OVERALL_PATTERN, text.lower()):
                if not overall:
                    overall, overall_src = value, f"{quote}, across all cohorts"
            elif not threshold:
                threshold, src = value, f"{quote}, per cohort"
        if threshold or overall:
            kind = "relative"
            kind_src = f"{d.pid} metric definitions state reductions in percent"
    d.set("contract.threshold", threshold, src)
    d.set("contract.threshold_kind", kind, kind_src)
    d.set("contract.overall_threshold", overall, overall_src)
