"""A workshop session: scenario, roles, agreed terms, predictions and the running model.

Pure Python (no pygame), so the scripted tests and the autoplay drive the same object the
screens do. A turn is a quarter (or a year): it opens (an event may arrive, a snapshot is kept
for undo), each human role decides, then the model runs month by month. Undo restores the
snapshot of the previous turn's opening; a fork keeps a copy of the whole session to return to.

Every move that changes the model is also written to `journal` (a decision with its turn and
month, the event the seed drew, the months run, a turn's end, a year after the contract). A save
is that journal with the scenario, seed and settings (`game.savefile`); loading rebuilds the model
and replays the journal, so a save is data and restores exactly — never pickled objects.

After the contract's last month the model goes on for `horizon_years` (the post-contract phase:
adoption, scale-up or stop across territories); the session plays it a year at a time.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from copy import deepcopy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from cislab.game import decisions, savefile, saves
from cislab.game.decisions import ROLES
from cislab.game.events import apply_event, draw_event
from cislab.game.levers import CONTRACT_LEVERS, HORIZON, game_horizon, overrides, values_from
from cislab.game.negotiation import Negotiation
from cislab.game.savefile import MAX_FORKS, SaveData, SaveError, Timeline, shorten
from cislab.model.api import RunResult, build, collect
from cislab.model.cis_model import CISModel
from cislab.model.scenarios import load_scenario
from cislab.model.schema import Scenario

from cislab import __version__ as cislab_version

UNDO_DEPTH = 12
TURN_LENGTHS = {"quarter": 3, "year": 12}


class SessionError(ValueError):
    """A move that makes no sense now; one line."""


class ReplayError(SessionError):
    """A save whose decisions do not replay to the point it recorded."""


class Session:
    def __init__(
        self, scenario: str | Path | Scenario = "default", seed: int = 0, lang: str = "en"
    ) -> None:
        # `base` is the scenario as data: the model, the negotiation and a save all use it, so a
        # session restores even when the user's .toml file it came from is gone or changed.
        self.base = load_scenario(scenario)  # raises ScenarioError for an unknown scenario
        self.scenario = self.base.meta.name if isinstance(scenario, Scenario) else str(scenario)
        self.seed = seed
        self.lang = lang
        self.humans: list[str] = []
        self.turn_months = TURN_LENGTHS["quarter"]
        self.terms: dict[str, Any] = values_from(self.base, CONTRACT_LEVERS)
        self.horizon_years = game_horizon(self.base)
        self.negotiation: Negotiation | None = None
        self.predictions: dict[str, Any] = {}
        self.model: CISModel | None = None
        self.turn = 0
        self.turn_start = 0
        self.turn_open = False
        self.log: list[dict[str, Any]] = []
        self.journal: list[dict[str, Any]] = []  # what a replay needs, in order (see savefile)
        self.events_seen: list[str] = []
        self.event: tuple[str, dict[str, Any]] | None = None
        self.event_rng = np.random.default_rng([seed, 6])
        self.signed_by_human = False
        self._undo: list[bytes] = []
        self.forks: list[tuple[int, bytes]] = []
        self._result: RunResult | None = None

    # ------------------------------------------------------------------ set-up
    def set_roles(self, humans: list[str], turn: str = "quarter") -> None:
        unknown = sorted(set(humans) - set(ROLES))
        if unknown:
            raise SessionError(f"unknown role(s): {', '.join(unknown)}")
        if turn not in TURN_LENGTHS:
            raise SessionError(f"turn length {turn!r}: allowed quarter, year")
        self.humans = [r for r in ROLES if r in humans]
        self.turn_months = TURN_LENGTHS[turn]

    def is_human(self, role: str) -> bool:
        return role in self.humans

    def set_horizon(self, years: int) -> None:
        """Years the model plays after the contract (0: none); fixed once the contract starts."""
        if self.model is not None:
            raise SessionError("the contract has started: its horizon is set")
        self.horizon_years = int(HORIZON.clamp(years))

    def begin_negotiation(self) -> Negotiation:
        self.negotiation = Negotiation(self.base, self.seed, self.terms)
        return self.negotiation

    def settle_ai_moves(self) -> None:
        """Let the model play every negotiation move that falls to a role no human holds."""
        neg = self.negotiation
        while neg is not None and not neg.done and not self.is_human(neg.actor):
            neg.ai_move()

    @property
    def overrides(self) -> dict[str, Any]:
        return {**overrides(self.terms), HORIZON.path: self.horizon_years}

    def start(self) -> CISModel:
        """Build the model on the agreed terms and open the first turn."""
        if self.negotiation is not None:
            self.terms = dict(self.negotiation.terms)
        self.model = build(self.base, seed=self.seed, overrides=self.overrides)
        if not self.model.signed and self.is_human("investor"):
            self.model.sign()  # the human investor accepted terms the model's would refuse
            self.signed_by_human = True
        for role in self.humans:
            decisions.take_over(self.model, role)
        self.turn, self.turn_start = 0, 0
        self._undo.clear()
        self._record("start", "session", {"signed": self.model.signed})
        self.open_turn()
        return self.model

    # ------------------------------------------------------------------ turns
    @property
    def finished(self) -> bool:
        """The whole run is over: the contract and the years after it."""
        return self.model is not None and not self.model.running

    @property
    def in_contract(self) -> bool:
        """A signed contract has months left (up to its last payment)."""
        m = self.model
        return m is not None and m.signed and m.running and m.month < m.config.contract_months

    @property
    def contract_over(self) -> bool:
        return self.model is not None and not self.in_contract

    @property
    def live(self) -> bool:
        """Is there still a contract to play? (an unsigned one ends at once)"""
        return self.in_contract

    @property
    def years_after(self) -> int:
        """Years of the post-contract horizon the model has played so far."""
        m = self._need_model()
        return max(0, m.month - m.config.contract_months) // 12

    def open_turn(self) -> None:
        model = self._need_model()
        self.event = None
        name = draw_event(self.event_rng, self.turn, self.events_seen)
        if name is not None and self.live:
            details = apply_event(model, name)
            self.events_seen.append(name)
            self.event = (name, details)
            self._record("event", "world", {"event": name, **details})
            self._journal("event", event=name)
        self.turn_start = model.month
        self.turn_open = True
        self._undo.append(self._snapshot())
        del self._undo[:-UNDO_DEPTH]

    def decide(self, role: str, values: dict[str, Any]) -> None:
        if role not in self.humans:
            raise SessionError(f"the {role} is played by the model")
        changed = decisions.apply(self._need_model(), role, values)
        for key, value in changed:
            self._record("decision", role, {"decision": key, "value": value})
            self._journal("decision", role=role, decision=key, value=_plain(value))

    def step_month(self) -> bool:
        """Run one month of the contract's turn; True while the turn goes on."""
        model = self._need_model()
        if not self.in_contract:
            return False
        start = model.month
        model.step()
        self._result = None
        last = self.journal[-1] if self.journal else None
        if (
            last is not None
            and last["kind"] == "months"
            and last["turn"] == self.turn
            and last["month"] + last["count"] == start
        ):
            last["count"] += 1
        else:
            self._journal("months", month=start, count=1)
        return self.in_contract and model.month - self.turn_start < self.turn_months

    def run_turn(self) -> None:
        """A turn of the contract; once the contract is over, a year after it."""
        if self.contract_over:
            self.run_year()
            return
        while self.step_month():
            pass
        self.close_turn()

    def run_year(self) -> int:
        """Play one year after the contract (the model decides everything); months run."""
        model = self._need_model()
        if self.in_contract:
            raise SessionError("the contract is still running")
        start, months = model.month, 0
        while model.running and months < 12:
            model.step()
            months += 1
        if months:
            self._result = None
            self._record("after_year", "world", {"year": self.years_after})
            self._journal("after_year", month=start, months=months)
        return months

    def run_after(self) -> None:
        """Play every remaining year after the contract."""
        while self.run_year():
            pass

    def close_turn(self) -> None:
        model = self._need_model()
        self._journal("end_turn")
        for role in ROLES:
            if role not in self.humans:
                self._record("agent", role, decisions.agent_report(model, role, self.turn_start))
        self.turn += 1
        self.turn_open = False
        if self.in_contract:
            self.open_turn()

    @property
    def can_undo(self) -> bool:
        return len(self._undo) >= 2

    def undo(self) -> None:
        """Back to the opening of the previous turn (its event, before its decisions)."""
        if not self.can_undo:
            raise SessionError("nothing to undo yet")
        self._undo.pop()
        self._restore(self._undo[-1])

    def fork(self) -> int:
        """Keep a copy of the session here, to come back and decide differently."""
        self.forks.append((self._need_model().month, self._snapshot()))
        return len(self.forks)

    def return_to_fork(self) -> int:
        if not self.forks:
            raise SessionError("no fork to return to")
        month, snapshot = self.forks[-1]
        self._restore(snapshot)
        self._undo = [self._snapshot()]
        return month

    # ------------------------------------------------------------------ results
    def result(self) -> RunResult:
        if self._result is None:
            self._result = collect(self._need_model())
        return self._result

    def _need_model(self) -> CISModel:
        if self.model is None:
            raise SessionError("the contract has not started")
        return self.model

    def _record(self, kind: str, role: str, data: dict[str, Any]) -> None:
        month = self.model.month if self.model is not None else 0
        self.log.append({"month": month, "turn": self.turn, "kind": kind, "role": role, **data})

    def _journal(self, kind: str, month: int | None = None, **data: Any) -> None:
        if month is None:
            month = self.model.month if self.model is not None else 0
        self.journal.append({"kind": kind, "turn": self.turn, "month": month, **data})

    # ------------------------------------------------------------------ snapshots
    # Undo and forks keep, in memory only, bytes this process made from its own objects (pickle
    # is 3× faster than deepcopy here, and a snapshot is taken every turn). They never reach a
    # file: a save is JSON replayed by `from_save`, and nothing read from disk is unpickled.
    _TRANSIENT = ("_undo", "forks", "_result", "lang")

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}

    def _snapshot(self) -> bytes:
        return pickle.dumps(self._state(), protocol=pickle.HIGHEST_PROTOCOL)

    def _restore(self, snapshot: bytes) -> None:
        self.__dict__.update(pickle.loads(snapshot))
        self._result = None

    # ------------------------------------------------------------------ saves
    def to_save(self) -> dict[str, Any]:
        """The session as save data (see `game.savefile`): what was chosen, never objects."""
        self._need_model()
        neg = self.negotiation.history if self.negotiation is not None else []
        turn = next(k for k, v in TURN_LENGTHS.items() if v == self.turn_months)
        return {
            "format": savefile.FORMAT,
            "version": savefile.VERSION,
            "cislab_version": cislab_version,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "case": self.base.meta.name,
            "scenario_source": self.scenario[:1000],
            "scenario": self.base.model_dump(mode="json"),
            "seed": self.seed,
            "settings": {
                "humans": list(self.humans),
                "turn": turn,
                "horizon_years": self.horizon_years,
                "terms": {k: _plain(v) for k, v in self.terms.items()},
            },
            "negotiation": [
                {"role": r, "move": m, "terms": {k: _plain(v) for k, v in t.items()}}
                for r, m, t in neg[: savefile.MAX_NEGOTIATION]
            ],
            "predictions": {
                k: _plain(v) for k, v in self.predictions.items() if k in savefile.PREDICTION_KEYS
            },
            "signed_by_human": self.signed_by_human,
            "session": _timeline(self._state()),
            "forks": [_timeline(pickle.loads(snapshot)) for _, snapshot in self.forks[-MAX_FORKS:]],
        }

    def save(self, path: str | Path, overwrite: bool = False) -> Path:
        """Write the session as JSON, atomically; an existing file only with `overwrite`."""
        try:
            raw = savefile.dumps(self.to_save())
        except ValueError as exc:  # e.g. a scenario holding an infinite number
            if isinstance(exc, SaveError):
                raise
            name = Path(path).name
            raise SaveError("save.error.write", name=name, problem=shorten(exc)) from None
        return saves.write(Path(path), raw, overwrite=overwrite)

    @classmethod
    def load(cls, path: str | Path, lang: str = "en") -> Session:
        """A saved session, rebuilt by replay; the game's current `lang` is kept.

        Raises `SaveError` (one line) for any file that is not a save this version replays."""
        path = Path(path)
        try:
            data, base = saves.load(path)
        except SaveError:
            raise
        except Exception as exc:  # a file anyone can hand over: any failure is one line
            raise SaveError("save.error.other", name=path.name, problem=shorten(exc, 80)) from None
        try:
            return cls.from_save(data, base, lang)
        except SaveError:
            raise
        except Exception as exc:  # untrusted input drove the model: any failure is "cannot load"
            raise SaveError("save.error.replay", name=path.name, problem=shorten(exc, 80)) from None

    @classmethod
    def from_save(cls, data: SaveData, base: Scenario, lang: str = "en") -> Session:
        """Rebuild the model from scenario and seed, then re-apply every recorded decision."""
        session = cls._replay(data, base, data.session, lang)
        session.forks = [
            (fork.position.month, cls._replay(data, base, fork, lang)._snapshot())
            for fork in data.forks
        ]
        return session

    @classmethod
    def _replay(cls, data: SaveData, base: Scenario, timeline: Timeline, lang: str) -> Session:
        s = cls(base, seed=data.seed, lang=lang)
        s.scenario = data.scenario_source
        settings = data.settings
        s.set_roles(list(settings.humans), settings.turn)
        s.terms = dict(settings.terms)
        s.horizon_years = settings.horizon_years
        s.predictions = data.predictions.model_dump(exclude_none=True)
        history = [(m.role, m.move, dict(m.terms)) for m in data.negotiation]
        if history:  # else the session started on the case's own terms, without negotiating
            s.negotiation = Negotiation.concluded(base, data.seed, s.terms, history)
        s.start()
        if s.signed_by_human != data.signed_by_human:
            raise ReplayError("the investor's signature differs")
        for i, entry in enumerate(timeline.journal):
            want = entry.model_dump()
            if i >= len(s.journal):
                s._replay_entry(want)
            if i >= len(s.journal) or s.journal[i] != want:
                got = s.journal[i] if i < len(s.journal) else "nothing"
                raise ReplayError(f"entry {i}: saved {shorten(want, 60)}, now {shorten(got, 60)}")
        if len(s.journal) != len(timeline.journal):
            raise ReplayError(f"entry {len(timeline.journal)}: replay drew an event the save lacks")
        model = s._need_model()
        where = {"turn": s.turn, "month": model.month, "turn_open": s.turn_open}
        saved = timeline.position.model_dump()
        if where != saved:
            raise ReplayError(f"the replay ends at {where}, the save at {saved}")
        if ledger_check(model) != timeline.check.model_dump():
            raise ReplayError(f"month {model.month}: the ledger differs from the saved one")
        s._undo = [s._snapshot()]
        return s

    def _replay_entry(self, entry: dict[str, Any]) -> None:
        kind = entry["kind"]
        if kind == "decision":
            self.decide(entry["role"], {entry["decision"]: entry["value"]})
        elif kind == "months":
            for k in range(entry["count"]):
                if not self.step_month() and k < entry["count"] - 1:
                    raise ReplayError(f"month {self._need_model().month}: the turn is over")
        elif kind == "end_turn":
            self.close_turn()
        elif kind == "after_year":
            self.run_year()
        else:  # an event the seed did not draw here
            raise ReplayError(f"turn {entry['turn']}: no {entry.get('event')} event drawn")


def _plain(value: Any) -> Any:
    """A JSON scalar (widgets may hand numpy numbers)."""
    if isinstance(value, bool | str | None):
        return value
    if isinstance(value, np.integer | int):
        return int(value)
    return float(value)


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
