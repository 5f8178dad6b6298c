"""The sentences the room reads for what the model reported (`game.announcements`), in the
session's language: every cause is translated, never shown as a raw code like "policy_change".
"""

from __future__ import annotations

from typing import Any

from cislab.game import fmt, payer
from cislab.game.i18n import has, language, tr
from cislab.model.schema import Scenario

MAJOR = ("stopped", "investor_exit", "insolvent", "cancelled", "cash_zero")


def cause(code: str, scenario: Scenario | None = None, brief: bool = False) -> str:
    """Why the contract stopped, in words (with what the case says of a policy change, unless
    `brief`: a one-line notice)."""
    key = f"reason.{code}"
    text = tr(key) if has(key) else tr("reason.other")
    if code == "policy_change" and scenario is not None and not brief:
        why = getattr(scenario.context.policy_change_why, language(), "")
        if why:
            text = tr("news.cause_why", cause=text, why=why)
    return text


def _cohorts(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _measure(item: dict[str, Any]) -> str:
    kind = item["threshold_kind"]
    value = fmt.pct(item["value"], 1, signed=kind == "absolute")
    threshold = fmt.pct(item["threshold"], 1)
    return tr(f"news.value.{kind}", value=value, threshold=threshold)


def describe(
    item: dict[str, Any], scenario: Scenario | None, currency: str, brief: bool = False
) -> str:
    """One announcement as a sentence of the current language (`brief`: without the case's
    account of a policy change, for a one-line notice)."""
    kind, month = item["kind"], item["month"]
    if kind == "stopped":
        return tr("news.stopped", month=month, cause=cause(item["cause"], scenario, brief))
    if kind == "investor_exit":
        key = "news.investor_exit.rule" if item["by_rule"] else "news.investor_exit.decision"
        return tr(key, month=month)
    if kind == "insolvent":
        return tr("news.insolvent", month=month, clients=item["clients"])
    if kind == "cash_zero":
        return tr("news.cash_zero", month=month, zero=fmt.money(0.0, currency))
    if kind == "cancelled":
        numbers = item["cohorts"]
        key = "news.cancelled.one" if len(numbers) == 1 else "news.cancelled.many"
        return tr(key, cohorts=_cohorts(numbers), planned=item["planned"])
    if kind == "measured":
        result = tr("news.passed") if item["passed"] else tr("news.failed")
        return tr(
            "news.measured",
            month=month,
            cohort=item["cohort"],
            measure=_measure(item),
            result=result,
        )
    if kind == "payment":
        cohorts = item["cohorts"]
        which = (
            tr("news.for_cohorts", cohorts=_cohorts(cohorts))
            if len(cohorts) > 1
            else tr("news.for_cohort", cohort=_cohorts(cohorts))
            if cohorts
            else ""
        )
        if item["overall"]:
            which += tr("news.overall")
        return tr(
            "news.payment",
            month=month,
            payer=payer.in_sentence(scenario),
            amount=fmt.money(item["amount"], currency),
            which=which,
            total=fmt.money(item["total"], currency),
        )
    raise ValueError(f"unknown announcement {kind!r}")


def is_major(item: dict[str, Any]) -> bool:
    """An ending of some kind: shown in the panel and as a notice, not only in the log."""
    return item["kind"] in MAJOR
