"""Same seeds, same numbers: in this process, in a process pool and on a Dask LocalCluster."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from experiments.plan import load_plan
from experiments.runner import sweep
from experiments.storage import read_results

# 2 factors × 20 seeds (the "done when"), on a tiny population so it stays cheap.
FACTORS = {
    "contract.selection": ["operator", "random_referral"],
    "contract.metric": ["binary", "frequency"],
}


def _results(out) -> pd.DataFrame:
    frame = read_results(out)
    return frame.drop(columns=["elapsed_s"]).reset_index(drop=True)


def test_inline_processes_and_dask_local_give_identical_rows(write_experiment, tmp_path):
    plan = load_plan(
        write_experiment(factors=FACTORS, seeds=20, fixed={"population.size": 1000}, months=12)
    )
    assert plan.total == 80
    inline = sweep(plan, tmp_path / "inline", workers=1)
    pool = sweep(plan, tmp_path / "pool", workers=2)
    dask = sweep(plan, tmp_path / "dask", dask_local=2)
    assert (inline.executor, pool.executor) == ("inline", "processes")
    assert dask.executor == "dask-local(2)"
    assert inline.done == pool.done == dask.done == 80
    reference = _results(tmp_path / "inline")
    assert len(reference) == 80 and (reference["status"] == "ok").all()
    pd.testing.assert_frame_equal(_results(tmp_path / "pool"), reference)
    pd.testing.assert_frame_equal(_results(tmp_path / "dask"), reference)
    # Not a degenerate design: seeds differ, and the operator creams where it selects.
    assert reference["creaming_index"].nunique() == 80
    by_rule = reference.groupby("contract.selection")["creaming_index"].mean()
    assert by_rule["operator"] > by_rule["random_referral"] + 0.03


def test_errors_are_recorded_in_worker_processes_too(write_experiment, tmp_path):
    plan = load_plan(write_experiment(factors={"contract.audit_rate": [0.0, 1.0]}, seeds=4))
    plan = replace(plan, runner="tests.experiments.helpers:explode_on_seed_2")
    report = sweep(plan, tmp_path / "out", workers=2)
    assert report.done == 8 and report.failed == 2
    frame = read_results(tmp_path / "out")
    assert sorted(frame.loc[frame["status"] == "error", "seed"]) == [2, 2]
