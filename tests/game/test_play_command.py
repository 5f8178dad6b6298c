"""`cislab play`: bad input exits 2 with one line; autoplay with screenshots works from the CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from cislab.cli import app
from tests.game.conftest import ARTIFACTS

runner = CliRunner()


def test_bad_language_scenario_and_flags_exit_2():
    for args, message in (
        (["play", "--lang", "de"], "--lang"),
        (["play", "nowhere"], "unknown scenario"),
        (["play", "--screenshots", "x"], "--autoplay"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert message in result.output


def test_export_to_a_file_is_refused_and_the_file_kept(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    result = runner.invoke(app, ["play", "--autoplay", "--export", str(notes)])
    assert result.exit_code == 2
    assert "exists and is not a folder" in result.output
    assert notes.read_text() == "mine"


def test_autoplay_from_the_command_line():
    out = ARTIFACTS / "cli-autoplay-fr"
    result = runner.invoke(
        app, ["play", "default", "--autoplay", "--screenshots", str(out), "--lang", "fr"]
    )
    assert result.exit_code == 0, result.output
    assert "debrief" in result.output
    # each export is a new folder named by time and case: 2026-12-03_0412-default
    assert list((out / "debrief").glob("????-??-??_????-default*/summary.csv"))
