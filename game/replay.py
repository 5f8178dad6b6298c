"""A session to save data and back: record what was chosen, restore by deterministic replay.

Why replay: the model is deterministic for a scenario and a seed, so what the players chose (the
session's `journal`: decisions with their turn and month, months run, turns ended, years played
after the contract) is all a save needs. Loading builds a fresh session on the saved scenario
data and seed, re-applies each entry through the session's own methods, and checks at each step
that the replay records exactly the saved entry (events included: the seed must draw them again)
and, at the end, the same point and the same ledger. Any difference refuses the save rather than
restore a session that is not the one saved. Files: `game.saves`; format: `game.savefile`.
"""

from __future__ import annotations

import hashlib
import json
from copy import deepcopy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cislab.game import predictions, savefile, saves
from cislab.game.negotiation import Negotiation
from cislab.game.savefile import (
    MAX_FORKS,
    SaveData,
    SaveError,
    Timeline,
    clip,
    plain,
    shorten,
)
from cislab.game.session import TURN_LENGTHS, Session, SessionError
from cislab.model.cis_model import CISModel
from cislab.model.schema import Scenario

from cislab import __version__ as cislab_version


class ReplayError(SessionError):
    """A save whose decisions do not replay to the point it recorded."""


# ---------------------------------------------------------------------- saving
def to_save(session: Session) -> dict[str, Any]:
    """The session as save data: what was chosen and where it stood, never objects."""
    if session.model is None:
        raise SessionError("the contract has not started")
    neg = session.negotiation.history if session.negotiation is not None else []
    turn = next(k for k, v in TURN_LENGTHS.items() if v == session.turn_months)
    return {
        "format": savefile.FORMAT,
        "version": savefile.VERSION,
        "cislab_version": cislab_version,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "case": session.base.meta.name,
        "scenario_source": session.scenario[:1000],
        "scenario": session.base.model_dump(mode="json"),
        "seed": session.seed,
        "settings": {
            "humans": list(session.humans),
            "turn": turn,
            "horizon_years": session.horizon_years,
            "terms": {k: plain(v) for k, v in session.terms.items()},
        },
        "negotiation": [
            {"role": r, "move": m, "terms": {k: plain(v) for k, v in t.items()}}
            for r, m, t in neg[: savefile.MAX_NEGOTIATION]
        ],
        "predictions": {
            team: {k: plain(v) for k, v in answers.items() if k in savefile.PREDICTION_KEYS}
            for team, answers in session.predictions.items()
        },
        "signed_by_human": session.signed_by_human,
        "session": _timeline(session.current_state()),
        "forks": [_timeline(state) for state in session.fork_states()[-MAX_FORKS:]],
    }


def save(session: Session, path: str | Path, overwrite: bool = False) -> Path:
    """Write the session as JSON, atomically; an existing file only with `overwrite`."""
    path = Path(path)
    try:
        raw = savefile.dumps(to_save(session))
    except SaveError:
        raise
    except ValueError as exc:  # e.g. a scenario holding an infinite number
        raise SaveError("save.error.write", name=path.name, problem=_problem(exc)) from None
    return saves.write(path, raw, overwrite=overwrite)


def ledger_check(model: CISModel) -> dict[str, Any]:
    """Rows and a digest of the whole ledger: a replay must reproduce every payment exactly."""
    frame = model.ledger.to_frame()
    columns = [[str(c), frame[c].tolist()] for c in frame.columns]
    digest = hashlib.sha256(json.dumps(columns, allow_nan=True).encode()).hexdigest()
    return {"ledger_rows": len(frame), "ledger_sha256": digest}


def _timeline(state: dict[str, Any]) -> dict[str, Any]:
    """A session state's journal, where it stands and its ledger check."""
    model = state["model"]
    return {
        "journal": deepcopy(state["journal"]),
        "position": {"turn": state["turn"], "month": model.month, "turn_open": state["turn_open"]},
        "check": ledger_check(model),
    }


# ---------------------------------------------------------------------- loading
def load(path: str | Path, lang: str = "en") -> Session:
    """A saved session, rebuilt by replay, in the game's current `lang` (a save never sets it).

    Raises `SaveError` (one line) for any file that is not a save this version replays."""
    path = Path(path)
    try:
        data, base = saves.load(path)
    except SaveError:
        raise
    except Exception as exc:  # a file anyone can hand over: any failure is one line
        raise SaveError("save.error.other", name=path.name, problem=_problem(exc)) from None
    try:
        return from_save(data, base, lang)
    except SaveError:
        raise
    except Exception as exc:  # untrusted input drove the model: any failure is "cannot load"
        raise SaveError("save.error.replay", name=path.name, problem=_problem(exc)) from None


def _problem(exc: BaseException) -> str:
    return clip(str(exc) or type(exc).__name__, 100)


def from_save(data: SaveData, base: Scenario, lang: str = "en") -> Session:
    """Rebuild the model from scenario and seed, then re-apply every recorded decision."""
    session = _replay(data, base, data.session, lang)
    session.adopt_forks([_replay(data, base, fork, lang) for fork in data.forks])
    return session


def _replay(data: SaveData, base: Scenario, timeline: Timeline, lang: str) -> Session:
    s = Session(base, seed=data.seed, lang=lang)
    s.scenario = data.scenario_source  # for the record only: never opened
    settings = data.settings
    s.set_roles(list(settings.humans), settings.turn)
    s.terms = dict(settings.terms)
    s.horizon_years = settings.horizon_years
    s.predictions = {
        team: {**predictions.blank(), **answers.model_dump(exclude_none=True)}
        for team, answers in data.predictions.items()
    }
    history = [(m.role, m.move, dict(m.terms)) for m in data.negotiation]
    if history:  # else the session started on the case's own terms, without negotiating
        s.negotiation = Negotiation.concluded(base, data.seed, s.terms, history)
    s.start()
    if s.signed_by_human != data.signed_by_human:
        raise ReplayError("the investor's signature differs")
    for i, entry in enumerate(timeline.journal):
        want = entry.model_dump()
        if i >= len(s.journal):
            _apply(s, want)
        if i >= len(s.journal) or s.journal[i] != want:
            got = s.journal[i] if i < len(s.journal) else "nothing"
            raise ReplayError(f"entry {i}: saved {shorten(want, 60)}, now {shorten(got, 60)}")
    if len(s.journal) != len(timeline.journal):
        raise ReplayError(f"entry {len(timeline.journal)}: replay drew an event the save lacks")
    model = s.model
    if model is None:  # start() builds it; never reached
        raise ReplayError("no model")
    where = {"turn": s.turn, "month": model.month, "turn_open": s.turn_open}
    saved = timeline.position.model_dump()
    if where != saved:
        raise ReplayError(f"the replay ends at {where}, the save at {saved}")
    if ledger_check(model) != timeline.check.model_dump():
        raise ReplayError(f"month {model.month}: the ledger differs from the saved one")
    s.checkpoint()
    return s


def _apply(s: Session, entry: dict[str, Any]) -> None:
    """Re-apply one journal entry through the session's own moves."""
    kind = entry["kind"]
    if kind == "decision":
        s.decide(entry["role"], {entry["decision"]: entry["value"]})
    elif kind == "months":
        for k in range(entry["count"]):
            if not s.step_month() and k < entry["count"] - 1:
                raise ReplayError(f"entry at month {entry['month']}: the turn is already over")
    elif kind == "end_turn":
        s.close_turn()
    elif kind == "after_year":
        s.run_year()
    else:  # an event the seed did not draw here
        raise ReplayError(f"turn {entry['turn']}: no {entry.get('event')} event drawn")
