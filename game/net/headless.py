"""A hosted session with no pygame: the server thread plus a loop thread that plays the game's
part (the tests drive browsers against it; the load benchmark drives websockets).

The loop thread stands where the facilitator's screen stands in `cislab host`: it alone touches
the session, at `tick` intervals (a frame), so a decision reaches the model and the screens
exactly as it does under pygame. `begin()` is the facilitator's "start the contract".
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from cislab.game.net.conductor import Conductor
from cislab.game.net.hub import Hub
from cislab.game.net.server import ServerThread
from cislab.game.session import Session
from cislab.model.schema import Scenario

FRAME = 1 / 60


class HeadlessHost:
    def __init__(
        self,
        scenario: str | Path | Scenario = "default",
        seed: int = 0,
        turn: str = "year",
        host: str = "127.0.0.1",
        port: int = 0,
        code: str | None = None,
        tick: float = FRAME,
    ) -> None:
        self.hub = Hub(code=code)
        self.conductor = Conductor(Session(scenario, seed=seed), self.hub, turn=turn)
        self.server = ServerThread(self.hub, host=host, port=port)
        self.tick = tick
        self._begin = threading.Event()
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self.frames = 0
        self.loop = threading.Thread(target=self._run, name="cislab-game", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}/?code={self.hub.code}"

    def start(self) -> HeadlessHost:
        self.server.start()
        self.loop.start()
        return self

    def begin(self) -> None:
        """The facilitator starts the contract (at the loop's next frame)."""
        self._begin.set()

    def stop(self) -> None:
        self._stop.set()
        self.loop.join(5)
        self.server.stop()

    def __enter__(self) -> HeadlessHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._begin.is_set() and not self.conductor.started:
                    self.conductor.start()
                self.conductor.step()
                self.frames += 1
                time.sleep(self.tick)
        except BaseException as exc:  # surfaced to the test that drives us
            self.error = exc
            raise
