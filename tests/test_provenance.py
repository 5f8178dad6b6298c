"""Provenance in every file (issue 11): a result says which code, versions, scenario and seed
made it, and tables of several runs stack."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
from cislab.model.api import run
from cislab.model.provenance import METADATA_KEY, scenario_sha256
from typer.testing import CliRunner

from cislab import __version__
from cislab.cli import app

runner = CliRunner()


def test_summary_and_every_parquet_file_carry_the_runs_provenance(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "run",
            "default",
            "--seed",
            "3",
            "--months",
            "12",
            "--out",
            str(out),
            "--set",
            "contract.audit_rate=0.5",
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads((out / "summary.json").read_text())["provenance"]
    assert record["seed"] == 3 and record["scenario"] == "default"
    assert record["overrides"] == {"contract.audit_rate": 0.5}
    assert record["cislab_version"] == __version__
    assert record["git_dirty"] in (True, False, None)
    assert record["versions"]["mesa"] and record["versions"]["numpy"]
    scenario = json.loads((out / "scenario.json").read_text())
    from cislab.model.schema import Scenario

    assert record["scenario_sha256"] == scenario_sha256(Scenario.model_validate(scenario))
    parquet = sorted(out.glob("*.parquet"))
    assert {p.stem for p in parquet} >= {"timeseries", "ledger", "cohorts", "beneficiaries"}
    for path in parquet:
        meta = json.loads(pq.read_schema(path).metadata[METADATA_KEY])
        assert meta == record, path.name
        frame = pd.read_parquet(path)
        assert frame.columns[0] == "run_id" and (frame["run_id"] == record["run_id"]).all()


def test_tables_of_several_runs_stack_and_stay_apart():
    runs = [run("default", seed=s, months=12) for s in (0, 1)]
    runs.append(run("default", seed=0, months=12, overrides={"contract.audit_rate": 0.9}))
    ids = [r.provenance["run_id"] for r in runs]
    assert len(set(ids)) == 3  # another seed, or another design: another identifier
    ledger = pd.concat([r.tables()["ledger"] for r in runs], ignore_index=True)
    assert set(ledger["run_id"]) == set(ids)
    assert run("default", seed=1, months=12).provenance == runs[1].provenance  # deterministic


def test_a_sweeps_parquet_parts_carry_its_provenance(tmp_path):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(
        'name = "prov"\nscenario = "default"\nseeds = 2\nmonths = 6\n'
        '[fixed]\n"population.size" = 300\n'
        '[factors]\n"contract.audit_rate" = [0.0, 0.5]\n'
    )
    out = tmp_path / "sweep"
    result = runner.invoke(app, ["sweep", str(experiment), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    parts = sorted(out.rglob("part-*.parquet"))
    assert parts
    for part in parts:
        meta = json.loads(pq.read_schema(part).metadata[METADATA_KEY])
        assert meta["design_hash"] == manifest["design_hash"]
        assert meta["versions"] == manifest["versions"]
        assert meta["seeds"] == [0, 1]


def test_the_scenario_hash_ignores_citations_but_not_inputs():
    from cislab.model.scenarios import load_scenario

    base = load_scenario("default")
    cited = base.model_copy(update={"sources": {**base.sources, "x": "another wording"}})
    assert scenario_sha256(cited) == scenario_sha256(base)
    assert scenario_sha256(load_scenario("default", {"contract.audit_rate": 0.9})) != (
        scenario_sha256(base)
    )
