"""Interrupted sweeps resume: after Ctrl-C and after kill -9, the same command finishes the job
with exactly one row per (point_id, seed) — none lost, none doubled — and the same numbers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from cislab.experiments.plan import load_plan
from cislab.experiments.storage import JOURNAL
from cislab.experiments.worker import simulate

# `cislab` as this interpreter runs it (no reliance on the console script being on PATH).
CISLAB = [sys.executable, "-c", "from cislab.cli import app; app()"]
SEEDS = 60
FACTORS = {"contract.selection": ["operator", "random_referral"]}


def rows_on_disk(out: Path) -> int:
    """Rows durable so far: Parquet parts plus complete journal lines."""
    parts = sorted((out / "results").glob("part-*.parquet")) if (out / "results").is_dir() else []
    in_parts = sum(len(pd.read_parquet(p, columns=["seed"])) for p in parts)
    journal = out / JOURNAL
    lines = journal.read_text().count("\n") if journal.is_file() else 0
    return in_parts + lines


def start(experiment: Path, out: Path, workers: int = 2) -> subprocess.Popen:
    args = ["--workers", str(workers), "--out", str(out), "--no-figures"]
    return subprocess.Popen(
        [*CISLAB, "sweep", str(experiment), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so the kill reaches its workers too
    )


def wait_for_rows(out: Path, at_least: int, proc: subprocess.Popen, limit_s: float = 120) -> int:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        n = rows_on_disk(out)
        if n >= at_least:
            return n
        assert proc.poll() is None, f"sweep ended early: {proc.communicate()}"
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} rows after {limit_s} s")


def test_ctrl_c_then_kill_9_then_resume_gives_every_row_once(write_experiment, tmp_path):
    experiment = write_experiment(
        factors=FACTORS, seeds=SEEDS, fixed={"population.size": 1000}, months=8
    )
    out = tmp_path / "out"
    total = 2 * SEEDS

    # 1. Ctrl-C: finished runs are kept, the exit code says "interrupted", the folder is clean.
    first = start(experiment, out)
    wait_for_rows(out, 10, first)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 130, err
    assert "interrupted" in err and "run the same command to resume" in err
    after_ctrl_c = rows_on_disk(out)
    assert 10 <= after_ctrl_c < total
    assert (out / JOURNAL).read_text() == ""  # everything reached Parquet

    # 2. kill -9 of the whole process group, mid-run.
    second = start(experiment, out)
    wait_for_rows(out, after_ctrl_c + 10, second)
    os.killpg(second.pid, signal.SIGKILL)
    second.communicate(timeout=60)
    after_kill = rows_on_disk(out)
    assert after_ctrl_c + 10 <= after_kill < total

    # 3. The same command finishes the job (in one process here: quicker to start).
    third = start(experiment, out, workers=1)
    _, err = third.communicate(timeout=300)
    assert third.returncode == 0, err

    frame = pd.read_parquet(out / "results")
    keys = frame.groupby(["point_id", "seed"]).size()
    assert len(frame) == total and len(keys) == total and keys.max() == 1
    assert (frame["status"] == "ok").all()
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    # The killed session could not record its end: the resume closed it (issue 9).
    assert [s["status"] for s in sessions] == ["interrupted", "interrupted", "complete"]
    assert sessions[1]["closed_on_resume"] is True and "closed_on_resume" not in sessions[0]
    assert sessions[2]["runs_done"] == total - after_kill

    # Same numbers as a bare run, for rows written in each of the three sessions.
    plan = load_plan(experiment)
    for point_id, seed in [(0, 0), (1, SEEDS // 2), (1, SEEDS - 1)]:
        got = frame[(frame["point_id"] == point_id) & (frame["seed"] == seed)].iloc[0]
        bare = simulate(plan.bases[0], seed, plan.points[point_id].overrides, plan.months)
        assert got["creaming_index"] == bare["creaming_index"]
        assert got["outcome_payments"] == bare["outcome_payments"]
