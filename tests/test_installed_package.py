"""The package as a trainer on Windows or macOS gets it: a wheel in a clean virtual environment.

Builds the wheel from this checkout, installs it (with its dependencies, from pip's cache) into a
new venv and runs `scripts/wheel_smoke.sh`'s commands from an unrelated folder that holds its own
`model.py`, `agents.py` and `game/` — each of which exits if imported, so any bare import of a
source folder name fails the test. This is issue 9's "installable package" check, run in CI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cislab.model.scenarios import scenario_names

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "wheel_smoke.sh"), sys.executable, str(work)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return work


def test_wheel_holds_no_top_level_name_but_cislab(smoke: Path) -> None:
    site = next((smoke / "venv" / "lib").glob("python*/site-packages"))
    ours = {p.name for p in site.iterdir() if p.name.startswith("cislab")}
    assert {"cislab"} <= ours
    for name in ("model", "agents", "game", "experiments", "importers"):
        assert not (site / name).exists(), name


def test_installed_tool_lists_every_scenario_and_runs(smoke: Path) -> None:
    elsewhere = smoke / "elsewhere"
    listing = (elsewhere / "scenarios.txt").read_text()
    assert all(name in listing for name in scenario_names())
    summary = json.loads(
        (elsewhere / "run-default" / "summary.json").read_text(),
        parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"),
    )
    assert summary["enrolled"] > 0
    assert abs(summary["ledger_imbalance"]) < 1e-6
    assert (elsewhere / "run-imported" / "summary.json").is_file()


def test_installed_tool_validates_cases_imports_indigo_and_plays(smoke: Path) -> None:
    elsewhere = smoke / "elsewhere"
    report = (elsewhere / "validation" / "report.csv").read_text()
    assert "peterborough" in report and "educate_girls" in report
    assert "INDIGO-POJ" in (elsewhere / "indigo.txt").read_text()
    assert "[meta]" in (elsewhere / "imported.toml").read_text()
    shots = sorted((elsewhere / "shots").glob("*.png"))
    assert len(shots) >= 10
    assert (elsewhere / "version.txt").read_text().strip().startswith("cislab")
