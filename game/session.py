"""A workshop session: scenario, roles, agreed terms, predictions and the running model.

Pure Python (no pygame), so the scripted tests and the autoplay drive the same object the
screens do. A turn is a quarter (or a year): it opens (an event may arrive, a snapshot is kept
for undo), each human role decides, then the model runs month by month. Undo restores the
snapshot of the previous turn's opening; a fork keeps a copy of the whole session to return to;
save and load write the session to one file.

After the contract's last month the model goes on for `horizon_years` (the post-contract phase:
adoption, scale-up or stop across territories); the session plays it a year at a time.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
from cislab.game import announcements, decisions
from cislab.game.decisions import ROLES
from cislab.game.events import apply_event, draw_event
from cislab.game.levers import (
    CONTRACT_LEVERS,
    HORIZON,
    Lever,
    game_horizon,
    overrides,
    values_from,
)
from cislab.game.negotiation import Negotiation
from cislab.model.api import RunResult, build, collect
from cislab.model.cis_model import CISModel
from cislab.model.scenarios import load_scenario

SAVE_VERSION = 2  # 2: sessions play a post-contract horizon
UNDO_DEPTH = 12
TURN_LENGTHS = {"quarter": 3, "year": 12}


class SessionError(ValueError):
    """A session file that cannot be read, or a move that makes no sense now; one line."""


class Session:
    def __init__(self, scenario: str = "default", seed: int = 0, lang: str = "en") -> None:
        self.scenario = scenario
        self.seed = seed
        self.lang = lang
        self.base = load_scenario(scenario)  # raises ScenarioError for an unknown scenario
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
        self.events_seen: list[str] = []
        self.news: list[dict[str, Any]] = []  # what the model reported, announced to the room
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
        self.horizon_years = int(self.horizon_lever.clamp(years))

    @property
    def horizon_lever(self) -> Lever:
        """The years-after slider around the case's own horizon (a long one widens it)."""
        return HORIZON.around(game_horizon(self.base))

    def begin_negotiation(self) -> Negotiation:
        self.negotiation = Negotiation(self.scenario, self.seed, self.terms)
        return self.negotiation

    def settle_ai_moves(self) -> None:
        """Let the model play every negotiation move that falls to a role no human holds."""
        neg = self.negotiation
        while neg is not None and not neg.done and not self.is_human(neg.actor):
            neg.ai_move()

    @property
    def overrides(self) -> dict[str, Any]:
        """Only the terms changed from the case's own: an untouched case runs exactly as filed."""
        own = values_from(self.base, CONTRACT_LEVERS)
        return {**overrides(self.terms, own), HORIZON.path: self.horizon_years}

    def start(self) -> CISModel:
        """Build the model on the agreed terms and open the first turn."""
        if self.negotiation is not None:
            self.terms = dict(self.negotiation.terms)
        self.model = build(self.scenario, seed=self.seed, overrides=self.overrides)
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
        """Is there still a contract to decide? Not once unsigned, over, or stopped early."""
        return self.in_contract and self._need_model().terminated is None

    @property
    def winding_down(self) -> bool:
        """The contract stopped early: measurements and payments of the cohorts already served
        still fall due up to its last month, but nobody has anything left to decide."""
        return self.in_contract and self._need_model().terminated is not None

    @property
    def seats(self) -> list[str]:
        """The human roles with something left to decide this turn, in playing order: none once
        the contract has stopped; never an investor that has exited."""
        if not self.live:
            return []
        funding = self._need_model().investor.funding
        return [r for r in self.humans if r != "investor" or funding]

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

    def step_month(self) -> bool:
        """Run one month of the contract; True while the turn goes on. The turn ends at an early
        stop; after it, months run on to the contract's end with no turns (nothing to decide)."""
        model = self._need_model()
        if not self.in_contract:
            return False
        was_live = self.live
        month = model.month
        model.step()
        self._result = None
        self._announce(month, model.month)
        if not was_live:
            return self.in_contract
        return self.live and model.month - self.turn_start < self.turn_months

    def _announce(self, since: int, until: int) -> None:
        """Keep (and log) what the model reported for the months just run."""
        for item in announcements.news(self._need_model(), since, until):
            self.news.append(item)
            self._record("news", "world", {"news": item})

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
        if self.live:
            raise SessionError("the contract is still running")
        while self.in_contract:  # a contract stopped early: its last payments first
            self.step_month()
        months = 0
        while model.running and months < 12:
            model.step()
            months += 1
        if months:
            self._result = None
            self._record("after_year", "world", {"year": self.years_after})
        return months

    def run_after(self) -> None:
        """Play every remaining year after the contract."""
        while self.run_year():
            pass

    def close_turn(self) -> None:
        """End the open turn; open the next while there is a contract to decide."""
        model = self._need_model()
        if self.turn_open:
            for role in ROLES:
                if role not in self.humans:
                    report = decisions.agent_report(model, role, self.turn_start)
                    self._record("agent", role, report)
            self.turn += 1
            self.turn_open = False
        if self.live:
            self.open_turn()

    @property
    def can_undo(self) -> bool:
        return len(self._undo) >= 2

    def undo(self) -> None:
        """Back to the opening of the previous turn (its event, before its decisions)."""
        if not self.can_undo:
            raise SessionError("nothing to undo yet")
        self._undo.pop()
        self._restore(pickle.loads(self._undo[-1]))

    def fork(self) -> int:
        """Keep a copy of the session here, to come back and decide differently."""
        self.forks.append((self._need_model().month, self._snapshot()))
        return len(self.forks)

    def return_to_fork(self) -> int:
        if not self.forks:
            raise SessionError("no fork to return to")
        month, blob = self.forks[-1]
        self._restore(pickle.loads(blob))
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

    # ------------------------------------------------------------------ snapshots and files
    _TRANSIENT = ("_undo", "forks", "_result")

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}

    def _snapshot(self) -> bytes:
        return pickle.dumps(self._state(), protocol=pickle.HIGHEST_PROTOCOL)

    def _restore(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._result = None

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = {"version": SAVE_VERSION, "state": self._state(), "forks": self.forks}
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(pickle.dumps(blob, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Session:
        """A saved session (only open files you saved yourself: sessions are pickles)."""
        path = Path(path)
        try:
            blob = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            raise SessionError(f"no saved session at {path}") from None
        except Exception as exc:  # a truncated or foreign file: say so in one line
            raise SessionError(f"{path}: not a CIS Lab session ({type(exc).__name__})") from None
        if not isinstance(blob, dict) or blob.get("version") != SAVE_VERSION:
            raise SessionError(f"{path}: not a CIS Lab session of this version")
        session = cls.__new__(cls)
        session._restore(blob["state"])
        session.forks = blob.get("forks", [])
        session._undo = [session._snapshot()] if session.model is not None else []
        return session
