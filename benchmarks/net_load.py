"""Load test of `cislab host`: N simulated devices (30 by default, 100 at most) on loopback
websockets, a whole room of three teams, measuring decision-to-screen latency.

The server and a game loop at 60 frames a second run in this process (`HeadlessHost`, the same
path as under pygame: a decision is queued in the hub, the loop publishes, every device gets
its view). Devices: one controller per role, the rest viewers spread over the three teams.

- decision → screens: from a controller sending its decisions until each of the N devices
  shows that team as "sent" (every phone in the room, the other teams' included; for the
  last team, the view that shows the turn under way);
- turn → screens: from the last team's decisions until each device shows the next turn open
  (the turn is collected, the model runs it, views are built and sent).

Bounded: at most `--turns` turns, every wait times out (`--timeout` s) and the whole run stops
after `--budget` s; only 127.0.0.1 is ever contacted.

    .venv/bin/python benchmarks/net_load.py [--clients 30] [--turns 6]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROLES = ("state", "investor", "operator")
DECISIONS = {
    "state": {"audit_rate": 0.2, "referral_rule": "need_first", "audit_now": False},
    "investor": {"pressure": "moderate", "tranches": "release", "exit": False},
    "operator": {"targeting": "own", "effort": "standard", "mission_weight": 0.6},
}
MAX_CLIENTS = 100


class Device:
    def __init__(self, number: int, role: str) -> None:
        self.number = number
        self.role = role
        self.view: dict = {}
        self.sent_seen: dict[tuple[int, str], float] = {}
        self.pending: set[tuple[int, str]] = set()
        self.turn_seen: dict[int, float] = {}
        self.messages = 0
        self.bytes = 0
        self.controller = False
        self.ws = None

    async def run(self, url: str, code: str, ready: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        async with connect(url, max_size=2**22) as ws:
            self.ws = ws
            await ws.send(json.dumps({"type": "hello", "code": code, "role": self.role}))
            ready.set()
            async for raw in ws:
                now = time.perf_counter()
                self.messages += 1
                self.bytes += len(raw)
                msg = json.loads(raw)
                if msg.get("type") != "state":
                    continue
                self.view = msg
                self.controller = msg["you"]["controller"]
                if msg["phase"] == "decide":
                    self.turn_seen.setdefault(msg["turn"], now)
                status = {team["role"]: team["status"] for team in msg["teams"]}
                for turn, role in list(self.pending):
                    # the screen shows the team as "sent", or already the turn it went into
                    shown = msg["turn"] > turn or msg["phase"] != "decide"
                    if shown or (msg["turn"] == turn and status[role] == "submitted"):
                        self.sent_seen[(turn, role)] = now
                        self.pending.discard((turn, role))

    async def send(self, msg: dict) -> None:
        await self.ws.send(json.dumps(msg))


async def wait_for(check, timeout: float, what: str) -> None:
    end = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def room(host, clients: int, turns: int, timeout: float) -> dict:
    url = f"ws://127.0.0.1:{host.server.port}/ws"
    devices = [Device(i, ROLES[i % 3]) for i in range(clients)]
    tasks = []
    for d in devices:  # one after the other: the first on each role becomes its controller
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(d.run(url, host.hub.code, ready)))
        await asyncio.wait_for(ready.wait(), timeout)
        await wait_for(lambda d=d: d.view, timeout, f"device {d.number}'s first view")
    controllers = {r: next(d for d in devices if d.role == r and d.controller) for r in ROLES}
    for role, d in controllers.items():
        await d.send({"type": "predict", "answers": {"creaming": "yes", "note": role}})
    await wait_for(lambda: len(host.hub.predictions) == 3, timeout, "predictions")
    host.begin()
    decision, turn_latency, played = [], [], 0
    try:
        while played < turns:
            turn = host.hub.turn
            await wait_for(
                lambda t=turn: all(t in d.turn_seen for d in devices), timeout, f"turn {turn} open"
            )
            seats = list(host.hub.seats)
            if not seats or host.hub.phase != "decide":
                break
            last_sent = 0.0
            for role in seats:
                for d in devices:
                    d.pending.add((turn, role))
                sent = time.perf_counter()
                last_sent = sent
                await controllers[role].send(
                    {"type": "decide", "turn": turn, "values": DECISIONS[role]}
                )
                await wait_for(
                    lambda t=turn, r=role: all((t, r) in d.sent_seen for d in devices),
                    timeout,
                    f"{role}'s decisions on every screen",
                )
                decision += [d.sent_seen[(turn, role)] - sent for d in devices]
                await asyncio.sleep(0.05)
            played += 1
            if not host.conductor.session.live:
                break
            nxt = turn + 1
            try:
                await wait_for(
                    lambda n=nxt: all(n in d.turn_seen for d in devices), timeout, "next"
                )
            except TimeoutError:
                if host.conductor.session.live:
                    raise
                break  # the contract ended with that turn
            turn_latency += [d.turn_seen[nxt] - last_sent for d in devices]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "clients": clients,
        "turns": played,
        "decision_to_screen": quantiles(decision),
        "turn_to_screen": quantiles(turn_latency) if turn_latency else None,
        "messages_per_device": round(statistics.mean(d.messages for d in devices), 1),
        "kb_per_device": round(statistics.mean(d.bytes for d in devices) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--timeout", type=float, default=15.0)
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--scenario", default="default")
    args = parser.parse_args()
    if not 3 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients {args.clients}: allowed 3 to {MAX_CLIENTS}")
    from cislab.game.net.headless import HeadlessHost

    with HeadlessHost(args.scenario, seed=0, turn="quarter", host="127.0.0.1") as host:
        started = time.perf_counter()
        report = asyncio.run(
            asyncio.wait_for(room(host, args.clients, args.turns, args.timeout), args.budget)
        )
        report["seconds"] = round(time.perf_counter() - started, 1)
        report["frames"] = host.frames
        if host.error is not None:
            raise host.error
    print(json.dumps(report))


if __name__ == "__main__":
    main()
