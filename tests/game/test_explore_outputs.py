"""Explore mode (issue 11): a saved design is a scenario TOML that `cislab run` and `compare`
accept, never written over another file; results are explained on screen in both languages;
the engine gives the same numbers with or without worker processes."""

from __future__ import annotations

import os
from pathlib import Path

import pygame
import pytest

from tests.game.conftest import nonblank

SHOTS = Path(os.environ.get("CISLAB_SHOTS", "")) if os.environ.get("CISLAB_SHOTS") else None


def _explore(make_app, lang: str):
    from cislab.game.scenes.registry import make

    d = make_app(lang=lang)
    d.app.stack.replace(make("explore", d.app, "default"))
    d.pump(2)
    return d


def test_saved_design_runs_and_is_never_overwritten(tmp_path):
    from cislab.game.design_export import save_design
    from cislab.model.api import run
    from cislab.model.scenarios import load_scenario

    changes = {"contract.selection": "random_referral", "contract.max_payment": 2_500_000.0}
    first = save_design("default", changes, tmp_path)
    second = save_design("default", changes, tmp_path)
    assert first != second and first.is_file() and second.is_file()
    before = first.read_bytes()
    save_design("default", changes, tmp_path)
    assert first.read_bytes() == before  # a third save made a third file
    assert len(list(tmp_path.glob("*.toml"))) == 3
    sc = load_scenario(first)
    assert sc.contract.selection.value == "random_referral"
    assert sc.contract.max_payment == 2_500_000.0
    assert sc.sources["contract.max_payment"].startswith("assumption: chosen in explore mode")
    # the same results as the scenario with the same overrides: the file is the design
    saved = run(first, seed=3).summary
    direct = run("default", seed=3, overrides=changes).summary
    for key in ("creaming_index", "outcome_payments", "net_public_benefit"):
        assert saved[key] == direct[key]


def test_saved_design_is_accepted_by_cislab_run_and_compare(tmp_path):
    from cislab.game.design_export import save_design
    from typer.testing import CliRunner

    from cislab.cli import app

    path = save_design("default", {"contract.audit_rate": 1.0}, tmp_path / "designs")
    runner = CliRunner()
    done = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "run"), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "run" / "summary.json").is_file()
    done = runner.invoke(
        app,
        [
            "compare",
            f"Mine={path}",
            "--seeds",
            "2",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "cmp"),
            "--lang",
            "en",
            "--metric",
            "creaming_index",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Mine" in done.output


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_explore_explains_results_and_saves(make_app, tmp_path, monkeypatch, lang):
    from cislab.game.i18n import tr

    from cislab import indicators
    from cislab import lang as cli_lang

    monkeypatch.setenv("HOME", str(tmp_path))
    d = _explore(make_app, lang)
    scene = d.scene
    assert scene.name == "explore" and len(scene.whatif.seeds) == 8
    scene.values["contract.selection"] = "random_referral"
    scene.rerun()
    scene.hover = "creaming_index"
    path = scene.save()
    assert path is not None and path.parent == tmp_path / ".cislab" / "designs"
    assert str(path) in scene.status and scene.status == tr("explore.saved", path=str(path))
    assert "contract.selection" in path.read_text()
    d.pump(2)
    shot = tmp_path / f"explore_{lang}.png"
    pygame.image.save(d.app.canvas, str(shot))
    assert nonblank(shot)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        pygame.image.save(d.app.canvas, str(SHOTS / shot.name))
    cli_lang.set_language(lang)
    words = indicators.direction("creaming_index")
    assert words == ("lower is better" if lang == "en" else "plus bas = mieux")


def test_workers_give_the_same_numbers_as_one_process():
    from cislab.game import whatif

    design = {"contract.audit_rate": 0.55, "contract.selection": "public_referral"}
    whatif._CACHE.clear()
    alone = dict(whatif.WhatIf("default", seeds=(0, 1, 2), parallel=False).evaluate(design))
    whatif._CACHE.clear()
    pooled = whatif.WhatIf("default", seeds=(0, 1, 2), parallel=True).evaluate(design)
    assert pooled == alone
    whatif.shutdown()
