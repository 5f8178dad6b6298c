"""Sweeps: one row per (point, seed) with factors and metrics, resumable, failures recorded."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from cislab.experiments.plan import load_plan
from cislab.experiments.runner import sweep
from cislab.experiments.spec import ExperimentError
from cislab.experiments.storage import read_results
from cislab.experiments.worker import simulate

from tests.experiments.helpers import FAILING_SEED

FACTORS = {"contract.selection": ["operator", "random_referral"]}


def test_rows_carry_key_factors_and_metrics_and_match_a_bare_run(write_experiment, tmp_path):
    plan = load_plan(write_experiment(factors=FACTORS, seeds=2))
    report = sweep(plan, tmp_path / "out", workers=1)
    assert report.complete and report.done == 4 and report.failed == 0
    frame = read_results(tmp_path / "out")
    assert len(frame) == 4
    assert {"point_id", "seed", "contract.selection", "status", "creaming_index"} <= set(frame)
    assert set(zip(frame["point_id"], frame["seed"], strict=True)) == {
        (p, s) for p in (0, 1) for s in (0, 1)
    }
    bare = simulate(plan.bases[0], 1, {"contract.selection": "random_referral"}, plan.months)
    got = frame[(frame["point_id"] == 1) & (frame["seed"] == 1)].iloc[0]
    assert got["contract.selection"] == "random_referral"
    for key in ("creaming_index", "public_savings", "enrolled", "outcome_payments"):
        assert got[key] == bare[key]


def test_manifest_records_versions_scenario_hash_seeds_and_sessions(write_experiment, tmp_path):
    plan = load_plan(write_experiment(factors=FACTORS, seeds=2))
    sweep(plan, tmp_path / "out", workers=1)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["scenario_hash"] == plan.scenario_hash()
    assert manifest["seeds"] == [0, 1]
    assert manifest["created"]
    session = manifest["sessions"][0]
    assert session["status"] == "complete" and session["runs_done"] == 4
    assert session["started"] and session["finished"]
    assert session["versions"]["mesa"] == "3.5.1" and session["versions"]["numpy"]
    assert len(manifest["points"]) == 2


def test_resuming_does_only_what_is_missing_and_more_seeds_extend(write_experiment, tmp_path):
    out = tmp_path / "out"
    plan = load_plan(write_experiment(factors=FACTORS, seeds=2))
    sweep(plan, out, workers=1)
    again = sweep(plan, out, workers=1)
    assert again.already_done == 4 and again.done == 0
    more = sweep(replace(plan, seeds=[0, 1, 2]), out, workers=1)
    assert more.already_done == 4 and more.done == 2
    frame = pd.read_parquet(out / "results")
    assert len(frame) == 6
    assert frame.groupby(["point_id", "seed"]).size().max() == 1
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["runs_done"] for s in sessions] == [4, 0, 2]


def test_a_failing_run_is_recorded_with_its_seed_and_the_sweep_goes_on(write_experiment, tmp_path):
    plan = load_plan(write_experiment(factors=FACTORS, seeds=4))
    plan = replace(plan, runner="tests.experiments.helpers:explode_on_seed_2")
    report = sweep(plan, tmp_path / "out", workers=1)
    assert report.done == 8 and report.failed == 2
    assert {(p, s) for p, s, _ in report.errors} == {(0, FAILING_SEED), (1, FAILING_SEED)}
    frame = read_results(tmp_path / "out")
    failed = frame[frame["status"] == "error"]
    assert sorted(failed["seed"]) == [FAILING_SEED, FAILING_SEED]
    assert (failed["error"] == f"ValueError: boom at seed {FAILING_SEED} second line").all()
    assert failed["creaming_index"].isna().all()
    assert frame.loc[frame["status"] == "ok", "creaming_index"].notna().sum() == 6


def test_a_folder_holding_another_design_is_refused_before_any_run(write_experiment, tmp_path):
    out = tmp_path / "out"
    sweep(load_plan(write_experiment(factors=FACTORS, seeds=1)), out, workers=1)
    other = load_plan(write_experiment(factors={"contract.audit_rate": [0.0, 1.0]}, seeds=1))
    with pytest.raises(ExperimentError, match="holds results of another design"):
        sweep(other, out, workers=1)
    assert len(read_results(out)) == 2
