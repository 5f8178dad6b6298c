"""A workshop session: scenario, roles, agreed terms, predictions and the running model.

Pure Python (no pygame), so the scripted tests and the autoplay drive the same object the
screens do. A turn is a quarter (or a year): it opens (an event may arrive, a snapshot is kept
for undo), each human role decides, then the model runs month by month. Undo restores the
snapshot of the previous turn's opening; a fork keeps a copy of the whole session to return to.

Every move that changes the model is also written to `journal` (a decision with its turn and
month, the event the seed drew, the months run, a turn's end, a year after the contract). A save
is that journal with the scenario, seed and settings (`game.savefile`); loading rebuilds the model
and replays the journal (`game.replay`), so a save is data and restores exactly.

After the contract's last month the model goes on for `horizon_years` (the post-contract phase:
adoption, scale-up or stop across territories); the session plays it a year at a time.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from cislab.game import announcements, decisions, predictions
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
from cislab.game.savefile import plain
from cislab.game.workshop import TURN_LENGTHS
from cislab.model.api import RunResult, build, collect
from cislab.model.cis_model import CISModel
from cislab.model.scenarios import load_scenario
from cislab.model.schema import Scenario

UNDO_DEPTH = 12


class SessionError(ValueError):
    """A move that makes no sense now; one line."""


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
        # Each team's prediction sheet (game.predictions), blank until the team fills it in.
        self.predictions: dict[str, dict[str, Any]] = {
            t: predictions.blank() for t in predictions.TEAMS
        }
        self.model: CISModel | None = None
        self.turn = 0
        self.turn_start = 0
        self.turn_open = False
        self.log: list[dict[str, Any]] = []
        self.journal: list[dict[str, Any]] = []  # what a replay needs, in order (see savefile)
        self.events_seen: list[str] = []
        self.news: list[dict[str, Any]] = []  # what the model reported, announced to the room
        self.event: tuple[str, dict[str, Any]] | None = None
        self.event_rng = np.random.default_rng([seed, 6])
        self.signed_by_human = False
        self._undo: list[bytes] = []
        self.forks: list[tuple[int, bytes]] = []
        # The branch left by the last return to a fork (its month, its snapshot): the debrief
        # plays it on to the end and sets it beside this session's (in memory, like forks).
        self.branches: list[tuple[int, bytes]] = []
        self._result: RunResult | None = None

    # ------------------------------------------------------------------ set-up
    def set_roles(self, humans: list[str], turn: str = "quarter") -> None:
        unknown = sorted(set(humans) - set(ROLES))
        if unknown:
            raise SessionError(f"unknown role(s): {', '.join(unknown)}")
        if turn not in TURN_LENGTHS:
            raise SessionError(f"turn length {turn!r}: allowed {', '.join(TURN_LENGTHS)}")
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
        self.negotiation = Negotiation(self.base, self.seed, self.terms)
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
            self._journal("decision", role=role, decision=key, value=plain(value))

    def step_month(self) -> bool:
        """Run one month of the contract; True while the turn goes on. The turn ends at an early
        stop; after it, months run on to the contract's end with no turns (nothing to decide)."""
        model = self._need_model()
        if not self.in_contract:
            return False
        was_live = self.live
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
        self._announce(start, model.month)
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

    def run_year(self, guard: Callable[[], AbstractContextManager] = nullcontext) -> int:
        """Play one year after the contract (the model decides everything); months run.
        `guard()` is held around each month (game.worker: the screen never draws half one)."""
        model = self._need_model()
        if self.live:
            raise SessionError("the contract is still running")
        while self.in_contract:  # a contract stopped early: its last payments first
            with guard():
                self.step_month()
        start, months = model.month, 0
        while model.running and months < 12:
            with guard():
                model.step()
            months += 1
        if months:
            with guard():
                self._result = None
                self._record("after_year", "world", {"year": self.years_after})
                self._journal("after_year", month=start, months=months)
        return months

    def run_after(self, guard: Callable[[], AbstractContextManager] = nullcontext) -> None:
        """Play every remaining year after the contract."""
        while self.run_year(guard):
            pass

    def close_turn(self) -> None:
        """End the open turn; open the next while there is a contract to decide."""
        model = self._need_model()
        if self.turn_open:
            self._journal("end_turn")
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
        self._restore(self._undo[-1])

    def fork(self) -> int:
        """Keep a copy of the session here, to come back and decide differently."""
        self.forks.append((self._need_model().month, self._snapshot()))
        return len(self.forks)

    def return_to_fork(self) -> int:
        if not self.forks:
            raise SessionError("no fork to return to")
        month, snapshot = self.forks[-1]
        self.branches = [(self._need_model().month, self._snapshot())]
        self._restore(snapshot)
        self._undo = [self._snapshot()]
        return month

    # ------------------------------------------------------------------ results
    def result(self) -> RunResult:
        if self._result is None:
            self._result = collect(self._need_model())
        return self._result

    def left_branch(self) -> tuple[int, RunResult] | None:
        """The branch left by the last return to a fork, played on to its end with the decisions
        in force when it was left (the model's roles keep deciding): the month it was left and
        its result. None without one. Why played on: two branches are only comparable whole."""
        if not self.branches:
            return None
        month, snapshot = self.branches[-1]
        other = Session.__new__(Session)
        other.__dict__.update(_undo=[], forks=[], branches=[], _result=None, lang=self.lang)
        other._restore(snapshot)
        for _ in range(100_000):  # a bound, never reached: each call runs months or ends
            if other.finished:
                break
            other.run_turn()
        return month, other.result()

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
    # file: a save is JSON replayed by `game.replay`, and nothing read from disk is unpickled.
    _TRANSIENT = ("_undo", "forks", "branches", "_result", "lang")

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}

    def _snapshot(self) -> bytes:
        return pickle.dumps(self._state(), protocol=pickle.HIGHEST_PROTOCOL)

    def _restore(self, snapshot: bytes) -> None:
        self.__dict__.update(pickle.loads(snapshot))
        self._result = None

    # ------------------------------------------------------------------ for saves (game.replay)
    def current_state(self) -> dict[str, Any]:
        """The session's own state now (not a copy): what a save records of it."""
        return self._state()

    def fork_states(self) -> list[dict[str, Any]]:
        """Each fork's session state, oldest first."""
        return [pickle.loads(snapshot) for _, snapshot in self.forks]

    def adopt_forks(self, others: list[Session]) -> None:
        """Keep each of `others` (replayed forks) as a fork of this session."""
        self.forks = [(o._need_model().month, o._snapshot()) for o in others]

    def checkpoint(self) -> None:
        """Undo starts from here (a loaded session cannot undo past its load)."""
        self._undo = [self._snapshot()]
