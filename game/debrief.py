"""What the debrief shows: scores per dimension, perverse incentives and when they emerged,
predictions against results, and the export for the workshop's wrap-up.

Every figure is read from the model's summary, time series and cohort results; a score is only a
rescaling of one reported figure to 0–100 so five dimensions fit on one chart (the rescalings
are the constants below, stated in the README). Policy adoption is scored from the model's
post-contract phase (`adopted` ÷ `territories`); a run without one has no adoption score.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from cislab.game import predictions as teams
from cislab.game.predictions import CREAMING_SIGN
from cislab.model.api import RunResult

FULL_IMPACT = 0.30  # a 30% fall in adverse outcomes among those counted scores 100
CREAMING_WORST = 0.15  # creaming index at which the equity score loses its creaming half
PARKING_WORST = 0.50
VFM_FULL = 2.0  # public savings twice the public cost scores 100
PARKING_SIGN = 0.15
PARKING_RUN = 3  # months in a row
GAMING_SIGN = 0.25
BIAS_SIGN = 0.25  # measured effect more than 25% away from the true one
ADOPTION_FULL = 0.5  # half the territories funding the programme from their budget scores 100
MIN_ENROLLED = 100  # creaming is flagged only once the enrolled it is measured on are this many
DIMENSIONS = ("impact", "equity", "value", "investor", "adoption")


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool | str):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _clip(x: float) -> float:
    return float(min(max(x, 0.0), 1.0))


def adoption_score(summary: dict[str, Any]) -> float | None:
    """Share of territories funding the programme from their ordinary budget at the end of the
    horizon, half of them scoring 100 (None without a post-contract phase or a signed contract:
    there is then nothing to adopt)."""
    territories, adopted = _num(summary.get("territories")), _num(summary.get("adopted"))
    if not territories or adopted is None or summary.get("contract_signed") is False:
        return None
    return 100 * _clip(adopted / territories / ADOPTION_FULL)


def scores(result: RunResult) -> dict[str, float | None]:
    """0–100 per dimension (None where the model reports nothing to score)."""
    s = result.summary
    cohorts = result.cohorts
    out: dict[str, float | None] = dict.fromkeys(DIMENSIONS)
    if len(cohorts) and cohorts["counted"].sum() > 0:
        untreated = float(np.average(cohorts["untreated_mean"], weights=cohorts["counted"]))
        true = _num(s.get("true_effect")) or 0.0
        out["impact"] = 100 * _clip(true / untreated / FULL_IMPACT) if untreated > 0 else 0.0
    if s.get("enrolled"):
        cream = max(_num(s.get("creaming_index")) or 0.0, 0.0)
        park = max(_num(s.get("parking_index")) or 0.0, 0.0)
        out["equity"] = 100 * (
            1 - 0.5 * _clip(cream / CREAMING_WORST) - 0.5 * _clip(park / PARKING_WORST)
        )
    cost = _num(s.get("public_cost")) or 0.0
    if cost > 0:
        out["value"] = 100 * _clip((_num(s.get("public_savings")) or 0.0) / cost / VFM_FULL)
    invested = _num(s.get("investor_invested")) or 0.0
    if invested > 0:
        irr, multiple = _num(s.get("investor_irr")), _num(s.get("investor_multiple")) or 0.0
        cap = result.model.config.contract.return_cap
        if irr is not None and irr >= 0 and multiple >= 1:
            out["investor"] = 50 + 50 * (_clip(irr / cap) if cap > 0 else 1.0)
        else:
            out["investor"] = 50 * _clip(multiple)
    out["adoption"] = adoption_score(s)
    return out


@dataclass
class Incident:
    kind: str  # creaming, parking, gaming, bias, overpaid, inflated, stopped
    month: int
    value: float
    final: float | None = None  # the same statistic at the end, where the summary reports one
    cause: str = ""  # why the contract stopped (kind "stopped")

    @property
    def faded(self) -> bool:
        """Seen during the run but below its threshold at the end: the debrief says so, so the
        room never reads "creaming in month 5" beside "creaming: no" without an explanation."""
        sign = {"creaming": CREAMING_SIGN, "parking": PARKING_SIGN, "gaming": GAMING_SIGN}
        return self.final is not None and self.kind in sign and self.final <= sign[self.kind]


def incidents(result: RunResult) -> list[Incident]:
    """Perverse incentives that emerged, with the month each was first seen."""
    ts = result.timeseries
    found: list[Incident] = []

    s = result.summary

    def first(mask: np.ndarray, column: str, kind: str) -> None:
        hits = np.flatnonzero(mask)
        if hits.size:
            i = int(hits[0])
            month, value = int(ts["month"].iloc[i]), float(ts[column].iloc[i])
            found.append(Incident(kind, month, value, _num(s.get(column))))

    if len(ts):
        # The time series' creaming index is the summary's statistic over everyone enrolled so
        # far; it is flagged only once it rests on MIN_ENROLLED people (two people enrolled in
        # month 0 are not creaming).
        # It must also clear chance: a random draw of n people from the eligible has a mean risk
        # off by sd × √((1 − n/N) / n); flagged above 3 of those (or CREAMING_SIGN if larger).
        n = ts["enrolled_total"].to_numpy(dtype=float)
        risk = result.model.population.risk
        chance = (
            3.0 * risk.std() * np.sqrt(np.clip(1.0 - n / risk.size, 0.0, 1.0) / np.maximum(n, 1))
        )
        creaming = ts["creaming_index"].to_numpy() > np.maximum(CREAMING_SIGN, chance)
        first(creaming & (n >= MIN_ENROLLED), "creaming_index", "creaming")
        # Parking and gaming: the summary's statistics over the run so far, on as many people.
        busy = n >= MIN_ENROLLED
        park = (np.nan_to_num(ts["parking_index"].to_numpy(dtype=float)) > PARKING_SIGN) & busy
        run = np.convolve(park.astype(int), np.ones(PARKING_RUN, int), "full")[: park.size]
        first(run >= PARKING_RUN, "parking_index", "parking")
        gaming = np.nan_to_num(ts["gaming_index"].to_numpy(dtype=float)) > GAMING_SIGN
        first(gaming & busy, "gaming_index", "gaming")
    model = result.model
    if model.terminated is not None and model.termination_month is not None:
        found.append(Incident("stopped", int(model.termination_month), 0.0, cause=model.terminated))
    for row in result.cohorts.itertuples():
        gap = row.measured_effect - row.true_effect
        if abs(gap) > BIAS_SIGN * max(abs(row.true_effect), 0.02):
            found.append(Incident("bias", int(row.month), float(gap)))
            break
    paid, saved = _num(s.get("outcome_payments")) or 0.0, _num(s.get("public_savings")) or 0.0
    if paid > saved and paid > 0:
        month = int(result.ledger.loc[result.ledger["reason"] == "outcome_payment", "month"].max())
        found.append(Incident("overpaid", month, paid - saved))
    after = result.model.after
    share = _num(s.get("scaled_on_inflated_evidence"))
    if after is not None and share:
        first_month = min(d.month for d in after.decisions_realised() if d.inflated)
        found.append(Incident("inflated", first_month, share))
    return sorted(found, key=lambda inc: inc.month)


actual_answers = teams.actual_answers  # the answers to the prediction sheets' questions


WRAP_UP = {  # the wrap-up tables and their columns (ids: the data/ twins' stable headers)
    "summary": ("indicator", "value"),
    "scores": ("dimension", "score"),
    "incidents": ("kind", "month", "value"),
    "predictions": ("team", "question", "predicted", "actual", "right"),
    "decisions": ("month", "turn", "kind", "role", "details"),
}


def export_tables(
    out: Path,
    result: RunResult,
    predictions: dict[str, dict[str, Any]],
    log: list[dict[str, Any]],
    header: Callable[[str], str] | None = None,
) -> list[Path]:
    """CSV files for the wrap-up: summary, scores, incidents, predictions, decisions, tables.

    Why two headers: a room reads the wrap-up tables in its language, so their headers are
    `header(column)` (the session's translation); a script needs names that never change, so a
    twin of each with the column ids is written in `data/`, beside the model's own tables
    (time series, ledger, cohorts, territories…), whose columns are the data dictionary's ids.
    """
    out.mkdir(parents=True, exist_ok=True)
    data = out / "data"
    data.mkdir(exist_ok=True)
    written = []
    shown = header or (lambda column: column)

    def rows(name: str, body: list[list[Any]]) -> None:
        for folder, head in ((out, [shown(c) for c in WRAP_UP[name]]), (data, WRAP_UP[name])):
            path = folder / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(head)
                writer.writerows(body)
            written.append(path)

    rows("summary", [[k, v] for k, v in result.summary.items()])
    rows("scores", [[k, v] for k, v in scores(result).items()])
    rows("incidents", [[i.kind, i.month, i.value] for i in incidents(result)])
    judged = teams.team_scores(predictions, result)
    rows(
        "predictions",
        [
            [t["team"], r["question"], r["predicted"], r["actual"], r["right"]]
            for t in judged
            for r in t["rows"]
        ]
        + [[t["team"], "note", t["note"], "", ""] for t in judged if t["note"]],
    )
    rows(
        "decisions",
        [
            [e["month"], e["turn"], e["kind"], e["role"], json.dumps(_details(e), default=str)]
            for e in log
        ],
    )
    frames = {"timeseries": result.timeseries, "ledger": result.ledger, "cohorts": result.cohorts}
    if result.model.after is not None:  # territories, scale-up decisions, next contracts
        tables = result.model.after.tables()
        frames |= {
            "territories": tables["territories"],
            "scale_up_decisions": tables["decisions"],
            "next_contracts": tables["next_contracts"],
        }
    for name, frame in frames.items():
        path = data / f"{name}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    return written


def _details(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("month", "turn", "kind", "role")}
