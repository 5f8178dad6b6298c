"""The model runs beside the frames, never inside one.

Why: a month of the model takes 1–170 ms (a cohort's evaluation, a later contract starting in
another territory), a turn at full speed or a year after the contract far more, and the end of a
turn keeps a snapshot for undo (up to 150 ms). Run in the frame, that froze the screen for a
frame of 110–600 ms. So the scenes hand such work to a `Worker`: one background thread, one job
at a time. The job takes `lock` around each month it runs; the game draws the scene only when it
can take the lock at once, and otherwise shows the scene as last drawn (widgets, the clock and the
toast stay live), so a half-made month is never drawn and no frame waits for the model.

`threaded=False` runs each job at once in the caller (tests and autoplay, which count frames);
the results are the same either way: the same calls in the same order.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext


class Worker:
    def __init__(self, threaded: bool = True) -> None:
        self.threaded = threaded
        self.lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._done: Callable[[], None] | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def guard(self) -> AbstractContextManager:
        """What a job holds around each month it runs (nothing when not threaded)."""
        return self.lock if self.threaded else nullcontext()

    def start(self, job: Callable[[], None], done: Callable[[], None] | None = None) -> None:
        """Run `job` (in the background when threaded); `done` runs later in the game's own
        thread (`poll`), where widgets may be touched. One job at a time."""
        if self.poll():  # a job that has ended is finished first (its `done` is never lost)
            raise RuntimeError("the model is already running a job")
        self._error = None
        if not self.threaded:
            job()
            if done is not None:
                done()
            return
        self._done = done

        def run() -> None:
            try:
                job()
            except BaseException as exc:  # re-raised in the game's thread by `poll`
                self._error = exc

        self._thread = threading.Thread(target=run, name="cislab-model", daemon=True)
        self._thread.start()

    def poll(self) -> bool:
        """Once per frame: finish a job that has ended (its `done`, or its error). True while a
        job is still running."""
        if self.busy:
            return True
        if self._thread is not None:
            self._thread = None
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            done, self._done = self._done, None
            if done is not None:
                done()
        return False

    def wait(self) -> None:
        """Let the job under way finish (before a move that changes the model: undo, save…)."""
        if self._thread is not None:
            self._thread.join()
        self.poll()


def settle_memory() -> None:
    """Collect once, then set everything alive aside from the collector (`gc.freeze`).

    Why: a model holds hundreds of thousands of objects; a full collection walks them all and
    stops every thread for 80 ms or more — a frame over 50 ms in the middle of a turn. Called as
    a scene that runs the model opens (a moment where one slow frame is a scene change), it
    leaves later collections only the objects made since. What was set aside is given back to
    the collector first, so nothing stays frozen longer than a scene."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
