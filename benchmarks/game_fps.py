"""Frames per second of the play screen at 1280×720 with 2,000 people on the field, and memory.

Cases, each timed over a fixed number of frames with no frame cap:
- `deciding`: a human's turn (the field is cached, widgets and charts redraw every frame);
- `running`: the model steps at 12 months a second (the field is redrawn every month);
- `running_max`: the model at full speed, turn after turn (each turn's end keeps its snapshot);
- `after`: the years after the contract at full speed, then on to the debrief (later contracts
  in other territories are simulated person by person: the heaviest months of all);
- `worst`: the whole field is redrawn every frame (an upper bound on drawing cost).
Goal: ≥ 60 fps, and no frame over 50 ms while the model runs (issue 10): the model runs in
game.worker's thread. `--sync` runs it inside the frames instead, as before (for comparison).
Prints one JSON line per case, then memory (tracemalloc peak of the Python heap and the
process's peak RSS). Runs headless (SDL dummy driver).

    .venv/bin/python benchmarks/game_fps.py [--frames 300] [--sync]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--memory", action="store_true", help="trace the Python heap (slower)")
    parser.add_argument("--sync", action="store_true", help="run the model inside the frames")
    args = parser.parse_args()
    if args.memory:
        tracemalloc.start()
    import numpy as np
    from cislab.game.app import SPEEDS, App
    from cislab.game.scenes.play import PlayScene
    from cislab.game.scenes.registry import make
    from cislab.game.session import Session

    app = App(lang="en", window=(1280, 720), threaded=not args.sync)
    app.fps_limit = 0
    session = Session("default", seed=0)
    session.set_roles(["operator"])
    session.begin_negotiation()
    session.settle_ai_moves()
    session.start()
    for _ in range(4):  # a quarter-filled field, with served people and outcomes to draw
        session.run_turn()
    app.session = session
    scene = PlayScene(app)
    app.stack.replace(scene)
    people = int(scene.field.people.size) if scene.field.model else 0
    app.frame()
    people = int(scene.field.people.size)

    def timed(case: str, setup=None, each=None, until=None, frames=None) -> None:
        if setup:
            setup()
        times = []
        start = time.perf_counter()
        for _ in range(frames or args.frames):
            t = time.perf_counter()
            if each:
                each()
            app.frame(dt=1 / 60)
            times.append(time.perf_counter() - t)
            if until is None and app.stack.top is not scene:
                break
            if until is not None and until():
                break
        elapsed = time.perf_counter() - start
        print(
            json.dumps(
                {
                    "case": case,
                    "resolution": "1280x720",
                    "people_on_screen": people,
                    "model": "inside the frames" if args.sync else "worker thread",
                    "frames": len(times),
                    "fps": round(len(times) / elapsed, 1),
                    "p95_frame_ms": round(float(np.percentile(times, 95)) * 1000, 1),
                    "slowest_frame_ms": round(max(times) * 1000, 1),
                }
            )
        )

    timed("deciding")

    def run_mode() -> None:
        scene.end_seat()
        app.speed_index = 3  # 12 months a second

    timed("running", setup=run_mode)

    def full_speed() -> None:
        app.speed_index = len(SPEEDS) - 1

    timed("running_max", setup=full_speed, until=lambda: not session.live)

    def to_after() -> None:
        app.worker.wait()
        while session.in_contract:
            session.step_month()
        session.close_turn()
        after = make("after", app)
        app.stack.replace(after)
        after.auto = True

    def in_debrief() -> bool:
        top = app.stack.top
        if top.name == "after" and not top.years_left and not app.worker.busy:
            top.to_debrief()
        return top.name == "debrief"

    timed("after", setup=to_after, until=in_debrief, frames=200_000)  # to the debrief
    app.worker.wait()
    app.stack.replace(scene)
    scene.phase = "decide"

    def force_redraw() -> None:
        scene.field._key = None

    timed("worst", each=force_redraw)
    _, peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"python_heap_peak_mb": round(peak / 2**20, 1), "peak_rss_mb": round(rss, 1)}))


if __name__ == "__main__":
    main()
