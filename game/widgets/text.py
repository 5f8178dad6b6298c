"""Text drawn straight onto surfaces (charts, field legend), in the widgets' Noto Sans."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pygame

TEXT = (238, 243, 248)
MUTED = (169, 184, 201)


@cache
def font(size: int, bold: bool = False) -> pygame.font.Font:
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
    colour: tuple[int, ...] = TEXT,
    *,
    bold: bool = False,
    anchor: str = "topleft",
    max_width: int | None = None,
) -> pygame.Rect:
    """Blit one line; shrinks the font until it fits `max_width` (never below 11 px)."""
    img = _render(text, size, colour, bold)
    while max_width is not None and img.get_width() > max_width and size > 11:
        size -= 1
        img = _render(text, size, colour, bold)
    rect = img.get_rect(**{anchor: pos})
    surface.blit(img, rect)
    return rect


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
    colour: tuple[int, ...] = TEXT,
    bold: bool = False,
) -> int:
    """Blit wrapped text inside `rect`; returns the y after the last line drawn."""
    y = rect.top
    step = font(size, bold).get_linesize()
    for line in wrap(text, size, rect.width, bold):
        if y + step > rect.bottom:
            break
        draw(surface, line, (rect.left, y), size, colour, bold=bold)
        y += step
    return y
