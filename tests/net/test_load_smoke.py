"""The load benchmark keeps working (a small room: 6 devices, 2 turns) and its figures are sane."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_load_benchmark_runs_a_small_room():
    out = subprocess.run(
        [sys.executable, "benchmarks/net_load.py", "--clients", "6", "--turns", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["clients"] == 6 and report["turns"] == 2
    seen = report["decision_to_screen"]
    assert seen["n"] == 6 * 3 * 2  # every device saw every team's decisions, each turn
    assert 0 < seen["median_ms"] <= seen["p95_ms"] <= seen["max_ms"] < 5000
    assert report["turn_to_screen"]["n"] == 6 * 2
