"""Keys a trainer reaches for (issue 10): F1 lists every key, the speed label follows + and −
at once, and E explores from the debrief as from the play screen."""

from __future__ import annotations

import pygame
from cislab.game.i18n import tr
from cislab.game.scenes.debrief import AfterScene, DebriefScene
from cislab.game.scenes.overlays import HELP_KEYS
from cislab.game.scenes.play import PlayScene

from tests.game.test_after import started


def test_the_help_lists_every_key_the_readme_lists():
    keys = [tr(f"help.key{i}").partition("|")[0] for i in range(1, HELP_KEYS + 1)]
    for key in ("F1", "F2", "F11", "F12", "A", "X", "E", "U", "F", "R", "Ctrl+Q"):
        assert any(key == k or key in k.split(" ") for k in keys), key


def test_the_speed_label_changes_with_the_speed(make_app):
    d = make_app(lang="en")
    app = d.app
    app.session = started("default", horizon=0)
    app.stack.replace(PlayScene(app))
    d.pump(2)
    before = d.scene.ui["status"].text
    d.key(pygame.K_PLUS)
    after = d.scene.ui["status"].text
    assert after != before and app.speed_label() in after


def test_e_opens_explore_mode_from_the_debrief(make_app):
    d = make_app(lang="fr")
    app = d.app
    app.session = started("peterborough", horizon=0)
    app.stack.replace(AfterScene(app))
    d.pump(3)
    d.click("next")
    assert isinstance(d.scene, DebriefScene)
    d.key(pygame.K_e)
    d.pump(2)
    assert d.scene.name == "explore"


def test_explore_offers_the_maximum_payment_and_shows_medians():
    """Issue 11: without a maximum-payment slider the cost of weak evaluation hid behind the
    cap; explore showed means of 4 runs where `compare` shows medians."""
    import numpy as np
    from cislab.game.scenes.overlays import EXPLORE_LEVERS
    from cislab.game.whatif import SEEDS, WhatIf
    from cislab.model.api import run

    assert "contract.max_payment" in EXPLORE_LEVERS
    shown = WhatIf("default").evaluate({"contract.max_payment": 3_000_000.0})
    values = [
        run("default", seed=s, overrides={"contract.max_payment": 3_000_000.0}).summary[
            "outcome_payments"
        ]
        for s in SEEDS
    ]
    assert shown["outcome_payments"] == (np.median(values), min(values), max(values))
