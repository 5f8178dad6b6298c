"""`cislab sweep | compare | sensitivity`: tables and figures written; bad input exits 2 at once."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cislab.cli import app

runner = CliRunner()
SMALL = ["--set", "population.size=1000"]


def test_sweep_writes_results_summary_and_figures(write_experiment, tmp_path):
    experiment = write_experiment(
        factors={  # a numeric lever first: the figure draws it as a line with a band
            "contract.audit_rate": {"low": 0.0, "high": 1.0, "steps": 2},
            "contract.selection": ["operator", "random_referral"],
        },
        seeds=2,
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(experiment), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "8 runs" in result.output and "Creaming index" in result.output  # a readable label
    frame = pd.read_parquet(out / "results")
    assert len(frame) == 8
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["output"]) == {"creaming_index", "public_savings"}
    assert (summary["n"] == 2).all() and len(summary) == 4 * 2
    assert (summary["q05"] <= summary["median"]).all() and (
        summary["median"] <= summary["q95"]
    ).all()
    for ext in ("png", "svg"):
        assert (out / "figures" / f"outcomes.{ext}").stat().st_size > 1000


def test_sweep_with_failing_runs_exits_1_and_names_them(write_experiment, tmp_path, monkeypatch):
    from tests.experiments import helpers

    # Inline (--workers 1) runs in this process, so the run function can be swapped here.
    monkeypatch.setattr("cislab.experiments.worker.resolve", lambda ref: helpers.explode_on_seed_2)
    experiment = write_experiment(factors={"contract.audit_rate": [0.0]}, seeds=3)
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(experiment), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "1 runs failed" in result.output and "seed 2: ValueError: boom" in result.output
    assert len(pd.read_parquet(out / "results")) == 3


def test_compare_shows_baseline_and_designs_and_writes_table_and_figures(tmp_path):
    out = tmp_path / "cmp"
    result = runner.invoke(
        app,
        [
            "compare",
            "contract.selection=random_referral",
            "contract.metric=frequency,contract.audit_rate=0",
            "--seeds",
            "3",
            "--months",
            "18",
            *SMALL,
            "--metric",
            "creaming_index",
            "--metric",
            "outcome_payments",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Baseline: Back to work" in result.output  # the scenario's title, in English
    table = pd.read_csv(out / "compare.csv")
    assert list(dict.fromkeys(table["design"])) == [
        "baseline",  # a stable identifier in the data; the table shows the scenario's title
        "contract.selection=random_referral",
        "contract.metric=frequency,contract.audit_rate=0",
    ]
    assert set(table["output"]) == {"creaming_index", "outcome_payments"}
    assert (table["n"] == 3).all()
    assert {"median", "q05", "q95", "delta_median", "median_lo", "delta_lo"} <= set(table.columns)
    creaming = table[table["output"] == "creaming_index"].set_index("design")["median"]
    assert creaming["baseline"] > creaming["contract.selection=random_referral"]
    for ext in ("png", "svg"):
        assert (out / f"compare.{ext}").stat().st_size > 1000


def test_sensitivity_morris_writes_indices_and_a_figure(write_experiment, tmp_path):
    experiment = write_experiment(
        factors={
            "contract.selection": ["operator", "random_referral"],
            "contract.audit_rate": {"low": 0.0, "high": 1.0},
        },
        design={"kind": "lhs", "samples": 4},
        fixed={"population.size": 1000},
        months=12,
        outputs=["creaming_index"],
    )
    out = tmp_path / "sens"
    args = ["sensitivity", str(experiment), "--method", "morris", "--samples", "4", "--seeds", "1"]
    result = runner.invoke(app, [*args, "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    indices = pd.read_csv(out / "sensitivity.csv").set_index("factor")
    assert set(indices.index) == {"contract.selection", "contract.audit_rate"}
    assert indices.loc["contract.selection", "role"] == "lever"
    # Who selects drives creaming far more than audits do (seen: μ* 0.20 against 0.005).
    assert (
        indices.loc["contract.selection", "mu_star"]
        > 3 * indices.loc["contract.audit_rate", "mu_star"]
    )
    assert (out / "sensitivity.png").stat().st_size > 1000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sensitivity" and len(manifest["points"]) == 4 * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "contract.nothing=1"], "design 'contract.nothing=1': unknown path"),
        (["compare", "contract.audit_rate=7"], "contract.audit_rate = 7: must be ≤ 1.0"),
        (["compare", "atlantis"], "unknown scenario 'atlantis'"),
        (["compare", "contract.metric=frequency", "--metric", "joy"], "unknown output 'joy'"),
        (["sweep", "{exp}", "--dask", "tcp://x:1", "--dask-local", "2"], "--dask and --dask-local"),
        (["sweep", "{exp}", "--set", "contract.nothing=1"], "unknown path 'contract.nothing'"),
        (["sweep", "no/such.toml"], "experiment file not found"),
        (["sensitivity", "{exp}", "--method", "fast"], "--method = 'fast': allowed: morris, sobol"),
        (["sensitivity", "{exp}", "--method", "sobol", "--samples", "6"], "a power of 2"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    write_experiment, tmp_path, args, message
):
    experiment = write_experiment(factors={"contract.audit_rate": [0.0, 1.0]})
    out = tmp_path / "never"
    args = [a.replace("{exp}", str(experiment)) for a in args]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
