"""The hub and a `Session` together: lobby, turns, results. No pygame, no network.

Why a conductor between them: the model must stay the only authority, so everything a team sends
reaches it here, on the game's thread, at one moment of the turn: when the turn runs, the
submitted decisions go through `Session.decide` in playing order (the same path as a hot-seat
player's, so they are journalled and saved the same way). Clients never write state; they get
views built from the model after each change.

The facilitator's screen (`projector.NetPlayScene`) calls `open_decisions`, `all_in` and
`collect` from its own turn loop; without a screen, `step` plays the same journey (the tests, the
load benchmark). Roles no team holds when the contract starts are played by the model's agents
for the whole session (the save records the human roles once, at the start).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from cislab.game.decisions import ROLES
from cislab.game.net import views
from cislab.game.net.hub import Hub
from cislab.game.session import Session, SessionError

PUBLISH_EVERY = 0.25  # seconds between two views while months run (turns publish at once)


class Conductor:
    def __init__(
        self,
        session: Session,
        hub: Hub,
        turn: str = "quarter",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session = session
        self.hub = hub
        self.turn_length = turn
        self.clock = clock
        self.case = views.case_view(session)
        self.results: dict[str, Any] | None = None
        self.refused: list[str] = []  # decisions the session refused (one line each)
        self._key: tuple | None = None
        self._published_at = -1e9
        self.publish()

    # ------------------------------------------------------------------ the journey
    @property
    def started(self) -> bool:
        return self.session.model is not None

    def start(self) -> list[str]:
        """Lobby → contract. The roles a team holds now are played by the teams, the others by
        the model's agents; the contract's terms are the case's as its agents negotiate them
        (negotiating stays a hot-seat activity). Predictions close. Returns the human roles."""
        s = self.session
        if self.started:
            raise SessionError("the contract has started")
        humans = self.hub.occupied()
        s.begin_negotiation()
        s.settle_ai_moves()  # before the roles are set: every move is the model's
        s.set_roles(humans, self.turn_length)
        s.start()
        self.case = views.case_view(s)
        self.hub.start(humans)
        self.open_decisions()
        return humans

    def follow(self, session: Session) -> None:
        """The facilitator loaded a save or went back to a fork: views come from that one."""
        if session is self.session:
            return
        self.session = session
        self.case = views.case_view(session)
        self.results = None
        if session.model is not None:
            self.hub.start(list(session.humans))
        self._key = None
        self.sync()

    def new_round(self, session: Session) -> None:
        """The facilitator plays again with the same room: a fresh session, back to the lobby."""
        self.session = session
        self.case = views.case_view(session)
        self.results = None
        self.refused.clear()
        self.hub.new_round()
        self._key = None
        self.sync(force=True)

    def open_decisions(self) -> None:
        """The turn that is open now waits for its seats (none left: it can run at once). Its
        views go out first, so no device sees a turn open without its figures."""
        s = self.session
        self.publish()
        if s.live:
            self.hub.open_turn(s.turn, s.seats)
        self.sync(force=True)

    def all_in(self) -> bool:
        return self.hub.phase != "decide" or self.hub.all_in()

    def collect(self) -> dict[str, dict[str, Any]]:
        """The turn runs: each seat's submitted decisions go to the model, in playing order.
        A seat that submitted nothing keeps its standing decisions."""
        taken = self.hub.take_submissions()
        for role in ROLES:
            if role not in taken:
                continue
            try:
                self.session.decide(role, taken[role])
            except SessionError as exc:  # e.g. a role the model plays after a load
                self.refused.append(f"{role}: {exc}")
        return taken

    def step(self) -> bool:
        """Headless play: run the turn once every seat is in; then the years after the
        contract, and the results. Returns True when something moved."""
        s = self.session
        if not self.started or s.finished:
            self.sync()
            return False
        if s.live:
            if not self.all_in():
                self.sync()
                return False
            self.collect()
            s.run_turn()
            self.open_decisions()
            return True
        s.run_after()
        self.sync(force=True)
        return True

    # ------------------------------------------------------------------ views
    def sync(self, force: bool = False) -> bool:
        """Publish new views if the model moved (at most every `PUBLISH_EVERY` seconds while
        months run; at once when a turn opens or the session ends). True if published."""
        s = self.session
        m = s.model
        phase = self._phase()
        key = (id(m), m.month if m else -1, s.turn, s.turn_open, phase, self.hub.turn)
        if key == self._key and not force:
            return False
        turn_moved = self._key is None or key[2:] != self._key[2:] or key[0] != self._key[0]
        if not (force or turn_moved) and self.clock() - self._published_at < PUBLISH_EVERY:
            return False
        self._key = key
        self.publish(None if phase == "decide" else phase)
        return True

    def _phase(self) -> str:
        s = self.session
        if s.model is None:
            return "lobby"
        if s.finished:
            return "over"
        if s.contract_over or s.winding_down:
            return "after"
        return "decide" if self.hub.phase == "decide" else "run"

    def publish(self, phase: str | None = None) -> None:
        s = self.session
        public = views.public_view(s, self.case)
        private = {role: views.private_view(s, role) for role in ROLES} if self.started else {}
        if s.finished and self.results is None:
            self.results = views.results_view(s, self.hub.predictions)
        self.hub.publish(public, private, self.results, phase)
        self._published_at = self.clock()
