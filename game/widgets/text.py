"""Text drawn straight onto surfaces (charts, field legend), in the widgets' Noto Sans."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pygame
from cislab.game import palette

MIN_SIZE = 16  # no text under 16 px at 1280×720: read from the back of a room (issue 10)


def __getattr__(name: str) -> tuple[int, int, int]:
    """TEXT, MUTED, ACCENT, WARN, PANEL_BG: the current theme's colours, read when drawing."""
    p = palette.current()
    colours = {"TEXT": p.text, "MUTED": p.muted, "ACCENT": p.accent, "WARN": p.warn}
    colours["PANEL_BG"] = p.popup
    if name in colours:
        return colours[name]
    raise AttributeError(name)


@cache
def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The font at `size`, never under `MIN_SIZE` (so layouts measure what is drawn)."""
    size = max(size, MIN_SIZE)
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    path = resources.files("pygame_gui.data").joinpath(name)
    return pygame.font.Font(str(path), size)


@cache
def _render(text: str, size: int, colour: tuple[int, ...], bold: bool) -> pygame.Surface:
    return font(size, bold).render(text, True, colour)


def reset() -> None:
    """Forget fonts and rendered lines (they die with `pygame.quit`)."""
    font.cache_clear()
    _render.cache_clear()


def draw(
    surface: pygame.Surface,
    text: str,
    pos: tuple[int, int],
    size: int = 16,
    colour: tuple[int, ...] | None = None,
    *,
    bold: bool = False,
    anchor: str = "topleft",
    max_width: int | None = None,
) -> pygame.Rect:
    """Blit one line; shrinks the font until it fits `max_width`, never below `MIN_SIZE`, then
    cuts it with an ellipsis (a clipped letter is never drawn). Every drawn line is recorded
    (`drawn`) so a test can check its size, overlaps and glyphs."""
    colour = palette.current().text if colour is None else colour
    size = max(size, MIN_SIZE)
    img = _render(text, size, tuple(colour), bold)
    while max_width is not None and img.get_width() > max_width and size > MIN_SIZE:
        size -= 1
        img = _render(text, size, tuple(colour), bold)
    if max_width is not None and img.get_width() > max_width:
        if RECORD is not None:
            CUT.append(text)
        text = fit(text, size, max_width, bold)
        img = _render(text, size, tuple(colour), bold)
    rect = img.get_rect(**{anchor: pos})
    surface.blit(img, rect)
    if RECORD is not None:
        RECORD.append((text, size, bold, rect.copy(), surface.get_size()))
    return rect


# Lines drawn since `record()` (text, size, bold, rect, surface size); None: not recording.
RECORD: list[tuple[str, int, bool, pygame.Rect, tuple[int, int]]] | None = None
CUT: list[str] = []  # lines cut with an ellipsis to fit, while recording (a test reads them)


def record(on: bool = True) -> list | None:
    """Start (or stop) recording every drawn line; returns the list being filled."""
    global RECORD
    RECORD = [] if on else None
    if on:
        CUT.clear()
    return RECORD


def fit(text: str, size: int, width: int, bold: bool = False) -> str:
    """`text` if it fits `width` pixels; else without its "(country, years)" part; else cut with
    an ellipsis. Why: long case titles must never be clipped mid-letter by a label or button."""
    f = font(size, bold)
    if f.size(text)[0] <= width:
        return text
    short = text.split(" (")[0]
    if f.size(short)[0] <= width:
        return short
    while short and f.size(short.rstrip(" ,:;–—") + "…")[0] > width:
        short = short[:-1]
    return short.rstrip(" ,:;–—") + "…"


def wrap(text: str, size: int, width: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` pixels."""
    f = font(size, bold)
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}".strip()
            if f.size(trial)[0] <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def draw_wrapped(
    surface: pygame.Surface,
    text: str,
    rect: pygame.Rect,
    size: int = 16,
    colour: tuple[int, ...] | None = None,
    bold: bool = False,
) -> int:
    """Blit wrapped text inside `rect`; returns the y after the last line drawn."""
    size = max(size, MIN_SIZE)
    y = rect.top
    step = font(size, bold).get_linesize()
    for line in wrap(text, size, rect.width, bold):
        if y + step > rect.bottom:
            break
        draw(surface, line, (rect.left, y), size, colour, bold=bold)
        y += step
    return y
