"""Monkey test: 10,000+ random events (clicks, keys, motion, resizes, text) on every screen the
events lead to; the game must never raise."""

from __future__ import annotations

import numpy as np
import pygame
from cislab.game.app import CANVAS

KEYS = [
    pygame.K_SPACE,
    pygame.K_RETURN,
    pygame.K_ESCAPE,
    pygame.K_p,
    pygame.K_u,
    pygame.K_f,
    pygame.K_r,
    pygame.K_e,
    pygame.K_x,
    pygame.K_1,
    pygame.K_2,
    pygame.K_3,
    pygame.K_PLUS,
    pygame.K_MINUS,
    pygame.K_UP,
    pygame.K_DOWN,
    pygame.K_F1,
    pygame.K_F2,
    pygame.K_a,
    pygame.K_TAB,
    pygame.K_BACKSPACE,
    pygame.K_s,
    pygame.K_o,
]
EVENTS = 10_500
PER_FRAME = 25


def random_event(rng: np.random.Generator, app) -> pygame.event.Event:
    kind = rng.random()
    if kind < 0.55:
        widgets = [w for w in app.stack.top.ui.values() if getattr(w, "visible", False)]
        if widgets and rng.random() < 0.7:
            rect = widgets[int(rng.integers(len(widgets)))].rect
            pos = (
                int(rng.integers(rect.left, rect.right + 1)),
                int(rng.integers(rect.top, rect.bottom + 1)),
            )
        else:
            pos = (int(rng.integers(0, CANVAS[0])), int(rng.integers(0, CANVAS[1])))
        t = pygame.MOUSEBUTTONDOWN if rng.random() < 0.5 else pygame.MOUSEBUTTONUP
        return pygame.event.Event(t, button=int(rng.choice([1, 1, 1, 3, 4, 5])), pos=pos)
    if kind < 0.85:
        mod = pygame.KMOD_CTRL if rng.random() < 0.08 else 0
        key = int(rng.choice(KEYS))
        return pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="")
    if kind < 0.93:
        pos = (int(rng.integers(-50, 1400)), int(rng.integers(-50, 800)))
        return pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    if kind < 0.97:
        return pygame.event.Event(pygame.TEXTINPUT, text=str(rng.choice(list("aé7 -<>"))))
    w, h = int(rng.integers(100, 2000)), int(rng.integers(100, 1200))
    return pygame.event.Event(pygame.VIDEORESIZE, w=w, h=h, size=(w, h))


def test_ten_thousand_random_events_raise_nothing(make_app):
    rng = np.random.default_rng(2026)
    d = make_app(lang="en")
    sent = 0
    restarts = 0
    scenes = set()
    while sent < EVENTS:
        batch = [random_event(rng, d.app) for _ in range(PER_FRAME)]
        d.app.frame(batch, dt=0.05)
        sent += len(batch)
        if d.app.stack.top is not None:
            scenes.add(d.app.stack.top.name)
        if not d.app.running:  # a random Ctrl+Q or Quit: start again, as a workshop would
            restarts += 1
            d = make_app(lang=str(rng.choice(["en", "fr"])))
    assert sent >= 10_000
    assert {"title", "scenario"} <= scenes  # the monkey got past the first screen
