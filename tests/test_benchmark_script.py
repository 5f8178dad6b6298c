"""The scale benchmark runs at a tiny size and reports every figure it promises.

Timings are measured, never asserted: this only checks that the script runs end to end, that
its figures are finite and positive, and that the model and the yardstick did comparable work
on the scaled scenario (most people served, similar client-months).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from scaled import scaled_overrides  # noqa: E402


def test_scaled_scenario_grows_caseworkers_and_money_together():
    small, large = scaled_overrides(10_000), scaled_overrides(100_000)
    assert (small["operator.caseworkers"], large["operator.caseworkers"]) == (55, 550)
    ratio = large["investor.capital"] / small["investor.capital"]
    assert ratio == large["operator.caseworkers"] / small["operator.caseworkers"]


def test_benchmark_runs_at_a_tiny_size():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "1000", "--repeats",
         "1", "--national-runs", "1", "--table"],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    lines = out.stdout.strip().splitlines()
    size, national = json.loads(lines[0]), json.loads(lines[1])
    for key in (
        "eligible_person_months_per_s",
        "eligible_person_months_per_s_with_build",
        "served_client_months_per_s",
        "served_client_months_per_s_with_build",
        "build_s",
        "run_s",
        "create_agents_s",
        "yardstick_run_s",
        "ratio_run",
        "ratio_with_build",
        "rss_peak_mib",
    ):
        assert math.isfinite(size[key]) and size[key] > 0, key
    assert size["eligible"] == 1000 and size["months"] == 49
    assert size["enrolled"] >= 0.8 * 1000  # most people served, at this size too
    assert abs(size["yardstick_enrolled"] - size["enrolled"]) <= 0.05 * size["enrolled"]
    assert (
        abs(size["yardstick_client_months"] - size["client_months"]) <= 0.05 * size["client_months"]
    )
    assert national["national"] == "france_cis_programme" and national["months"] > 100
    assert national["whole_process_s"] > 0 and national["rss_peak_mib"] > 0
    assert "| 1,000 | 49 |" in out.stdout


def test_bad_size_is_one_line_exit_2():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "10"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 2
    assert "--sizes 10: allowed whole numbers ≥ 1000" in out.stderr
