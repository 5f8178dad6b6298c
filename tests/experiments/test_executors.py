"""Same seeds, same numbers: in this process, in a process pool and on a Dask LocalCluster."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from cislab.experiments.executors import ProcessExecutor
from cislab.experiments.plan import load_plan
from cislab.experiments.runner import WorkerLost, sweep
from cislab.experiments.storage import read_results

# 2 factors × 20 seeds (the "done when"), on a small population and 8 months so it
# stays cheap while the operator still has a pool to cream from.
FACTORS = {
    "contract.selection": ["operator", "random_referral"],
    "contract.metric": ["binary", "frequency"],
}


def _results(out) -> pd.DataFrame:
    frame = read_results(out)
    return frame.drop(columns=["elapsed_s"]).reset_index(drop=True)


def test_inline_processes_and_dask_local_give_identical_rows(write_experiment, tmp_path):
    plan = load_plan(
        write_experiment(factors=FACTORS, seeds=20, fixed={"population.size": 1000}, months=8)
    )
    assert plan.total == 80
    inline = sweep(plan, tmp_path / "inline", workers=1)
    pool = ProcessExecutor(2)
    try:
        processes = sweep(plan, tmp_path / "pool", executor=pool)
        # A run that raises inside a worker process is recorded too; the sweep goes on.
        failing = replace(plan, runner="tests.experiments.helpers:explode_on_seed_2")
        with_errors = sweep(failing, tmp_path / "errors", executor=pool)
    finally:
        pool.close()
    dask = sweep(plan, tmp_path / "dask", dask_local=2)
    assert (inline.executor, processes.executor, dask.executor) == (
        "inline",
        "processes",
        "dask-local(2)",
    )
    assert inline.done == processes.done == dask.done == 80
    reference = _results(tmp_path / "inline")
    pool_rows = _results(tmp_path / "pool")
    assert (pool_rows["status"] == "ok").all(), pool_rows.filter(like="error").head(3).to_dict()
    assert len(reference) == 80 and (reference["status"] == "ok").all()
    pd.testing.assert_frame_equal(_results(tmp_path / "pool"), reference)
    pd.testing.assert_frame_equal(_results(tmp_path / "dask"), reference)
    # Not a degenerate design: seeds differ, and the operator creams where it selects.
    assert reference["creaming_index"].nunique() > 60
    by_rule = reference.groupby("contract.selection")["creaming_index"].mean()
    assert by_rule["operator"] > by_rule["random_referral"] + 0.05

    assert with_errors.done == 80 and with_errors.failed == 4
    errors = read_results(tmp_path / "errors")
    assert sorted(errors.loc[errors["status"] == "error", "seed"]) == [2, 2, 2, 2]
    ok = errors[errors["status"] == "ok"].drop(columns=["elapsed_s", "error"])
    expected = reference[reference["seed"] != 2].drop(columns=["error"])
    # (integer metrics are floats there: the failed rows leave them null)
    pd.testing.assert_frame_equal(
        ok.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )


def test_a_running_dask_scheduler_is_reached_by_address(write_experiment, tmp_path):
    from distributed import LocalCluster

    plan = load_plan(write_experiment(factors={"contract.audit_rate": [0.0, 1.0]}, seeds=2))
    # A scheduler reached over TCP on loopback, as a remote one would be.
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        report = sweep(plan, tmp_path / "out", dask=cluster.scheduler_address)
    assert report.executor.startswith("dask(tcp://127.0.0.1:") and report.done == 4
    assert len(read_results(tmp_path / "out")) == 4


def test_a_dead_worker_stops_the_sweep_with_its_runs_missing_not_failed(write_experiment, tmp_path):
    plan = load_plan(write_experiment(factors={"contract.audit_rate": [0.0]}, seeds=4))
    plan = replace(plan, runner="tests.experiments.helpers:die_on_seed_2")
    pool = ProcessExecutor(1)
    try:
        with pytest.raises(WorkerLost):
            sweep(plan, tmp_path / "out", executor=pool, chunk=1)
    finally:
        pool.close()
    frame = read_results(tmp_path / "out")
    assert set(frame["seed"]) <= {0, 1} and (frame["status"] == "ok").all()  # seed 2: missing
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["sessions"][-1]["status"] == "worker_lost"
