"""The model runs in game.worker's thread while frames go on (issue 10: no frame over 50 ms while
the model runs); the results are the same as when it runs inside the frames."""

from __future__ import annotations

import threading
import time

import pytest
from cislab.game.app import SPEEDS
from cislab.game.scenes.registry import make
from cislab.game.session import Session
from cislab.game.worker import Worker


def play_through(d, threaded: bool) -> Session:
    app = d.app
    app.worker = Worker(threaded=threaded)
    s = Session("default", seed=5)
    s.start()
    app.session = s
    app.speed_index = len(SPEEDS) - 1
    app.stack.replace(make("play", app))
    # Bounded in real time, not in frames: the worker's months take real time on a busy machine.
    end = time.monotonic() + 300
    while app.stack.top.name == "play" and time.monotonic() < end:
        d.pump()
        time.sleep(0.001)
    after = app.stack.top
    assert after.name == "after"
    while app.stack.top.name != "debrief" and time.monotonic() < end:
        d.pump()
        if app.stack.top.name == "after" and not app.worker.busy:
            after.to_debrief()  # plays the years left in the worker, then opens the debrief
        time.sleep(0.001)
    assert app.stack.top.name == "debrief"
    return s


def test_threaded_runs_give_the_same_results(make_app):
    sync = play_through(make_app(lang="en"), threaded=False)
    threaded = play_through(make_app(lang="en"), threaded=True)
    assert threaded.result().summary == sync.result().summary
    assert threaded.journal == sync.journal
    assert threaded.result().ledger.equals(sync.result().ledger)


def test_a_job_runs_beside_the_frames_and_its_end_is_never_lost():
    w = Worker(threaded=True)
    gate, seen = threading.Event(), []
    w.start(gate.wait, lambda: seen.append("first"))
    assert w.busy and w.poll()  # still running: the frame goes on
    with pytest.raises(RuntimeError):
        w.start(lambda: None)
    gate.set()
    while w.busy:
        time.sleep(0.001)
    w.start(lambda: None, lambda: seen.append("second"))  # finishes the first job first
    w.wait()
    assert seen == ["first", "second"]


def test_an_error_in_a_job_reaches_the_game():
    w = Worker(threaded=True)
    w.start(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        w.wait()
