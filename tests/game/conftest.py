"""Headless game fixtures: dummy SDL drivers, strict translations, a driver that clicks widgets.

Clicks are real mouse events at a widget's centre, so a test goes through pygame_gui exactly as a
player's mouse does (UI events arrive a frame later: `click` pumps a few frames).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["CISLAB_I18N_STRICT"] = "1"

import pygame

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Driver:
    """Drives an `App` through its event loop the way a player would."""

    def __init__(self, app) -> None:
        self.app = app

    @property
    def scene(self):
        return self.app.stack.top

    def pump(self, frames: int = 1, events: list | None = None) -> None:
        for i in range(frames):
            self.app.frame(events if i == 0 else None, dt=1 / 60)

    def click_at(self, pos: tuple[int, int]) -> None:
        down = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos)
        up = pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos)
        pygame.mouse.set_pos(pos)
        self.pump(
            1, [pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))]
        )
        self.pump(3, [down, up])

    def click(self, name: str) -> None:
        element = self.scene.ui[name]
        assert element.is_enabled, f"{name} is disabled"
        self.click_at(element.rect.center)

    def choose(self, name: str, text: str) -> None:
        """Open a dropdown and click the option showing `text`."""
        menu = self.scene.ui[name]
        self.click_at(menu.rect.center)
        items = menu.current_state.options_selection_list.item_list
        button = next(i["button_element"] for i in items if i["text"] == text)
        self.click_at(button.rect.center)

    def nudge(self, name: str, steps: int = 1, right: bool = True) -> None:
        """Click a slider's arrow `steps` times."""
        slider = self.scene.ui[name]
        arrow = slider.right_button if right else slider.left_button
        for _ in range(steps):
            self.click_at(arrow.rect.center)

    def key(self, key: int, mod: int = 0) -> None:
        self.pump(2, [pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="")])

    def until(self, predicate, frames: int = 600) -> None:
        for _ in range(frames):
            if predicate():
                return
            self.pump()
        raise AssertionError(f"still on {self.scene.name} after {frames} frames")


@pytest.fixture
def make_app(tmp_path) -> Iterator:
    """Build Apps on demand (several per test possible); everything is shut down after."""
    from cislab.game import i18n
    from cislab.game.app import App

    made = []

    def factory(**kwargs) -> Driver:
        kwargs.setdefault("export_dir", tmp_path / "export")
        kwargs.setdefault("threaded", False)  # tests count frames: the model runs in them
        app = App(**kwargs)
        app.save_dir = tmp_path / "saves"
        app.fps_limit = 0
        made.append(app)
        return Driver(app)

    yield factory
    pygame.quit()
    from cislab.game import palette
    from cislab.game.widgets import text

    text.reset()  # fonts die with pygame.quit: a later test must not meet a cached one
    palette.use("dark")
    i18n.set_language("en")


def nonblank(path: Path, min_colours: int = 40) -> bool:
    """A real picture: many colours and light as well as dark areas."""
    surface = pygame.image.load(str(path))
    arr = pygame.surfarray.array3d(surface)
    colours = len({tuple(c) for c in arr[::7, ::7].reshape(-1, 3)})
    return arr.std() > 12 and colours > min_colours
