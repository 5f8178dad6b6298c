"""The `cislab` command: runs, writes, validates, lists — and refuses bad input cleanly."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from cislab.cli import app

runner = CliRunner()

SUMMARY_KEYS = {
    "scenario",
    "seed",
    "months",
    "enrolled",
    "creaming_index",
    "parking_index",
    "gaming_index",
    "true_effect",
    "measured_effect",
    "outcome_payments",
    "public_cost",
    "public_savings",
    "investor_irr",
    "investor_multiple",
    "operator_cash_end",
    "ledger_imbalance",
}


def test_run_default_writes_summary_and_tables(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Creaming index" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) >= SUMMARY_KEYS
    assert summary["scenario"] == "default" and summary["seed"] == 3
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == summary["months"]
    assert ts["month"].tolist() == list(range(summary["months"]))
    ledger = pd.read_parquet(out / "ledger.parquet")
    assert {"month", "payer", "payee", "amount", "reason"} <= set(ledger.columns)
    people = pd.read_parquet(out / "beneficiaries.parquet")
    assert len(people) == 5000


def test_run_with_overrides_months_and_csv(tmp_path):
    out = tmp_path / "csv"
    result = runner.invoke(
        app,
        [
            "run",
            "peterborough",
            "--months",
            "12",
            "--format",
            "csv",
            "--set",
            "contract.audit_rate=0",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in out.iterdir()) == [
        "",  # .cislab-output, the marker of a CIS Lab output folder
        ".csv",
        ".csv",
        ".csv",
        ".csv",
        ".json",
        ".json",
    ]
    assert json.loads((out / "summary.json").read_text())["months"] == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--set", "contract.audit_rate=2"], "contract.audit_rate = 2: must be ≤ 1.0"),
        (["run", "--set", "contract.selection=lottery"], "contract.selection = 'lottery'"),
        (["run", "--set", "contract.nothing=1"], "unknown field 'contract.nothing'"),
        (["run", "--set", "audit_rate"], "expected path=value"),
        (["run", "atlantis"], "unknown scenario 'atlantis'"),
        (["run", "--format", "xlsx"], "--format = 'xlsx': allowed: parquet, csv"),
        (["validate", "no/such/file.toml"], "scenario file not found"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "never"
    result = runner.invoke(app, [*args, "--out", str(out)] if args[0] == "run" else args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_months_out_of_range_is_refused(tmp_path):
    result = runner.invoke(app, ["run", "--months", "0", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "--months" in result.output


def test_validate_and_scenarios():
    ok = runner.invoke(app, ["validate", "scenarios/default.toml"])
    assert ok.exit_code == 0 and "valid" in ok.output
    listing = runner.invoke(app, ["scenarios"])
    assert listing.exit_code == 0
    assert "default" in listing.output and "peterborough" in listing.output


def test_help_imports_no_heavy_package():
    """`cislab --help` must answer at once: it may not import mesa, pandas or scipy."""
    code = (
        "import sys; from typer.testing import CliRunner; from cislab.cli import app; "
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0; "
        "print(sorted(m for m in ('mesa', 'pandas', 'scipy', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--months", "0"], "error: Invalid value for '--months'"),
        (["run", "--seed", "-1"], "error: Invalid value for '--seed'"),
        (
            ["run", "--set", "contract.audit_rate=3"],
            "error: contract.audit_rate = 3: must be ≤ 1.0",
        ),
    ],
)
def test_installed_command_prints_one_line_errors(tmp_path, args, message):
    """The `cislab` entry point turns usage errors into one line on stderr and exit code 2."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cislab.cli import main; main()",
            *args,
            "--out",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), out.stderr
    assert not (tmp_path / "x").exists()
