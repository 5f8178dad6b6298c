"""Who holds which role: the session code, devices and their tokens, one controller per role,
each team's submitted decisions and predictions, and the views the conductor publishes.

Why a hub of its own, with no model and no network: the rules of a real room (a reload rejoins
its role, two devices cannot act for one role, a late joiner takes a free role, a dropped phone
keeps its seat for a while) are the part most worth testing, and here they are plain method
calls with an injectable clock. The ASGI server calls `hello`/`handle`/`gone` from its thread;
the conductor (the game's thread) calls `open_turn`/`take_submissions`/`publish`. One lock
guards everything; listeners are told of a change outside it.

A team is everyone on a role: one controller (the device that may act) and any viewers (they
see the same private view). A controller that goes away keeps the controls for `grace` seconds,
so a reload or a Wi-Fi drop rejoins as controller; a teammate may take them at once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cislab.game.decisions import ROLES
from cislab.game.net import protocol
from cislab.game.net.protocol import ProtocolError

GRACE_SECONDS = 90.0
MAX_CLIENTS = 300
PHASES = ("lobby", "decide", "run", "after", "over")


@dataclass
class Client:
    token: str
    lang: str = "en"
    name: str = ""
    role: str | None = None
    conn: int | None = None  # the connection it is on now; None: offline
    left_at: float | None = None

    @property
    def online(self) -> bool:
        return self.conn is not None


@dataclass
class Submission:
    turn: int
    values: dict[str, Any]
    at: float
    token: str


@dataclass
class Joined:
    """What `hello` tells the server: the client's token, a connection it replaced (to close),
    and notices for the client (e.g. `role_taken`)."""

    token: str
    replaced: int | None = None
    notices: list[str] = field(default_factory=list)


class Hub:
    def __init__(
        self,
        code: str | None = None,
        grace: float = GRACE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.code = code or new_code()
        self.grace = grace
        self.clock = clock
        self._lock = threading.RLock()
        self._listeners: list[Callable[[], None]] = []
        self.clients: dict[str, Client] = {}
        self._conns: dict[int, str] = {}
        self.controllers: dict[str, str | None] = dict.fromkeys(ROLES)
        self.phase = "lobby"
        self.turn = 0
        self.seats: tuple[str, ...] = ()
        self.humans: tuple[str, ...] = ()  # fixed when the contract starts; () in the lobby
        self.submissions: dict[str, Submission] = {}
        self.predictions: dict[str, dict[str, Any]] = {}
        self.predictions_open = True
        self.public: dict[str, Any] = {}
        self.private: dict[str, dict[str, Any]] = {}
        self.results: dict[str, Any] | None = None
        self.version = 0

    # ------------------------------------------------------------------ listeners
    def subscribe(self, callback: Callable[[], None]) -> None:
        """`callback()` runs (in the changing thread, outside the lock) after every change."""
        self._listeners.append(callback)

    def _changed(self) -> None:
        with self._lock:
            self.version += 1
        for callback in list(self._listeners):
            callback()

    # ------------------------------------------------------------------ connections
    def hello(self, conn: int, msg: protocol.Hello) -> Joined:
        """A device arrives on connection `conn`: a known token rejoins its client (and role);
        else a new client. Raises `ProtocolError` for a wrong code or a full room."""
        if msg.code.strip().upper() != self.code:
            raise ProtocolError("bad_code", "code", msg.code, "the code on the projector")
        with self._lock:
            client = self.clients.get(msg.token) if msg.token else None
            joined = Joined(token="")
            if client is None:
                if len(self.clients) >= MAX_CLIENTS:
                    raise ProtocolError("full", "clients", len(self.clients), f"≤ {MAX_CLIENTS}")
                client = Client(token=secrets.token_urlsafe(18))
                self.clients[client.token] = client
            elif client.conn is not None and client.conn != conn:
                joined.replaced = client.conn  # the same device in another tab, or a stale socket
                self._conns.pop(client.conn, None)
            client.conn, client.left_at = conn, None
            client.lang = msg.lang
            if msg.name is not None:
                client.name = " ".join(msg.name.split())
            self._conns[conn] = client.token
            joined.token = client.token
            if client.role is None and msg.role is not None:
                joined.notices += self._seat(client, msg.role)
            elif client.role is not None and self._free(client.role):
                self.controllers[client.role] = client.token  # its controls fell free meanwhile
        self._changed()
        return joined

    def gone(self, conn: int) -> None:
        """Connection `conn` closed (reload, Wi-Fi, tab closed). Its client keeps its role and,
        for `grace` seconds, its controls."""
        with self._lock:
            token = self._conns.pop(conn, None)
            client = self.clients.get(token) if token else None
            if client is None or client.conn != conn:
                return
            client.conn, client.left_at = None, self.clock()
        self._changed()

    def token_of(self, conn: int) -> str | None:
        with self._lock:
            return self._conns.get(conn)

    # ------------------------------------------------------------------ roles
    def _seat(self, client: Client, role: str) -> list[str]:
        """Put `client` on `role`'s team: its controller if the controls are free."""
        if client.role is not None and self.controllers.get(client.role) == client.token:
            self.controllers[client.role] = None
        client.role = role
        if self._free(role) or self.controllers[role] == client.token:
            self.controllers[role] = client.token
            return []
        return ["role_taken"]

    def _free(self, role: str) -> bool:
        """No device holds the role's controls: none ever did, or its holder left more than
        `grace` seconds ago."""
        holder = self.clients.get(self.controllers[role] or "")
        if holder is None or holder.role != role:
            return True
        return not holder.online and self.clock() - (holder.left_at or 0.0) >= self.grace

    def controller_of(self, role: str) -> Client | None:
        with self._lock:
            token = self.controllers.get(role)
            return self.clients.get(token) if token else None

    def free_roles(self) -> list[str]:
        with self._lock:
            return [r for r in ROLES if self._free(r)]

    # ------------------------------------------------------------------ messages
    def handle(self, conn: int, raw: str | bytes | dict[str, Any]) -> list[dict[str, Any]]:
        """One message from connection `conn`; returns the replies for it (an error reply for
        anything refused: nothing a client sends can raise past here)."""
        try:
            msg = protocol.parse(raw)
            if isinstance(msg, protocol.Ping):
                return [{"type": "pong", "t": msg.t}]
            token = self.token_of(conn)
            if token is None:
                if isinstance(msg, protocol.Hello):
                    joined = self.hello(conn, msg)
                    return [{"type": "welcome", "token": joined.token, "notices": joined.notices}]
                raise ProtocolError("hello_first", "type", msg.type, "hello")
            if isinstance(msg, protocol.Hello):
                raise ProtocolError("hello_twice", "type", msg.type)
            return self._act(token, msg)
        except ProtocolError as exc:
            return [exc.reply()]

    def _act(self, token: str, msg: Any) -> list[dict[str, Any]]:
        notices: list[str] = []
        with self._lock:
            client = self.clients[token]
            if isinstance(msg, protocol.SetLang):
                client.lang = msg.lang
            elif isinstance(msg, protocol.Pick):
                notices = self._seat(client, msg.role)
            elif isinstance(msg, protocol.TakeControl):
                self._take_control(client)
            elif isinstance(msg, protocol.Decide):
                self._submit(client, msg)
            elif isinstance(msg, protocol.Predict):
                self._predict(client, msg)
        self._changed()
        return [{"type": "ack", "what": msg.type, "notices": notices}]

    def _need_controller(self, client: Client) -> str:
        role = client.role
        if role is None:
            raise ProtocolError("no_role", "role", None, ", ".join(ROLES))
        if self.controllers[role] != client.token:
            raise ProtocolError("not_controller", "role", role, "the team's controlling device")
        return role

    def _take_control(self, client: Client) -> None:
        role = client.role
        if role is None:
            raise ProtocolError("no_role", "role", None, ", ".join(ROLES))
        holder = self.controller_of(role)
        if holder is not None and holder.token != client.token and holder.online:
            raise ProtocolError("role_taken", "role", role, "when no device of the team has it")
        self.controllers[role] = client.token

    def _submit(self, client: Client, msg: protocol.Decide) -> None:
        role = self._need_controller(client)
        if self.phase != "decide":
            raise ProtocolError("not_deciding", "phase", self.phase, "decide")
        if role not in self.seats:
            allowed = ", ".join(self.seats) or "none"
            raise ProtocolError("not_your_turn", "role", role, allowed)
        if msg.turn != self.turn:
            raise ProtocolError("stale_turn", "turn", msg.turn, str(self.turn))
        values = protocol.check_decisions(role, msg.values)
        self.submissions[role] = Submission(self.turn, values, self.clock(), client.token)

    def _predict(self, client: Client, msg: protocol.Predict) -> None:
        role = self._need_controller(client)
        if not self.predictions_open:
            raise ProtocolError("predictions_closed", "phase", self.phase, "lobby")
        self.predictions[role] = msg.answers.model_dump(exclude_none=True)

    # ------------------------------------------------------------------ the conductor's side
    def occupied(self) -> list[str]:
        """Roles a team holds now (a controller online or within its grace), in playing order."""
        with self._lock:
            return [r for r in ROLES if not self._free(r)]

    def start(self, humans: list[str]) -> None:
        """The contract starts: `humans` are the teams' roles from now on; predictions close."""
        with self._lock:
            self.humans = tuple(r for r in ROLES if r in humans)
            self.predictions_open = False
        self._changed()

    def new_round(self) -> None:
        """Another session in the same room: devices keep their roles and controls; the phase,
        decisions, predictions and results start afresh."""
        with self._lock:
            self.phase, self.turn, self.seats, self.humans = "lobby", 0, (), ()
            self.submissions, self.predictions = {}, {}
            self.predictions_open = True
            self.public, self.private, self.results = {}, {}, None
        self._changed()

    def open_turn(self, turn: int, seats: list[str]) -> None:
        """Teams on `seats` decide for `turn`; submissions of another turn are dropped."""
        with self._lock:
            self.phase, self.turn, self.seats = "decide", turn, tuple(seats)
            self.submissions = {r: s for r, s in self.submissions.items() if s.turn == turn}
        self._changed()

    def status(self, role: str) -> str:
        """Where a seat stands: submitted, deciding (its device is here), away (gone, within
        grace), empty (nobody holds it: the standing decisions carry on)."""
        with self._lock:
            if role in self.submissions and self.submissions[role].turn == self.turn:
                return "submitted"
            holder = self.controller_of(role)
            if holder is None or self._free(role):
                return "empty"
            return "deciding" if holder.online else "away"

    def all_in(self) -> bool:
        """Every seat has submitted or is empty: the turn can run without waiting."""
        with self._lock:
            return all(self.status(r) in ("submitted", "empty") for r in self.seats)

    def take_submissions(self) -> dict[str, dict[str, Any]]:
        """The seats' decisions for the turn, in playing order; the turn now runs."""
        with self._lock:
            taken = {
                r: dict(self.submissions[r].values)
                for r in ROLES
                if r in self.seats and r in self.submissions
            }
            self.submissions.clear()
            self.phase, self.seats = "run", ()
        self._changed()
        return taken

    def publish(
        self,
        public: dict[str, Any],
        private: dict[str, dict[str, Any]],
        results: dict[str, Any] | None = None,
        phase: str | None = None,
    ) -> None:
        """New views from the model (the conductor reads them; clients only ever see these),
        with the phase they belong to, in one change."""
        if phase is not None and phase not in PHASES:
            raise ValueError(f"phase {phase!r}: allowed {', '.join(PHASES)}")
        with self._lock:
            self.public, self.private, self.results = public, private, results
            if phase is not None and phase != self.phase:
                self.phase = phase
                if phase != "decide":
                    self.seats = ()
        self._changed()

    # ------------------------------------------------------------------ what a client sees
    def teams(self) -> list[dict[str, Any]]:
        with self._lock:
            out = []
            for role in ROLES:
                members = [c for c in self.clients.values() if c.role == role]
                holder = self.controller_of(role)
                out.append(
                    {
                        "role": role,
                        "members": len(members),
                        "online": sum(c.online for c in members),
                        "held": not self._free(role),
                        "controller_online": bool(holder and holder.online),
                        "human": role in self.humans if self.humans else not self._free(role),
                        "status": self.status(role) if role in self.seats else "",
                        "predicted": role in self.predictions,
                    }
                )
            return out

    def view(self, token: str) -> dict[str, Any]:
        """The whole state message for one client: its seat, the teams, the public view, its
        role's private view and what its team submitted."""
        with self._lock:
            client = self.clients[token]
            role = client.role
            sub = self.submissions.get(role or "")
            return {
                "type": "state",
                "v": self.version,
                "code": self.code,
                "phase": self.phase,
                "turn": self.turn,
                "seats": list(self.seats),
                "you": {
                    "role": role,
                    "controller": role is not None and self.controllers[role] == token,
                    "name": client.name,
                    "lang": client.lang,
                },
                "teams": self.teams(),
                "public": self.public,
                "private": self.private.get(role) if role else None,
                "submitted": sub.values if sub is not None and sub.turn == self.turn else None,
                "predictions": self.predictions.get(role) if role else None,
                "predictions_open": self.predictions_open,
                "results": self.results,
            }


def new_code(length: int = protocol.CODE_LENGTH) -> str:
    """A short session code to read off the projector (no 0/O, no 1/I)."""
    return "".join(secrets.choice(protocol.CODE_CHARS) for _ in range(length))
