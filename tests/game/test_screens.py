"""Autoplay (the model in every role, full speed) passes every scene from title to debrief, in
both languages, and each screenshot saved in test-artifacts/ is a real picture."""

from __future__ import annotations

import pygame
import pytest
from cislab.game.i18n import tr
from cislab.game.main import play

from tests.game.conftest import ARTIFACTS, nonblank

JOURNEY = [
    "title",
    "scenario",
    "roles",
    "contract",
    "predict",
    "play",
    "pause",
    "explore",
    "explore_changed",
    "after",
    "after_end",
    "debrief",
]


@pytest.mark.parametrize(("lang", "scenario"), [("en", "default"), ("fr", "peterborough")])
def test_autoplay_screenshots_every_scene(lang, scenario):
    out = ARTIFACTS / f"autoplay-{lang}-{scenario}"
    for old in out.glob("*.png"):
        old.unlink()
    names = play(scenario, lang, autoplay=True, screenshots=out, max_frames=4000)
    assert [n for n in JOURNEY if n not in names] == []
    assert names[0] == "title" and names[-1] == "debrief"
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == len(names)
    blank = [p.name for p in pngs if not nonblank(p)]
    assert blank == []
    # the export: a new folder per session, named by time and case
    assert list((out / "debrief").glob(f"????-??-??_????-{scenario}*/summary.csv"))


def test_help_overlay_and_language_switch_screens(make_app):
    d = make_app(lang="en", screenshots=ARTIFACTS / "overlays")
    d.pump(3)
    d.key(pygame.K_F1)
    assert d.scene.name == "help"
    d.pump(2)
    path_en = d.app.shoot("help_en")
    d.key(pygame.K_F2)  # language switch works on every screen, overlays included
    assert d.app.lang == "fr"
    d.pump(2)
    path_fr = d.app.shoot("help_fr")
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "title"
    d.pump(2)
    path_title = d.app.shoot("title_fr")
    assert all(nonblank(p) for p in (path_en, path_fr, path_title))
    assert path_en.read_bytes() != path_fr.read_bytes()


def test_window_scaling_maps_clicks_to_the_canvas(make_app):
    """Full screen on a projector: the canvas is scaled and clicks still land on widgets."""
    d = make_app(lang="en", window=(1920, 1080))
    d.pump(2)
    button = d.scene.ui["play"]
    scale = 1920 / 1280
    d.click_at((int(button.rect.centerx * scale), int(button.rect.centery * scale)))
    assert d.scene.name == "scenario"


def test_lever_tooltip_explains_in_plain_words(make_app):
    d = make_app(lang="fr", screenshots=ARTIFACTS / "overlays")
    d.pump(2)
    d.click("play")
    d.click("next")
    d.click("toggle:state")
    d.click("next")
    for path, shot in (("contract.selection", "tooltip_fr"), ("after.horizon_years", "horizon_fr")):
        label = d.scene.ui[f"lbl:{path}"]
        pos = label.rect.center
        pygame.mouse.set_pos(pos)
        for _ in range(90):  # hover about 1.5 s of game time
            d.app.frame(
                [pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))],
                dt=1 / 60,
            )
        assert label.tool_tip is not None  # pygame_gui shows the lever's plain-words tooltip
        assert label.tool_tip_text == tr(f"tip.{path.replace('.', '_')}")
        assert d.app.canvas.get_rect().contains(label.tool_tip.rect)  # all of it on screen
        assert nonblank(d.app.shoot(shot))


def test_field_marker_labels_stay_inside_and_apart():
    """'average enrolled' / 'average eligible' are never clipped by the field's edge, and never
    cover each other when the markers are a label's width apart (creaming at either extreme)."""
    from cislab.game.scenes.play import FIELD, mark_labels

    sizes = [(150, 18), (128, 18)]  # the longer of French and English, 13 px
    for x1 in range(FIELD.left, FIELD.right + 1, 6):
        for x2 in range(FIELD.left, FIELD.right + 1, 6):
            a, b = mark_labels([x1, x2], sizes, 400, FIELD.left, FIELD.right)
            assert a.left >= FIELD.left and b.left >= FIELD.left
            assert a.right <= FIELD.right and b.right <= FIELD.right
            if abs(x1 - x2) >= max(w for w, _ in sizes) + 18:
                assert not a.colliderect(b), (x1, x2)
    (alone,) = mark_labels([FIELD.left + 2], sizes[:1], 400, FIELD.left, FIELD.right)
    assert alone.left >= FIELD.left


def test_a_second_session_keeps_the_first_sessions_screenshots(make_app, tmp_path):
    d = make_app(lang="en", screenshots=tmp_path / "shots")
    d.pump(2)
    first = d.app.shoot("title")
    first_bytes = first.read_bytes()
    d.app.shot_count = 0  # what a new session in the same folder starts from
    second = d.app.shoot("title")
    assert first.name == "01_title.png" and second.name == "01_title-2.png"
    assert first.read_bytes() == first_bytes and nonblank(second)
