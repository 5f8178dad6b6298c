"""Every screen rendered at 1280×720 in both languages, in the room's conditions (issue 10): no text
under 16 px, none clipped or off the screen, none on top of another text or a widget, and no
glyph the font lacks in any string drawn or shown by a widget (the separator arrow "→" once
showed as an empty box in "État → Investisseur → Opérateur")."""

from __future__ import annotations

import pygame
import pytest
from cislab.game.scenes.registry import make
from cislab.game.session import Session
from cislab.game.widgets import text

from tests.game.conftest import ARTIFACTS
from tests.game.layout_check import check_screen, missing_glyphs

SMALLEST: dict[str, int] = {}


def shot(d, name: str, found: list, lang: str) -> None:
    """Render the top scene, check it, and keep a picture of it."""
    d.pump(2)
    app = d.app
    scene = app.stack.top
    drawn = text.record(True)
    scene.draw(app.canvas)
    text.record(False)
    problems, smallest = check_screen(f"{lang}:{name}", scene, drawn, app.canvas)
    found.extend(problems)
    found.extend(f"[{lang}:{name}] cut to fit: {cut!r}" for cut in text.CUT)
    SMALLEST[f"{lang}:{name}"] = smallest
    app.draw()
    out = ARTIFACTS / f"render-{lang}"
    out.mkdir(parents=True, exist_ok=True)
    pygame.image.save(app.canvas, str(out / f"{name}.png"))


def finished(case: str, humans: list[str], lang: str) -> Session:
    s = Session(case, seed=1, lang=lang)
    s.set_roles(humans)
    s.predictions["state"].update(creaming="yes", payments_share=0.5, note="peu")
    s.predictions["operator"].update(money_back="no")
    s.start()
    while s.live:
        s.run_turn()
    while s.step_month():  # a contract stopped early: its last payments fall due
        pass
    return s


@pytest.mark.filterwarnings("ignore:Label Rect is too small")  # measured below, every screen
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_screen_is_legible_whole_and_drawn_with_existing_glyphs(make_app, lang):
    d = make_app(lang=lang)
    app = d.app
    found: list = []
    shot(d, "title", found, lang)
    d.click("play")
    shot(d, "scenario", found, lang)
    d.click("next")
    for role in ("state", "investor", "operator"):
        d.click(f"toggle:{role}")
    shot(d, "roles", found, lang)
    d.click("next")
    shot(d, "contract", found, lang)
    d.click("propose")  # the State proposes, the investor's team answers
    shot(d, "contract_investor", found, lang)
    while "next" not in d.scene.ui:
        d.click("accept")
    shot(d, "contract_agreed", found, lang)
    d.click("next")
    shot(d, "predict", found, lang)
    d.click("start")
    shot(d, "play_seat", found, lang)
    for key, name in ((pygame.K_p, "pause"), (pygame.K_F1, "help"), (pygame.K_e, "explore")):
        d.key(key)
        shot(d, name, found, lang)
        d.key(pygame.K_ESCAPE)
        assert d.scene.name == "play", name
    d.key(pygame.K_s, pygame.KMOD_CTRL)
    shot(d, "saves", found, lang)
    d.key(pygame.K_ESCAPE)
    for _ in range(3):
        d.click("done")
    shot(d, "play_running", found, lang)

    stopped = finished("peterborough", ["state"], lang)  # ends at month 43
    app.session = stopped
    play = make("play", app)
    app.stack.replace(play)
    play._end_turn()
    assert play.phase == "ended"
    shot(d, "play_stopped", found, lang)

    s = finished("default", ["operator"], lang)
    app.session = s
    app.stack.replace(make("after", app))
    shot(d, "after", found, lang)
    s.run_after()
    app.stack.replace(make("debrief", app))
    shot(d, "debrief", found, lang)
    import os

    if os.environ.get("CISLAB_DUMP_LAYOUT"):
        with open(os.environ["CISLAB_DUMP_LAYOUT"], "a", encoding="utf-8") as fh:
            fh.writelines(str(p) + "\n" for p in found)
    assert [str(p) for p in found] == []
    print(f"smallest text ({lang}): {min(SMALLEST.values())} px")
    assert min(SMALLEST.values()) >= 16


def test_the_check_sees_a_missing_glyph():
    assert missing_glyphs("État → Investisseur") == {"→"}
    assert missing_glyphs("État ▸ Investisseur ✓") == {"▸", "✓"}
    assert missing_glyphs("<b>Écrémage</b> : 12,5 k€ − 3 % « ok » …") == set()


@pytest.mark.filterwarnings("ignore:Label Rect is too small")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_cases_set_up_screens_fit(make_app, lang):
    """Long case titles and payers' names ("The NYC Department of Correction") on the screens
    that show them: the briefing, the roles, the contract, the predictions, the play screen."""
    from cislab.game.scenes.title import scenario_names

    d = make_app(lang=lang)
    app = d.app
    found: list = []
    for case in scenario_names():
        app.session = Session(case, seed=0, lang=lang)
        app.session.set_roles(["state", "investor", "operator"])
        for name in ("roles", "contract", "predict"):
            app.stack.replace(make(name, app))
            shot(d, f"{case}-{name}", found, lang)
        app.session.start()
        app.stack.replace(make("play", app))
        shot(d, f"{case}-play", found, lang)
    assert [str(p) for p in found] == []
