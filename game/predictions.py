"""Predictions per team, as on the workshop pack's printed sheets, judged against the run.

Why per team: the room is split into the three roles' teams (the payer's, the investor's, the
operator's); each fills in its own sheet before the first turn without conferring, and the debrief
sets each team's answers beside the results and beside the other teams'. The game asks exactly
the sheet's questions with the sheet's choices (yes / no; a share of the maximum payment ticked at
0, 25, 50, 75 or 100 %), and starts every answer blank: nothing is pre-filled, and a question a
team left blank is "no answer", never counted right or wrong.

A save made before teams existed holds one shared set; it is read as the team `room` (the whole
room), so the debrief still shows it, under that name.
"""

from __future__ import annotations

import math
from typing import Any

from cislab.game.decisions import ROLES
from cislab.model.api import RunResult

TEAMS = ROLES  # one team per role, in playing order: state, investor, operator
ROOM = "room"  # the one shared set of a save made before teams (see the module's docstring)
QUESTIONS = ("creaming", "measured_above_true", "money_back", "payments_share")
YES_NO = ("yes", "no")
SHARE_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)  # the boxes of the printed sheet
# A share is right when its tick is the nearest one to the result (half a tick's gap either way).
SHARE_TOLERANCE = 0.125
CREAMING_SIGN = 0.03  # as the debrief flags creaming (game.debrief.CREAMING_SIGN)


def blank() -> dict[str, Any]:
    """One team's sheet before it is filled in: every answer None, no note."""
    return {**dict.fromkeys(QUESTIONS), "note": ""}


def filled(team_answers: dict[str, Any] | None) -> bool:
    """Did the team answer at least one question (or write a note)?"""
    if not team_answers:
        return False
    return any(team_answers.get(q) is not None for q in QUESTIONS) or bool(team_answers.get("note"))


def teams_with_answers(predictions: dict[str, dict[str, Any]]) -> list[str]:
    """The teams that wrote something, in playing order (the room's shared set last)."""
    order = [*TEAMS, ROOM]
    return [t for t in order if filled(predictions.get(t))]


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool | str):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def actual_answers(result: RunResult) -> dict[str, Any]:
    """The answers to the sheet's questions, read from the run's final figures."""
    s = result.summary
    max_payment = result.model.config.contract.max_payment
    return {
        "creaming": "yes" if (_num(s.get("creaming_index")) or 0.0) > CREAMING_SIGN else "no",
        "measured_above_true": "yes"
        if (_num(s.get("measured_effect")) or 0.0) > (_num(s.get("true_effect")) or 0.0)
        else "no",
        "money_back": "yes" if (_num(s.get("investor_multiple")) or 0.0) >= 1.0 else "no",
        "payments_share": (_num(s.get("outcome_payments")) or 0.0) / max_payment
        if max_payment > 0
        else 0.0,
    }


def judge(question: str, guess: Any, truth: Any) -> bool | None:
    """True / False, or None when the team gave no answer."""
    if guess is None:
        return None
    if question == "payments_share":
        return abs(float(guess) - float(truth)) <= SHARE_TOLERANCE + 1e-9
    return guess == truth


def compare(team_answers: dict[str, Any], result: RunResult) -> list[dict[str, Any]]:
    """One team's answers beside the results: question, predicted, actual, right (None: blank)."""
    actual = actual_answers(result)
    return [
        {
            "question": q,
            "predicted": team_answers.get(q),
            "actual": actual[q],
            "right": judge(q, team_answers.get(q), actual[q]),
        }
        for q in QUESTIONS
    ]


def team_scores(predictions: dict[str, dict[str, Any]], result: RunResult) -> list[dict[str, Any]]:
    """Per team that answered: its rows, how many right out of how many answered, and whether it
    is (one of) the best of the room. Best = most right answers; ties are all best."""
    out = []
    for team in teams_with_answers(predictions):
        rows = compare(predictions[team], result)
        answered = [r for r in rows if r["right"] is not None]
        out.append(
            {
                "team": team,
                "rows": rows,
                "right": sum(bool(r["right"]) for r in answered),
                "answered": len(answered),
                "note": predictions[team].get("note") or "",
            }
        )
    top = max((t["right"] for t in out if t["answered"]), default=None)
    for t in out:
        t["best"] = top is not None and t["answered"] > 0 and t["right"] == top and len(out) > 1
    return out
